"""
===========================
Inpainting with block noise
===========================

``NoiseInjector(kind="block")`` erases one random square from every image.
Trained with it, a convolutional autoencoder learns to fill the hole from the
rest of the image: an inpainting model. Here the conv+pool architecture
(32 and 32 filters) on Fashion-MNIST, with 8x8 holes (``noise_factor=8``, in
pixels; a value below 1 would be a fraction of the image area instead).

When the hole is known, as it usually is in inpainting, the known pixels are
kept and only the hole is taken from the model.

Set ``SKDAE_QUICK=1`` to run on a small subset for two epochs.
"""

# %%
# Train with block noise
# ----------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone

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
block = NoiseInjector(kind="block", noise_factor=8)
inpainter = ConvDenoisingAutoencoder(
    filters=(32, 32),
    downsampling="pool",
    noise=block,
    epochs=2 if QUICK else 5,
    random_state=0,
).fit(x_train)
print("training loss per epoch:", [round(loss, 4) for loss in inpainter.loss_curve_])

# %%
# Erase blocks from the test images
# ---------------------------------
# A seeded injector draws the same blocks for arrays of the same shape, so the
# same draw on an image of ones shows where the holes are.
test_block = clone(block).set_params(random_state=1)
masked = clone(test_block).fit_transform(x_test)
hole = clone(test_block).fit_transform(np.ones_like(x_test)) == 0
print(f"erased: {hole.mean():.1%} of the pixels ({hole[0].sum()} per image)")

reconstruction = inpainter.denoise(masked)
inpainted = np.where(hole, reconstruction, masked)  # keep the known pixels

print(
    f"MSE inside the holes: erased {mse(x_test[hole], masked[hole]):.4f}, "
    f"inpainted {mse(x_test[hole], inpainted[hole]):.4f}"
)
print(
    f"PSNR of whole images: erased {psnr(x_test, masked):.2f} dB, "
    f"model output {psnr(x_test, reconstruction):.2f} dB, "
    f"inpainted {psnr(x_test, inpainted):.2f} dB"
)

# %%
# Keeping the known pixels matters: the model's output is blurrier than the
# input everywhere, so on whole images the composite scores several dB above
# the raw output (at full size, 25.7 against 20.2 dB).
#
# Erased, inpainted and original images
# -------------------------------------
plot_reconstructions(
    [masked, reconstruction, inpainted, x_test],
    ["erased", "model output", "inpainted", "original"],
)
plt.show()
