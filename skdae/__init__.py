"""skdae: denoising autoencoders as scikit-learn estimators, trained by Keras 3."""

from . import _startup

__version__ = "0.1.0"

#: The public names and the submodule that defines each.
_PUBLIC = {
    "AutoencoderImputer": "impute",
    "AutoencoderOutlierDetector": "outlier",
    "ConvDenoisingAutoencoder": "conv",
    "DataScaleWarning": "_scale",
    "DenoisingAutoencoder": "dense",
    "NoiseInjector": "noise",
    "extract_patches": "patches",
}

__all__ = [
    "AutoencoderImputer",
    "AutoencoderOutlierDetector",
    "ConvDenoisingAutoencoder",
    "DataScaleWarning",
    "DenoisingAutoencoder",
    "NoiseInjector",
    "__version__",
    "extract_patches",
]

if _startup.launched_as_command():
    # `python -m skdae ...`: answer --help before Keras loads; the public names
    # (and Keras) load on first use, and the demo imports Keras quietly.
    def __getattr__(name: str) -> object:
        if name not in _PUBLIC:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        _startup.import_keras()
        value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
        globals()[name] = value
        return value

else:
    # Keras as the user configured it; a missing backend, explained (_startup).
    _startup.import_keras()

    from ._scale import DataScaleWarning
    from .conv import ConvDenoisingAutoencoder
    from .dense import DenoisingAutoencoder
    from .impute import AutoencoderImputer
    from .noise import NoiseInjector
    from .outlier import AutoencoderOutlierDetector
    from .patches import extract_patches
