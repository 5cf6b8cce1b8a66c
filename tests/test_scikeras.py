"""skdae's features in front of scikeras' KerasClassifier, and one naming convention.

scikeras is an optional extra (``pip install "skdae[scikeras]"``); these tests
skip without it. Importing scikeras patches Keras' pickling for the whole
process, so it is imported only in a subprocess of its own, never in the test
process (tests/test_process_state.py checks that skdae does not import it).
"""

import importlib.util

import pytest
from conftest import run_json_script

from skdae import DenoisingAutoencoder
from skdae._keras_params import ROUTES

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("scikeras") is None,
    reason="scikeras is not installed (pip install 'skdae[scikeras]')",
)

#: Training parameters that both wrappers take, under the same names.
SHARED_PARAMETERS = {
    "optimizer",
    "loss",
    "metrics",
    "callbacks",
    "epochs",
    "batch_size",
    "validation_split",
    "shuffle",
    "verbose",
    "random_state",
    "warm_start",
    "run_eagerly",
}

SCRIPT = r"""
import inspect, json
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from skdae import DenoisingAutoencoder, NoiseInjector
import keras
from scikeras.wrappers import BaseWrapper, KerasClassifier

def build(hidden_units, meta):
    return keras.Sequential([
        keras.Input((meta["n_features_in_"],)),
        keras.layers.Dense(hidden_units, activation="relu"),
        keras.layers.Dense(meta["n_classes_"], activation="softmax"),
    ])

X, y = load_digits(return_X_y=True)
X, y = X[:500] / 16, y[:500]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
pipe = Pipeline([
    ("dae", DenoisingAutoencoder(
        (32,), noise=NoiseInjector(clip=(0, 1)), epochs=4, batch_size=64,
        optimizer="adam", optimizer__learning_rate=3e-3, random_state=0)),
    ("clf", KerasClassifier(
        build, model__hidden_units=32, loss="sparse_categorical_crossentropy",
        optimizer="adam", optimizer__learning_rate=2e-2, epochs=8, batch_size=64,
        verbose=0, random_state=0)),
])
grid = {
    "dae__noise__noise_factor": [0.1, 0.4],
    "clf__model__hidden_units": [8, 48],
}
search = GridSearchCV(pipe, grid, cv=2).fit(X_train, y_train)
best = search.best_estimator_
dae, clf = best.named_steps["dae"], best.named_steps["clf"]
print(json.dumps({
    "grid": grid,
    "best_params": search.best_params_,
    "cv_scores": list(search.cv_results_["mean_test_score"]),
    "test_score": search.score(X_test, y_test),
    "learning_rates": {
        "dae": float(keras.ops.convert_to_numpy(dae.model_.optimizer.learning_rate)),
        "clf": float(keras.ops.convert_to_numpy(clf.model_.optimizer.learning_rate)),
    },
    "routed_get_params": {
        "dae": dae.get_params()["optimizer__learning_rate"],
        "clf": clf.get_params()["optimizer__learning_rate"],
    },
    "wrapper_parameters": sorted(inspect.signature(BaseWrapper).parameters),
    "routing_prefixes": sorted(BaseWrapper._routing_prefixes),
}))
"""


@pytest.fixture(scope="module")
def scikeras_run():
    """The Pipeline's grid search and scikeras' names, from a fresh process."""
    return run_json_script(SCRIPT)


def test_grid_search_tunes_both_steps_of_the_pipeline(scikeras_run):
    """GridSearchCV reaches the autoencoder's noise and the classifier's model."""
    best, grid = scikeras_run["best_params"], scikeras_run["grid"]
    assert set(best) == set(grid)
    assert all(best[name] in grid[name] for name in grid)
    assert len(scikeras_run["cv_scores"]) == 4
    # Ten classes: chance is 0.1.
    assert scikeras_run["test_score"] > 0.5


def test_routed_learning_rate_reaches_each_optimizer(scikeras_run):
    """``optimizer__learning_rate`` means the same in both wrappers."""
    assert scikeras_run["routed_get_params"] == {"dae": 3e-3, "clf": 2e-2}
    rates = scikeras_run["learning_rates"]
    assert rates["dae"] == pytest.approx(3e-3)
    assert rates["clf"] == pytest.approx(2e-2)


def test_training_parameters_follow_scikeras_names(scikeras_run):
    assert SHARED_PARAMETERS <= set(scikeras_run["wrapper_parameters"])
    assert SHARED_PARAMETERS <= set(DenoisingAutoencoder().get_params())


def test_routing_prefixes_follow_scikeras(scikeras_run):
    """skdae routes by scikeras' prefixes: ``callbacks__*`` as scikeras routes it
    at fit (outside its ``_routing_prefixes``); not ``model__*`` (skdae builds its
    own network from parameters) nor ``predict__*`` (which skdae rejects)."""
    theirs = set(scikeras_run["routing_prefixes"]) | {"callbacks"}
    assert set(ROUTES) == theirs - {"model", "predict"}
    estimator = DenoisingAutoencoder(optimizer__learning_rate=0.01)
    assert estimator.get_params()["optimizer__learning_rate"] == 0.01
    estimator.set_params(loss__reduction="sum", callbacks__patience=3)
    params = estimator.get_params()
    assert params["loss__reduction"] == "sum"
    assert params["callbacks__patience"] == 3
