"""The little the benchmark scripts share: data, the seeded noise, the page they write.

- :func:`fashion_mnist` and :func:`mnist` read the project's offline copies
  (``../shared/data/keras/datasets`` beside the repository), or else download
  through Keras.
- :func:`gaussian` and :func:`corrupt`: the benchmarks' common noise,
  gaussian σ = 0.4 clipped to [0, 1], and one seeded draw of any injector.
- :func:`pmlb` reads a PMLB table of the shared data; :func:`flat` makes images
  rows; :func:`epoch_timer` times each epoch of a fit.
- :class:`UntrainedAutoencoder`: the control for training, a
  ``DenoisingAutoencoder`` whose ``fit`` builds the network and never trains it.
- :func:`main` runs a script's ``run(quick)`` and writes what it returns as
  ``results/<name>.md`` (``output/<name>-quick.md`` with ``--quick``), under a
  header with the command, the date, the machine, the versions and the commit.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import argparse  # noqa: E402
import datetime  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from skdae import DenoisingAutoencoder  # noqa: E402

HERE = Path(__file__).resolve().parent
DATASETS = HERE.parents[1] / "shared" / "data" / "keras" / "datasets"
#: The shared tables: GAIN's (``gain/<name>.csv``) and PMLB's (``pmlb/<name>.tsv.gz``).
TABULAR = HERE.parents[1] / "shared" / "data" / "tabular"
PMLB = TABULAR / "pmlb"
#: The benchmarks' noise: gaussian σ=0.4 clipped to [0, 1]; test draws use seed 0,
#: the fixed noisy copies of the training set (the seed scripts' way) seed 1.
SIGMA, SEED, COPY_SEED = 0.4, 0, 1
#: Quick mode (a smoke run whose numbers mean nothing): images kept per split.
QUICK_TRAIN, QUICK_TEST = 256, 128


def fashion_mnist(n_train=None, n_test=None, *, quick=False, seed=0):
    """Fashion-MNIST as float32 in [0, 1], (n, 28, 28), with uint8 labels.

    ``n_train`` / ``n_test`` keep that many images of each split, drawn at
    random (seeded) and kept in their order; all of them when None; ``quick``
    keeps :data:`QUICK_TRAIN` and :data:`QUICK_TEST`.
    Returns ``x_train, y_train, x_test, y_test``.
    """
    if quick:
        n_train, n_test = QUICK_TRAIN, QUICK_TEST
    folder = DATASETS / "fashion-mnist"
    if folder.is_dir():

        def idx(name, offset):
            with gzip.open(folder / name) as file:
                return np.frombuffer(file.read(), np.uint8, offset=offset)

        x_train = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
        y_train = idx("train-labels-idx1-ubyte.gz", 8)
        x_test = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
        y_test = idx("t10k-labels-idx1-ubyte.gz", 8)
    else:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    return _subset(x_train, y_train, x_test, y_test, n_train, n_test, seed)


def mnist(n_train=None, n_test=None, seed=0):
    """MNIST digits, as :func:`fashion_mnist` returns Fashion-MNIST."""
    path = DATASETS / "mnist.npz"
    if path.is_file():  # rebuilt from the IDX files: Keras' checksum refuses it
        with np.load(path) as data:
            arrays = [data[k] for k in ("x_train", "y_train", "x_test", "y_test")]
    else:
        import keras

        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        arrays = [x_train, y_train, x_test, y_test]
    return _subset(*arrays, n_train, n_test, seed)


def _subset(x_train, y_train, x_test, y_test, n_train, n_test, seed):
    rng = np.random.default_rng(seed)

    def rows(n, total):
        if n is None or n >= total:
            return slice(None)
        return np.sort(rng.choice(total, size=n, replace=False))

    def scaled(images):  # float32 in [0, 1] without a float64 temporary
        out = images.astype(np.float32)
        out /= 255
        return out

    train, test = rows(n_train, len(x_train)), rows(n_test, len(x_test))
    return (
        scaled(x_train[train]),
        np.array(y_train[train]),
        scaled(x_test[test]),
        np.array(y_test[test]),
    )


def gaussian(sigma=SIGMA, random_state=None):
    """``NoiseInjector(noise_factor=sigma, clip=(0, 1))``, the benchmarks' noise."""
    from skdae import NoiseInjector

    return NoiseInjector(noise_factor=sigma, clip=(0, 1), random_state=random_state)


