"""Benchmark ``seeds``: the seed scripts' other set-ups, replayed with skdae.

Each set-up gets the noisy input and PCA(64) (fitted on one noisy copy of the
training set) as references for the same noise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.base import BaseEstimator

from config import PCA_COMPONENTS, SEED, TRAIN_COPY_SEED, corrupted, flat, gaussian
from context import Context
from measure import timed
from progress import plural
from references import pca_denoise, score
from results import Column, Section, Table
from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder, NoiseInjector

NAME = "seeds"
TITLE = "The seeds' other set-ups"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 6

#: Epochs of the dense set-ups.
DENSE_EPOCHS = 10
#: Epochs of the conv+pool set-up.
CONV_POOL_EPOCHS = 5


@dataclass
class SetUp:
    """A seed script's corruption and model."""

    noise_label: str
    noise: NoiseInjector
    model_label: str
    model: BaseEstimator
    images: bool  # the model takes (n, 28, 28) images, not flat rows


def set_ups(epochs=lambda full: full) -> list[SetUp]:
    """The three replayed set-ups; ``epochs(full)`` gives the epochs to train."""
    shifted = NoiseInjector(noise_factor=0.5, loc=0.5, clip=(0, 1))
    dense_epochs, pool_epochs = epochs(DENSE_EPOCHS), epochs(CONV_POOL_EPOCHS)
    return [
        SetUp(
            "gaussian loc=0.5, scale=0.5, clipped",
            shifted,
            "DenoisingAutoencoder(hidden_layer_sizes=(128,)), "
            f"{plural(dense_epochs, 'epoch')}",
            DenoisingAutoencoder(
                hidden_layer_sizes=(128,),
                noise=shifted,
                epochs=dense_epochs,
                random_state=SEED,
            ),
            images=False,
        ),
        SetUp(
            "gaussian σ=0.4, clipped",
            gaussian(0.4),
            "DenoisingAutoencoder(hidden_layer_sizes=(392, 196)) "
            f"(784-392-196-392-784), {plural(dense_epochs, 'epoch')}",
            DenoisingAutoencoder(
                hidden_layer_sizes=(392, 196),
                noise=gaussian(0.4),
                epochs=dense_epochs,
                random_state=SEED,
            ),
            images=False,
        ),
        SetUp(
            "gaussian σ=0.5, clipped",
            gaussian(0.5),
            'ConvDenoisingAutoencoder(filters=(32, 32), downsampling="pool"), '
            f"{plural(pool_epochs, 'epoch')}",
            ConvDenoisingAutoencoder(
                filters=(32, 32),
                downsampling="pool",
                noise=gaussian(0.5),
                epochs=pool_epochs,
                random_state=SEED,
            ),
            images=True,
        ),
    ]


def run(ctx: Context) -> Section:
    """Train each set-up's model and score it with its references."""
    x_train, x_test = ctx.data.x_train, ctx.data.x_test
    table = Table(
        [
            Column("noise", "noise"),
            Column("model", "model"),
            Column("mse", "test MSE", ".4f"),
            Column("psnr", "PSNR dB", ".2f"),
            Column("fit", "fit s", ".1f"),
        ]
    )
    for setup in set_ups(ctx.config.epochs):
        ctx.log(f"{NAME}: {setup.noise_label}: {setup.model_label}")
        noisy_test = corrupted(setup.noise, x_test, SEED)
        noisy_train = corrupted(setup.noise, x_train, TRAIN_COPY_SEED)
        noisy = score(x_test, noisy_test)
        table.add(
            noise=setup.noise_label, model="noisy input", mse=noisy.mse, psnr=noisy.psnr
        )
        pca = pca_denoise(noisy_train, noisy_test, x_test)
        table.add(
            noise=setup.noise_label,
            model=f"PCA({PCA_COMPONENTS})",
            mse=pca.mse,
            psnr=pca.psnr,
            fit=pca.fit_seconds,
        )
        del noisy_train
        train = x_train if setup.images else flat(x_train)
        test = noisy_test if setup.images else flat(noisy_test)
        _, seconds = timed(lambda setup=setup, train=train: setup.model.fit(train))
        model = score(x_test, setup.model.denoise(test), seconds)
        table.add(
            noise=setup.noise_label,
            model=setup.model_label,
            mse=model.mse,
            psnr=model.psnr,
            fit=model.fit_seconds,
        )
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"Fashion-MNIST, {len(x_train)} training and {len(x_test)} test images. "
            f"Each test set is one seeded draw (random_state={SEED}) of the set-up's "
            "noise; PCA is fitted on one fixed noisy copy of the training set, the "
            "autoencoders draw fresh noise for every batch. Epochs are module "
            f"constants (dense {DENSE_EPOCHS}, conv+pool {CONV_POOL_EPOCHS}) to bound "
            "the run's time; these rows have no goal."
        ),
        tables=[table],
    )
