"""The non-neural references every denoising table starts with: the noisy input
itself, and PCA fitted on noisy training images."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import PCA

from config import PCA_COMPONENTS, SEED, flat
from measure import timed
from skdae.metrics import mse, psnr


@dataclass
class Scores:
    """Test error of a reconstruction (and the seconds its fit took, if any)."""

    mse: float
    psnr: float
    fit_seconds: float | None = None
    output: np.ndarray | None = None


def score(clean: np.ndarray, output: np.ndarray, fit_seconds=None) -> Scores:
    """MSE and PSNR of ``output`` against ``clean`` (any matching layouts)."""
    output = output.reshape(clean.shape)
    return Scores(mse(clean, output), psnr(clean, output), fit_seconds, output)


def pca_denoise(
    noisy_train: np.ndarray,
    noisy_test: np.ndarray,
    clean_test: np.ndarray,
    n_components: int = PCA_COMPONENTS,
) -> Scores:
    """Fit PCA on noisy training images and reconstruct the noisy test images.

    The reconstruction is ``inverse_transform(transform(noisy_test))``, on
    flattened images.

    Parameters
    ----------
    noisy_train, noisy_test, clean_test : ndarray of shape (n, 28, 28) or (n, 784)
        Corrupted training and test images, and the clean test images.
    n_components : int, default=PCA_COMPONENTS
        Components kept (at most the number of training images).

    Returns
    -------
    Scores
        Test MSE and PSNR, the fit's seconds and the reconstruction.
    """
    n_components = min(n_components, len(noisy_train))
    pca = PCA(n_components=n_components, random_state=SEED)
    _, seconds = timed(lambda: pca.fit(flat(noisy_train)))
    output = pca.inverse_transform(pca.transform(flat(noisy_test)))
    return score(clean_test, output, seconds)
