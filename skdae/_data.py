"""Feeding Keras one batch at a time, whatever the array behind it.

Dense arrays, memory maps and SciPy sparse matrices are read a batch of rows at a
time, cast to float32 and reshaped to the model's sample shape, so no whole-array
copy (dense, float32 or noisy) is made. The exception is data-parallel training
on TensorFlow: Keras' ``keras.utils.PyDataset`` feed races under
``tf.distribute.MirroredStrategy`` (in about 1 fresh process in 4 a fit departed
from the single-device one at its second epoch, and later fits in the process
started elsewhere), so in-memory arrays up to :data:`TENSOR_FEED_BYTES` are
copied to one tensor and fed through ``tf.data`` (:meth:`ArrayBatches.tf_dataset`).
That copy costs memory (RSS grew by 367 MB for a 188 MB float32 array), which is
why single-device fits keep streaming, except where the copy is small (at most
:data:`SMALL_TENSOR_FEED_BYTES`): there the tensor feed saves the per-epoch and
per-batch cost of the ``PyDataset`` feed, which dominates short epochs.
"""

from __future__ import annotations

import math
import mmap

import keras
import numpy as np
import scipy.sparse as sp

from .noise import offset_seed

#: Input values per inference batch (4 MiB of float32): large batches predict
#: fastest, and this bounds the memory of a batch's activations.
INFERENCE_VALUES = 2**20
#: Largest float32 copy of an in-memory array fed to TensorFlow as one tensor.
TENSOR_FEED_BYTES = 2**30
#: Largest float32 copy fed as one tensor to a single-device fit.
SMALL_TENSOR_FEED_BYTES = 2**26


