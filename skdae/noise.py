"""Corruptions: one definition per noise kind, used by a transformer and a layer.

:func:`corrupt` is the single implementation of every corruption, written in
``keras.ops`` so that it runs on any Keras backend. :class:`NoiseInjector` applies
it to NumPy data (to build noisy datasets), and :class:`NoiseLayer` applies it
inside a Keras model, freshly drawn for every batch at training time only.
"""

from __future__ import annotations

import dataclasses
import math
from numbers import Integral, Real
from typing import Any

import keras
import numpy as np
from keras import ops
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._compat import Interval, StrOptions
from .device import float64_scope

NOISE_KINDS = ("gaussian", "masking", "salt_pepper", "block", "swap")

#: Every integer seed skdae draws is below this bound (int32 range, which every
#: Keras backend accepts).
MAX_SEED = 2**31 - 1


def seed_from(random_state) -> int:
    """An integer seed drawn from anything scikit-learn accepts as ``random_state``."""
    if isinstance(random_state, Integral):
        return int(random_state)
    return int(check_random_state(random_state).randint(MAX_SEED))


def draw_seed(rng: np.random.Generator) -> int:
    """The next integer seed of a NumPy generator, in ``[0, MAX_SEED)``."""
    return int(rng.integers(MAX_SEED))


def offset_seed(seed: int, offset: int) -> int:
    """Seed number ``offset`` after ``seed`` (e.g. one per batch), kept in range."""
    return (int(seed) + int(offset)) % MAX_SEED


def corrupt(
    x: Any,
    *,
    kind: str = "gaussian",
    noise_factor: float | tuple[float, float] = 0.5,
    loc: float = 0.0,
    clip: tuple[float, float] | None = None,
    image_shape: tuple[int, ...] | None = None,
    seed: int | keras.random.SeedGenerator | None = None,
) -> Any:
    """Return a corrupted copy of a batch, computed with ``keras.ops``.

    Parameters
    ----------
    x : tensor or ndarray of shape (n_samples, n_features), (n, h, w) or (n, h, w, c)
        The clean batch. Its floating dtype is kept.
    kind : {"gaussian", "masking", "salt_pepper", "block", "swap"}, \
default="gaussian"
        - ``"gaussian"``: add ``loc + noise_factor * N(0, 1)``, that is a draw from
          a normal distribution of mean ``loc`` and standard deviation
          ``noise_factor``.
        - ``"masking"``: set each entry to zero with probability ``noise_factor``.
        - ``"salt_pepper"``: replace each entry with probability ``noise_factor``,
          half of them by the low and half by the high bound of ``clip``
          (``(0, 1)`` when ``clip`` is None).
        - ``"block"``: zero one random block per sample. On images (4-D or 3-D
          input, or flat input with ``image_shape``) the block is a square whose
          side is ``noise_factor`` pixels when ``noise_factor >= 1``, and otherwise
          covers the fraction ``noise_factor`` of the image area. On flat input
          without ``image_shape`` it is a contiguous run of features, of length
          ``noise_factor`` (>= 1) or the fraction ``noise_factor`` of the features;
          one-row, one-channel images are treated the same way.
        - ``"swap"``: replace each entry, with probability ``noise_factor``, by
          the value of the same feature (column) in another row of the batch,
          drawn uniformly among the other rows: Jahrer's swap noise, SCARF's
          "marginal" corruption, for tables. Every corrupted value is one the
          column takes, so the corruption needs no scale. Samples of any rank
          are read flat (the same position is swapped between samples); a
          batch of one sample is left unchanged.
    noise_factor : float or (float, float), default=0.5
        Strength of the corruption (see ``kind``). A ``(low, high)`` pair draws
        one strength per sample, uniformly in that range (not for ``"block"``).
    loc : float, default=0.0
        Mean of the gaussian draw; ignored by the other kinds.
    clip : (float, float) or None, default=None
        Clip the corrupted values into ``[low, high]``.
    image_shape : tuple of int or None, default=None
        ``(h, w)`` or ``(h, w, c)`` of the images when ``x`` is flat; only ``block``
        uses it.
    seed : int, keras.random.SeedGenerator or None, default=None
        Seed of the draw. An int gives the same draw on every call; a
        ``SeedGenerator`` gives a new draw on every call.

    Returns
    -------
    tensor
        The corrupted batch, of the shape and dtype of ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from keras import ops
    >>> from skdae.noise import corrupt
    >>> x = np.full((2, 4), 0.5, dtype="float32")
    >>> ops.convert_to_numpy(corrupt(x, kind="masking", noise_factor=1.0, seed=0))
    array([[0., 0., 0., 0.],
           [0., 0., 0., 0.]], dtype=float32)
    """
    x = ops.convert_to_tensor(x)
    dtype = keras.backend.standardize_dtype(x.dtype)
    level = noise_factor
    if isinstance(noise_factor, (tuple, list)):
        if kind == "block":
            raise ValueError("kind='block' takes one noise_factor, not a range.")
        level = _per_sample_level(x, noise_factor, dtype, seed)
        seed = offset_seed(seed, 1) if isinstance(seed, Integral) else seed
    if kind == "gaussian" and level is noise_factor:
        out = x + keras.random.normal(
            ops.shape(x), mean=loc, stddev=noise_factor, dtype=dtype, seed=seed
        )
    elif kind == "gaussian":
        draw = keras.random.normal(ops.shape(x), dtype=dtype, seed=seed)
        out = x + (loc + level * draw)
    elif kind == "masking":
        draw = keras.random.uniform(ops.shape(x), dtype=dtype, seed=seed)
        out = ops.where(draw < level, ops.zeros_like(x), x)
    elif kind == "salt_pepper":
        low, high = clip if clip is not None else (0.0, 1.0)
        draw = keras.random.uniform(ops.shape(x), dtype=dtype, seed=seed)
        out = ops.where(
            draw < level / 2,
            ops.full_like(x, low),
            ops.where(draw < level, ops.full_like(x, high), x),
        )
    elif kind == "block":
        out = _erase_block(x, noise_factor, image_shape, seed)
    elif kind == "swap":
        out = _swap(x, level, seed)
    else:
        raise ValueError(f"Unknown noise kind {kind!r}; expected one of {NOISE_KINDS}.")
    if clip is not None:
        # Bounds in x's dtype: a Python float becomes a float32 tensor on some
        # backends, and float32(0.8) lets float64 values exceed 0.8.
        low, high = (ops.convert_to_tensor(np.asarray(c, dtype=dtype)) for c in clip)
        out = ops.clip(out, low, high)
    return out