def corrupt(noise, X, seed=SEED):
    """One seeded draw of the injector ``noise`` on ``X`` (``noise`` is untouched)."""
    from sklearn.base import clone

    return clone(noise).set_params(random_state=seed).fit_transform(X)


def pca_denoise(noisy_train, noisy_test, n_components=64):
    """PCA fitted on noisy training images, reconstructing the noisy test images.

    Returns the reconstruction, in the test images' shape, and the fit seconds.
    """
    from sklearn.decomposition import PCA

    rows = flat(noisy_train)
    pca = PCA(min(n_components, len(rows)), random_state=SEED)
    _, seconds = timed(lambda: pca.fit(rows))
    out = pca.inverse_transform(pca.transform(flat(noisy_test)))
    return out.reshape(noisy_test.shape), seconds


class UntrainedAutoencoder(DenoisingAutoencoder):
    """The control for training: a ``DenoisingAutoencoder`` that never trains.

    ``fit`` is ``initialize``: it builds the network exactly as
    ``DenoisingAutoencoder.fit`` starts it (the same layers and the same seeded
    initial weights) and fits the codes' whitening on the untrained codes (the
    regularized ZCA that ``fit`` fits after training), so ``transform`` returns
    the random network's codes processed exactly as trained ones are.
    """

    def fit(self, X, y=None):
        return self.initialize(X)


def flat(images):
    """Images ``(n, ...)`` as rows ``(n, n_features)``."""
    return images.reshape(len(images), -1)


def pmlb(name, dtype="float32", folder=PMLB):
    """The PMLB table ``<folder>/<name>.tsv.gz``: its columns as ``dtype``, and
    its ``target`` column. Returns ``X, y``."""
    import pandas as pd

    frame = pd.read_csv(Path(folder) / f"{name}.tsv.gz", sep="\t")
    y = frame.pop("target").to_numpy()
    return frame.to_numpy(dtype), y


