"""Shared fixtures: small data (digits, synthetic) so the suite stays fast."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402


@pytest.fixture(scope="session")
def digits():
    """Digits scaled to [0, 1]: (X of shape (1797, 64), y)."""
    data = load_digits()
    return (data.data / 16).astype(np.float32), data.target


@pytest.fixture(scope="session")
def digit_images(digits):
    """Digits as (n, 8, 8) grayscale images in [0, 1]."""
    return digits[0].reshape(-1, 8, 8)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def memmap_rows(tmp_path):
    """A read-only memory map of 20000 random rows of 784 float32 (60 MB on disk)."""
    path = tmp_path / "X.npy"
    X = np.lib.format.open_memmap(path, mode="w+", dtype="float32", shape=(20000, 784))
    for start in range(0, len(X), 5000):
        X[start : start + 5000] = np.random.default_rng(start).random((5000, 784))
    X.flush()
    del X
    return np.load(path, mmap_mode="r")
