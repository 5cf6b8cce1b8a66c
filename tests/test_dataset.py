"""Fitting from a keras.utils.PyDataset: batches read as they come, never all."""

from functools import partial

import keras
import numpy as np
import pytest
from conftest import make_autoencoder, memory_bound_off_torch, memory_mb

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = [pytest.mark.jax, pytest.mark.torch]


class Batches(keras.utils.PyDataset):
    """Consecutive batches of an array, or of (noisy, clean) arrays."""

    def __init__(self, X, batch_size, clean=None, **kwargs):
        super().__init__(**kwargs)
        self.X, self.clean, self.batch_size = X, clean, batch_size
        self.epochs_ended = 0

    def __len__(self):
        return -(-len(self.X) // self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self.clean is None:
            return self.X[rows]
        return self.X[rows], self.clean[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1


class RandomBatches(keras.utils.PyDataset):
    """Batches made on request: the dataset as a whole never exists in memory."""

    def __init__(self, n_batches, batch_size, n_features):
        super().__init__()
        self.n_batches, self.shape = n_batches, (batch_size, n_features)

    def __len__(self):
        return self.n_batches

    def __getitem__(self, index):
        return np.random.default_rng(index).random(self.shape, dtype=np.float32)


small = partial(make_autoencoder, batch_size=64, shuffle=False)


@pytest.mark.parametrize("cls", [DenoisingAutoencoder, ConvDenoisingAutoencoder])
def test_a_dataset_of_the_arrays_batches_trains_the_same_model(cls, digits):
    X = digits[0][:300]
    if cls is ConvDenoisingAutoencoder:
        X = X.reshape(-1, 8, 8)
    from_array = small(cls).fit(X)
    dataset = Batches(X, 64)
    from_dataset = small(cls).fit(dataset)
    assert from_dataset.loss_curve_ == from_array.loss_curve_
    np.testing.assert_array_equal(from_dataset.denoise(X), from_array.denoise(X))
    assert from_dataset.n_features_in_ == 64
    assert from_dataset.sample_shape_ == from_array.sample_shape_
    assert from_dataset.output_activation_ == "sigmoid"  # read from every batch
    assert dataset.epochs_ended >= 2  # Keras calls it: the dataset can reshuffle


def test_a_dataset_of_pairs_trains_noisy_to_clean_without_corruption(digits):
    X = digits[0][:300]
    noisy = np.clip(X + np.random.default_rng(0).normal(0, 0.3, X.shape), 0, 1)
    dae = small().fit(Batches(noisy, 64, clean=X))
    assert not dae.model_.get_layer("noise").active
    expected = small().fit(noisy, clean=X)
    np.testing.assert_allclose(dae.loss_curve_, expected.loss_curve_, rtol=1e-6)


def test_partial_fit_continues_on_a_dataset(digits):
    dataset = Batches(digits[0][:256], 64)
    dae = small().partial_fit(dataset)
    dae.partial_fit(dataset)
    assert dae.n_iter_ == 2


@memory_bound_off_torch
def test_fit_from_a_dataset_larger_than_the_memory_it_takes():
    dataset = RandomBatches(n_batches=100, batch_size=1024, n_features=784)  # 321 MB
    dae = DenoisingAutoencoder(
        (32,), epochs=1, batch_size=1024, random_state=0, output_activation="sigmoid"
    )
    # Two warm-up fits: the first fits of a process grow its caches (compiled
    # functions, allocator arenas) by a fixed 5-120 MB whatever the data's size
    # (measured 2026-11-29 on JAX: +120 MB, then +20 MB, then +3 to +5 MB a fit,
    # for 2 batches and for 100 alike), which is not what this test measures.
    for _ in range(2):
        dae.fit(RandomBatches(n_batches=2, batch_size=1024, n_features=784))
    before = memory_mb("RssAnon")
    dae.fit(dataset)
    growth = memory_mb("RssAnon") - before
    assert growth < 40, f"fitting 321 MB of batches took {growth:.0f} MB of memory"
    assert dae.n_iter_ == 1


@pytest.mark.parametrize(
    ("kwargs", "fit_kwargs", "message"),
    [
        ({"validation_split": 0.2}, {}, "validation_split needs an array"),
        ({}, {"clean": np.zeros((64, 64))}, "clean cannot be given with a PyDataset"),
    ],
)
def test_array_only_options_are_refused_with_a_dataset(
    kwargs, fit_kwargs, message, digits
):
    with pytest.raises(ValueError, match=message):
        small(**kwargs).fit(Batches(digits[0][:128], 64), **fit_kwargs)


def test_a_batch_of_the_wrong_size_is_named():
    class Ragged(Batches):
        def __getitem__(self, index):
            return self.X[:64] if index == 0 else self.X[:64, :10]

    with pytest.raises(ValueError, match="Batch 1 of the dataset has samples"):
        small().fit(Ragged(np.zeros((128, 64), "float32"), 64))


def test_a_batch_with_sample_weights_is_refused(digits):
    class Weighted(Batches):
        def __getitem__(self, index):
            return self.X[:64], self.X[:64], np.ones(64)

    with pytest.raises(ValueError, match="sample weights are not supported"):
        small().fit(Weighted(digits[0][:128], 64))


def test_initialize_from_a_dataset_builds_what_fit_would(digits):
    X = digits[0][:256]
    initialized = small().initialize(Batches(X, 64))
    assert initialized.n_features_in_ == 64
    assert initialized.output_activation_ == "sigmoid"  # read from every batch
    frozen = small(epochs=1, optimizer__learning_rate=0.0).fit(Batches(X, 64))
    np.testing.assert_allclose(
        initialized.denoise(X[:20]), frozen.denoise(X[:20]), rtol=1e-6, atol=1e-6
    )


def test_evenly_spaced_rows_spread_over_the_table():
    from skdae._data import evenly_spaced_rows

    np.testing.assert_array_equal(evenly_spaced_rows(10, 4), [0, 3, 6, 9])
    np.testing.assert_array_equal(evenly_spaced_rows(3, 10), [0, 1, 2])
    rows = evenly_spaced_rows(100_001, 50_000)
    assert len(rows) == 50_000 and rows[0] == 0 and rows[-1] == 100_000