def epoch_timer():
    """A Keras callback whose ``seconds`` lists each epoch's wall seconds."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


def in_fresh_process(script, arguments, env=None):
    """Run ``python script --worker *arguments`` in a fresh process: the dict
    its last line of output holds as JSON. ``env`` replaces the environment.

    Timings are taken this way because TensorFlow keeps process-wide state
    (thread pools, traced functions) that a later measurement would inherit.
    """
    command = [sys.executable, str(Path(script).resolve()), "--worker", *arguments]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        backend = (env or os.environ).get("KERAS_BACKEND", "the default backend")
        raise RuntimeError(f"{arguments} on {backend} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def interleaved(items, rounds):
    """Each of ``items`` once per round, the order rotated by one item from
    round to round, so a drift in the machine's load hits all of them alike
    (the timings' protocol, with :func:`in_fresh_process`)."""
    items = list(items)
    for round_ in range(rounds):
        shift = round_ % len(items)
        yield from items[shift:] + items[:shift]


def measure_interleaved(script, names, rounds, quick, measurement):
    """``{name: [one result per round]}``: each of ``names`` measured by
    ``script --worker name`` in a fresh process (:func:`in_fresh_process`),
    :func:`interleaved` over ``rounds``; in quick mode once each, in this
    process, by ``measurement(name, quick=True)``."""
    results = {name: [] for name in names}
    for name in interleaved(names, 1 if quick else rounds):
        if quick:
            results[name].append(measurement(name, quick=True))
            continue
        results[name].append(in_fresh_process(script, [name]))
        print(name, "measured", file=sys.stderr, flush=True)
    return results


def sibling(name):
    """The benchmark script ``benchmarks/<name>.py`` as a module (loaded once),
    for a script that reuses another's data or protocol."""
    import importlib.util

    key = f"benchmark_{name}"
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, HERE / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def timed(function):
    """``(function(), wall seconds)``."""
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def table(header, rows):
    """A markdown table; floats print with 4 significant digits, None as a dash."""

    def cell(value):
        if value is None:
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def header(command, seconds, quick):
    """The run's header: command, date, wall time, machine, versions, commit."""
    import keras

    versions = ", ".join(
        f"{name} {version(name)}"
        for name in ("skdae", "keras", "tensorflow", "scikit-learn", "numpy")
    )
    try:
        commit = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return "\n".join(
        [
            f"- command: `{command}`"
            + (" (quick: a smoke run, the numbers mean nothing)" if quick else ""),
            f"- date: {datetime.date.today()}, wall time {seconds / 60:.1f} min, "
            f"commit {commit or 'unknown'}",
            f"- machine: {platform.machine()}, {os.cpu_count()} CPU cores, "
            f"Keras backend {keras.backend.backend()}, skdae's device "
            f"{_device()}; Python {platform.python_version()}, {versions}",
        ]
    )


def version(name):
    """The installed version of a distribution, or "(not installed)"."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def _device():
    from skdae.device import resolve_device

    return resolve_device("auto")


def main(name, title, run, argv=None):
    """The command line of a benchmark script: ``--quick``, ``--out``, ``--only``.

    ``run`` is ``run(quick) -> markdown``, or a dict of such functions, one per
    section (``--only`` picks some). Writes the header and the markdown to
    ``results/<name>.md`` (``output/<name>-quick.md`` with ``--quick``); figures
    saved with :func:`save_figure` go beside it. Returns the path written.
    """
    sections = run if isinstance(run, dict) else {name: run}
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: tiny subsets, one epoch"
    )
    parser.add_argument("--out", type=Path, help="the markdown page to write")
    if len(sections) > 1:
        parser.add_argument("--only", nargs="+", choices=list(sections))
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    out = args.out or (
        HERE / "output" / f"{name}-quick.md"
        if args.quick
        else HERE / "results" / f"{name}.md"
    )
    _PAGE["out"] = out
    start = time.perf_counter()
    chosen = getattr(args, "only", None) or list(sections)
    body = "\n\n".join(sections[key](args.quick).strip() for key in chosen)
    command = " ".join(["python", f"benchmarks/{name}.py", *argv])
    text = (
        f"# {title}\n\n{header(command, time.perf_counter() - start, args.quick)}"
        f"\n\n{body}\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text, flush=True)
    print(f"wrote {out}", file=sys.stderr)
    return out


#: The page being written (set by :func:`main`), for :func:`save_figure`.
_PAGE = {"out": HERE / "results" / "page.md"}


def save_figure(fig, filename):
    """Save a matplotlib figure for the page; return its markdown image link.

    Figures go to ``benchmarks/figures/`` for a page in ``results/``, else to a
    ``figures/`` folder beside the page.
    """
    import matplotlib.pyplot as plt

    page = _PAGE["out"].resolve().parent
    folder = (page.parent if page.name == "results" else page) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / filename, dpi=100)
    plt.close(fig)
    link = Path(os.path.relpath(folder / filename, page)).as_posix()
    return f"![{filename}]({link})"


def seed_net(filters=(16, 8)):
    """The seed-000 conv net, hand-written in Keras and compiled (adam, MSE).

    Stride-2 3x3 ``Conv2D`` layers (relu) down, stride-2 ``Conv2DTranspose``
    back up, a 3x3 sigmoid ``Conv2D`` out, on (28, 28, 1) images: the layers of
    ``ConvDenoisingAutoencoder(filters=(16, 8))``. Returns ``(model, encoder)``.
    """
    import keras
    from keras import layers

    images = keras.Input((28, 28, 1))
    x = images
    for n in filters:
        x = layers.Conv2D(n, 3, strides=2, padding="same", activation="relu")(x)
    code = x
    for n in reversed(filters):
        x = layers.Conv2DTranspose(n, 3, strides=2, padding="same", activation="relu")(
            x
        )
    outputs = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(x)
    model = keras.Model(images, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model, keras.Model(images, code)
