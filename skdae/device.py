"""Where and how a model computes: device, precision and data parallelism.

This is the one module that asks a backend framework (TensorFlow, JAX or
PyTorch) about its hardware or configures it; model code uses ``keras`` and
``keras.ops`` only.
"""

from __future__ import annotations

import contextlib
import functools
import logging

import keras

logger = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "gpu")
PRECISIONS = ("float32", "auto", "mixed_float16", "mixed_bfloat16")


@functools.cache
def gpu_count() -> int:
    """Number of GPUs the active Keras backend can use (0 when it sees none).

    It only asks: the backend's configuration (TensorFlow's memory growth, for
    one) stays as the user set it.
    """
    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            return len(tf.config.list_physical_devices("GPU"))
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


def gpu_supports_bfloat16() -> bool:
    """Whether the first GPU computes bfloat16 natively (compute capability >= 8)."""
    backend = keras.backend.backend()
    try:
        if backend == "tensorflow":
            import tensorflow as tf

            gpu = tf.config.list_physical_devices("GPU")[0]
            details = tf.config.experimental.get_device_details(gpu)
            return tuple(details.get("compute_capability", (0, 0))) >= (8, 0)
        if backend == "jax":
            import jax

            gpu = jax.devices("gpu")[0]
            return float(getattr(gpu, "compute_capability", 0)) >= 8
        if backend == "torch":
            import torch

            return bool(torch.cuda.is_bf16_supported())
    except Exception as exc:
        logger.warning("Could not query the GPU of the %s backend: %s", backend, exc)
    return False


def resolve_precision(precision: str, device: str) -> str:
    """Turn the ``precision`` parameter into a Keras dtype policy name.

    Parameters
    ----------
    precision : {"float32", "auto", "mixed_float16", "mixed_bfloat16"}
        ``"auto"`` is mixed precision on a GPU (bfloat16 where the GPU computes
        it natively, else float16) and float32 on the CPU, where half-precision
        arithmetic is no faster.
    device : {"cpu", "gpu"}
        The resolved device (see :func:`resolve_device`).

    Returns
    -------
    str
        ``"float32"``, ``"mixed_float16"`` or ``"mixed_bfloat16"``.

    Examples
    --------
    >>> from skdae.device import resolve_precision
    >>> resolve_precision("auto", "cpu")
    'float32'
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}; got {precision!r}.")
    if precision != "auto":
        return precision
    if device != "gpu":
        return "float32"
    return "mixed_bfloat16" if gpu_supports_bfloat16() else "mixed_float16"


def float64_scope() -> contextlib.AbstractContextManager:
    """Context in which float64 arrays are computed in float64.

    JAX computes in float32 unless its ``jax_enable_x64`` flag is on; this turns
    it on for the context. The other backends keep float64 anyway.
    """
    if keras.backend.backend() == "jax":
        import jax

        return jax.enable_x64(True)
    return contextlib.nullcontext()


class _RetracingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


@contextlib.contextmanager
def quiet_retracing():
    """Mute TensorFlow's "triggered tf.function retracing" warning in the context.

    TensorFlow counts traces per Python function across every Keras model, so a
    few fitted estimators, each with its own train and predict steps traced
    once per batch shape, set it off although nothing is retraced in a loop.
    Only that message is dropped, and only while skdae trains or predicts; the
    other backends log nothing of the kind.
    """
    if keras.backend.backend() != "tensorflow":
        yield
        return
    tf_logger = logging.getLogger("tensorflow")
    log_filter = _RetracingFilter()
    tf_logger.addFilter(log_filter)
    try:
        yield
    finally:
        tf_logger.removeFilter(log_filter)


def device_names(device: str) -> list[str]:
    """Every device of one kind the active backend sees, as Keras names them.

    Parameters
    ----------
    device : {"cpu", "gpu"}
        The kind of device.

    Returns
    -------
    list of str
        E.g. ``["cpu:0", "cpu:1"]``. On the CPU, several devices exist only when
        configured: TensorFlow's logical devices
        (``tf.config.set_logical_device_configuration``) or JAX's
        ``XLA_FLAGS=--xla_force_host_platform_device_count=N``.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        logical = tf.config.list_logical_devices(device.upper())
        return [f"{device}:{index}" for index in range(len(logical))]
    if backend == "jax":
        return keras.distribution.list_devices(device)
    if backend == "torch":
        import torch

        if device == "gpu":
            return [f"gpu:{index}" for index in range(torch.cuda.device_count())]
        return ["cpu:0"]
    return [f"{device}:0"]


@functools.cache
def _mirrored_strategy(device: str, n_devices: int):
    import tensorflow as tf

    names = [f"/{device}:{index}" for index in range(n_devices)]
    return tf.distribute.MirroredStrategy(devices=names)


def data_parallel_scope(device: str) -> tuple[contextlib.AbstractContextManager, int]:
    """Context that replicates models on every device of one kind.

    Each training batch is split between the replicas and their gradients are
    averaged, so training matches one device's up to floating-point rounding.
    It uses Keras' distribution API (``keras.distribution.DataParallel``) on
    JAX and ``tf.distribute.MirroredStrategy`` on TensorFlow.

    Parameters
    ----------
    device : {"cpu", "gpu"}
        The kind of device to replicate on.

    Returns
    -------
    scope : context manager
        Build, compile and train the model inside it.
    n_devices : int
        The number of replicas. With one device the scope is
        :func:`device_scope`'s.

    Raises
    ------
    ValueError
        On the PyTorch backend, which Keras' distribution API does not cover.
    """
    backend = keras.backend.backend()
    if backend not in ("jax", "tensorflow"):
        raise ValueError(
            f"data_parallel=True needs the JAX or TensorFlow Keras backend; the "
            f"active backend is {backend!r}. Train on one device "
            "(data_parallel=False), or set KERAS_BACKEND=jax."
        )
    names = device_names(device)
    if len(names) < 2:
        return device_scope(device), 1
    if backend == "jax":
        distribution = keras.distribution.DataParallel(devices=names)
        return distribution.scope(), len(names)
    return _mirrored_strategy(device, len(names)).scope(), len(names)


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
    if device == "cpu" and keras.backend.backend() == "torch":
        # PyTorch's CPU has no index: under "cpu:0" Keras' torch backend moves
        # new variables to another device name, which turns them from
        # Parameters into plain tensors and breaks integer (seed) variables.
        return keras.device("cpu")
    return keras.device(f"{device}:0")
