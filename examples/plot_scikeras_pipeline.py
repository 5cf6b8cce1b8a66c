"""
=====================================================
Autoencoder features for a scikeras KerasClassifier
=====================================================

skdae's estimators are scikit-learn transformers, so their codes can feed any
classifier in a :class:`~sklearn.pipeline.Pipeline`, including a Keras network
wrapped by `scikeras <https://adriangb.com/scikeras/>`_' ``KerasClassifier``
(``pip install "skdae[scikeras]"``). :class:`~sklearn.model_selection.GridSearchCV`
then tunes both steps together: the autoencoder's training noise as
``dae__noise__noise_factor`` beside the classifier's own parameters, here the
width of its hidden layer (``clf__model__hidden_units``, an argument of the
function that builds its model). Both wrappers name their Keras training
parameters alike (``epochs``, ``batch_size``, ``optimizer__learning_rate``...).

Importing scikeras changes how Keras pickles its models for the whole process;
skdae itself never imports it. Data: scikit-learn's digits.

Set ``SKDAE_QUICK=1`` to search a smaller grid on fewer digits, with fewer epochs.
"""

# %%
# The Pipeline and its grid
# -------------------------
import os

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoder, NoiseInjector

# isort: split
import keras  # after skdae, which quiets TensorFlow's start-up logs
from scikeras.wrappers import KerasClassifier

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

X, y = load_digits(return_X_y=True)
X = X / 16
if QUICK:
    X, y = X[:600], y[:600]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)


def build_classifier(hidden_units, meta):
    """A one-hidden-layer network; scikeras passes ``meta`` (the data's sizes)."""
    return keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(hidden_units, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )


epochs = 5 if QUICK else 40
pipe = Pipeline(
    [
        (
            "dae",
            DenoisingAutoencoder(
                hidden_layer_sizes=(64, 32),
                noise=NoiseInjector(clip=(0, 1)),
                epochs=epochs,
                batch_size=64,
                optimizer__learning_rate=3e-3,
                random_state=0,
            ),
        ),
        (
            "clf",
            KerasClassifier(
                build_classifier,
                model__hidden_units=32,
                loss="sparse_categorical_crossentropy",
                optimizer="adam",
                optimizer__learning_rate=1e-2,
                epochs=epochs,
                batch_size=64,
                verbose=0,
                random_state=0,
            ),
        ),
    ]
)
param_grid = {
    "dae__noise__noise_factor": [0.1, 0.4] if QUICK else [0.0, 0.1, 0.2, 0.4],
    "clf__model__hidden_units": [16, 64] if QUICK else [16, 64, 256],
}
search = GridSearchCV(pipe, param_grid, cv=2 if QUICK else 3)
search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)
columns = [
    "param_dae__noise__noise_factor",
    "param_clf__model__hidden_units",
    "mean_test_score",
    "std_test_score",
]
print(results[columns].round(3).to_string(index=False))
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")
print(f"held-out accuracy of the refitted Pipeline: {search.score(X_test, y_test):.3f}")

# %%
# Validation accuracy across the grid
# -----------------------------------
fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
for units, rows in results.groupby("param_clf__model__hidden_units"):
    ax.errorbar(
        rows["param_dae__noise__noise_factor"].astype(float),
        rows["mean_test_score"],
        yerr=rows["std_test_score"],
        marker="o",
        capsize=3,
        label=f"{units} hidden units",
    )
ax.set_xlabel("autoencoder's training noise_factor")
ax.set_ylabel("validation accuracy")
ax.set_title("GridSearchCV over both steps of the Pipeline")
ax.legend()
plt.show()
