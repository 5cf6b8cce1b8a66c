"""Benchmark ``scaling``: training time against the number of images, and
inference throughput, of the default ConvDenoisingAutoencoder."""

from __future__ import annotations

from config import SEED, gaussian
from context import Context
from measure import EpochTimer, interleaved, median
from progress import plural
from results import GOAL_COLUMNS, Column, Section, Table, goal
from skdae import ConvDenoisingAutoencoder

NAME = "scaling"
TITLE = "Scaling with the number of images, and throughput"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 2

SIZES = (10_000, 30_000, 60_000)
EPOCHS = 3
REPEATS = 3
#: Goal: time per image within this fraction of the smallest size's.
LINEAR_TOLERANCE = 0.15


def run(ctx: Context) -> Section:
    """Fit at each size and time the epochs; then time denoise and transform."""
    x_train, noisy_test = ctx.data.x_train, ctx.noisy_test
    epochs, repeats = ctx.config.epochs(EPOCHS), ctx.config.repeats(REPEATS)
    sizes = sorted({ctx.config.rows(n, len(x_train)) for n in SIZES})
    fit_table = Table(
        [
            Column("n", "images", "d"),
            Column("epochs", "epoch s (each)", ".2f"),
            Column("epoch", "s per epoch (median)", ".2f"),
            Column("per_image", "µs per image", ".1f"),
            Column("relative", "relative to the smallest", ".3f"),
            *GOAL_COLUMNS,
        ],
        caption=f"Training, {plural(epochs, 'epoch')} per size:",
    )
    reference = None
    for n in sizes:
        timer = EpochTimer()
        model = ConvDenoisingAutoencoder(
            noise=gaussian(), epochs=epochs, callbacks=[timer], random_state=SEED
        )
        ctx.log(f"{NAME}: fit on {n} images, {plural(epochs, 'epoch')}")
        model.fit(x_train[:n])
        per_epoch = median(timer.epoch_seconds)
        per_image = per_epoch / n
        reference = per_image if reference is None else reference
        relative = per_image / reference
        row = fit_table.add(
            n=n,
            epochs=timer.epoch_seconds,
            epoch=per_epoch,
            per_image=1e6 * per_image,
            relative=relative,
        )
        if n != sizes[0]:
            row.update(
                goal(
                    abs(relative - 1),
                    "<=",
                    LINEAR_TOLERANCE,
                    f"linear: within {LINEAR_TOLERANCE:.0%} of {sizes[0]} images'",
                )
            )

    ctx.log(f"{NAME}: throughput, {plural(repeats, 'repeat')}")
    times = interleaved(
        {
            "denoise": lambda: model.denoise(noisy_test),
            "transform": lambda: model.transform(noisy_test),
        },
        repeats,
    )
    speed_table = Table(
        [
            Column("operation", "operation"),
            Column("all", "s (each)", ".3f"),
            Column("median", "s (median)", ".3f"),
            Column("throughput", "images/s", ",.0f"),
        ],
        caption=f"Inference on the {len(noisy_test)} noisy test images, by the "
        f"model fitted on {sizes[-1]} images:",
    )
    for operation, seconds in times.items():
        speed_table.add(
            operation=f"{operation}()",
            all=seconds,
            median=median(seconds),
            throughput=len(noisy_test) / median(seconds),
        )
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"ConvDenoisingAutoencoder() with its default architecture and batch "
            f"size ({tuple(model.filters)} filters, batch {model.batch_size}), "
            f"gaussian σ=0.4 noise; the first n training images. Epoch times come "
            "from a Keras callback; the first epoch includes tracing the training "
            f"function. Inference: {plural(repeats, 'repeat')}, median."
        ),
        tables=[fit_table, speed_table],
    )
