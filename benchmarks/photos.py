"""Photo denoising on Set12 and BSD68 at σ = 15, 25 and 50: skdae and the classics.

For each test set and noise level, PSNR (dB, on [0, 1]) averaged over the
images, of the noisy input, a Gaussian blur, scikit-image's wavelet,
total-variation and non-local-means denoisers, BM3D, and skdae's
``ConvDenoisingAutoencoder`` trained on the *other* set's images (on BSD68 to
test on Set12, and the reverse) within a fixed time. Gaussian noise of standard
deviation σ/255, not clipped, one seeded draw per image
(``NoiseInjector(noise_factor=σ/255, random_state=0)``).

skdae's model, the one setting documented in the photo example::

    ConvDenoisingAutoencoder(
        filters=(32, 64, 128), skip_connections=True, residual=True,
        noise=NoiseInjector(noise_factor=(0, 55 / 255)),  # blind: one model
        batch_size=32, optimizer__learning_rate=2e-3,
        epochs=..., callbacks=[TimeBudget(minutes)],
    ).fit(extract_patches(photos, 48, n_patches=...))

one blind model per training set, for every σ, trained until the time budget
(``--minutes``, 15 by default) is spent, its learning rate divided by 10 for
the last fifth of it. ``--per-sigma 25`` (or ``15 25 50``) adds one model per
listed σ, trained on that σ alone, with the same budget each.

Runnable on its own (``pip install ".[benchmarks]"`` brings scikit-image and
bm3d)::

    python benchmarks/photos.py                 # both sets, three levels
    python benchmarks/photos.py --quick         # two images, σ=25, 20 s training

It writes ``benchmarks/results/photos.md`` (``benchmarks/output/`` with
``--quick``). The photos are read from the project's shared data folder
(``../shared/data/set12`` and ``bsd68`` beside the repository).
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
from scipy import ndimage  # noqa: E402

from skdae import ConvDenoisingAutoencoder, NoiseInjector, extract_patches  # noqa: E402
from skdae.metrics import psnr  # noqa: E402

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data"
SETS = ("set12", "bsd68")
SIGMAS = (15, 25, 50)
BLIND_RANGE = (0, 55)
SKIMAGE = ("wavelet", "TV", "NL-means")


def load_photos(name: str, limit: int | None = None) -> list[np.ndarray]:
    """The grayscale photos of a test set, as float32 arrays in [0, 1]."""
    from skimage.io import imread

    paths = sorted((DATA / name).glob("*.png"))[:limit]
    return [imread(path, as_gray=True).astype(np.float32) / 255 for path in paths]


def add_noise(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian noise of std ``sigma / 255``, one seeded draw, not clipped."""
    injector = NoiseInjector(noise_factor=sigma / 255, random_state=0)
    return injector.fit_transform(image[None])[0]


def classical(sigma: float) -> dict:
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
        "wavelet: scikit-image denoise_wavelet (BayesShrink)": lambda x: (
            denoise_wavelet(x, method="BayesShrink", mode="soft", rescale_sigma=True)
        ),
        "TV: scikit-image denoise_tv_chambolle (weight 0.08)": lambda x: (
            denoise_tv_chambolle(x, weight=0.08)
        ),
        "NL-means: scikit-image denoise_nl_means (h 0.8σ, patch 5, distance 6)": (
            lambda x: denoise_nl_means(
                x, h=0.8 * s, sigma=s, patch_size=5, patch_distance=6, fast_mode=True
            )
        ),
        "BM3D (bm3d package)": lambda x: bm3d.bm3d(x, sigma_psd=s),
    }


class TimeBudget(keras.callbacks.Callback):
    """Stop training after ``seconds``; divide the learning rate by 10 for the
    last fifth of them."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()
        self.decayed = False

    def on_train_batch_end(self, batch, logs=None):
        spent = time.perf_counter() - self.start
        if not self.decayed and spent > 0.8 * self.seconds:
            rate = self.model.optimizer.learning_rate
            rate.assign(rate * 0.1)
            self.decayed = True
        if spent > self.seconds:
            self.model.stop_training = True


def train_skdae(photos, noise_factor, seconds: float, n_patches: int):
    """skdae's photo model, trained on patches of ``photos`` for ``seconds``."""
    patches = extract_patches(photos, 48, n_patches=n_patches, random_state=0)
    model = ConvDenoisingAutoencoder(
        filters=(32, 64, 128),
        skip_connections=True,
        residual=True,
        noise=NoiseInjector(noise_factor=noise_factor),
        batch_size=32,
        optimizer__learning_rate=2e-3,
        epochs=10_000,  # the time budget stops it
        callbacks=[TimeBudget(seconds)],
        random_state=0,
    )
    start = time.perf_counter()
    model.fit(patches)
    return model, time.perf_counter() - start


