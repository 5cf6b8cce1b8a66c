"""skdae: denoising autoencoders as scikit-learn estimators, trained by Keras 3."""

import scikeras as _scikeras  # noqa: F401  (makes Keras models picklable)

from .conv import ConvDenoisingAutoencoder
from .dense import DenoisingAutoencoder
from .noise import NoiseInjector

__version__ = "0.1.0"

__all__ = [
    "ConvDenoisingAutoencoder",
    "DenoisingAutoencoder",
    "NoiseInjector",
    "__version__",
]
