"""DenoisingAutoencoder: a dense denoising autoencoder as a scikit-learn transformer."""

from __future__ import annotations

from numbers import Integral

import keras
import numpy as np

from ._base import BaseDenoisingAutoencoder
from ._compat import Interval

#: The regularization of the codes' whitening: ``eps`` over the mean eigenvalue
#: of their covariance (why 10: the models guide, "Why these defaults").
WHITENING_SHRINKAGE = 10.0

#: The values of :class:`CodeWhitening`'s ``mode``.
WHITENING_MODES = ("whiten", "unwhiten", "round_trip")


@keras.saving.register_keras_serializable(package="skdae")
class CodeWhitening(keras.layers.Layer):
    """Keras layer that whitens codes, or un-whitens them, with fitted statistics.

    It holds the whitening of :class:`DenoisingAutoencoder` (``whiten=True``)
    as three non-trainable float32 weights: ``mean``, of shape ``(n_codes,)``,
    and ``whitening`` and ``coloring``, of shape ``(n_codes, n_codes)``, each
    the inverse of the other. They start at zero and the identity (no
    whitening), and the estimator sets them (:meth:`set_statistics`) at the
    end of every ``fit``, ``partial_fit`` and ``initialize``. The layer
    computes in float32.

    The call's ``mode`` chooses the map (a call argument, so one layer, and
    one set of weights, serves the three models of the estimator):

    - ``"whiten"`` (default): ``(codes - mean) @ whitening``, the last layer
      of ``encoder_``;
    - ``"unwhiten"``: ``codes @ coloring + mean``, the first layer of
      ``decoder_``;
    - ``"round_trip"``: the codes unchanged, the un-whitening of their
      whitening, in ``model_`` between the encoder and decoder networks.

    Parameters
    ----------
    **kwargs
        Keywords of ``keras.layers.Layer``; ``trainable`` defaults to False and
        ``dtype`` to ``"float32"``.

    Examples
    --------
    >>> import keras
    >>> import numpy as np
    >>> from skdae.dense import CodeWhitening
    >>> layer = CodeWhitening()
    >>> layer.build((None, 2))
    >>> layer.set_statistics([1.0, 0.0], np.diag([0.5, 1.0]), np.diag([2.0, 1.0]))
    >>> codes = np.array([[3.0, 1.0]], dtype="float32")
    >>> whitened = layer(codes)
    >>> keras.ops.convert_to_numpy(whitened)
    array([[1., 1.]], dtype=float32)
    >>> keras.ops.convert_to_numpy(layer(whitened, mode="unwhiten"))
    array([[3., 1.]], dtype=float32)
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("trainable", False)
        kwargs.setdefault("dtype", "float32")
        super().__init__(**kwargs)

    def build(self, input_shape):
        n_codes = input_shape[-1]
        self.mean = self.add_weight(
            shape=(n_codes,), initializer="zeros", trainable=False, name="mean"
        )
        self.whitening = self.add_weight(
            shape=(n_codes, n_codes),
            initializer="identity",
            trainable=False,
            name="whitening",
        )
        self.coloring = self.add_weight(
            shape=(n_codes, n_codes),
            initializer="identity",
            trainable=False,
            name="coloring",
        )

    def call(self, inputs, mode="whiten"):
        if mode == "whiten":
            return keras.ops.matmul(inputs - self.mean, self.whitening)
        if mode == "unwhiten":
            return keras.ops.matmul(inputs, self.coloring) + self.mean
        if mode == "round_trip":
            return inputs
        raise ValueError(f"mode must be one of {WHITENING_MODES}; got {mode!r}.")

    def compute_output_shape(self, input_shape):
        return input_shape

    def set_statistics(self, mean, whitening, coloring):
        """Set the weights, cast to float32.

        Parameters
        ----------
        mean : array-like of shape (n_codes,)
            Subtracted from the codes before whitening.
        whitening : array-like of shape (n_codes, n_codes)
            The whitening matrix.
        coloring : array-like of shape (n_codes, n_codes)
            Its inverse.
        """
        for variable, value in (
            (self.mean, mean),
            (self.whitening, whitening),
            (self.coloring, coloring),
        ):
            variable.assign(np.asarray(value, dtype=np.float32))

    def statistics(self):
        """``(mean, whitening, coloring)``: the weights as float32 NumPy arrays."""
        return tuple(
            np.asarray(keras.ops.convert_to_numpy(variable), dtype=np.float32)
            for variable in (self.mean, self.whitening, self.coloring)
        )


class DenoisingAutoencoder(BaseDenoisingAutoencoder):
    """Dense denoising autoencoder, trained by Keras, used like PCA.

    The model learns to reconstruct clean samples from corrupted copies: every
    training batch is corrupted afresh by ``noise`` inside the Keras model, and
    nothing is corrupted at inference. ``transform`` returns the learned code
    (feature extraction), ``inverse_transform`` decodes codes back to input space,
    ``denoise`` reconstructs data, and ``score`` is minus the reconstruction MSE.

    Read more in the :ref:`User Guide <models>`.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(1024,)
        Units of the encoder's Dense layers; the last one is the code. The decoder
        mirrors the encoder. The default is a shallow, over-complete autoencoder
        (a code wider than most inputs); ``(128,)`` is a small shallow one,
        ``(392, 196)`` on 784 pixels the deep 784-392-196-392-784 one.
    activation : str or callable, default="relu"
        Activation of the hidden layers and the code (a Keras activation).
    output_activation : str or callable, default="auto"
        Activation of the output layer. ``"auto"`` is ``"sigmoid"`` when the
        training data lies in [0, 1] and ``"linear"`` otherwise.
    l1 : float, default=0.0
        L1 penalty on the weights.
    l2 : float, default=0.0
        L2 penalty on the weights.
    sparsity : float, default=0.0
        L1 penalty on the code's activations (a sparse autoencoder).
    noise : NoiseInjector or None, default=None
        Training corruption. None means ``NoiseInjector()`` (gaussian, 0.5).
        Grid-search its parameters as ``noise__noise_factor``, ``noise__kind``.
    transform_mode : {"code", "denoise"}, default="code"
        What ``transform`` returns: the code (feature extraction), or the
        denoised reconstruction (a denoising step in a Pipeline).
        ``inverse_transform`` exists in ``"code"`` mode only.
    whiten : bool, default=True
        Whether ``transform`` returns the codes whitened, by a regularized ZCA
        transform fitted on the training codes at the end of each ``fit`` or
        ``partial_fit``: centred, then multiplied by
        ``(C + eps I) ** -0.5``, where ``C`` is their covariance and ``eps`` is
        10 times its mean eigenvalue (a mild whitening, which shrinks the few
        dominant directions most). ``inverse_transform`` undoes it, and
        ``denoise`` does not use it. It is a layer of ``encoder_``, undone by
        one of ``decoder_``. False: the encoder's outputs as they are.
    loss : str or keras.losses.Loss, default="mse"
        Training loss.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Optimizer; set its parameters as ``optimizer__learning_rate=1e-3``.
    metrics : list or None, default=None
        Extra Keras metrics recorded in ``history_``.
    epochs : int, default=20
        Number of passes over the training data.
    batch_size : int, default=128
        Samples per gradient step. Inference (``transform``, ``denoise``,
        ``score_samples``) runs in larger batches of about 4 MiB of input, at
        least ``batch_size`` rows.
    validation_split : float, default=0.0
        Fraction of the training data held out (at random) to report
        ``val_loss``: the error of denoising the held-out samples, corrupted by
        ``noise`` with a fixed seed (the same draw every epoch). With paired
        training the held-out inputs are the given noisy ones.
    early_stopping : bool, default=False
        Stop when ``val_loss`` (``loss`` without a validation split) has not
        improved by ``tol`` for ``n_iter_no_change`` epochs, and keep the best
        weights.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Smallest improvement that counts for early stopping.
    shuffle : bool, default=True
        Shuffle the training samples every epoch.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Extra Keras callbacks; classes are instantiated with ``callbacks__*``
        parameters.
    verbose : int, default=0
        0 is silent, 1 shows Keras' progress bar, 2 logs one concise line per
        epoch (loss, validation loss, time) on the ``skdae`` logger.
    device : {"auto", "cpu", "gpu"}, default="auto"
        Where to train: ``"auto"`` is the GPU when the Keras backend sees one.
    precision : {"float32", "auto", "mixed_float16", "mixed_bfloat16"}, \
