"""Fashion-MNIST for the benchmarks: offline when the project's data folder has it.

Import this module before Keras. When ``KERAS_HOME`` is not set and the project's
shared data folder (``<repo>/../shared/data/keras/datasets``) exists, its files are
copied into a temporary ``KERAS_HOME`` (removed at exit), so
``keras.datasets.fashion_mnist.load_data()`` reads them instead of downloading.
Child processes inherit ``KERAS_HOME`` and so read the same copy.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Keras' datasets in the project's shared data folder, beside the repository.
SHARED_DATASETS = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "keras" / "datasets"
)


def use_offline_copy() -> Path | None:
    """Point ``KERAS_HOME`` at a temporary copy of the shared datasets.

    Returns
    -------
    Path or None
        The temporary ``KERAS_HOME``, or None when ``KERAS_HOME`` was already set
        or the shared folder does not exist (Keras then downloads as usual).
    """
    if "KERAS_HOME" in os.environ or not SHARED_DATASETS.is_dir():
        return None
    if "keras" in sys.modules:
        warnings.warn(
            "Keras was imported before benchmarks/fmnist.py, so it will not see the "
            f"copy of {SHARED_DATASETS}.",
            stacklevel=2,
        )
    home = Path(tempfile.mkdtemp(prefix="skdae-bench-keras-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for path in SHARED_DATASETS.rglob("*"):
        if path.is_file():
            target = home / "datasets" / path.relative_to(SHARED_DATASETS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)  # data only: the copies stay writable
    os.environ["KERAS_HOME"] = str(home)
    return home


use_offline_copy()


@dataclass
class FashionMNIST:
    """The images as float32 in [0, 1], shape (n, 28, 28), with their labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _to_unit_float32(images: np.ndarray) -> np.ndarray:
    """uint8 images to float32 in [0, 1], without a float64 temporary."""
    out = images.astype(np.float32)
    out /= 255
    return out


def load(
    n_train: int | None = None, n_test: int | None = None, *, seed: int = 0
) -> FashionMNIST:
    """Load Fashion-MNIST, or a random subset of it.

    Parameters
    ----------
    n_train, n_test : int or None, default=None
        Number of images kept from each split, drawn at random (without
        replacement, in their original order); all of them when None.
    seed : int, default=0
        Seed of the subset draw.

    Returns
    -------
    FashionMNIST
        Float32 images in [0, 1] of shape (n, 28, 28) and uint8 labels.
    """
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    rng = np.random.default_rng(seed)

    def subset(n_kept: int | None, n_total: int) -> np.ndarray | slice:
        if n_kept is None or n_kept >= n_total:
            return slice(None)
        return np.sort(rng.choice(n_total, size=n_kept, replace=False))

    train_rows = subset(n_train, len(x_train))
    test_rows = subset(n_test, len(x_test))
    data = FashionMNIST(
        x_train=_to_unit_float32(x_train[train_rows]),
        y_train=np.array(y_train[train_rows]),
        x_test=_to_unit_float32(x_test[test_rows]),
        y_test=np.array(y_test[test_rows]),
    )
    del x_train, x_test
    gc.collect()
    return data
