"""
========================================
Choosing the noise factor by grid search
========================================

How much noise should the training add? Too little, and the autoencoder
learns to copy its input; too much, and it learns to blur. The noise is a
parameter of the estimator (``noise``, a :class:`~skdae.NoiseInjector`), so
:class:`~sklearn.model_selection.GridSearchCV` tunes its ``noise_factor`` as
``noise__noise_factor`` (``dae__noise__noise_factor`` inside a Pipeline whose
step is called ``dae``).

The score is :func:`skdae.metrics.make_denoising_scorer`: each validation fold
is corrupted with a fixed, seeded draw of the noise we want to remove (gaussian,
σ=0.3), denoised, and compared with its clean version (PSNR, higher is better).
Data: scikit-learn's digits.

Set ``SKDAE_QUICK=1`` to search a smaller grid with fewer epochs.
"""

# %%
# The search
# ----------
# ``n_jobs=-1`` would fit the candidates in parallel processes; the user guide
# shows how to spread them over a Dask cluster.
import os

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split

from skdae import DenoisingAutoencoder, NoiseInjector
from skdae.metrics import make_denoising_scorer, psnr
from skdae.plotting import plot_reconstructions

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

X = load_digits().data / 16
X_train, X_test = train_test_split(X, test_size=0.25, random_state=0)

test_noise = NoiseInjector(noise_factor=0.3, clip=(0, 1), random_state=0)
search = GridSearchCV(
    DenoisingAutoencoder(
        hidden_layer_sizes=(128, 32),
        noise=NoiseInjector(clip=(0, 1)),
        epochs=10 if QUICK else 60,
        batch_size=64,
        random_state=0,
    ),
    {"noise__noise_factor": [0.1, 0.5] if QUICK else [0.0, 0.1, 0.2, 0.3, 0.5, 0.8]},
    scoring=make_denoising_scorer(test_noise),
    cv=2 if QUICK else 3,
)
search.fit(X_train)

results = pd.DataFrame(search.cv_results_)
columns = [
    "param_noise__noise_factor",
    "mean_test_score",
    "std_test_score",
    "mean_fit_time",
]
print(results[columns].round(3).to_string(index=False))
print("best:", search.best_params_, f"{search.best_score_:.2f} dB")

# %%
# Validation PSNR against the training noise factor
# -------------------------------------------------
fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
ax.errorbar(
    results["param_noise__noise_factor"].astype(float),
    results["mean_test_score"],
    yerr=results["std_test_score"],
    marker="o",
    capsize=3,
)
ax.axvline(0.3, color="grey", linestyle=":", label="σ of the test noise")
ax.set_xlabel("training noise_factor (σ)")
ax.set_ylabel("validation PSNR (dB)")
ax.set_title("GridSearchCV over noise__noise_factor")
ax.legend()
plt.show()

# %%
# At full size the best training noise is 0.2, close to the test noise; no
# noise at all (a plain autoencoder) and too much noise both do worse.
#
# The refitted best model on held-out digits
# ------------------------------------------
# ``best_estimator_`` was refitted on the whole training set.
noisy_test = test_noise.fit_transform(X_test)
denoised = search.best_estimator_.denoise(noisy_test)
print(
    f"held-out PSNR: noisy {psnr(X_test, noisy_test):.2f} dB, "
    f"denoised {psnr(X_test, denoised):.2f} dB"
)
plot_reconstructions(
    [noisy_test, denoised, X_test],
    ["noisy", "denoised", "original"],
    image_shape=(8, 8),
)
plt.show()
