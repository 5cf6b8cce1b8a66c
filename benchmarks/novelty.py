"""One-class novelty detection on Fashion-MNIST (issue 13).

The protocol of the deep anomaly detection literature (Ruff et al., 2018, "Deep
One-Class Classification"): for each of the 10 classes, every detector is trained
on that class's training images only (6000), scores the whole test set (10,000
images), and its ROC AUC is computed with the class as normal (higher score =
more normal). Columns, side by side in one run, each with its fit time per class:

- skdae dense: ``AutoencoderOutlierDetector()``, whose default autoencoder is
  ``DenoisingAutoencoder(hidden_layer_sizes=(256, 64), epochs=50)`` and whose
  default score is ``score_method="standardized"``
- skdae conv: ``AutoencoderOutlierDetector(ConvDenoisingAutoencoder(...))``
- PCA: ``PCA(n_components=64).score_samples`` (probabilistic PCA log-likelihood)
- IsolationForest, OneClassSVM (``--ocsvm-train N``: on a random subset of N
  images), PyOD's AutoEncoder (minus its ``decision_function``).

Every model runs with its library's defaults plus ``random_state=0``, except the
settings in :data:`SETTINGS`, one per model at most, each with its reason. The
goal (issue 13): a skdae column's mean AUC above every other column's.

Run (pyod, torch and tqdm come with the ``benchmarks`` extra)::

    python benchmarks/novelty.py           # 10 classes: writes results/novelty.md
    python benchmarks/novelty.py --quick   # smoke run on tiny subsets

    # two halves side by side (each writes a .json beside its .md), then one
    # table; --merge also joins runs of other columns (--models) on the same classes
    python benchmarks/novelty.py --classes 0 1 2 3 4 --out benchmarks/output/a.md &
    python benchmarks/novelty.py --classes 5 6 7 8 9 --out benchmarks/output/b.md
    cd benchmarks/output && python ../novelty.py --merge a.json b.json

``--quick`` trains on 800 images of classes 0 and 1 for one epoch and scores 500
test images; its numbers mean nothing and it writes
``benchmarks/output/novelty-quick.md`` (ignored by git) unless ``--out`` says
otherwise.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.svm import OneClassSVM

import common
from skdae import AutoencoderOutlierDetector, ConvDenoisingAutoencoder

HERE = Path(__file__).resolve().parent
FULL_OUT = HERE / "results" / "novelty.md"
QUICK_OUT = HERE / "output" / "novelty-quick.md"

CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
SEED = 0
#: Training images of the one-class SVM per class (None: all 6000). Its fit is
#: quadratic in them and its scoring linear in its support vectors: on two
#: shared CPU cores the full run needs the time it saves.
OCSVM_TRAIN = 2000
#: Quick mode: training images per class (PCA's full covariance needs more than
#: 784) and test images.
QUICK_TRAIN, QUICK_TEST = 800, 500

#: The one setting per model that is not its default, and why ("" = defaults).
SETTINGS = {
    "skdae dense": "defaults: `AutoencoderOutlierDetector()`, whose autoencoder "
    "is `DenoisingAutoencoder(hidden_layer_sizes=(256, 64), epochs=50)`, scored "
    'by `score_method="standardized"` (reconstruction error and code distance)',
    "skdae conv": "`filters=(32, 16, 4)`: three levels, a code of 4x4x4 = 64 "
    "values like the dense default's; the default `(32, 32)` keeps a 7x7x32 "
    "code, larger than the image, made for denoising, and an autoencoder that "
    "can copy its input reconstructs anomalies too (AUC 0.78 against 0.85 on "
    "class 0 in a preliminary run)",
    "PCA": "`n_components=64`, the size of skdae dense's default code: with its "
    "default (all 784 components) the covariance is singular on Fashion-MNIST "
    "(its border pixels are constant within a class) and `score_samples` "
    "returns -inf or meaningless values (AUC 0.53 on trousers, inf on sandals, "
    "in a first run)",
    "IsolationForest": "",
    "OneClassSVM": "",  # set in main() from --ocsvm-train
    "PyOD AutoEncoder": "",
}
SKDAE_COLUMNS = ("skdae dense", "skdae conv")
#: The conv autoencoder's one setting (see SETTINGS).
CONV_FILTERS = (32, 16, 4)
#: Errors of the run, one line per (column, class) that failed.
FAILURES: list[str] = []


class Column:
    """A detector: how to build it, which layout it reads, how to score."""

    def __init__(self, name, build, *, images=False, score=None, train=None):
        self.name = name
        self.build = build
        self.images = images
        self.score = score or (lambda model, X: model.score_samples(X))
        self.train = train  # rows of the class's training images, or all


def columns(quick: bool, ocsvm_train: int) -> list[Column]:
    """The detectors, in the table's order."""
    epochs = {"epochs": 1} if quick else {}

    def pyod_autoencoder():
        from pyod.models.auto_encoder import AutoEncoder

        return AutoEncoder(
            random_state=SEED,
            verbose=0,
            device="cpu",
            **{"epoch_num": 1} if quick else {},
        )

    return [
        Column(
            "skdae dense",
            lambda: AutoencoderOutlierDetector().set_params(
                autoencoder__random_state=SEED,
                **{f"autoencoder__{k}": v for k, v in epochs.items()},
            ),
        ),
        Column(
            "skdae conv",
            lambda: AutoencoderOutlierDetector(
                ConvDenoisingAutoencoder(
                    filters=CONV_FILTERS, random_state=SEED, **epochs
                )
            ),
            images=True,
        ),
        Column("PCA", lambda: PCA(n_components=64, random_state=SEED)),
        Column("IsolationForest", lambda: IsolationForest(random_state=SEED)),
        Column("OneClassSVM", OneClassSVM, train=ocsvm_train),
        Column(
            "PyOD AutoEncoder",
            pyod_autoencoder,
            score=lambda model, X: -model.decision_function(X),
        ),
    ]


