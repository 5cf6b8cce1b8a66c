"""Data-parallel TensorFlow fits read in-memory arrays from one tensor.

ArrayBatches.tf_dataset serves them; test_scale_out.py's two-device test fits
through it end to end.
"""

import keras
import numpy as np
import pytest
import scipy.sparse as sp
from conftest import make_autoencoder

from skdae import _data
from skdae._data import ArrayBatches

on_tensorflow = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="the tensor feed is TensorFlow's"
)


def batches(X, **kwargs):
    return ArrayBatches(
        X, batch_size=32, sample_shape=X.shape[1:], target=True, **kwargs
    )


def epochs_of(dataset, n_batches, n_epochs):
    """The rows of ``n_epochs`` epochs of a dataset, as a list per epoch."""
    iterator = iter(dataset)
    return [
        np.concatenate([next(iterator)[0].numpy() for _ in range(n_batches)])
        for _ in range(n_epochs)
    ]


@on_tensorflow
def test_every_epoch_serves_distinct_rows_in_a_new_order():
    X = np.random.default_rng(0).random((101, 3)).astype("float32")
    feed = batches(X, shuffle=True, seed=7, multiple_of=2)  # 100 rows an epoch
    epochs = epochs_of(feed.tf_dataset(repeat=True), len(feed), 3)
    known = {tuple(row) for row in X}
    for rows in epochs:
        assert rows.shape == (100, 3)
        assert len({tuple(row) for row in rows}) == 100
        assert {tuple(row) for row in rows} <= known
    assert not np.array_equal(epochs[0], epochs[1])
    again = batches(X, shuffle=True, seed=7, multiple_of=2).tf_dataset(repeat=True)
    np.testing.assert_array_equal(
        np.concatenate(epochs_of(again, len(feed), 3)), np.concatenate(epochs)
    )


@on_tensorflow
def test_the_tensor_feed_keeps_the_rows_trimming_and_validation_corruption():
    X = np.random.default_rng(0).random((101, 3))  # float64, trimmed to 100 rows

    def corrupt(inputs, seed):
        return inputs + seed

    feed = ArrayBatches(
        X,
        batch_size=32,
        sample_shape=(3,),
        target=True,
        indices=np.arange(1, 101),
        seed=5,
        corrupt=corrupt,
        multiple_of=4,
    )
    served = list(feed.tf_dataset(repeat=False))
    assert len(served) == len(feed) == 4
    for index, (inputs, targets) in enumerate(served):
        expected_inputs, expected_targets = feed[index]
        np.testing.assert_allclose(inputs.numpy(), expected_inputs, rtol=1e-6)
        np.testing.assert_array_equal(targets.numpy(), expected_targets)
        assert inputs.dtype == "float32"


@on_tensorflow
def test_only_in_memory_arrays_that_fit_are_fed_from_a_tensor(memmap_rows, monkeypatch):
    X = np.asarray(memmap_rows[:256])
    assert batches(np.array(X)).fits_in_a_tensor()
    assert not batches(X).fits_in_a_tensor()  # a view of a memory map
    assert not batches(sp.csr_matrix(np.array(X))).fits_in_a_tensor()
    monkeypatch.setattr(_data, "TENSOR_FEED_BYTES", X.nbytes - 1)
    assert not batches(np.array(X)).fits_in_a_tensor()


@on_tensorflow
@pytest.mark.parametrize("small_copy_bytes, expected", [(2**26, True), (0, False)])
def test_single_device_fits_read_small_arrays_from_a_tensor(
    small_copy_bytes, expected, monkeypatch
):
    from skdae import _base

    served = []
    original = ArrayBatches.tf_dataset

    def spy(self, *, repeat):
        served.append(repeat)
        return original(self, repeat=repeat)

    monkeypatch.setattr(ArrayBatches, "tf_dataset", spy)
    monkeypatch.setattr(_base, "SMALL_TENSOR_FEED_BYTES", small_copy_bytes)
    X = np.random.default_rng(0).random((64, 5)).astype(np.float32)
    dae = make_autoencoder(hidden_layer_sizes=(4,), epochs=2, batch_size=16).fit(X)
    assert bool(served) is expected
    assert len(dae.history_["loss"]) == 2
    assert np.isfinite(dae.history_["loss"]).all()
