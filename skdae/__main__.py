"""Command line: ``python -m skdae demo`` denoises scikit-learn's bundled digits.

The demo needs no download: it corrupts the 8x8 digits with gaussian noise, fits
PCA and a DenoisingAutoencoder on the noisy training images, prints the test
MSE and PSNR of the noisy input, PCA and the autoencoder, and writes a figure of
noisy / denoised / clean digits.

Keras is imported only once the demo runs (``skdae/__init__.py`` defers it for
the command line), quietly (``_startup.import_keras(quiet=True)``), so
``python -m skdae demo --help`` answers at once and the demo prints only its
progress and its table.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence

logger = logging.getLogger("skdae")

PCA_COMPONENTS = (4, 8, 12, 16, 24, 32)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m skdae",
        description="skdae: denoising autoencoders as scikit-learn estimators.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="denoise scikit-learn's bundled digits (offline, about 20 s on 2 CPUs)",
        description="Fit PCA and a DenoisingAutoencoder on noisy digits, print "
        "their test MSE and PSNR, and write a PNG of noisy / denoised / clean "
        "digits.",
    )
    demo.add_argument(
        "--noise-factor",
        type=float,
        default=0.3,
        help="std of the gaussian noise, on pixels in [0, 1] (default: 0.3)",
    )
    demo.add_argument(
        "--epochs", type=int, default=100, help="training epochs (default: 100)"
    )
    demo.add_argument(
        "--batch-size", type=int, default=64, help="batch size (default: 64)"
    )
    demo.add_argument(
        "--output",
        default="skdae-demo.png",
        help="where to write the figure (default: skdae-demo.png)",
    )
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    demo.add_argument(
        "--verbose",
        type=int,
        choices=(0, 1, 2),
        default=0,
        help="progress of the autoencoder's training: 0 none, 1 Keras' progress "
        "bar, 2 one line per epoch (default: 0)",
    )
    return parser


def run_demo(
    *,
    noise_factor: float = 0.3,
    epochs: int = 100,
    batch_size: int = 64,
    output: str | None = "skdae-demo.png",
    seed: int = 0,
    verbose: int = 0,
) -> dict[str, dict[str, float]]:
    """Run the digits demo and return ``{method: {"mse": ..., "psnr": ...}}``.

    Parameters
    ----------
    noise_factor : float, default=0.3
        Standard deviation of the gaussian noise (pixels are in [0, 1]).
    epochs : int, default=100
        Training epochs of the autoencoder.
    batch_size : int, default=64
        Batch size of the autoencoder.
    output : str or None, default="skdae-demo.png"
        Path of the PNG figure; None writes none.
    seed : int, default=0
        Seed of the split, the noise and the model.
    verbose : int, default=0
        The autoencoder's ``verbose``: 0 silent, 1 Keras' progress bar, 2 one
        line per epoch.

    Returns
    -------
    dict
        Test MSE and PSNR of the noisy input, PCA and the autoencoder.
    """
    from sklearn.datasets import load_digits
    from sklearn.decomposition import PCA
    from sklearn.model_selection import train_test_split

    # Keras first, without its start-up logs (see _startup); then the names.
    from . import _startup

    _startup.import_keras(quiet=True)
    from . import DenoisingAutoencoder, NoiseInjector
    from .metrics import mse, psnr

    stages = 5 if output else 4
    start = time.perf_counter()

    def progress(stage: int, message: str) -> None:
        logger.info(
            "[%d/%d %5.1fs] %s", stage, stages, time.perf_counter() - start, message
        )

    progress(1, "Loading scikit-learn's digits (1797 images of 8x8, scaled to [0, 1])")
    X = (load_digits().data / 16).astype("float32")
    X_train, X_test = train_test_split(X, test_size=0.25, random_state=seed)
    noise = NoiseInjector(noise_factor=noise_factor, clip=(0, 1), random_state=seed)
    noisy_train = noise.fit_transform(X_train)
    noisy_test = noise.transform(X_test)

    progress(2, f"Fitting PCA on the noisy training images ({len(X_train)} samples)")
    pca = min(
        (PCA(k, random_state=seed).fit(noisy_train) for k in PCA_COMPONENTS),
        key=lambda p: mse(X_train, p.inverse_transform(p.transform(noisy_train))),
    )

    progress(3, f"Fitting a DenoisingAutoencoder ({epochs} epochs)")
    dae = DenoisingAutoencoder(
        noise=NoiseInjector(noise_factor=noise_factor, clip=(0, 1)),
        epochs=epochs,
        batch_size=batch_size,
        verbose=verbose,
        random_state=seed,
    ).fit(X_train)

    progress(4, "Denoising the test images")
    estimates = {
        "noisy input": noisy_test,
        f"PCA({pca.n_components_})": pca.inverse_transform(pca.transform(noisy_test)),
        f"DenoisingAutoencoder{tuple(dae.hidden_layer_sizes)}": dae.denoise(noisy_test),
    }
    results = {
        name: {"mse": mse(X_test, est), "psnr": psnr(X_test, est)}
        for name, est in estimates.items()
    }
    print(_table(results, noise_factor, len(X_test)))

    if output:
        progress(5, f"Writing the figure to {os.path.abspath(output)}")
        _write_figure(results, estimates, X_test, output, noise_factor)
    return results


def _table(results: dict, noise_factor: float, n_test: int) -> str:
    width = max(len(name) for name in results)
    lines = [
        f"Test set: {n_test} digits, gaussian noise sigma={noise_factor}, "
        "clipped to [0, 1]",
        f"{'method':<{width}}  {'MSE':>8}  {'PSNR (dB)':>9}",
        f"{'-' * width}  {'-' * 8}  {'-' * 9}",
    ]
    for name, scores in results.items():
        lines.append(f"{name:<{width}}  {scores['mse']:8.4f}  {scores['psnr']:9.2f}")
    return "\n".join(lines)


def _row_labels(results: dict) -> list[str]:
    """One label per figure row: the method, its test MSE and PSNR; then "clean"."""
    labels = []
    for name, scores in results.items():
        short = name.replace("DenoisingAutoencoder", "autoencoder\n")
        labels.append(f"{short}\nMSE {scores['mse']:.4f}\nPSNR {scores['psnr']:.1f} dB")
    return [*labels, "clean\n(target)"]


def _figure_title(noise_factor: float, n_test: int) -> str:
    return (
        f"Denoising scikit-learn's 8x8 digits: {n_test} test digits with "
        f"gaussian noise σ={noise_factor:g} (clipped to [0, 1])\n"
        "scores of each row on the whole test set; higher PSNR is better"
    )


def _write_figure(results, estimates, clean, output, noise_factor) -> None:
    try:
        import matplotlib
    except ImportError:
        logger.warning(
            "matplotlib is not installed, so no figure was written; install it "
            "with: pip install 'skdae[plot]'"
        )
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = _make_figure(results, estimates, clean, noise_factor)
    figure.savefig(output, dpi=100, bbox_inches="tight")
    plt.close(figure)


def _make_figure(results, estimates, clean, noise_factor, n_images=10):
    """Rows of test digits, each labelled with its scores, under a title."""
    import numpy as np

    from .plotting import plot_reconstructions

    # Same [0, 1] grey scale for every row; labels beside the rows, read
    # horizontally.
    rows = [np.clip(images, 0, 1) for images in [*estimates.values(), clean]]
    figure = plot_reconstructions(
        rows, _row_labels(results), n_images=n_images, image_shape=(8, 8)
    )
    for ax in figure.axes:
        if ax.get_ylabel():  # the first image of each row
            ax.set_ylabel(
                ax.get_ylabel(), rotation=0, ha="right", va="center", fontsize="small"
            )
    figure.suptitle(_figure_title(noise_factor, len(clean)), fontsize="medium")
    return figure


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m skdae``.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``python -m skdae``; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit status, 0 on success.
    """
    args = _parser().parse_args(argv)
    # Progress lines of the demo (and of verbose=2) on stderr, for this command
    # only: the skdae logger, not the root logger of whoever calls main().
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    previous_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        if args.command == "demo":
            run_demo(
                noise_factor=args.noise_factor,
                epochs=args.epochs,
                batch_size=args.batch_size,
                output=args.output,
                seed=args.seed,
                verbose=args.verbose,
            )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