def evaluate(column: Column, data, label: int) -> tuple[float, float]:
    """``(ROC AUC, fit seconds)`` of one detector trained on one class."""
    train = data.x_train[data.y_train == label]
    if column.train is not None and column.train < len(train):
        rng = np.random.default_rng(SEED + label)  # the same subset in every run
        train = train[np.sort(rng.choice(len(train), column.train, replace=False))]
    test = data.x_test
    if not column.images:
        train, test = train.reshape(len(train), -1), test.reshape(len(test), -1)
    model = column.build()
    start = time.perf_counter()
    model.fit(train)
    fit_seconds = time.perf_counter() - start
    scores = column.score(model, test)
    return roc_auc_score(data.y_test == label, scores), fit_seconds


def header(args, command: str) -> list[str]:
    """The run's date, machine, versions and settings, as markdown lines."""
    versions = ", ".join(
        f"{name} {common.version(name)}"
        for name in ("skdae", "keras", "tensorflow", "scikit-learn", "pyod", "torch")
    )
    import keras

    return [
        f"- command: `{command}`",
        f"- date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPU cores (shared with other work: fit times vary), "
        f"no GPU used; Keras backend {keras.backend.backend()}",
        f"- versions: Python {platform.python_version()}, {versions}",
        f"- data: Fashion-MNIST, {args.n_train_text} training images of the "
        f"normal class, {args.n_test} test images of all classes, pixels in [0, 1]",
    ]


def render(results, names, labels, lines_before, wall_seconds, done) -> str:
    """The report: AUC table, fit-time table, means and the goal."""
    title = "# One-class novelty detection on Fashion-MNIST (ROC AUC)"
    out = [title, "", *lines_before]
    if isinstance(wall_seconds, str):
        out += [wall_seconds] if wall_seconds else []
    elif wall_seconds is not None:
        out.append(f"- wall time of the run: {wall_seconds / 60:.1f} min")
    if not done:
        out.append(f"- **partial: {len(results)} of {len(labels)} classes done**")
    out += ["", "Settings (every model gets `random_state=0` where it has one):", ""]
    for name in names:
        out.append(f"- {name}: {SETTINGS[name] or 'defaults'}")
    means = {n: np.mean([results[c][n][0] for c in results]) for n in names}
    finite = [m for m in means.values() if np.isfinite(m)]
    best = max(finite) if finite else None

    def table(index, fmt, mean_label):
        rows = [
            "| class | " + " | ".join(names) + " |",
            "|---|" + "---:|" * len(names),
        ]
        for label, row in results.items():
            cells = [format(row[n][index], fmt) for n in names]
            rows.append(f"| {label} {CLASSES[label]} | " + " | ".join(cells) + " |")
        cells = [
            format(np.mean([results[c][n][index] for c in results]), fmt) for n in names
        ]
        if index == 0:
            cells = [
                f"**{c}**" if means[n] == best else c
                for c, n in zip(cells, names, strict=True)
            ]
        rows.append(f"| **{mean_label}** | " + " | ".join(cells) + " |")
        return rows

    if not results:
        return "\n".join(out) + "\n"
    if FAILURES:
        out += ["", "Failures (AUC and fit time shown as nan):", ""]
        out += [f"- {line}" for line in FAILURES]
    out += ["", "## ROC AUC, the class as normal", "", *table(0, ".4f", "mean")]
    out += ["", "## Fit seconds per class", "", *table(1, ".1f", "mean")]
    out += ["", "## Goal", ""]
    failed = sorted(n for n, m in means.items() if not np.isfinite(m))
    if failed:
        out.append(f"- columns with failures, left out of the goal: {failed}")
    means = {n: m for n, m in means.items() if np.isfinite(m)}
    others = {n: m for n, m in means.items() if n not in SKDAE_COLUMNS}
    if not others or not any(n in means for n in SKDAE_COLUMNS):
        out.append("Goal not evaluated: it needs a skdae column and another one.")
        return "\n".join(out) + "\n"
    best_other = max(others, key=others.get)
    for name in (n for n in SKDAE_COLUMNS if n in means):
        verdict = "met" if means[name] > others[best_other] else "not met"
        out.append(
            f"- {name} mean AUC {means[name]:.4f} above every other column "
            f"(best other: {best_other}, {others[best_other]:.4f}): {verdict}"
        )
    met = any(means[n] > others[best_other] for n in SKDAE_COLUMNS if n in means)
    scope = "" if done else " (on the classes done so far)"
    out.append(
        f"- **skdae mean AUC above every other column: "
        f"{'met' if met else 'not met'}**{scope}"
    )
    return "\n".join(out) + "\n"


