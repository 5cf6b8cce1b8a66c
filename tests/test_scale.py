"""The warning before a fit whose noise does not fit the data's scale (_scale.py)."""

import warnings
from functools import partial

import numpy as np
import pytest
from conftest import make_autoencoder

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder, NoiseInjector
from skdae._scale import DataScaleWarning

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch


tiny = partial(make_autoencoder, epochs=1)


ESTIMATORS = [DenoisingAutoencoder, ConvDenoisingAutoencoder]


def layout(estimator, images):
    """Images as the estimator takes them: flat for the dense one."""
    return (
        images.reshape(len(images), -1) if estimator is DenoisingAutoencoder else images
    )


@pytest.fixture(scope="module")
def uint8_images(digit_images):
    """The digits as 8-bit images in [0, 255], as image files and Keras give them."""
    return (digit_images[:200] * 255).round().astype(np.uint8)


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_uint8_images_with_the_default_noise_warn_and_say_what_to_do(
    estimator, uint8_images
):
    with pytest.warns(DataScaleWarning, match=r"too weak.*X / 255") as record:
        tiny(estimator).fit(layout(estimator, uint8_images))
    assert record[0].filename == __file__  # points at the caller's fit


def test_features_with_std_in_the_thousands_warn(rng):
    X = rng.normal(0, 3000, size=(300, 6))
    with pytest.warns(DataScaleWarning, match="StandardScaler"):
        tiny(DenoisingAutoencoder).fit(X)


def test_data_of_tiny_spread_warn_that_the_noise_drowns_them(digits):
    with pytest.warns(DataScaleWarning, match="drowns"):
        tiny(DenoisingAutoencoder).fit(digits[0][:200] * 1e-3)


def test_a_clip_range_that_cuts_the_data_warns(uint8_images):
    noise = NoiseInjector("masking", 0.2, clip=(0, 1))
    with pytest.warns(DataScaleWarning, match=r"clips.*\[0, 255\]"):
        tiny(ConvDenoisingAutoencoder, noise=noise).fit(uint8_images)


@pytest.mark.parametrize(
    "scale, noise",
    [
        (1 / 255, None),  # images in [0, 1], the default noise
        (1.0, NoiseInjector(noise_factor=40)),  # noise in the data's own units
        (1.0, NoiseInjector("masking", 0.3)),  # zeroing fits any scale
    ],
)
@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_sensibly_scaled_data_train_without_a_warning(
    estimator, uint8_images, scale, noise
):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny(estimator, noise=noise).fit(layout(estimator, uint8_images) * scale)
    assert not [w for w in caught if issubclass(w.category, DataScaleWarning)]


def test_paired_training_adds_no_noise_and_does_not_warn(uint8_images):
    X = uint8_images.astype(np.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny(ConvDenoisingAutoencoder).fit(X + 1, clean=X)
    assert not [w for w in caught if issubclass(w.category, DataScaleWarning)]


def test_scaling_the_uint8_images_as_advised_trains_a_real_denoiser(digits):
    """The advice works: X / 255 denoises, the raw 8-bit model keeps the noise."""
    images = (digits[0] * 255).round().astype(np.uint8)
    test = images[:300] / 255
    noisy = NoiseInjector(noise_factor=0.3, random_state=0).fit_transform(test)
    params = {"hidden_layer_sizes": (128,), "epochs": 20, "run_eagerly": False}
    with pytest.warns(DataScaleWarning):
        raw = tiny(DenoisingAutoencoder, **params).fit(images)
    scaled = tiny(DenoisingAutoencoder, **params).fit(images / 255)
    noisy_error = np.mean((noisy - test) ** 2)
    raw_error = np.mean((raw.denoise(noisy * 255) / 255 - test) ** 2)
    scaled_error = np.mean((scaled.denoise(noisy) - test) ** 2)
    assert scaled_error < 0.5 * noisy_error < raw_error, (scaled_error, raw_error)
