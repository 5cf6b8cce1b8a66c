"""Benchmark ``robustness``: models trained at one noise level, tested at others."""

from __future__ import annotations

from config import SEED, corrupted, gaussian
from context import Context
from measure import timed
from progress import plural
from references import score
from results import Column, Section, Table
from skdae import ConvDenoisingAutoencoder

NAME = "robustness"
TITLE = "Robustness to the test noise level"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 3

#: Noise levels (σ, clipped) of training and of testing.
TRAIN_SIGMAS = (0.3, 0.8)
TEST_SIGMAS = (0.3, 0.5, 0.7, 0.9, 1.0)
#: Architecture and epochs, kept small to bound the run's time.
FILTERS = (16, 8)
ROBUSTNESS_EPOCHS = 5

FIGURE = "robustness.png"


def run(ctx: Context) -> Section:
    """Train at each training σ, test at each test σ; tabulate and plot the MSE."""
    x_train, x_test = ctx.data.x_train, ctx.data.x_test
    epochs = ctx.config.epochs(ROBUSTNESS_EPOCHS)
    noisy_tests = {s: corrupted(gaussian(s), x_test, SEED) for s in TEST_SIGMAS}
    columns = [Column("model", "model")]
    columns += [Column(f"s{s}", f"test σ={s}", ".4f") for s in TEST_SIGMAS]
    columns.append(Column("fit", "fit s", ".1f"))
    table = Table(columns, caption="Test MSE:")
    curves = {}

    noisy = [score(x_test, noisy_tests[s]).mse for s in TEST_SIGMAS]
    table.add(model="noisy input", **_cells(noisy))
    curves["noisy input"] = (TEST_SIGMAS, noisy)
    for sigma in TRAIN_SIGMAS:
        label = f"trained at σ={sigma}"
        ctx.log(f"{NAME}: {label}, {plural(epochs, 'epoch')}")
        model = ConvDenoisingAutoencoder(
            filters=FILTERS, noise=gaussian(sigma), epochs=epochs, random_state=SEED
        )
        _, seconds = timed(lambda model=model: model.fit(x_train))
        errors = [score(x_test, model.denoise(noisy_tests[s])).mse for s in TEST_SIGMAS]
        table.add(model=label, fit=seconds, **_cells(errors))
        curves[label] = (TEST_SIGMAS, errors)

    _plot(ctx, curves)
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"ConvDenoisingAutoencoder(filters={FILTERS}), "
            f"{plural(epochs, 'epoch')} (ROBUSTNESS_EPOCHS, kept small to bound "
            "the run's time), trained on Fashion-MNIST "
            f"({len(x_train)} images) with gaussian noise clipped to [0, 1] at "
            f"σ in {TRAIN_SIGMAS}, and tested on {len(x_test)} test images at σ in "
            f"{TEST_SIGMAS} (one seeded draw per level, random_state={SEED})."
        ),
        tables=[table],
        figures=[FIGURE],
    )


def _cells(errors: list[float]) -> dict[str, float]:
    return {f"s{s}": error for s, error in zip(TEST_SIGMAS, errors, strict=True)}


def _plot(ctx: Context, curves) -> None:
    import matplotlib.pyplot as plt

    from skdae.plotting import plot_noise_robustness

    ax = plot_noise_robustness(curves, metric="mse")
    ax.set_yscale("log")
    ax.set_title("Test MSE against the test noise level")
    ax.figure.savefig(ctx.figure_path(FIGURE), dpi=100)
    plt.close(ax.figure)
