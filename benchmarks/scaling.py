"""Training time against the number of images, and inference throughput.

The default ``ConvDenoisingAutoencoder`` (gaussian σ=0.4 noise), 3 epochs on
the first 10,000, 30,000 and 60,000 Fashion-MNIST training images, each
epoch timed by a Keras callback (the first one includes tracing); then
``denoise`` and ``transform`` on the 10,000 test images, 3 repeats, medians.
Goal: the time per image at each size within 15 % of that at 10,000 images.

    python benchmarks/scaling.py            # about 3 min on 2 CPU cores
    python benchmarks/scaling.py --quick    # smoke run on tiny subsets
"""

import statistics

import common
from skdae import ConvDenoisingAutoencoder

TITLE = "Scaling with the number of images, and throughput"
SIZES, EPOCHS, REPEATS = (10_000, 30_000, 60_000), 3, 3
TOLERANCE = 0.15


def run(quick):
    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    noisy_test = common.corrupt(common.gaussian(), x_test)
    sizes = (64, 128, 256) if quick else SIZES
    epochs, repeats = (1, 1) if quick else (EPOCHS, REPEATS)
    rows, reference = [], None
    for n in sizes:
        timer = common.epoch_timer()
        model = ConvDenoisingAutoencoder(
            noise=common.gaussian(),
            epochs=epochs,
            callbacks=[timer],
            random_state=common.SEED,
        ).fit(x_train[:n])
        seconds = timer.seconds
        per_image = statistics.median(seconds) / n
        reference = reference or per_image
        relative = per_image / reference
        rows.append(
            [
                n,
                ", ".join(f"{s:.2f}" for s in seconds),
                f"{statistics.median(seconds):.2f}",
                f"{1e6 * per_image:.1f}",
                f"{relative:.3f}",
                None if n == sizes[0] else f"within {TOLERANCE:.0%} of {sizes[0]}'s",
                None if n == sizes[0] else abs(relative - 1) <= TOLERANCE,
            ]
        )
    speed = []
    for name in ("denoise", "transform"):
        method = getattr(model, name)
        calls = [common.timed(lambda m=method: m(noisy_test)) for _ in range(repeats)]
        seconds = [s for _, s in calls]
        median = statistics.median(seconds)
        speed.append(
            [
                f"{name}()",
                ", ".join(f"{s:.3f}" for s in seconds),
                f"{median:.3f}",
                f"{len(noisy_test) / median:,.0f}",
            ]
        )
    return "\n\n".join(
        [
            f"ConvDenoisingAutoencoder() defaults ({tuple(model.filters)} filters, "
            f"batch {model.batch_size}), gaussian σ=0.4; the first n training "
            f"images, epochs={epochs}.",
            common.table(
                [
                    "images",
                    "epoch s (each)",
                    "s per epoch (median)",
                    "µs per image",
                    "relative to the smallest",
                    "goal",
                    "met",
                ],
                rows,
            ),
            f"Inference on the {len(noisy_test)} noisy test images by the model "
            f"fitted on {sizes[-1]} images, {repeats} repeats:",
            common.table(["operation", "s (each)", "s (median)", "images/s"], speed),
        ]
    )


if __name__ == "__main__":
    common.main("scaling", TITLE, run)
