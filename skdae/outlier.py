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
from sklearn.utils import gen_batches, get_tags
from sklearn.utils.validation import check_array, check_is_fitted

from ._compat import HasMethods, Interval, StrOptions, safe_indexing
from ._data import INFERENCE_VALUES, evenly_spaced_rows
from ._ensemble import fit_members, member_seeds, seeded_members
from ._meta import AutoencoderMetaMixin
from .conv import ConvDenoisingAutoencoder
from .dense import DenoisingAutoencoder
from .noise import seed_from

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

#: Features from which the data are taken for images (as 16 x 16 pixels and
#: more); the network of ``hidden_layer_sizes="auto"`` is then (256, 64).
IMAGE_FEATURES = 256
IMAGE_LAYER_SIZES = (256, 64)
#: Training of ``"auto"``: for images ReLU units, 50 epochs in batches of 128;
#: for tables tanh units in batches of 256, for at most 20 epochs within a
#: budget of :data:`TABLE_STEPS` gradient steps (see :func:`table_epochs`).
#: Why: the anomaly detection guide, "Why these defaults".
IMAGE_TRAINING = {"activation": "relu", "epochs": 50, "batch_size": 128}
TABLE_TRAINING = {"activation": "tanh", "batch_size": 256}
TABLE_MAX_EPOCHS = 20
#: Gradient steps of the default autoencoder's training on a table: its rows
#: (``max_samples="auto"``: at most this many batches of them) are seen
#: ``TABLE_STEPS * batch_size / n_rows`` times, 1 to 20 epochs.
TABLE_STEPS = 800

#: ``n_autoencoders="auto"`` and ``error_weight="auto"`` for the default
#: network on tables (otherwise one autoencoder, weight 1): three autoencoders,
#: the error counted one and a half times.
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


def auto_parameters(n_features: int, n_samples: int | None = None) -> dict:
    """The values of the default autoencoder's ``"auto"`` parameters.

    For images (``n_features >= 256``): ``hidden_layer_sizes=(256, 64)``,
    ``activation="relu"``, ``epochs=50``, ``batch_size=128``; for tables: the
    network of :func:`default_hidden_layer_sizes`, ``activation="tanh"``,
    ``batch_size=256`` and ``epochs=table_epochs(n_samples)`` (20 when
    ``n_samples`` is None).
    """
    layers = {"hidden_layer_sizes": default_hidden_layer_sizes(n_features)}
    if n_features >= IMAGE_FEATURES:
        return {**layers, **IMAGE_TRAINING}
    epochs = TABLE_MAX_EPOCHS if n_samples is None else table_epochs(n_samples)
    return {**layers, **TABLE_TRAINING, "epochs": epochs}


def table_epochs(n_samples: int) -> int:
    """Epochs of the default autoencoder on ``n_samples`` training rows of a table.

    ``TABLE_STEPS * 256 / n_samples`` rounded, between 1 and 20: about
    :data:`TABLE_STEPS` (800) gradient steps in batches of 256, whatever the
    rows (20 epochs up to 10,751 rows, fewer above).
    """
    batches = TABLE_STEPS * TABLE_TRAINING["batch_size"] / max(int(n_samples), 1)
    return int(np.clip(round(batches), 1, TABLE_MAX_EPOCHS))


