"""Anomaly detection on tables: ADBench's classical datasets, unsupervised (issue 20).

ADBench's unsupervised protocol (Han et al., 2022): each detector is fitted on
all rows of a table, without labels, and scored by the ROC AUC of its anomaly
scores against the labels (``y == 1``: anomaly). Every table in
``../shared/data/tabular/adbench`` but those of ``scale.py``
(:data:`SCALE_TABLES`) is used; tables above :data:`MAX_ROWS` rows
are subsampled to that many, seeded and stratified (the same rows for every
detector). Columns, in one run:

- IsolationForest, LocalOutlierFactor, OneClassSVM (``gamma="scale"``, on
  standardized columns), PCA (``PCA(0.9).score_samples`` on standardized
  columns), PyOD's ECOD and AutoEncoder (on standardized columns, as PyOD's own
  benchmark does): each with its library's defaults otherwise;
- skdae: ``AutoencoderOutlierDetector(random_state=seed)``, its defaults, on
  the RAW columns (it scales them itself): the goals are its mean AUC at least
  IsolationForest's and the best mean rank, and (issue 27) its mean fit time at
  most 10x IsolationForest's without losing the mean AUC and rank of the run
  at commit f6cba66;
- skdae conv: ``AutoencoderOutlierDetector(ConvDenoisingAutoencoder(...))`` on
  the tables that are images (optdigits: 8x8 digits).

Random methods run with :data:`SEEDS` seeds (the AUC is their mean). The second
section is one-class MNIST: classes 2, 5 and 8 in turn as the normal class,
fitted on 2,000 random training images of that class and on all of them
(:data:`MNIST_TRAIN`), scoring the test images of all classes (AUC normal vs
rest): PCA against the conv autoencoders and the detectors, conv and the
default dense one.

    python benchmarks/adbench.py            # writes results/adbench.md
    python benchmarks/adbench.py --quick    # two tiny tables, tiny models
    python benchmarks/adbench.py --only tables
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM

import common
from skdae import AutoencoderOutlierDetector, ConvDenoisingAutoencoder

TITLE = "Anomaly detection on ADBench tables and one-class MNIST"
DATA = common.HERE.parents[1] / "shared" / "data" / "tabular" / "adbench"
#: The tables of the large-table benchmark (``scale.py``), which share the folder:
#: left out here, so that this page keeps its 18 classical tables.
SCALE_TABLES = ("8_celeba", "11_donors")
#: Rows kept of a larger table (seeded, stratified).
MAX_ROWS = 10_000
SEEDS = (0, 1, 2)
#: PyOD's AutoEncoder (the slowest column) runs with the first seed only, to keep
#: the full run within 30 minutes on two shared CPU cores.
PYOD_AUTOENCODER_SEEDS = 1
TORCH_THREADS = 2
#: Whether the PyOD AutoEncoder column runs (not in quick mode). Off in the
#: committed page's run: on this machine (two CPU cores shared with two other
#: jobs) one fit took 76 s on a 10,000-row table with its defaults, 86 s in
#: batches of 256 on one torch thread and 180 s on 2,000 rows on two torch
#: threads: 18 tables x 3 seeds did not fit the 30-minute budget. Its
#: one-class Fashion-MNIST results are on the novelty page.
PYOD_AUTOENCODER = False
#: PyOD's AutoEncoder is fitted on at most this many random rows of a table (and
#: scores all of them): fitted on 10,000 rows it took 76-86 s per fit in first
#: runs here (with its default batches of 32, or of 256 on one torch thread),
#: too long for 18 tables in a 30-minute run.
PYOD_AUTOENCODER_ROWS = 2000
#: Tables that hold images, and their shape: the conv column runs on them.
IMAGES = {"26_optdigits": (8, 8)}
#: Issue 27's goal for the detector's cost: its mean fit time on the tables at
#: most this many times IsolationForest's, without losing the mean AUC and mean
#: rank of the page's run at commit f6cba66 (fit time then 69x IsolationForest's).
MAX_FIT_RATIO = 10
BASELINE = {"commit": "f6cba66", "mean AUC": 0.7619, "mean rank": 2.72, "ratio": 69}
#: Quick mode: two small tables, cut to this many rows.
QUICK_TABLES, QUICK_ROWS = ("38_thyroid", "6_cardio"), 400
#: One-class MNIST: normal classes, training images of the class (None: every
#: training image of the class, about 6,000) and test images of all classes.
MNIST_CLASSES, MNIST_TRAIN, MNIST_TEST = (2, 5, 8), (2000, None), 5000
#: Quick mode: the training images loaded (of all classes), the sizes fitted on
#: (None: every loaded image of the class) and the test images.
QUICK_MNIST_LOADED, QUICK_MNIST_TRAIN, QUICK_MNIST_TEST = 1000, (50, None), 300
#: One-class MNIST: the autoencoders' epochs and seeds (one, to keep the run short).
MNIST_EPOCHS, MNIST_SEEDS = 10, (0,)


def load_table(path: Path, max_rows: int = MAX_ROWS):
    """``X`` (float64), ``y`` (1 = anomaly) of a table, subsampled if larger."""
    with np.load(path) as data:
        X, y = data["X"].astype(np.float64), data["y"].astype(int).ravel()
    if len(y) > max_rows:
        X, _, y, _ = train_test_split(
            X, y, train_size=max_rows, stratify=y, random_state=0
        )
    return X, y


def tables(quick: bool):
    """``[(name, X, y)]``: every ADBench table, or two tiny ones in quick mode."""
    if quick:
        paths = [DATA / f"{name}.npz" for name in QUICK_TABLES]
        return [(p.stem, *load_table(p, QUICK_ROWS)) for p in paths]
    paths = sorted(
        (p for p in DATA.glob("*.npz") if p.stem not in SCALE_TABLES),
        key=lambda p: int(p.stem.split("_")[0]),
    )
    return [(p.stem, *load_table(p)) for p in paths]


def _pyod(name):
    if importlib.util.find_spec("pyod") is None:
        return None
    if name == "ECOD":
        from pyod.models.ecod import ECOD

        return lambda seed, quick: ECOD()

    def autoencoder(seed, quick):
        import torch
        from pyod.models.auto_encoder import AutoEncoder

        torch.set_num_threads(TORCH_THREADS)

        extra = {"epoch_num": 2} if quick else {}
        model = AutoEncoder(random_state=seed, verbose=0, device="cpu", **extra)
        return _Subsampled(
            make_pipeline(StandardScaler(), model), PYOD_AUTOENCODER_ROWS, seed
        )

    return autoencoder


class Method:
    """A column: ``build(seed, quick)``, whether it is random, how it scores.

    ``anomaly(model, X)`` is the anomaly score (higher = more anomalous).
    """

    def __init__(
        self, name, build, *, random=True, anomaly=None, images=False, n_seeds=None
    ):
        self.name, self.build, self.random, self.images = name, build, random, images
        self.n_seeds = n_seeds  # fewer seeds than the others (a slow method)
        self.anomaly = anomaly or (lambda model, X: -model.score_samples(X))


def _lof_scores(model, X):
    return -model.negative_outlier_factor_


class _Subsampled:
    """Fit ``model`` on at most ``rows`` random rows; score every row."""

    def __init__(self, model, rows, seed):
        self.model, self.rows, self.seed = model, rows, seed

    def fit(self, X):
        if len(X) > self.rows:
            keep = np.random.default_rng(self.seed).choice(len(X), self.rows, False)
            X = X[np.sort(keep)]
        self.model.fit(X)
        return self


def _pyod_scores(model, X):
    if isinstance(model, _Subsampled):
        return model.model.decision_function(X)
    return (
        model[-1].decision_scores_
        if hasattr(model, "steps")
        else (model.decision_scores_)
    )


def skdae_detector(seed, quick):
    """The goal's column: the detector's defaults, seeded (fewer epochs in
    quick mode)."""
    detector = AutoencoderOutlierDetector(random_state=seed)
    if quick:
        detector.set_params(autoencoder__epochs=2)
    return detector


def conv_detector(seed, quick, image_shape=(8, 8)):
    """The conv autoencoder's detector on images scaled to [0, 1]."""
    return AutoencoderOutlierDetector(
        ConvDenoisingAutoencoder(
            image_shape=image_shape,
            filters=(16, 8),
            epochs=2 if quick else 30,
            random_state=seed,
        )
    )


