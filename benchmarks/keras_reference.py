"""Hand-written Keras models, as the seed scripts build them, for comparison.

The stride-2 convolutional network with 16 and 8 filters is the seed-000 net;
it has the layers of ``ConvDenoisingAutoencoder(filters=(16, 8))``, and
:func:`dense_autoencoder` has those of ``DenoisingAutoencoder``.
:func:`layer_signature` lets a benchmark check that the two really match.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import layers


def conv_autoencoder(
    filters: Sequence[int] = (16, 8), image_shape: tuple[int, int, int] = (28, 28, 1)
) -> tuple[keras.Model, keras.Model]:
    """The seed-000 convolutional autoencoder, compiled with adam and MSE.

    Stride-2 ``Conv2D`` layers (3x3, same padding, relu) down, stride-2
    ``Conv2DTranspose`` layers back up, and a 3x3 sigmoid ``Conv2D`` output;
    Keras' default initializers (Glorot uniform kernels, zero biases).

    Parameters
    ----------
    filters : sequence of int, default=(16, 8)
        Filters of the encoder's convolutions; the decoder reverses them.
    image_shape : (int, int, int), default=(28, 28, 1)
        Height, width and channels of the images.

    Returns
    -------
    model : keras.Model
        The autoencoder, compiled.
    encoder : keras.Model
        Its first half, sharing the layers: images to code maps.
    """
    images = keras.Input(image_shape)
    features = images
    for n_filters in filters:
        features = layers.Conv2D(
            n_filters, 3, strides=2, padding="same", activation="relu"
        )(features)
    code = features
    for n_filters in reversed(filters):
        features = layers.Conv2DTranspose(
            n_filters, 3, strides=2, padding="same", activation="relu"
        )(features)
    outputs = layers.Conv2D(image_shape[-1], 3, padding="same", activation="sigmoid")(
        features
    )
    model = keras.Model(images, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model, keras.Model(images, code)


def dense_autoencoder(
    hidden_layer_sizes: Sequence[int] = (256, 64), n_features: int = 784
) -> keras.Model:
    """A dense autoencoder with mirrored relu layers and a sigmoid output, compiled.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int, default=(256, 64)
        Units of the encoder's layers; the last one is the code.
    n_features : int, default=784
        Input and output width.

    Returns
    -------
    keras.Model
        Compiled with adam and MSE.
    """
    inputs = keras.Input((n_features,))
    hidden = inputs
    sizes = list(hidden_layer_sizes)
    for units in [*sizes, *reversed(sizes[:-1])]:
        hidden = layers.Dense(units, activation="relu")(hidden)
    outputs = layers.Dense(n_features, activation="sigmoid")(hidden)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    return model


_COMPARED = (
    "filters",
    "units",
    "kernel_size",
    "strides",
    "padding",
    "activation",
    "use_bias",
    "cropping",
)


def layer_signature(model: keras.Model) -> list[tuple]:
    """The computing layers of a model in order, described by type and settings.

    Nested models are flattened; input layers, skdae's noise layer (the identity
    when not training) and layer names are left out, as is the seed of the
    kernel initializer (its class is kept).

    Parameters
    ----------
    model : keras.Model
        A functional or sequential model.

    Returns
    -------
    list of tuple
        ``(class name, ((setting, value), ...), initializer class)`` per layer.
    """
    signature = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            signature += layer_signature(layer)
            continue
        if isinstance(layer, keras.layers.InputLayer) or layer.name == "noise":
            continue
        config = layer.get_config()
        settings = tuple(
            (key, _hashable(config[key])) for key in _COMPARED if key in config
        )
        initializer = config.get("kernel_initializer")
        initializer = initializer["class_name"] if initializer else None
        signature.append((type(layer).__name__, settings, initializer))
    return signature


def _hashable(value):
    if isinstance(value, list | tuple):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value