def _per_sample_level(x, noise_range, dtype, seed):
    """One strength per sample, uniform in ``noise_range``, broadcastable to x."""
    low, high = noise_range
    shape = (ops.shape(x)[0],) + (1,) * (len(ops.shape(x)) - 1)
    return keras.random.uniform(shape, minval=low, maxval=high, dtype=dtype, seed=seed)


def _swap(x, level, seed):
    """Each entry, with probability ``level``, from the same feature of another row.

    The source row of entry ``(i, j)`` is ``(i + 1 + floor(u * (n - 1))) mod n``
    with ``u`` uniform in [0, 1): uniform among the ``n - 1`` other rows (row
    ``i`` itself when ``n == 1``). One draw decides which entries are swapped,
    another where from; both are ``keras.ops``, so this runs under ``jit``.
    """
    shape = ops.shape(x)
    dtype = keras.backend.standardize_dtype(x.dtype)
    flat = ops.reshape(x, (-1, math.prod(shape[1:])))
    if not isinstance(level, Real):  # one level per sample, shaped (n, 1, ...)
        level = ops.reshape(level, (-1, 1))
    swapped = keras.random.uniform(ops.shape(flat), dtype=dtype, seed=seed) < level
    # the source rows' draw: float32 (exact offsets up to 2**24 rows) and its own
    # seed, so it is independent of which entries are swapped
    source_seed = offset_seed(seed, 2) if isinstance(seed, Integral) else seed
    draw = keras.random.uniform(ops.shape(flat), dtype="float32", seed=source_seed)
    n_rows = ops.shape(flat)[0]
    others = ops.cast(ops.maximum(n_rows - 1, 0), "float32")
    # at most n - 2 (float32 rounding of u * (n - 1) may reach n - 1)
    offset = ops.minimum(
        ops.cast(ops.floor(draw * others), "int32"),
        ops.cast(ops.maximum(others - 1, 0), "int32"),
    )
    rows = ops.arange(n_rows, dtype="int32")[:, None]
    source = ops.mod(rows + 1 + offset, ops.cast(n_rows, "int32"))
    out = ops.where(swapped, ops.take_along_axis(flat, source, axis=0), flat)
    return ops.reshape(out, shape)


