"""Robustness to the test noise level: trained at one σ, tested at others.

``ConvDenoisingAutoencoder(filters=(16, 8))``, 5 epochs (kept small to bound
the run's time), trained on Fashion-MNIST with gaussian noise clipped to [0, 1]
at σ = 0.3 and 0.8, and tested at σ = 0.3, 0.5, 0.7, 0.9 and 1.0 (one seeded
draw per level), with the noisy input as reference; figure
``figures/robustness.png``. No goal.

    python benchmarks/robustness.py            # about 3 min on 2 CPU cores
    python benchmarks/robustness.py --quick    # smoke run on tiny subsets
"""

import common
from skdae import ConvDenoisingAutoencoder
from skdae.metrics import mse

TITLE = "Robustness to the test noise level"
TRAIN_SIGMAS = (0.3, 0.8)
TEST_SIGMAS = (0.3, 0.5, 0.7, 0.9, 1.0)
FILTERS, EPOCHS = (16, 8), 5


def run(quick):
    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    epochs = 1 if quick else EPOCHS
    noisy = {s: common.corrupt(common.gaussian(s), x_test) for s in TEST_SIGMAS}
    curves = {"noisy input": [mse(x_test, noisy[s]) for s in TEST_SIGMAS]}
    rows = [["noisy input", *(f"{e:.4f}" for e in curves["noisy input"]), None]]
    for sigma in TRAIN_SIGMAS:
        model = ConvDenoisingAutoencoder(
            filters=FILTERS,
            noise=common.gaussian(sigma),
            epochs=epochs,
            random_state=common.SEED,
        )
        _, seconds = common.timed(lambda model=model: model.fit(x_train))
        label = f"trained at σ={sigma}"
        curves[label] = [mse(x_test, model.denoise(noisy[s])) for s in TEST_SIGMAS]
        rows.append([label, *(f"{e:.4f}" for e in curves[label]), f"{seconds:.1f}"])
    return "\n\n".join(
        [
            f"ConvDenoisingAutoencoder(filters={FILTERS}), epochs={epochs}, trained "
            f"on {len(x_train)} Fashion-MNIST images; test MSE on {len(x_test)} "
            "test images at each noise level (gaussian, clipped to [0, 1], one "
            "seeded draw, random_state=0).",
            common.table(
                ["model", *(f"test σ={s}" for s in TEST_SIGMAS), "fit s"], rows
            ),
            _plot(curves),
        ]
    )


def _plot(curves):
    from skdae.plotting import plot_noise_robustness

    ax = plot_noise_robustness(
        {label: (TEST_SIGMAS, errors) for label, errors in curves.items()},
        metric="mse",
    )
    ax.set_yscale("log")
    ax.set_title("Test MSE against the test noise level")
    return common.save_figure(ax.figure, "robustness.png")


if __name__ == "__main__":
    common.main("robustness", TITLE, run)
