"""The shared estimator base of the autoencoders, and their one training path.

The estimators subclass :class:`BaseDenoisingAutoencoder` and only describe their
encoder and decoder networks and the layout of their input (the hooks the
class docstring lists). :meth:`BaseDenoisingAutoencoder._fit` is the training
path of ``fit``, ``partial_fit`` and ``initialize``, for arrays, sparse
matrices, memory maps and ``keras.utils.PyDataset``s alike. Keras' objects come
from the parameters through :mod:`skdae._keras_params` (routed parameters,
``optimizer__learning_rate``...); data reach Keras one batch at a time through
:mod:`skdae._data`; every random draw is seeded from ``random_state`` here,
not through TensorFlow's global state.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import logging
import math
import time
from collections.abc import Callable
from numbers import Integral, Real

import keras
import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array, check_is_fitted

from . import _keras_params as keras_params
from ._compat import (
    Interval,
    StrOptions,
    check_feature_names,
    check_feature_names_in,
    prefixed_feature_names_out,
)
from ._data import (
    SMALL_TENSOR_FEED_BYTES,
    ArrayBatches,
    DatasetBatches,
    inference_batch_size,
    pad_rows,
    read_rows,
    split_batch,
    split_indices,
)
from ._scale import check_noise_scale, sample_rows
from ._weight_average import correct_weight_average
from .device import (
    DEVICES,
    PRECISIONS,
    data_parallel_scope,
    device_scope,
    quiet_retracing,
    resolve_device,
    resolve_precision,
)
from .missing import FillMissing, fill_missing, masked_loss, nan_target_stats
from .noise import NoiseInjector, corrupt_array, draw_seed, seed_from

logger = logging.getLogger("skdae")

# No "predict": inference runs through predict_on_batch in skdae's own batches
# (see ``_predict``), so nothing a ``predict__*`` parameter sets would be used.
ROUTING_PREFIXES = keras_params.ROUTES


def _check_not_predict_params(names, owner):
    """Reject ``predict__*`` parameters, which skdae's inference cannot honour."""
    predict = sorted(name for name in names if name.startswith("predict__"))
    if predict:
        raise ValueError(
            f"{owner} does not accept {predict}: inference runs in batches that "
            "skdae sizes itself (4 MiB of input, at least batch_size rows), so "
            "there are no Keras predict arguments to set."
        )


def _inverse_transform_available(estimator):
    """Whether ``inverse_transform`` can work: codes alone decode (see subclasses)."""
    return estimator._decodes_codes()