def mean_psnr(denoise, photos, sigma) -> tuple[float, float]:
    """Mean PSNR of ``denoise`` on the noisy photos, and seconds per photo."""
    scores, seconds = [], 0.0
    for clean in photos:
        noisy = add_noise(clean, sigma)
        start = time.perf_counter()
        out = denoise(noisy)
        seconds += time.perf_counter() - start
        scores.append(psnr(clean, out, data_range=1.0))
    return float(np.mean(scores)), seconds / len(photos)


def skdae_denoiser(model):
    return lambda image: model.denoise(image[None])[0]


def time_one_photo(denoise, photo, repeats: int = 3) -> float:
    """Best of ``repeats`` wall times of denoising ``photo`` (after a warm-up)."""
    noisy = add_noise(photo, 25)
    denoise(noisy)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        denoise(noisy)
        times.append(time.perf_counter() - start)
    return min(times)


class Results:
    """Measured numbers, kept in a JSON file as soon as each is measured.

    A run reads the numbers already in the file (same script, same seeded
    noise: the classical denoisers are deterministic) and measures the rest,
    so ``--part classical`` and ``--part skdae`` can run as two processes,
    and an interrupted run resumes. ``--fresh`` empties the file first.
    """

    def __init__(self, path: Path, fresh: bool):
        self.path = path
        self.data = {} if fresh or not path.exists() else json.loads(path.read_text())

    def get(self, *key):
        return self.data.get(json.dumps(key))

    def put(self, value, *key):
        self.data = {} if not self.path.exists() else json.loads(self.path.read_text())
        self.data[json.dumps(key)] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=1, ensure_ascii=False))

    def items(self):
        return [(tuple(json.loads(key)), value) for key, value in self.data.items()]


def measure_classical(results, photos, sigmas):
    for name in SETS:
        for sigma in sigmas:
            for method, denoise in classical(sigma).items():
                if results.get("psnr", method, name, sigma) is None:
                    score, spent = mean_psnr(denoise, photos[name], sigma)
                    results.put(
                        {"psnr": score, "seconds": spent}, "psnr", method, name, sigma
                    )
                print(f"{name} σ={sigma} {method}: done", flush=True)
    big = next((p for p in photos["set12"] if p.shape == (512, 512)), None)
    if big is not None and results.get("512", "BM3D") is None:
        bm3d_25 = classical(25)["BM3D (bm3d package)"]
        results.put(time_one_photo(bm3d_25, big, repeats=1), "512", "BM3D")


def measure_skdae(results, photos, sigmas, seconds, n_patches, per_sigma):
    for test, train in (("set12", "bsd68"), ("bsd68", "set12")):
        levels = {"blind": (BLIND_RANGE[0] / 255, BLIND_RANGE[1] / 255)}
        levels.update({f"σ={sigma}": sigma / 255 for sigma in per_sigma})
        for label, noise_factor in levels.items():
            method = (
                f"skdae, blind σ∈[{BLIND_RANGE[0]}, {BLIND_RANGE[1]}]"
                if label == "blind"
                else "skdae, one model per σ"
            )
            tested = sigmas if label == "blind" else [int(label[2:])]
            if all(results.get("psnr", method, test, s) for s in tested):
                continue
            model, spent = train_skdae(photos[train], noise_factor, seconds, n_patches)
            results.put(
                f"- {method}, tested on {test}: trained on {train} "
                f"({len(photos[train])} photos, {n_patches} patches of 48x48) for "
                f"{spent / 60:.1f} min, {model.n_iter_} epoch(s)"
                + ("" if label == "blind" else f" at {label}")
                + ".",
                "note",
                method,
                test,
            )
            for sigma in tested:
                score, spent = mean_psnr(skdae_denoiser(model), photos[test], sigma)
                results.put(
                    {"psnr": score, "seconds": spent}, "psnr", method, test, sigma
                )
                print(f"{test} σ={sigma} {method}: {score:.2f} dB", flush=True)
            big = next((p for p in photos["set12"] if p.shape == (512, 512)), None)
            if big is not None and test == "set12" and label == "blind":
                results.put(time_one_photo(skdae_denoiser(model), big), "512", "skdae")


