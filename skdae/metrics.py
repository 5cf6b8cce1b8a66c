"""Reconstruction metrics and a denoising scorer for model selection."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone

from ._compat import StrOptions, validate_params
from .noise import NoiseInjector


def _as_dense(X) -> np.ndarray:
    if sp.issparse(X):
        X = X.toarray()
    return np.asarray(X, dtype=np.float64)


def mse(X_true, X_pred) -> float:
    """Mean squared error over every entry of two arrays of the same shape.

    Parameters
    ----------
    X_true, X_pred : array-like of the same shape
        Reference and estimate (any layout: flat, images, DataFrame).

    Returns
    -------
    float

    Examples
    --------
    >>> from skdae.metrics import mse
    >>> mse([[0.0, 1.0]], [[0.0, 0.0]])
    0.5
    """
    X_true, X_pred = _as_dense(X_true), _as_dense(X_pred)
    if X_true.shape != X_pred.shape:
        raise ValueError(
            f"X_true and X_pred have different shapes: {X_true.shape} vs "
            f"{X_pred.shape}."
        )
    return float(np.mean((X_true - X_pred) ** 2))


def psnr(X_true, X_pred, *, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in dB: ``10 log10(data_range**2 / mse)``.

    Parameters
    ----------
    X_true, X_pred : array-like of the same shape
        Reference and estimate.
    data_range : float, default=1.0
        Peak-to-peak range of the data: 1 for images in [0, 1], 255 for 8-bit.

    Returns
    -------
    float
        ``inf`` when the two are equal.

    Examples
    --------
    >>> from skdae.metrics import psnr
    >>> round(psnr([[0.0, 1.0]], [[0.1, 0.9]]), 2)
    20.0
    """
    error = mse(X_true, X_pred)
    if error == 0:
        return float("inf")
    return float(10 * np.log10(data_range**2 / error))


@validate_params(
    {
        "noise": [NoiseInjector, None],
        "metric": [StrOptions({"psnr", "mse"})],
        "data_range": [float, int],
    },
    prefer_skip_nested_validation=True,
)
def make_denoising_scorer(
    noise: NoiseInjector | None = None,
    *,
    metric: str = "psnr",
    data_range: float = 1.0,
) -> Callable:
    """Make a scorer of denoising quality at a fixed, seeded test corruption.

    The scorer corrupts the clean evaluation data with ``noise`` (the same draw
    every time it is called), denoises it with the estimator's ``denoise`` and
    compares the result with the clean data. Use it as
    ``GridSearchCV(..., scoring=make_denoising_scorer(...))``: greater is better.

    Parameters
    ----------
    noise : NoiseInjector or None, default=None
        Test corruption; ``None`` means ``NoiseInjector(random_state=0)``. A
        ``random_state`` of None is replaced by 0 so the draw is fixed.
    metric : {"psnr", "mse"}, default="psnr"
        ``"psnr"`` returns the PSNR in dB; ``"mse"`` returns minus the MSE.
    data_range : float, default=1.0
        Data range for PSNR.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y=None) -> float``.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdae import DenoisingAutoencoder, NoiseInjector
    >>> from skdae.metrics import make_denoising_scorer
    >>> X = load_digits().data[:200] / 16
    >>> dae = DenoisingAutoencoder((32,), epochs=2, random_state=0).fit(X)
    >>> scorer = make_denoising_scorer(NoiseInjector(noise_factor=0.2))
    >>> scorer(dae, X) > 0
    True
    """
    test_noise = clone(noise) if noise is not None else NoiseInjector()
    if test_noise.random_state is None:
        test_noise.set_params(random_state=0)

    def denoising_score(estimator, X, y=None) -> float:
        clean = _as_dense(X)
        noisy = clone(test_noise).fit_transform(clean)
        denoised = estimator.denoise(noisy)
        if metric == "psnr":
            return psnr(clean, denoised, data_range=data_range)
        return -mse(clean, denoised)

    return denoising_score
