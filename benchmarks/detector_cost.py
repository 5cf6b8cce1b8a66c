"""The detector's fit on the ADBench tables, against the same network in Keras.

Issue 27 asks ``AutoencoderOutlierDetector()``'s mean fit time on the 18 tables
of ``adbench.py`` to be at most 10x ``IsolationForest()``'s. This page puts
that goal beside what the same training costs written directly in Keras, as a
Keras user would write it:

- ``IsolationForest()``, the tool a user would pick instead;
- ``AutoencoderOutlierDetector()``, the default (three autoencoders trained in
  one graph, the standardized score);
- the same with one autoencoder (``n_autoencoders=1``);
- plain Keras: the default's network (``default_hidden_layer_sizes``, tanh,
  linear output) in hand-written Keras, one of it, compiled with Adam and the
  mean squared error and fitted on the robustly scaled columns for the
  default's epochs (``table_epochs``) in batches of 256, without noise: build,
  compile and ``fit`` (of NumPy arrays, as a Keras user would write it) are
  timed, not the scoring (its AUC is that of the plain reconstruction error).

The tables are ``adbench.py``'s (larger ones cut to 10,000 rows, seeded), seed
0. Each configuration runs every table in its own fresh Python process
(TensorFlow keeps process-wide state that a later fit would inherit), after one
warm-up fit on a small random table, as ``adbench.py`` fits many tables in one
process; the processes are interleaved over rounds, and a table's time is its
fastest round. AUCs are of the first round.

    python benchmarks/detector_cost.py            # about 10 min on 2 CPU cores
    python benchmarks/detector_cost.py --quick    # smoke run, in this process
    python benchmarks/detector_cost.py --worker skdae
"""

from __future__ import annotations

import json
import sys

import numpy as np

import common

TITLE = "The detector's fit on ADBench tables against the same network in Keras"
CONFIGS = {
    "IsolationForest()": "IsolationForest",
    "AutoencoderOutlierDetector()": "skdae",
    "AutoencoderOutlierDetector(n_autoencoders=1)": "skdae, one autoencoder",
    "the default's network in plain Keras": "plain Keras",
}
ROUNDS = 2
#: Issue 27's goal: the detector's mean fit time at most this many times
#: IsolationForest's.
MAX_FIT_RATIO = 10
#: Plain Keras' batch size, the default's on tables.
BATCH_SIZE = 256


def run(quick):
    results = common.measure_interleaved(
        __file__, list(CONFIGS), ROUNDS, quick, measurement
    )
    return report(results, quick)


def measurement(name, *, quick=False):
    """One configuration's ``{table: [AUC, fit seconds]}``: every table fitted
    in this process, after a warm-up."""
    from sklearn.metrics import roc_auc_score

    adbench = common.sibling("adbench")
    fit_and_score = _configurations(quick)[name]
    rng = np.random.default_rng(0)
    fit_and_score(rng.normal(size=(300, 5)))  # warm-up: the first trace
    results = {}
    for table, X, y in adbench.tables(quick):
        anomaly, seconds = fit_and_score(X)
        results[table] = [float(roc_auc_score(y, anomaly)), seconds]
    return results


def _configurations(quick):
    """name -> ``fit_and_score(X) -> (anomaly scores, fit seconds)``."""
    from sklearn.ensemble import IsolationForest

    from skdae import AutoencoderOutlierDetector

    def estimator(build):
        def fit_and_score(X):
            model = build()
            _, seconds = common.timed(lambda: model.fit(X))
            return -model.score_samples(X), seconds

        return fit_and_score

    def detector(**params):
        def build():
            model = AutoencoderOutlierDetector(random_state=0, **params)
            if quick:
                model.set_params(autoencoder__epochs=1)
            return model

        return build

    return {
        "IsolationForest()": estimator(lambda: IsolationForest(random_state=0)),
        "AutoencoderOutlierDetector()": estimator(detector()),
        "AutoencoderOutlierDetector(n_autoencoders=1)": estimator(
            detector(n_autoencoders=1)
        ),
        "the default's network in plain Keras": lambda X: _plain_keras(X, quick),
    }


def _plain_keras(X, quick):
    """The default's network in plain Keras: (anomaly scores, fit seconds)."""
    import keras

    from skdae.outlier import (
        _fit_robust_scaler,
        default_hidden_layer_sizes,
        table_epochs,
    )

    scaled = _fit_robust_scaler(X).transform(X).astype("float32")
    n_rows, n_features = scaled.shape
    sizes = default_hidden_layer_sizes(n_features)
    epochs = 1 if quick else table_epochs(n_rows)

    def fit():
        keras.utils.set_random_seed(0)
        inputs = keras.Input((n_features,))
        hidden = inputs
        for units in (*sizes, *reversed(sizes[:-1])):
            hidden = keras.layers.Dense(units, activation="tanh")(hidden)
        outputs = keras.layers.Dense(n_features)(hidden)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer="adam", loss="mse")
        model.fit(scaled, scaled, batch_size=BATCH_SIZE, epochs=epochs, verbose=0)
        return model

    model, seconds = common.timed(fit)
    reconstruction = model.predict(scaled, batch_size=4096, verbose=0)
    return np.mean((scaled - reconstruction) ** 2, axis=1), seconds


def report(results, quick):
    names = list(results)
    tables = list(results[names[0]][0])
    auc = {n: {t: results[n][0][t][0] for t in tables} for n in names}
    fit = {n: {t: min(r[t][1] for r in results[n]) for t in tables} for n in names}
    forest = names[0]
    mean_fit = {n: float(np.mean(list(fit[n].values()))) for n in names}
    rows = [
        [t] + [v for n in names for v in (round(auc[n][t], 3), round(fit[n][t], 2))]
        for t in tables
    ]
    rows.append(
        ["**mean**"]
        + [
            v
            for n in names
            for v in (round(float(np.mean(list(auc[n].values()))), 4), mean_fit[n])
        ]
    )
    ratio_rows = [
        [
            n,
            round(mean_fit[n], 2),
            round(mean_fit[n] / mean_fit[forest], 1),
            "—" if n == forest else mean_fit[n] / mean_fit[forest] <= MAX_FIT_RATIO,
        ]
        for n in names
    ]
    skdae, plain = names[1], names[3]
    lines = [
        "ADBench's tables as on `adbench.md`"
        f"{' (quick: two tiny ones)' if quick else ''}"
        f", seed 0. Fit seconds: the fastest of {1 if quick else ROUNDS} fresh "
        "processes, interleaved, each fitting every table after a warm-up (see the "
        "script's docstring); AUC of the first round.",
        "",
        common.table(
            ["table"] + [f"{CONFIGS[n]} {c}" for n in names for c in ("AUC", "fit s")],
            rows,
        ),
        "",
        "Mean fit time against IsolationForest's "
        f"(issue 27: at most {MAX_FIT_RATIO}x):",
        "",
        common.table(
            ["configuration", "mean fit s", "x IsolationForest's", "met"], ratio_rows
        ),
        "",
        f"- One network in plain Keras, trained for the default's epochs, fits in "
        f"{mean_fit[plain] / mean_fit[forest]:.1f}x IsolationForest's mean time; "
        f"the default detector (three networks, and the score's statistics) in "
        f"{mean_fit[skdae] / mean_fit[plain]:.2f}x plain Keras'.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    if "--worker" in sys.argv:  # one configuration in this fresh process
        print(json.dumps(measurement(sys.argv[sys.argv.index("--worker") + 1])))
    else:
        common.main("detector_cost", TITLE, run)
