"""Run size (full or quick) and the seed-000 set-up shared by the benchmarks.

A benchmark states its full-run sizes as module constants and asks
:class:`Config` for the size to use: the same number in a full run, a tiny one
in quick mode (a smoke run of every code path, whose numbers mean nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Standard deviation of the seed-000 gaussian noise, clipped to [0, 1].
SIGMA = 0.4
#: ``random_state`` of every estimator and of every test-set corruption.
SEED = 0
#: ``random_state`` of the fixed noisy copies of the training set (seed scripts').
TRAIN_COPY_SEED = 1
#: Components of the PCA reference.
PCA_COMPONENTS = 64

#: Training and test images of a quick run.
QUICK_N_TRAIN = 512
QUICK_N_TEST = 256


@dataclass(frozen=True)
class Config:
    """How big a run is, and where it writes.

    Parameters
    ----------
    quick : bool
        Smoke mode: small random subsets of the data, one epoch, one repeat.
    out : Path
        The markdown report; ``results/`` and ``figures/`` sit beside it.
    """

    quick: bool
    out: Path

    @property
    def results_dir(self) -> Path:
        """Folder of the per-benchmark JSON results."""
        return self.out.parent / "results"

    @property
    def figures_dir(self) -> Path:
        """Folder of the figures."""
        return self.out.parent / "figures"

    @property
    def n_train(self) -> int | None:
        """Training images to load (None: all 60,000)."""
        return QUICK_N_TRAIN if self.quick else None

    @property
    def n_test(self) -> int | None:
        """Test images to load (None: all 10,000)."""
        return QUICK_N_TEST if self.quick else None

    def epochs(self, full: int) -> int:
        """Epochs to train: ``full``, or 1 in quick mode."""
        return 1 if self.quick else full

    def repeats(self, full: int) -> int:
        """Timing repeats: ``full``, or 1 in quick mode."""
        return 1 if self.quick else full

    def rows(self, full: int, available: int) -> int:
        """Rows to use out of ``available``: ``full``, scaled down in quick mode.

        In quick mode the loaded training set stands for the full 60,000 images,
        so ``full`` is scaled by ``available / 60000`` (at least 16 rows).
        """
        if not self.quick:
            return min(full, available)
        return max(16, min(available, round(full * available / 60_000)))


def gaussian(sigma: float = SIGMA, *, random_state: int | None = None):
    """The seed-000 corruption: ``NoiseInjector(noise_factor=sigma, clip=(0, 1))``.

    Parameters
    ----------
    sigma : float, default=SIGMA
        Standard deviation of the gaussian noise.
    random_state : int or None, default=None
        Seed of the injector (None for the one handed to an estimator, which
        seeds it from its own ``random_state``).

    Returns
    -------
    NoiseInjector
    """
    from skdae import NoiseInjector

    return NoiseInjector(noise_factor=sigma, clip=(0, 1), random_state=random_state)


def corrupted(noise, X: np.ndarray, seed: int) -> np.ndarray:
    """One seeded draw of ``noise`` applied to ``X`` (``noise`` is left unchanged).

    Parameters
    ----------
    noise : NoiseInjector
        The corruption; its ``random_state`` is replaced by ``seed``.
    X : ndarray
        Clean data.
    seed : int
        ``random_state`` of the draw: :data:`SEED` for test sets,
        :data:`TRAIN_COPY_SEED` for fixed noisy training copies.

    Returns
    -------
    ndarray
        The corrupted copy of ``X``.
    """
    from sklearn.base import clone

    return clone(noise).set_params(random_state=seed).fit_transform(X)


def flat(images: np.ndarray) -> np.ndarray:
    """Images (n, h, w) as rows (n, h * w); a view, not a copy."""
    return images.reshape(len(images), -1)
