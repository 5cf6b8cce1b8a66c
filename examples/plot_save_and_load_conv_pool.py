"""
===============================================
Saving a conv+pool denoiser and loading it back
===============================================

The denoiser of the Keras blog post "Building Autoencoders in Keras": two
convolutions of 32 filters, each followed by 2x2 max-pooling, decoded by
convolutions and upsampling, trained to remove gaussian noise of standard
deviation 0.5 (clipped to [0, 1]). Here on Fashion-MNIST.

A fitted estimator can be kept in two ways:

- the whole estimator, with :mod:`pickle` or :mod:`joblib`: it comes back with
  its parameters, its fitted attributes and its Keras model, ready for
  ``denoise``, ``transform`` or more training (``warm_start=True``);
- its Keras models ``model_``, ``encoder_`` and ``decoder_``, as ``.keras``
  files that Keras loads without skdae's estimator. skdae registers its noise
  layer with Keras, so ``keras.saving.load_model(path, safe_mode=True)`` loads the
  full model once ``skdae`` is imported.

Set ``SKDAE_QUICK=1`` to run on a small subset for two epochs.
"""

# %%
# Train
# -----
import os
import tempfile
from pathlib import Path

import joblib
import matplotlib.pyplot as plt
import numpy as np

from skdae import ConvDenoisingAutoencoder, NoiseInjector
from skdae.metrics import psnr
from skdae.plotting import plot_reconstructions

# isort: split
import keras  # after skdae, which quiets TensorFlow's start-up logs

QUICK = os.environ.get("SKDAE_QUICK") == "1"  # docs build, tests: small runs

(x_train, _), (x_test, _) = keras.datasets.fashion_mnist.load_data()
# 28x28 uint8 images (downloaded once, to ~/.keras), scaled to [0, 1]
x_train = (x_train[: 3000 if QUICK else None] / 255).astype("float32")
x_test = (x_test[: 200 if QUICK else 2000] / 255).astype("float32")
cdae = ConvDenoisingAutoencoder(
    filters=(32, 32),
    downsampling="pool",
    noise=NoiseInjector(noise_factor=0.5, clip=(0, 1)),
    epochs=2 if QUICK else 5,
    random_state=0,
).fit(x_train)
print("training loss per epoch:", [round(loss, 4) for loss in cdae.loss_curve_])

noisy_test = NoiseInjector(noise_factor=0.5, clip=(0, 1), random_state=1).fit_transform(
    x_test
)
denoised = cdae.denoise(noisy_test)
print(
    f"PSNR noisy {psnr(x_test, noisy_test):.2f} dB, "
    f"denoised {psnr(x_test, denoised):.2f} dB"
)

# %%
# The whole estimator, with joblib
# --------------------------------
# ``pickle.dump`` works the same way. Load a pickle only from a source you trust:
# unpickling runs code.
folder = Path(tempfile.mkdtemp())
joblib.dump(cdae, folder / "denoiser.joblib")
restored = joblib.load(folder / "denoiser.joblib")
same = np.array_equal(restored.denoise(noisy_test), denoised)
print(
    f"denoiser.joblib: {(folder / 'denoiser.joblib').stat().st_size / 1e3:.0f} kB, "
    f"same output: {same}"
)
print(restored)

# %%
# The Keras models, as ``.keras`` files
# -------------------------------------
# The Keras model takes images of shape ``(n, 28, 28, 1)`` (its
# ``sample_shape_``) and returns the same. Its noise layer is the identity at
# inference, so calling it is ``denoise``. Importing skdae (above) registered
# that layer with Keras, which is what ``safe_mode=True`` needs.
cdae.model_.save(folder / "denoiser.keras")
cdae.encoder_.save(folder / "encoder.keras")
model = keras.saving.load_model(folder / "denoiser.keras", safe_mode=True)
encoder = keras.saving.load_model(folder / "encoder.keras", safe_mode=True)

batch = noisy_test[..., np.newaxis]  # (n, 28, 28, 1)
from_keras = model.predict(batch, verbose=0)[..., 0]
codes = encoder.predict(batch, verbose=0)
print(
    f"denoiser.keras: {(folder / 'denoiser.keras').stat().st_size / 1e3:.0f} kB, "
    f"max |difference| with the estimator: "
    f"{np.abs(from_keras - denoised).max():.1e}"
)
print(
    "code maps from encoder.keras:",
    codes.shape,
    "same as transform:",
    np.allclose(codes.reshape(len(codes), -1), cdae.transform(noisy_test), atol=1e-5),
)
model.summary()

# %%
# Denoised by the estimator and by the loaded Keras model
# -------------------------------------------------------
plot_reconstructions(
    [noisy_test, denoised, from_keras, x_test],
    ["noisy", "estimator", "loaded .keras", "original"],
)
plt.show()
