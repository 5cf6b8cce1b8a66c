"""Missing entries (NaN) in the autoencoders: training, inference, the masked loss."""

from functools import partial

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_autoencoder
from sklearn.utils import get_tags

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder, NoiseInjector
from skdae.missing import (
    FillMissing,
    MaskedMeanSquaredError,
    fill_missing,
    masked_loss,
    nan_target_stats,
)

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = [pytest.mark.jax, pytest.mark.torch]


small = partial(make_autoencoder, hidden_layer_sizes=(8,))


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    X = rng.random((96, 6)).astype("float32")
    holes = X.copy()
    holes[rng.random(X.shape) < 0.25] = np.nan
    holes[3] = np.nan  # a row with no observed entry
    return X, holes


@pytest.fixture(scope="module")
def fitted(table):
    return small().fit(table[1])


def test_tags_allow_nan():
    assert get_tags(DenoisingAutoencoder()).input_tags.allow_nan
    assert get_tags(ConvDenoisingAutoencoder()).input_tags.allow_nan


def test_fit_on_missing_entries_trains_a_finite_model(fitted, table):
    _, holes = table
    before = holes.copy()
    assert np.isfinite(fitted.history_["loss"]).all()
    for out in (fitted.transform(holes), fitted.denoise(holes)):
        assert np.isfinite(out).all()
    codes = fitted.transform(holes)
    assert np.isfinite(fitted.inverse_transform(codes)).all()
    np.testing.assert_array_equal(holes, before)  # input never modified


def test_infinity_is_still_an_error(fitted, table):
    X = table[0].copy()
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        small().fit(X)
    with pytest.raises(ValueError, match="infinity"):
        fitted.transform(X)


def test_missing_entry_is_seen_as_a_masked_one(fitted, table):
    """A NaN enters the network as 0: what masking noise writes."""
    _, holes = table
    np.testing.assert_allclose(
        fitted.denoise(holes), fitted.denoise(np.nan_to_num(holes, nan=0.0))
    )
    np.testing.assert_allclose(
        fitted.transform(holes), fitted.transform(np.nan_to_num(holes, nan=0.0))
    )


def test_score_samples_is_the_error_over_observed_entries(fitted, table):
    _, holes = table
    scores = fitted.score_samples(holes)
    reconstruction = fitted.denoise(holes).astype(np.float64)
    errors = (holes.astype(np.float64) - reconstruction) ** 2
    expected = np.zeros(len(holes))  # row 3 has no observed entry: no error
    rows = np.arange(len(holes)) != 3
    expected[rows] = -np.nanmean(errors[rows], axis=1)
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
    assert fitted.score(holes) == pytest.approx(scores.mean())


def test_complete_rows_score_as_before(fitted, table):
    X, _ = table
    reconstruction = fitted.denoise(X).astype(np.float64)
    expected = -np.mean((X - reconstruction) ** 2, axis=1)
    np.testing.assert_allclose(fitted.score_samples(X), expected, rtol=1e-6)


def test_output_bias_starts_at_the_observed_mean(table):
    _, holes = table
    dae = small(output_activation="linear").initialize(holes)
    bias = keras.ops.convert_to_numpy(dae.decoder_.get_layer("reconstruction").bias)
    np.testing.assert_allclose(bias, np.nanmean(holes, axis=0), rtol=1e-5)


def test_all_missing_column_trains(table):
    X = table[1].copy()
    X[:, 2] = np.nan
    dae = small().fit(X)
    assert np.isfinite(dae.denoise(X)).all()


def test_paired_nan_in_clean_means_no_target(table):
    X, holes = table
    noisy = X + 0.1
    dae = small().fit(noisy, clean=holes)
    assert np.isfinite(dae.history_["loss"]).all()
    assert not dae.model_.get_layer("noise").active


