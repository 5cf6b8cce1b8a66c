"""MSE, PSNR and the denoising scorer."""

import numpy as np
import pandas as pd
import pytest

from skdae import DenoisingAutoencoder, NoiseInjector
from skdae.metrics import make_denoising_scorer, mse, psnr

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch


def test_mse_and_psnr_values():
    a = np.zeros((2, 3))
    b = np.full((2, 3), 0.1)
    assert mse(a, b) == pytest.approx(0.01)
    assert psnr(a, b) == pytest.approx(20.0)
    assert psnr(a, b, data_range=255) == pytest.approx(20 + 20 * np.log10(255))
    assert psnr(a, a) == float("inf")


def test_metrics_accept_images_and_dataframes():
    images = np.random.default_rng(0).random((4, 5, 5))
    assert mse(images, images + 0.5) == pytest.approx(0.25)
    frame = pd.DataFrame(images.reshape(4, -1))
    assert mse(frame, frame) == 0.0


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="different shapes"):
        mse(np.zeros((2, 3)), np.zeros((3, 2)))


class _Identity:
    """A 'denoiser' that returns its input, to check the scorer's arithmetic."""

    def denoise(self, X):
        return np.asarray(X)


def test_scorer_uses_a_fixed_seeded_corruption(digits):
    X = digits[0][:100].astype(np.float64)
    scorer = make_denoising_scorer(NoiseInjector(noise_factor=0.2), metric="mse")
    first, second = scorer(_Identity(), X), scorer(_Identity(), X)
    assert first == second  # the same draw every call
    noisy = NoiseInjector(noise_factor=0.2, random_state=0).fit_transform(X)
    assert first == pytest.approx(-mse(X, noisy))


def test_scorer_psnr_prefers_a_real_denoiser(digits):
    X = digits[0]
    dae = DenoisingAutoencoder(
        (64, 32),
        noise=NoiseInjector(noise_factor=0.3, clip=(0, 1)),
        epochs=20,
        random_state=0,
    ).fit(X[:1400])
    scorer = make_denoising_scorer(NoiseInjector(noise_factor=0.3, clip=(0, 1)))
    assert scorer(dae, X[1400:]) > scorer(_Identity(), X[1400:]) + 1.0


def test_scorer_validates_its_arguments():
    with pytest.raises(ValueError, match="metric"):
        make_denoising_scorer(metric="ssim")
    with pytest.raises((TypeError, ValueError), match="noise"):
        make_denoising_scorer(noise="gaussian")
