"""Tests of ConvDenoisingAutoencoder: layouts, architectures, noise, sklearn API.

Models are tiny (a few filters, one to three epochs, small images) so the whole
file runs in well under a minute and a half on two CPU cores.
"""

import math
import warnings
from functools import partial

import keras
import numpy as np
import pytest
from conftest import make_autoencoder
from sklearn.base import clone

from skdae import ConvDenoisingAutoencoder, NoiseInjector
from skdae.metrics import mse

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch

#: A tiny, seeded ConvDenoisingAutoencoder; keyword arguments override.
tiny = partial(
    make_autoencoder, ConvDenoisingAutoencoder, filters=(4, 2), epochs=1, batch_size=64
)


def as_layout(images, layout):
    """(n, h, w) grayscale images in the layout ``layout``."""
    if layout == "nhwc":
        return images[..., None]
    if layout == "nhw":
        return images
    return images.reshape(images.shape[0], -1)


LAYOUTS = ["nhwc", "nhw", "flat"]


@pytest.fixture(scope="module")
def images(digit_images):
    """256 digits as (n, 8, 8) images in [0, 1]."""
    return np.ascontiguousarray(digit_images[:256])


@pytest.fixture(scope="module")
def fitted(images):
    """A tiny model fitted on (n, 8, 8) digits; tests must not change it."""
    return tiny().fit(images)


@pytest.fixture(scope="module")
def unit_28():
    """64 random 28x28 grayscale images in [0, 1]."""
    return np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)


def _describe(model):
    """(type, filters, strides, kernel size, activation) of a model's layers."""
    rows = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        config = layer.get_config()
        kind = type(layer).__name__
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            rows.append(
                (
                    kind,
                    config["filters"],
                    tuple(config["strides"]),
                    tuple(config["kernel_size"]),
                    config["activation"],
                )
            )
        elif isinstance(layer, keras.layers.MaxPooling2D):
            rows.append((kind, tuple(config["pool_size"])))
        elif isinstance(layer, keras.layers.UpSampling2D):
            rows.append((kind, tuple(config["size"])))
        else:
            rows.append((kind,))
    return rows


def _square_patch(zero_mask):
    """Side of the single square of True in a 2-D mask (AssertionError if not)."""
    rows = np.flatnonzero(zero_mask.any(axis=1))
    cols = np.flatnonzero(zero_mask.any(axis=0))
    assert rows.size and cols.size, "no pixel was erased"
    height = rows[-1] - rows[0] + 1
    width = cols[-1] - cols[0] + 1
    assert height == width, f"erased region is {height}x{width}, not square"
    assert zero_mask.sum() == height * width, "erased region is not one block"
    return int(height), (int(rows[0]), int(cols[0]))