def methods(quick: bool = False) -> list[Method]:
    """The columns, in the table's order; PyOD's left out when not installed,
    its AutoEncoder in quick mode."""
    found = [
        Method("IsolationForest", lambda s, q: IsolationForest(random_state=s)),
        Method(
            "LOF",
            lambda s, q: make_pipeline(StandardScaler(), LocalOutlierFactor()),
            random=False,
            anomaly=lambda m, X: _lof_scores(m[-1], X),
        ),
        Method(
            "PCA",
            lambda s, q: make_pipeline(StandardScaler(), PCA(0.9)),
            random=False,
        ),
        Method(
            "OneClassSVM",
            lambda s, q: make_pipeline(StandardScaler(), OneClassSVM()),
            random=False,
        ),
    ]
    for name in ("ECOD", "AutoEncoder"):
        build = _pyod(name)
        if name == "AutoEncoder" and (quick or not PYOD_AUTOENCODER):
            continue  # see PYOD_AUTOENCODER
        if build is not None:
            found.append(
                Method(
                    f"PyOD {name}",
                    build,
                    random=name != "ECOD",
                    anomaly=lambda m, X: _pyod_scores(m, X),
                    n_seeds=PYOD_AUTOENCODER_SEEDS if name == "AutoEncoder" else None,
                )
            )
    found.append(Method("skdae", skdae_detector))
    found.append(Method("skdae conv", conv_detector, images=True))
    return found