class BaseDenoisingAutoencoder(TransformerMixin, BaseEstimator):
    """Base of the denoising autoencoders; not for direct use.

    **Training.** ``fit``, ``partial_fit`` and ``initialize`` take one path,
    :meth:`_fit`: check the data (:meth:`_training_source`), build the model
    unless warm (:meth:`_initialize`, :meth:`_build_model`), train with
    ``keras.Model.fit`` (:meth:`_run_epochs`), fit the code map
    (:meth:`_fit_code_map`). Inference runs the encoder, decoder or whole
    model batch by batch (:meth:`_predict`).

    **Hooks a subclass implements.**

    - ``_build_networks(sample_shape, new_seed)`` (required): the encoder and
      decoder, two Keras models named ``"encoder"`` and ``"decoder"``, the
      decoder's last layer named ``"reconstruction"``; ``new_seed()`` seeds
      each initializer.
    - ``_compose(inputs, encoder, decoder)``: the reconstruction of the
      (corrupted) inputs; ``decoder(encoder(inputs))`` by default.
    - ``_model_sample_shape(layout)``, ``_check_layout(layout)`` and
      ``_other_sizes_hint(layout)``: for inputs other than flat features, the
      shape of one sample inside the model, and the checks and error hints of
      the caller's layout.
    - ``_fit_code_map(X)``, ``_map_codes(codes)``, ``_unmap_codes(Z)``: what
      ``transform`` applies to the codes (nothing by default; the whitening
      of :class:`~skdae.DenoisingAutoencoder`) and its inverse.
    - ``_decodes_codes()``: whether ``inverse_transform`` can work.
    - ``_resolve_output_activation(low, high)`` and
      ``_start_at_mean(feature_mean)``: the output activation for the
      targets' range, and the output layer's starting bias.
    """

    _allows_images = False

    _parameter_constraints: dict = {
        "activation": [str, callable],
        "output_activation": [str, callable],
        "l1": [Interval(Real, 0, None, closed="left")],
        "l2": [Interval(Real, 0, None, closed="left")],
        "sparsity": [Interval(Real, 0, None, closed="left")],
        "noise": [NoiseInjector, None],
        "transform_mode": [StrOptions({"code", "denoise"})],
        "loss": "no_validation",
        "optimizer": "no_validation",
        "metrics": [list, tuple, None],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "callbacks": "no_validation",
        "verbose": ["verbose"],
        "device": [StrOptions(set(DEVICES))],
        "precision": [StrOptions(set(PRECISIONS))],
        "data_parallel": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "run_eagerly": ["boolean"],
    }

    def __init__(
        self,
        *,
        activation,
        output_activation,
        l1,
        l2,
        sparsity,
        noise,
        transform_mode,
        loss,
        optimizer,
        metrics,
        epochs,
        batch_size,
        validation_split,
        early_stopping,
        n_iter_no_change,
        tol,
        shuffle,
        callbacks,
        verbose,
        device,
        precision,
        data_parallel,
        random_state,
        warm_start,
        run_eagerly,
        **routed_params,
    ):
        self.activation = activation
        self.output_activation = output_activation
        self.l1 = l1
        self.l2 = l2
        self.sparsity = sparsity
        self.noise = noise
        self.transform_mode = transform_mode
        self.loss = loss
        self.optimizer = optimizer
        self.metrics = metrics
        self.epochs = epochs
        self.batch_size = batch_size
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.callbacks = callbacks
        self.verbose = verbose
        self.device = device
        self.precision = precision
        self.data_parallel = data_parallel
        self.random_state = random_state
        self.warm_start = warm_start
        self.run_eagerly = run_eagerly
        vars(self).update(routed_params)

    # ------------------------------------------------------------------ params
    def _get_param_names(self):
        names = type(self)._signature_param_names()
        routed = sorted(k for k in vars(self) if "__" in k and not k.startswith("_"))
        return names + routed

    @classmethod
    def _signature_param_names(cls):
        return BaseEstimator._get_param_names.__func__(cls)

    def set_params(self, **params):
        """Set parameters, including routed ones such as ``optimizer__learning_rate``.

        ``noise__<name>`` works also while ``noise`` is None: the default
        :class:`NoiseInjector` is created first.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
        """
        _check_not_predict_params(params, type(self).__name__)
        if any(k.startswith("noise__") for k in params) and "noise" not in params:
            if self.noise is None:
                self.noise = NoiseInjector()
        own = {}
        for name, value in params.items():
            if name.split("__", 1)[0] in ROUTING_PREFIXES:
                setattr(self, name, value)  # a routed parameter
            else:
                own[name] = value
        return super().set_params(**own)

    __repr__ = BaseEstimator.__repr__

    @property
    def predict(self):
        """Not available: an autoencoder transforms; see ``denoise``."""
        raise AttributeError(
            f"{type(self).__name__} has no predict(); use transform() for the code "
            "or denoise() for the reconstruction."
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True  # NaN is a missing entry
        tags.target_tags.required = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    def _validate_params(self):
        super()._validate_params()
        _check_not_predict_params(vars(self), type(self).__name__)
        keras_params.check_fit_arguments(vars(self), type(self).__name__)
        unknown = [
            name
            for name in vars(self)
            if not name.startswith("_")
            and not name.endswith("_")
            and name not in self._signature_param_names()
            and name.split("__", 1)[0] not in ROUTING_PREFIXES
        ]
        if unknown:
            raise ValueError(
                f"{type(self).__name__} got unknown parameters {unknown}; routed "
                "parameters start with one of "
                f"{sorted(p + '__' for p in ROUTING_PREFIXES)}."
            )

    def _expected_failed_checks(self) -> dict[str, str]:
        """Checks of scikit-learn's contract this estimator is known to fail."""
        expected = {
            "check_do_not_raise_errors_in_init_or_set_params": (
                "the constructor takes routed parameters "
                "(optimizer__learning_rate=...) through **routed_params, and the "
                "check passes a parameter literally named 'routed_params' to "
                "set_params, which rejects it as unknown"
            ),
        }
        if keras.backend.backend() == "jax":
            expected["check_methods_subset_invariance"] = (
                "on JAX, XLA's CPU kernels round a float32 output in its last "
                "bits differently for batches of different sizes: a row's "
                "reconstruction differs by about 3e-7 relative, over the "
                "check's 1e-7; TensorFlow passes"
            )
        return expected

    # -------------------------------------------------------------------- data
    def _validate_X(self, X, *, reset):
        """Check X (numbers, enough samples, right size) without copying it.

        NaN is a missing entry and passes; infinity is an error.
        """
        check_feature_names(self, X, reset=reset)
        X = check_array(
            X,
            accept_sparse="csr",
            dtype="numeric",
            allow_nd=self._allows_images,
            ensure_all_finite="allow-nan",
            input_name="X",
        )
        n_features = math.prod(X.shape[1:])
        if reset:
            self.n_features_in_ = n_features
            self.sample_shape_ = self._model_sample_shape(X.shape[1:])
            self._layout = X.shape[1:]
        else:
            if n_features != self.n_features_in_:
                raise ValueError(
                    f"X has {n_features} features, but {type(self).__name__} is "
                    f"expecting {self.n_features_in_} features as input."
                    + self._other_sizes_hint(X.shape[1:])
                )
            self._check_layout(X.shape[1:])
        return X

    def _model_sample_shape(self, layout):
        """Shape of one sample as the model sees it, from the input's layout."""
        return tuple(layout)

    def _check_layout(self, layout):
        """Raise a ValueError if a layout cannot be read as the fitted samples."""

    def _other_sizes_hint(self, layout):
        """What a wrong-sized input could do instead, for error messages."""
        return ""

    def _validate_clean(self, clean, X):
        clean = check_array(
            clean,
            accept_sparse="csr",
            dtype="numeric",
            allow_nd=self._allows_images,
            ensure_all_finite="allow-nan",  # NaN: no target for that entry
            input_name="clean",
        )
        if clean.shape != X.shape:
            raise ValueError(
                f"clean must have the shape of X, {X.shape}; got {clean.shape}."
            )
        return clean

    # --------------------------------------------------------------- training
    def fit(self, X, y=None, *, clean=None):
        """Train the autoencoder to reconstruct ``X`` from corrupted copies of it.

        Every training batch is corrupted afresh by ``noise`` inside the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features), or \
keras.utils.PyDataset
            Training data. Sparse matrices and memory maps are read one batch
            at a time. A ``PyDataset`` yields batches ``x`` or
            ``(x_noisy, x_clean)`` (paired training), read as they come. NaN
            marks a missing entry: it enters the model as 0 (as masking noise
            hides an entry) and the default ``"mse"`` loss skips it.
        y : None
            Ignored; accepted so the estimator works in a Pipeline.
        clean : {array-like, sparse matrix} of the shape of X, default=None
            Paired training: when given, ``X`` holds noisy samples and ``clean``
            their clean versions, the model learns ``X -> clean`` and applies no
            synthetic corruption of its own. NaN in ``clean``: no target there.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        warm = self.warm_start and hasattr(self, "model_")
        return self._fit(X, clean, epochs=self.epochs, warm=warm)

    def initialize(self, X, y=None):
        """Build the model for ``X`` as :meth:`fit` would, without training it.

        The network is sized and its output bias set from ``X`` exactly as at the
        start of :meth:`fit` with the same ``random_state``; nothing is trained.
        What :meth:`transform` applies to the codes (the whitening of
        :class:`DenoisingAutoencoder`) is fitted on the untrained codes of
        ``X``, as :meth:`fit` fits it on the trained ones: the untrained
        network's features, the control for what training buys. Use it also to
        inspect or save an untrained model, or to load trained weights: that
        map's statistics are weights of ``model_`` (a layer between its encoder
        and decoder networks), so weights loaded into ``model_`` afterwards
        (``model_.set_weights``, ``model_.load_weights``) bring their map with
        them, and the estimator then transforms as the one they came from.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features), or \
