"""skdae: denoising autoencoders as scikit-learn estimators, trained by Keras 3.

The public names load on first use (PEP 562's module ``__getattr__``):
``import skdae`` alone imports neither Keras nor scikit-learn, and changes
nothing in the process beyond loading this module. ``from skdae import
DenoisingAutoencoder`` imports Keras as it is configured, and names the
``pip`` command to run if its backend is missing (see ``_startup``).
"""

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


def __getattr__(name: str) -> object:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    from . import _startup

    _startup.import_keras()  # a missing backend, explained
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