def evaluate(method: Method, name, X, y, quick, seeds=SEEDS):
    """``(mean AUC over seeds, mean fit seconds, [AUC of each seed])``, or None
    when not run."""
    if method.images and name not in IMAGES:
        return None
    aucs, seconds = [], []
    seeds = seeds if method.random else seeds[:1]
    for seed in seeds[: method.n_seeds]:
        model = method.build(seed, quick)
        data = X
        if method.images:  # pixel values to [0, 1], as images
            data = X / max(float(X.max()), 1e-12)
            model.autoencoder.set_params(image_shape=IMAGES[name])
        start = time.perf_counter()
        model.fit(data)
        seconds.append(time.perf_counter() - start)
        scores = method.anomaly(model, data)
        aucs.append(roc_auc_score(y, scores))
    return float(np.mean(aucs)), float(np.mean(seconds)), aucs


def run_tables(quick: bool) -> str:
    """The tables' section: AUC per table, mean AUC, mean rank, fit seconds."""
    data = tables(quick)
    chosen = methods(quick)
    seeds = SEEDS[:1] if quick else SEEDS
    results = {}
    for name, X, y in data:
        results[name] = {}
        for method in chosen:
            result = evaluate(method, name, X, y, quick, seeds)
            results[name][method.name] = result
            if result is not None:
                print(
                    f"{name:20s} {method.name:16s} AUC {result[0]:.4f} "
                    f"fit {result[1]:7.2f} s",
                    file=sys.stderr,
                    flush=True,
                )
    names = [m.name for m in chosen]
    everywhere = [n for n in names if all(results[t][n] for t in results)]
    ranks = _ranks(results, everywhere)
    seed_ranks = [
        _ranks(_one_seed(results, everywhere, i), everywhere) for i in range(len(seeds))
    ]
    rows = []
    for (table, X, y), row in zip(data, results.values(), strict=True):
        rows.append(
            [table, f"{len(y)} x {X.shape[1]}", round(float(y.mean()), 3)]
            + [None if row[n] is None else round(row[n][0], 3) for n in names]
        )
    mean_auc = {
        n: float(np.mean([results[t][n][0] for t in results])) for n in everywhere
    }
    rows.append(
        ["**mean AUC**", "", None]
        + [round(mean_auc[n], 4) if n in mean_auc else None for n in names]
    )
    rows.append(
        ["**mean rank**", "", None]
        + [round(ranks[n], 2) if n in ranks else None for n in names]
    )
    fit = {n: [results[t][n][1] for t in results if results[t][n]] for n in names}
    rows.append(
        ["**mean fit s**", "", None]
        + [round(float(np.mean(fit[n])), 2) if fit[n] else None for n in names]
    )
    largest = max(results, key=lambda t: len(dict((d[0], d[2]) for d in data)[t]))
    rows.append(
        [f"**fit s, {largest}**", "", None]
        + [
            None if results[largest][n] is None else round(results[largest][n][1], 2)
            for n in names
        ]
    )
    lines = [
        "## ADBench tables, unsupervised (ROC AUC)",
        "",
        f"- {len(data)} tables from `../shared/data/tabular/adbench`, larger ones "
        f"subsampled to {QUICK_ROWS if quick else MAX_ROWS} rows (stratified, seed "
        f"0); each detector fitted on all rows, no labels; AUC of its anomaly "
        f"score; random methods: mean over seeds {list(seeds)}.",
        "- skdae: `AutoencoderOutlierDetector(random_state=seed)` (defaults) on "
        "the raw columns. "
        "IsolationForest and ECOD on the raw columns; LOF, PCA(0.9), OneClassSVM "
        "and PyOD's AutoEncoder behind a StandardScaler, each with its library's "
        "defaults"
        + (
            f"; but PyOD's AutoEncoder is fitted on {PYOD_AUTOENCODER_ROWS} random "
            f"rows of each table (scoring all rows) with {PYOD_AUTOENCODER_SEEDS} "
            "seed. "
            if PYOD_AUTOENCODER
            else ". PyOD's AutoEncoder is not in this run: one fit took 76 s "
            "(defaults, 10,000 rows) to 180 s (2,000 rows) on this shared "
            "machine, too long for 18 tables in 30 minutes (`PYOD_AUTOENCODER` "
            "in the script turns it on). "
        )
        + "skdae conv: "
        "`ConvDenoisingAutoencoder(filters=(16, 8), epochs=30)` in the detector, "
        "on the image tables only (pixels divided by their maximum).",
        "- mean rank: over the columns run on every table (1 = best AUC), "
        "ties averaged.",
        "",
        common.table(["table", "rows x cols", "anomalies", *names], rows),
        "",
        "Mean rank with each seed alone (each random method's AUC of that seed, "
        "the others' as above): how far the ranks move from seed to seed.",
        "",
        common.table(
            ["seed", *everywhere],
            [
                [seed, *(round(by_seed[n], 2) for n in everywhere)]
                for seed, by_seed in zip(seeds, seed_ranks, strict=True)
            ],
        ),
        "",
    ]
    if "skdae" in mean_auc and "IsolationForest" in mean_auc:
        # The best of the other columns: the goal is met when skdae's mean rank
        # is below it, not when tied with it.
        others = {name: rank for name, rank in ranks.items() if name != "skdae"}
        best_rank = min(others, key=others.get)
        tied = np.isclose(ranks["skdae"], ranks[best_rank])
        wins = sum(
            results[t]["skdae"][0] >= results[t]["IsolationForest"][0] for t in results
        )
        lines += [
            "### Goals",
            "",
            common.table(
                ["goal", "skdae", "control", "met"],
                [
                    [
                        "mean AUC >= IsolationForest's",
                        round(mean_auc["skdae"], 4),
                        round(mean_auc["IsolationForest"], 4),
                        mean_auc["skdae"] >= mean_auc["IsolationForest"],
                    ],
                    [
                        f"best mean rank (best other: {best_rank})",
                        round(ranks["skdae"], 2),
                        round(ranks[best_rank], 2),
                        "no (tied)" if tied else ranks["skdae"] < ranks[best_rank],
                    ],
                    [
                        f"tables where skdae >= IsolationForest (of {len(results)})",
                        wins,
                        len(results),
                        None,
                    ],
                    [
                        f"fit seconds on {largest} ({len(y_of(data, largest))} rows)"
                        " vs IsolationForest",
                        round(results[largest]["skdae"][1], 2),
                        round(results[largest]["IsolationForest"][1], 2),
                        None,
                    ],
                    *_cost_goal(mean_auc, ranks, fit),
                ],
            ),
            "",
            f"Issue 27's goal for the detector's cost is met when its mean fit time "
            f"is at most {MAX_FIT_RATIO}x IsolationForest's (it was "
            f"{BASELINE['ratio']}x at commit {BASELINE['commit']}) with the mean AUC "
            f"not below {BASELINE['mean AUC']} and the mean rank not above "
            f"{BASELINE['mean rank']}, that run's figures (its rank then tied "
            "with IsolationForest's).",
        ]
    return "\n".join(lines)


