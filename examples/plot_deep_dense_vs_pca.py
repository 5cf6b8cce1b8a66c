"""
=================================
Deep dense autoencoder versus PCA
=================================

A deep dense autoencoder 784-392-196-392-784 compresses each Fashion-MNIST image
to a code of 196 numbers, like a PCA with 196 components. Both are
scikit-learn transformers with ``transform`` (to the code) and
``inverse_transform`` (back to pixels), so they compare line for line:

- compression: how well does each reconstruct clean test images from its code?
- denoising: how well does each recover clean images from noisy ones?

The autoencoder is trained on noisy copies (gaussian, σ=0.3, clipped to [0, 1])
and PCA on the clean images; PCA is shown for every number of components.

Set ``SKDAE_QUICK=1`` to run on a small subset for two epochs.
"""

# %%
# Data and the two models
# -----------------------
import os

import matplotlib.pyplot as plt
from sklearn.decomposition import PCA

from skdae import DenoisingAutoencoder, NoiseInjector
from skdae.metrics import psnr
from skdae.plotting import plot_reconstructions

# isort: split
import keras  # after skdae, which quiets TensorFlow's start-up logs

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

(x_train, _), (x_test, _) = keras.datasets.fashion_mnist.load_data()
# 28x28 uint8 images (downloaded once, to ~/.keras), scaled to [0, 1]
x_train = (x_train[: 3000 if QUICK else None] / 255).astype("float32")
x_test = (x_test[: 500 if QUICK else None] / 255).astype("float32")
X_train = x_train.reshape(len(x_train), -1)  # (n, 784)
X_test = x_test.reshape(len(x_test), -1)
noisy_test = NoiseInjector(noise_factor=0.3, clip=(0, 1), random_state=1).fit_transform(
    X_test
)

dae = DenoisingAutoencoder(
    hidden_layer_sizes=(392, 196),  # 784-392-196-392-784
    noise=NoiseInjector(noise_factor=0.3, clip=(0, 1)),
    epochs=2 if QUICK else 20,
    batch_size=256,
    random_state=0,
).fit(X_train)
print("training loss per epoch:", [round(loss, 4) for loss in dae.loss_curve_])

n_codes = dae.code_shape_[0]
pca = PCA(n_components=n_codes, random_state=0).fit(X_train)
print(
    f"code size {n_codes}; PCA explains "
    f"{pca.explained_variance_ratio_.sum():.1%} of the training variance"
)

# %%
# Compression and denoising at 196 codes
# --------------------------------------
# The autoencoder's ``inverse_transform(transform(X))`` is its ``denoise(X)``.
dae_clean = dae.inverse_transform(dae.transform(X_test))
pca_clean = pca.inverse_transform(pca.transform(X_test))
dae_noisy = dae.denoise(noisy_test)
pca_noisy = pca.inverse_transform(pca.transform(noisy_test))

print("PSNR (dB)                   PCA(196)   DAE 784-392-196")
print(
    f"clean test, reconstructed   {psnr(X_test, pca_clean):8.2f}   "
    f"{psnr(X_test, dae_clean):8.2f}"
)
print(
    f"noisy test, denoised        {psnr(X_test, pca_noisy):8.2f}   "
    f"{psnr(X_test, dae_noisy):8.2f}   "
    f"(noisy input {psnr(X_test, noisy_test):.2f})"
)

# %%
# PCA at every size
# -----------------
# A PCA fitted once with many components gives every smaller one: keep the
# first ``k`` rows of ``components_``.
full_pca = PCA(n_components=min(392, len(X_train)), random_state=0).fit(X_train)
sizes = [k for k in (8, 16, 32, 64, 98, 196, 392) if k <= full_pca.n_components_]


def pca_reconstruct(X, k):
    centered = X - full_pca.mean_
    components = full_pca.components_[:k]
    return centered @ components.T @ components + full_pca.mean_


fig, ax = plt.subplots(figsize=(6.4, 4), layout="constrained")
for data, label, color in [(X_test, "clean", "C0"), (noisy_test, "noisy σ=0.3", "C1")]:
    scores = [psnr(X_test, pca_reconstruct(data, k)) for k in sizes]
    ax.plot(sizes, scores, marker="o", color=color, label=f"PCA, {label} test")
ax.plot(
    n_codes,
    psnr(X_test, dae_clean),
    "s",
    color="C0",
    markersize=10,
    label="DAE, clean test",
)
ax.plot(
    n_codes,
    psnr(X_test, dae_noisy),
    "s",
    color="C1",
    markersize=10,
    label="DAE, noisy test",
)
ax.axhline(psnr(X_test, noisy_test), color="C1", linestyle=":", label="noisy input")
ax.set_xscale("log", base=2)
ax.set_xticks(sizes, [str(k) for k in sizes])
ax.set_xlabel("code size (PCA components)")
ax.set_ylabel("PSNR against the clean test images (dB)")
ax.legend(fontsize="small")
plt.show()

# %%
# At full size, PCA, the best linear compression in squared error, reconstructs
# clean images better than the autoencoder at 196 codes. The autoencoder,
# trained to remove noise, denoises better than PCA of any size: PCA denoises
# best with some 64 to 98 components, and more components let the noise
# through. (The autoencoder even does slightly better on noisy images than on
# clean ones: it only ever saw noisy inputs in training.)
#
# Denoised test images
# --------------------
plot_reconstructions(
    [noisy_test, pca_noisy, dae_noisy, X_test],
    ["noisy", "PCA(196)", "DAE", "original"],
)
plt.show()
