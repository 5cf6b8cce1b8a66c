"""Measuring: wall clocks, interleaved repeats, and Keras callbacks that time epochs
and track the test error without counting the evaluation as training time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np

from skdae.metrics import mse


def timed(function: Callable[[], Any]) -> tuple[Any, float]:
    """Call ``function()`` and return ``(its result, wall seconds)``."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def interleaved(
    contenders: dict[str, Callable[[], Any]], repeats: int
) -> dict[str, list[float]]:
    """Time several functions in turn, ``repeats`` rounds, alternating them.

    Alternating (A, B, A, B, ...) spreads a drift in machine load, which is
    common on shared cores, over every contender alike.

    Parameters
    ----------
    contenders : dict of str to callable
        Functions without arguments, called in the dict's order in every round.
    repeats : int
        Rounds.

    Returns
    -------
    dict of str to list of float
        The wall seconds of every call, per contender.
    """
    seconds: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, function in contenders.items():
            seconds[name].append(timed(function)[1])
    return seconds


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(statistics.median(values))


class EpochTimer(keras.callbacks.Callback):
    """Record the wall seconds of every training epoch in ``epoch_seconds``."""

    def on_train_begin(self, logs=None):
        self.epoch_seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_seconds.append(time.perf_counter() - self._start)


class TestErrorTracker(keras.callbacks.Callback):
    """Test MSE of the model after every epoch, against a training-only clock.

    After each epoch the model denoises ``noisy`` (eager calls on batches,
    ``training=False``) and the MSE against ``clean`` is recorded. The clock
    starts when :meth:`run_fit` calls the fit (or else when training begins)
    and excludes these evaluations, so ``train_seconds[k]`` is the time spent
    fitting up to the end of epoch ``k + 1``.

    Parameters
    ----------
    noisy : ndarray of shape (n, h, w) or (n, features)
        Corrupted test inputs.
    clean : ndarray of the shape of ``noisy``
        Their clean versions.
    sample_shape : tuple of int
        Shape of one sample as the model takes it, e.g. (28, 28, 1).
    batch_size : int, default=500
        Images per evaluation call.
    label : str, default=""
        Name used in the progress lines.
    log : callable or None, default=None
        ``log(message)`` for one line per epoch.
    """

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self,
        noisy: np.ndarray,
        clean: np.ndarray,
        sample_shape: tuple[int, ...],
        *,
        batch_size: int = 500,
        label: str = "",
        log: Callable[[str], None] | None = None,
    ):
        super().__init__()
        self.noisy = noisy.reshape(len(noisy), *sample_shape)
        self.clean = clean
        self.batch_size = batch_size
        self.label = label
        self.log = log
        self._start: float | None = None

    def _reset(self) -> None:
        self.test_mse: list[float] = []
        self.train_seconds: list[float] = []
        self.eval_seconds = 0.0
        self._start = time.perf_counter()

    def run_fit(self, fit: Callable[[], Any]) -> float:
        """Call ``fit()`` with the clock started now, before any set-up of the fit.

        Returns
        -------
        float
            Wall seconds of ``fit()`` without the evaluations, also kept in
            ``fit_seconds``.
        """
        self._reset()
        try:
            _, seconds = timed(fit)
        finally:
            self._start = None
        self.fit_seconds = seconds - self.eval_seconds
        return self.fit_seconds

    def on_train_begin(self, logs=None):
        if self._start is None:  # fitted directly, not through run_fit
            self._reset()

    def on_epoch_end(self, epoch, logs=None):
        eval_start = time.perf_counter()
        train_seconds = eval_start - self._start - self.eval_seconds
        parts = [
            keras.ops.convert_to_numpy(
                self.model(self.noisy[i : i + self.batch_size], training=False)
            )
            for i in range(0, len(self.noisy), self.batch_size)
        ]
        error = mse(self.clean, np.concatenate(parts).reshape(self.clean.shape))
        self.test_mse.append(error)
        self.train_seconds.append(train_seconds)
        self.eval_seconds += time.perf_counter() - eval_start
        if self.log is not None:
            self.log(
                f"{self.label} epoch {epoch + 1}: test MSE {error:.5f} "
                f"after {train_seconds:.1f} s of training"
            )

    def first_reaching(self, target: float) -> int | None:
        """Index of the first epoch whose test MSE is <= ``target``, or None."""
        for index, error in enumerate(self.test_mse):
            if error <= target:
                return index
        return None
