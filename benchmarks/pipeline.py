"""Benchmark ``pipeline``: autoencoder codes as features for a classifier.

A logistic regression on raw pixels against the same classifier behind a
``DenoisingAutoencoder`` (default architecture, trained with σ=0.4 noise) in a
scikit-learn ``Pipeline``, and with a ``StandardScaler`` between the two (the
codes are unscaled ReLU outputs); trained on the first 20,000 training images,
tested on the clean test set.
"""

from __future__ import annotations

import warnings

from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from config import SEED, SIGMA, flat, gaussian
from context import Context
from measure import timed
from progress import plural
from results import GOAL_COLUMNS, Column, Section, Table, goal
from skdae import DenoisingAutoencoder

NAME = "pipeline"
TITLE = "Feature extraction in a Pipeline"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 4

#: Training images used (the first ones).
N_TRAIN = 20_000
#: Iterations of the logistic regression.
MAX_ITER = 1000
#: Goal: accuracy gain of the pipeline over raw pixels, in points.
GAIN_GOAL = 2.0


def run(ctx: Context) -> Section:
    """Fit both classifiers and compare their test accuracy."""
    data = ctx.data
    n_train = ctx.config.rows(N_TRAIN, len(data.x_train))
    X, y = flat(data.x_train[:n_train]), data.y_train[:n_train]
    X_test, y_test = flat(data.x_test), data.y_test

    dae = DenoisingAutoencoder(noise=gaussian(), random_state=SEED)
    if ctx.config.quick:
        dae.set_params(epochs=ctx.config.epochs(dae.epochs))
    dae_label = (
        f"DenoisingAutoencoder() (hidden_layer_sizes={tuple(dae.hidden_layer_sizes)}"
        f", {plural(dae.epochs, 'epoch')}, σ={SIGMA})"
    )
    models = {
        "raw pixels -> LogisticRegression": LogisticRegression(max_iter=MAX_ITER),
        f"{dae_label} -> LogisticRegression": Pipeline(
            [("dae", dae), ("clf", LogisticRegression(max_iter=MAX_ITER))]
        ),
        f"{dae_label} -> StandardScaler -> LogisticRegression": Pipeline(
            [
                ("dae", clone(dae)),
                ("scale", StandardScaler()),
                ("clf", LogisticRegression(max_iter=MAX_ITER)),
            ]
        ),
    }
    table = Table(
        [
            Column("model", "model"),
            Column("accuracy", "test accuracy %", ".2f"),
            Column("fit", "fit s", ".1f"),
            Column("iterations", "logistic iterations", "d"),
            *GOAL_COLUMNS,
        ]
    )
    accuracies = []
    for label, model in models.items():
        ctx.log(f"{NAME}: fitting {label}")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            _, seconds = timed(lambda model=model: model.fit(X, y))
        accuracy = 100 * model.score(X_test, y_test)
        classifier = model[-1] if isinstance(model, Pipeline) else model
        row = table.add(
            model=label,
            accuracy=accuracy,
            fit=seconds,
            iterations=int(classifier.n_iter_.max()),
        )
        if any(issubclass(w.category, ConvergenceWarning) for w in caught):
            row["model"] += " (did not converge)"
        accuracies.append(accuracy)
    for row, accuracy in zip(table.rows[1:], accuracies[1:], strict=True):
        row.update(
            goal(
                accuracy,
                ">=",
                accuracies[0] + GAIN_GOAL,
                f">= raw + {GAIN_GOAL:g} points = {accuracies[0] + GAIN_GOAL:.2f}",
            )
        )
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"Fashion-MNIST: the first {n_train} training images (flattened) with "
            f"their labels; accuracy on the {len(X_test)} clean test images. "
            f"LogisticRegression(max_iter={MAX_ITER}) on raw pixels, and the same "
            "behind the autoencoder's code (its transform) in a Pipeline, "
            "without and with a StandardScaler on the codes. Fit seconds include "
            "the autoencoder's training."
        ),
        tables=[table],
    )
