"""Benchmark data: Fashion-MNIST through keras.datasets, offline here.

Import this module before Keras. When KERAS_HOME is not set and
``<repo>/../shared/data/keras/datasets`` exists, it is copied into a temporary,
writable KERAS_HOME (Keras reads that variable once, on import), so
``keras.datasets.fashion_mnist.load_data()`` reads the copy instead of
downloading; a user with internet and no such folder gets Keras' own download.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _use_shared_keras_cache() -> None:
    source = SHARED_DATA / "keras" / "datasets"
    if "KERAS_HOME" in os.environ or not source.is_dir():
        return
    home = Path(tempfile.mkdtemp(prefix="skdae-keras-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    shutil.copytree(source, home / "datasets", copy_function=shutil.copyfile)
    os.environ["KERAS_HOME"] = str(home)


_use_shared_keras_cache()


def load_fashion_mnist() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test); images float32 in [0, 1], (n, 28, 28)."""
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    return (
        (x_train / 255).astype("float32"),
        y_train,
        (x_test / 255).astype("float32"),
        y_test,
    )
