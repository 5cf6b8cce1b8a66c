"""
===========================
Denoising a real photograph
===========================

A recipe to clean your own photos: train a convolutional denoiser on patches of
clean photos, then denoise whole photos of any size in one call.

scikit-learn bundles two photos, ``china.jpg`` and ``flower.jpg``
(:func:`sklearn.datasets.load_sample_image`). The model learns from random
48x48 patches of the first, in grayscale on [0, 1], and denoises the second,
corrupted with gaussian noise of standard deviation σ=25/255 (the level at
which the image-denoising literature reports PSNR on 8-bit photos).

The model is the setting skdae's photo benchmark measures
(``benchmarks/photos.py``, on the Set12 and BSD68 test photos):

- ``skip_connections=True``: a U-Net, whose skips carry the fine detail past
  the bottleneck;
- ``residual=True``: the network estimates the noise, and subtracts it;
- ``noise_factor=(0, 55 / 255)``: one noise level per training patch, drawn in
  that range, so one model denoises every level up to 55/255 (a *blind*
  denoiser: you need not know how noisy your photos are).

Set ``SKDAE_QUICK=1`` to train on fewer patches for one epoch.
"""

# %%
# Two grayscale photos
# --------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from scipy import ndimage
from sklearn.datasets import load_sample_image

from skdae import ConvDenoisingAutoencoder, NoiseInjector, extract_patches
from skdae.metrics import psnr

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs


def grayscale(name):
    """A bundled photo as a float32 grayscale image in [0, 1] (ITU-R 601 luma)."""
    rgb = load_sample_image(name).astype(np.float32) / 255
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


train_photo = grayscale("china.jpg")
test_photo = grayscale("flower.jpg")
print("photos:", train_photo.shape, test_photo.shape)

# %%
# Train on patches of clean photos
# --------------------------------
# :func:`skdae.extract_patches` cuts random patches (flipped and rotated at
# random) out of a list of photos of any sizes. The patches are clean: the
# noise is drawn inside the model, afresh for every batch, with a level drawn
# per patch.
patches = extract_patches(
    [train_photo], 48, n_patches=1000 if QUICK else 8000, random_state=0
)
denoiser = ConvDenoisingAutoencoder(
    filters=(32, 64, 128),
    skip_connections=True,
    residual=True,
    noise=NoiseInjector(noise_factor=(0, 55 / 255)),
    epochs=1 if QUICK else 5,
    batch_size=32,
    random_state=0,
).fit(patches)
print(
    f"{len(patches)} patches; training loss per epoch:",
    [round(loss, 5) for loss in denoiser.loss_curve_],
)

# %%
# Denoise a whole photo
# ---------------------
# The network is fully convolutional: ``denoise`` takes the 427x640 photo
# whole, though the model was trained on 48x48 patches. A Gaussian blur is the
# one-line alternative to beat.
noisy_photo = NoiseInjector(noise_factor=25 / 255, random_state=0).fit_transform(
    test_photo[None]
)[0]
denoised_photo = denoiser.denoise(noisy_photo[None])[0]
blurred_photo = ndimage.gaussian_filter(noisy_photo, 1.0)

scores = {
    "noisy": psnr(test_photo, noisy_photo),
    "Gaussian blur": psnr(test_photo, blurred_photo),
    "skdae": psnr(test_photo, denoised_photo),
}
print("flower.jpg at sigma=25/255:", {k: f"{v:.2f} dB" for k, v in scores.items()})

# %%
# The same model at other noise levels
# ------------------------------------
# One blind model for every level in its training range.
for sigma in (15, 50):
    noisy = NoiseInjector(noise_factor=sigma / 255, random_state=0).fit_transform(
        test_photo[None]
    )
    print(
        f"sigma={sigma}/255: noisy {psnr(test_photo, noisy[0]):.2f} dB, "
        f"denoised {psnr(test_photo, denoiser.denoise(noisy)[0]):.2f} dB"
    )

# %%
# Noisy, blurred, denoised and original
# -------------------------------------
# The whole photo, and a 128x128 detail of it.
fig, axes = plt.subplots(2, 4, figsize=(12, 5.4), layout="constrained")
detail = (slice(150, 278), slice(250, 378))
images = {
    f"noisy, {scores['noisy']:.2f} dB": noisy_photo,
    f"Gaussian blur, {scores['Gaussian blur']:.2f} dB": blurred_photo,
    f"skdae, {scores['skdae']:.2f} dB": denoised_photo,
    "original": test_photo,
}
for column, (title, image) in enumerate(images.items()):
    axes[0, column].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes[0, column].set_title(title)
    axes[1, column].imshow(
        image[detail], cmap="gray", vmin=0, vmax=1, interpolation="nearest"
    )
    for ax in axes[:, column]:
        ax.set_xticks([])
        ax.set_yticks([])
axes[1, 0].set_ylabel("detail")
plt.show()
