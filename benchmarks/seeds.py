"""The seed scripts' other set-ups, replayed with skdae on Fashion-MNIST.

Each set-up's noise gets the noisy input and PCA(64) (fitted on one noisy copy
of the training set) as references; the autoencoders draw fresh noise for every
batch. Epochs are kept small (dense 10, conv+pool 5) to bound the run's time;
these rows have no goal.

- gaussian loc=0.5, scale=0.5, clipped: dense ``(128,)``
- gaussian σ=0.4, clipped: the deep dense 784-392-196-392-784
- gaussian σ=0.5, clipped: conv+pool, ``filters=(32, 32), downsampling="pool"``

    python benchmarks/seeds.py            # about 5 min on 2 CPU cores
    python benchmarks/seeds.py --quick    # smoke run on tiny subsets
"""

import common
from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder, NoiseInjector
from skdae.metrics import mse, psnr

TITLE = "The seeds' other set-ups"
DENSE_EPOCHS, POOL_EPOCHS = 10, 5


def run(quick):
    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    dense, pool = (1, 1) if quick else (DENSE_EPOCHS, POOL_EPOCHS)
    shifted = NoiseInjector(noise_factor=0.5, loc=0.5, clip=(0, 1))
    set_ups = [
        (
            "gaussian loc=0.5, scale=0.5, clipped",
            shifted,
            f"DenoisingAutoencoder(hidden_layer_sizes=(128,)), epochs={dense}",
            DenoisingAutoencoder((128,), noise=shifted, epochs=dense),
        ),
        (
            "gaussian σ=0.4, clipped",
            common.gaussian(0.4),
            "DenoisingAutoencoder(hidden_layer_sizes=(392, 196)) "
            f"(784-392-196-392-784), epochs={dense}",
            DenoisingAutoencoder((392, 196), noise=common.gaussian(0.4), epochs=dense),
        ),
        (
            "gaussian σ=0.5, clipped",
            common.gaussian(0.5),
            'ConvDenoisingAutoencoder(filters=(32, 32), downsampling="pool"), '
            f"epochs={pool}",
            ConvDenoisingAutoencoder(
                filters=(32, 32),
                downsampling="pool",
                noise=common.gaussian(0.5),
                epochs=pool,
            ),
        ),
    ]
    rows = []
    for noise_label, noise, label, model in set_ups:
        noisy_test = common.corrupt(noise, x_test)
        noisy_copy = common.corrupt(noise, x_train, common.COPY_SEED)
        pca, pca_seconds = common.pca_denoise(noisy_copy, noisy_test)
        del noisy_copy
        images = isinstance(model, ConvDenoisingAutoencoder)
        train, test = (
            (x_train, noisy_test)
            if images
            else (common.flat(x_train), common.flat(noisy_test))
        )
        model.set_params(random_state=common.SEED)
        _, seconds = common.timed(lambda model=model, train=train: model.fit(train))
        for name, out, fit in (
            ("noisy input", noisy_test, None),
            ("PCA(64)", pca, pca_seconds),
            (label, model.denoise(test).reshape(x_test.shape), seconds),
        ):
            rows.append(
                [
                    noise_label,
                    name,
                    f"{mse(x_test, out):.4f}",
                    f"{psnr(x_test, out):.2f}",
                    None if fit is None else f"{fit:.1f}",
                ]
            )
    return (
        f"Fashion-MNIST, {len(x_train)} training and {len(x_test)} test images. Each "
        "test set is one seeded draw (random_state=0) of the set-up's noise; PCA is "
        "fitted on one fixed noisy copy of the training set (seed 1).\n\n"
        + common.table(["noise", "model", "test MSE", "PSNR dB", "fit s"], rows)
    )


if __name__ == "__main__":
    common.main("seeds", TITLE, run)
