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
from ._meta import AutoencoderMetaMixin
from .dense import DenoisingAutoencoder
from .noise import NoiseInjector, corrupt_array, seed_from

#: The autoencoder of ``autoencoder=None`` (see ``default_autoencoder``), chosen
#: on GAIN's spam and letter tables at 20 % MCAR, one seed (2026-11-29): RMSE
#: spam 0.0491 with (256, 256) and batches of 256 for 50 epochs, 0.0471 with
#: (512, 512) and batches of 1024; letter 0.0799 and 0.0754 (60 epochs). Masking
#: noise 0.15 (letter 0.0806) and 0.5 (0.0832) did worse than 0.3; batches of
#: 1024 at a learning rate of 2e-3 matched batches of 512 at 1e-3 in less time.
#: Its ``batch_size`` of 1024 is a placeholder: while the autoencoder keeps it,
#: ``fit`` replaces it with :func:`default_batch_size` of the number of rows.
#: With that batch size, on 1,000 rows (one seed): 200 epochs instead of
#: 100 lowered the RMSE of pendigits at 20 % MCAR from 0.1276 to 0.1221 and of
#: optdigits at 50 % MCAR from 0.1879 to 0.1876, in twice the time; noise 0.2
#: (0.1310, 0.1915) and 0.4 (0.1317, 0.1906), layers (1024, 1024) (0.1249,
#: 0.1888) and three layers of 512 (0.1291, 0.1867) did not win on both; a
#: learning rate cosine-decayed from 4e-3 (pendigits 0.1269, letter at 20 % MAR
#: 0.0963 against 0.0987) gained little for one seed and needs the number of
#: steps in advance. Averaging the reconstructions of 10 masked copies
#: of each row (noise 0.3) at transform raised the RMSE on all five tables
#: tried (pendigits 0.1276 to 0.1417); at noise 0.1 it moved it by 0.0025 at
#: most, either way. Neither is used.
#:
#: Since (2026-11-29, 20 % MCAR, one seed, spam and letter whole, pendigits
#: and optdigits on 1,000 rows; KNNImputer 0.0545, 0.0693, 0.1300, 0.1555 and
#: the MissForest recipe 0.0460, 0.0630, 0.1188, 0.1357 in the same runs): the
#: weights averaged over the last steps (``optimizer__use_ema``, momentum
#: 0.99: a free ensemble of the last ~100 steps' weights, which Keras writes
#: into the model at the end of ``fit``) lowered the RMSE of the 100-epoch
#: autoencoder on all four, spam 0.0470 to 0.0465, letter 0.0715 to 0.0693,
#: pendigits 0.1274 to 0.1259, optdigits 0.1509 to 0.1470 (momentum 0.995:
#: pendigits 0.1303, optdigits 0.1472). With it, 200 epochs instead of 100
#: lowered spam to 0.0460, pendigits to 0.1175, optdigits to 0.1464, letter
#: to 0.0647 (measured in ``precision="mixed_bfloat16"``, which matched
#: float32 to 0.0002 on these tables at 100 epochs and trained letter in 109 s
#: against 136 s; not the default, whose CPUs may lack bfloat16 arithmetic).
#: Two models of 100 epochs averaged (``n_autoencoders=2``, the same time) did
#: better on optdigits (0.1422) only: spam 0.0464, pendigits 0.1260, letter
#: 0.0685. Not better: masking the loss to the entries the noise hid (its
#: emphasis, by paired batches; pendigits 0.1373) or half of the others too
#: (pendigits 0.1293, optdigits 0.1554); 40 epochs at a learning rate of 4e-3
#: (pendigits 0.1388, optdigits 0.1586).
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


