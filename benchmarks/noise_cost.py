"""The cost of fresh noise for every batch, against one fixed noisy copy.

The same ``ConvDenoisingAutoencoder(filters=(16, 8))``, 2 epochs on the 60,000
Fashion-MNIST training images, gaussian σ=0.4 clipped: drawing new noise in the
model for every batch, ``fit(X)``, against training paired on a noisy copy made
beforehand, ``fit(noisy_copy, clean=X)`` (which turns the noise layer off).
3 interleaved repeats, medians. Goal: fresh / fixed <= 1.05.

    python benchmarks/noise_cost.py            # about 3 min on 2 CPU cores
    python benchmarks/noise_cost.py --quick    # smoke run on tiny subsets
"""

import statistics

import common
from skdae import ConvDenoisingAutoencoder

TITLE = "Cost of fresh noise per batch"
FILTERS, EPOCHS, REPEATS = (16, 8), 2, 3
RATIO_GOAL = 1.05


def run(quick):
    x_train, _, _, _ = common.fashion_mnist(quick=quick)
    epochs, repeats = (1, 1) if quick else (EPOCHS, REPEATS)
    copy, copy_seconds = common.timed(
        lambda: common.corrupt(common.gaussian(), x_train, common.COPY_SEED)
    )

    def model():
        return ConvDenoisingAutoencoder(
            filters=FILTERS,
            noise=common.gaussian(),
            epochs=epochs,
            random_state=common.SEED,
        )

    fresh, fixed = [], []
    for _ in range(repeats):  # interleaved
        fresh.append(common.timed(lambda: model().fit(x_train))[1])
        fixed.append(common.timed(lambda: model().fit(copy, clean=x_train))[1])
    ratio = statistics.median(fresh) / statistics.median(fixed)
    rows = [
        [
            "fit(X): fresh noise drawn in the model for every batch",
            ", ".join(f"{s:.2f}" for s in fresh),
            f"{statistics.median(fresh):.2f}",
            f"{ratio:.3f}",
            f"<= {RATIO_GOAL}",
            ratio <= RATIO_GOAL,
        ],
        [
            "fit(noisy_copy, clean=X): one fixed noisy copy, made beforehand",
            ", ".join(f"{s:.2f}" for s in fixed),
            f"{statistics.median(fixed):.2f}",
            "1.000",
            None,
            None,
        ],
    ]
    return (
        f"ConvDenoisingAutoencoder(filters={FILTERS}), epochs={epochs} on "
        f"{len(x_train)} images, gaussian σ=0.4 clipped; {repeats} interleaved "
        "repeats, medians.\n\n"
        + common.table(
            [
                "training",
                "fit s (each)",
                "fit s (median)",
                "ratio to fixed copy",
                "goal",
                "met",
            ],
            rows,
        )
        + f"\n\n- Making the fixed noisy copy (not counted above) took "
        f"{copy_seconds:.2f} s and holds {copy.nbytes / 1e6:.0f} MB."
    )


if __name__ == "__main__":
    common.main("noise_cost", TITLE, run)