keras.utils.PyDataset
            Data of the layout the model is for (see :meth:`fit`).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The estimator, with ``model_``, ``encoder_`` and ``decoder_``.
        """
        self._validate_params()
        self._fit(X, None, epochs=0, warm=False)
        # The optimizer's state as fit leaves it, so that weights saved from a
        # fitted model (its optimizer's included) load as they are.
        self._build_optimizer()
        return self

    def partial_fit(self, X, y=None, *, clean=None):
        """Train for one epoch, starting from the current weights if fitted.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features), or \
keras.utils.PyDataset
            Training data (see :meth:`fit`).
        y : None
            Ignored.
        clean : {array-like, sparse matrix} of the shape of X, default=None
            Clean targets for paired training (see :meth:`fit`).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        fitted = hasattr(self, "model_")
        if not fitted:
            self._validate_params()
        return self._fit(X, clean, epochs=1, warm=fitted)

    def _fit(self, X, clean, *, epochs, warm):
        """The training path of :meth:`fit`, :meth:`partial_fit` (one epoch)
        and :meth:`initialize` (none), for every kind of training data.

        1. :meth:`_training_source` checks the data and says how to read them.
        2. Unless ``warm``, :meth:`_initialize` builds a fresh model, whose
           output starts at the targets' mean, and the noise is checked
           against the data's scale.
        3. :meth:`_run_epochs` trains for ``epochs`` epochs with
           ``keras.Model.fit``; the model's noise layer corrupts every batch
           afresh, unless the data are pairs (noisy, clean).
        4. :meth:`_fit_code_map` fits what :meth:`transform` applies to the
           codes.

        Every random draw (initial weights, noise, shuffling, validation rows)
        comes, in this order, from the generator that :meth:`_initialize` seeds
        from ``random_state``.
        """
        source = self._training_source(X, clean, reset=not warm)
        if not warm:
            self._initialize(source.target_stats())
            if epochs and source.corrupted:
                self._check_noise_scale(source.scale_sample())
        if epochs:
            self._set_corruption(active=source.corrupted)
            train, validation = source.batches()
            self._run_epochs(train, validation, epochs=epochs, warm=warm)
        self._fit_code_map(source.data)
        return self

    def _training_source(self, X, clean, *, reset):
        """How :meth:`_fit` reads ``X`` (and ``clean``): a :class:`_TrainingSource`."""
        if isinstance(X, keras.utils.PyDataset):
            return self._dataset_source(X, clean, reset=reset)
        X = self._validate_X(X, reset=reset)
        target = True if clean is None else self._validate_clean(clean, X)
        return _TrainingSource(
            data=X,
            corrupted=clean is None,
            scale_sample=lambda: sample_rows(X, self.n_features_in_),
            target_stats=lambda: _target_stats(X if clean is None else target),
            batches=lambda: self._training_batches(X, target),
        )

    def _dataset_source(self, dataset, clean, *, reset):
        """A ``keras.utils.PyDataset`` of batches ``x`` or ``(x_noisy, x_clean)``,
        read as they come."""
        if clean is not None:
            raise ValueError(
                "clean cannot be given with a PyDataset; for paired training, "
                "let the dataset yield (noisy, clean) batches."
            )
        if self.validation_split:
            raise ValueError(
                "validation_split needs an array to split; with a PyDataset, set "
                "validation_split=0.0 and hold data out in the dataset."
            )
        inputs, targets = split_batch(dataset[0])
        self._validate_X(inputs, reset=reset)
        return _TrainingSource(
            data=dataset,
            corrupted=targets is None,
            scale_sample=lambda: inputs,
            target_stats=lambda: _dataset_target_stats(dataset, self.sample_shape_),
            batches=lambda: (
                DatasetBatches(
                    dataset,
                    sample_shape=self.sample_shape_,
                    multiple_of=self.n_devices_,
                ),
                None,
            ),
        )

    def _run_epochs(self, train, validation, *, epochs, warm):
        """Train ``model_`` with ``keras.Model.fit``; extend or start ``history_``.

        The callbacks are the user's (``callbacks``, ``fit__callbacks``) and
        :meth:`_default_callbacks`; ``fit__*`` parameters are passed to
        ``keras.Model.fit``. The batches shuffle themselves, seeded, so Keras
        does not. On TensorFlow, in-memory arrays are read from one tensor
        (:meth:`ArrayBatches.tf_dataset`) by data-parallel fits, and by others
        where that copy is small (``skdae._data``).
        """
        params = self.get_params()
        callbacks = keras_params.callbacks(params)
        callbacks += self._default_callbacks(validation is not None)
        done = len(self.history_["loss"]) if warm and hasattr(self, "history_") else 0
        steps = None
        if isinstance(train, ArrayBatches) and train.fits_in_a_tensor(
            None if self.n_devices_ > 1 else SMALL_TENSOR_FEED_BYTES
        ):
            steps = len(train)
            train = train.tf_dataset(repeat=True)
            if validation is not None:
                validation = validation.tf_dataset(repeat=False)
        self._build_optimizer()
        correct_weight_average(self.model_.optimizer)
        with self._compute_scope()[0], quiet_retracing():
            history = self.model_.fit(
                train,
                validation_data=validation,
                epochs=done + epochs,
                initial_epoch=done,
                steps_per_epoch=steps,
                shuffle=False,
                callbacks=callbacks,
                verbose=1 if self.verbose == 1 else 0,
                **keras_params.fit_arguments(params),
            )
        if not done:
            self.history_ = {}
        for key, values in history.history.items():
            self.history_.setdefault(key, []).extend(values)
        self.n_iter_ = len(self.history_["loss"])
        last_loss = self.history_["loss"][-1]
        if not np.isfinite(last_loss):
            raise ValueError(
                f"Training diverged: the loss became {last_loss} at epoch "
                f"{self.n_iter_}. Scale the data (e.g. with StandardScaler), lower "
                "the learning rate (optimizer__learning_rate) or the noise_factor."
            )

    def _build_optimizer(self):
        """Make the variables of ``model_``'s optimizer, once, where it trains.

        Made before training rather than inside the traced train step:
        TensorFlow otherwise keeps the traced graphs of their lazy creation
        alive after the model is gone, and repeated fits grow memory. Made
        before pickling too: Keras rebuilds them when it loads a model, and
        warns if the file holds fewer; :meth:`initialize` makes them too, for
        weights saved from a fitted model. The members of an ensemble trained
        in one graph (:func:`~skdae._ensemble.fit_members`) have none until
        then.
        """
        optimizer = getattr(self.model_, "optimizer", None)
        if optimizer is not None and not optimizer.built:
            with self._compute_scope()[0]:
                optimizer.build(self.model_.trainable_variables)

    def _initialize(self, target_stats):
        """Build a fresh model; the previous one is released first.

        ``target_stats`` is ``(min, max, mean per feature)`` of the training
        targets: the range chooses the ``"auto"`` output activation, and the
        output layer starts at the mean (see :meth:`_start_at_mean`).
        """
        # Every draw (initial weights, noise, shuffling) is seeded from here, so a
        # fit is reproducible without process-wide TensorFlow seeds or op
        # determinism, whose effects would outlive the fit.
        seed = None if self.random_state is None else seed_from(self.random_state)
        self._seeds = np.random.default_rng(seed)
        self.noise_ = clone(self.noise) if self.noise is not None else NoiseInjector()
        self.noise_._check_params()
        self.device_ = resolve_device(self.device)
        self.precision_ = resolve_precision(self.precision, self.device_)
        low, high, feature_mean = target_stats
        self.output_activation_ = self._resolve_output_activation(low, high)
        if hasattr(self, "model_"):
            vars(self).pop("history_", None)  # absent after initialize()
            vars(self).pop("_code_networks_of", None)
            del self.model_
            gc.collect()
        scope, self.n_devices_ = self._compute_scope()
        with scope:
            self.model_ = self._build_model()
            self._start_at_mean(feature_mean)
        encoder = self.model_.get_layer("encoder")
        self.code_shape_ = tuple(self._code_output(encoder.output).shape[1:])

    def _check_noise_scale(self, sample, stacklevel=5):
        """Warn before training if ``noise_`` does not fit the data's scale."""
        sample = np.asarray(sample, dtype=np.float64).reshape(sample.shape[0], -1)
        if np.isnan(sample).any():  # the spread of the observed entries
            sample = sample[~np.isnan(sample)].reshape(1, -1)
            if sample.size == 0:
                return
        check_noise_scale(sample, self.noise_, type(self).__name__, stacklevel)

    def _compute_scope(self):
        """``(context, n_devices)``: where the model is built and trained."""
        if self.data_parallel:
            return data_parallel_scope(self.device_)
        return device_scope(self.device_), 1

    def _build_model(self):
        """The compiled autoencoder: missing entries filled, noise, encoder,
        decoder (see :meth:`_build_networks` and :meth:`_compose`)."""

        def new_seed():
            return draw_seed(self._seeds)

        encoder, decoder = self._build_networks(self.sample_shape_, new_seed)
        inputs = keras.Input(self.sample_shape_, name="input")
        # Missing entries (NaN) enter as masking noise's hidden entries do.
        filled = FillMissing(name="fill_missing")(inputs)
        noisy = self._corrupted(self.noise_.as_layer(seed=new_seed()), filled)
        outputs = self._compose(noisy, encoder, decoder)
        model = keras.Model(inputs, outputs, name=type(self).__name__.lower())
        compile_kwargs = keras_params.compile_arguments(self.get_params())
        # "mse" counts the observed entries of the target only (NaN: no target).
        loss = masked_loss(compile_kwargs["loss"])
        compile_kwargs["loss"] = self._training_loss(loss)
        if self.precision_ == "mixed_float16":  # keep small float16 gradients
            compile_kwargs["optimizer"] = keras.optimizers.LossScaleOptimizer(
                compile_kwargs["optimizer"]
            )
        model.compile(**compile_kwargs)
        if self.n_devices_ > 1:
            # Replicated: Keras lays the optimizer's variables out with the
            # model's, in this scope (one device: see _build_optimizer).
            model.optimizer.build(model.trainable_variables)
        return model

    def _build_networks(self, sample_shape, new_seed):
        """Return ``(encoder, decoder)``: two Keras models named so."""
        raise NotImplementedError

    def _compose(self, inputs, encoder, decoder):
        """The reconstruction of ``inputs`` by the two networks."""
        return decoder(encoder(inputs))

    def _corrupted(self, noise, inputs):
        """What the encoder reads: ``inputs`` through the ``noise`` layer."""
        return noise(inputs)

    def _training_loss(self, loss):
        """The loss compiled into ``model_`` (``loss`` with missing entries masked)."""
        return loss

    def _weight_kwargs(self, new_seed, dtype=None):
        """Initializer, weight penalties and dtype policy (``precision_`` unless
        ``dtype`` is given) of a Dense or convolution layer."""
        kwargs = {
            "kernel_initializer": keras.initializers.GlorotUniform(new_seed()),
            "dtype": dtype or self.precision_,
        }
        if self.l1 or self.l2:
            kwargs["kernel_regularizer"] = keras.regularizers.L1L2(self.l1, self.l2)
        return kwargs

    def _code_regularizer(self):
        return keras.regularizers.L1(self.sparsity) if self.sparsity else None

    def _resolve_output_activation(self, low, high):
        if self.output_activation != "auto":
            return self.output_activation
        return "sigmoid" if 0 <= low and high <= 1 else "linear"

    def _start_at_mean(self, feature_mean):
        """Set the output layer's bias so an untrained model outputs the mean.

        The reconstruction's bias is the training mean (per feature, or per
        channel for convolutions), through the inverse of a sigmoid or linear
        output activation. Training then starts from the mean sample rather
        than from mid-range outputs, and on sparse images (mostly background)
        the first epoch learns the digits instead of the background.
        """
        activation = keras.activations.get(self.output_activation_)
        layer = self.model_.get_layer("decoder").get_layer("reconstruction")
        if layer.bias is None:
            return
        mean = np.asarray(feature_mean, dtype=np.float64)
        mean = mean.reshape(-1, layer.bias.shape[-1]).mean(axis=0)
        if activation is keras.activations.sigmoid:
            mean = np.clip(mean, 1e-3, 1 - 1e-3)
            bias = np.log(mean / (1 - mean))
        elif activation is keras.activations.linear:
            bias = mean
        else:
            return
        layer.bias.assign(bias.astype(layer.bias.dtype))

    def _set_corruption(self, *, active):
        layer = self.model_.get_layer("noise")
        if layer.active != active:
            layer.active = active
            # The switch is read when Keras traces the training step: a new one.
            with self._compute_scope()[0]:
                self.model_.make_train_function(force=True)

    def _training_batches(self, X, target):
        if self.batch_size % self.n_devices_:
            raise ValueError(
                f"batch_size={self.batch_size} does not split evenly between the "
                f"{self.n_devices_} devices of data_parallel=True; use a multiple "
                f"of {self.n_devices_}."
            )
        seed = draw_seed(self._seeds)
        common = {
            "batch_size": self.batch_size,
            "sample_shape": self.sample_shape_,
            "target": target,
            "multiple_of": self.n_devices_,
        }
        if not self.validation_split:
            return ArrayBatches(X, shuffle=self.shuffle, seed=seed, **common), None
        train_rows, val_rows = split_indices(X.shape[0], self.validation_split, seed)
        # Held-out inputs get the training corruption, drawn once from a fixed
        # seed, so val_loss measures denoising (paired inputs are noisy already).
        corrupt = None
        if target is True:
            corrupt = functools.partial(_corrupt_with, self.noise_.corruption())
        return (
            ArrayBatches(
                X, indices=train_rows, shuffle=self.shuffle, seed=seed, **common
            ),
            ArrayBatches(X, indices=val_rows, seed=seed, corrupt=corrupt, **common),
        )

    def _default_callbacks(self, has_validation):
        callbacks = [keras.callbacks.TerminateOnNaN()]
        if self.verbose >= 2:
            callbacks.append(EpochLogger(type(self).__name__))
        if self.early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if has_validation else "loss",
                    min_delta=self.tol,
                    patience=self.n_iter_no_change,
                    restore_best_weights=True,
                )
            )
        return callbacks

    # -------------------------------------------------------------- inference
    @property
    def encoder_(self) -> keras.Model:
        """The encoder: a Keras model from (noise-free) input to the codes.

        Its outputs are what :meth:`transform` returns, unflattened: the encoder
        network of ``model_`` (``model_.get_layer("encoder")``, whose layers and
        weights it shares), followed by what ``transform`` applies to the codes
        (the whitening of :class:`~skdae.DenoisingAutoencoder`, a
        :class:`~skdae.dense.CodeWhitening` layer of ``model_``; without one,
        it is that network itself). Up to float32 rounding,
        ``encoder_.predict(X)`` is ``transform(X)``, saved as ``.keras`` too.
        """
        return self._code_networks()[0]

    @property
    def decoder_(self) -> keras.Model:
        """The decoder: a Keras model from codes back to input space.

        It takes the codes that :meth:`transform` returns (unflattened): it
        undoes what ``transform`` applies to them (the whitening of
        :class:`~skdae.DenoisingAutoencoder`), then runs the decoder network
        of ``model_`` (``model_.get_layer("decoder")``, whose layers and
        weights it shares). Up to float32 rounding,
        ``decoder_.predict(codes)`` is ``inverse_transform(codes)`` (in the
        model's layout), and ``decoder_(encoder_(X))`` is ``denoise(X)``.
        """
        return self._code_networks()[1]

    def _code_networks(self):
        """``(encoder_, decoder_)``, built once for each ``model_``."""
        cached = vars(self).get("_code_networks_of")
        if cached is None or cached[0] is not self.model_:
            networks = self._with_code_map(
                self.model_.get_layer("encoder"), self.model_.get_layer("decoder")
            )
            cached = self._code_networks_of = (self.model_, *networks)
        return cached[1:]

    def _with_code_map(self, encoder, decoder):
        """``(encoder_, decoder_)`` from the encoder and decoder networks of
        ``model_``: with the layers of what :meth:`transform` applies to the
        codes, and of its inverse (none by default: the networks themselves)."""
        return encoder, decoder

    def __getstate__(self):
        if hasattr(self, "model_"):
            self._build_optimizer()
        state = super().__getstate__()
        # encoder_ and decoder_ share model_'s layers: rebuilt from it on demand.
        state.pop("_code_networks_of", None)
        return state

    @property
    def loss_curve_(self) -> list:
        """Training loss per epoch, as ``MLPRegressor.loss_curve_``."""
        return list(self.history_["loss"])

    @staticmethod
    def _code_output(outputs):
        """The code among the encoder's outputs (the first one, if several)."""
        return outputs[0] if isinstance(outputs, (list, tuple)) else outputs

    def _predict(self, model, X, sample_shape, rows=None):
        """Run ``model`` on X batch by batch, with its compiled predict step.

        Batches hold :data:`INFERENCE_VALUES` input values (at least
        ``batch_size`` rows): large batches run fastest, and the cap bounds
        memory. Each batch is padded to a power-of-two number of rows (a full
        batch, or the next power of two above a short one), so a model sees few
        batch shapes and its compiled step is traced a few times at most.
        ``predict_on_batch`` compiles once per shape (graph or XLA, as Keras
        does for ``predict``), without ``predict``'s data-adapter overhead. A
        model replicated on several devices is called directly instead: its
        compiled step would run every batch once per replica. ``rows``
        overrides the number of rows per batch.
        """
        if rows is None:
            rows = inference_batch_size(sample_shape, self.batch_size)
        batches = ArrayBatches(X, batch_size=rows, sample_shape=sample_shape)
        if self.n_devices_ == 1:
            predict = model.predict_on_batch
        else:
            predict = functools.partial(model, training=False)
        outputs = []
        with device_scope(self.device_), quiet_retracing():
            for index in range(len(batches)):
                batch = batches[index]
                n_rows = batch.shape[0]
                batch = fill_missing(batch)  # encoder_ and decoder_ take no NaN
                result = predict(pad_rows(batch, min(rows, _next_power_of_two(n_rows))))
                outputs.append(
                    keras.tree.map_structure(
                        lambda out, n=n_rows: _to_float32(out)[:n], result
                    )
                )
        if isinstance(outputs[0], (list, tuple)):
            return [np.concatenate(parts) for parts in zip(*outputs, strict=True)]
        return np.concatenate(outputs)

    def transform(self, X):
        """Encode ``X``: the learned code, or the reconstruction in denoise mode.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to transform.

        Returns
        -------
        X_new : ndarray
            With ``transform_mode="code"``: the code, of shape
            (n_samples, n_codes). With ``transform_mode="denoise"``: the same as
            :meth:`denoise`.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        if self.transform_mode == "denoise":
            return self._reconstruct(X)
        return self._map_codes(self._encode(X))

    def _encode(self, X):
        """The codes of X, flat: (n_samples, n_codes), before :meth:`_map_codes`."""
        encoder = self.model_.get_layer("encoder")
        codes = self._code_output(self._predict(encoder, X, self.sample_shape_))
        return codes.reshape(X.shape[0], -1)

    def _encoded_chunks(self, X):
        """The codes of X (an array, sparse matrix or PyDataset), chunk by chunk."""
        if isinstance(X, keras.utils.PyDataset):
            for index in range(len(X)):
                inputs = np.asarray(split_batch(X[index])[0], dtype=np.float32)
                yield self._encode(inputs.reshape(-1, *self.sample_shape_))
            return
        step = inference_batch_size(self.sample_shape_, self.batch_size)
        for start in range(0, X.shape[0], step):
            rows = slice(start, start + step)
            yield self._encode(read_rows(X, rows, (self.n_features_in_,)))

    def _fit_code_map(self, X):
        """Fit what :meth:`transform` applies to the codes (none by default), on
        the codes of ``X``: the weights of its layer in ``model_``."""

    def _map_codes(self, codes):
        """The codes as :meth:`transform` returns them (see ``_fit_code_map``)."""
        return codes

    def _unmap_codes(self, Z):
        """The inverse of :meth:`_map_codes`."""
        return Z

    def _decodes_codes(self):
        """Whether the decoder reads the code alone: ``transform_mode="code"``.

        In ``"denoise"`` mode :meth:`transform` returns reconstructions, which
        ``inverse_transform`` cannot take back.
        """
        return self.transform_mode == "code"

    @available_if(_inverse_transform_available)
    def inverse_transform(self, X):
        """Decode codes back to input space, in the layout of the training data.

        Available with ``transform_mode="code"`` only (and, for the
        convolutional model, without skip connections), so that
        ``hasattr(estimator, "inverse_transform")`` tells whether it works.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_codes)
            Codes, as returned by :meth:`transform` in ``"code"`` mode.

        Returns
        -------
        X_original : ndarray
            The decoded samples, in the layout of the training data: of shape
            ``(n_samples, n_features)``, or images for the convolutional model.
        """
        check_is_fitted(self)
        Z = check_array(X, dtype="numeric", input_name="X")
        n_codes = math.prod(self.code_shape_)
        if Z.shape[1] != n_codes:
            raise ValueError(
                f"X has {Z.shape[1]} features, but {type(self).__name__} has a code "
                f"of {n_codes} features."
            )
        decoder = self.model_.get_layer("decoder")
        decoded = self._predict(decoder, self._unmap_codes(Z), self.code_shape_)
        return decoded.reshape(Z.shape[0], *self._layout)

    def denoise(self, X):
        """Reconstruct ``X`` with the trained model; no corruption is applied.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Noisy (or clean) data.

        Returns
        -------
        X_denoised : ndarray of the shape of X
            The reconstruction, in the caller's layout.
        """
        check_is_fitted(self)
        return self._reconstruct(self._validate_X(X, reset=False))

    def _reconstruct(self, X):
        out = self._predict(self.model_, X, self.sample_shape_)
        return out.reshape(X.shape)

    def score_samples(self, X) -> np.ndarray:
        """Minus the mean squared reconstruction error of each sample.

        Higher is more typical, as in :meth:`sklearn.decomposition.PCA.score_samples`:
        the anomaly (or novelty) score of an autoencoder. ``X`` is reconstructed
        one batch at a time, without corruption; memory maps and sparse matrices
        are read one batch of rows at a time, and no reconstruction of the whole
        of ``X`` is kept.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to score (images for the convolutional model).

        Returns
        -------
        scores : ndarray of shape (n_samples,), dtype float64
            ``-mean((x - denoise(x)) ** 2)`` over the features of each sample
            ``x``; :meth:`score` is their mean. Over the observed entries only
            when ``x`` has missing ones (NaN); 0 for a sample without any
            observed entry.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        scores = np.empty(X.shape[0], dtype=np.float64)
        step = inference_batch_size(self.sample_shape_, self.batch_size)
        for start in range(0, X.shape[0], step):
            rows = slice(start, start + step)
            clean = read_rows(X, rows, (self.n_features_in_,))
            reconstruction = self._predict(self.model_, clean, self.sample_shape_)
            error = clean.astype(np.float64) - reconstruction.reshape(len(clean), -1)
            observed = ~np.isnan(error)  # missing entries have no error
            if observed.all():
                scores[rows] = -np.mean(error**2, axis=1)
                continue
            total = np.sum(np.where(observed, error, 0.0) ** 2, axis=1)
            counts = observed.sum(axis=1)
            scores[rows] = -np.divide(
                total, counts, out=np.zeros_like(total), where=counts > 0
            )
        return scores

    def score(self, X, y=None) -> float:
        """Minus the mean squared reconstruction error of ``X`` (higher is better).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to reconstruct.
        y : None
            Ignored.

        Returns
        -------
        score : float
            ``-mean((X - denoise(X)) ** 2)``, exactly
            ``score_samples(X).mean()``.
        """
        return float(self.score_samples(X).mean())

    def get_feature_names_out(self, input_features=None):
        """Names of the columns :meth:`transform` returns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names, checked against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str
            ``<classname>0 ...`` for codes; the input names in denoise mode.
        """
        check_is_fitted(self)
        if self.transform_mode == "denoise":
            return check_feature_names_in(self, input_features)
        return prefixed_feature_names_out(
            self, math.prod(self.code_shape_), input_features=input_features
        )


