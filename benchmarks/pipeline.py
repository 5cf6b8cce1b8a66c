"""Autoencoder codes as features for a classifier, in a scikit-learn Pipeline.

``LogisticRegression(max_iter=1000)`` on the raw pixels of the first 20,000
Fashion-MNIST training images, against the same classifier behind a default
``DenoisingAutoencoder`` (σ=0.4 noise), without and with a ``StandardScaler``
on the codes (unscaled ReLU outputs); accuracy on the 10,000 clean test images.
Goal: a pipeline >= raw pixels + 2 points.

    python benchmarks/pipeline.py            # about 5 min on 2 CPU cores
    python benchmarks/pipeline.py --quick    # smoke run on tiny subsets
"""

import warnings

from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import common
from skdae import DenoisingAutoencoder

TITLE = "Feature extraction in a Pipeline"
N_TRAIN = 20_000
MAX_ITER = 1000
GAIN_GOAL = 2.0


def run(quick):
    x_train, y_train, x_test, y_test = common.fashion_mnist(quick=quick)
    X, y = x_train[:N_TRAIN].reshape(-1, 784), y_train[:N_TRAIN]
    X_test = x_test.reshape(-1, 784)
    dae = DenoisingAutoencoder(noise=common.gaussian(), random_state=common.SEED)
    max_iter = MAX_ITER
    if quick:
        dae.set_params(epochs=1)
        max_iter = 20
    label = (
        f"DenoisingAutoencoder() (hidden_layer_sizes={tuple(dae.hidden_layer_sizes)}"
        f", epochs={dae.epochs}, σ=0.4)"
    )
    models = {
        "raw pixels -> LogisticRegression": LogisticRegression(max_iter=max_iter),
        f"{label} -> LogisticRegression": Pipeline(
            [("dae", dae), ("clf", LogisticRegression(max_iter=max_iter))]
        ),
        f"{label} -> StandardScaler -> LogisticRegression": Pipeline(
            [
                ("dae", clone(dae)),
                ("scale", StandardScaler()),
                ("clf", LogisticRegression(max_iter=max_iter)),
            ]
        ),
    }
    rows, raw = [], None
    for name, model in models.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            _, seconds = common.timed(lambda model=model: model.fit(X, y))
        if any(issubclass(w.category, ConvergenceWarning) for w in caught):
            name += " (did not converge)"
        accuracy = 100 * model.score(X_test, y_test)
        classifier = model[-1] if isinstance(model, Pipeline) else model
        goal = met = None
        if raw is None:
            raw = accuracy
        else:
            goal = f">= raw + {GAIN_GOAL:g} points = {raw + GAIN_GOAL:.2f}"
            met = accuracy >= raw + GAIN_GOAL
        iterations = int(classifier.n_iter_.max())
        rows.append([name, f"{accuracy:.2f}", f"{seconds:.1f}", iterations, goal, met])
    return (
        f"Fashion-MNIST: the first {len(X)} training images (flattened) with their "
        f"labels; accuracy on the {len(X_test)} clean test images; "
        f"LogisticRegression(max_iter={max_iter}). Fit seconds include the "
        "autoencoder's training.\n\n"
        + common.table(
            [
                "model",
                "test accuracy %",
                "fit s",
                "logistic iterations",
                "goal",
                "met",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    common.main("pipeline", TITLE, run)