# ----------------------------------------------------------------- layouts
@pytest.mark.parametrize("layout", LAYOUTS)
def test_outputs_keep_the_callers_layout(images, layout):
    X = as_layout(images[:128], layout)
    params = {"image_shape": (8, 8)} if layout == "flat" else {}
    cdae = tiny(**params).fit(X)

    assert cdae.sample_shape_ == (8, 8, 1)
    assert cdae.n_features_in_ == 64
    denoised = cdae.denoise(X)
    assert denoised.shape == X.shape
    assert np.isfinite(denoised).all()

    code = cdae.transform(X)
    assert code.shape == (X.shape[0], math.prod(cdae.code_shape_))
    assert cdae.code_shape_ == (2, 2, 2)
    assert cdae.inverse_transform(code).shape == X.shape

    cdae.set_params(transform_mode="denoise")
    np.testing.assert_allclose(cdae.transform(X), denoised, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("fit_layout", LAYOUTS)
def test_transform_accepts_every_equivalent_layout(images, fit_layout):
    params = {"image_shape": (8, 8)} if fit_layout == "flat" else {}
    cdae = tiny(**params).fit(as_layout(images[:128], fit_layout))
    X = images[:20]

    codes = [cdae.transform(as_layout(X, layout)) for layout in LAYOUTS]
    for code in codes[1:]:
        np.testing.assert_allclose(code, codes[0], rtol=1e-6, atol=1e-6)

    reference = cdae.denoise(X)
    for layout in LAYOUTS:
        denoised = cdae.denoise(as_layout(X, layout))
        assert denoised.shape == as_layout(X, layout).shape
        np.testing.assert_allclose(
            denoised.reshape(reference.shape), reference, rtol=1e-6, atol=1e-6
        )


def test_inverse_transform_returns_the_training_layout(images):
    cdae = tiny(image_shape=(8, 8)).fit(as_layout(images[:128], "flat"))
    code = cdae.transform(images[:5])  # transformed from (n, 8, 8) images
    assert cdae.inverse_transform(code).shape == (5, 64)


def test_flat_input_of_wrong_size_names_the_expected_shape(images):
    X = images[:64].reshape(64, -1)[:, :60]
    with pytest.raises(ValueError, match=r"image_shape=\(8, 8\) expects 64"):
        tiny(image_shape=(8, 8)).fit(X)


def test_image_input_must_match_image_shape(images):
    with pytest.raises(ValueError, match=r"image_shape=\(7, 7\)"):
        tiny(image_shape=(7, 7)).fit(images[:64])


def test_transform_with_wrong_layout_lists_accepted_shapes(fitted, images):
    X = images[:4].reshape(4, 4, 16)
    with pytest.raises(ValueError, match=r"\(4, 16\)") as excinfo:
        fitted.transform(X)
    message = str(excinfo.value)
    for shape in ("(8, 8, 1)", "(64,)", "(8, 8)"):
        assert shape in message
    assert "denoise() takes images of any height and width" in message
    assert fitted.denoise(X).shape == X.shape  # 4 x 16 images: any size denoises


def test_transform_with_wrong_number_of_features_raises(fitted):
    with pytest.raises(ValueError, match="72 features.*expecting 64"):
        fitted.transform(np.zeros((3, 8, 9), dtype=np.float32))
    with pytest.raises(ValueError, match="features"):
        fitted.denoise(np.zeros((3, 63), dtype=np.float32))


def test_generic_2d_data_fits_as_one_row_images():
    X = np.random.default_rng(0).random((48, 10), dtype=np.float32)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*image_shape.*")
        cdae = tiny().fit(X)
    assert cdae.sample_shape_ == (1, 10, 1)
    assert cdae.code_shape_ == (1, 3, 2)
    assert cdae.denoise(X).shape == X.shape
    assert cdae.transform(X).shape == (48, 6)
    assert cdae.inverse_transform(cdae.transform(X)).shape == X.shape


def test_square_number_of_features_warns_to_pass_image_shape(digits):
    X = digits[0][:64]
    with pytest.warns(UserWarning, match=r"image_shape=\(8, 8\)"):
        cdae = tiny().fit(X)
    assert cdae.sample_shape_ == (1, 64, 1)
    assert cdae.denoise(X).shape == X.shape


# ------------------------------------------------------------ image sizes
@pytest.mark.parametrize("downsampling", ["stride", "pool"])
def test_28x28_three_levels_come_back_to_28x28(unit_28, downsampling):
    X = unit_28[:32]
    cdae = tiny(filters=(4, 4, 3), downsampling=downsampling).fit(X)
    assert cdae.code_shape_ == (4, 4, 3)
    assert cdae.transform(X).shape == (32, 48)
    assert cdae.denoise(X).shape == (32, 28, 28)
    assert cdae.inverse_transform(cdae.transform(X)).shape == (32, 28, 28)
    assert cdae.model_.output_shape == (None, 28, 28, 1)


@pytest.mark.parametrize("downsampling", ["stride", "pool"])
def test_odd_image_sizes_round_trip(downsampling):
    X = np.random.default_rng(1).random((24, 13, 17), dtype=np.float32)
    cdae = tiny(downsampling=downsampling).fit(X)
    assert cdae.code_shape_ == (4, 5, 2)  # 13 -> 7 -> 4, 17 -> 9 -> 5
    assert cdae.denoise(X).shape == X.shape
    assert cdae.inverse_transform(cdae.transform(X)).shape == X.shape


def test_rgb_images_round_trip():
    X = np.random.default_rng(2).random((24, 12, 12, 3), dtype=np.float32)
    cdae = tiny().fit(X)
    assert cdae.sample_shape_ == (12, 12, 3)
    assert cdae.n_features_in_ == 432
    assert cdae.denoise(X).shape == X.shape
    code = cdae.transform(X)
    assert code.shape == (24, math.prod(cdae.code_shape_))
    assert cdae.inverse_transform(code).shape == X.shape
    np.testing.assert_allclose(
        cdae.transform(X.reshape(24, -1)), code, rtol=1e-6, atol=1e-6
    )


def test_rgb_images_in_unit_range_get_a_3_channel_sigmoid_output():
    X = np.random.default_rng(3).random((24, 12, 12, 3), dtype=np.float32)
    cdae = tiny().fit(X)
    assert cdae.output_activation_ == "sigmoid"
    last = cdae.decoder_.layers[-1]
    assert isinstance(last, keras.layers.Conv2D)
    assert last.get_config()["filters"] == 3
    assert last.get_config()["activation"] == "sigmoid"
    assert cdae.model_.output_shape == (None, 12, 12, 3)
    denoised = cdae.denoise(X)
    assert denoised.shape == X.shape
    assert denoised.min() >= 0 and denoised.max() <= 1


def test_data_outside_unit_range_gets_a_linear_output(images):
    cdae = tiny().fit(images[:64] * 4 - 2)
    assert cdae.output_activation_ == "linear"
    assert cdae.decoder_.layers[-1].get_config()["activation"] == "linear"


# ------------------------------------------------- seed architectures
def test_seed_architecture_stride_16_8_transposed_decoder(unit_28):
    cdae = ConvDenoisingAutoencoder(
        filters=(16, 8),
        kernel_size=3,
        downsampling="stride",
        random_state=0,
    ).initialize(unit_28[:16])  # the model fit would build, untrained
    assert _describe(cdae.model_.get_layer("encoder")) == [
        ("Conv2D", 16, (2, 2), (3, 3), "relu"),
        ("Conv2D", 8, (2, 2), (3, 3), "relu"),
    ]
    assert _describe(cdae.decoder_) == [
        ("Conv2DTranspose", 8, (2, 2), (3, 3), "relu"),
        ("Conv2DTranspose", 16, (2, 2), (3, 3), "relu"),
        ("Conv2D", 1, (1, 1), (3, 3), "sigmoid"),
    ]
    assert cdae.code_shape_ == (7, 7, 8)
    assert cdae.model_.output_shape == (None, 28, 28, 1)


def test_seed_architecture_conv_maxpool_32_32_upsampling_decoder(unit_28):
    cdae = ConvDenoisingAutoencoder(
        filters=(32, 32),
        downsampling="pool",
        random_state=0,
    ).initialize(unit_28[:16])  # the model fit would build, untrained
    assert _describe(cdae.model_.get_layer("encoder")) == [
        ("Conv2D", 32, (1, 1), (3, 3), "relu"),
        ("MaxPooling2D", (2, 2)),
        ("Conv2D", 32, (1, 1), (3, 3), "relu"),
        ("MaxPooling2D", (2, 2)),
    ]
    assert _describe(cdae.decoder_) == [
        ("Conv2D", 32, (1, 1), (3, 3), "relu"),
        ("UpSampling2D", (2, 2)),
        ("Conv2D", 32, (1, 1), (3, 3), "relu"),
        ("UpSampling2D", (2, 2)),
        ("Conv2D", 1, (1, 1), (3, 3), "sigmoid"),
    ]
    assert cdae.code_shape_ == (7, 7, 32)
    assert cdae.model_.output_shape == (None, 28, 28, 1)


def test_seed_architecture_5x5_kernels_16_32(unit_28):
    cdae = ConvDenoisingAutoencoder(
        filters=(16, 32),
        kernel_size=5,
        downsampling="stride",
        random_state=0,
    ).initialize(unit_28[:16])  # the model fit would build, untrained
    assert _describe(cdae.model_.get_layer("encoder")) == [
        ("Conv2D", 16, (2, 2), (5, 5), "relu"),
        ("Conv2D", 32, (2, 2), (5, 5), "relu"),
    ]
    assert _describe(cdae.decoder_) == [
        ("Conv2DTranspose", 32, (2, 2), (5, 5), "relu"),
        ("Conv2DTranspose", 16, (2, 2), (5, 5), "relu"),
        ("Conv2D", 1, (1, 1), (5, 5), "sigmoid"),
    ]
    assert cdae.code_shape_ == (7, 7, 32)


def test_model_is_fill_then_noise_then_encoder_then_decoder(fitted):
    names = [layer.name for layer in fitted.model_.layers]
    assert names == ["input", "fill_missing", "noise", "encoder", "decoder"]
    assert fitted.encoder_ is fitted.model_.get_layer("encoder")
    assert fitted.decoder_ is fitted.model_.get_layer("decoder")


# --------------------------------------------------------- skip connections
@pytest.mark.parametrize("downsampling", ["stride", "pool"])
def test_skip_connections(images, downsampling):
    X = images[:64]
    cdae = tiny(filters=(4, 3, 2), skip_connections=True, downsampling=downsampling)
    cdae.fit(X)
    assert len(cdae.encoder_.outputs) == 3  # the code and two skips
    assert len(cdae.decoder_.inputs) == 3
    assert any(
        isinstance(layer, keras.layers.Concatenate) for layer in cdae.decoder_.layers
    )
    assert cdae.code_shape_ == (1, 1, 2)
    denoised = cdae.denoise(X)
    assert denoised.shape == X.shape
    assert np.isfinite(denoised).all()
    code = cdae.transform(X)
    assert code.shape == (64, 2)
    # codes alone cannot be decoded: the method is absent, so hasattr says so
    assert not hasattr(cdae, "inverse_transform")
    assert not hasattr(tiny(skip_connections=True), "inverse_transform")
    assert hasattr(tiny(skip_connections=False), "inverse_transform")
    with pytest.raises(AttributeError, match="inverse_transform"):
        cdae.inverse_transform(code)


@pytest.mark.parametrize("downsampling", ["stride", "pool"])
def test_skip_connections_on_odd_image_sizes(downsampling):
    X = np.random.default_rng(4).random((24, 13, 17), dtype=np.float32)
    cdae = tiny(filters=(4, 3, 2), skip_connections=True, downsampling=downsampling)
    cdae.fit(X)
    assert cdae.code_shape_ == (2, 3, 2)  # 13 -> 7 -> 4 -> 2, 17 -> 9 -> 5 -> 3
    assert cdae.denoise(X).shape == X.shape
    assert cdae.transform(X).shape == (24, 12)


# ------------------------------------------------------------- block noise
@pytest.mark.parametrize("layout", ["nhw", "flat"])
def test_block_noise_layer_erases_one_square_per_image(images, layout):
    params = {"image_shape": (8, 8)} if layout == "flat" else {}
    cdae = tiny(noise=NoiseInjector("block", 0.25), **params)
    cdae.fit(as_layout(images[:64], layout))
    layer = cdae.model_.get_layer("noise")
    ones = np.ones((16, 8, 8, 1), dtype=np.float32)

    erased = keras.ops.convert_to_numpy(layer(ones, training=True))
    assert erased.shape == ones.shape
    assert set(np.unique(erased)) == {0.0, 1.0}
    positions = set()
    for image in erased[..., 0]:
        side, corner = _square_patch(image == 0)
        assert side == 4  # a quarter of the 64 pixels: a 4x4 square
        positions.add(corner)
    assert len(positions) > 1  # a random position per image

    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(layer(ones, training=False)), ones
    )