def merge(paths: list[Path], out_path: Path) -> int:
    """Write one report from the raw results of several runs (``--merge``)."""
    parts = [json.loads(path.read_text()) for path in paths]
    # Runs on other classes, or on other columns of the same classes (a slow
    # column run apart): the columns in the table's order.
    order = [column.name for column in columns(quick=False, ocsvm_train=0)]
    names = [name for name in order if any(name in part["names"] for part in parts)]
    results, labels = {}, []
    for part in parts:
        labels += part["labels"]
        FAILURES.extend(part["failures"])
        SETTINGS.update(part["settings"])
        for label, row in part["results"].items():
            found = results.setdefault(int(label), {})
            found.update({n: tuple(v) for n, v in row.items()})
    results = dict(sorted(results.items()))
    lines = [
        "- merged from runs on different classes or columns, side by side on the same "
        "machine, each with its own header:"
    ]
    for path, part in zip(paths, parts, strict=True):
        lines += [f"  - `{path.name}`, wall time {part['wall_seconds'] / 60:.1f} min:"]
        lines += [f"    {line}" for line in part["lines_before"]]
    done = sorted(results) == sorted(set(labels)) and all(
        set(names) <= set(row) for row in results.values()
    )
    report = render(results, names, sorted(set(labels)), lines, "", done)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(report)
    print(report)
    print(f"written to {out_path}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument(
        "--classes", type=int, nargs="+", choices=range(10), help="default: all"
    )
    parser.add_argument(
        "--models", nargs="+", help="column names to run (default: all)"
    )
    parser.add_argument("--ocsvm-train", type=int, default=OCSVM_TRAIN)
    parser.add_argument("--out", type=Path, help="markdown report to write")
    parser.add_argument(
        "--merge",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="render one report from the .json files of runs on other classes "
        "or other columns (e.g. run side by side), without training",
    )
    args = parser.parse_args(argv)
    if args.merge:
        return merge(args.merge, args.out or FULL_OUT)
    command = "python benchmarks/novelty.py" + "".join(
        f" {a}" for a in (sys.argv[1:] if argv is None else argv)
    )
    if args.ocsvm_train is not None:
        SETTINGS["OneClassSVM"] = (
            f"trained on {args.ocsvm_train} random images of the class: its fit "
            "is quadratic in the training images"
        )
    labels = args.classes or ([0, 1] if args.quick else list(range(10)))
    out_path = args.out or (QUICK_OUT if args.quick else FULL_OUT)
    out_path.parent.mkdir(parents=True, exist_ok=True)

    x_train, y_train, x_test, y_test = common.fashion_mnist(
        n_test=QUICK_TEST if args.quick else None
    )
    data = SimpleNamespace(
        x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test
    )
    if args.quick:  # the first QUICK_TRAIN training images of each class
        keep = np.concatenate(
            [np.flatnonzero(data.y_train == c)[:QUICK_TRAIN] for c in range(10)]
        )
        data.x_train, data.y_train = data.x_train[keep], data.y_train[keep]
    args.n_test = len(data.x_test)
    per_class = np.bincount(data.y_train[np.isin(data.y_train, labels)])
    args.n_train_text = "/".join(sorted({str(n) for n in per_class if n}))
    chosen = columns(args.quick, args.ocsvm_train)
    if args.models:
        unknown = set(args.models) - {c.name for c in chosen}
        if unknown:
            parser.error(f"unknown models {sorted(unknown)}")
        chosen = [c for c in chosen if c.name in args.models]
    names = [c.name for c in chosen]
    lines_before = header(args, command)

    results: dict[int, dict[str, tuple[float, float]]] = {}
    start = time.perf_counter()
    for label in labels:
        results[label] = {}
        for column in chosen:
            try:
                auc, seconds = evaluate(column, data, label)
            except Exception as error:  # keep the other columns; report it
                auc = seconds = float("nan")
                FAILURES.append(f"{column.name}, class {label}: {error!r}"[:300])
            results[label][column.name] = (auc, seconds)
            print(
                f"class {label} {CLASSES[label]:12s} {column.name:18s} "
                f"AUC {auc:.4f}  fit {seconds:7.1f} s",
                file=sys.stderr,
                flush=True,
            )
        done = len(results) == len(labels)
        wall = time.perf_counter() - start
        out_path.write_text(render(results, names, labels, lines_before, wall, done))
        raw = {
            "lines_before": lines_before,
            "names": names,
            "labels": labels,
            "settings": SETTINGS,
            "failures": FAILURES,
            "wall_seconds": wall,
            "results": {
                str(c): {n: list(v) for n, v in r.items()} for c, r in results.items()
            },
        }
        out_path.with_suffix(".json").write_text(json.dumps(raw, indent=1))
    report = out_path.read_text()
    print(report)
    print(f"written to {out_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