class EpochLogger(keras.callbacks.Callback):
    """One concise line per epoch on the ``skdae`` logger (``verbose=2``).

    If logging is not configured at all, a stderr handler is added to the
    ``skdae`` logger while training, so the lines show, and removed at the end
    of training (the logger's level too is set back); configure logging to route
    them elsewhere.
    """

    def __init__(self, name):
        super().__init__()
        self.name = name
        self._handler = None

    def on_train_begin(self, logs=None):
        if not logger.hasHandlers():
            self._handler = logging.StreamHandler()
            self._level = logger.level
            logger.addHandler(self._handler)
            if logger.level == logging.NOTSET:
                logger.setLevel(logging.INFO)
        self._total = self.params.get("epochs")

    def on_train_end(self, logs=None):
        if self._handler is not None:
            logger.removeHandler(self._handler)
            logger.setLevel(self._level)
            self._handler = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        metrics = " ".join(f"{k}={v:.4g}" for k, v in (logs or {}).items())
        logger.info(
            "%s epoch %d/%s: %s (%.1fs)",
            self.name,
            epoch + 1,
            self._total,
            metrics,
            time.perf_counter() - self._start,
        )


@dataclasses.dataclass(frozen=True)
class _TrainingSource:
    """How :meth:`BaseDenoisingAutoencoder._fit` reads one kind of training data."""

    #: What :meth:`~BaseDenoisingAutoencoder._fit_code_map` encodes.
    data: object
    #: Whether the model corrupts the inputs (False: the data are pairs).
    corrupted: bool
    #: () -> rows to check the noise's scale against.
    scale_sample: Callable[[], np.ndarray]
    #: () -> (min, max, mean per feature) of the training targets.
    target_stats: Callable[[], tuple]
    #: () -> (training batches, validation batches or None).
    batches: Callable[[], tuple]


