"""A noise level drawn per sample from a range: ``noise_factor=(low, high)``.

What a blind denoiser trains on (one model for every level in the range).
"""

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skdae import DataScaleWarning, NoiseInjector
from skdae.noise import NoiseLayer, corrupt

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch


@pytest.fixture
def flat():
    return np.full((4000, 400), 0.5, dtype=np.float32)


def test_gaussian_range_draws_one_std_per_sample_uniform_in_the_range(flat):
    noisy = NoiseInjector(noise_factor=(0.1, 0.3), random_state=0).fit_transform(flat)
    stds = (noisy - flat).std(axis=1)
    # 400 values per sample: each std within a few percent of its level.
    assert stds.min() > 0.1 * 0.9 and stds.max() < 0.3 * 1.1
    # Uniform in [0.1, 0.3]: mean 0.2, quartiles near 0.15 and 0.25.
    assert_allclose(stds.mean(), 0.2, atol=0.005)
    assert_allclose(np.quantile(stds, [0.25, 0.75]), [0.15, 0.25], atol=0.01)
    # Noise stays centred on loc, per sample.
    assert abs(float((noisy - flat).mean())) < 0.002


def test_gaussian_range_keeps_loc():
    X = np.zeros((2000, 300))
    noisy = NoiseInjector(
        noise_factor=(0.0, 0.2), loc=0.5, random_state=0
    ).fit_transform(X)
    assert_allclose(noisy.mean(), 0.5, atol=0.003)


@pytest.mark.parametrize("kind", ["masking", "salt_pepper"])
def test_fraction_range_draws_one_fraction_per_sample(kind, flat):
    noisy = NoiseInjector(kind, (0.0, 0.5), random_state=0).fit_transform(flat)
    changed = (noisy != flat).mean(axis=1)
    assert changed.min() < 0.05 and changed.max() > 0.45
    assert_allclose(changed.mean(), 0.25, atol=0.01)


def test_a_range_of_one_value_is_that_level(flat):
    noisy = NoiseInjector(noise_factor=(0.2, 0.2), random_state=0).fit_transform(flat)
    assert_allclose((noisy - flat).std(axis=1), 0.2, rtol=0.15)


def test_range_draws_are_reproducible_and_fresh_per_call(flat):
    first = NoiseInjector(noise_factor=(0.1, 0.3), random_state=3).fit(flat)
    second = NoiseInjector(noise_factor=(0.1, 0.3), random_state=3).fit(flat)
    a = first.transform(flat)
    assert_array_equal(a, second.transform(flat))
    assert not np.array_equal(a, first.transform(flat))


def test_corrupt_with_an_int_seed_draws_levels_and_noise_apart():
    # The level and the noise come from different seeds: a sample's noise is
    # not a function of its level's draw.
    x = np.zeros((3000, 200), dtype="float32")
    out = keras.ops.convert_to_numpy(corrupt(x, noise_factor=(0.0, 1.0), seed=7))
    stds = out.std(axis=1)
    first_values = out[:, 0]
    # If one seed drove both, standardized first values would be determined by
    # the std draws; here they are independent standard normals.
    z = first_values / stds
    assert abs(np.corrcoef(z, stds)[0, 1]) < 0.06
    assert_allclose(z.std(), 1.0, atol=0.05)


def test_noise_layer_with_a_range_round_trips_its_config(flat):
    layer = NoiseInjector(noise_factor=(0.0, 0.2)).as_layer(seed=0)
    config = layer.get_config()
    clone = NoiseLayer.from_config(config)
    assert clone.corruption == layer.corruption
    assert clone.corruption.noise_factor == (0.0, 0.2)
    out = keras.ops.convert_to_numpy(clone(flat[:500], training=True))
    stds = (out - flat[:500]).std(axis=1)
    assert stds.max() > 0.15 and stds.min() < 0.05


@pytest.mark.parametrize(
    "noise_factor, match",
    [
        ((0.3, 0.1), "0 <= low <= high"),
        ((-0.1, 0.1), "0 <= low <= high"),
        ((0.1, 0.2, 0.3), "range"),
        (("a", 0.2), "range"),
    ],
)
def test_invalid_ranges_are_refused(noise_factor, match, flat):
    with pytest.raises(ValueError, match=match):
        NoiseInjector(noise_factor=noise_factor).fit(flat)


def test_block_takes_no_range(flat):
    with pytest.raises(ValueError, match="kind='block'"):
        NoiseInjector("block", (2, 4)).fit(flat)


def test_fractions_above_one_are_refused_in_a_range(flat):
    with pytest.raises(ValueError, match=r"fraction .* \[0, 1\]"):
        NoiseInjector("masking", (0.5, 1.5)).fit(flat)


def test_scale_check_reads_the_top_of_the_range():
    from skdae import DenoisingAutoencoder

    X = np.random.default_rng(0).uniform(0, 255, size=(64, 16))
    dae = DenoisingAutoencoder(
        hidden_layer_sizes=(4,), epochs=1, noise=NoiseInjector(noise_factor=(0, 0.5))
    )
    with pytest.warns(DataScaleWarning, match=r"noise_factor=\(0, 0.5\)"):
        dae.fit(X)
