"""
======================================================
An autoencoder in a Pipeline with a LogisticRegression
======================================================

The autoencoders are scikit-learn transformers, so they are steps of a
:class:`~sklearn.pipeline.Pipeline`. They can play two roles:

- feature extraction (``transform_mode="code"``, the default): ``transform``
  returns the learned code, and the classifier learns from it, like from PCA;
- denoising (``transform_mode="denoise"``): ``transform`` returns the
  denoised input, so the classifier sees cleaned-up data.

The Pipeline passes the class labels to every step's ``fit``; the autoencoders
ignore them. Data: scikit-learn's bundled 8x8 digits, so this runs offline and
fast.

Set ``SKDAE_QUICK=1`` to train for fewer epochs.
"""

# %%
# Data
# ----
import os

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from skdae import DenoisingAutoencoder, NoiseInjector

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

X, y = load_digits(return_X_y=True)
X = X / 16  # pixels in [0, 1]
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.3, stratify=y, random_state=0
)
# A noisy copy of the test set, to see which pipelines hold up.
X_test_noisy = NoiseInjector(
    noise_factor=0.3, clip=(0, 1), random_state=1
).fit_transform(X_test)
epochs = 10 if QUICK else 100


def classifier():
    return LogisticRegression(max_iter=2000)


# %%
# Four pipelines
# --------------
pipelines = {
    "pixels": Pipeline([("clf", classifier())]),
    "PCA(32) codes": Pipeline(
        [("pca", PCA(n_components=32, random_state=0)), ("clf", classifier())]
    ),
    "DAE codes (32)": Pipeline(
        [
            (
                "dae",
                DenoisingAutoencoder(
                    hidden_layer_sizes=(128, 32),
                    noise=NoiseInjector(noise_factor=0.3, clip=(0, 1)),
                    epochs=epochs,
                    batch_size=64,
                    random_state=0,
                ),
            ),
            ("clf", classifier()),
        ]
    ),
    "DAE denoised pixels": Pipeline(
        [
            (
                "dae",
                DenoisingAutoencoder(
                    hidden_layer_sizes=(128, 32),
                    noise=NoiseInjector(noise_factor=0.3, clip=(0, 1)),
                    transform_mode="denoise",
                    epochs=epochs,
                    batch_size=64,
                    random_state=0,
                ),
            ),
            ("clf", classifier()),
        ]
    ),
}

scores = {}
print(f"{'pipeline':<22}{'clean test':>12}{'noisy test':>12}")
for name, pipeline in pipelines.items():
    pipeline.fit(X_train, y_train)
    scores[name] = (
        pipeline.score(X_test, y_test),
        pipeline.score(X_test_noisy, y_test),
    )
    print(f"{name:<22}{scores[name][0]:12.3f}{scores[name][1]:12.3f}")

# %%
# At full size, the autoencoder's 32 codes classify clean digits as well as the
# 64 pixels do. The denoising pipeline gives up a little on clean digits and is
# the best of the four on noisy ones.
#
# The codes are features like any other
# --------------------------------------
# ``get_feature_names_out`` names them, and ``set_output(transform="pandas")``
# turns them into a DataFrame.
dae = pipelines["DAE codes (32)"].named_steps["dae"]
codes = dae.set_output(transform="pandas").transform(X_test[:3])
print(codes.iloc[:, :3].round(2).to_string())

# %%
# Accuracy on clean and on noisy test digits
# ------------------------------------------
fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
names = list(scores)
positions = range(len(names))
clean_bars = ax.barh(
    [p - 0.2 for p in positions],
    [scores[n][0] for n in names],
    height=0.4,
    label="clean test",
)
noisy_bars = ax.barh(
    [p + 0.2 for p in positions],
    [scores[n][1] for n in names],
    height=0.4,
    label="noisy test (σ=0.3)",
)
ax.bar_label(clean_bars, fmt="%.3f", padding=2, fontsize="small")
ax.bar_label(noisy_bars, fmt="%.3f", padding=2, fontsize="small")
ax.set_yticks(list(positions), names)
ax.invert_yaxis()
ax.set_xlabel("test accuracy")
lowest = min(min(pair) for pair in scores.values())
ax.set_xlim(min(0.5, lowest - 0.05), 1.05)
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2)
plt.show()
