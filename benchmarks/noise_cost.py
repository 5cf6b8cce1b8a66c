"""Benchmark ``noise_cost``: fresh noise every batch against one fixed noisy copy.

The same skdae model trained on clean images with its noise layer drawing new
noise for every batch, ``fit(X)``, and trained paired on a noisy copy made once,
``fit(noisy_copy, clean=X)``, which turns the noise layer off.
"""

from __future__ import annotations

from config import SEED, SIGMA, TRAIN_COPY_SEED, corrupted, gaussian
from context import Context
from measure import interleaved, median, timed
from progress import plural
from results import GOAL_COLUMNS, Column, Section, Table, goal
from skdae import ConvDenoisingAutoencoder

NAME = "noise_cost"
TITLE = "Cost of fresh noise per batch"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 3

FILTERS = (16, 8)
EPOCHS = 2
REPEATS = 3
#: Goal: fresh-noise training time over fixed-copy training time.
RATIO_GOAL = 1.05


def run(ctx: Context) -> Section:
    """Time both trainings, interleaved, and compare medians."""
    x_train = ctx.data.x_train
    epochs, repeats = ctx.config.epochs(EPOCHS), ctx.config.repeats(REPEATS)
    copy, copy_seconds = timed(lambda: corrupted(gaussian(), x_train, TRAIN_COPY_SEED))

    def estimator():
        return ConvDenoisingAutoencoder(
            filters=FILTERS, noise=gaussian(), epochs=epochs, random_state=SEED
        )

    ctx.log(
        f"{NAME}: {repeats} x (fresh noise, fixed copy), {plural(epochs, 'epoch')} each"
    )
    times = interleaved(
        {
            "fresh": lambda: estimator().fit(x_train),
            "fixed": lambda: estimator().fit(copy, clean=x_train),
        },
        repeats,
    )
    fresh, fixed = median(times["fresh"]), median(times["fixed"])
    table = Table(
        [
            Column("training", "training"),
            Column("all", "fit s (each)", ".2f"),
            Column("median", "fit s (median)", ".2f"),
            Column("ratio", "ratio to fixed copy", ".3f"),
            *GOAL_COLUMNS,
        ]
    )
    table.add(
        training="fit(X): fresh noise drawn in the model for every batch",
        all=times["fresh"],
        median=fresh,
        ratio=fresh / fixed,
        **goal(fresh / fixed, "<=", RATIO_GOAL),
    )
    table.add(
        training="fit(noisy_copy, clean=X): one fixed noisy copy, made beforehand",
        all=times["fixed"],
        median=fixed,
        ratio=1.0,
    )
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"ConvDenoisingAutoencoder(filters={FILTERS}), "
            f"{plural(epochs, 'epoch')} on {len(x_train)} images, gaussian "
            f"σ={SIGMA} clipped; {plural(repeats, 'interleaved repeat')}, medians."
        ),
        tables=[table],
        notes=[
            f"Making the fixed noisy copy (not counted above) took {copy_seconds:.2f} "
            f"s and holds {copy.nbytes / 1e6:.0f} MB."
        ],
    )
