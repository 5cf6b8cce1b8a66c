"""Data and run size shared by the gallery examples (not an example itself).

Import this module *before* Keras (``import _datasets`` comes first in every
example): when ``KERAS_HOME`` is not set and the project's shared data folder
(``<repo>/../shared/data``) holds Keras' datasets, it copies them into a temporary
``KERAS_HOME``, so ``keras.datasets.fashion_mnist.load_data()`` works offline.
Otherwise Keras downloads the data to ``~/.keras`` as usual.

``SKDAE_QUICK=1`` in the environment (set by the docs build in CI and by the
tests) makes every example run on small subsets for one or two epochs.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

#: True when the examples should run in quick mode (``SKDAE_QUICK=1``).
QUICK = os.environ.get("SKDAE_QUICK", "") not in ("", "0")

#: The project's shared data folder, beside the repository.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def quick(full, small):
    """``small`` in quick mode, else ``full``."""
    return small if QUICK else full


def _offline_keras_home() -> None:
    if "KERAS_HOME" in os.environ:
        return
    source = SHARED_DATA / "keras" / "datasets"
    if not source.is_dir():
        return
    if "keras" in sys.modules:
        warnings.warn(
            "Keras was imported before _datasets, so it will not see the copy of "
            f"{source}; import _datasets first.",
            stacklevel=3,
        )
    home = Path(tempfile.mkdtemp(prefix="skdae-keras-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for path in source.rglob("*"):
        if path.is_file():
            target = home / "datasets" / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)  # data only: the copies stay writable
    os.environ["KERAS_HOME"] = str(home)


_offline_keras_home()


def load_fashion_mnist(n_train=None, n_test=None):
    """Fashion-MNIST as float32 images in [0, 1], shape (n, 28, 28).

    Parameters
    ----------
    n_train, n_test : int or None
        Keep the first ``n`` images of each split (all of them when None).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
    """
    (x_train, y_train), (x_test, y_test) = _fashion_mnist()
    x_train = (x_train[:n_train] / 255).astype(np.float32)
    x_test = (x_test[:n_test] / 255).astype(np.float32)
    return (x_train, y_train[:n_train]), (x_test, y_test[:n_test])


@functools.cache
def _fashion_mnist():
    """The uint8 arrays, read once per process (the gallery runs in one)."""
    import keras

    return keras.datasets.fashion_mnist.load_data()
