"""ConvDenoisingAutoencoder: a convolutional denoising autoencoder for images."""

from __future__ import annotations

import math
import warnings
from numbers import Integral

import keras
import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array, check_is_fitted

from ._base import BaseDenoisingAutoencoder
from ._compat import Interval, StrOptions, check_feature_names
from ._data import INFERENCE_VALUES
from .noise import check_image_shape


class ConvDenoisingAutoencoder(BaseDenoisingAutoencoder):
    """Convolutional denoising autoencoder for images, used like PCA.

    Images come as ``(n, h, w, c)``, ``(n, h, w)`` (grayscale) or flat
    ``(n, h*w*c)`` with ``image_shape`` (so the model can sit behind a scaler in a
    Pipeline); every image output keeps the caller's layout. Each encoder level
    is a convolution followed by a 2x downsampling (a stride-2 convolution, or
    max-pooling), or none; the decoder mirrors it (transposed convolutions, or
    upsampling) and crops back to the exact input size, so any ``h, w`` works
    (28 -> 14 -> 7 -> 4 comes back to 28). ``transform`` returns the code, the
    bottleneck feature maps flattened to ``(n, n_codes)``.

    The network is fully convolutional: fitted on images (or patches, see
    :func:`skdae.extract_patches`) of one size, :meth:`denoise` takes images of
    any height and width. Codes (``transform``, ``inverse_transform``) and
    scores stay tied to the fitted size.

    For photos, the choices of modern CNN denoisers are parameters:
    ``residual=True`` (the network estimates the noise and subtracts it),
    ``batch_norm=True``, ``skip_connections=True`` (a U-Net), and
    ``downsampling=None`` (depth at full resolution, as DnCNN).

    Read more in the :ref:`User Guide <models>`.

    Parameters
    ----------
    image_shape : tuple of int or None, default=None
        ``(h, w)`` or ``(h, w, c)`` of flat input samples. Ignored for image input
        of 3 or 4 dimensions, except that it must then match. Flat input
        without it is read as one-row, one-channel images ``(1, n_features,
        1)`` (1-D convolutions along the features), with a warning when
        ``n_features`` is a perfect square.
    filters : array-like of int, default=(32, 32)
        Filters of the convolution of each encoder level; the decoder uses them in
        reverse order.
    kernel_size : int, default=3
        Size of the square convolution kernels.
    downsampling : {"stride", "pool"} or None, default="stride"
        ``"stride"``: stride-2 convolutions, decoded by stride-2 transposed
        convolutions. ``"pool"``: convolution then 2x2 max-pooling, decoded by a
        convolution then 2x upsampling. None: no downsampling, every
        convolution at full resolution (the code is then ``h x w x
        filters[-1]``).
    skip_connections : bool, default=False
        Concatenate each encoder level's features to the decoder's features of
        the same size (U-Net style). ``inverse_transform`` is then unavailable,
        since decoding needs more than the code.
    residual : bool, default=False
        Residual learning: the decoder estimates the noise, and the output is
        the input minus that estimate (Zhang et al., 2017, DnCNN). The output
        activation then applies to the noise estimate (``"auto"`` is
        ``"linear"``), and ``inverse_transform`` is unavailable.
    batch_norm : bool, default=False
        Batch normalization between each hidden convolution and its activation.
    activation : str or callable, default="relu"
        Activation of the hidden convolutions.
    output_activation : str or callable, default="auto"
        Activation of the output convolution. ``"auto"`` is ``"sigmoid"`` when the
        training data lies in [0, 1] and ``"linear"`` otherwise (and with
        ``residual=True``).
    l1, l2 : float, default=0.0
        L1 and L2 penalties on the kernels.
    sparsity : float, default=0.0
        L1 penalty on the code's activations.
    noise : NoiseInjector or None, default=None
        Training corruption (None: ``NoiseInjector()``). ``"block"`` noise erases
        square patches of the images, which trains an inpainting model.
    transform_mode : {"code", "denoise"}, default="code"
        What ``transform`` returns: the flattened code, or the denoised images.
        ``inverse_transform`` exists in ``"code"`` mode only (and without skip
        connections or residual learning).
    loss, optimizer, metrics, epochs, batch_size, validation_split, \
early_stopping, n_iter_no_change, tol, shuffle, callbacks, verbose, device, \
precision, data_parallel, random_state, warm_start, run_eagerly, **routed_params
        As in :class:`DenoisingAutoencoder`.

    Attributes
    ----------
    model_, encoder_, decoder_ : keras.Model
        The autoencoder (noise layer, encoder, decoder) and its two halves.
    history_ : dict of list
        Keras' training history per epoch.
    loss_curve_ : list of float
        Training loss per epoch.
    n_iter_ : int
        Number of epochs trained.
    noise_ : NoiseInjector
        The corruption used in training.
    output_activation_ : str or callable
        The output activation used.
    code_shape_ : tuple of int
        ``(h', w', filters[-1])``: the bottleneck of one image.
    sample_shape_ : tuple of int
        ``(h, w, c)``: one image as the model sees it.
    device_ : {"cpu", "gpu"}
        Device the model was trained on.
    precision_ : str
        Keras dtype policy of the hidden layers.
    n_devices_ : int
        Number of devices the model was trained on.
    n_features_in_ : int
        Values per sample (``h * w * c``).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    DenoisingAutoencoder : Dense denoising autoencoder.
    NoiseInjector : The corruptions.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdae import ConvDenoisingAutoencoder, NoiseInjector
    >>> images = load_digits().images / 16          # (1797, 8, 8)
    >>> cdae = ConvDenoisingAutoencoder(
    ...     filters=(8, 4), noise=NoiseInjector(noise_factor=0.2, clip=(0, 1)),
    ...     epochs=2, random_state=0).fit(images)
    >>> cdae.denoise(images[:5]).shape
    (5, 8, 8)
    >>> cdae.transform(images[:5]).shape                # 2 x 2 x 4 code
    (5, 16)
    >>> cdae.inverse_transform(cdae.transform(images[:5])).shape
    (5, 8, 8)
    >>> cdae.denoise(images[:2, :6, :7]).shape          # any size
    (2, 6, 7)
    """

    _allows_images = True

    _parameter_constraints: dict = {
        **BaseDenoisingAutoencoder._parameter_constraints,
        "image_shape": [tuple, list, None],
        "filters": ["array-like", Interval(Integral, 1, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "downsampling": [StrOptions({"stride", "pool"}), None],
        "skip_connections": ["boolean"],
        "residual": ["boolean"],
        "batch_norm": ["boolean"],
    }

    def __init__(
        self,
        image_shape=None,
        *,
        filters=(32, 32),
        kernel_size=3,
        downsampling="stride",
        skip_connections=False,
        residual=False,
        batch_norm=False,
        activation="relu",
        output_activation="auto",
        l1=0.0,
        l2=0.0,
        sparsity=0.0,
        noise=None,
        transform_mode="code",
        loss="mse",
        optimizer="adam",
        metrics=None,
        epochs=20,
        batch_size=128,
        validation_split=0.0,
        early_stopping=False,
        n_iter_no_change=10,
        tol=1e-4,
        shuffle=True,
        callbacks=None,
        verbose=0,
        device="auto",
        precision="float32",
        data_parallel=False,
        random_state=None,
        warm_start=False,
        run_eagerly=False,
        **routed_params,
    ):
        self.image_shape = image_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.downsampling = downsampling
        self.skip_connections = skip_connections
        self.residual = residual
        self.batch_norm = batch_norm
        super().__init__(
            activation=activation,
            output_activation=output_activation,
            l1=l1,
            l2=l2,
            sparsity=sparsity,
            noise=noise,
            transform_mode=transform_mode,
            loss=loss,
            optimizer=optimizer,
            metrics=metrics,
            epochs=epochs,
            batch_size=batch_size,
            validation_split=validation_split,
            early_stopping=early_stopping,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            shuffle=shuffle,
            callbacks=callbacks,
            verbose=verbose,
            device=device,
            precision=precision,
            data_parallel=data_parallel,
            random_state=random_state,
            warm_start=warm_start,
            run_eagerly=run_eagerly,
            **routed_params,
        )

    # ------------------------------------------------------------------ layout
    def _decodes_codes(self):
        # With skip connections the decoder also reads the encoder's features;
        # a residual decoder outputs noise, which only the input turns to images.
        return (
            super()._decodes_codes() and not self.skip_connections and not self.residual
        )

    def _resolve_output_activation(self, low, high):
        if self.residual and self.output_activation == "auto":
            return "linear"  # noise has both signs
        return super()._resolve_output_activation(low, high)

    def _start_at_mean(self, feature_mean):
        if not self.residual:  # a residual model starts at zero noise, the identity
            super()._start_at_mean(feature_mean)

    def _declared_image_shape(self):
        shape = check_image_shape(self.image_shape, type(self).__name__)
        if shape is None or len(shape) == 3:
            return shape
        return (*shape, 1)

    def _model_sample_shape(self, layout):
        declared = self._declared_image_shape()
        if len(layout) == 1:
            if declared is None:
                if math.isqrt(layout[0]) ** 2 == layout[0] and layout[0] >= 16:
                    side = math.isqrt(layout[0])
                    warnings.warn(
                        f"{type(self).__name__} got flat samples of {layout[0]} "
                        "features and no image_shape, so it reads them as images of "
                        f"shape (1, {layout[0]}, 1). Pass image_shape=({side}, "
                        f"{side}) if they are {side}x{side} images.",
                        UserWarning,
                        stacklevel=4,
                    )
                return (1, layout[0], 1)
            if math.prod(declared) != layout[0]:
                raise ValueError(
                    f"X has {layout[0]} features, but image_shape="
                    f"{tuple(self.image_shape)} expects {math.prod(declared)} "
                    f"(flat samples of shape {declared})."
                )
            return declared
        shape = tuple(layout) if len(layout) == 3 else (*layout, 1)
        if declared is not None and declared != shape:
            raise ValueError(
                f"X holds images of shape {tuple(layout)}, but image_shape="
                f"{tuple(self.image_shape)}."
            )
        return shape

    def _check_layout(self, layout):
        height, width, channels = self.sample_shape_
        accepted = [(height, width, channels), (height * width * channels,)]
        if channels == 1:
            accepted.append((height, width))
        if tuple(layout) not in accepted:
            raise ValueError(
                f"X has samples of shape {tuple(layout)}, but "
                f"{type(self).__name__} was fitted on images of shape "
                f"{self.sample_shape_}; expected samples of shape "
                + " or ".join(str(s) for s in accepted)
                + "."
                + self._other_sizes_hint(layout)
            )

    def _other_sizes_hint(self, layout):
        if len(layout) < 2:
            return ""
        channels = self.sample_shape_[-1]
        return (
            " denoise() takes images of any height and width, (n, h, w, "
            f"{channels})" + (" or (n, h, w)" if channels == 1 else "") + "; "
            "transform(), score() and score_samples() take the fitted size only."
        )

    # ------------------------------------------------------ images of any size
    def denoise(self, X):
        """Denoise images of the fitted size, or of any other height and width.

        The network is fully convolutional: images of another size than the
        training images (a whole photo after training on patches, odd sizes
        included) are padded by reflection up to a multiple of the downsampling
        (``2 ** len(filters)``, none without downsampling), denoised whole and
        cropped back. No corruption is applied.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features), or \
images of shape (n, h, w, c) or (n, h, w)
            Noisy (or clean) data. Flat samples must have the fitted size; images
            may have any ``h`` and ``w``, with the fitted number of channels.

        Returns
        -------
        X_denoised : ndarray of the shape of X
            The reconstruction, in the caller's layout.
        """
        check_is_fitted(self)
        shape = None if sp.issparse(X) else np.shape(X)
        if shape is None or len(shape) < 3 or shape[1:3] == self.sample_shape_[:2]:
            return super().denoise(X)
        return self._denoise_any_size(X)

    def _denoise_any_size(self, X):
        check_feature_names(self, X, reset=False)
        X = check_array(X, dtype="numeric", allow_nd=True, input_name="X")
        channels = self.sample_shape_[-1]
        images = X[..., None] if X.ndim == 3 else X
        if images.ndim != 4 or images.shape[-1] != channels:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but {type(self).__name__} "
                f"was fitted on images of {channels} channel(s): denoise() takes "
                f"images (n, h, w, {channels})"
                + (" or (n, h, w)" if channels == 1 else "")
                + " of any height and width."
            )
        height, width = images.shape[1:3]
        multiple = 2 ** len(self._filters()) if self.downsampling else 1
        padding = ((0, 0), (0, -height % multiple), (0, -width % multiple), (0, 0))
        if any(after for _, after in padding):
            images = np.pad(images, padding, mode="reflect")
        # Batches of INFERENCE_VALUES input values, one image at least: the
        # fitted batch_size of small patches would not bound the memory of
        # large photos.
        shape = images.shape[1:]
        rows = max(1, INFERENCE_VALUES // math.prod(shape))
        out = self._predict(self._any_size_model(), images, shape, rows=rows)
        return out[:, :height, :width].reshape(X.shape)

    def _any_size_model(self):
        """The fitted network for images of any size, sharing the fitted weights.

        Built once per fitted model, from the same parameters with ``None``
        sides; the weights are copied from ``model_`` at every call, so further
        training is seen.
        """
        cached = vars(self).get("_any_size")
        if cached is None:
            channels = self.sample_shape_[-1]
            with self._compute_scope()[0]:
                encoder, decoder = self._build_networks(
                    (None, None, channels), lambda: None
                )
                inputs = keras.Input((None, None, channels))
                model = keras.Model(inputs, self._compose(inputs, encoder, decoder))
            cached = self._any_size = (model, encoder, decoder)
        model, encoder, decoder = cached
        encoder.set_weights(self.encoder_.get_weights())
        decoder.set_weights(self.decoder_.get_weights())
        return model

    def _initialize(self, target_stats):
        vars(self).pop("_any_size", None)
        super()._initialize(target_stats)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_any_size", None)  # rebuilt on demand
        return state

    # ---------------------------------------------------------------- networks
    def _filters(self):
        filters = (
            [self.filters] if isinstance(self.filters, Integral) else list(self.filters)
        )
        if not filters or any(not isinstance(f, Integral) or f < 1 for f in filters):
            raise ValueError(
                f"filters must be a non-empty sequence of positive integers; got "
                f"{self.filters!r}."
            )
        return filters

    def _conv(self, filters, new_seed, *, name, strides=1, transpose=False, **kw):
        layer = keras.layers.Conv2DTranspose if transpose else keras.layers.Conv2D
        return layer(
            filters,
            self.kernel_size,
            strides=strides,
            padding="same",
            activation=kw.pop("activation", self.activation),
            name=name,
            **self._weight_kwargs(new_seed, dtype=kw.pop("dtype", None)),
            **kw,
        )

    def _hidden(self, features, filters, new_seed, *, name, regularizer=None, **kw):
        """A hidden convolution, with batch normalization before its activation."""
        if not self.batch_norm:
            return self._conv(
                filters, new_seed, name=name, activity_regularizer=regularizer, **kw
            )(features)
        features = self._conv(
            filters,
            new_seed,
            name=f"{name}_conv",
            activation=None,
            use_bias=False,
            **kw,
        )(features)
        features = keras.layers.BatchNormalization(
            name=f"{name}_norm", dtype=self.precision_
        )(features)
        return keras.layers.Activation(
            self.activation,
            name=name,
            activity_regularizer=regularizer,
            dtype=self.precision_,
        )(features)

    def _build_networks(self, sample_shape, new_seed):
        filters = self._filters()
        images = keras.Input(sample_shape, name="encoder_input")
        features, sizes, skips = images, [], []
        for level, n_filters in enumerate(filters, start=1):
            sizes.append(tuple(features.shape[1:3]))
            is_code = level == len(filters)
            regularizer = self._code_regularizer() if is_code else None
            if self.downsampling == "pool":
                features = self._hidden(
                    features, n_filters, new_seed, name=f"encoder_conv_{level}"
                )
                features = keras.layers.MaxPooling2D(
                    2,
                    padding="same",
                    name="code" if is_code else f"encoder_pool_{level}",
                    dtype=self.precision_,
                )(features)
                if regularizer is not None:
                    features = keras.layers.ActivityRegularization(
                        l1=self.sparsity, name="code_sparsity", dtype=self.precision_
                    )(features)
            else:
                features = self._hidden(
                    features,
                    n_filters,
                    new_seed,
                    name="code" if is_code else f"encoder_conv_{level}",
                    strides=2 if self.downsampling == "stride" else 1,
                    regularizer=regularizer,
                )
            if not is_code:
                skips.append(features)
        encoder_outputs = [features, *skips] if self.skip_connections else features
        encoder = keras.Model(images, encoder_outputs, name="encoder")

        code = keras.Input(features.shape[1:], name="decoder_input")
        skip_inputs = [
            keras.Input(s.shape[1:], name=f"skip_{i}") for i, s in enumerate(skips, 1)
        ]
        features = code
        for step, n_filters in enumerate(reversed(filters), start=1):
            level = len(filters) - step + 1
            if self.downsampling == "pool":
                features = self._hidden(
                    features, n_filters, new_seed, name=f"decoder_conv_{step}"
                )
                features = keras.layers.UpSampling2D(
                    2, name=f"decoder_up_{step}", dtype=self.precision_
                )(features)
            elif self.downsampling == "stride":
                features = self._hidden(
                    features,
                    n_filters,
                    new_seed,
                    name=f"decoder_deconv_{step}",
                    strides=2,
                    transpose=True,
                )
            else:
                features = self._hidden(
                    features, n_filters, new_seed, name=f"decoder_conv_{step}"
                )
            features = _crop_to(
                features,
                sizes[level - 1],
                name=f"decoder_crop_{step}",
                dtype=self.precision_,
            )
            if self.skip_connections and level > 1:
                features = keras.layers.Concatenate(
                    name=f"decoder_skip_{step}", dtype=self.precision_
                )([features, skip_inputs[level - 2]])
        outputs = self._conv(
            sample_shape[-1],
            new_seed,
            name="reconstruction",
            activation=self.output_activation_,
            dtype="float32",  # float32 outputs under mixed precision too
        )(features)
        decoder_inputs = [code, *skip_inputs] if self.skip_connections else code
        decoder = keras.Model(decoder_inputs, outputs, name="decoder")
        return encoder, decoder

    def _compose(self, inputs, encoder, decoder):
        outputs = decoder(encoder(inputs))
        if self.residual:  # the decoder estimates the noise: take it away
            outputs = keras.layers.Subtract(name="residual", dtype="float32")(
                [inputs, outputs]
            )
        return outputs


def _crop_to(features, size, *, name, dtype):
    """Crop the bottom and right of feature maps down to ``size`` (h, w).

    Networks built for images of any size (``None`` sides) take sides that the
    downsampling divides, and crop nothing.
    """
    if None in size or None in features.shape[1:3]:
        return features
    extra_h = features.shape[1] - size[0]
    extra_w = features.shape[2] - size[1]
    if extra_h == 0 and extra_w == 0:
        return features
    return keras.layers.Cropping2D(
        ((0, extra_h), (0, extra_w)), name=name, dtype=dtype
    )(features)