def block_side(noise_factor: float, n_positions: int, ndim: int = 1) -> int:
    """Side of the erased block, in features (``ndim=1``) or pixels (``ndim=2``).

    ``noise_factor >= 1`` is the side itself. A fraction covers that fraction of
    the ``n_positions`` features or pixels: a run of ``f * n`` features, or a
    square of side ``sqrt(f * h * w)`` (a quarter of 28x28 is 14x14).
    """
    if noise_factor >= 1:
        return int(noise_factor)
    return int(round((noise_factor * n_positions) ** (1 / ndim)))


def _erase_block(x, noise_factor, image_shape, seed):
    shape = ops.shape(x)
    ndim = len(shape)
    if ndim == 2 and image_shape is not None:
        images = ops.reshape(x, (-1, *image_shape))
        return ops.reshape(_erase_block(images, noise_factor, None, seed), shape)
    if ndim > 2 and shape[1] == 1 and math.prod(shape[3:]) == 1:
        # One-row, one-channel images (how the convolutional model reads generic
        # features) are flat features: erase a run, as on the flat data.
        rows = ops.reshape(x, (-1, shape[2]))
        return ops.reshape(_erase_block(rows, noise_factor, None, seed), shape)
    if ndim == 2:
        n_features = shape[1]
        width = min(block_side(noise_factor, n_features), n_features)
        start = _random_starts(shape[0], [n_features - width + 1], x.dtype, seed)
        position = ops.arange(n_features)[None, :]
        inside = (position >= start[:, :1]) & (position < start[:, :1] + width)
    else:
        height, width_ = shape[1], shape[2]
        side = block_side(noise_factor, height * width_, ndim=2)
        side = min(side, height, width_)
        start = _random_starts(
            shape[0], [height - side + 1, width_ - side + 1], x.dtype, seed
        )
        rows = ops.arange(height)[None, :, None]
        cols = ops.arange(width_)[None, None, :]
        top = start[:, 0][:, None, None]
        left = start[:, 1][:, None, None]
        inside = (rows >= top) & (rows < top + side)
        inside = inside & (cols >= left) & (cols < left + side)
        if ndim == 4:
            inside = inside[..., None]
    return ops.where(inside, ops.zeros_like(x), x)


def _random_starts(n_samples, n_positions, dtype, seed):
    """Uniform integer offsets in ``[0, n_positions[i])``, one row per sample."""
    dtype = keras.backend.standardize_dtype(dtype)
    draw = keras.random.uniform((n_samples, len(n_positions)), dtype=dtype, seed=seed)
    scale = ops.convert_to_tensor(np.asarray(n_positions, dtype=dtype))
    return ops.cast(ops.floor(draw * scale), "int32")


@dataclasses.dataclass(frozen=True)
class Corruption:
    """The parameters of one corruption, normalized: the one definition of them.

    :func:`corrupt` takes them as keywords, :class:`NoiseLayer` keeps them in its
    config and :class:`NoiseInjector` builds one from its own parameters.

    Parameters
    ----------
    kind, noise_factor, loc, clip, image_shape
        As in :func:`corrupt`.
    """

    kind: str = "gaussian"
    noise_factor: float | tuple[float, float] = 0.5
    loc: float = 0.0
    clip: tuple[float, float] | None = None
    image_shape: tuple[int, ...] | None = None

    def __post_init__(self):
        normalized = {
            "noise_factor": tuple(float(f) for f in self.noise_factor)
            if isinstance(self.noise_factor, (tuple, list))
            else float(self.noise_factor),
            "loc": float(self.loc),
            "clip": None if self.clip is None else tuple(float(c) for c in self.clip),
            "image_shape": None
            if self.image_shape is None
            else tuple(int(d) for d in self.image_shape),
        }
        for name, value in normalized.items():
            object.__setattr__(self, name, value)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The parameter names, in order."""
        return tuple(field.name for field in dataclasses.fields(cls))

    def params(self) -> dict:
        """The parameters as keywords of :func:`corrupt`."""
        return {name: getattr(self, name) for name in self.names()}

    def config(self) -> dict:
        """The parameters as JSON-friendly values (lists for tuples)."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in self.params().items()
        }

    def apply(self, x, seed):
        """:func:`corrupt` ``x`` with these parameters."""
        return corrupt(x, seed=seed, **self.params())


