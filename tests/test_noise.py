"""Tests of skdae.noise: NoiseInjector, NoiseLayer and corrupt.

Every random check is seeded, with tolerances of several standard errors, so the
tests are deterministic and still meaningful.
"""

import math
import warnings

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats
from sklearn.exceptions import NotFittedError

from skdae import NoiseInjector
from skdae._data import ArrayBatches
from skdae.noise import (
    MAX_SEED,
    NOISE_KINDS,
    Corruption,
    NoiseLayer,
    block_side,
    corrupt,
    corrupt_array,
    draw_seed,
    offset_seed,
    seed_from,
)

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = [pytest.mark.jax, pytest.mark.torch]

N, D = 2000, 50  # small enough to be fast, large enough for tight statistics


@pytest.fixture
def X_unit():
    """Uniform data in (0.1, 0.9): never exactly 0 or 1, so changes are visible."""
    return np.random.default_rng(42).uniform(0.1, 0.9, size=(N, D))


def _fit_transform(X, **params):
    params.setdefault("random_state", 0)
    return NoiseInjector(**params).fit_transform(X)


def _square_of(mask):
    """(top, left, side) of a 2-D boolean mask that is exactly one filled square."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    assert rows.size > 0, "no entry was zeroed"
    top, left = rows[0], cols[0]
    height, width = rows[-1] - top + 1, cols[-1] - left + 1
    assert height == width, f"zeroed region is {height}x{width}, not a square"
    assert rows.size == height and cols.size == width, "zeroed region is not one block"
    assert mask.sum() == height * width, "zeroed region is not a filled square"
    return int(top), int(left), int(height)


def _assert_one_square_per_sample(zeroed, side):
    """Each (h, w) mask in ``zeroed`` is one square of ``side``; return the corners."""
    corners = []
    for mask in zeroed:
        top, left, found = _square_of(mask)
        assert found == side, f"square of side {found}, expected {side}"
        corners.append((top, left))
    return np.array(corners)


# --------------------------------------------------------------------------- gaussian


def test_gaussian_noise_has_mean_loc_and_std_noise_factor(X_unit):
    out = _fit_transform(X_unit, kind="gaussian", noise_factor=0.5, loc=0.5)
    noise = (out - X_unit).ravel()
    # standard errors: 0.5 / sqrt(1e5) = 0.0016 for the mean, ~0.0011 for the std
    assert abs(noise.mean() - 0.5) < 0.01
    assert abs(noise.std() - 0.5) < 0.01
    assert stats.kstest(noise[:20000], "norm", args=(0.5, 0.5)).pvalue > 0.001


def test_gaussian_noise_is_independent_of_the_data():
    X = np.random.default_rng(1).uniform(-5, 5, size=(N, D))
    noise = _fit_transform(X, kind="gaussian", noise_factor=0.3) - X
    assert abs(noise.mean()) < 0.01
    assert abs(noise.std() - 0.3) < 0.01
    assert abs(np.corrcoef(X.ravel(), noise.ravel())[0, 1]) < 0.02
    # every column gets noise of the same spread
    assert_allclose(noise.std(axis=0), 0.3, atol=0.03)


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_zero_noise_factor_leaves_data_unchanged(kind, X_unit):
    out = _fit_transform(X_unit, kind=kind, noise_factor=0.0)
    assert_array_equal(out, X_unit)


# --------------------------------------------------------------------------- masking


@pytest.mark.parametrize("noise_factor", [0.1, 0.3, 0.75])
def test_masking_zeroes_a_fraction_noise_factor(noise_factor, X_unit):
    out = _fit_transform(X_unit, kind="masking", noise_factor=noise_factor)
    zeroed = out == 0
    # binomial standard error <= sqrt(0.25 / 1e5) = 0.0016
    assert abs(zeroed.mean() - noise_factor) < 0.01
    # spread evenly over the features (per-column s.e. <= 0.011)
    assert_allclose(zeroed.mean(axis=0), noise_factor, atol=0.06)
    # entries not masked are the input, bit for bit
    assert_array_equal(out[~zeroed], X_unit[~zeroed])


def test_masking_noise_factor_one_zeroes_everything(X_unit):
    out = _fit_transform(X_unit, kind="masking", noise_factor=1.0)
    assert_array_equal(out, np.zeros_like(X_unit))


def test_masking_zeroes_negative_and_large_values_too():
    X = np.random.default_rng(3).normal(0, 10, size=(N, D))
    out = _fit_transform(X, kind="masking", noise_factor=0.5)
    zeroed = out == 0
    assert abs(zeroed.mean() - 0.5) < 0.01
    assert abs(zeroed[X < 0].mean() - 0.5) < 0.02
    assert_array_equal(out[~zeroed], X[~zeroed])


# ----------------------------------------------------------------------- salt_pepper


def test_salt_pepper_default_bounds_zero_and_one(X_unit):
    out = _fit_transform(X_unit, kind="salt_pepper", noise_factor=0.3)
    changed = out != X_unit
    assert abs(changed.mean() - 0.3) < 0.01
    assert set(np.unique(out[changed])) <= {0.0, 1.0}
    # half pepper, half salt: 30000 changed entries, s.e. of the share 0.003
    assert abs((out[changed] == 0).mean() - 0.5) < 0.02
    assert abs((out == 1).mean() - 0.15) < 0.01


def test_salt_pepper_uses_the_clip_bounds(X_unit):
    out = _fit_transform(X_unit, kind="salt_pepper", noise_factor=0.4, clip=(-1, 2))
    changed = out != X_unit
    assert abs(changed.mean() - 0.4) < 0.01
    assert set(np.unique(out[changed])) == {-1.0, 2.0}
    assert abs((out[changed] == -1).mean() - 0.5) < 0.02
    assert_array_equal(out[~changed], X_unit[~changed])


def test_salt_pepper_noise_factor_one_replaces_everything(X_unit):
    out = _fit_transform(X_unit, kind="salt_pepper", noise_factor=1.0)
    assert set(np.unique(out)) == {0.0, 1.0}
    assert abs(out.mean() - 0.5) < 0.01


# ----------------------------------------------------------------------------- block


def test_block_on_images_zeroes_one_square_per_sample():
    X = np.ones((300, 12, 12))
    out = _fit_transform(X, kind="block", noise_factor=5)
    assert out.shape == X.shape
    assert set(np.unique(out)) == {0.0, 1.0}
    corners = _assert_one_square_per_sample(out == 0, side=5)
    # the location varies and reaches every border (8 positions per axis)
    assert len({tuple(c) for c in corners}) > 30
    assert corners.min(axis=0).tolist() == [0, 0]
    assert corners.max(axis=0).tolist() == [7, 7]


def test_block_on_channel_images_zeroes_the_same_square_in_every_channel():
    X = np.ones((200, 10, 10, 3))
    out = _fit_transform(X, kind="block", noise_factor=4)
    assert out.shape == X.shape
    zeroed = out == 0
    # every channel is zeroed at the same pixels
    assert_array_equal(zeroed[..., 0], zeroed[..., 1])
    assert_array_equal(zeroed[..., 0], zeroed[..., 2])
    corners = _assert_one_square_per_sample(zeroed[..., 0], side=4)
    assert len({tuple(c) for c in corners}) > 15


@pytest.mark.parametrize("image_shape", [(9, 7), (9, 7, 2)])
def test_block_on_flat_input_with_image_shape(image_shape):
    n_features = math.prod(image_shape)
    X = np.ones((200, n_features))
    out = _fit_transform(X, kind="block", noise_factor=3, image_shape=image_shape)
    assert out.shape == X.shape
    zeroed = (out == 0).reshape(-1, *image_shape)
    if len(image_shape) == 3:
        assert_array_equal(zeroed[..., 0], zeroed[..., 1])
        zeroed = zeroed[..., 0]
    corners = _assert_one_square_per_sample(zeroed, side=3)
    assert corners.max(axis=0).tolist() == [6, 4]
    assert len({tuple(c) for c in corners}) > 15


def test_block_on_flat_input_matches_the_same_images():
    """image_shape reads flat rows exactly as the (n, h, w, c) layout."""
    X = np.ones((50, 6 * 5 * 2))
    injector = NoiseInjector("block", 2, image_shape=(6, 5, 2), random_state=0)
    flat = injector.fit_transform(X)
    images = NoiseInjector("block", 2, random_state=0).fit_transform(
        X.reshape(-1, 6, 5, 2)
    )
    assert_array_equal(flat.reshape(-1, 6, 5, 2), images)


@pytest.mark.parametrize(
    "noise_factor, n_features, length", [(7, 50, 7), (0.2, 50, 10), (0.3, 30, 9)]
)
def test_block_on_flat_input_zeroes_one_contiguous_run(
    noise_factor, n_features, length
):
    X = np.ones((300, n_features))
    out = _fit_transform(X, kind="block", noise_factor=noise_factor)
    starts = []
    for row in out == 0:
        idx = np.flatnonzero(row)
        assert idx.size == length
        assert_array_equal(idx, np.arange(idx[0], idx[0] + length))
        starts.append(idx[0])
    starts = np.array(starts)
    assert starts.min() == 0
    assert starts.max() == n_features - length
    assert len(set(starts.tolist())) > min(20, n_features - length)


def test_block_larger_than_the_image_zeroes_all_of_it():
    out = _fit_transform(np.ones((10, 8, 8)), kind="block", noise_factor=100)
    assert_array_equal(out, 0)
    out = _fit_transform(np.ones((10, 8)), kind="block", noise_factor=100)
    assert_array_equal(out, 0)


def test_block_side_in_pixels():
    assert block_side(5, 28) == 5
    assert block_side(3.7, 10) == 3
    assert block_side(1, 28) == 1


def test_block_quarter_of_28x28_image_is_a_14x14_patch():
    X = np.ones((20, 28, 28))
    out = _fit_transform(X, kind="block", noise_factor=0.25)
    _assert_one_square_per_sample(out == 0, side=14)
    assert_allclose((out == 0).mean(axis=(1, 2)), 0.25)


@pytest.mark.parametrize(
    "shape, noise_factor",
    [((12, 12), 0.25), ((10, 10), 0.5), ((28, 28, 1), 0.1), ((8, 32), 0.25)],
)
def test_block_fraction_is_a_fraction_of_the_image_area(shape, noise_factor):
    X = np.ones((20, *shape))
    out = _fit_transform(X, kind="block", noise_factor=noise_factor)
    zeroed = out == 0
    if len(shape) == 3:
        zeroed = zeroed[..., 0]
    h, w = shape[:2]
    side = round(math.sqrt(noise_factor * h * w))
    _assert_one_square_per_sample(zeroed, side=side)


def test_block_fraction_on_flat_input_with_image_shape():
    X = np.ones((20, 784))
    out = _fit_transform(X, kind="block", noise_factor=0.25, image_shape=(28, 28))
    assert_allclose((out == 0).mean(axis=1), 0.25)


# ------------------------------------------------------------------------------ swap


@pytest.fixture
def X_distinct():
    """A table whose values are all distinct, so each value names its row."""
    rng = np.random.default_rng(7)
    return rng.permutation(N * D).reshape(N, D).astype(np.float64) / (N * D)


def _source_rows(X, out):
    """For each entry of ``out``, the row of ``X`` its value came from (same column)."""
    rows = np.empty(out.shape, dtype=int)
    for j in range(X.shape[1]):
        order = np.argsort(X[:, j])
        position = np.searchsorted(X[:, j], out[:, j], sorter=order)
        rows[:, j] = order[np.clip(position, 0, len(order) - 1)]
        # every value is one its column takes
        assert_array_equal(X[rows[:, j], j], out[:, j])
    return rows


@pytest.mark.parametrize("noise_factor", [0.1, 0.3, 0.75])
def test_swap_changes_a_fraction_noise_factor(noise_factor, X_distinct):
    out = _fit_transform(X_distinct, kind="swap", noise_factor=noise_factor)
    changed = out != X_distinct
    # binomial standard error <= 0.0016 overall, <= 0.011 per column
    assert abs(changed.mean() - noise_factor) < 0.01
    assert_allclose(changed.mean(axis=0), noise_factor, atol=0.06)
    assert_array_equal(out[~changed], X_distinct[~changed])


def test_swap_takes_each_value_from_the_same_column_of_another_row(X_distinct):
    out = _fit_transform(X_distinct, kind="swap", noise_factor=0.4)
    rows = _source_rows(X_distinct, out)
    changed = out != X_distinct
    own = np.arange(N)[:, None]
    # a changed entry never comes from its own row; an unchanged one does
    assert (rows[changed] != np.broadcast_to(own, out.shape)[changed]).all()
    assert (rows[~changed] == np.broadcast_to(own, out.shape)[~changed]).all()
    # the source rows are spread over the whole table, not neighbours
    offsets = ((rows - own) % N)[changed]
    assert stats.kstest(offsets / N, "uniform").pvalue > 0.001


def test_swap_source_row_is_uniform_among_the_other_rows():
    X = np.arange(5, dtype=np.float64)[:, None] * np.ones((1, 4000))
    out = _fit_transform(X, kind="swap", noise_factor=1.0)
    # every entry swapped: row i gets the value of each other row with prob. 1/4
    for i in range(5):
        counts = np.bincount(out[i].astype(int), minlength=5)
        assert counts[i] == 0
        others = np.delete(counts, i)
        assert stats.chisquare(others).pvalue > 0.001


def test_swap_keeps_each_columns_marginal():
    rng = np.random.default_rng(3)
    # columns of different scales and shapes: raw units, skewed, categorical
    X = np.column_stack(
        [
            rng.normal(1000, 300, N),
            rng.exponential(0.01, N),
            rng.integers(0, 4, N).astype(float),
        ]
    )
    out = _fit_transform(X, kind="swap", noise_factor=0.5)
    for j in range(X.shape[1]):
        assert np.isin(out[:, j], X[:, j]).all()
        assert stats.ks_2samp(out[:, j], X[:, j]).pvalue > 0.001
    # the categorical column keeps its category frequencies (s.e. about 0.01)
    assert_allclose(
        np.bincount(out[:, 2].astype(int)) / N,
        np.bincount(X[:, 2].astype(int)) / N,
        atol=0.03,
    )


def test_swap_noise_factor_range_draws_one_fraction_per_sample():
    X = np.random.default_rng(0).permutation(500 * 400).reshape(500, 400) / 1e5
    out = _fit_transform(X, kind="swap", noise_factor=(0.1, 0.5))
    per_sample = (out != X).mean(axis=1)
    # uniform on [0.1, 0.5]: mean 0.3, std 0.4 / sqrt(12); binomial s.e. <= 0.025
    assert abs(per_sample.mean() - 0.3) < 0.02
    assert abs(per_sample.std() - 0.4 / math.sqrt(12)) < 0.015
    assert per_sample.min() > 0.1 - 0.08 and per_sample.max() < 0.5 + 0.08
    assert stats.kstest(per_sample, "uniform", args=(0.1, 0.4)).pvalue > 0.001


def test_swap_one_row_is_unchanged_and_two_rows_exchange():
    one = np.array([[1.0, 2.0, 3.0]])
    assert_array_equal(_fit_transform(one, kind="swap", noise_factor=1.0), one)
    two = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert_array_equal(_fit_transform(two, kind="swap", noise_factor=1.0), two[::-1])


@pytest.mark.parametrize("shape", [(300, 8, 8), (300, 8, 6, 3)])
def test_swap_on_images_swaps_the_same_position_between_samples(shape):
    X = np.random.default_rng(2).permutation(math.prod(shape)).reshape(shape) * 1.0
    out = _fit_transform(X, kind="swap", noise_factor=0.3)
    flat_X, flat_out = X.reshape(shape[0], -1), out.reshape(shape[0], -1)
    _source_rows(flat_X, flat_out)  # each value from the same position
    assert abs((out != X).mean() - 0.3) < 0.02


def test_swap_clips_after_swapping():
    X = np.random.default_rng(0).uniform(-2, 2, size=(500, 10))
    out = _fit_transform(X, kind="swap", noise_factor=0.5, clip=(-1, 1))
    assert_array_equal(out, np.clip(out, -1, 1))
    assert_array_equal(
        out, np.clip(_fit_transform(X, kind="swap", noise_factor=0.5), -1, 1)
    )


def test_swap_noise_factor_above_one_is_rejected(X_distinct):
    with pytest.raises(ValueError, match="noise_factor"):
        NoiseInjector("swap", 1.5).fit(X_distinct)


def test_swap_in_a_compiled_fit_swaps_within_each_batch():
    """Rows alternate between 0 and 1; a batch of 64 holds 32 of each, so an
    entry swapped from one of the 63 other rows changes with probability 32/63."""
    clean = np.repeat((np.arange(512) % 2)[:, None], 25, axis=1).astype("float32")
    inputs = keras.Input(shape=(25,))
    hidden = NoiseInjector("swap", 0.3).as_layer(seed=0)(inputs)
    dense = keras.layers.Dense(25, use_bias=False, kernel_initializer="identity")
    model = keras.Model(inputs, dense(hidden))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(clean, clean, epochs=2, batch_size=64, shuffle=False, verbose=0)
    losses = history.history["loss"]
    # 12,800 entries per epoch: standard error about 2 % of the expected loss
    assert_allclose(losses, 0.3 * 32 / 63, rtol=0.08)
    assert losses[0] != losses[1], "the same noise was drawn in both epochs"
    assert model.evaluate(clean, clean, verbose=0) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e4])
def test_swap_fits_a_dense_autoencoder_at_any_scale_without_a_scale_warning(scale):
    """Swap noise needs no scale: check_noise_scale warns for gaussian noise only."""
    from skdae import DataScaleWarning, DenoisingAutoencoder

    X = np.random.default_rng(0).normal(size=(200, 6)).astype("float32") * scale
    dae = DenoisingAutoencoder(
        (8,), noise=NoiseInjector("swap", 0.15), epochs=2, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataScaleWarning)
        dae.fit(X)
    assert dae.noise_.kind == "swap"
    assert dae.transform(X).shape == (200, 8)
    assert np.isfinite(dae.score(X))


# ------------------------------------------------------------------------------ clip


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_clip_bounds_are_respected(kind):
    X = np.random.default_rng(5).uniform(-1, 2, size=(N, D))
    out = _fit_transform(X, kind=kind, noise_factor=0.5, loc=0.3, clip=(0.2, 0.8))
    assert out.min() >= 0.2
    assert out.max() <= 0.8
    # both bounds are reached: the input itself lies outside them
    assert out.min() == pytest.approx(0.2)
    assert out.max() == pytest.approx(0.8)


def test_gaussian_clip_to_unit_range_as_in_the_tutorials(X_unit):
    out = _fit_transform(X_unit, noise_factor=0.5, loc=0.5, clip=(0, 1))
    assert out.min() == 0.0 and out.max() == 1.0
    # unclipped entries are X + noise, the clipped share is substantial
    assert 0.2 < (out == 1).mean() < 0.8


# ------------------------------------------------------------ copies, dtypes, inputs


@pytest.mark.parametrize("kind", NOISE_KINDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_transform_never_modifies_X_and_keeps_float_dtype(kind, dtype, X_unit):
    X = X_unit.astype(dtype)
    before = X.copy()
    injector = NoiseInjector(kind, 0.3, random_state=0).fit(X)
    out = injector.transform(X)
    assert_array_equal(X, before)
    assert out.dtype == dtype
    assert out.shape == X.shape
    assert not np.shares_memory(out, X)
    assert not np.array_equal(out, X)
    out[...] = -7  # the result is a writable copy; writing it leaves X alone
    assert_array_equal(X, before)


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_transform_accepts_read_only_arrays(kind, X_unit):
    X = X_unit.astype(np.float32)
    X.setflags(write=False)
    before = X.copy()
    out = NoiseInjector(kind, 0.3, random_state=0).fit_transform(X)
    assert_array_equal(X, before)
    assert out.dtype == np.float32
    assert out.flags.writeable


def test_zero_noise_returns_a_copy(X_unit):
    out = _fit_transform(X_unit, kind="masking", noise_factor=0.0)
    assert not np.shares_memory(out, X_unit)
    out[0, 0] = -1.0
    assert X_unit[0, 0] != -1.0


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, bool])
def test_non_float_input_gives_float64(dtype):
    X = np.random.default_rng(0).integers(0, 2, size=(100, 10)).astype(dtype)
    before = X.copy()
    out = _fit_transform(X, kind="gaussian", noise_factor=0.1)
    assert out.dtype == np.float64
    assert_array_equal(X, before)
    assert abs((out - X).std() - 0.1) < 0.02


def test_list_input_is_accepted():
    out = _fit_transform([[0.0, 1.0], [1.0, 0.0]], kind="masking", noise_factor=1.0)
    assert isinstance(out, np.ndarray)
    assert_array_equal(out, np.zeros((2, 2)))


# ------------------------------------------------------------------------ randomness


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_new_draws_on_every_transform_call(kind, X_unit):
    injector = NoiseInjector(kind, 0.3, random_state=0).fit(X_unit)
    first, second = injector.transform(X_unit), injector.transform(X_unit)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_refit_with_same_int_random_state_repeats_the_sequence(kind, X_unit):
    injector = NoiseInjector(kind, 0.3, random_state=7).fit(X_unit)
    seq1 = [injector.transform(X_unit) for _ in range(3)]
    injector.fit(X_unit)
    seq2 = [injector.transform(X_unit) for _ in range(3)]
    other = NoiseInjector(kind, 0.3, random_state=7).fit(X_unit)
    seq3 = [other.transform(X_unit) for _ in range(3)]
    for a, b, c in zip(seq1, seq2, seq3, strict=True):
        assert_array_equal(a, b)
        assert_array_equal(a, c)


def test_fit_transform_is_fit_then_first_transform(X_unit):
    direct = NoiseInjector(random_state=3).fit_transform(X_unit)
    injector = NoiseInjector(random_state=3).fit(X_unit)
    assert_array_equal(direct, injector.transform(X_unit))


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_different_random_state_gives_different_draws(kind, X_unit):
    a = _fit_transform(X_unit, kind=kind, noise_factor=0.3, random_state=0)
    b = _fit_transform(X_unit, kind=kind, noise_factor=0.3, random_state=1)
    assert not np.array_equal(a, b)


def test_random_state_instance_is_reproducible(X_unit):
    a = _fit_transform(X_unit, random_state=np.random.RandomState(11))
    b = _fit_transform(X_unit, random_state=np.random.RandomState(11))
    assert_array_equal(a, b)


def test_no_random_state_draws_differently_on_each_fit(X_unit):
    a = NoiseInjector().fit_transform(X_unit)
    b = NoiseInjector().fit_transform(X_unit)
    assert not np.array_equal(a, b)


def test_rows_get_independent_noise():
    """Identical rows get different noise (the draw is per entry, not per row)."""
    X = np.full((N, D), 0.5)
    out = _fit_transform(X, kind="masking", noise_factor=0.5)
    assert len({row.tobytes() for row in out}) > N * 0.99


# ---------------------------------------------------------------------- image inputs


@pytest.mark.parametrize("kind", NOISE_KINDS)
@pytest.mark.parametrize("shape", [(40, 8, 8), (40, 8, 6, 3)])
def test_image_arrays_are_accepted_and_keep_their_shape(kind, shape):
    X = np.random.default_rng(0).uniform(0.1, 0.9, size=shape).astype(np.float32)
    injector = NoiseInjector(kind, 0.3, random_state=0).fit(X)
    out = injector.transform(X)
    assert out.shape == shape
    assert out.dtype == np.float32
    assert not np.array_equal(out, X)
    assert injector.n_features_in_ == shape[1]


@pytest.mark.parametrize(
    "fit_shape, transform_shape",
    [
        ((10, 8, 8), (10, 8, 9)),
        ((10, 8, 8), (10, 8)),
        ((10, 8, 8), (10, 8, 8, 1)),
        ((10, 8, 8, 3), (10, 8, 8, 1)),
        ((10, 64), (10, 8, 8)),
    ],
)
def test_transform_with_another_sample_shape_raises(fit_shape, transform_shape):
    injector = NoiseInjector(random_state=0).fit(np.ones(fit_shape))
    with pytest.raises(ValueError, match="shape|features"):
        injector.transform(np.ones(transform_shape))


# ------------------------------------------------------------------ parameter checks


@pytest.mark.parametrize(
    "params, name",
    [
        ({"noise_factor": -0.1}, "noise_factor"),
        ({"noise_factor": -1, "kind": "block"}, "noise_factor"),
        ({"noise_factor": "high"}, "noise_factor"),
        ({"kind": "poisson"}, "kind"),
        ({"kind": "Gaussian"}, "kind"),
        ({"kind": "masking", "noise_factor": 1.5}, "noise_factor"),
        ({"kind": "salt_pepper", "noise_factor": 2}, "noise_factor"),
        ({"clip": (1, 0)}, "clip"),
        ({"clip": (0.5, 0.5)}, "clip"),
        ({"clip": (0,)}, "clip"),
        ({"clip": (0, 1, 2)}, "clip"),
        ({"clip": 1.0}, "clip"),
        ({"image_shape": (5,)}, "image_shape"),
        ({"image_shape": (5, 5, 1, 1)}, "image_shape"),
        ({"image_shape": (0, 25)}, "image_shape"),
        ({"image_shape": (5, -5)}, "image_shape"),
        ({"image_shape": (2.5, 10)}, "image_shape"),
        ({"image_shape": 25}, "image_shape"),
        ({"random_state": "seed"}, "random_state"),
    ],
)
def test_invalid_parameters_raise_value_error_naming_them(params, name):
    X = np.ones((10, 25))
    injector = NoiseInjector(**params)
    with pytest.raises(ValueError, match=f"'{name}'"):
        injector.fit(X)
    with pytest.raises(ValueError, match=f"'{name}'"):
        injector.as_layer(seed=0)


def test_non_numeric_clip_is_rejected_at_fit():
    with pytest.raises(ValueError, match="'clip'"):
        NoiseInjector(clip=("a", "b")).fit(np.ones((10, 25)))


def test_block_and_gaussian_accept_noise_factor_above_one():
    """Above one, block's factor is a length in features and gaussian's a std."""
    X = np.ones((400, 25))
    block = NoiseInjector("block", 3, random_state=0).fit_transform(X)
    assert_array_equal((block == 0).sum(axis=1), 3)  # a run of 3 features each
    gaussian = NoiseInjector("gaussian", 3, random_state=0).fit_transform(X)
    assert np.std(gaussian - X) == pytest.approx(3, rel=0.05)


@pytest.mark.parametrize("image_shape", [(4, 4), (5, 5, 2), [6, 4]])
def test_image_shape_not_matching_n_features_raises(image_shape):
    with pytest.raises(ValueError, match="image_shape"):
        NoiseInjector("block", 2, image_shape=image_shape).fit(np.ones((10, 25)))


def test_image_shape_as_list_is_accepted():
    X = np.ones((30, 24))
    out = _fit_transform(X, kind="block", noise_factor=2, image_shape=[6, 4])
    _assert_one_square_per_sample((out == 0).reshape(-1, 6, 4), side=2)


def test_parameters_are_not_validated_or_changed_in_init():
    injector = NoiseInjector(kind="nope", noise_factor=-1, clip=[1, 0])
    assert injector.kind == "nope"
    assert injector.noise_factor == -1
    assert injector.clip == [1, 0]


# ---------------------------------------------------------------------- input checks


def test_transform_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        NoiseInjector().transform(np.ones((5, 3)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", ["fit", "transform"])
def test_nan_or_inf_raise_value_error(bad, method):
    X = np.ones((10, 4))
    X_bad = X.copy()
    X_bad[3, 2] = bad
    injector = NoiseInjector(random_state=0)
    if method == "transform":
        injector.fit(X)
    with pytest.raises(ValueError, match="NaN|infinity"):
        getattr(injector, method)(X_bad)


def test_wrong_feature_count_at_transform_raises():
    injector = NoiseInjector(random_state=0).fit(np.ones((10, 5)))
    with pytest.raises(ValueError, match="features"):
        injector.transform(np.ones((10, 6)))


def test_non_numeric_and_empty_input_raise_value_error():
    with pytest.raises(ValueError):
        NoiseInjector().fit(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(ValueError):
        NoiseInjector().fit(np.ones((0, 4)))


def test_corrupt_raises_on_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        corrupt(np.ones((3, 4), dtype="float32"), kind="speckle", seed=0)


def test_corrupt_int_seed_repeats_and_seed_generator_renews():
    x = np.full((50, 20), 0.5, dtype="float32")
    a = keras.ops.convert_to_numpy(corrupt(x, kind="masking", seed=3))
    b = keras.ops.convert_to_numpy(corrupt(x, kind="masking", seed=3))
    assert_array_equal(a, b)
    gen = keras.random.SeedGenerator(3)
    c = keras.ops.convert_to_numpy(corrupt(x, kind="masking", seed=gen))
    d = keras.ops.convert_to_numpy(corrupt(x, kind="masking", seed=gen))
    assert not np.array_equal(c, d)
    assert c.dtype == np.float32


# ------------------------------------------------------------------------ NoiseLayer


@pytest.fixture
def x25():
    return np.random.default_rng(0).uniform(0.1, 0.9, size=(64, 25)).astype("float32")


LAYER_PARAMS = {
    "gaussian": {"noise_factor": 0.5, "loc": 0.5},
    "masking": {"noise_factor": 0.3},
    "salt_pepper": {"noise_factor": 0.3},
    "block": {"noise_factor": 3, "image_shape": (5, 5)},
    "swap": {"noise_factor": 0.3},
}


def _layer(kind, **extra):
    params = {**LAYER_PARAMS[kind], **extra}
    return NoiseInjector(kind, **params).as_layer(seed=0)


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_layer_is_identity_at_inference(kind, x25):
    layer = _layer(kind)
    assert isinstance(layer, NoiseLayer)
    assert layer.name == "noise"
    assert_array_equal(keras.ops.convert_to_numpy(layer(x25)), x25)
    assert_array_equal(keras.ops.convert_to_numpy(layer(x25, training=False)), x25)


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_layer_corrupts_in_training_with_fresh_draws(kind, x25):
    layer = _layer(kind)
    first = keras.ops.convert_to_numpy(layer(x25, training=True))
    second = keras.ops.convert_to_numpy(layer(x25, training=True))
    assert first.shape == x25.shape and first.dtype == np.float32
    assert not np.array_equal(first, x25)
    assert not np.array_equal(second, x25)
    assert not np.array_equal(first, second)


def test_layer_seed_makes_draws_reproducible(x25):
    a = _layer("masking")(x25, training=True)
    b = _layer("masking")(x25, training=True)
    assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


def test_as_layer_seed_defaults_to_random_state():
    assert NoiseInjector(random_state=7).as_layer().seed == 7
    layer = NoiseInjector(random_state=np.random.RandomState(0)).as_layer()
    assert isinstance(layer.seed, int)


def test_layer_inactive_is_identity_in_training(x25):
    layer = _layer("gaussian")
    layer.active = False
    assert_array_equal(keras.ops.convert_to_numpy(layer(x25, training=True)), x25)
    layer.active = True
    corrupted = keras.ops.convert_to_numpy(layer(x25, training=True))
    assert not np.array_equal(corrupted, x25)


def test_layer_active_switch_is_in_its_config(x25):
    layer = NoiseInjector("masking", 0.5).as_layer(seed=0)
    assert layer.active is True and layer.get_config()["active"] is True
    layer.active = False
    config = layer.get_config()
    assert config["active"] is False
    restored = NoiseLayer.from_config(config)
    assert restored.active is False
    assert_array_equal(keras.ops.convert_to_numpy(restored(x25, training=True)), x25)
    restored.active = True
    assert not np.array_equal(
        keras.ops.convert_to_numpy(restored(x25, training=True)), x25
    )


def test_layer_switch_takes_effect_in_a_new_train_step():
    """The switch is read when the step is traced: flipping it between two fits
    of one model, with a new train function each time, changes the loss."""
    clean = np.full((256, 25), 0.5, dtype="float32")
    inputs = keras.Input(shape=(25,))
    layer = NoiseInjector("masking", 0.3).as_layer(seed=0)
    dense = keras.layers.Dense(25, use_bias=False, kernel_initializer="identity")
    model = keras.Model(inputs, dense(layer(inputs)))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    noisy = model.fit(clean, clean, epochs=1, batch_size=64, verbose=0)
    layer.active = False
    model.make_train_function(force=True)
    off = model.fit(clean, clean, epochs=1, batch_size=64, verbose=0)
    layer.active = True
    model.make_train_function(force=True)
    on = model.fit(clean, clean, epochs=1, batch_size=64, verbose=0)
    assert_allclose(noisy.history["loss"], 0.3 * 0.25, rtol=0.1)
    assert off.history["loss"] == [pytest.approx(0.0, abs=1e-12)]
    assert_allclose(on.history["loss"], 0.3 * 0.25, rtol=0.1)


def test_corruption_is_the_one_definition_of_the_parameters():
    names = Corruption.names()
    assert names == ("kind", "noise_factor", "loc", "clip", "image_shape")
    params = NoiseInjector().get_params()
    assert set(names) <= set(params)
    # the defaults agree with the transformer's
    assert Corruption().params() == {name: params[name] for name in names}
    injector = NoiseInjector("block", 2, loc=1, clip=[0, 1], image_shape=[5, 5])
    corruption = injector.corruption()
    assert corruption == Corruption("block", 2.0, 1.0, (0.0, 1.0), (5, 5))
    assert corruption.config() == {
        "kind": "block",
        "noise_factor": 2.0,
        "loc": 1.0,
        "clip": [0.0, 1.0],
        "image_shape": [5, 5],
    }
    layer = injector.as_layer(seed=0)
    assert layer.corruption == corruption
    assert {k: layer.get_config()[k] for k in names} == corruption.config()
    with pytest.raises(ValueError, match="noise_factor"):
        NoiseInjector("masking", 2.0).corruption()  # validated


def test_corrupt_array_is_transforms_draw_for_a_given_seed():
    X = np.full((50, 25), 0.5)
    X_copy = X.copy()
    injector = NoiseInjector("gaussian", 0.3, random_state=0)
    expected = injector.fit_transform(X)
    first_seed = draw_seed(np.random.default_rng(seed_from(0)))
    noisy = corrupt_array(X, injector.corruption(), first_seed)
    assert noisy.dtype == X.dtype
    assert_array_equal(noisy, expected)
    assert_array_equal(corrupt_array(X, injector.corruption(), first_seed), noisy)
    assert_array_equal(X, X_copy)


def test_seeds_are_drawn_and_offset_in_int32_range():
    rng = np.random.default_rng(0)
    seeds = [draw_seed(rng) for _ in range(100)]
    assert all(isinstance(s, int) and 0 <= s < MAX_SEED for s in seeds)
    assert MAX_SEED == 2**31 - 1
    assert offset_seed(5, 3) == 8
    assert offset_seed(MAX_SEED - 1, 2) == 1
    assert seed_from(7) == 7
    assert 0 <= seed_from(np.random.RandomState(0)) < MAX_SEED


def test_array_batches_corrupt_each_batch_with_the_offset_seed():
    X = np.zeros((10, 3), dtype="float32")
    seen = []

    def record(inputs, seed):
        seen.append(seed)
        return inputs

    batches = ArrayBatches(
        X, batch_size=4, sample_shape=(3,), seed=MAX_SEED - 1, corrupt=record
    )
    for index in range(len(batches)):
        batches[index]
    assert (
        seen
        == [offset_seed(MAX_SEED - 1, i) for i in range(3)]
        == [
            MAX_SEED - 1,
            0,
            1,
        ]
    )


def _assert_same_layer_params(restored, layer):
    assert isinstance(restored, NoiseLayer)
    for attr in ("kind", "noise_factor", "loc", "clip", "image_shape", "seed", "name"):
        assert getattr(restored, attr) == getattr(layer, attr), attr


def test_layer_config_round_trip_keeps_every_parameter():
    injector = NoiseInjector(
        "block", 0.3, loc=0.25, clip=(-1, 2), image_shape=(5, 5, 1), random_state=0
    )
    layer = injector.as_layer(seed=13)
    assert layer.kind == "block"
    assert layer.noise_factor == 0.3 and layer.loc == 0.25
    assert layer.clip == (-1.0, 2.0) and layer.image_shape == (5, 5, 1)
    assert layer.seed == 13

    config = layer.get_config()
    for key in ("kind", "noise_factor", "loc", "clip", "image_shape", "seed"):
        assert key in config, key
    _assert_same_layer_params(NoiseLayer.from_config(config), layer)
    _assert_same_layer_params(
        keras.layers.deserialize(keras.layers.serialize(layer)), layer
    )


def test_layer_config_round_trip_with_none_values():
    layer = NoiseInjector("masking", 0.2).as_layer(seed=1)
    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    _assert_same_layer_params(restored, layer)
    assert restored.clip is None and restored.image_shape is None


def test_model_with_noise_layer_saves_and_loads(tmp_path, x25):
    inputs = keras.Input(shape=(25,))
    hidden = NoiseInjector("masking", 0.4, clip=(0, 1)).as_layer(seed=0)(inputs)
    outputs = keras.layers.Dense(4)(hidden)
    model = keras.Model(inputs, outputs)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)

    noise = loaded.get_layer("noise")
    _assert_same_layer_params(noise, model.get_layer("noise"))
    assert_array_equal(keras.ops.convert_to_numpy(noise(x25)), x25)
    assert_allclose(
        loaded.predict(x25, verbose=0), model.predict(x25, verbose=0), rtol=1e-6
    )
    # still a noise layer when training
    assert not np.array_equal(
        keras.ops.convert_to_numpy(noise(x25, training=True)), x25
    )


def test_model_with_noise_layer_trains_and_predicts_deterministically(x25):
    inputs = keras.Input(shape=(25,))
    hidden = NoiseInjector("gaussian", 0.2).as_layer(seed=0)(inputs)
    model = keras.Model(inputs, keras.layers.Dense(25)(hidden))
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x25, x25, epochs=2, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert_array_equal(model.predict(x25, verbose=0), model.predict(x25, verbose=0))
    training_a = keras.ops.convert_to_numpy(model(x25, training=True))
    training_b = keras.ops.convert_to_numpy(model(x25, training=True))
    assert not np.array_equal(training_a, training_b)


FIT_CASES = {
    # kind: (params, expected MSE between the corrupted and the clean 0.5 input)
    "gaussian": ({"noise_factor": 0.2}, 0.2**2),
    "masking": ({"noise_factor": 0.3}, 0.3 * 0.25),
    "salt_pepper": ({"noise_factor": 0.4}, 0.4 * 0.25),
    "block": ({"noise_factor": 3, "image_shape": (5, 5)}, 9 / 25 * 0.25),
}


@pytest.mark.parametrize("kind", list(FIT_CASES))
def test_layer_corrupts_inside_compiled_fit_and_not_in_evaluate(kind):
    """In model.fit (graph mode) the layer corrupts every batch; evaluate is clean.

    The model is the identity with a frozen learning rate, so the training loss
    is the MSE of the corruption itself and the evaluation loss is zero.
    """
    params, expected = FIT_CASES[kind]
    clean = np.full((512, 25), 0.5, dtype="float32")
    inputs = keras.Input(shape=(25,))
    hidden = NoiseInjector(kind, **params).as_layer(seed=0)(inputs)
    dense = keras.layers.Dense(25, use_bias=False, kernel_initializer="identity")
    model = keras.Model(inputs, dense(hidden))
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    losses = model.fit(clean, clean, epochs=2, batch_size=64, verbose=0)
    losses = losses.history["loss"]
    assert_allclose(losses, expected, rtol=0.05)
    if kind != "block":  # the block loss is the same for every draw
        assert losses[0] != losses[1], "the same noise was drawn in both epochs"
    assert model.evaluate(clean, clean, verbose=0) == pytest.approx(0.0, abs=1e-12)


# ------------------------------------ NumPy transformer vs Keras layer, in distribution


@pytest.fixture(scope="module")
def clean():
    return np.full((4000, 25), 0.5, dtype="float32")


def _both(clean, kind, **params):
    injector = NoiseInjector(kind, random_state=0, **params)
    numpy_out = injector.fit_transform(clean)
    layer_out = keras.ops.convert_to_numpy(
        injector.as_layer(seed=1)(clean, training=True)
    )
    assert numpy_out.shape == layer_out.shape == clean.shape
    assert numpy_out.dtype == layer_out.dtype == np.float32
    return numpy_out, layer_out


def test_transformer_and_layer_agree_gaussian(clean):
    a, b = _both(clean, "gaussian", noise_factor=0.5, loc=0.5)
    noise_a, noise_b = (a - clean).ravel(), (b - clean).ravel()
    assert stats.ks_2samp(noise_a, noise_b).pvalue > 0.001
    for noise in (noise_a, noise_b):
        assert abs(noise.mean() - 0.5) < 0.01
        assert abs(noise.std() - 0.5) < 0.01


def test_transformer_and_layer_agree_gaussian_clipped():
    clean = np.random.default_rng(0).uniform(0, 1, size=(4000, 25)).astype("float32")
    a, b = _both(clean, "gaussian", noise_factor=0.3, clip=(0, 1))
    assert stats.ks_2samp(a.ravel(), b.ravel()).pvalue > 0.001
    assert abs((a == 0).mean() - (b == 0).mean()) < 0.01
    assert abs((a == 1).mean() - (b == 1).mean()) < 0.01


def test_transformer_and_layer_agree_masking(clean):
    a, b = _both(clean, "masking", noise_factor=0.3)
    for out in (a, b):
        assert set(np.unique(out)) == {0.0, 0.5}
        assert abs((out == 0).mean() - 0.3) < 0.01
    # zeros per sample: Binomial(25, 0.3) for both
    assert stats.ks_2samp((a == 0).sum(1), (b == 0).sum(1)).pvalue > 0.001


def test_transformer_and_layer_agree_salt_pepper(clean):
    a, b = _both(clean, "salt_pepper", noise_factor=0.4, clip=(-1, 1))
    for out in (a, b):
        assert set(np.unique(out)) == {-1.0, 0.5, 1.0}
        assert abs((out == -1).mean() - 0.2) < 0.01
        assert abs((out == 1).mean() - 0.2) < 0.01
    assert stats.ks_2samp(a.sum(1), b.sum(1)).pvalue > 0.001


@pytest.mark.parametrize(
    "noise_factor, image_shape", [(3, (5, 5)), (0.4, None), (6, None)]
)
def test_transformer_and_layer_agree_block(clean, noise_factor, image_shape):
    a, b = _both(clean, "block", noise_factor=noise_factor, image_shape=image_shape)
    zeroed_a, zeroed_b = (a == 0), (b == 0)
    # the same zeroed fraction in every sample
    assert_array_equal(zeroed_a.mean(1), zeroed_b.mean(1))
    assert np.unique(zeroed_a.mean(1)).size == 1
    # the block position (first zeroed feature) is distributed alike
    first_a, first_b = zeroed_a.argmax(1), zeroed_b.argmax(1)
    assert stats.ks_2samp(first_a, first_b).pvalue > 0.001
    assert set(np.unique(first_a)) == set(np.unique(first_b))


def test_transformer_and_layer_agree_swap():
    clean = np.random.default_rng(0).normal(size=(4000, 25)).astype("float32")
    a, b = _both(clean, "swap", noise_factor=0.3)
    for out in (a, b):
        assert abs((out != clean).mean() - 0.3) < 0.01
    # swapped entries per sample: Binomial(25, 0.3) for both
    assert stats.ks_2samp((a != clean).sum(1), (b != clean).sum(1)).pvalue > 0.001
    assert stats.ks_2samp(a.ravel(), b.ravel()).pvalue > 0.001


# ---------------------------------------------------------------------------- pandas


def test_set_output_pandas_keeps_column_names():
    pd = pytest.importorskip("pandas")
    columns = [f"pixel_{i}" for i in range(6)]
    df = pd.DataFrame(
        np.random.default_rng(0).uniform(size=(30, 6)),
        columns=columns,
        index=range(100, 130),
    )
    injector = NoiseInjector("masking", 0.5, random_state=0).set_output(
        transform="pandas"
    )
    out = injector.fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == columns
    assert list(out.index) == list(df.index)
    assert list(injector.get_feature_names_out()) == columns
    assert list(injector.feature_names_in_) == columns
    assert (out.to_numpy() == 0).any()
    assert not (df.to_numpy() == 0).any()  # the input frame is untouched
    # a frame with other column names is rejected
    with pytest.raises(ValueError, match="feature names"):
        injector.transform(df.rename(columns={"pixel_0": "other"}))


def test_get_feature_names_out_without_names():
    injector = NoiseInjector(random_state=0).fit(np.ones((5, 3)))
    assert list(injector.get_feature_names_out()) == ["x0", "x1", "x2"]