def _cost_goal(mean_auc, ranks, fit):
    """The Goals rows of issue 27's goal for the detector: its mean fit time
    over IsolationForest's, the mean AUC and rank kept, and all three."""
    skdae_s = float(np.mean(fit["skdae"]))
    forest_s = float(np.mean(fit["IsolationForest"]))
    ratio = skdae_s / forest_s
    fast = ratio <= MAX_FIT_RATIO
    auc_kept = round(mean_auc["skdae"], 4) >= BASELINE["mean AUC"]
    rank_kept = round(ranks["skdae"], 2) <= BASELINE["mean rank"]
    at = BASELINE["commit"]
    return [
        [
            f"mean fit s / IsolationForest's <= {MAX_FIT_RATIO} "
            f"({round(skdae_s, 2)} s / {round(forest_s, 2)} s)",
            round(ratio, 1),
            MAX_FIT_RATIO,
            fast,
        ],
        [
            f"mean AUC not below {at}'s",
            round(mean_auc["skdae"], 4),
            BASELINE["mean AUC"],
            auc_kept,
        ],
        [
            f"mean rank not above {at}'s",
            round(ranks["skdae"], 2),
            BASELINE["mean rank"],
            rank_kept,
        ],
        [
            f"issue 27: fit <= {MAX_FIT_RATIO}x IsolationForest's, AUC and rank kept",
            round(ratio, 1),
            MAX_FIT_RATIO,
            fast and auc_kept and rank_kept,
        ],
    ]


