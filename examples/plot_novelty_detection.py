"""
=====================================
Novelty detection by reconstruction
=====================================

An autoencoder trained on one kind of image reconstructs that kind well and
other images badly, and encodes them unlike its training images: its
reconstruction error and its code are an anomaly score.
:class:`~skdae.AutoencoderOutlierDetector` turns them into a scikit-learn outlier
detector, used like :class:`~sklearn.ensemble.IsolationForest`:
``score_samples`` (higher is more typical), ``decision_function``, and
``predict`` returning +1 for inliers and -1 for outliers.

Here it learns the sneakers of Fashion-MNIST only, then scores the whole test
set: sneakers should score high, every other article low. The images it finds
most and least typical show what it learned.

Set ``SKDAE_QUICK=1`` to run on a small subset for two epochs.
"""

# %%
# Train on sneakers only
# ----------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import roc_auc_score

from skdae import AutoencoderOutlierDetector, DenoisingAutoencoder
from skdae.plotting import plot_reconstructions

# isort: split
import keras  # after skdae, which quiets TensorFlow's start-up logs

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs
NAMES = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat"]
NAMES += ["Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
SNEAKER = 7

(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
# 28x28 uint8 images (downloaded once, to ~/.keras), scaled to [0, 1]
x_train = (x_train[: 6000 if QUICK else None] / 255).astype("float32")
y_train = y_train[: 6000 if QUICK else None]
x_test = (x_test[: 1000 if QUICK else None] / 255).astype("float32")
y_test = y_test[: 1000 if QUICK else None]
sneakers = x_train[y_train == SNEAKER].reshape(-1, 784)
X_test = x_test.reshape(len(x_test), -1)

detector = AutoencoderOutlierDetector(
    # 784-256-64-256-784: a bottleneck, so that it cannot copy any image
    DenoisingAutoencoder((256, 64), epochs=2 if QUICK else 50, random_state=0),
    contamination=0.01,  # flag the 1% of training sneakers reconstructed worst
).fit(sneakers)
print(f"trained on {len(sneakers)} sneakers; offset_ = {detector.offset_:.4f}")

# %%
# Scores of the test set
# ----------------------
# ``score_samples`` is minus the sum of two distances from the training
# sneakers, each standardized on them: the reconstruction error (each pixel
# weighed by how exactly the training sneakers are reconstructed there) and the
# Mahalanobis distance of the code. The ROC AUC measures how well it ranks
# sneakers above everything else, without any threshold. ``predict`` applies
# the threshold set from the training scores.
scores = detector.score_samples(X_test)
is_sneaker = y_test == SNEAKER
print(f"ROC AUC, sneakers against the rest: {roc_auc_score(is_sneaker, scores):.3f}")
flagged = detector.predict(X_test) == -1
print(f"flagged as outliers: {flagged[is_sneaker].mean():.1%} of test sneakers,")
print(f"                     {flagged[~is_sneaker].mean():.1%} of other articles")

fig, ax = plt.subplots(figsize=(7, 3.5))
# The least typical images score far below the rest: the plot stops at the
# 2nd percentile.
bins = np.linspace(np.percentile(scores, 2), scores.max(), 60)
ax.hist(scores[~is_sneaker], bins=bins, alpha=0.6, label="other articles")
ax.hist(scores[is_sneaker], bins=bins, alpha=0.6, label="sneakers")
ax.axvline(detector.offset_, color="k", linestyle="--", label="offset_ (threshold)")
ax.set_xlabel("score_samples: minus the standardized distances")
ax.set_ylabel("test images")
ax.legend()
fig.tight_layout()

# %%
# The most and the least typical test images
# ------------------------------------------
# Ranked by score: the most typical test images are sneakers, the least
# typical are other articles (the lists above name them). Below each row of
# images, their reconstructions: the network has learnt to draw sneakers only.
order = np.argsort(scores)
most, least = order[::-1][:10], order[:10]
print("most typical: ", [NAMES[label] for label in y_test[most]])
print("least typical:", [NAMES[label] for label in y_test[least]])
denoise = detector.autoencoder_.denoise
fig = plot_reconstructions(
    [X_test[most], denoise(X_test[most]), X_test[least], denoise(X_test[least])],
    ["most typical", "its reconstruction", "least typical", "its reconstruction"],
)

# %%
# Odd sneakers in the training set
# --------------------------------
# With ``contamination=0.01``, ``fit_predict`` or ``predict`` on the training
# data flags the 1% of sneakers that the autoencoder reconstructs worst: outlier
# detection inside the class, e.g. to review labels or defective samples.
odd = np.flatnonzero(detector.predict(sneakers) == -1)
odd = odd[np.argsort(detector.score_samples(sneakers[odd]))]
print(f"{len(odd)} training sneakers flagged")
fig = plot_reconstructions([sneakers[odd]], ["flagged sneakers"])
plt.show()