def test_block_noise_on_generic_2d_data_matches_the_injector():
    X = np.random.default_rng(0).random((32, 10), dtype=np.float32)
    noise = NoiseInjector("block", 0.3)
    cdae = tiny(noise=noise).fit(X)
    layer = cdae.model_.get_layer("noise")
    erased = keras.ops.convert_to_numpy(
        layer(np.ones((4, 1, 10, 1), dtype=np.float32), training=True)
    )
    by_injector = clone(noise).fit_transform(np.ones((4, 10)))
    np.testing.assert_array_equal(
        (erased == 0).sum(axis=(1, 2, 3)), (by_injector == 0).sum(axis=1)
    )


def test_block_noise_training_inpaints_erased_patches(digit_images):
    train, test = digit_images[:1500], digit_images[1500:]
    cdae = ConvDenoisingAutoencoder(
        filters=(16, 8),
        noise=NoiseInjector("block", 0.25),
        epochs=3,
        batch_size=32,
        random_state=0,
    ).fit(train)
    erase = NoiseInjector("block", 0.25, random_state=1)
    erased = erase.fit_transform(test)
    patches = erase.fit_transform(np.ones_like(test)) == 0  # same draw, same seed
    assert patches.sum() == 16 * len(test)  # one 4x4 square per image
    assert np.array_equal(erased[patches], np.zeros(patches.sum()))

    restored = cdae.denoise(erased)
    error_erased = mse(test[patches], erased[patches])
    error_restored = mse(test[patches], restored[patches])
    assert error_erased > 0.1
    assert error_restored < 0.6 * error_erased


# ---------------------------------------------------------- invalid params
@pytest.mark.parametrize(
    "params, name",
    [
        ({"downsampling": "bogus"}, "downsampling"),
        ({"filters": (0,)}, "filters"),
        ({"filters": ()}, "filters"),
        ({"kernel_size": 0}, "kernel_size"),
        ({"image_shape": (0, 3)}, "image_shape"),
    ],
)
def test_invalid_params_raise_value_error_naming_them(images, params, name):
    X = images[:16].reshape(16, -1) if "image_shape" in params else images[:16]
    with pytest.raises(ValueError, match=name):
        tiny(**params).fit(X)
