"""
===========================
Denoising a real photograph
===========================

Train on one photograph, denoise another. scikit-learn bundles two photos,
``china.jpg`` and ``flower.jpg`` (:func:`sklearn.datasets.load_sample_image`).
A convolutional autoencoder learns from random 32x32 patches of the first,
converted to grayscale in [0, 1], to remove gaussian noise of standard
deviation σ=25/255 (the level at which the image-denoising literature reports
PSNR on 8-bit photos). It then denoises the second photo, corrupted with
that noise, tile by tile.

The model is the conv+pool architecture (32 and 32 filters) with skip
connections (``skip_connections=True``), which carry the fine detail of the
first level past the bottleneck. ``denoise_photo`` below works on any grayscale
photo, such as the Set12 images on which the literature reports PSNR.

Set ``SKDAE_QUICK=1`` to train on fewer patches for two epochs.
"""

# %%
# Two grayscale photos
# --------------------
import os

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image
from sklearn.feature_extraction.image import extract_patches_2d

from skdae import ConvDenoisingAutoencoder, NoiseInjector
from skdae.metrics import psnr

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

SIGMA = 25 / 255
PATCH = 32


def grayscale(name):
    """A bundled photo as a float32 grayscale image in [0, 1] (ITU-R 601 luma)."""
    rgb = load_sample_image(name).astype(np.float32) / 255
    return rgb @ np.array([0.299, 0.587, 0.114], dtype=np.float32)


train_photo = grayscale("china.jpg")
test_photo = grayscale("flower.jpg")
print("photos:", train_photo.shape, test_photo.shape)

# %%
# Train on patches of the first photo
# -----------------------------------
# Clean patches only: the noise is drawn inside the model, afresh for every
# batch. The noise is not clipped, as in the literature.
patches = extract_patches_2d(
    train_photo, (PATCH, PATCH), max_patches=1000 if QUICK else 4000, random_state=0
)
denoiser = ConvDenoisingAutoencoder(
    filters=(32, 32),
    downsampling="pool",
    skip_connections=True,
    noise=NoiseInjector(noise_factor=SIGMA),
    epochs=2 if QUICK else 10,
    batch_size=64,
    random_state=0,
).fit(patches)
print(
    f"{len(patches)} patches of {PATCH}x{PATCH}; training loss per epoch:",
    [round(loss, 4) for loss in denoiser.loss_curve_],
)

# %%
# Denoise the second photo, tile by tile
# --------------------------------------
# The model denoises images of its training size, so the photo is cut into
# overlapping 32x32 tiles (a stride of 8 pixels, after padding the edges by
# reflection), the tiles are denoised in one call, and the overlapping outputs
# are averaged, which also hides the tiles' borders.


def denoise_photo(model, image, size=PATCH, stride=PATCH // 4):
    height, width = image.shape
    padded = np.pad(
        image,
        ((0, -(height - size) % stride), (0, -(width - size) % stride)),
        mode="reflect",
    )
    tiles = np.lib.stride_tricks.sliding_window_view(padded, (size, size))
    tiles = tiles[::stride, ::stride]
    n_rows, n_cols = tiles.shape[:2]
    denoised_tiles = model.denoise(tiles.reshape(-1, size, size))
    total = np.zeros_like(padded)
    count = np.zeros_like(padded)
    for index, tile in enumerate(denoised_tiles):
        top, left = (index // n_cols) * stride, (index % n_cols) * stride
        total[top : top + size, left : left + size] += tile
        count[top : top + size, left : left + size] += 1
    return (total / count)[:height, :width]


rng = np.random.default_rng(0)
noisy_photo = test_photo + rng.normal(0, SIGMA, test_photo.shape).astype(np.float32)
denoised_photo = denoise_photo(denoiser, noisy_photo)

psnr_noisy = psnr(test_photo, noisy_photo)
psnr_denoised = psnr(test_photo, denoised_photo)
print(
    f"flower.jpg at sigma=25/255: noisy {psnr_noisy:.2f} dB, "
    f"denoised {psnr_denoised:.2f} dB (+{psnr_denoised - psnr_noisy:.2f} dB)"
)

# %%
# Noisy, denoised and original
# ----------------------------
# The whole photo, and a 128x128 detail of it.
fig, axes = plt.subplots(2, 3, figsize=(10, 6.4), layout="constrained")
detail = (slice(150, 278), slice(250, 378))
images = {
    f"noisy, {psnr_noisy:.2f} dB": noisy_photo,
    f"denoised, {psnr_denoised:.2f} dB": denoised_photo,
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
