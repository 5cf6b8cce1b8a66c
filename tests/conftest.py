"""Shared fixtures: small data (digits, synthetic) so the suite stays fast."""

import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if os.environ.get("KERAS_BACKEND") == "jax":
    # JAX compiles the steps of every new model, and the tests build hundreds of
    # identical tiny ones: with XLA's persistent cache they share compilations
    # (0.5 s of CPU a fit instead of 3). Set JAX_COMPILATION_CACHE_DIR to choose
    # the folder (CI gives each run an empty one).
    os.environ.setdefault(
        "JAX_COMPILATION_CACHE_DIR",
        os.path.join(tempfile.gettempdir(), f"skdae-tests-jax-cache-{os.getuid()}"),
    )
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "0")
    # And XLA compiles the tiny models' steps without LLVM's optimizations: half
    # the compile time, which is most of a tiny fit's time.
    if "xla_backend_optimization_level" not in os.environ.get("XLA_FLAGS", ""):
        flags = os.environ.get("XLA_FLAGS", "") + " --xla_backend_optimization_level=0"
        os.environ["XLA_FLAGS"] = flags.strip()
if os.environ.get("PYTEST_XDIST_WORKER"):
    # One thread each for TensorFlow and BLAS in each of pytest-xdist's worker
    # processes (as docs/user_guide/devices.rst advises for parallel processes):
    # the workers already keep every core busy, and idle pool threads that spin
    # would take the time of the other workers.
    for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ.setdefault(_name, "1")
    for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_name, "1")

import gc  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from tiny import EAGER  # noqa: E402

# Helpers the test modules import (``from conftest import make_autoencoder``):
# pytest puts this folder on sys.path, and imports this file as ``conftest``.


def make_autoencoder(cls=None, **params):
    """A tiny, seeded autoencoder that trains in a blink; ``params`` override.

    ``cls`` is ``DenoisingAutoencoder`` (the default; one hidden layer of 16
    units) or ``ConvDenoisingAutoencoder`` (one layer of 4 filters). Two epochs,
    ``random_state=0``, run eagerly where that is faster for tiny models (see
    tiny.py). A test module binds what it changes once, e.g.
    ``small = functools.partial(make_autoencoder, epochs=3)``.
    """
    from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder

    cls = DenoisingAutoencoder if cls is None else cls
    defaults = {"epochs": 2, "random_state": 0, "run_eagerly": EAGER}
    if issubclass(cls, ConvDenoisingAutoencoder):
        defaults["filters"] = (4,)
    else:
        defaults["hidden_layer_sizes"] = (16,)
    return cls(**{**defaults, **params})


def run_json_script(script, *args, env=None, timeout=600):
    """Run ``python -c script *args`` in a fresh process; the JSON its last line
    prints. The process must succeed (its stderr's end is the message if not)."""
    import json
    import subprocess
    import sys

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory_mb(field):
    """``field`` of /proc/self/status (VmRSS, RssAnon) in MB, after a collection."""
    gc.collect()
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    pytest.skip(f"no {field} in /proc/self/status")


#: The resident-memory bounds are not checked on PyTorch (see the reason).
memory_bound_off_torch = pytest.mark.skipif(
    keras.backend.backend() == "torch",
    reason="PyTorch's CPU allocator keeps and returns freed blocks at will: the "
    "resident-memory growth of these fits measured -58 to +31 MB over four runs "
    "(2026-11-29), and up to 21 MB, over the memmap bound, with the code before "
    "that day; the streaming this checks is the same code on every backend and "
    "is checked on TensorFlow",
)


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
