"""
===========================================================
Impute missing values, then classify, in one Pipeline
===========================================================

:class:`~skdae.AutoencoderImputer` fills missing entries (NaN) with a
denoising autoencoder trained with masking noise on the observed entries, in
the API of scikit-learn's imputers. It takes raw columns (it standardizes them
internally and undoes it), so it can be the first step of a
:class:`~sklearn.pipeline.Pipeline`, fitted inside each cross-validation fold.

Here a third of the entries of scikit-learn's bundled breast-cancer table are
hidden at random; three pipelines impute them (the column mean, the 5 nearest
rows, the autoencoder) and feed a ``LogisticRegression``. We compare their
cross-validated accuracy, and the error of each imputer on the hidden entries.

Set ``SKDAE_QUICK=1`` to train for fewer epochs.
"""

# %%
# Data with holes
# ---------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdae import AutoencoderImputer, DenoisingAutoencoder, NoiseInjector

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

X, y = load_breast_cancer(return_X_y=True)
rng = np.random.default_rng(0)
hidden = rng.random(X.shape) < 0.33
X_missing = np.where(hidden, np.nan, X)
print(f"{hidden.mean():.0%} of the {X.size} entries are missing")

# %%
# Three imputers
# --------------
# The autoencoder is small: 569 rows. Its masking noise hides 30 % of the
# observed entries of each training batch, which it learns to predict back.
autoencoder = DenoisingAutoencoder(
    (64, 64),
    noise=NoiseInjector(kind="masking", noise_factor=0.3),
    output_activation="linear",
    whiten=False,
    epochs=5 if QUICK else 200,
    batch_size=64,
)
imputers = {
    "SimpleImputer(mean)": SimpleImputer(),
    "KNNImputer()": KNNImputer(),
    "AutoencoderImputer": AutoencoderImputer(autoencoder, random_state=0),
}

# %%
# Error on the hidden entries
# ---------------------------
# Each imputer fills the whole table; observed entries come back unchanged.
scale = X.std(axis=0)
errors = {}
for name, imputer in imputers.items():
    filled = imputer.fit_transform(X_missing)
    assert (filled[~hidden] == X[~hidden]).all()
    errors[name] = np.sqrt(np.mean(((filled - X) / scale)[hidden] ** 2))
    print(f"{name:>20}: RMSE {errors[name]:.3f} (in standard deviations)")

# %%
# Impute, then classify
# ---------------------
# The imputer is the Pipeline's first step: each fold fits it on its training
# rows only.
cv = StratifiedKFold(n_splits=3 if QUICK else 5, shuffle=True, random_state=0)
accuracy = {}
for name, imputer in imputers.items():
    pipeline = make_pipeline(
        imputer, StandardScaler(), LogisticRegression(max_iter=1000)
    )
    accuracy[name] = cross_val_score(pipeline, X_missing, y, cv=cv).mean()
    print(f"{name:>20}: accuracy {accuracy[name]:.3f}")
complete = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
reference = cross_val_score(complete, X, y, cv=cv).mean()
print(f"{'no missing entry':>20}: accuracy {reference:.3f}")

# %%
# Results
# -------
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
names = list(imputers)
left.barh(names, [errors[n] for n in names], color="tab:blue")
left.set_xlabel("RMSE on hidden entries (std units)")
right.barh(names, [accuracy[n] for n in names], color="tab:green")
right.axvline(reference, color="k", linestyle="--", label="complete data")
right.set_xlim(0.85, 1.0)
right.set_xlabel("cross-validated accuracy")
right.legend(loc="lower right")
right.set_yticks([])
plt.show()
