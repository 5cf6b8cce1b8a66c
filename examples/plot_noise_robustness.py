"""
=========================================
Robustness to the level of the test noise
=========================================

A denoiser is trained at one noise level and used at others. This example
trains the same convolutional autoencoder (conv+pool, 32 and 32 filters) twice
on Fashion-MNIST, with gaussian noise of standard deviation 0.3 and 0.8, and
measures both on test images corrupted at every level from 0.3 to 1.0. It then
looks inside: the code layer's feature maps of a few test images.

Set ``SKDAE_QUICK=1`` to run on a small subset for two epochs.
"""

# %%
# Train at two noise levels
# -------------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone

from skdae import ConvDenoisingAutoencoder, NoiseInjector
from skdae.metrics import psnr
from skdae.plotting import plot_code_maps, plot_noise_robustness, plot_reconstructions

# isort: split
import keras  # after skdae, which quiets TensorFlow's start-up logs

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

(x_train, _), (x_test, _) = keras.datasets.fashion_mnist.load_data()
# 28x28 uint8 images (downloaded once, to ~/.keras), scaled to [0, 1]
x_train = (x_train[: 3000 if QUICK else 20000] / 255).astype("float32")
x_test = (x_test[: 200 if QUICK else 2000] / 255).astype("float32")
base = ConvDenoisingAutoencoder(
    filters=(32, 32),
    downsampling="pool",
    noise=NoiseInjector(clip=(0, 1)),
    epochs=2 if QUICK else 5,
    random_state=0,
)
train_levels = (0.3, 0.8)
models = {
    level: clone(base).set_params(noise__noise_factor=level).fit(x_train)
    for level in train_levels
}
for level, model in models.items():
    print(f"trained at sigma={level}: final training loss {model.loss_curve_[-1]:.4f}")

# %%
# Test from 0.3 to 1.0
# --------------------
# Each test level is one seeded draw, shared by both models.
test_levels = np.round(np.arange(0.3, 1.01, 0.1), 1)
noisy = {
    level: NoiseInjector(noise_factor=level, clip=(0, 1), random_state=1).fit_transform(
        x_test
    )
    for level in test_levels
}
results = {"noisy input": (test_levels, [psnr(x_test, noisy[s]) for s in test_levels])}
for level, model in models.items():
    scores = [psnr(x_test, model.denoise(noisy[s])) for s in test_levels]
    results[f"trained at σ={level}"] = (test_levels, scores)

print("PSNR (dB) by test sigma")
print("test sigma          " + " ".join(f"{s:5.1f}" for s in test_levels))
for label, (_, scores) in results.items():
    print(f"{label:<20}" + " ".join(f"{v:5.1f}" for v in scores))

plot_noise_robustness(results, metric="psnr")
plt.title("Fashion-MNIST test images")
plt.show()

# %%
# What the two models make of heavy noise
# ---------------------------------------
# At full size, each model wins near its own training level (the curves cross
# at about σ=0.5), and the one trained at 0.8 loses little as the noise grows.
# On test images at σ=0.8, the model trained at 0.3 turns the noise into
# blotches; the one trained at 0.8 removes it and keeps the shapes, at the cost
# of detail.
heavy = noisy[0.8]
plot_reconstructions(
    [heavy, models[0.3].denoise(heavy), models[0.8].denoise(heavy), x_test],
    ["noisy σ=0.8", "trained at 0.3", "trained at 0.8", "original"],
)
plt.show()

# %%
# Code-layer feature maps
# -----------------------
# ``transform`` returns the code flattened to one row per image; ``code_shape_``
# gives its ``(height, width, channels)`` layout: here 7x7 maps, 32 channels.
# The first 8 channels of 4 clean test images, for each model.
for level, model in models.items():
    codes = model.transform(x_test[:4]).reshape(-1, *model.code_shape_)
    figure = plot_code_maps(codes, n_images=4, max_channels=8)
    figure.suptitle(f"code maps of the model trained at σ={level}")
    print(
        f"trained at sigma={level}: code shape {model.code_shape_}, "
        f"mean activation {codes.mean():.3f}, "
        f"fraction of zeros {(codes == 0).mean():.2f}"
    )
plt.show()