def default_batch_size(n_samples: int) -> int:
    """The default autoencoder's batch size for a table of ``n_samples`` rows.

    The power of 2 nearest to ``n_samples / 8`` (about 8 batches per epoch),
    between 32 and 1024: 128 for 1,000 rows, 512 for 4,601 (spam), 1024 from
    about 6,000 rows on (letter's 20,000). One batch of 1024 per epoch gave a
    1,000-row table only 100 gradient steps in 100 epochs; batches of 128 (800
    steps) lowered the RMSE at 20 % MCAR on 1,000 rows of pendigits from
    0.1511 to 0.1276, optdigits 0.1596 to 0.1511, satimage 0.0555 to 0.0510,
    magic 0.1238 to 0.1201, letter (MAR 20 %) 0.1079 to 0.0987, one seed
    (2026-11-29); batches of 256 did worse than 128 on each, batches of 64 on
    three of the four tried (optdigits: 0.1509, in about twice the time). On
    spam whole (4,601 rows): 0.0471 with batches of 1024, 0.0470 with 512,
    0.0497 with 256.

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

    Parameters
    ----------
    autoencoder : DenoisingAutoencoder or None, default=None
        The autoencoder to train on the standardized table; it is cloned,
        never changed. Its noise should be masking noise (what a missing entry
        looks like to it). None means ``DenoisingAutoencoder(
        hidden_layer_sizes=(512, 512), noise=NoiseInjector(kind="masking",
        noise_factor=0.3), epochs=200, batch_size=1024,
        optimizer__learning_rate=2e-3, optimizer__use_ema=True,
        optimizer__ema_momentum=0.99, output_activation="linear",
        whiten=False)`` (the weights it keeps are an exponential moving
        average of the last steps'), whose batch size adapts to the table: while
        ``batch_size`` is 1024 (the default's), ``fit`` trains on batches of
        the power of 2 nearest ``n_samples / 8``, between 32 and 1024
        (``skdae.impute.default_batch_size``: 128 for 1,000 rows, 1024
        from about 6,000 rows), so that a small table gets about 8 gradient
        steps per epoch instead of one; ``autoencoder_.batch_size`` is the
        size used. Any other ``batch_size``, and every other parameter, is
        used as given (a ``batch_size`` of 1024 is read as the default's
        even when set explicitly). Its parameters are set and grid-searched as
        ``autoencoder__epochs``, ``autoencoder__noise__noise_factor``, ...,
        also while it is None (the default autoencoder is created first).
    missing_values : int, float, str, np.nan or None, default=np.nan
        The placeholder of a missing entry.
    n_autoencoders : int, default=1
        Autoencoders trained, each with its own seed (its own initial weights,
        batches and corruption); ``transform`` fills a missing entry with the
        mean of their reconstructions, which lowers the error of one model's
        in ``n_autoencoders`` times the time. The first is seeded as a lone model
        is, so ``n_autoencoders=1`` is one autoencoder. With the default autoencoder
        (100 epochs, one seed of the data, 2026-11-29), 2 and 3 models lowered
        the RMSE at 20 % MCAR on 1,000 rows of optdigits from 0.1509 to 0.1434
        and 0.1408, on letter from 0.0715 to 0.0697 and 0.0690, on spam from
        0.0470 to 0.0466 and 0.0464; training for twice as many epochs
        instead (the default since) did better on spam and pendigits.
    max_iter : int, default=0
        Refinement passes: after the first reconstruction, the rows are
        encoded again this many times with the current imputations in place of
        the missing entries. 0 keeps the first reconstruction. With the
        default autoencoder (one seed, 2026-11-29), one pass lowered the RMSE
        on letter at 20 % MCAR (0.0715 to 0.0702) and on 1,000 rows of
        pendigits (0.1276 to 0.1271), and raised it on spam (0.0470 to
        0.0497) and on 1,000 rows of optdigits at 50 % MCAR (0.1879 to
        0.2151); two passes raised all four.
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
        template = self._autoencoder()
        params = template.get_params()
        seeds = self._seeds(params)
        Z = self._standardize(X, mask) if self._valid.any() else None
        self.autoencoders_ = []
        for seed in seeds:
            autoencoder = clone(template)
            if seed is not None:
                autoencoder.set_params(random_state=seed)
            if params.get("batch_size") == DEFAULT_AUTOENCODER["batch_size"]:
                autoencoder.set_params(batch_size=default_batch_size(X.shape[0]))
            if Z is not None:
                autoencoder.fit(Z)
            self.autoencoders_.append(autoencoder)
        self.autoencoder_ = self.autoencoders_[0]
        self.n_iter_ = self.max_iter + 1
        return self

    def _seeds(self, params):
        """The ``random_state`` of each of the ``n_autoencoders`` autoencoders.

        None keeps the autoencoder's own (one model with a ``random_state`` of
        its own). The first model is seeded as a single one would be, so that
        ``n_autoencoders=1`` is the lone autoencoder; the others draw their seeds
        from that seed, so each model starts and is corrupted differently.
        """
        if "random_state" not in params:
            return [None] * self.n_autoencoders
        own = params["random_state"]
        first = seed_from(self.random_state) if own is None else own
        if self.n_autoencoders == 1:
            return [None if own is not None else first]
        rng = check_random_state(seed_from(first))
        return [first] + [seed_from(rng) for _ in range(self.n_autoencoders - 1)]

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
