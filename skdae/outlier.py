"""AutoencoderOutlierDetector: outlier and novelty detection by reconstruction error.

A meta-estimator in the shape of scikit-learn's outlier detectors
(:class:`~sklearn.ensemble.IsolationForest`,
:class:`~sklearn.neighbors.LocalOutlierFactor` with ``novelty=True``): it fits
one of the autoencoders and scores samples by how far their reconstruction
error and their code lie from those of the training samples (or by the
autoencoder's own :meth:`~skdae.DenoisingAutoencoder.score_samples`, minus the
reconstruction error). Raw columns of any scale are scaled first, robustly.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.linalg import pinvh
from sklearn.base import BaseEstimator, OutlierMixin, clone
from sklearn.preprocessing import RobustScaler
from sklearn.utils import check_random_state, gen_batches, get_tags
from sklearn.utils.validation import check_array, check_is_fitted

from ._compat import HasMethods, Interval, StrOptions, safe_indexing
from ._data import INFERENCE_VALUES
from ._meta import AutoencoderMetaMixin
from .conv import ConvDenoisingAutoencoder
from .dense import DenoisingAutoencoder

#: Tukey's fence: training scores this many interquartile ranges below the
#: first quartile are outliers under ``contamination="auto"``.
TUKEY_K = 1.5

#: The autoencoder of ``autoencoder=None``: under-complete, unlike
#: DenoisingAutoencoder's own over-complete default, which is made for denoising
#: and features and learns to reconstruct anomalies too. Its ``"auto"`` values
#: are resolved by the detector at fit from the number of features
#: (:func:`auto_parameters`).
DEFAULT_AUTOENCODER = {
    "hidden_layer_sizes": "auto",
    "activation": "auto",
    "epochs": "auto",
    "batch_size": "auto",
}

#: Features from which the data are taken for images: the network of
#: ``hidden_layer_sizes="auto"`` is then (256, 64), measured on Fashion-MNIST.
IMAGE_FEATURES = 256
IMAGE_LAYER_SIZES = (256, 64)
#: Training of ``"auto"``: images as on the Fashion-MNIST page (ReLU units, 50
#: epochs); tables with tanh units, 20 epochs in batches of 256 (measured on the
#: ADBench tables, one seed, median-ratio score: ReLU 10 epochs 0.726, tanh 10
#: epochs 0.748, tanh 20 epochs 0.755 mean ROC AUC; see the class docstring).
IMAGE_TRAINING = {"activation": "relu", "epochs": 50, "batch_size": 128}
TABLE_TRAINING = {"activation": "tanh", "epochs": 20, "batch_size": 256}

#: ``n_autoencoders="auto"`` and ``error_weight="auto"`` on tables (on images:
#: one autoencoder, weight 1). Measured on the 18 ADBench tables (see the class
#: docstring): three autoencoders, the error counted one and a half times.
TABLE_AUTOENCODERS = 3
TABLE_ERROR_WEIGHT = 1.5

#: Rows (at most) from which the robust scaler learns its medians and quantiles.
SCALER_ROWS = 100_000

#: Regularisation of the standardized score's variances, relative to their mean:
#: a feature the autoencoder always reconstructs exactly (a constant border
#: pixel) and a code direction without spread must not weigh without bound.
ERROR_VARIANCE_RIDGE = 1e-3
CODE_COVARIANCE_RIDGE = 1e-6

#: How many times the code's mean and covariance are estimated again from the
#: ``support_fraction`` of the codes closest to the last estimate.
CODE_REWEIGHTING_STEPS = 2

#: Training rows (at most, evenly spaced) from which the standardized score's
#: statistics are learned; every training row is scored.
STATISTICS_ROWS = 50_000

#: What a fit with score_method="standardized" learns.
STANDARDIZED_ATTRIBUTES = (
    "error_variance_",
    "code_mean_",
    "code_precision_",
    "distance_center_",
    "distance_scale_",
)


def default_autoencoder() -> DenoisingAutoencoder:
    """The autoencoder used when ``autoencoder`` is None (a new instance).

    Its ``hidden_layer_sizes``, ``epochs`` and ``batch_size`` are ``"auto"``,
    which only the detector reads: it replaces them at fit by
    :func:`auto_parameters` of the data (fitted alone, the autoencoder would
    refuse them).
    """
    return DenoisingAutoencoder(**DEFAULT_AUTOENCODER)


def auto_parameters(n_features: int) -> dict:
    """The values of the default autoencoder's ``"auto"`` parameters.

    For images (``n_features >= 256``): ``hidden_layer_sizes=(256, 64)``,
    ``activation="relu"``, ``epochs=50``, ``batch_size=128``; for tables: the
    network of :func:`default_hidden_layer_sizes`, ``activation="tanh"``,
    ``epochs=20``, ``batch_size=256``.
    """
    training = IMAGE_TRAINING if n_features >= IMAGE_FEATURES else TABLE_TRAINING
    return {"hidden_layer_sizes": default_hidden_layer_sizes(n_features), **training}


def default_hidden_layer_sizes(n_features: int) -> tuple[int, ...]:
    """The network of ``hidden_layer_sizes="auto"`` for ``n_features`` inputs.

    ``(256, 64)`` for images (256 features or more, as 28 x 28 pixels); for
    tables, a hidden layer of twice the features (16 to 128 units) and a code of
    a sixth of them (at least 2, and fewer than the features): a narrow
    bottleneck, so that the autoencoder cannot copy unusual rows (on ADBench
    tables a code of a sixth scored higher than one of a third: cardio 0.93
    against 0.89, pendigits 0.89 against 0.86, one seed).
    """
    if n_features >= IMAGE_FEATURES:
        return IMAGE_LAYER_SIZES
    code = min(max(2, n_features // 6), max(1, n_features - 1))
    return (min(128, max(16, 2 * n_features)), code)


class AutoencoderOutlierDetector(OutlierMixin, AutoencoderMetaMixin, BaseEstimator):
    """Outlier and novelty detection by an autoencoder's errors and codes.

    The autoencoder is trained on ``X``; samples it reconstructs badly, or
    encodes unlike any training sample, are unusual. By default the score of a
    sample is minus the weighted sum of two standardized distances: its
    reconstruction error, each feature weighed by how exactly the autoencoder
    reconstructs it on the training samples, and the Mahalanobis distance of
    its code from the training codes (see ``score_method``,
    ``distance_scale`` and ``error_weight``). Higher is more typical. On
    tables, the default is an ensemble of three such autoencoders whose
    scores are averaged (``n_autoencoders``).
    ``decision_function`` shifts it by ``offset_`` so that 0 separates inliers
    (positive) from outliers (negative), and ``predict`` returns +1 or -1, as
    :class:`~sklearn.ensemble.IsolationForest` does.

    Made for raw tables as IsolationForest is: the detector scales the
    columns itself, robustly (``scaler``), and sizes its default network from
    the number of features. On tables its defaults differ from those for
    images in three ways, each chosen by measurement on the 18 ADBench tables
    of ``benchmarks/adbench.py`` (unsupervised: fitted on all rows, ROC AUC of
    the scores; one seed each, seeds 0 and 1, against IsolationForest's 0.749
    over three seeds): tanh units instead of ReLU (a ReLU code of two or three
    units often has dead units, and the anomalies' codes collapse onto the
    typical ones), 20 epochs instead of 10, and each distance divided by its
    median instead of centred and divided by its interquartile range
    (``distance_scale``). Mean ROC AUC of the one-seed runs: ReLU, 10 epochs,
    interquartile ranges (the earlier defaults) 0.730; tanh, 10 epochs 0.740
    and 0.744; then medians 0.748 and 0.750; tanh, 20 epochs, medians 0.755
    and 0.761 (40 epochs: 0.756). What did not pay there: shorter training
    (ReLU, 3 epochs: 0.697 against 0.730), a wider code (a third of the
    features: 0.747 against 0.748), feature bagging (five ReLU autoencoders
    on random halves of the columns: 0.719 against 0.723 for the first alone)
    and a seed ensemble (five ELU autoencoders: 0.741 against 0.734 for one),
    both at five times the fit time.
    Two more table defaults were then chosen for the mean rank among the
    page's six columns (IsolationForest's 2.72 there, against this
    detector's 2.89 with one autoencoder and weight 1): three autoencoders
    of the default network, seeded apart, their scores averaged
    (``n_autoencoders``), and the reconstruction error weighed 1.5 against
    the code's 1 (``error_weight``). Five seeds of the default network, each
    ensemble of three among them scored as the page scores three seeds:
    mean ROC AUC 0.7563 and mean rank 2.92 for one autoencoder with weight
    1, 0.7590 and 2.81 for three, 0.7600 and 2.64 (IsolationForest 2.78)
    for three with weight 1.5; with weight 1.25 three tie IsolationForest
    (2.72 each), with 1.75 they trail it (2.75 against 2.72): the rank rests
    on a few tables where the columns lie within 0.01 of each other. The
    page's own run (three seeds of the ensemble) measured 0.7619 and 2.72,
    tied with IsolationForest's 2.72 (0.7492). What did not pay, against the same three
    (seeds 0 to 2, weight 1.5: 0.7621, rank 2.64): each autoencoder on a
    random half of the rows (0.7535, rank 2.78), swap noise instead of
    gaussian (0.7580, rank 2.89), no compression of the scaled columns
    (stopped after 9 tables, lower on 5 of them: annthyroid 0.851 against
    0.887), a third distance, of the scaled row from the medians (0.7577
    against 0.7600, three seeds of five), and a moving average of the
    weights (``autoencoder__optimizer__use_ema=True``, momentum 0.99: 0.7524
    against the page's 0.7619, seeds 0 to 2; Keras' average starts from the
    first step's weights, and a small table's few hundred steps do not wash them
    out: vowels 0.689 against 0.818).
    The measured page is ``benchmarks/results/adbench.md``. Trained on clean
    data only, this is novelty
    detection: score new samples with ``score_samples``, ``decision_function``
    or ``predict``. Trained on data that contains outliers, ``fit_predict``
    flags them (outlier detection); the autoencoder should then be small
    enough not to learn the outliers too (``support_fraction`` below 1
    estimates the code statistics robustly).

    Parameters
    ----------
    autoencoder : estimator or None, default=None
        The autoencoder to train: a :class:`~skdae.DenoisingAutoencoder` or
        :class:`~skdae.ConvDenoisingAutoencoder`. With
        ``score_method="standardized"`` it needs ``fit``, ``transform`` (the
        codes) and a way back to the input: ``denoise``, or
        ``inverse_transform`` of the codes (so
        :class:`~sklearn.decomposition.PCA` works too); a ``ValueError`` at
        fit says which is missing. With ``score_method="reconstruction"`` any
        estimator with ``fit`` and ``score_samples`` works (the detector reads
        ``n_features_in_`` from it when it has one, else from ``X``). It is
        cloned, never changed; an autoencoder with ``transform_mode="denoise"``
        is fitted in ``"code"`` mode (the code distance is measured on codes,
        never on reconstructions). None means
        ``DenoisingAutoencoder(hidden_layer_sizes="auto", activation="auto",
        epochs="auto", batch_size="auto")``, whose ``"auto"`` values the
        detector resolves at fit from the number of features
        (``skdae.outlier.auto_parameters``): for images (256 features or
        more) ``(256, 64)`` ReLU units, 50 epochs, batches of 128; for a
        table of ``d`` columns a hidden layer of ``2d`` tanh units (16 to 128)
        and a code of ``d // 6`` (at least 2), 20 epochs, batches of 256.
        Prefer a bottleneck for anomaly detection: an autoencoder
        whose code is as wide as its input (as DenoisingAutoencoder's own
        default, made for denoising and features) learns to reconstruct
        anomalies too. Its parameters are set and grid-searched as
        ``autoencoder__epochs``, ``autoencoder__noise__noise_factor``, ...,
        also while it is None (the default autoencoder is created first).
    scaler : {"auto", "robust"} or None, default="auto"
        How the columns are scaled before the autoencoder (and in every
        score). ``"robust"``: a :class:`~sklearn.preprocessing.RobustScaler`
        fitted on the training rows (at most 100,000, evenly spaced), kept as
        ``scaler_``: each column centred on its median and divided by its
        interquartile range over 1.349 (the standard deviation of normal
        data), or by its standard deviation where the interquartile range is
        0 (binary flags, mostly-zero counts), or by 1 if constant; the
        outliers to be found do not move these, as they move a mean and a
        standard deviation. Each scaled value ``z`` is then compressed to
        ``sign(z) * log(1 + |z|)``: the order of the values is kept, but a
        value a thousand interquartile ranges out (a heavy-tailed column)
        weighs about 7 in training, not a thousand. Sparse input is not
        centred (it stays sparse).
        ``"auto"``: ``"robust"`` for tables (fewer than 256 features and not a
        :class:`~skdae.ConvDenoisingAutoencoder`), none for images, whose
        pixels share one scale. None: the data as given.
    score_method : {"standardized", "reconstruction"}, default="standardized"
        How a sample is scored (higher is more typical).

        - ``"standardized"``: two distances from the training samples, each
          scaled by its values over the training samples so that both weigh
          alike (``distance_scale``), and the score is minus their sum. One
          is the reconstruction error with each feature's squared error
          divided by that feature's error variance over the
          training samples (an error where the autoencoder is usually exact
          counts more than one where it is usually loose); the other is the
          Mahalanobis distance of the code (``transform(X)``) from the training
          codes (a sample the autoencoder reconstructs well but encodes unlike
          any training sample is unusual too). It is the autoencoder's analogue
          of :meth:`sklearn.decomposition.PCA.score_samples`, whose likelihood
          also adds a distance within the learned subspace to the residual.
          It needs ``transform`` and ``denoise`` (or ``inverse_transform``)
          on the autoencoder. Codes and
          reconstructions come from one encoding when the autoencoder decodes
          its codes (``inverse_transform``); a convolutional one with skip
          connections encodes twice (``transform``, then ``denoise``).
        - ``"reconstruction"``: the autoencoder's own ``score_samples``, minus
          the mean squared reconstruction error.

        On one-class Fashion-MNIST (``benchmarks/results/novelty.md``), the
        standardized score raises the mean ROC AUC of the default autoencoder
        above IsolationForest's and PCA's, where the plain reconstruction error
        stays below them.
    distance_scale : {"auto", "median", "iqr"}, default="auto"
        How the standardized score makes its two distances comparable
        (``score_method="standardized"``).

        - ``"median"``: each distance divided by its median over the training
          samples (by its mean where the median is 0): a typical training
          sample scores 1 on each, and a sample twice as far as typical in
          either counts as much.
        - ``"iqr"``: each distance centred on its median and divided by its
          interquartile range over the training samples: both spread alike.
        - ``"auto"``: ``"median"`` for tables (fewer than 256 features and not
          a :class:`~skdae.ConvDenoisingAutoencoder`), ``"iqr"`` for images.

        Measured: on the ADBench tables (tanh, 10 epochs, seeds 0 and 1) mean
        ROC AUC 0.748 and 0.750 with medians against 0.740 and 0.744 with
        interquartile ranges; on one-class MNIST (classes 8 and 2, 2,000
        training images, one seed) the conv detector scored 0.912 and 0.942
        with interquartile ranges against 0.854 and 0.921 with medians, the
        dense default 0.839 and 0.889 against 0.837 and 0.897.
    error_weight : float or "auto", default="auto"
        Weight of the reconstruction error's standardized distance in the
        standardized score, against 1 for the code's: the score is minus
        ``error_weight * error + code``. ``"auto"``: 1.5 for the default
        network (``hidden_layer_sizes="auto"``, as with ``autoencoder=None``)
        on a table, 1 otherwise (images, or a network of your own). Measured
        on the ADBench tables (five seeds of the default network, one
        autoencoder each): mean rank among the page's six columns 2.91 with
        weight 1, 2.79 with 1.5, 2.79 with 2 and 3.14 with 5 (mean ROC AUC
        0.756, 0.758, 0.756, 0.742).
    n_autoencoders : int or "auto", default="auto"
        How many autoencoders are trained, each a clone of ``autoencoder``
        seeded apart (their ``random_state`` values drawn from the
        autoencoder's own, or each None when it is None), on the same
        scaled columns; a sample's score is the mean of their scores (each
        standardized on its own training scores), so that no single
        network's initialization decides the ranking. More than one keeps
        them as ``estimators_``, one-autoencoder detectors. ``"auto"``: 3
        for the default network on a table, 1 otherwise. It multiplies the
        fit and score time.
    support_fraction : float in (0, 1], default=1.0
        Share of the training codes from which their mean and covariance are
        estimated (``score_method="standardized"``). 1.0: every code. Below
        1: first from all codes, then twice from this share of the codes
        closest to the last estimate (the reweighting steps of a minimum
        covariance determinant, as in
        :class:`~sklearn.covariance.EllipticEnvelope`), so that outliers in the
        training data do not widen the covariance that measures them. On the
        ADBench tables (with the earlier ReLU, 10-epoch, interquartile-range
        defaults) 0.9 and 1.0 give the same mean ROC AUC (0.734, three
        seeds; annthyroid 0.87 against 0.84, Wilt 0.64 against 0.66), and on
        clean training data (novelty detection) 0.9 scored lower (0.91
        against 0.93 on a Fashion-MNIST class).
    contamination : "auto" or float, default="auto"
        Expected proportion of outliers in the training data; it sets the
        threshold ``offset_`` from the scores of the training samples.

        - a float in (0, 0.5]: ``offset_`` is that percentile of the training
          scores, so this share of the training samples is flagged (as
          IsolationForest does).
        - ``"auto"``: Tukey's boxplot rule, which assumes no proportion.
          A sample is an outlier when its score lies more than 1.5
          interquartile ranges below the first quartile of the training
          scores: ``offset_ = Q1 - 1.5 * (Q3 - Q1)``. A reconstruction error
          has no natural scale, so no fixed offset (as IsolationForest's -0.5)
          could serve every dataset.

        The autoencoder reconstructs its own training samples better than
        new ones, so on new data from the same distribution a threshold from
        training scores flags somewhat more samples than on the training data.

    Attributes
    ----------
    autoencoder_ : estimator
        The fitted clone of ``autoencoder`` (its ``model_``, ``history_``,
        ``denoise`` ... are there); with several autoencoders, the first
        one's.
    estimators_ : list of AutoencoderOutlierDetector
        The ensemble, when ``n_autoencoders`` resolves to more than one: a
        detector of one autoencoder each, fitted on the scaled columns (no
        scaler of its own), holding its own standardized-score statistics;
        the attributes below marked ``score_method="standardized"`` are
        then theirs, not the ensemble's.
    offset_ : float
        The threshold on ``score_samples``:
        ``decision_function(X) = score_samples(X) - offset_``.
    scaler_ : sklearn.preprocessing.RobustScaler
        The fitted scaler of the columns (only when the columns are scaled,
        see ``scaler``).
    error_variance_ : ndarray of shape (n_features,)
        Variance of each feature's reconstruction error over the training
        samples, regularized (``score_method="standardized"`` only).
    code_mean_ : ndarray of shape (n_codes,)
        Mean of the training codes, estimated on ``support_fraction`` of them
        (``score_method="standardized"`` only).
    code_precision_ : ndarray of shape (n_codes, n_codes)
        Inverse of the training codes' regularized covariance, estimated on
        ``support_fraction`` of them (``score_method="standardized"`` only).
    distance_center_, distance_scale_ : ndarray of shape (2,)
        What each of the two distances (error, code) is centred on and
        divided by in the score (``distance_scale``): 0 and the training
        median, or the training median and interquartile range
        (``score_method="standardized"`` only).
    n_features_in_ : int
        Number of features seen during fit (values per image for the
        convolutional model).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    DenoisingAutoencoder.score_samples : The score, per sample.
    sklearn.ensemble.IsolationForest : Outlier detection by random partitions.
    sklearn.neighbors.LocalOutlierFactor : Outlier detection by local density.
    sklearn.decomposition.PCA.score_samples : A linear model's likelihood score.

    Examples
    --------
    Train on the zeros of the digits dataset only, then tell zeros from the other
    digits (novelty detection):

    >>> from sklearn.datasets import load_digits
    >>> from sklearn.metrics import roc_auc_score
    >>> from skdae import AutoencoderOutlierDetector, DenoisingAutoencoder
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> detector = AutoencoderOutlierDetector(
    ...     DenoisingAutoencoder((32, 8), epochs=30, random_state=0),
    ...     scaler=None,  # pixels share one scale: no per-column scaling
    ...     contamination=0.05,
    ... ).fit(X[y == 0][:150])
    >>> detector.predict(X[:4])  # a zero, then a one, a two and a three
    array([ 1, -1, -1, -1])
    >>> scores = detector.score_samples(X[150:])  # higher is more typical
    >>> roc_auc_score(y[150:] == 0, scores) > 0.95
    True
    """

    _parameter_constraints: dict = {
        "autoencoder": [HasMethods(["fit", "score_samples"]), None],
        "scaler": [StrOptions({"auto", "robust"}), None],
        "support_fraction": [Interval(Real, 0, 1, closed="right")],
        "score_method": [StrOptions({"standardized", "reconstruction"})],
        "distance_scale": [StrOptions({"auto", "median", "iqr"})],
        "error_weight": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
        "n_autoencoders": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "contamination": [
            StrOptions({"auto"}),
            Interval(Real, 0, 0.5, closed="right"),
        ],
    }

    def __init__(
        self,
        autoencoder=None,
        *,
        scaler="auto",
        score_method="standardized",
        distance_scale="auto",
        error_weight="auto",
        n_autoencoders="auto",
        support_fraction=1.0,
        contamination="auto",
    ):
        self.autoencoder = autoencoder
        self.scaler = scaler
        self.support_fraction = support_fraction
        self.score_method = score_method
        self.distance_scale = distance_scale
        self.error_weight = error_weight
        self.n_autoencoders = n_autoencoders
        self.contamination = contamination

    _default_autoencoder = staticmethod(default_autoencoder)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._autoencoder())
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.non_deterministic = inner.non_deterministic
        tags.target_tags.required = False
        return tags

    def _is_table(self, n_features) -> bool:
        """Whether ``"auto"`` reads the data as a table (not as images)."""
        return n_features < IMAGE_FEATURES and not isinstance(
            self._autoencoder(), ConvDenoisingAutoencoder
        )

    def _scales(self, n_features) -> bool:
        """Whether the columns are scaled before the autoencoder."""
        if self.scaler == "auto":
            return self._is_table(n_features)
        return self.scaler == "robust"

    def _distance_scale(self, n_features) -> str:
        """``distance_scale`` with ``"auto"`` resolved."""
        if self.distance_scale == "auto":
            return "median" if self._is_table(n_features) else "iqr"
        return self.distance_scale

    def _default_table(self, n_features) -> bool:
        """Whether the ``"auto"`` values of ``error_weight`` and
        ``n_autoencoders`` are the ones measured on tables: a table, and the
        default network (``hidden_layer_sizes="auto"``, as with
        ``autoencoder=None``)."""
        params = self._autoencoder().get_params(deep=False)
        auto = isinstance(params.get("hidden_layer_sizes"), str)
        return auto and self._is_table(n_features)

    def _error_weight(self, n_features) -> float:
        """``error_weight`` with ``"auto"`` resolved."""
        if self.error_weight == "auto":
            return TABLE_ERROR_WEIGHT if self._default_table(n_features) else 1.0
        return float(self.error_weight)

    def _n_autoencoders(self, n_features) -> int:
        """``n_autoencoders`` with ``"auto"`` resolved."""
        if self.n_autoencoders == "auto":
            return TABLE_AUTOENCODERS if self._default_table(n_features) else 1
        return int(self.n_autoencoders)

    def _members(self, n_features, n_models):
        """Unfitted one-autoencoder detectors of the ensemble, seeded apart.

        Each is this detector with one autoencoder, no scaler (it is given the
        scaled columns) and the ``"auto"`` values resolved; the autoencoders'
        ``random_state`` values are drawn from the autoencoder's own (each None
        when it is None).
        """
        autoencoder = self._autoencoder()
        state = autoencoder.get_params(deep=False).get("random_state")
        seeds = [None] * n_models
        if state is not None:
            seeds = (
                check_random_state(state)
                .randint(np.iinfo(np.int32).max, size=n_models)
                .tolist()
            )
        members = []
        for seed in seeds:
            member = clone(autoencoder)
            if "random_state" in member.get_params(deep=False):
                member.set_params(random_state=seed)
            members.append(
                AutoencoderOutlierDetector(
                    member,
                    scaler=None,
                    score_method=self.score_method,
                    distance_scale=self._distance_scale(n_features),
                    error_weight=self._error_weight(n_features),
                    n_autoencoders=1,
                    support_fraction=self.support_fraction,
                    contamination=self.contamination,
                )
            )
        return members

    def _new_autoencoder(self, n_features):
        """A clone of the autoencoder, ready to fit on ``n_features`` features."""
        autoencoder = clone(self._autoencoder())
        params = autoencoder.get_params(deep=False)
        autoencoder.set_params(
            **{
                name: value
                for name, value in auto_parameters(n_features).items()
                if isinstance(params.get(name), str) and params[name] == "auto"
            }
        )
        if self.score_method == "standardized":
            if params.get("transform_mode") == "denoise":
                # The score reads codes: the detector's own clone encodes.
                autoencoder.set_params(transform_mode="code")
            missing = [] if hasattr(autoencoder, "transform") else ["transform"]
            if not (
                hasattr(autoencoder, "denoise")
                or hasattr(autoencoder, "inverse_transform")
            ):
                missing.append("denoise (or inverse_transform)")
            if missing:
                raise ValueError(
                    f'score_method="standardized" needs {" and ".join(missing)} on '
                    f"the autoencoder; {type(autoencoder).__name__} has not. "
                    'Use score_method="reconstruction", which needs score_samples '
                    "only."
                )
        return autoencoder

    def fit(self, X, y=None) -> AutoencoderOutlierDetector:
        """Scale ``X``, train the autoencoder on it, and set the threshold.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training samples; images of shape ``(n, h, w)`` or ``(n, h, w, c)``
            for :class:`~skdae.ConvDenoisingAutoencoder`.
        y : None
            Ignored; accepted so the estimator works in a Pipeline.

        Returns
        -------
        self : AutoencoderOutlierDetector
            The fitted detector.
        """
        self._validate_params()
        X = self._check_input(X, reset=True)
        for name in (*STANDARDIZED_ATTRIBUTES, "scaler_", "estimators_"):
            self.__dict__.pop(name, None)  # of an earlier fit
        n_features = int(np.prod(np.shape(X)[1:])) if np.ndim(X) > 1 else 1
        if self._scales(n_features):
            self.scaler_ = _fit_robust_scaler(X)
        n_models = self._n_autoencoders(n_features)
        if n_models > 1:
            scaled = self._scaled(X)
            self.estimators_ = [
                member.fit(scaled) for member in self._members(n_features, n_models)
            ]
            self.autoencoder_ = self.estimators_[0].autoencoder_
        else:
            self.autoencoder_ = self._new_autoencoder(n_features)
            self.autoencoder_.fit(self._scaled(X))
        self.n_features_in_ = getattr(self.autoencoder_, "n_features_in_", n_features)
        if hasattr(self.autoencoder_, "feature_names_in_"):
            self.feature_names_in_ = self.autoencoder_.feature_names_in_
        elif hasattr(X, "columns") and all(isinstance(c, str) for c in X.columns):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        if n_models > 1:
            scores = self._ensemble_score(scaled)
        elif self.score_method == "standardized":
            scores = self._fit_standardized_score(X)
        else:
            scores = self.autoencoder_.score_samples(self._scaled(X))
        if self.contamination == "auto":
            q1, q3 = np.percentile(scores, [25.0, 75.0])
            self.offset_ = float(q1 - TUKEY_K * (q3 - q1))
        else:
            self.offset_ = float(np.percentile(scores, 100.0 * self.contamination))
        return self

    def _check_input(self, X, *, reset):
        """``X`` checked as scikit-learn checks it, before any scaling.

        Numbers (NaN allowed, infinity not), two samples at least to fit, 2-D
        (or images), and at score time the fitted number of features; the
        errors name the problem as scikit-learn's do. A DataFrame is returned
        as it is (the autoencoder keeps its column names), anything else as
        the checked array.
        """
        checked = check_array(
            X,
            accept_sparse=True,
            dtype="numeric",
            allow_nd=True,
            ensure_all_finite="allow-nan",
            ensure_min_samples=2 if reset else 1,
            input_name="X",
        )
        n_features = int(np.prod(checked.shape[1:]))
        if not reset and n_features != self.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        return X if hasattr(X, "iloc") else checked

    def _scaled(self, X):
        """``X`` after ``scaler_`` (as it is without one), in its own layout.

        A DataFrame stays a DataFrame (the autoencoder keeps its column names);
        a sparse matrix stays sparse (the scaler does not centre it then).
        """
        scaler = getattr(self, "scaler_", None)
        if scaler is None:
            return X
        if sp.issparse(X):
            out = scaler.transform(X.tocsr().astype(np.float64))
            out.data = _compress(out.data)
            return out
        values = np.asarray(X, dtype=np.float64)
        shape = values.shape
        out = scaler.transform(values.reshape(len(values), -1)).reshape(shape)
        out = _compress(out).astype(np.float32)
        if hasattr(X, "iloc"):
            return X.__class__(out, columns=X.columns, index=X.index)
        return out

    def score_samples(self, X) -> np.ndarray:
        """The score of each sample under ``score_method``: higher is more typical.

        With ``"standardized"``, minus the sum of the sample's two standardized
        distances (reconstruction error and code); with ``"reconstruction"``,
        minus its mean squared reconstruction error; both on the scaled
        columns. ``X`` is read one chunk of rows at a time. The score does not
        depend on ``contamination``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The standardized score, or the autoencoder's ``score_samples`` of
            the scaled ``X``.
        """
        check_is_fitted(self)
        X = self._check_input(X, reset=False)
        if hasattr(self, "estimators_"):
            return self._ensemble_score(self._scaled(X))
        if self.score_method == "standardized":
            return self._standardized_score(X)
        return self.autoencoder_.score_samples(self._scaled(X))

    def _ensemble_score(self, scaled) -> np.ndarray:
        """The mean of the ensemble's scores of the scaled samples."""
        return np.mean(
            [member.score_samples(scaled) for member in self.estimators_], axis=0
        )

    def _fit_standardized_score(self, X) -> np.ndarray:
        """Fit the standardized score's statistics on ``X``; its training scores.

        The error variances and the code's mean and covariance come from up to
        :data:`STATISTICS_ROWS` training rows (evenly spaced); the code's
        robustly: the rows may hold the outliers to be found (outlier
        detection), which must not widen the covariance that measures them.
        """
        n_rows = X.shape[0]
        rows = np.unique(
            np.linspace(0, n_rows - 1, min(n_rows, STATISTICS_ROWS)).astype(int)
        )
        sample = X if len(rows) == n_rows else safe_indexing(_rows_of(X), rows)
        chunks = list(self._errors_and_codes(sample))
        errors = np.concatenate([errors for errors, _ in chunks])
        codes = np.concatenate([codes for _, codes in chunks])
        variance = errors.var(axis=0)
        self.error_variance_ = variance + ERROR_VARIANCE_RIDGE * variance.mean()
        self.error_variance_[self.error_variance_ <= 0] = 1.0
        # The codes' mean and covariance, then again from the codes closest to
        # the last estimate (reweighting steps, the C-steps of a minimum
        # covariance determinant estimate).
        self.code_mean_, self.code_precision_ = _mean_and_precision(codes)
        support = self.support_fraction
        for _ in range(CODE_REWEIGHTING_STEPS if support < 1 else 0):
            distance = _mahalanobis(codes, self.code_mean_, self.code_precision_)
            cut = np.percentile(distance, 100.0 * support)
            self.code_mean_, self.code_precision_ = _mean_and_precision(
                codes[distance <= cut]
            )
        distances = self._all_distances(X)
        if self._distance_scale(self.n_features_in_) == "median":
            self.distance_center_ = np.zeros(distances.shape[1])
            self.distance_scale_ = _typical_distance(distances)
        else:
            self.distance_center_ = np.median(distances, axis=0)
            q1, q3 = np.percentile(distances, [25.0, 75.0], axis=0)
            self.distance_scale_ = np.where(q3 > q1, q3 - q1, 1.0)
        return self._combine(distances)

    def _standardized_score(self, X) -> np.ndarray:
        return self._combine(self._all_distances(X))

    def _all_distances(self, X) -> np.ndarray:
        chunks = [self._distances(*chunk) for chunk in self._errors_and_codes(X)]
        return np.concatenate(chunks)

    def _errors_and_codes(self, X):
        """Reconstruction errors ``(rows, n_features)`` and codes, chunk by chunk.

        Both in one pass through the network when the autoencoder decodes its
        codes (``inverse_transform``, in ``"code"`` mode): the reconstruction is
        the decoding of the code. Otherwise (a convolutional model with skip
        connections) ``denoise`` and ``transform`` each run the encoder.
        """
        X = _rows_of(X)  # frames keep their names
        autoencoder = self.autoencoder_
        one_pass = hasattr(autoencoder, "inverse_transform")
        # As many rows as one inference batch of the autoencoders.
        step = max(1, INFERENCE_VALUES // max(1, self.n_features_in_))
        for rows in gen_batches(X.shape[0], step):
            chunk = self._scaled(safe_indexing(X, rows))
            values = chunk.toarray() if sp.issparse(chunk) else np.asarray(chunk)
            values = values.reshape(len(values), -1).astype(np.float64)
            codes = np.asarray(autoencoder.transform(chunk))
            if one_pass:
                reconstruction = np.asarray(autoencoder.inverse_transform(codes))
            else:
                reconstruction = np.asarray(autoencoder.denoise(chunk))
            errors = values - reconstruction.reshape(len(values), -1)
            yield errors, codes.reshape(len(codes), -1).astype(np.float64)

    def _distances(self, errors, codes) -> np.ndarray:
        """The two distances of each sample, ``(n, 2)``: error, then code."""
        error = np.sum(errors**2 / self.error_variance_, axis=1)
        code = _mahalanobis(codes, self.code_mean_, self.code_precision_)
        return np.column_stack([error, code])

    def _combine(self, distances) -> np.ndarray:
        """Minus the weighted sum of the standardized distances (error, code)."""
        weights = np.array([self._error_weight(self.n_features_in_), 1.0])
        standardized = (distances - self.distance_center_) / self.distance_scale_
        return -(standardized @ weights)

    def decision_function(self, X) -> np.ndarray:
        """Score shifted by the threshold: negative for outliers.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            ``score_samples(X) - offset_``: positive for inliers, negative for
            outliers.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X) -> np.ndarray:
        """Whether each sample is an inlier (+1) or an outlier (-1).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to classify.

        Returns
        -------
        is_inlier : ndarray of shape (n_samples,)
            +1 where ``decision_function(X) >= 0``, else -1.
        """
        return np.where(self.decision_function(X) >= 0, 1, -1)


def _rows_of(X):
    """``X`` in a form whose rows can be indexed (CSR for sparse matrices)."""
    if sp.issparse(X):
        return X.tocsr()
    if isinstance(X, np.ndarray) or hasattr(X, "iloc"):
        return X
    return np.asarray(X)


def _typical_distance(distances):
    """The median of each column of ``distances``: its mean where the median is
    0 (most samples at distance 0), 1 where both are."""
    median = np.median(distances, axis=0)
    mean = distances.mean(axis=0)
    return np.where(median > 0, median, np.where(mean > 0, mean, 1.0))


def _mean_and_precision(codes):
    """Mean of the codes and the inverse of their regularized covariance."""
    mean = codes.mean(axis=0)
    covariance = np.atleast_2d(np.cov(codes, rowvar=False))
    ridge = CODE_COVARIANCE_RIDGE * np.trace(covariance) / len(covariance)
    return mean, pinvh(covariance + ridge * np.eye(len(covariance)))


def _mahalanobis(codes, mean, precision):
    """Squared Mahalanobis distance of each code."""
    centred = codes - mean
    return np.einsum("ij,jk,ik->i", centred, precision, centred)


def _compress(z):
    """``sign(z) * log(1 + |z|)``: the order kept, far tails brought in."""
    return np.sign(z) * np.log1p(np.abs(z))


def _fit_robust_scaler(X) -> RobustScaler:
    """A RobustScaler of X's columns (flattened), fitted on up to SCALER_ROWS rows.

    Each column is centred on its median (not for sparse ``X``, which stays
    sparse) and divided by its interquartile range over 1.349 (the standard
    deviation of normal data); a column whose interquartile range is 0 (mostly
    one value: binary flags, sparse counts) by its standard deviation instead,
    or by 1 if constant.
    """
    n_rows = X.shape[0]
    rows = np.unique(np.linspace(0, n_rows - 1, min(n_rows, SCALER_ROWS)).astype(int))
    if sp.issparse(X):
        sample = X.tocsr()[rows].toarray()
    else:
        sample = np.asarray(safe_indexing(X, rows) if n_rows > SCALER_ROWS else X)
    sample = sample.reshape(len(sample), -1).astype(np.float64)
    scaler = RobustScaler(with_centering=not sp.issparse(X), unit_variance=True)
    scaler.fit(sample)
    q1, q3 = np.percentile(sample, [25.0, 75.0], axis=0)
    flat = q3 <= q1
    std = sample.std(axis=0)
    scaler.scale_[flat] = np.where(std[flat] > 0, std[flat], 1.0)
    return scaler