def inference_batch_size(sample_shape, batch_size) -> int:
    """Rows per inference batch: :data:`INFERENCE_VALUES` values, at least
    ``batch_size`` rows."""
    return max(int(batch_size), INFERENCE_VALUES // math.prod(sample_shape))


def evenly_spaced_rows(n_rows: int, n: int) -> np.ndarray:
    """The indices of up to ``n`` rows spread evenly over ``n_rows`` (sorted,
    first and last included); every row when ``n >= n_rows``."""
    return np.unique(np.linspace(0, n_rows - 1, min(n_rows, n)).astype(int))


def pad_rows(batch, n_rows) -> np.ndarray:
    """``batch`` with zero rows appended up to ``n_rows`` rows."""
    missing = n_rows - batch.shape[0]
    if missing <= 0:
        return batch
    return np.concatenate([batch, np.zeros((missing, *batch.shape[1:]), batch.dtype)])


def read_rows(X, rows, sample_shape) -> np.ndarray:
    """Rows ``rows`` of ``X`` as a dense float32 array of shape (len(rows), *shape)."""
    batch = X[rows]
    if sp.issparse(batch):
        batch = batch.toarray()
    batch = np.asarray(batch, dtype=keras.backend.floatx())
    return batch.reshape((batch.shape[0], *sample_shape))


class ArrayBatches(keras.utils.PyDataset):
    """A ``keras.utils.PyDataset`` over the rows of an array-like.

    Parameters
    ----------
    X : ndarray, memmap or sparse matrix of shape (n_samples, ...)
        Model inputs.
    target : same kind as X, True or None, default=None
        Training targets: ``True`` means X itself (an autoencoder), an array gives
        paired targets, None gives inputs only (for prediction).
    batch_size : int
        Rows per batch.
    sample_shape : tuple of int
        Shape of one sample as the model sees it.
    indices : ndarray of int or None, default=None
        The rows to use (all of them when None).
    shuffle : bool, default=False
        Reshuffle the rows at the start and after every epoch.
    seed : int or None, default=None
        Seed of the shuffling, and the base seed of ``corrupt``.
    corrupt : callable or None, default=None
        ``corrupt(inputs, seed) -> noisy inputs``, applied to the inputs (not the
        targets) of batch ``i`` with seed ``seed + i``: the same corruption at
        every epoch, for a validation set.
    multiple_of : int, default=1
        Use only as many rows as the largest multiple of this, so that every
        batch splits evenly between this many devices (the rows left out are
        the last ones, of the shuffled order when shuffling).
    """

    def __init__(
        self,
        X,
        *,
        batch_size,
        sample_shape,
        target=None,
        indices=None,
        shuffle=False,
        seed=None,
        corrupt=None,
        multiple_of=1,
    ):
        super().__init__()
        self.corrupt = corrupt
        self.seed = 0 if seed is None else int(seed)
        self.X = X
        self.target = target
        self.batch_size = int(batch_size)
        self.sample_shape = tuple(sample_shape)
        self.shuffle = shuffle
        self._order = None if indices is None else np.asarray(indices)
        self._rows = None if indices is None else np.sort(self._order)
        n_rows = X.shape[0] if indices is None else len(self._order)
        self._n_rows = n_rows - n_rows % int(multiple_of)
        self._rng = np.random.default_rng(seed)
        if shuffle:
            if self._order is None:
                self._order = np.arange(n_rows)
            self._rng.shuffle(self._order)

    def __len__(self):
        return math.ceil(self._n_rows / self.batch_size)

    def __getitem__(self, index):
        start = index * self.batch_size
        stop = min(start + self.batch_size, self._n_rows)
        if self._order is None:
            rows = slice(start, stop)
        else:  # sorted rows read faster from memory maps and sparse matrices
            rows = np.sort(self._order[start:stop])
        inputs = read_rows(self.X, rows, self.sample_shape)
        if self.target is True:
            target = inputs
        elif self.target is not None:
            target = read_rows(self.target, rows, self.sample_shape)
        if self.corrupt is not None:
            inputs = self.corrupt(inputs, offset_seed(self.seed, index))
        return inputs if self.target is None else (inputs, target)

    def on_epoch_end(self):
        if self.shuffle:
            self._rng.shuffle(self._order)

    def fits_in_a_tensor(self, max_bytes=None) -> bool:
        """Whether :meth:`tf_dataset` can serve these batches: TensorFlow's
        backend, and in-memory arrays (no memory map, no sparse matrix) whose
        float32 copy is at most ``max_bytes`` (None: :data:`TENSOR_FEED_BYTES`;
        see the module's docstring)."""
        paired = self.target is not None and self.target is not True
        arrays = [self.X, self.target] if paired else [self.X]
        n_values = self._n_rows * math.prod(self.sample_shape) * len(arrays)
        return (
            keras.backend.backend() == "tensorflow"
            and all(_in_memory(array) for array in arrays)
            and n_values * 4 <= (TENSOR_FEED_BYTES if max_bytes is None else max_bytes)
        )

    def tf_dataset(self, *, repeat):
        """The same batches as a ``tf.data.Dataset`` read from one tensor.

        The rows, their batches, the trimming to ``multiple_of`` and a
        validation set's corruption are the ones of ``self``. With ``repeat``
        the dataset never ends (train with ``steps_per_epoch=len(self)``), and
        when shuffling draws epoch ``e``'s order with ``stateless_shuffle``
        from ``(seed, e)``: reproducible from the seed alone, though another
        order than :meth:`on_epoch_end`'s. Without, it ends after one epoch
        (a validation set: the same batches at every epoch).
        """
        import tensorflow as tf

        rows = slice(None) if self._rows is None else self._rows
        inputs = read_rows(self.X, rows, self.sample_shape)
        targets = None
        if self.target is True:
            targets = inputs
        elif self.target is not None:
            targets = read_rows(self.target, rows, self.sample_shape)
        if self.corrupt is not None:  # a validation set: its batches, as served
            inputs = np.concatenate([self[i][0] for i in range(len(self))])
        n_rows, batch_size, seed = self._n_rows, self.batch_size, self.seed
        tensors = [tf.constant(inputs)]
        if targets is not None:
            tensors.append(tensors[0] if targets is inputs else tf.constant(targets))

        def epoch_batches(epoch):  # like on_epoch_end: the first n_rows of an order
            order = tf.random.experimental.stateless_shuffle(
                tf.range(tensors[0].shape[0], dtype="int64"),
                seed=tf.stack([tf.constant(seed, "int64"), epoch]),
            )
            return tf.data.Dataset.from_tensor_slices(order[:n_rows]).batch(batch_size)

        if self.shuffle and repeat:
            indices = tf.data.Dataset.counter().flat_map(epoch_batches)
        else:
            indices = tf.data.Dataset.range(n_rows).batch(batch_size)
            if repeat:
                indices = indices.repeat()
        batches = indices.map(
            lambda index: tuple(tf.gather(tensor, index) for tensor in tensors)
        )
        return batches.prefetch(tf.data.AUTOTUNE)


def _in_memory(array) -> bool:
    """Whether ``array`` is a NumPy array whose memory is no memory map."""
    if not isinstance(array, np.ndarray):
        return False
    while isinstance(array, np.ndarray):
        if isinstance(array, np.memmap):
            return False
        array = array.base
    return not isinstance(array, mmap.mmap)


def split_batch(batch):
    """``(inputs, targets)`` of a batch: ``x``, ``(x,)`` or ``(x_noisy, x_clean)``.

    ``targets`` is None when the batch holds inputs only.
    """
    if isinstance(batch, (tuple, list)):
        if len(batch) == 1:
            return batch[0], None
        if len(batch) == 2:
            return batch[0], batch[1]
        raise ValueError(
            f"A batch must be x, (x,) or (x_noisy, x_clean); got a sequence of "
            f"{len(batch)} items (sample weights are not supported)."
        )
    return batch, None


class DatasetBatches(keras.utils.PyDataset):
    """A user's ``keras.utils.PyDataset`` of batches, as the model reads them.

    Each batch, ``x`` or ``(x_noisy, x_clean)``, is cast to float32 and reshaped
    to the model's sample shape; ``x`` alone becomes the pair ``(x, x)``. The
    dataset's own workers, multiprocessing and queue settings are kept, and its
    ``on_epoch_end`` (e.g. its shuffling) is called after every epoch.

    Parameters
    ----------
    dataset : keras.utils.PyDataset
        Batches of samples of ``sample_shape`` (or flattened).
    sample_shape : tuple of int
        Shape of one sample as the model sees it.
    multiple_of : int, default=1
        Trim every batch to a multiple of this many rows (see
        :class:`ArrayBatches`).
    """

    def __init__(self, dataset, *, sample_shape, multiple_of=1):
        super().__init__(
            workers=dataset.workers,
            use_multiprocessing=dataset.use_multiprocessing,
            max_queue_size=dataset.max_queue_size,
        )
        self.dataset = dataset
        self.sample_shape = tuple(sample_shape)
        self.multiple_of = int(multiple_of)

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        inputs, targets = split_batch(self.dataset[index])
        inputs = self._read(inputs, index)
        targets = inputs if targets is None else self._read(targets, index)
        return inputs, targets

    def _read(self, batch, index):
        batch = batch if sp.issparse(batch) else np.asarray(batch)
        if math.prod(batch.shape[1:]) != math.prod(self.sample_shape):
            raise ValueError(
                f"Batch {index} of the dataset has samples of shape "
                f"{batch.shape[1:]}; the model was built for samples of shape "
                f"{self.sample_shape}."
            )
        rows = batch.shape[0] - batch.shape[0] % self.multiple_of
        return read_rows(batch, slice(0, rows), self.sample_shape)

    def on_epoch_end(self):
        self.dataset.on_epoch_end()


def split_indices(n_samples, validation_split, seed):
    """Shuffled train and validation row indices for a hold-out fraction."""
    order = np.random.default_rng(seed).permutation(n_samples)
    n_val = int(round(validation_split * n_samples))
    if n_val == 0 or n_val == n_samples:
        raise ValueError(
            f"validation_split={validation_split} leaves {n_samples - n_val} "
            f"training and {n_val} validation samples out of {n_samples}; both must "
            "be at least 1."
        )
    return np.sort(order[n_val:]), np.sort(order[:n_val])