def _one_seed(results, names, index):
    """``results`` with each column's AUC of one seed (its last seed when it
    ran fewer), in the shape :func:`_ranks` reads."""
    return {
        table: {n: (row[n][2][min(index, len(row[n][2]) - 1)],) for n in names}
        for table, row in results.items()
    }


def y_of(data, table):
    return next(y for name, _, y in data if name == table)


def _ranks(results, names):
    """Mean rank of each column over the tables (1 = best), ties averaged."""
    from scipy.stats import rankdata

    if not names:
        return {}
    ranks = np.array([rankdata([-results[t][n][0] for n in names]) for t in results])
    return dict(zip(names, ranks.mean(axis=0).tolist(), strict=True))


def mnist_columns(quick: bool, epochs: int) -> dict:
    """The one-class MNIST columns: ``{name: build(seed)}`` (three in quick
    mode)."""
    columns = {
        "PCA(64)": lambda s: PCA(64 if not quick else 16, random_state=s),
        "conv default score_samples": lambda s: ConvDenoisingAutoencoder(
            epochs=epochs, random_state=s
        ),
        "conv score_samples": lambda s: ConvDenoisingAutoencoder(
            **MNIST_CONV, epochs=epochs, random_state=s
        ),
        "conv detector": lambda s: AutoencoderOutlierDetector(
            ConvDenoisingAutoencoder(**MNIST_CONV, epochs=epochs, random_state=s)
        ),
        "dense detector": lambda s: _dense_detector(s, quick),
    }
    if quick:  # the guide's three columns only
        keep = ("PCA(64)", "conv detector", "dense detector")
        columns = {k: columns[k] for k in keep}
    return columns


def _dense_detector(seed, quick):
    """``AutoencoderOutlierDetector(random_state=seed)``: its defaults on
    images (one epoch in quick mode)."""
    detector = AutoencoderOutlierDetector(random_state=seed)
    if quick:
        detector.set_params(autoencoder__epochs=1)
    return detector


#: The one-class MNIST columns fitted on flat rows of 784 pixels (the others on
#: 28 x 28 images).
MNIST_FLAT = ("PCA(64)", "dense detector")
#: The detectors the anomaly guide may recommend for images.
MNIST_DETECTORS = ("conv detector", "dense detector")


def _size_name(n_train):
    return "all" if n_train is None else str(n_train)