def default_hidden_layer_sizes(n_features: int) -> tuple[int, ...]:
    """The network of ``hidden_layer_sizes="auto"`` for ``n_features`` inputs.

    ``(256, 64)`` for images (256 features or more, as 28 x 28 pixels); for
    tables, a hidden layer of twice the features (16 to 128 units) and a code of
    a sixth of them (at least 2, and fewer than the features).
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
    its code from the training codes. Higher is more typical.
    ``decision_function`` shifts the score by ``offset_`` so that 0 separates
    inliers (positive) from outliers (negative), and ``predict`` returns +1 or
    -1, as :class:`~sklearn.ensemble.IsolationForest` does.

    Raw tables are taken as IsolationForest takes them: the detector scales the
    columns itself, robustly (``scaler``), and sizes its default network, its
    training and its ensemble (``n_autoencoders``) from the number of
    features. Trained on clean data only, it is a novelty detector: score new
    samples with ``score_samples``, ``decision_function`` or ``predict``.
    Trained on data that contains outliers, ``fit_predict`` flags them
    (outlier detection).

    Read more in the :ref:`User Guide <anomaly>`.

    Parameters
    ----------
    autoencoder : estimator or None, default=None
        The autoencoder to train, cloned (never changed): a
        :class:`~skdae.DenoisingAutoencoder`, a
        :class:`~skdae.ConvDenoisingAutoencoder`, or any estimator with
        ``fit``, ``transform`` (the codes) and ``denoise`` or
        ``inverse_transform`` (such as :class:`~sklearn.decomposition.PCA`);
        with ``score_method="reconstruction"``, any estimator with ``fit`` and
        ``score_samples``. One with ``transform_mode="denoise"`` is fitted in
        ``"code"`` mode. None means ``DenoisingAutoencoder(
        hidden_layer_sizes="auto", activation="auto", epochs="auto",
        batch_size="auto")``, resolved at fit by
        ``skdae.outlier.auto_parameters``: for 256 features or more,
        ``(256, 64)`` ReLU units, 50 epochs, batches of 128; for ``d``
        columns, ``(2d, d // 6)`` tanh units (see
        ``skdae.outlier.default_hidden_layer_sizes``), batches of 256, 20
        epochs or about 800 gradient steps, whichever is fewer
        (``skdae.outlier.table_epochs``; the rows: see ``max_samples``). Its
        parameters are set as ``autoencoder__<name>``, also while it is None.
    scaler : {"auto", "robust"} or None, default="auto"
        How the columns are scaled before the autoencoder and in every score.
        ``"robust"``: each column centred on its median (not for sparse input)
        and divided by its interquartile range over 1.349 (by its standard
        deviation where that range is 0, by 1 if constant), learned on up to
        100,000 evenly spaced training rows and kept as ``scaler_``; each
        scaled value ``z`` is then compressed to ``sign(z) * log(1 + |z|)``.
        ``"auto"``: ``"robust"`` for tables (fewer than 256 features and not a
        :class:`~skdae.ConvDenoisingAutoencoder`), None for images. None: the
        data as given.
    score_method : {"standardized", "reconstruction"}, default="standardized"
        How a sample is scored (higher is more typical).

        - ``"standardized"``: minus the weighted sum (``error_weight``) of two
          distances, each scaled by its values over the training samples
          (``distance_scale``): the reconstruction error, each feature's
          squared error divided by its variance over the training samples,
          and the Mahalanobis distance of the code (``transform(X)``) from the
          training codes.
        - ``"reconstruction"``: the autoencoder's own ``score_samples``, minus
          the mean squared reconstruction error.
    distance_scale : {"auto", "median", "iqr"}, default="auto"
        How the two distances of ``score_method="standardized"`` are made
        comparable. ``"median"``: each divided by its median over the training
        samples (by its mean where the median is 0). ``"iqr"``: each centred
        on its median and divided by its interquartile range. ``"auto"``:
        ``"median"`` for tables, ``"iqr"`` for images.
    error_weight : float >= 0 or "auto", default="auto"
        Weight of the reconstruction error's distance against 1 for the
        code's: the standardized score is minus ``error_weight * error +
        code``. ``"auto"``: 1.5 for the default network
        (``hidden_layer_sizes="auto"``) on a table, 1 otherwise.
    n_autoencoders : int >= 1 or "auto", default="auto"
        Autoencoders trained on the same scaled columns, clones of
        ``autoencoder`` seeded apart (see ``random_state``); a sample's score
        is the mean of their scores. More than one are kept as
        ``estimators_``. Dense autoencoders train together, as parallel
        branches of one Keras model, one step for all on each batch; others
        one after the other. ``"auto"``: 3 for the default network on a
        table, 1 otherwise.
    support_fraction : float in (0, 1], default=1.0
        Share of the training codes from which their mean and covariance are
        estimated (``score_method="standardized"``). 1.0: every code. Below 1:
        estimated again, twice, from this share of the codes closest to the
        last estimate (the reweighting steps of a minimum covariance
        determinant, as in :class:`~sklearn.covariance.EllipticEnvelope`), so
        that outliers in the training data do not widen the covariance.
    max_samples : "auto", int >= 1 or float in (0, 1], default="auto"
        Rows the autoencoders train on, drawn at random without replacement
        (seeded by ``random_state``), as :class:`~sklearn.ensemble.IsolationForest`
        draws its trees' samples; every row is still scored. An int is a
        number of rows, a float a fraction of them. ``"auto"``: for the
        default network on a table, at most ``800 * 256`` rows (the training
        budget's steps times its batch size), so that the cost of training
        stops growing with the rows; all rows otherwise.
    random_state : int, RandomState instance or None, default=None
        Seeds the row draw of ``max_samples``, and the autoencoders when
        ``autoencoder`` has no ``random_state`` of its own (None). The first
        autoencoder is seeded as a lone one would be (an integer stays
        itself), the others from the first. None: the autoencoder's own, or
        fresh seeds on every fit.
    contamination : "auto" or float in (0, 0.5], default="auto"
        Expected proportion of outliers in the training data; it sets the
        threshold ``offset_`` from the training scores. A float: ``offset_`` is
        that percentile of the training scores, as in IsolationForest.
        ``"auto"``: Tukey's rule, ``offset_ = Q1 - 1.5 * (Q3 - Q1)`` of the
        training scores, which assumes no proportion.

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
        "max_samples": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="right"),
        ],
        "random_state": ["random_state"],
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
        max_samples="auto",
        random_state=None,
    ):
        self.autoencoder = autoencoder
        self.scaler = scaler
        self.support_fraction = support_fraction
        self.score_method = score_method
        self.distance_scale = distance_scale
        self.error_weight = error_weight
        self.n_autoencoders = n_autoencoders
        self.contamination = contamination
        self.max_samples = max_samples
        self.random_state = random_state

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

    def _members(self, n_features, autoencoders, scaled):
        """The ensemble's one-autoencoder detectors, one per fitted autoencoder.

        Each is this detector with one autoencoder, no scaler (it is given the
        scaled columns) and the ``"auto"`` values resolved.
        """
        return [
            AutoencoderOutlierDetector(
                clone(self._autoencoder()),
                scaler=None,
                score_method=self.score_method,
                distance_scale=self._distance_scale(n_features),
                error_weight=self._error_weight(n_features),
                n_autoencoders=1,
                support_fraction=self.support_fraction,
                contamination=self.contamination,
            )._set_autoencoder(autoencoder, scaled, scaled)
            for autoencoder in autoencoders
        ]

    def _training_rows(self, scaled, n_features):
        """The rows of ``scaled`` the autoencoders train on (``max_samples``)."""
        n_rows = scaled.shape[0]
        if self.max_samples == "auto":
            budget = TABLE_STEPS * TABLE_TRAINING["batch_size"]
            n_train = min(n_rows, budget) if self._default_table(n_features) else n_rows
        elif isinstance(self.max_samples, Integral):
            n_train = min(n_rows, int(self.max_samples))
        else:
            n_train = max(1, int(self.max_samples * n_rows))
        if n_train >= n_rows:
            return scaled
        rng = np.random.default_rng(seed_from(self.random_state))
        rows = np.sort(rng.choice(n_rows, size=n_train, replace=False))
        return safe_indexing(_rows_of(scaled), rows)

    def _autoencoders(self, n_features, n_models, n_rows=None):
        """The ``n_models`` unfitted autoencoders for ``n_rows`` training rows,
        seeded by :func:`member_seeds`."""
        template = self._new_autoencoder(n_features, n_rows)
        own = template.get_params(deep=False).get("random_state")
        return seeded_members(template, member_seeds(own, self.random_state, n_models))

    def _new_autoencoder(self, n_features, n_rows=None):
        """A clone of the autoencoder, ready to fit on ``n_features`` features
        (and ``n_rows`` rows, which set the epochs of ``"auto"``)."""
        autoencoder = clone(self._autoencoder())
        params = autoencoder.get_params(deep=False)
        autoencoder.set_params(
            **{
                name: value
                for name, value in auto_parameters(n_features, n_rows).items()
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
        scaled = self._scaled(X)
        training = self._training_rows(scaled, n_features)
        autoencoders = fit_members(
            self._autoencoders(n_features, n_models, training.shape[0]), training
        )
        if n_models > 1:
            self.estimators_ = self._members(n_features, autoencoders, scaled)
        return self._set_autoencoder(autoencoders[0], X, scaled)

    def _set_autoencoder(self, autoencoder, X, scaled):
        """Take the fitted ``autoencoder`` (of ``scaled``, ``X`` scaled); learn
        the score's statistics and the threshold from ``X``."""
        self.autoencoder_ = autoencoder
        n_features = int(np.prod(np.shape(X)[1:])) if np.ndim(X) > 1 else 1
        self.n_features_in_ = getattr(self.autoencoder_, "n_features_in_", n_features)
        if hasattr(self.autoencoder_, "feature_names_in_"):
            self.feature_names_in_ = self.autoencoder_.feature_names_in_
        elif hasattr(X, "columns") and all(isinstance(c, str) for c in X.columns):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        if hasattr(self, "estimators_"):
            scores = self._ensemble_score(scaled)
        elif self.score_method == "standardized":
            scores = self._fit_standardized_score(X)
        else:
            scores = self.autoencoder_.score_samples(scaled)
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
        rows = evenly_spaced_rows(n_rows, STATISTICS_ROWS)
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
    rows = evenly_spaced_rows(n_rows, SCALER_ROWS)
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
