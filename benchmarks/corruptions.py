"""Other corruptions: masking, salt-and-pepper and block inpainting.

Per corruption (masking 0.3, salt-and-pepper 0.1, block 0.25: one square
covering a quarter of each image erased): the noisy input, PCA(64) fitted on a
corrupted copy of the training set, and a default-filters
``ConvDenoisingAutoencoder`` trained 5 epochs with that corruption drawn afresh
for every batch. For blocks, also the MSE inside the erased squares (found by
corrupting an all-ones array with the same seeded injector). Goal: the conv
model's MSE below PCA's.

    python benchmarks/corruptions.py            # about 7 min on 2 CPU cores
    python benchmarks/corruptions.py --quick    # smoke run on tiny subsets
"""

import numpy as np

import common
from skdae import ConvDenoisingAutoencoder, NoiseInjector
from skdae.metrics import mse, psnr

TITLE = "Other corruptions: masking, salt-and-pepper, block inpainting"
KINDS = (("masking", 0.3), ("salt_pepper", 0.1), ("block", 0.25))
EPOCHS = 5


def run(quick):
    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    epochs = 1 if quick else EPOCHS
    rows, notes = [], []
    for kind, factor in KINDS:
        noise = NoiseInjector(kind=kind, noise_factor=factor)
        noisy_test = common.corrupt(noise, x_test)
        hole = None
        if kind == "block":  # the block's place depends on the seed alone
            hole = common.corrupt(noise, np.ones_like(x_test)) == 0
            assert not np.any((noisy_test != x_test) & ~hole), "block mask differs"
            side = round(np.sqrt(hole[0].sum()))
            notes.append(
                f"- block {factor}: each test image loses one {side}x{side} square "
                f"({hole.mean():.1%} of the pixels); the in-square MSE is over those "
                "pixels only."
            )
        pca, pca_seconds = common.pca_denoise(
            common.corrupt(noise, x_train, common.COPY_SEED), noisy_test
        )
        model = ConvDenoisingAutoencoder(
            noise=noise, epochs=epochs, random_state=common.SEED
        )
        _, seconds = common.timed(lambda model=model: model.fit(x_train))
        conv = model.denoise(noisy_test)
        for name, out, fit in (
            ("noisy input", noisy_test, None),
            ("PCA(64)", pca, pca_seconds),
            (
                f"ConvDenoisingAutoencoder(filters={tuple(model.filters)}), "
                f"epochs={epochs}",
                conv,
                seconds,
            ),
        ):
            rows.append(
                [
                    f"{kind} {factor}",
                    name,
                    f"{mse(x_test, out):.4f}",
                    f"{psnr(x_test, out):.2f}",
                    None if hole is None else f"{mse(x_test[hole], out[hole]):.4f}",
                    None if fit is None else f"{fit:.1f}",
                    f"< PCA = {mse(x_test, pca):.4f}" if out is conv else None,
                    mse(x_test, conv) < mse(x_test, pca) if out is conv else None,
                ]
            )
    return "\n\n".join(
        [
            f"Fashion-MNIST, {len(x_train)} training and {len(x_test)} test images. "
            "Test sets are one seeded draw (random_state=0); PCA is fitted on one "
            "corrupted copy of the training set (seed 1); the conv model draws "
            "fresh corruption for every batch.",
            common.table(
                [
                    "corruption",
                    "model",
                    "test MSE",
                    "PSNR dB",
                    "MSE in erased squares",
                    "fit s",
                    "goal",
                    "met",
                ],
                rows,
            ),
            "\n".join(notes),
        ]
    )


if __name__ == "__main__":
    common.main("corruptions", TITLE, run)
