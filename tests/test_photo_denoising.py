"""Photo denoising: ConvDenoisingAutoencoder on images of any size, residual
learning, batch normalization, depth without downsampling, and patches."""

import pickle

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import ndimage

from skdae import ConvDenoisingAutoencoder, NoiseInjector, extract_patches
from skdae.metrics import mse

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = [pytest.mark.jax, pytest.mark.torch]


def smooth_images(n, height, width, seed=0):
    """Blurred random fields in [0, 1]: photo-like content with edges of scale 2 px."""
    rng = np.random.default_rng(seed)
    fields = ndimage.gaussian_filter(rng.random((n, height, width)), (0, 2, 2))
    low = fields.min(axis=(1, 2), keepdims=True)
    high = fields.max(axis=(1, 2), keepdims=True)
    return ((fields - low) / (high - low)).astype(np.float32)


def model(**params):
    defaults = {"filters": (4, 4), "epochs": 1, "batch_size": 32, "random_state": 0}
    return ConvDenoisingAutoencoder(**{**defaults, **params})


ARCHITECTURES = {
    "stride": {},
    "pool": {"downsampling": "pool"},
    "none": {"downsampling": None},
    "unet": {"filters": (4, 4, 4), "skip_connections": True},
    "residual_bn": {"residual": True, "batch_norm": True},
}


@pytest.fixture(scope="module")
def patches():
    return smooth_images(128, 16, 16)


@pytest.fixture(scope="module", params=list(ARCHITECTURES))
def fitted(request, patches):
    return model(**ARCHITECTURES[request.param]).fit(patches)


# ------------------------------------------------------------- any size
@pytest.mark.parametrize("shape", [(2, 16, 16), (2, 32, 16), (1, 19, 23), (3, 5, 7)])
def test_denoise_takes_any_height_and_width_in_the_callers_layout(fitted, shape):
    images = smooth_images(*shape, seed=1)
    out = fitted.denoise(images)
    assert out.shape == shape and out.dtype == np.float32
    assert np.isfinite(out).all()
    assert fitted.denoise(images[..., None]).shape == (*shape, 1)
    assert_allclose(fitted.denoise(images[..., None])[..., 0], out, atol=1e-6)


def test_other_sizes_go_through_the_fitted_weights(fitted):
    # Images of the fitted size, run through the network built for any size
    # (no padding is needed for a multiple of the downsampling), give what
    # model_ gives: the same layers and weights.
    images = smooth_images(3, 16, 16, seed=2)
    any_size = fitted._any_size_model()
    out = keras.ops.convert_to_numpy(any_size(images[..., None], training=False))
    assert_allclose(out[..., 0], fitted.denoise(images), atol=1e-5)


def test_a_larger_image_is_denoised_as_well_as_the_patches(patches):
    noise = NoiseInjector(noise_factor=0.1)
    cdae = model(
        filters=(16, 16), downsampling=None, residual=True, epochs=12, noise=noise
    ).fit(patches)
    photo = smooth_images(1, 45, 37, seed=3)
    noisy = NoiseInjector(noise_factor=0.1, random_state=0).fit_transform(photo)
    assert mse(photo, cdae.denoise(noisy)) < 0.6 * mse(photo, noisy)


def test_the_any_size_network_follows_further_training(patches):
    cdae = model().fit(patches)
    photo = smooth_images(1, 20, 20, seed=4)
    before = cdae.denoise(photo)
    cdae.partial_fit(patches)
    after = cdae.denoise(photo)
    assert not np.allclose(before, after)
    cdae.set_params(filters=(3,)).fit(patches)  # another architecture
    assert cdae.denoise(photo).shape == photo.shape


def test_pickle_keeps_the_model_not_the_any_size_network(patches):
    cdae = model().fit(patches)
    photo = smooth_images(1, 20, 30, seed=5)
    expected = cdae.denoise(photo)
    loaded = pickle.loads(pickle.dumps(cdae))
    assert "_any_size" not in vars(loaded)
    assert_allclose(loaded.denoise(photo), expected, atol=1e-6)


def test_other_sizes_are_refused_by_transform_and_score_with_a_pointer(fitted):
    photo = smooth_images(1, 20, 20)
    for method in (fitted.transform, fitted.score, fitted.score_samples):
        with pytest.raises(ValueError, match=r"denoise\(\) takes images of any"):
            method(photo)


def test_another_number_of_channels_is_refused(fitted):
    with pytest.raises(ValueError, match="1 channel"):
        fitted.denoise(np.zeros((1, 20, 20, 3), dtype=np.float32))


def test_flat_samples_must_have_the_fitted_size(fitted):
    with pytest.raises(ValueError, match="features"):
        fitted.denoise(np.zeros((2, 50)))


def test_color_images_of_any_size(rng):
    colour = rng.random((32, 8, 8, 3), dtype=np.float32)
    cdae = model().fit(colour)
    assert cdae.denoise(rng.random((2, 13, 10, 3), dtype=np.float32)).shape == (
        2,
        13,
        10,
        3,
    )


# ------------------------------------------------------------ architectures
def test_residual_model_subtracts_the_estimated_noise(patches):
    cdae = model(residual=True).fit(patches)
    assert cdae.output_activation_ == "linear"
    images = patches[:4, ..., None]
    noise = keras.ops.convert_to_numpy(cdae.decoder_(cdae.encoder_(images)))
    assert_allclose(cdae.denoise(patches[:4]), (images - noise)[..., 0], atol=1e-5)