def corrupt_array(X: np.ndarray, corruption: Corruption, seed: int) -> np.ndarray:
    """A corrupted NumPy copy of ``X``, of its dtype, the same for the same seed.

    Parameters
    ----------
    X : ndarray
        The clean samples; left unchanged.
    corruption : Corruption
        What to apply (see :meth:`NoiseInjector.corruption`).
    seed : int
        Seed of the draw.

    Returns
    -------
    X_noisy : ndarray of the shape and dtype of X
    """
    with float64_scope():  # JAX keeps float64 only when told to
        noisy = corruption.apply(X, seed)
    return np.asarray(keras.ops.convert_to_numpy(noisy), dtype=X.dtype)


@keras.saving.register_keras_serializable(package="skdae")
class NoiseLayer(keras.layers.Layer):
    """Keras layer that corrupts its input in training and is the identity otherwise.

    It applies :func:`corrupt` with a ``SeedGenerator``, so every training batch
    gets a fresh draw. Build it with :meth:`NoiseInjector.as_layer`.

    Parameters
    ----------
    seed : int or None, default=None
        Seed of the layer's ``SeedGenerator``.
    active : bool, default=True
        Whether training corrupts. Paired (noisy, clean) training turns it off.
        It is read when Keras traces the training step, so a model whose
        layer is switched needs a new one (``model.make_train_function(
        force=True)``, which the autoencoders call); it is saved with the
        layer's config.
    **kwargs
        The corruption's ``kind``, ``noise_factor``, ``loc``, ``clip`` and
        ``image_shape`` (see :class:`Corruption` and :class:`NoiseInjector`),
        and the keywords of ``keras.layers.Layer``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdae.noise import NoiseLayer
    >>> layer = NoiseLayer(kind="masking", noise_factor=0.5, seed=0)
    >>> x = np.ones((2, 3), dtype="float32")
    >>> bool((np.asarray(layer(x, training=False)) == x).all())
    True
    """

    def __init__(self, seed=None, active=True, **kwargs):
        names = Corruption.names()
        self.corruption = Corruption(**{k: kwargs.pop(k) for k in names if k in kwargs})
        super().__init__(**kwargs)
        for name, value in self.corruption.params().items():
            setattr(self, name, value)  # read-only copies, as attributes
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.active = bool(active)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if training and self.active:
            return self.corruption.apply(inputs, self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(self.corruption.config(), seed=self.seed, active=self.active)
        return config


def check_image_shape(image_shape, owner: str) -> tuple[int, ...] | None:
    """Validate an ``image_shape`` parameter: None, ``(h, w)`` or ``(h, w, c)``."""
    if image_shape is None:
        return None
    if len(image_shape) not in (2, 3) or any(
        not isinstance(d, Integral) or d < 1 for d in image_shape
    ):
        raise ValueError(
            f"The 'image_shape' parameter of {owner} must be (h, w) or (h, w, c) "
            f"with positive integers, or None; got {image_shape!r}."
        )
    return tuple(image_shape)


class NoiseInjector(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Corrupt data with noise: the single definition of every corruption in skdae.

    As a transformer, it returns a corrupted copy of ``X`` (new draws on every call
    of ``transform``, reproducible from ``random_state``), to build noisy datasets.
    Given as the ``noise`` parameter of an autoencoder, the same corruption is
    applied inside the Keras model, freshly drawn for every batch, at training only
    (see :meth:`as_layer`).

    Read more in the :ref:`User Guide <noise>`.

    Parameters
    ----------
    kind : {"gaussian", "masking", "salt_pepper", "block", "swap"}, \
default="gaussian"
        - ``"gaussian"``: add noise drawn from ``N(loc, noise_factor**2)``, i.e.
          ``loc + noise_factor * N(0, 1)``.
        - ``"masking"``: set a fraction ``noise_factor`` of the entries to zero.
        - ``"salt_pepper"``: set a fraction ``noise_factor`` of the entries to the
          clip bounds, half to the low one and half to the high one (``0`` and
          ``1`` when ``clip`` is None).
        - ``"block"``: zero a random block in each sample, for inpainting. With
          ``image_shape`` (or image input) the block is a square of side
          ``noise_factor`` pixels when ``noise_factor >= 1``, else covering the
          fraction ``noise_factor`` of the image; on flat features without
          ``image_shape`` it is a contiguous run of features, sized the same way.
        - ``"swap"``: for tables. Replace a fraction ``noise_factor`` of the
          entries, each by the value of its column in another row, drawn
          uniformly among the other rows of the batch (Jahrer's swap noise,
          SCARF's "marginal" corruption). The corrupted values keep each
          column's distribution and units, so the same ``noise_factor`` suits
          raw and scaled columns alike. Inside an autoencoder, rows are swapped
          within each training batch; ``transform`` swaps within the ``X`` it
          is given (a single row is returned unchanged).
    noise_factor : float or (float, float), default=0.5
        Strength: the standard deviation for ``"gaussian"``, the fraction of
        entries for ``"masking"``, ``"salt_pepper"`` and ``"swap"`` (at most 1),
        the block size (pixels if >= 1, a fraction of the area if < 1) for
        ``"block"``. A ``(low, high)`` pair draws one strength per sample,
        uniformly in that range: ``noise_factor=(0, 55 / 255)`` trains a blind
        denoiser, one model for every noise level up to 55/255 (not for
        ``"block"``).
    loc : float, default=0.0
        Mean of the gaussian draw, as in tutorials that use
        ``np.random.normal(loc=0.5, scale=0.5)`` (``loc=0.5, noise_factor=0.5``).
    clip : (float, float) or None, default=None
        Clip the corrupted values into ``[low, high]``; ``(0, 1)`` for images
        scaled to the unit range.
    image_shape : tuple of int or None, default=None
        ``(h, w)`` or ``(h, w, c)``: how to read flat samples as images, for
        ``"block"``. Image arrays of shape (n, h, w) or (n, h, w, c) are also
        accepted directly.
    random_state : int, RandomState instance or None, default=None
        Seeds the sequence of draws: after ``fit``, the k-th call of ``transform``
        gives the same result for the same ``random_state``.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during fit (``h`` for image arrays).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    DenoisingAutoencoder : Dense denoising autoencoder trained with this noise.
    ConvDenoisingAutoencoder : Convolutional denoising autoencoder for images.

    Examples
    --------
    >>> import numpy as np
    >>> from skdae import NoiseInjector
    >>> X = np.full((20000, 10), 0.5)
    >>> noisy = NoiseInjector(noise_factor=0.1, random_state=0).fit_transform(X)
    >>> noisy.shape
    (20000, 10)
    >>> round(float((noisy - X).std()), 1)
    0.1
    >>> masked = NoiseInjector("masking", 0.25, random_state=0).fit_transform(X)
    >>> round(float((masked == 0).mean()), 2)
    0.25
    >>> table = np.arange(20000.0).reshape(2000, 10)  # every value distinct
    >>> swapped = NoiseInjector("swap", 0.15, random_state=0).fit_transform(table)
    >>> round(float((swapped != table).mean()), 2)
    0.15
    >>> bool(np.isin(swapped[:, 3], table[:, 3]).all())  # values of their column
    True
    """

    _parameter_constraints: dict = {
        "kind": [StrOptions(set(NOISE_KINDS))],
        "noise_factor": [Interval(Real, 0, None, closed="left"), tuple, list],
        "loc": [Interval(Real, None, None, closed="neither")],
        "clip": [tuple, list, None],
        "image_shape": [tuple, list, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        kind="gaussian",
        noise_factor=0.5,
        *,
        loc=0.0,
        clip=None,
        image_shape=None,
        random_state=None,
    ):
        self.kind = kind
        self.noise_factor = noise_factor
        self.loc = loc
        self.clip = clip
        self.image_shape = image_shape
        self.random_state = random_state

    def _check_params(self) -> NoiseInjector:
        """Validate the parameters, raising a ``ValueError`` that names the culprit.

        Returns
        -------
        self : NoiseInjector
        """
        self._validate_params()
        levels = self._noise_levels()
        if self.kind in ("masking", "salt_pepper", "swap") and max(levels) > 1:
            raise ValueError(
                f"The 'noise_factor' parameter of NoiseInjector is a fraction for "
                f"kind={self.kind!r} and must be in [0, 1]; got {self.noise_factor}."
            )
        if self.clip is not None:
            if (
                len(self.clip) != 2
                or not all(isinstance(c, Real) for c in self.clip)
                or not self.clip[0] < self.clip[1]
            ):
                raise ValueError(
                    "The 'clip' parameter of NoiseInjector must be a (low, high) pair "
                    f"with low < high, or None; got {self.clip!r}."
                )
        check_image_shape(self.image_shape, type(self).__name__)
        return self

    def _noise_levels(self) -> tuple[float, ...]:
        """``noise_factor`` as a tuple: one level, or the ``(low, high)`` range."""
        if not isinstance(self.noise_factor, (tuple, list)):
            return (self.noise_factor,)
        levels = tuple(self.noise_factor)
        if (
            len(levels) != 2
            or not all(isinstance(f, Real) for f in levels)
            or not 0 <= levels[0] <= levels[1]
        ):
            raise ValueError(
                "The 'noise_factor' parameter of NoiseInjector must be a number "
                "or a (low, high) range with 0 <= low <= high; got "
                f"{self.noise_factor!r}."
            )
        if self.kind == "block":
            raise ValueError(
                "The 'noise_factor' parameter of NoiseInjector must be one number "
                f"for kind='block' (a block size); got the range {self.noise_factor!r}."
            )
        return levels

    def fit(self, X, y=None):
        """Validate the parameters and ``X``, and reset the random draws.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n, h, w) or (n, h, w, c)
            Data to corrupt later.
        y : None
            Ignored.

        Returns
        -------
        self : NoiseInjector
            The fitted transformer.
        """
        self._check_params()
        X = validate_data(self, X, dtype=(np.float64, np.float32), allow_nd=True)
        self._check_image_shape(X)
        self._sample_shape = X.shape[1:]
        self._rng = np.random.default_rng(seed_from(self.random_state))
        return self

    def transform(self, X):
        """Return a corrupted copy of ``X``; ``X`` itself is left unchanged.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), (n, h, w) or (n, h, w, c)
            Data to corrupt.

        Returns
        -------
        X_noisy : ndarray of the shape of X
            Float copy (float32 stays float32, anything else becomes float64).
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, dtype=(np.float64, np.float32), allow_nd=True, reset=False
        )
        if X.shape[1:] != self._sample_shape:
            raise ValueError(
                f"X has samples of shape {X.shape[1:]}, but NoiseInjector was fitted "
                f"on samples of shape {self._sample_shape}."
            )
        return corrupt_array(X, self.corruption(), draw_seed(self._rng))

    def corruption(self) -> Corruption:
        """The corruption these parameters define, after validating them.

        Returns
        -------
        corruption : Corruption
            Apply it to a NumPy array with a fixed seed through
            :func:`corrupt_array`, or to a tensor with :meth:`Corruption.apply`.
        """
        self._check_params()
        return Corruption(**{name: getattr(self, name) for name in Corruption.names()})

    def as_layer(self, *, seed: int | None = None) -> NoiseLayer:
        """Return the Keras layer that applies this corruption during training.

        Parameters
        ----------
        seed : int or None, default=None
            Seed of the layer's draws; defaults to one derived from
            ``random_state``.

        Returns
        -------
        layer : NoiseLayer
            Named ``"noise"``; corrupts only when called with ``training=True``.
        """
        corruption = self.corruption()
        if seed is None:
            seed = seed_from(self.random_state)
        return NoiseLayer(seed=seed, name="noise", **corruption.params())

    def _check_image_shape(self, X):
        if self.image_shape is not None and X.ndim == 2:
            if math.prod(self.image_shape) != X.shape[1]:
                raise ValueError(
                    f"image_shape={tuple(self.image_shape)} holds "
                    f"{math.prod(self.image_shape)} values, but X has {X.shape[1]} "
                    "features."
                )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def _expected_failed_checks(self) -> dict[str, str]:
        """Checks of scikit-learn's contract that a noise source cannot pass."""
        reason = (
            "each call of transform draws fresh noise, so transforming a subset or "
            "a permutation of X does not reproduce the rows of transform(X)"
        )
        return {
            "check_methods_subset_invariance": reason,
            "check_methods_sample_order_invariance": reason,
        }
