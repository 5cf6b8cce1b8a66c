"""Device choice for the active Keras backend: where a model is built and trained.

This is the one module that asks a backend framework about its hardware; model
code uses ``keras`` and ``keras.ops`` only.
"""

from __future__ import annotations

import contextlib
import functools
import logging

import keras

logger = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "gpu")


@functools.cache
def gpu_count() -> int:
    """Number of GPUs the active Keras backend can use (0 when it sees none)."""
    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
            for gpu in gpus:  # take memory as needed, not the whole card at once
                try:
                    tf.config.experimental.set_memory_growth(gpu, True)
                except RuntimeError:  # already initialised by the user
                    pass
            return len(gpus)
        if backend == "jax":
            import jax

            return sum(d.platform == "gpu" for d in jax.devices())
        if backend == "torch":
            import torch

            return torch.cuda.device_count()
    except Exception as exc:  # a broken driver is "no GPU", not a crash
        logger.warning("Could not query GPUs of the %s backend: %s", backend, exc)
    return 0


def resolve_device(device: str) -> str:
    """Turn the ``device`` parameter into ``"cpu"`` or ``"gpu"``.

    Parameters
    ----------
    device : {"auto", "cpu", "gpu"}
        ``"auto"`` is the GPU when the active Keras backend sees one, else the CPU.

    Returns
    -------
    str
        ``"cpu"`` or ``"gpu"``.

    Raises
    ------
    RuntimeError
        If ``device="gpu"`` and the backend sees no GPU.

    Examples
    --------
    >>> from skdae.device import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    """
    if device not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}; got {device!r}.")
    if device == "cpu":
        return "cpu"
    n_gpus = gpu_count()
    if device == "gpu" and n_gpus == 0:
        raise RuntimeError(
            f"device='gpu' was requested, but the Keras backend "
            f"{keras.backend.backend()!r} sees no GPU. Use device='auto' to fall "
            "back to the CPU, or install a GPU build of the backend."
        )
    return "gpu" if n_gpus else "cpu"


def device_scope(device: str) -> contextlib.AbstractContextManager:
    """Context in which Keras places new variables and computations on ``device``.

    Parameters
    ----------
    device : {"cpu", "gpu"}
        A resolved device (see :func:`resolve_device`).

    Returns
    -------
    context manager
    """
    return keras.device(f"{device}:0")
