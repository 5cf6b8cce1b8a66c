"""Benchmark data: Fashion-MNIST and MNIST through keras.datasets, offline here.

``../shared/data/keras/datasets`` (beside the repository) is copied into a
temporary, writable KERAS_HOME when KERAS_HOME is not set, so
``keras.datasets.fashion_mnist.load_data()`` reads it instead of downloading; a
user with internet and no such folder gets Keras' own download.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def use_shared_keras_cache() -> None:
    """Point KERAS_HOME at a writable copy of the shared Keras dataset cache."""
    source = SHARED_DATA / "keras" / "datasets"
    if "KERAS_HOME" in os.environ or not source.is_dir():
        return
    home = Path(tempfile.mkdtemp(prefix="skdae-keras-home-"))
    shutil.copytree(source, home / "datasets")
    os.environ["KERAS_HOME"] = str(home)


def load_fashion_mnist() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test), images as float32 in [0, 1], (n, 28, 28)."""
    use_shared_keras_cache()
    import keras  # after KERAS_HOME is set: Keras reads it on import

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    return (
        (x_train / 255).astype("float32"),
        y_train,
        (x_test / 255).astype("float32"),
        y_test,
    )