def run_mnist(quick: bool) -> str:
    """One-class MNIST at each training size of :data:`MNIST_TRAIN`: PCA, the
    conv autoencoders and the detectors (conv and the dense default)."""
    sizes = QUICK_MNIST_TRAIN if quick else MNIST_TRAIN
    x_train, y_train, x_test, y_test = common.mnist(
        n_train=QUICK_MNIST_LOADED if quick else None,
        n_test=QUICK_MNIST_TEST if quick else MNIST_TEST,
    )
    classes = MNIST_CLASSES[:1] if quick else MNIST_CLASSES
    seeds = MNIST_SEEDS
    epochs = 1 if quick else MNIST_EPOCHS
    columns = mnist_columns(quick, epochs)
    # auc[size][name] and fit[size][name]: one value per class
    auc = {size: {name: [] for name in columns} for size in sizes}
    fit = {size: {name: [] for name in columns} for size in sizes}
    counts = {size: [] for size in sizes}
    rows = []
    for size in sizes:
        for label in classes:
            rng = np.random.default_rng(label)
            train = x_train[y_train == label]
            n_train = len(train) if size is None else min(size, len(train))
            train = train[np.sort(rng.choice(len(train), n_train, False))]
            counts[size].append(len(train))
            row = [f"{label}", len(train)]
            for name, build in columns.items():
                aucs, seconds = [], []
                flat = name in MNIST_FLAT
                fit_on = train.reshape(len(train), -1) if flat else train
                test = x_test.reshape(len(x_test), -1) if flat else x_test
                for seed in seeds if name != "PCA(64)" else seeds[:1]:
                    model = build(seed)
                    start = time.perf_counter()
                    model.fit(fit_on)
                    seconds.append(time.perf_counter() - start)
                    aucs.append(
                        roc_auc_score(y_test == label, model.score_samples(test))
                    )
                auc[size][name].append(float(np.mean(aucs)))
                fit[size][name].append(float(np.mean(seconds)))
                row.append(round(float(np.mean(aucs)), 4))
                print(
                    f"mnist {label} {len(train):5d} {name:28s} AUC "
                    f"{np.mean(aucs):.4f} fit {np.mean(seconds):6.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
            rows.append(row)
        rows.append(
            [f"**mean, {_size_name(size)}**", None]
            + [round(float(np.mean(auc[size][name])), 4) for name in columns]
        )
    fit_rows = [
        [_size_name(size), _count_range(counts[size])]
        + [round(float(np.mean(fit[size][name])), 1) for name in columns]
        for size in sizes
    ]
    mean = {
        size: {name: float(np.mean(auc[size][name])) for name in columns}
        for size in sizes
    }
    detectors = [n for n in MNIST_DETECTORS if n in columns]
    best = {size: max(detectors, key=mean[size].get) for size in sizes}
    goals = []
    for size in sizes:
        for name in detectors:
            goals.append(
                [
                    f"{_size_name(size)} images: {name} above PCA",
                    round(mean[size][name], 4),
                    round(mean[size]["PCA(64)"], 4),
                    mean[size][name] > mean[size]["PCA(64)"],
                ]
            )
    one_best = len(set(best.values())) == 1
    winner = next(iter(best.values()))
    goals.append(
        [
            "one detector the best of "
            + " and ".join(detectors)
            + " at every size, and above PCA at every size"
            + (f" ({winner}; its lower mean, PCA's higher)" if one_best else ""),
            round(min(mean[size][winner] for size in sizes), 4) if one_best else None,
            round(max(mean[size]["PCA(64)"] for size in sizes), 4),
            one_best
            and all(mean[size][winner] > mean[size]["PCA(64)"] for size in sizes),
        ]
    )
    return "\n".join(
        [
            "## One-class MNIST (ROC AUC, the class as normal)",
            "",
            "- fitted on "
            + " and on ".join(
                "every training image of the normal class"
                if size is None
                else f"{size} random training images of the normal class"
                for size in sizes
            )
            + f", scoring {len(x_test)} random test images of all classes; "
            f"autoencoders: mean over seeds {list(seeds)}; the conv ones "
            f"{epochs} epoch{'s' if epochs != 1 else ''}.",
            f"- conv: `ConvDenoisingAutoencoder({_kwargs(MNIST_CONV)})`; "
            "conv default: `ConvDenoisingAutoencoder()` (filters (32, 32): a "
            "7x7x32 code, larger than the image), as the issue measured it; "
            "conv detector: the conv in `AutoencoderOutlierDetector`; dense "
            "detector: `AutoencoderOutlierDetector(random_state=seed)`, its "
            "defaults on images (784 pixels: a (256, 64) ReLU network, "
            + ("1 epoch in quick mode" if quick else "50 epochs")
            + "). PCA and the dense detector on flat rows of pixels.",
            "",
            common.table(["normal class", "train images", *columns], rows),
            "",
            "Mean fit seconds per class:",
            "",
            common.table(["train images", "images per class", *columns], fit_rows),
            "",
            common.table(["goal", "skdae", "PCA", "met"], goals),
            "",
            "Best detector: "
            + "; ".join(
                f"{best[size]} with {_size_name(size)} images" for size in sizes
            )
            + ".",
        ]
    )


def _count_range(counts):
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}-{high}"


#: The conv autoencoder of the MNIST section: a bottleneck (4x4x4 code).
MNIST_CONV = {"filters": (32, 16, 4)}


def _kwargs(params):
    return ", ".join(f"{k}={v!r}" for k, v in params.items())


SECTIONS = {"tables": run_tables, "mnist": run_mnist}

if __name__ == "__main__":
    common.main("adbench", TITLE, SECTIONS)