def _dataset_target_stats(dataset, sample_shape):
    """``_target_stats`` of a PyDataset's training targets, read batch by batch.

    Batches are read as training reads them, so a batch of the wrong size is
    named here already.
    """
    batches = DatasetBatches(dataset, sample_shape=sample_shape)
    lows, highs, sums, n_rows = [], [], 0.0, 0
    for index in range(len(batches)):
        _, batch = batches[index]
        low, high, mean = _target_stats(batch)
        lows.append(low)
        highs.append(high)
        sums = sums + mean * batch.shape[0]
        n_rows += batch.shape[0]
    return min(lows), max(highs), sums / n_rows


def _corrupt_with(corruption, inputs, seed):
    return corrupt_array(inputs, corruption, seed)


def _to_float32(tensor):
    """A model output as a float32 NumPy array (mixed precision computes lower)."""
    return np.asarray(keras.ops.convert_to_numpy(tensor), dtype=np.float32)


def _next_power_of_two(n):
    return 1 << max(n - 1, 0).bit_length()


def _target_stats(X):
    """(min, max, mean per feature) of a dense or sparse array (zeros counted).

    Missing entries (NaN) are left out; a feature never observed has mean 0.
    """
    if sp.issparse(X) and np.isnan(X.data).any():
        return nan_target_stats(X)
    if sp.issparse(X):
        values = X.data
        if X.nnz < math.prod(X.shape):
            values = np.append(values, 0)
        mean = np.asarray(X.mean(axis=0)).ravel()  # 2-D for matrices, 1-D for arrays
        return float(values.min()), float(values.max()), mean
    X = np.asarray(X) if not isinstance(X, np.ndarray) else X
    mean = np.mean(X.reshape(X.shape[0], -1), axis=0, dtype=np.float64)
    if np.isnan(mean).any():
        return nan_target_stats(X)
    return float(np.min(X)), float(np.max(X)), mean