def test_sparse_and_memmap_with_missing_entries(table, tmp_path):
    _, holes = table
    sparse = sp.csr_matrix(np.nan_to_num(holes, nan=0.0))
    sparse.data[::7] = np.nan
    dae = small().fit(sparse)
    assert np.isfinite(dae.denoise(sparse)).all()
    path = tmp_path / "x.npy"
    np.save(path, holes)
    mapped = np.load(path, mmap_mode="r")
    dae = small().fit(mapped)
    assert np.isfinite(dae.score_samples(mapped)[:3]).all()


def test_dataset_batches_with_missing_entries(table):
    _, holes = table

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, index):
            return holes[index * 32 : (index + 1) * 32]

    dae = small().fit(Batches())
    assert np.isfinite(dae.history_["loss"]).all()


def test_validation_split_with_missing_entries(table):
    dae = small(validation_split=0.25, noise=NoiseInjector(kind="masking")).fit(
        table[1]
    )
    assert np.isfinite(dae.history_["val_loss"]).all()


def test_conv_autoencoder_takes_missing_pixels():
    rng = np.random.default_rng(0)
    images = rng.random((16, 8, 8, 1)).astype("float32")
    images[rng.random(images.shape) < 0.2] = np.nan
    cdae = make_autoencoder(ConvDenoisingAutoencoder, epochs=1).fit(images)
    assert np.isfinite(cdae.history_["loss"]).all()
    assert np.isfinite(cdae.denoise(images)).all()
    assert np.isfinite(cdae.score_samples(images)).all()


# ------------------------------------------------------------------ pieces
def test_masked_mse_equals_mse_on_complete_data():
    rng = np.random.default_rng(1)
    y_true = rng.random((5, 4)).astype("float32")
    y_pred = rng.random((5, 4)).astype("float32")
    masked = float(MaskedMeanSquaredError()(y_true, y_pred))
    plain = float(keras.losses.MeanSquaredError()(y_true, y_pred))
    assert masked == pytest.approx(plain, rel=1e-6)


def test_masked_mse_ignores_missing_targets():
    y_true = np.array([[1.0, np.nan], [np.nan, np.nan]], dtype="float32")
    y_pred = np.array([[3.0, 100.0], [5.0, 5.0]], dtype="float32")
    assert float(MaskedMeanSquaredError()(y_true, y_pred)) == pytest.approx(4.0)
    empty = np.full((2, 2), np.nan, dtype="float32")
    assert float(MaskedMeanSquaredError()(empty, y_pred)) == 0.0


def test_masked_loss_replaces_only_mse():
    assert isinstance(masked_loss("mse"), MaskedMeanSquaredError)
    assert isinstance(masked_loss("mean_squared_error"), MaskedMeanSquaredError)
    assert masked_loss("mae") == "mae"


def test_fill_layer_and_helpers():
    x = np.array([[1.0, np.nan], [np.nan, 2.0]], dtype="float32")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(FillMissing()(x)), [[1.0, 0.0], [0.0, 2.0]]
    )
    layer = FillMissing.from_config(FillMissing(fill_value=3.0).get_config())
    assert layer.fill_value == 3.0
    filled = fill_missing(x)
    assert filled is not x and not np.isnan(filled).any()
    complete = np.ones((2, 2), dtype="float32")
    assert fill_missing(complete) is complete
    low, high, mean = nan_target_stats(x)
    assert (low, high) == (1.0, 2.0)
    np.testing.assert_array_equal(mean, [1.0, 2.0])
    low, high, mean = nan_target_stats(sp.csr_matrix(x))
    np.testing.assert_array_equal(mean, [1.0, 2.0])


def test_model_with_missing_entries_saves_and_loads(fitted, table, tmp_path):
    path = tmp_path / "model.keras"
    fitted.model_.save(path)
    loaded = keras.saving.load_model(path)
    _, holes = table
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(holes[:4])),
        fitted.denoise(holes[:4]),
        rtol=1e-5,
        atol=1e-6,
    )
