"""Does the training corruption fit the data's scale? A warning before training if not.

``NoiseInjector`` works in the data's own units (``noise_factor`` is the standard
deviation of gaussian noise, ``clip`` bounds the corrupted values), which is what
the classic tutorials do on images scaled to [0, 1]. Fed 8-bit images in
[0, 255] or unscaled features, the default noise is negligible and the model
learns the identity; on data of tiny spread it drowns the signal. Like
scikit-learn's scale-sensitive estimators, the autoencoders leave scaling to
the user (a scaler in the Pipeline, or ``X / 255``), and say so before a fit
that would be wasted.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._data import evenly_spaced_rows, read_rows

#: Rows read to estimate the data's spread.
SAMPLE_ROWS = 4096
#: Gaussian noise below this fraction of the data's standard deviation is
#: negligible.
NEGLIGIBLE = 0.02
#: Gaussian noise above this multiple of the data's standard deviation drowns it.
OVERWHELMING = 20.0


class DataScaleWarning(UserWarning):
    """Warning raised before a fit whose corruption does not fit the data's scale.

    ``NoiseInjector`` works in the data's own units. Gaussian noise under 2 % of
    the training data's standard deviation would train an identity model (the
    default noise on 8-bit images in [0, 255]); noise over 20 times it drowns
    the data; a ``clip`` range that cuts the data corrupts every sample. The
    message says what to do: usually scale the data (``X / 255``, or a scaler
    before the autoencoder in a Pipeline).

    Read more in the :ref:`User Guide <noise>`.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from skdae import DataScaleWarning, DenoisingAutoencoder
    >>> X = np.random.default_rng(0).integers(0, 256, size=(64, 16)).astype("uint8")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = DenoisingAutoencoder((8,), epochs=1).fit(X)
    >>> any(issubclass(w.category, DataScaleWarning) for w in caught)
    True
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", DataScaleWarning)
    ...     _ = DenoisingAutoencoder((8,), epochs=1).fit(X / 255)
    """


def sample_rows(X, n_features: int) -> np.ndarray:
    """Up to :data:`SAMPLE_ROWS` rows of X, evenly spaced, flat, as float32."""
    n_rows = X.shape[0]
    rows = evenly_spaced_rows(n_rows, SAMPLE_ROWS)
    return read_rows(X, rows, (n_features,))


def check_noise_scale(
    sample: np.ndarray, noise, owner: str, stacklevel: int = 5
) -> None:
    """Warn when ``noise`` is negligible or overwhelming on data like ``sample``.

    Parameters
    ----------
    sample : ndarray of shape (n_rows, n_features)
        Training rows (see :func:`sample_rows`).
    noise : NoiseInjector
        The training corruption.
    owner : str
        The estimator's name, for the message.
    stacklevel : int, default=5
        Passed on to :func:`warnings.warn`, counted from this function's caller
        (5: the user's call of ``fit``, through ``_train`` and the estimator's
        helper).
    """
    low, high = float(sample.min()), float(sample.max())
    if noise.clip is not None:
        clip_low, clip_high = map(float, noise.clip)
        margin = 0.01 * (high - low)
        if low < clip_low - margin or high > clip_high + margin:
            _warn(
                stacklevel,
                f"{owner}'s noise clips corrupted values to {tuple(noise.clip)}, "
                f"but the training data lie in [{low:.4g}, {high:.4g}], so the "
                "model learns from inputs cut to that range. Scale X into the clip "
                "range (e.g. X / 255 for 8-bit images) or set noise__clip to the "
                "data's range.",
            )
    factor = noise.noise_factor
    sigma = float(max(noise._noise_levels()))  # the top of a range
    if noise.kind != "gaussian" or sigma == 0:
        return
    spread = float(sample.std())
    if spread == 0:
        return
    ratio = sigma / spread
    if ratio < NEGLIGIBLE:
        advice = (
            "Scale X first (X / 255 for 8-bit images, or a MinMaxScaler or "
            "StandardScaler before the autoencoder in a Pipeline), or set "
            f"noise__noise_factor in the data's units (e.g. {0.5 * spread:.3g})."
        )
        _warn(
            stacklevel,
            f"{owner}'s gaussian noise (noise_factor={factor}) is {ratio:.2%} of "
            f"the training data's standard deviation ({spread:.4g}): too weak to "
            f"corrupt them, so the model would learn the identity. {advice}",
        )
    elif ratio > OVERWHELMING:
        _warn(
            stacklevel,
            f"{owner}'s gaussian noise (noise_factor={factor}) is {ratio:.0f} "
            f"times the training data's standard deviation ({spread:.4g}): it "
            "drowns the data. Scale X first (a StandardScaler before the "
            "autoencoder in a Pipeline) or lower noise__noise_factor (e.g. to "
            f"{0.5 * spread:.3g}).",
        )


def _warn(stacklevel: int, message: str) -> None:
    warnings.warn(message, DataScaleWarning, stacklevel=stacklevel + 1)
