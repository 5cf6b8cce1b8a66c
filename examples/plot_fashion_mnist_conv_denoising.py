"""
================================================
Denoising Fashion-MNIST with a convolutional DAE
================================================

The convolutional denoising autoencoder of TensorFlow's "Intro to autoencoders"
tutorial, as one scikit-learn estimator: two stride-2 convolutions with 16 and 8
filters, mirrored by two stride-2 transposed convolutions, trained for 10 epochs
to remove gaussian noise of standard deviation 0.2 (clipped to [0, 1]) from
Fashion-MNIST.

The tutorial builds a noisy copy of the training set once; here the
:class:`~skdae.NoiseInjector` inside the model draws fresh noise for every
batch, so the model never sees the same corruption twice. The test images are
corrupted once, with a seeded draw, to measure the result.

Set ``SKDAE_QUICK=1`` to run on a small subset for two epochs.
"""

# %%
# Data
# ----
# Fashion-MNIST's 28x28 grayscale images, scaled to [0, 1]. The model takes
# ``(n, 28, 28)`` arrays directly and returns images in the same layout.
import os

import matplotlib.pyplot as plt

from skdae import ConvDenoisingAutoencoder, NoiseInjector
from skdae.metrics import mse, psnr
from skdae.plotting import plot_reconstructions

# isort: split
import keras  # after skdae, which quiets TensorFlow's start-up logs

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

(x_train, _), (x_test, _) = keras.datasets.fashion_mnist.load_data()
# 28x28 uint8 images (downloaded once, to ~/.keras), scaled to [0, 1]
x_train = (x_train[: 3000 if QUICK else None] / 255).astype("float32")
x_test = (x_test[: 500 if QUICK else None] / 255).astype("float32")
print(f"train {x_train.shape}, test {x_test.shape}")

# %%
# The model
# ---------
# ``filters=(16, 8), downsampling="stride"`` is the tutorial's encoder; the
# decoder mirrors it with ``Conv2DTranspose`` layers and a sigmoid output
# (chosen automatically because the data lies in [0, 1]).
noise = NoiseInjector(noise_factor=0.2, clip=(0, 1))
cdae = ConvDenoisingAutoencoder(
    filters=(16, 8),
    downsampling="stride",
    noise=noise,
    epochs=2 if QUICK else 10,
    batch_size=128,
    random_state=0,
)
cdae.fit(x_train)
cdae.model_.summary()
print("code shape per image:", cdae.code_shape_)
print("training loss per epoch:", [round(loss, 4) for loss in cdae.loss_curve_])

# %%
# Denoise the test set
# --------------------
# The same corruption, drawn once with a fixed seed, on images the model has not
# seen. :meth:`~skdae.ConvDenoisingAutoencoder.denoise` applies no noise of its
# own.
noisy_test = NoiseInjector(noise_factor=0.2, clip=(0, 1), random_state=1).fit_transform(
    x_test
)
denoised = cdae.denoise(noisy_test)

print(
    f"noisy input: MSE {mse(x_test, noisy_test):.4f}, "
    f"PSNR {psnr(x_test, noisy_test):.2f} dB"
)
print(
    f"denoised:    MSE {mse(x_test, denoised):.4f}, "
    f"PSNR {psnr(x_test, denoised):.2f} dB"
)

# %%
# Noisy, reconstructed and original images
# ----------------------------------------
plot_reconstructions(
    [noisy_test, denoised, x_test], ["noisy", "reconstructed", "original"]
)
plt.show()
