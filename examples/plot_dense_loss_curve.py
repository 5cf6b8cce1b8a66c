"""
==============================
A dense DAE and its loss curve
==============================

A shallow dense autoencoder, 784-128-784, trained on Fashion-MNIST with the
corruption of many tutorials, ``x + np.random.normal(loc=0.5, scale=0.5)``,
clipped to [0, 1]. In skdae that is ``NoiseInjector(loc=0.5, noise_factor=0.5,
clip=(0, 1))``, applied afresh to every training batch.

``validation_split=0.1`` holds out a tenth of the training images and
reports ``val_loss``, the error of denoising them: they are corrupted by the
same noise, drawn once from a fixed seed, and compared with their clean
versions. ``history_`` holds the per-epoch values, and
:func:`skdae.plotting.plot_loss_curve` draws them.

Set ``SKDAE_QUICK=1`` to run on a small subset for two epochs.
"""

# %%
# Train with a validation split
# -----------------------------
# ``early_stopping=True`` would stop once ``val_loss`` stops improving and keep
# the best weights; ``verbose=1`` shows Keras' progress bar and ``verbose=2``
# one line per epoch.
import os

import matplotlib.pyplot as plt
from sklearn.base import clone

from skdae import DenoisingAutoencoder, NoiseInjector
from skdae.metrics import psnr
from skdae.plotting import plot_loss_curve, plot_reconstructions

# isort: split
import keras  # after skdae, which quiets TensorFlow's start-up logs

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

(x_train, _), (x_test, _) = keras.datasets.fashion_mnist.load_data()
# 28x28 uint8 images (downloaded once, to ~/.keras), scaled to [0, 1]
x_train = (x_train[: 3000 if QUICK else None] / 255).astype("float32")
x_test = (x_test[: 500 if QUICK else None] / 255).astype("float32")
X_train = x_train.reshape(len(x_train), -1)
X_test = x_test.reshape(len(x_test), -1)

tutorial_noise = NoiseInjector(loc=0.5, noise_factor=0.5, clip=(0, 1))
dae = DenoisingAutoencoder(
    hidden_layer_sizes=(128,),  # 784-128-784
    noise=tutorial_noise,
    epochs=2 if QUICK else 30,
    batch_size=256,
    validation_split=0.1,
    random_state=0,
).fit(X_train)

print(f"{dae.n_iter_} epochs")
for epoch, (loss, val_loss) in enumerate(
    zip(dae.history_["loss"], dae.history_["val_loss"], strict=True), start=1
):
    print(f"epoch {epoch:2d}: loss {loss:.4f}, val_loss {val_loss:.4f}")

# %%
# The loss curve
# --------------
# The training loss is the error of reconstructing clean images from corrupted
# ones, each batch corrupted afresh. The validation loss is the same error on
# held-out images whose corruption is drawn once, so it is a steady yardstick:
# early stopping on ``val_loss`` stops when denoising held-out data stops
# improving. To compare models on a test corruption of your choice, use
# :func:`skdae.metrics.make_denoising_scorer` (see the grid search example).
fig, ax = plt.subplots(layout="constrained")
plot_loss_curve(dae, ax=ax)
ax.set_title("784-128-784 DAE on Fashion-MNIST")
plt.show()

# %%
# Denoising with the tutorial's noise
# -----------------------------------
# The noise has mean 0.5: after clipping, most of the background turns light
# grey or white. The model learned to undo that shift as well as the noise,
# though fine detail (prints, stripes) is lost.
noisy_test = clone(tutorial_noise).set_params(random_state=1).fit_transform(X_test)
denoised = dae.denoise(noisy_test)
print(
    f"test PSNR: noisy {psnr(X_test, noisy_test):.2f} dB, "
    f"denoised {psnr(X_test, denoised):.2f} dB"
)

plot_reconstructions(
    [noisy_test, denoised, X_test], ["noisy", "reconstructed", "original"]
)
plt.show()
