"""What every benchmark receives: the run's size, the data, and shared noisy sets."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from config import SEED, TRAIN_COPY_SEED, Config, corrupted, gaussian
from fmnist import FashionMNIST


@dataclass
class Context:
    """The run's configuration and data, with noisy sets made once and shared.

    Parameters
    ----------
    config : Config
        Size of the run and output paths.
    data : FashionMNIST
        Clean images in [0, 1], shape (n, 28, 28).
    log : callable
        ``log(message)`` prints a progress line.
    """

    config: Config
    data: FashionMNIST
    log: Callable[[str], None]

    @functools.cached_property
    def noisy_test(self) -> np.ndarray:
        """The seed-000 test set: the test images at σ=0.4, clipped, seed 0."""
        return corrupted(gaussian(), self.data.x_test, SEED)

    @functools.cached_property
    def noisy_train_copy(self) -> np.ndarray:
        """One fixed noisy copy of the training images at σ=0.4, clipped, seed 1.

        What the seed scripts train on, and what PCA is fitted on.
        """
        return corrupted(gaussian(), self.data.x_train, TRAIN_COPY_SEED)

    def figure_path(self, name: str) -> Path:
        """Path of the figure ``name`` (the folder is created)."""
        self.config.figures_dir.mkdir(parents=True, exist_ok=True)
        return self.config.figures_dir / name
