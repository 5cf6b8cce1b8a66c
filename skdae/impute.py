"""AutoencoderImputer: missing values filled by a denoising autoencoder.

A meta-estimator in the shape of scikit-learn's imputers
(:class:`~sklearn.impute.IterativeImputer`, :class:`~sklearn.impute.KNNImputer`):
it standardizes the observed entries of each column, trains a
:class:`~skdae.DenoisingAutoencoder` with masking noise on them (the network
learns to predict hidden entries from the observed ones, as MIDAS and GAIN do),
and fills each missing entry with the network's reconstruction, refined by
re-encoding the table with the current imputations in place.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.impute import MissingIndicator
from sklearn.utils import check_random_state
from sklearn.utils.validation import FLOAT_DTYPES, check_is_fitted, validate_data

from ._compat import (
    HasMethods,
    Interval,
    MissingValues,
    check_feature_names_in,
    is_scalar_nan,
    missing_mask,
)
from ._ensemble import fit_members, member_seeds, seeded_members
from ._meta import AutoencoderMetaMixin
from .dense import DenoisingAutoencoder
from .noise import NoiseInjector, corrupt_array, seed_from

#: The autoencoder of ``autoencoder=None`` (see :func:`default_autoencoder`):
#: two hidden layers of 512 units, masking noise of 0.3, 200 epochs at a
#: learning rate of 2e-3, linear outputs, no whitening, and the weights kept
#: as an exponential moving average (momentum 0.99) of the last steps'. Its
#: ``batch_size`` of 1024 is a placeholder: while the autoencoder keeps it,
#: ``fit`` replaces it with :func:`default_batch_size` of the number of rows;
#: so are its 200 epochs, which ``fit`` bounds by :data:`MAX_STEPS` gradient
#: steps (:func:`default_epochs`).
#: Why these values: the imputation guide, "Why these defaults".
DEFAULT_AUTOENCODER = {
    "hidden_layer_sizes": (512, 512),
    "noise": {"kind": "masking", "noise_factor": 0.3},
    "epochs": 200,
    "batch_size": 1024,
    "output_activation": "linear",
    "whiten": False,
    "optimizer__learning_rate": 2e-3,
    "optimizer__use_ema": True,
    "optimizer__ema_momentum": 0.99,
}

#: Autoencoders ``AutoencoderImputer`` trains by default, whose reconstructions
#: it averages (``n_autoencoders``).
N_AUTOENCODERS = 1

#: Bounds of :func:`default_batch_size`, which aims at about
#: :data:`BATCHES_PER_EPOCH` batches per epoch.
MIN_BATCH_SIZE, MAX_BATCH_SIZE = 32, DEFAULT_AUTOENCODER["batch_size"]
BATCHES_PER_EPOCH = 8


#: Gradient steps at most of the default autoencoder's training: 200 epochs
#: up to 20,480 rows (in batches of 1024), fewer epochs above.
MAX_STEPS = 4000


def default_epochs(n_samples: int, batch_size: int) -> int:
    """The default autoencoder's epochs for ``n_samples`` rows in batches of
    ``batch_size``: 200, or fewer where 200 epochs would take more than
    :data:`MAX_STEPS` gradient steps (at least 1).

    Parameters
    ----------
    n_samples : int
        Rows of the table the autoencoder is fitted on.
    batch_size : int
        Rows per batch.

    Returns
    -------
    epochs : int
    """
    steps_per_epoch = -(-max(int(n_samples), 1) // int(batch_size))
    budget = max(1, MAX_STEPS // steps_per_epoch)
    return int(min(DEFAULT_AUTOENCODER["epochs"], budget))


def default_batch_size(n_samples: int) -> int:
    """The default autoencoder's batch size for a table of ``n_samples`` rows.

    The power of 2 nearest to ``n_samples / 8`` (about 8 batches per epoch),
    between 32 and 1024: 128 for 1,000 rows, 512 for 4,601, 1024 from about
    6,000 rows on.

    Parameters
    ----------
    n_samples : int
        Rows of the table the autoencoder is fitted on.

    Returns
    -------
    batch_size : int
    """
    target = max(n_samples / BATCHES_PER_EPOCH, 1.0)
    size = 2 ** int(round(np.log2(target)))
    return int(min(MAX_BATCH_SIZE, max(MIN_BATCH_SIZE, size)))


def default_autoencoder() -> DenoisingAutoencoder:
    """The autoencoder used when ``autoencoder`` is None (a new instance)."""
    params = dict(DEFAULT_AUTOENCODER)
    params["noise"] = NoiseInjector(**params["noise"])
    return DenoisingAutoencoder(**params)


class AutoencoderImputer(AutoencoderMetaMixin, TransformerMixin, BaseEstimator):
    """Impute missing values with a denoising autoencoder.

    Each column is standardized over its observed entries; a
    :class:`~skdae.DenoisingAutoencoder` trained with masking noise learns to
    reconstruct the observed entries from corrupted rows, in which its
    corruption hides observed entries exactly as a missing entry is presented
    (both enter the network as 0, the column mean). ``transform`` fills each
    missing entry with the reconstruction of its row, then re-encodes the rows
    with those values in place ``max_iter`` times, and undoes the scaling.
    Observed entries are returned unchanged, bit for bit.

    Read more in the :ref:`User Guide <imputation>`.

    Parameters
    ----------
    autoencoder : DenoisingAutoencoder or None, default=None
        The autoencoder trained on the standardized table, cloned (never
        changed); its noise should be masking noise. None means
        ``DenoisingAutoencoder(hidden_layer_sizes=(512, 512),
        noise=NoiseInjector(kind="masking", noise_factor=0.3), epochs=200,
        batch_size=1024, optimizer__learning_rate=2e-3,
        optimizer__use_ema=True, optimizer__ema_momentum=0.99,
        output_activation="linear", whiten=False)``. While ``batch_size`` is
        1024 (even when set explicitly), ``fit`` trains on batches of the power
        of 2 nearest ``n_samples / 8``, between 32 and 1024
        (``skdae.impute.default_batch_size``); ``autoencoder_.batch_size`` is
        the size used. While ``epochs`` is 200, ``fit`` trains 200 epochs or
        about 4,000 gradient steps, whichever is fewer
        (``skdae.impute.default_epochs``: 200 epochs up to 20,480 rows), so
        that training stops growing with the rows. Its parameters are set as
        ``autoencoder__<name>``, also while it is None.
    missing_values : int, float, str, np.nan or None, default=np.nan
        The placeholder of a missing entry.
    n_autoencoders : int >= 1, default=1
        Autoencoders trained, each with its own seed (initial weights and
        corruption); a missing entry is filled with the mean of their
        reconstructions. The first is seeded as a lone model is, the others
        from it (see ``random_state``). Dense autoencoders train together, as
        parallel branches of one Keras model, one step for all on each batch.
    max_iter : int >= 0, default=0
        Refinement passes: after the first reconstruction, the rows are encoded
        again this many times with the current imputations in place of the
        missing entries. 0 keeps the first reconstruction.
    sample_posterior : bool, default=False
        Whether ``transform`` returns one random draw instead of the best
        estimate: the rows are corrupted by the training noise before each
        reconstruction, so the imputations vary with ``random_state`` as
        ``IterativeImputer(sample_posterior=True)``'s do. Call it with several
        ``random_state`` values for multiple imputation.
    categorical_features : array-like of int or bool, or None, default=None
        Integer-coded categorical columns (indices, or a boolean mask of
        length ``n_features``): their imputations are rounded to the nearest
        category observed in the column at fit.
    random_state : int, RandomState instance or None, default=None
        Seeds the autoencoder (when its own ``random_state`` is None) and the
        draws of ``sample_posterior``.
    add_indicator : bool, default=False
        Append a :class:`~sklearn.impute.MissingIndicator` of the features
        that had missing values at fit.
    keep_empty_features : bool, default=False
        Keep the features with no observed value at fit, filled with 0 (as
        :class:`~sklearn.impute.SimpleImputer` does); by default they are
        dropped from the output.

    Attributes
    ----------
    autoencoder_ : DenoisingAutoencoder
        The fitted clone of ``autoencoder``, trained on the standardized
        non-empty features (the first of ``autoencoders_``).
    autoencoders_ : list of DenoisingAutoencoder
        The ``n_autoencoders`` fitted clones, whose reconstructions are averaged.
    mean_ : ndarray of shape (n_features,)
        Mean of each feature's observed entries (0 for an empty feature).
    scale_ : ndarray of shape (n_features,)
        Standard deviation of each feature's observed entries (1 where it is 0).
    n_iter_ : int
        Reconstructions ``transform`` makes of each row: ``max_iter + 1``.
    categories_ : dict of int to ndarray
        The observed categories of each categorical feature, by column index.
    indicator_ : MissingIndicator or None
        The indicator of ``add_indicator``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.impute.IterativeImputer : Each feature regressed on the others.
    sklearn.impute.KNNImputer : The mean of the nearest rows.
    sklearn.impute.SimpleImputer : A column statistic.
    DenoisingAutoencoder : The model inside.

    Examples
    --------
    >>> import numpy as np
    >>> from skdae import AutoencoderImputer, DenoisingAutoencoder
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.normal(size=(300, 2))
    >>> X = np.hstack([Z, Z @ rng.normal(size=(2, 4))])
    >>> X[rng.random(X.shape) < 0.2] = np.nan
    >>> imputer = AutoencoderImputer(
    ...     DenoisingAutoencoder((32,), epochs=5), random_state=0)
    >>> X_filled = imputer.fit_transform(X)
    >>> bool(np.isnan(X_filled).any())
    False
    >>> observed = ~np.isnan(X)
    >>> bool((X_filled[observed] == X[observed]).all())
    True
    """

    _parameter_constraints: dict = {
        # scikit-learn's imputers' own (sklearn.impute.SimpleImputer's)
        "missing_values": [MissingValues()],
        "add_indicator": ["boolean"],
        "keep_empty_features": ["boolean"],
        "autoencoder": [HasMethods(["fit", "denoise"]), None],
        "n_autoencoders": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "sample_posterior": ["boolean"],
        "categorical_features": ["array-like", None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        autoencoder=None,
        *,
        missing_values=np.nan,
        n_autoencoders=N_AUTOENCODERS,
        max_iter=0,
        sample_posterior=False,
        categorical_features=None,
        random_state=None,
        add_indicator=False,
        keep_empty_features=False,
    ):
        self.missing_values = missing_values
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features
        self.autoencoder = autoencoder
        self.n_autoencoders = n_autoencoders
        self.max_iter = max_iter
        self.sample_posterior = sample_posterior
        self.categorical_features = categorical_features
        self.random_state = random_state

    _default_autoencoder = staticmethod(default_autoencoder)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = False
        tags.input_tags.allow_nan = is_scalar_nan(self.missing_values)
        return tags

    # ------------------------------------------------------------------ data
    def _validate(self, X, *, reset):
        finite = "allow-nan" if is_scalar_nan(self.missing_values) else True
        return validate_data(
            self,
            X,
            reset=reset,
            dtype=FLOAT_DTYPES,
            ensure_all_finite=finite,
            copy=True,
        )

    def _categorical_columns(self, n_features):
        if self.categorical_features is None:
            return np.zeros(0, dtype=int)
        columns = np.asarray(self.categorical_features)
        if columns.dtype == bool:
            if columns.shape != (n_features,):
                raise ValueError(
                    f"categorical_features as a boolean mask must have "
                    f"{n_features} entries, one per feature; got {columns.shape}."
                )
            return np.flatnonzero(columns)
        if columns.size and (
            not np.issubdtype(columns.dtype, np.integer)
            or columns.min() < 0
            or columns.max() >= n_features
        ):
            raise ValueError(
                "categorical_features must hold column indices in "
                f"[0, {n_features}) or a boolean mask; got "
                f"{self.categorical_features!r}."
            )
        return np.unique(columns.ravel())

    def _standardize(self, X, mask):
        """The non-empty features of X, standardized, with NaN where missing."""
        Z = (X[:, self._valid] - self.mean_[self._valid]) / self.scale_[self._valid]
        Z[mask[:, self._valid]] = np.nan
        return Z.astype(np.float32)

    # ------------------------------------------------------------------- fit
    def fit(self, X, y=None) -> AutoencoderImputer:
        """Train the autoencoder on the observed entries of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with missing entries (``missing_values``).
        y : None
            Ignored; accepted so the estimator works in a Pipeline.

        Returns
        -------
        self : AutoencoderImputer
            The fitted imputer.
        """
        self._validate_params()
        X = self._validate(X, reset=True)
        mask = missing_mask(X, self.missing_values)
        self.indicator_ = None
        if self.add_indicator:
            self.indicator_ = MissingIndicator(
                missing_values=self.missing_values, error_on_new=False
            ).fit(X)
        n_features = X.shape[1]
        self._valid = ~mask.all(axis=0)
        observed = np.where(mask, np.nan, X)
        with np.errstate(all="ignore"):
            counts = (~mask).sum(axis=0)
            self.mean_ = np.where(counts > 0, np.nansum(observed, axis=0), 0.0)
            self.mean_ = self.mean_ / np.maximum(counts, 1)
            variance = np.nansum((observed - self.mean_) ** 2, axis=0)
            scale = np.sqrt(variance / np.maximum(counts, 1))
        self.scale_ = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        self.categories_ = {
            int(j): np.unique(X[~mask[:, j], j])
            for j in self._categorical_columns(n_features)
            if self._valid[j]
        }
        template = clone(self._autoencoder())
        params = template.get_params(deep=False)
        if params.get("batch_size") == DEFAULT_AUTOENCODER["batch_size"]:
            template.set_params(batch_size=default_batch_size(X.shape[0]))
        if params.get("epochs") == DEFAULT_AUTOENCODER["epochs"]:
            batch_size = template.get_params(deep=False)["batch_size"]
            template.set_params(epochs=default_epochs(X.shape[0], batch_size))
        seeds = member_seeds(
            params.get("random_state"), self.random_state, self.n_autoencoders
        )
        self.autoencoders_ = seeded_members(template, seeds)
        if self._valid.any():
            fit_members(self.autoencoders_, self._standardize(X, mask))
        self.autoencoder_ = self.autoencoders_[0]
        self.n_iter_ = self.max_iter + 1
        return self

    # ------------------------------------------------------------- transform
    def transform(self, X):
        """Fill the missing entries of ``X``; observed entries stay as they are.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with missing entries.

        Returns
        -------
        X_imputed : ndarray of shape (n_samples, n_features_out)
            ``X`` with its missing entries filled (features with no observed
            value at fit dropped, unless ``keep_empty_features``), followed by
            the missing indicator with ``add_indicator=True``.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        mask = missing_mask(X, self.missing_values)
        # Before X is filled in place.
        X_indicator = self.indicator_.transform(X) if self.add_indicator else None
        valid = self._valid
        if mask[:, valid].any():
            filled = self._impute(self._standardize(X, mask), mask[:, valid])
            X_valid = X[:, valid]
            X_valid[mask[:, valid]] = filled
            X[:, valid] = X_valid
        if self.keep_empty_features:
            X[:, ~valid] = 0.0
        else:
            X = X[:, valid]
        if X_indicator is not None:
            X = np.hstack((X, X_indicator))
        return X

    def _impute(self, Z, mask):
        """The values of the missing entries (``mask``), in X's units."""
        rng = check_random_state(self.random_state) if self.sample_posterior else None
        current = Z
        for _ in range(self.max_iter + 1):
            if rng is None:  # the mean of the models' reconstructions
                reconstructions = [
                    np.asarray(model.denoise(current)) for model in self.autoencoders_
                ]
                reconstruction = np.mean(reconstructions, axis=0)
            else:  # one model, drawn, on rows corrupted by its training noise
                model = self.autoencoders_[0]
                if len(self.autoencoders_) > 1:
                    model = self.autoencoders_[rng.randint(len(self.autoencoders_))]
                inputs = corrupt_array(
                    current, model.noise_.corruption(), seed_from(rng)
                )
                inputs[np.isnan(current)] = np.nan
                reconstruction = np.asarray(model.denoise(inputs))
            current = np.where(mask, reconstruction, Z)
        columns = np.flatnonzero(self._valid)
        values = current * self.scale_[columns] + self.mean_[columns]
        for j, categories in self.categories_.items():
            position = int(np.searchsorted(columns, j))
            values[:, position] = _nearest(values[:, position], categories)
        return values[mask]

    def get_feature_names_out(self, input_features=None):
        """Names of the output features.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names, checked against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str
            The input names (of the features kept), then the indicator's.
        """
        check_is_fitted(self, "n_features_in_")
        input_features = check_feature_names_in(self, input_features)
        names = (
            input_features
            if self.keep_empty_features
            else (input_features[self._valid])
        )
        if not self.add_indicator:
            return names
        indicator_names = self.indicator_.get_feature_names_out(input_features)
        return np.concatenate([names, indicator_names])


def _nearest(values, categories):
    """Each value replaced by the nearest of the sorted ``categories``."""
    upper = np.clip(np.searchsorted(categories, values), 1, len(categories) - 1)
    if len(categories) == 1:
        return np.full_like(values, categories[0])
    lower = categories[upper - 1]
    higher = categories[upper]
    return np.where(values - lower <= higher - values, lower, higher)
