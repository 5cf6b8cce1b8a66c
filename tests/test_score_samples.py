"""score_samples: the per-sample reconstruction score of both autoencoders."""

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import memory_mb
from sklearn.exceptions import NotFittedError
from sklearn.metrics import roc_auc_score

from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder

# Also run by CI on the other Keras backends (see .ci/run).
pytestmark = pytest.mark.torch

FAST = {"epochs": 2, "batch_size": 64, "random_state": 0}


@pytest.fixture(scope="module")
def dense(digits):
    return DenoisingAutoencoder(hidden_layer_sizes=(16,), **FAST).fit(digits[0])


@pytest.fixture(scope="module")
def conv(digit_images):
    return ConvDenoisingAutoencoder(filters=(4, 2), **FAST).fit(digit_images)


def test_score_is_exactly_the_mean_of_score_samples(dense, conv, digits, digit_images):
    X = digits[0][:300]
    assert dense.score(X) == dense.score_samples(X).mean()
    assert conv.score(digit_images) == conv.score_samples(digit_images).mean()
    assert isinstance(dense.score(X), float)


def test_score_samples_is_minus_the_mean_squared_error_per_sample(dense, digits):
    X = digits[0][:300]
    scores = dense.score_samples(X)
    expected = -np.mean((X.astype(np.float64) - dense.denoise(X)) ** 2, axis=1)
    assert scores.shape == (300,)
    assert scores.dtype == np.float64
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
    assert np.all(scores <= 0)


def test_conv_score_samples_keeps_one_score_per_image(conv, digit_images):
    images = digit_images[:50]
    scores = conv.score_samples(images)
    squared_error = (images.astype(np.float64) - conv.denoise(images)) ** 2
    np.testing.assert_allclose(scores, -squared_error.mean(axis=(1, 2)), rtol=1e-6)
    flat = conv.score_samples(images.reshape(50, 8, 8, 1))
    np.testing.assert_allclose(flat, scores)


def test_score_samples_does_not_depend_on_the_batching(rng):
    # 784 features: X spans several inference batches, with a short last one.
    X = rng.random((3000, 784), dtype=np.float32)
    dae = DenoisingAutoencoder(hidden_layer_sizes=(8,), epochs=1, random_state=0)
    reference = dae.fit(X[:300]).score_samples(X)
    piecewise = np.concatenate(
        [dae.score_samples(X[start : start + 700]) for start in range(0, 3000, 700)]
    )
    np.testing.assert_allclose(piecewise, reference, rtol=1e-5)
    np.testing.assert_allclose(
        dae.set_params(batch_size=7).score_samples(X), reference, rtol=1e-5
    )


def test_sparse_and_memmap_input_score_as_dense(dense, digits, tmp_path):
    X = digits[0][:200]
    reference = dense.score_samples(X)
    np.testing.assert_allclose(dense.score_samples(sp.csr_matrix(X)), reference)
    path = tmp_path / "X.npy"
    np.save(path, X)
    np.testing.assert_allclose(
        dense.score_samples(np.load(path, mmap_mode="r")), reference
    )


def test_score_samples_of_a_memmap_keeps_no_whole_reconstruction(memmap_rows):
    X = memmap_rows
    dae = DenoisingAutoencoder(hidden_layer_sizes=(8,), epochs=1, batch_size=256)
    dae.fit(X[:512])
    for _ in range(2):  # warm up the compiled predict step and its caches
        dae.score_samples(X[:512])
    before = memory_mb("RssAnon")
    scores = dae.score_samples(X)
    growth = memory_mb("RssAnon") - before
    assert scores.shape == (20000,)
    # A whole float32 reconstruction alone would be 60 MB.
    assert growth < 20, f"scoring a 60 MB memmap took {growth:.0f} MB of memory"


def test_typical_samples_score_higher(digits):
    X, y = digits
    dae = DenoisingAutoencoder(hidden_layer_sizes=(32, 8), epochs=20, random_state=0)
    dae.fit(X[y == 0])
    assert roc_auc_score(y == 0, dae.score_samples(X)) > 0.95


def test_score_samples_checks_fit_and_input(dense, digits):
    with pytest.raises(NotFittedError):
        DenoisingAutoencoder().score_samples(digits[0])
    with pytest.raises(ValueError, match="X has 10 features"):
        dense.score_samples(digits[0][:, :10])
    bad = digits[0][:5].copy()
    bad[0, 0] = np.inf  # NaN is a missing entry (tests/test_missing.py)
    with pytest.raises(ValueError, match="infinity"):
        dense.score_samples(bad)
