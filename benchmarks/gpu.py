"""One GPU run in one command: the defaults' training speed and quality on a GPU.

Made for a machine with a GPU and Keras' JAX backend (``KERAS_BACKEND=jax``,
``pip install ".[jax]"`` with a CUDA build of JAX), it runs on any backend and
device (on the CPU it says so on its page, and takes far longer). At most about
10 minutes on an H100:

- ``DenoisingAutoencoder()`` and ``ConvDenoisingAutoencoder()`` with every
  default, trained on the 60,000 Fashion-MNIST training images corrupted at
  σ = 0.4 (the benchmarks' noise): seconds per epoch (the median of epochs 2
  on; epoch 1 compiles), fit seconds, and the test MSE on the 10,000 test
  images;
- skdae's photo model (``benchmarks/photos.py``'s blind U-Net) trained for
  ``--photo-seconds`` on patches of BSD68, then PSNR on Set12 at σ = 25 and the
  seconds to denoise one 256 x 256 photo;
- inference throughput: images per second of ``denoise`` and ``transform`` on
  the 10,000 test images, for both defaults.

    KERAS_BACKEND=jax python benchmarks/gpu.py          # writes results/gpu.md
    python benchmarks/gpu.py --quick                     # smoke run, any machine
"""

from __future__ import annotations

import statistics

import numpy as np

import common

TITLE = "On a GPU: the defaults' epoch time, test MSE and throughput"
PHOTO_SECONDS, PHOTO_PATCHES, PHOTO_SIGMA = 120, 20_000, 25
#: The issue's goal: the default conv model's epoch on 60k images under 5 s.
CONV_EPOCH_GOAL = 5.0


def defaults(quick):
    from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder

    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    noisy_test = common.corrupt(common.gaussian(), x_test)
    rows = []
    for cls in (DenoisingAutoencoder, ConvDenoisingAutoencoder):
        # The dense model reads flat pixels, the conv one images.
        shape = (-1, 784) if cls is DenoisingAutoencoder else (-1, 28, 28)
        train, clean, noisy = (a.reshape(shape) for a in (x_train, x_test, noisy_test))
        timer = common.epoch_timer()
        params = {"noise": common.gaussian(), "random_state": common.SEED}
        if quick:
            params["epochs"] = 1
        model = cls(callbacks=[timer], **params)
        _, fit_s = common.timed(lambda m=model, x=train: m.fit(x))
        epoch_s = statistics.median(timer.seconds[1:] or timer.seconds)
        mse = float(np.mean((model.denoise(noisy) - clean) ** 2))
        denoise_s = common.timed(lambda m=model, x=noisy: m.denoise(x))[1]
        transform_s = common.timed(lambda m=model, x=noisy: m.transform(x))[1]
        goal = epoch_s < CONV_EPOCH_GOAL if cls is ConvDenoisingAutoencoder else None
        rows.append(
            [
                f"`{cls.__name__}()`",
                model.device_,
                len(timer.seconds),
                epoch_s,
                goal,
                fit_s,
                mse,
                f"{len(x_test) / denoise_s:.0f}",
                f"{len(x_test) / transform_s:.0f}",
            ]
        )
    return "\n\n".join(
        [
            "## The defaults on Fashion-MNIST",
            f"{len(x_train)} training images at σ = {common.SIGMA} (drawn afresh "
            f"every batch), {len(x_test)} test images (one seeded draw).",
            common.table(
                [
                    "model",
                    "device",
                    "epochs",
                    "epoch s (median, from epoch 2)",
                    f"conv epoch < {CONV_EPOCH_GOAL} s (met)",
                    "fit s",
                    "test MSE",
                    "denoise images/s",
                    "transform images/s",
                ],
                rows,
            ),
        ]
    )


def photo_model(quick):
    from matplotlib.image import imread

    from skdae.metrics import psnr

    photos = _script("photos")  # benchmarks/photos.py: the model and its noise

    def load(name, limit):
        paths = sorted((photos.DATA / name).glob("*.png"))[:limit]
        return [np.asarray(imread(path), dtype=np.float32) for path in paths]

    limit = 2 if quick else None
    train, test = load("bsd68", limit), load("set12", limit)
    seconds = 3 if quick else PHOTO_SECONDS
    n_patches = 256 if quick else PHOTO_PATCHES
    noise_range = tuple(s / 255 for s in photos.BLIND_RANGE)
    model, fit_s = photos.train_skdae(train, noise_range, seconds, n_patches)
    scores = [
        psnr(
            clean,
            model.denoise(photos.add_noise(clean, PHOTO_SIGMA)[None])[0],
            data_range=1.0,
        )
        for clean in test
    ]
    one = test[0][:256, :256]
    one_s = photos.time_one_photo(lambda image: model.denoise(image[None])[0], one)
    return "\n\n".join(
        [
            "## The photo model",
            f"`benchmarks/photos.py`'s blind U-Net (σ in {photos.BLIND_RANGE}) "
            f"trained for {seconds} s on {n_patches} 48 x 48 patches of "
            f"{len(train)} BSD68 photos, tested on {len(test)} Set12 photos.",
            common.table(
                [
                    "device",
                    "epochs",
                    "fit s",
                    f"Set12 PSNR at σ {PHOTO_SIGMA} (dB)",
                    "one 256 x 256 photo s",
                ],
                [[model.device_, model.n_iter_, fit_s, np.mean(scores), one_s]],
            ),
        ]
    )


def _script(name):
    """Another benchmark script, by its path (not always importable by name)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"benchmark_{name}", common.HERE / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SECTIONS = {"defaults": defaults, "photo": photo_model}

if __name__ == "__main__":
    common.main("gpu", TITLE, SECTIONS)