def run(quick, minutes, per_sigma, part, fresh, only_sigmas=None):
    limit = 2 if quick else None
    photos = {name: load_photos(name, limit) for name in SETS}
    sigmas = (25,) if quick else SIGMAS
    measured_sigmas = only_sigmas or sigmas
    cache = HERE / "output" / ("photos-quick.json" if quick else "photos.json")
    results = Results(cache, fresh)
    if part in ("all", "classical"):
        measure_classical(results, photos, measured_sigmas)
    if part in ("all", "skdae"):
        seconds = 20 if quick else 60 * minutes
        n_patches = 2000 if quick else 40_000
        measure_skdae(results, photos, measured_sigmas, seconds, n_patches, per_sigma)
    psnrs = {
        key[1:]: value["psnr"] for key, value in results.items() if key[0] == "psnr"
    }
    per_image = {
        key[1]: value["seconds"]
        for key, value in results.items()
        if key[0] == "psnr" and key[2:] == ("set12", 25)
    }
    notes = [value for key, value in results.items() if key[0] == "note"]
    timings = {key[1]: value for key, value in results.items() if key[0] == "512"}
    sigmas = [s for s in sigmas if any(k[2] == s for k in psnrs)]

    columns = [(name, sigma) for name in SETS for sigma in sigmas]
    methods = list(dict.fromkeys(method for method, _, _ in psnrs))
    header = ["method", *(f"{n} σ={s}" for n, s in columns), "s / image (set12 σ=25)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for method in methods:
        cells = [
            f"{psnrs[method, n, s]:.2f}" if (method, n, s) in psnrs else "–"
            for n, s in columns
        ]
        timing = per_image.get(method)
        cells.append("–" if timing is None else f"{timing:.2f}")
        lines.append("| " + " | ".join([method, *cells]) + " |")

    goals = []
    skdae_methods = [m for m in methods if m.startswith("skdae")]
    for name, sigma in columns:
        skimage_best = max(
            (
                psnrs[m, name, sigma]
                for m in methods
                if m.split(":")[0] in SKIMAGE and (m, name, sigma) in psnrs
            ),
            default=float("nan"),
        )
        best_skdae = max(
            (psnrs[m, name, sigma] for m in skdae_methods if (m, name, sigma) in psnrs),
            default=float("nan"),
        )
        if not skdae_methods or ("BM3D (bm3d package)", name, sigma) not in psnrs:
            goals.append(f"- {name} σ={sigma}: not measured yet")
            continue
        bm3d = psnrs["BM3D (bm3d package)", name, sigma]
        goals.append(
            f"- {name} σ={sigma}: skdae {best_skdae:.2f} against the best "
            f"scikit-image denoiser {skimage_best:.2f}: "
            + ("met" if best_skdae > skimage_best else "**not met**")
            + (
                f"; within 0.5 dB of BM3D ({bm3d:.2f}, gap "
                f"{bm3d - best_skdae:+.2f}): "
                + ("met" if best_skdae >= bm3d - 0.5 else "**not met**")
                if sigma == 25
                else ""
            )
        )
    if "skdae" in timings and "BM3D" in timings:
        goals.append(
            f"- Denoising one 512x512 photo on the CPU: skdae {timings['skdae']:.2f} s "
            "(best of 3, after a warm-up): "
            + ("met" if timings["skdae"] <= 1 else "**not met**")
            + f"; BM3D {timings['BM3D']:.1f} s."
        )
    text = "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n\n## Goals\n\n"
    return text + "\n".join(goals) + "\n", timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two images, σ=25")
    parser.add_argument(
        "--minutes", type=float, default=15, help="training budget per skdae model"
    )
    parser.add_argument(
        "--per-sigma",
        type=int,
        nargs="*",
        default=[],
        help="also one skdae model for each of these σ",
    )
    parser.add_argument(
        "--part",
        choices=["all", "classical", "skdae"],
        default="all",
        help="measure only one part (two processes can share the work)",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="forget the numbers already measured"
    )
    parser.add_argument(
        "--sigmas", type=int, nargs="*", help="measure only these σ (table: all)"
    )
    parser.add_argument("--out", type=Path, help="where to write the table")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    out = args.out or (
        HERE / "output" / "photos-quick.md"
        if args.quick
        else HERE / "results" / "photos.md"
    )
    started = time.perf_counter()
    table, _ = run(
        args.quick, args.minutes, args.per_sigma, args.part, args.fresh, args.sigmas
    )
    command = "python benchmarks/photos.py" + " ".join(
        [""] + (sys.argv[1:] if argv is None else argv)
    )
    text = (
        "# Photo denoising on Set12 and BSD68\n\n"
        f"Written by `{command}` on {os.cpu_count()} CPU cores "
        f"({keras.backend.backend()} backend, no GPU) in "
        f"{time.perf_counter() - started:.0f} s ({time.strftime('%Y-%m-%d')}). "
        "PSNR in dB on [0, 1], averaged over each set's images; gaussian noise "
        "σ/255, not clipped, one seeded draw per image. skdae's models are "
        "trained on the other set's photos.\n\n" + table
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
