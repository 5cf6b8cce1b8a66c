"""The classical denoisers on real photos: Set12 and BSD68 at σ = 15, 25 and 50.

The reference table that skdae's photo denoiser is measured against (issue 11):
for each test set and noise level, PSNR (dB, on [0, 1]) averaged over the
images, and seconds per image, of the noisy input, a Gaussian blur,
scikit-image's wavelet, total-variation and non-local-means denoisers, and
BM3D. Gaussian noise of standard deviation σ/255, not clipped, one seeded draw
per image (``NoiseInjector(noise_factor=σ/255, random_state=0)``).

Runnable on its own (``pip install ".[benchmarks]"`` brings scikit-image and
bm3d)::

    python benchmarks/photos.py                 # both sets, three levels
    python benchmarks/photos.py --quick         # two images, σ=25 only

It writes ``benchmarks/results/photos.md`` (``benchmarks/output/`` with
``--quick``). The photos are read from the project's shared data folder
(``../shared/data/set12`` and ``bsd68`` beside the repository).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from scipy import ndimage  # noqa: E402

from skdae import NoiseInjector  # noqa: E402
from skdae.metrics import psnr  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"
SIGMAS = (15, 25, 50)


def load_photos(name: str, limit: int | None = None) -> list[np.ndarray]:
    """The grayscale photos of a test set, as float64 arrays in [0, 1]."""
    from skimage.io import imread

    paths = sorted((DATA / name).glob("*.png"))[:limit]
    return [imread(path, as_gray=True).astype(np.float64) / 255 for path in paths]


def add_noise(image: np.ndarray, sigma: int) -> np.ndarray:
    """Gaussian noise of std ``sigma / 255``, one seeded draw, not clipped."""
    injector = NoiseInjector(noise_factor=sigma / 255, random_state=0)
    return injector.fit_transform(image[None])[0]


def denoisers(sigma: int) -> dict:
    """The classical denoisers, each ``noisy image -> denoised image``."""
    import bm3d
    from skimage.restoration import (
        denoise_nl_means,
        denoise_tv_chambolle,
        denoise_wavelet,
    )

    s = sigma / 255
    return {
        "noisy input": lambda x: x,
        "Gaussian blur (σ 1 px)": lambda x: ndimage.gaussian_filter(x, 1.0),
        "scikit-image denoise_wavelet (BayesShrink)": lambda x: denoise_wavelet(
            x, method="BayesShrink", mode="soft", rescale_sigma=True
        ),
        "scikit-image denoise_tv_chambolle (weight 0.08)": lambda x: (
            denoise_tv_chambolle(x, weight=0.08)
        ),
        "scikit-image denoise_nl_means (h 0.8σ, patch 5, distance 6, fast)": (
            lambda x: denoise_nl_means(
                x, h=0.8 * s, sigma=s, patch_size=5, patch_distance=6, fast_mode=True
            )
        ),
        "BM3D (bm3d package)": lambda x: bm3d.bm3d(x, sigma_psd=s),
    }


def run(quick: bool) -> str:
    sets = {
        name: load_photos(name, 2 if quick else None) for name in ("set12", "bsd68")
    }
    sigmas = (25,) if quick else SIGMAS
    methods = list(denoisers(25))
    header = (
        ["method"]
        + [f"{name} σ={sigma}" for name in sets for sigma in sigmas]
        + ["s per image (σ=25, set12)"]
    )
    rows = {method: [method] for method in methods}
    seconds = {}
    for name, photos in sets.items():
        for sigma in sigmas:
            noisy = [add_noise(photo, sigma) for photo in photos]
            for method, denoise in denoisers(sigma).items():
                scores, start = [], time.perf_counter()
                for clean, image in zip(photos, noisy, strict=True):
                    scores.append(psnr(clean, denoise(image), data_range=1.0))
                if name == "set12" and sigma == 25:
                    seconds[method] = (time.perf_counter() - start) / len(photos)
                rows[method].append(f"{np.mean(scores):.2f}")
                print(
                    f"{name} σ={sigma} {method}: {np.mean(scores):.2f} dB", flush=True
                )
    for method in methods:
        rows[method].append(f"{seconds.get(method, float('nan')):.2f}")
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows.values()),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two images, σ=25")
    parser.add_argument("--out", type=Path, help="where to write the table")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    out = args.out or (
        HERE / "output" / "photos-quick.md"
        if args.quick
        else HERE / "results" / "photos.md"
    )
    started = time.perf_counter()
    table = run(args.quick)
    text = (
        "# Classical denoisers on Set12 and BSD68\n\n"
        f"Written by `python benchmarks/photos.py{' --quick' if args.quick else ''}` "
        f"on {os.cpu_count()} CPU cores in {time.perf_counter() - started:.0f} s "
        f"({time.strftime('%Y-%m-%d')}). PSNR in dB on [0, 1], averaged over each "
        "set's images; gaussian noise σ/255, not clipped, one seeded draw per "
        "image.\n\n" + table
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
