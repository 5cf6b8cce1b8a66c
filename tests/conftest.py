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