def test_residual_model_starts_near_the_identity(patches):
    untrained = model(residual=True).initialize(patches)
    out = untrained.denoise(patches[:8])
    # The untrained noise estimate is small next to the images themselves.
    assert mse(patches[:8], out) < 0.1 * float(np.mean(patches[:8] ** 2))


@pytest.mark.parametrize(
    "params",
    [{"residual": True}, {"skip_connections": True}, {"transform_mode": "denoise"}],
)
def test_inverse_transform_is_there_only_when_codes_decode_to_images(params, patches):
    cdae = model(**params).fit(patches[:32])
    assert not hasattr(cdae, "inverse_transform")
    assert hasattr(model().fit(patches[:32]), "inverse_transform")


def test_batch_norm_layers_and_inference_independent_of_the_batch(patches):
    cdae = model(batch_norm=True).fit(patches)
    norms = [
        layer
        for net in (cdae.encoder_, cdae.decoder_)
        for layer in net.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert len(norms) == 4  # one per hidden convolution
    convs = [
        layer
        for layer in cdae.encoder_.layers
        if isinstance(layer, keras.layers.Conv2D)
    ]
    assert all(not layer.use_bias for layer in convs)  # the norm has the bias
    out = cdae.denoise(patches[:16])
    assert_allclose(cdae.denoise(patches[:1]), out[:1], atol=1e-5)
    assert_array_equal(cdae.denoise(patches[:16]), out)


def test_no_downsampling_keeps_full_resolution_codes(patches):
    cdae = model(downsampling=None, filters=(4, 2)).fit(patches)
    assert cdae.code_shape_ == (16, 16, 2)
    codes = cdae.transform(patches[:3])
    assert codes.shape == (3, 16 * 16 * 2)
    assert cdae.inverse_transform(codes).shape == (3, 16, 16)


def test_architecture_parameters_are_validated(patches):
    for params in ({"downsampling": "avg"}, {"residual": "yes"}, {"batch_norm": 1.5}):
        with pytest.raises(ValueError, match=next(iter(params))):
            model(**params).fit(patches)


def test_blind_training_on_a_range_of_noise_levels(patches):
    noise = NoiseInjector(noise_factor=(0.0, 0.2))
    cdae = model(
        filters=(16, 16), residual=True, downsampling=None, epochs=12, noise=noise
    ).fit(patches)
    for sigma in (0.08, 0.18):
        noisy = NoiseInjector(noise_factor=sigma, random_state=0).fit_transform(
            patches[:32]
        )
        assert mse(patches[:32], cdae.denoise(noisy)) < mse(patches[:32], noisy)


# ------------------------------------------------------------------ patches
def test_extract_patches_from_images_of_different_sizes():
    photos = [np.zeros((60, 40)), np.ones((30, 50))]
    patches = extract_patches(photos, 10, n_patches=4000, random_state=0)
    assert patches.shape == (4000, 10, 10) and patches.dtype == np.float64
    # Each photo gives patches in proportion to its patch positions.
    positions = np.array([51 * 31, 21 * 41])
    assert_allclose(patches.mean(), positions[1] / positions.sum(), atol=0.02)
    # Every patch is whole: all zeros or all ones.
    assert set(np.unique(patches.mean(axis=(1, 2)))) <= {0.0, 1.0}


def test_extract_patches_keeps_channels_and_reads_arrays():
    images = np.random.default_rng(0).random((3, 20, 30, 3), dtype=np.float32)
    patches = extract_patches(images, (8, 6), n_patches=50, augment=False)
    assert patches.shape == (50, 8, 6, 3) and patches.dtype == np.float32


def test_extract_patches_without_augmentation_are_crops(rng):
    image = rng.random((30, 30))
    patches = extract_patches([image], 5, n_patches=200, augment=False, random_state=1)
    windows = np.lib.stride_tricks.sliding_window_view(image, (5, 5)).reshape(-1, 25)
    found = (patches.reshape(200, 1, 25) == windows[None]).all(axis=2).any(axis=1)
    assert found.all()


def test_extract_patches_augments_with_the_symmetries_of_the_square():
    ramp = np.add.outer(np.arange(8.0), 10 * np.arange(8.0))  # all 8 views differ
    patches = extract_patches([ramp], 8, n_patches=400, random_state=0)
    views = {patch.tobytes() for patch in patches}
    assert len(views) == 8
    unaugmented = extract_patches([ramp], 8, n_patches=50, augment=False)
    assert len({patch.tobytes() for patch in unaugmented}) == 1


def test_extract_patches_is_reproducible(rng):
    images = [rng.random((40, 30)), rng.random((25, 50))]
    first = extract_patches(images, 7, n_patches=30, random_state=3)
    assert_array_equal(first, extract_patches(images, 7, n_patches=30, random_state=3))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"patch_size": 50}, "larger than image"),
        ({"patch_size": 0}, "patch_size"),
        ({"patch_size": (4, 5)}, "square patches only"),
        ({"n_patches": 0}, "n_patches"),
    ],
)
def test_extract_patches_errors(kwargs, match):
    params = {"patch_size": 4, "n_patches": 10, **kwargs}
    with pytest.raises(ValueError, match=match):
        extract_patches([np.zeros((40, 40)), np.zeros((20, 30))], **params)


def test_extract_patches_refuses_mixed_channels():
    with pytest.raises(ValueError, match="channels"):
        extract_patches([np.zeros((9, 9, 1)), np.zeros((9, 9, 3))], 4, n_patches=2)
