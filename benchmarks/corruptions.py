"""Benchmark ``corruptions``: masking, salt-and-pepper and block inpainting."""

from __future__ import annotations

import numpy as np

from config import PCA_COMPONENTS, SEED, TRAIN_COPY_SEED, corrupted
from context import Context
from measure import timed
from progress import plural
from references import pca_denoise, score
from results import GOAL_COLUMNS, Column, Section, Table, goal
from skdae import ConvDenoisingAutoencoder, NoiseInjector
from skdae.metrics import mse

NAME = "corruptions"
TITLE = "Other corruptions: masking, salt-and-pepper, block inpainting"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 7

#: The corruptions, as NoiseInjector (kind, noise_factor).
KINDS = (("masking", 0.3), ("salt_pepper", 0.1), ("block", 0.25))
#: Epochs of the default-architecture conv model.
CONV_EPOCHS = 5


def run(ctx: Context) -> Section:
    """Per corruption: noisy input, PCA and the conv model; MSE in the erased
    squares for block noise."""
    x_train, x_test = ctx.data.x_train, ctx.data.x_test
    epochs = ctx.config.epochs(CONV_EPOCHS)
    table = Table(
        [
            Column("kind", "corruption"),
            Column("model", "model"),
            Column("mse", "test MSE", ".4f"),
            Column("psnr", "PSNR dB", ".2f"),
            Column("hole", "MSE in erased squares", ".4f"),
            Column("fit", "fit s", ".1f"),
            *GOAL_COLUMNS,
        ]
    )
    notes = []
    for kind, factor in KINDS:
        noise = NoiseInjector(kind=kind, noise_factor=factor)
        label = f"{kind} {factor}"
        ctx.log(f"{NAME}: {label}")
        noisy_test = corrupted(noise, x_test, SEED)
        hole = _erased(noise, x_test, noisy_test) if kind == "block" else None
        if hole is not None:
            side = int(round(np.sqrt(hole[0].sum())))
            notes.append(
                f"block {factor}: each test image loses one {side}x{side} square "
                f"({hole.mean():.1%} of the pixels); the in-square MSE is over "
                "those pixels only."
            )

        def in_hole(output, hole=hole):
            return None if hole is None else mse(x_test[hole], output[hole])

        noisy = score(x_test, noisy_test)
        table.add(
            kind=label,
            model="noisy input",
            mse=noisy.mse,
            psnr=noisy.psnr,
            hole=in_hole(noisy_test),
        )
        pca = pca_denoise(
            corrupted(noise, x_train, TRAIN_COPY_SEED), noisy_test, x_test
        )
        table.add(
            kind=label,
            model=f"PCA({PCA_COMPONENTS})",
            mse=pca.mse,
            psnr=pca.psnr,
            hole=in_hole(pca.output),
            fit=pca.fit_seconds,
        )
        model = ConvDenoisingAutoencoder(noise=noise, epochs=epochs, random_state=SEED)
        ctx.log(f"{NAME}: {label}: ConvDenoisingAutoencoder, {plural(epochs, 'epoch')}")
        _, seconds = timed(lambda model=model: model.fit(x_train))
        conv = score(x_test, model.denoise(noisy_test), seconds)
        table.add(
            kind=label,
            model=f"ConvDenoisingAutoencoder(filters={tuple(model.filters)}), "
            f"{plural(epochs, 'epoch')}",
            mse=conv.mse,
            psnr=conv.psnr,
            hole=in_hole(conv.output),
            fit=conv.fit_seconds,
            **goal(conv.mse, "<", pca.mse, f"< PCA = {pca.mse:.4f}"),
        )
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"Fashion-MNIST, {len(x_train)} training and {len(x_test)} test images. "
            "Corruptions: masking (each pixel zeroed with probability 0.3), "
            "salt-and-pepper (10% of the pixels set to 0 or 1), block (one square "
            "covering a quarter of each image zeroed: inpainting). Test sets are one "
            f"seeded draw (random_state={SEED}); PCA is fitted on one corrupted copy "
            "of the training set; the conv model (default filters) draws fresh "
            "corruption for every batch."
        ),
        tables=[table],
        notes=notes,
    )


def _erased(noise: NoiseInjector, clean: np.ndarray, noisy: np.ndarray) -> np.ndarray:
    """Where the seeded test draw erased pixels: corrupt ones with the same seed.

    The block's position does not depend on the pixel values, so corrupting an
    all-ones array with the same seeded injector erases the same squares. Checked:
    every pixel the draw changed in ``clean`` lies inside them.
    """
    erased = corrupted(noise, np.ones_like(clean), SEED) == 0
    changed = noisy != clean
    if np.any(changed & ~erased):
        raise RuntimeError(
            "The block mask drawn on ones does not cover the pixels the same seeded "
            "draw changed in the test images; the block positions depend on more "
            "than the seed."
        )
    return erased