default="float32"
        Compute precision of the hidden layers. ``"auto"`` is mixed precision on
        a GPU (bfloat16 where supported, else float16 with loss scaling) and
        float32 on the CPU. Weights, the output layer and every returned array
        stay float32.
    data_parallel : bool, default=False
        Replicate the model on every device of ``device_``'s kind (all GPUs, or
        several configured CPU devices) and split each batch between them;
        ``batch_size`` is the global batch. JAX and TensorFlow backends.
    random_state : int, RandomState instance or None, default=None
        Seeds weights, noise draws and shuffling for reproducible fits.
    warm_start : bool, default=False
        Continue training the fitted model on the next ``fit``.
    run_eagerly : bool, default=False
        Run Keras eagerly instead of compiling its train and predict functions:
        slower per batch, but no tracing cost, which wins on tiny data; and
        easier to debug.
    **routed_params
        Parameters routed by prefix, scikeras' convention: ``optimizer__*``,
        ``loss__*``, ``metrics__*`` and ``callbacks__*`` are arguments of those
        classes (``callbacks__0__*`` of the first of a list), ``fit__*`` and
        ``compile__*`` extra arguments of ``keras.Model.fit`` and ``compile``.
        ``fit__*`` arguments the estimator sets itself (``fit__epochs``...) and
        ``predict__*`` are refused with a ``ValueError`` (inference batches are
        sized by skdae).

    Attributes
    ----------
    model_ : keras.Model
        The trained autoencoder: missing entries filled, noise layer, encoder
        network, whitening layer (``whiten=True``; the identity here:
        whitening, then un-whitening), decoder network.
    encoder_ : keras.Model
        Input to the codes ``transform`` returns: the encoder network, then
        the whitening layer (a :class:`CodeWhitening`).
    decoder_ : keras.Model
        Those codes back to input space: the un-whitening, then the decoder
        network.
    history_ : dict of list
        Keras' training history (``loss``, ``val_loss``, metrics) per epoch.
    loss_curve_ : list of float
        Training loss per epoch.
    n_iter_ : int
        Number of epochs trained.
    noise_ : NoiseInjector
        The corruption used in training.
    output_activation_ : str or callable
        The output activation used.
    code_shape_ : tuple of int
        Shape of the code of one sample.
    code_mean_ : ndarray of shape (n_codes,)
        Mean of the training codes (``whiten=True`` only): the whitening
        layer's ``mean`` weight.
    code_whitening_ : ndarray of shape (n_codes, n_codes)
        The whitening matrix ``(C + eps I) ** -0.5`` (``whiten=True`` only),
        the layer's ``whitening`` weight; ``transform`` returns
        ``(codes - code_mean_) @ code_whitening_``.
    sample_shape_ : tuple of int
        Shape of one sample as the model sees it.
    device_ : {"cpu", "gpu"}
        Device the model was trained on.
    precision_ : str
        Keras dtype policy of the hidden layers (``"float32"``,
        ``"mixed_float16"`` or ``"mixed_bfloat16"``).
    n_devices_ : int
        Number of devices the model was trained on.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    ConvDenoisingAutoencoder : Convolutional denoising autoencoder for images.
    NoiseInjector : The corruptions.
    sklearn.decomposition.PCA : Linear counterpart.
    sklearn.neural_network.MLPRegressor : Where the architecture names come from.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skdae import DenoisingAutoencoder, NoiseInjector
    >>> X = load_digits().data / 16
    >>> dae = DenoisingAutoencoder(
    ...     hidden_layer_sizes=(64, 16), noise=NoiseInjector(noise_factor=0.2),
    ...     epochs=5, random_state=0)
    >>> codes = dae.fit(X).transform(X)
    >>> codes.shape
    (1797, 16)
    >>> dae.inverse_transform(codes).shape
    (1797, 64)
    >>> dae.denoise(X[:3]).shape
    (3, 64)
    >>> dae.score(X) < 0
    True
    """

    _parameter_constraints: dict = {
        **BaseDenoisingAutoencoder._parameter_constraints,
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "whiten": ["boolean"],
    }

    def __init__(
        self,
        hidden_layer_sizes=(1024,),
        *,
        activation="relu",
        output_activation="auto",
        l1=0.0,
        l2=0.0,
        sparsity=0.0,
        noise=None,
        transform_mode="code",
        whiten=True,
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
        self.hidden_layer_sizes = hidden_layer_sizes
        self.whiten = whiten
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

    # ------------------------------------------------------------- whitening
    def _compose(self, inputs, encoder, decoder):
        codes = encoder(inputs)
        if self.whiten:
            # Whitening then un-whitening: the identity, so the networks train
            # as without it; the layer carries the statistics in model_'s weights.
            codes = CodeWhitening(name="code_whitening")(codes, mode="round_trip")
        return decoder(codes)

    def _whitening_layer(self):
        """The fitted model's :class:`CodeWhitening` layer, or None without one."""
        try:
            return self.model_.get_layer("code_whitening")
        except ValueError:
            return None

    def _with_code_map(self, encoder, decoder):
        layer = self._whitening_layer()
        if layer is None:
            return encoder, decoder
        # The networks' own layers (shared with model_), with the whitening
        # after the encoder's and the un-whitening before the decoder's.
        whitened = layer(encoder.output, mode="whiten")
        codes = keras.Input(decoder.input.shape[1:], name="decoder_input")
        outputs = layer(codes, mode="unwhiten")
        for hidden in decoder.layers[1:]:
            outputs = hidden(outputs)
        return (
            keras.Model(encoder.input, whitened, name="encoder"),
            keras.Model(codes, outputs, name="decoder"),
        )

    @property
    def code_mean_(self):
        """Mean of the training codes: a float32 copy of the whitening layer's
        ``mean`` weight (``whiten=True`` only)."""
        return self._whitening_statistics()[0]

    @property
    def code_whitening_(self):
        """The whitening matrix: a float32 copy of the whitening layer's
        ``whitening`` weight (``whiten=True`` only)."""
        return self._whitening_statistics()[1]

    def _whitening_statistics(self):
        layer = self._whitening_layer() if hasattr(self, "model_") else None
        if layer is None:
            raise AttributeError(
                f"This {type(self).__name__} has no whitening: it is not fitted, "
                "or was fitted with whiten=False."
            )
        return layer.statistics()

    def _fit_code_map(self, X):
        layer = self._whitening_layer()
        if layer is None:
            return
        total, outer, n_samples = 0.0, 0.0, 0
        for codes in self._encoded_chunks(X):
            codes = codes.astype(np.float64)
            total = total + codes.sum(axis=0)
            outer = outer + codes.T @ codes
            n_samples += codes.shape[0]
        mean = total / n_samples
        covariance = outer / n_samples - np.outer(mean, mean)
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        eigenvalues = np.clip(eigenvalues, 0, None)
        shrinkage = WHITENING_SHRINKAGE * eigenvalues.mean() or 1.0
        scales = np.sqrt(eigenvalues + shrinkage)
        layer.set_statistics(
            mean,
            (eigenvectors / scales) @ eigenvectors.T,
            (eigenvectors * scales) @ eigenvectors.T,
        )

    # transform and inverse_transform compute the whitening from the layer's
    # float32 weights, in float64: in float32, a one-row product (a
    # matrix-vector kernel) and a many-row one round differently, and a row's
    # code would depend on the rows transformed with it.
    def _map_codes(self, codes):
        layer = self._whitening_layer()
        if layer is None:
            return codes
        mean, whitening, _ = layer.statistics()
        centred = codes.astype(np.float64) - mean
        return (centred @ whitening.astype(np.float64)).astype(np.float32)

    def _unmap_codes(self, Z):
        layer = self._whitening_layer()
        if layer is None:
            return Z
        mean, _, coloring = layer.statistics()
        coloured = np.asarray(Z, dtype=np.float64) @ coloring.astype(np.float64)
        return (coloured + mean).astype(np.float32)

    def _layer_sizes(self):
        sizes = (
            [self.hidden_layer_sizes]
            if isinstance(self.hidden_layer_sizes, Integral)
            else list(self.hidden_layer_sizes)
        )
        if not sizes or any(not isinstance(s, Integral) or s < 1 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must be a non-empty sequence of positive "
                f"integers; got {self.hidden_layer_sizes!r}."
            )
        return sizes

    def _build_networks(self, sample_shape, new_seed):
        sizes = self._layer_sizes()
        inputs = keras.Input(sample_shape, name="encoder_input")
        hidden = inputs
        for depth, units in enumerate(sizes, start=1):
            is_code = depth == len(sizes)
            hidden = keras.layers.Dense(
                units,
                activation=self.activation,
                activity_regularizer=self._code_regularizer() if is_code else None,
                name="code" if is_code else f"encoder_dense_{depth}",
                **self._weight_kwargs(new_seed),
            )(hidden)
        encoder = keras.Model(inputs, hidden, name="encoder")

        codes = keras.Input((sizes[-1],), name="decoder_input")
        hidden = codes
        for depth, units in enumerate(reversed(sizes[:-1]), start=1):
            hidden = keras.layers.Dense(
                units,
                activation=self.activation,
                name=f"decoder_dense_{depth}",
                **self._weight_kwargs(new_seed),
            )(hidden)
        outputs = keras.layers.Dense(
            sample_shape[0],
            activation=self.output_activation_,
            name="reconstruction",
            # float32 outputs under mixed precision too
            **self._weight_kwargs(new_seed, dtype="float32"),
        )(hidden)
        decoder = keras.Model(codes, outputs, name="decoder")
        return encoder, decoder
