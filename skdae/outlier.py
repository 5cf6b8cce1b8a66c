"""AutoencoderOutlierDetector: outlier and novelty detection by reconstruction error.

A meta-estimator in the shape of scikit-learn's outlier detectors
(:class:`~sklearn.ensemble.IsolationForest`,
:class:`~sklearn.neighbors.LocalOutlierFactor` with ``novelty=True``): it fits
one of the autoencoders and reads its per-sample score,
:meth:`~skdae.DenoisingAutoencoder.score_samples` (minus the reconstruction error),
as the anomaly score.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, OutlierMixin, clone
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .dense import DenoisingAutoencoder

#: Tukey's fence: training scores this many interquartile ranges below the
#: first quartile are outliers under ``contamination="auto"``.
TUKEY_K = 1.5

#: The autoencoder of ``autoencoder=None``: under-complete (a 64-value code),
#: unlike DenoisingAutoencoder's own over-complete default, which is made for
#: denoising and features and learns to reconstruct anomalies too.
DEFAULT_AUTOENCODER = {"hidden_layer_sizes": (256, 64), "epochs": 50}


def default_autoencoder() -> DenoisingAutoencoder:
    """The autoencoder used when ``autoencoder`` is None (a new instance)."""
    return DenoisingAutoencoder(**DEFAULT_AUTOENCODER)


class AutoencoderOutlierDetector(OutlierMixin, MetaEstimatorMixin, BaseEstimator):
    """Outlier and novelty detection by the reconstruction error of an autoencoder.

    The autoencoder is trained on ``X``; samples it reconstructs badly are
    unusual. The score of a sample is the autoencoder's
    :meth:`~skdae.DenoisingAutoencoder.score_samples`: minus its mean squared
    reconstruction error, higher for more typical samples. ``decision_function``
    shifts it by ``offset_`` so that 0 separates inliers (positive) from outliers
    (negative), and ``predict`` returns +1 or -1, as
    :class:`~sklearn.ensemble.IsolationForest` does.

    Trained on clean data only, this is novelty detection: score new samples
    with ``score_samples``, ``decision_function`` or ``predict``. Trained on
    data that contains outliers, ``fit_predict`` flags them (outlier detection);
    the autoencoder should then be small enough not to learn the outliers too.

    Parameters
    ----------
    autoencoder : estimator or None, default=None
        The autoencoder to train: a :class:`~skdae.DenoisingAutoencoder` or
        :class:`~skdae.ConvDenoisingAutoencoder` (any estimator with ``fit``
        and ``score_samples`` works). It is cloned, never changed. None means
        ``DenoisingAutoencoder(hidden_layer_sizes=(256, 64), epochs=50)``: a
        network with a bottleneck (a 64-value code). Prefer one for anomaly
        detection: an autoencoder whose code is as wide as its input (as
        DenoisingAutoencoder's own default, made for denoising and features)
        learns to reconstruct anomalies too. Its parameters are set and grid-searched as
        ``autoencoder__epochs``, ``autoencoder__noise__noise_factor``, ...,
        also while it is None (the default autoencoder is created first).
    contamination : "auto" or float, default="auto"
        Expected proportion of outliers in the training data; it sets the
        threshold ``offset_`` from the scores of the training samples.

        - a float in (0, 0.5]: ``offset_`` is that percentile of the training
          scores, so this share of the training samples is flagged (as
          IsolationForest does).
        - ``"auto"``: Tukey's boxplot rule, which assumes no proportion.
          A sample is an outlier when its reconstruction error lies more than
          1.5 interquartile ranges above the third quartile of the training
          errors: ``offset_ = Q1 - 1.5 * (Q3 - Q1)`` of the training scores.
          A reconstruction error has no natural scale, so no fixed offset (as
          IsolationForest's -0.5) could serve every dataset.

        The autoencoder reconstructs its own training samples better than
        new ones, so on new data from the same distribution a threshold from
        training scores flags somewhat more samples than on the training data.

    Attributes
    ----------
    autoencoder_ : estimator
        The fitted clone of ``autoencoder`` (its ``model_``, ``history_``,
        ``denoise`` ... are there).
    offset_ : float
        The threshold on ``score_samples``:
        ``decision_function(X) = score_samples(X) - offset_``.
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
        "contamination": [
            StrOptions({"auto"}),
            Interval(Real, 0, 0.5, closed="right"),
        ],
    }

    def __init__(self, autoencoder=None, *, contamination="auto"):
        self.autoencoder = autoencoder
        self.contamination = contamination

    def _autoencoder(self):
        """The autoencoder parameter, with None read as the default one."""
        if self.autoencoder is None:
            return default_autoencoder()
        return self.autoencoder

    def set_params(self, **params):
        """Set parameters, including the autoencoder's as ``autoencoder__<name>``.

        ``autoencoder__<name>`` works also while ``autoencoder`` is None: the
        default autoencoder is created first.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : AutoencoderOutlierDetector
            This estimator.
        """
        nested = any(key.startswith("autoencoder__") for key in params)
        if nested and "autoencoder" not in params and self.autoencoder is None:
            self.autoencoder = default_autoencoder()
        return super().set_params(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self._autoencoder())
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.non_deterministic = inner.non_deterministic
        tags.target_tags.required = False
        return tags

    def fit(self, X, y=None) -> AutoencoderOutlierDetector:
        """Train the autoencoder on ``X`` and set the threshold from its scores.

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
        self.autoencoder_ = clone(self._autoencoder()).fit(X)
        self.n_features_in_ = self.autoencoder_.n_features_in_
        if hasattr(self.autoencoder_, "feature_names_in_"):
            self.feature_names_in_ = self.autoencoder_.feature_names_in_
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        scores = self.autoencoder_.score_samples(X)
        if self.contamination == "auto":
            q1, q3 = np.percentile(scores, [25.0, 75.0])
            self.offset_ = float(q1 - TUKEY_K * (q3 - q1))
        else:
            self.offset_ = float(np.percentile(scores, 100.0 * self.contamination))
        return self

    def score_samples(self, X) -> np.ndarray:
        """Minus the mean squared reconstruction error of each sample.

        Higher is more typical. It does not depend on ``contamination``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The autoencoder's ``score_samples(X)``.
        """
        check_is_fitted(self)
        return self.autoencoder_.score_samples(X)

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
