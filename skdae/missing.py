"""Missing entries (NaN) inside the autoencoders: a fill layer and a masked loss.

A NaN in ``X`` is a missing entry. The model replaces it by :data:`FILL_VALUE`
before the training corruption, which is what masking noise writes in place of
a hidden entry: a missing entry looks to the network exactly like an entry its
corruption hid, which it is trained to predict from the others. The loss,
:class:`MaskedMeanSquaredError`, counts the observed entries of the target only.
Both are written with ``keras.ops``, so they run on every Keras backend.
"""

from __future__ import annotations

import keras
import numpy as np
import scipy.sparse as sp
from keras import ops

#: The value a missing entry takes inside the model: 0, what ``kind="masking"``
#: noise writes in place of an entry it hides (on standardized data, the column
#: mean).
FILL_VALUE = 0.0

#: Keras' names of the mean squared error.
MSE_NAMES = frozenset({"mse", "mean_squared_error", "MeanSquaredError"})


def fill_missing(batch: np.ndarray) -> np.ndarray:
    """``batch`` with NaN replaced by :data:`FILL_VALUE` (a copy if any was NaN)."""
    missing = np.isnan(batch)
    if not missing.any():
        return batch
    return np.where(missing, np.asarray(FILL_VALUE, batch.dtype), batch)


@keras.saving.register_keras_serializable(package="skdae")
class FillMissing(keras.layers.Layer):
    """Keras layer that replaces NaN (missing entries) by a fill value.

    Parameters
    ----------
    fill_value : float, default=0.0
        The value a missing entry takes.
    **kwargs
        Keywords of ``keras.layers.Layer``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdae.missing import FillMissing
    >>> x = np.array([[1.0, np.nan]], dtype="float32")
    >>> np.asarray(FillMissing()(x))
    array([[1., 0.]], dtype=float32)
    """

    def __init__(self, fill_value=FILL_VALUE, **kwargs):
        super().__init__(**kwargs)
        self.fill_value = float(fill_value)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        inputs = ops.convert_to_tensor(inputs)
        fill = ops.cast(self.fill_value, inputs.dtype)
        return ops.where(ops.isnan(inputs), fill, inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update(fill_value=self.fill_value)
        return config


@keras.saving.register_keras_serializable(package="skdae")
class MaskedMeanSquaredError(keras.losses.Loss):
    """Mean squared error over the observed (non-NaN) entries of the target.

    A NaN in ``y_true`` contributes nothing; the sum of squared errors of a
    batch is divided by its number of observed entries, so on complete data
    this is exactly Keras' ``"mse"`` (mean over the features, then over the
    batch). A batch without an observed entry has loss 0.

    Parameters
    ----------
    name : str, default="masked_mean_squared_error"
        Name of the loss.
    **kwargs
        Keywords of ``keras.losses.Loss`` other than ``reduction``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdae.missing import MaskedMeanSquaredError
    >>> y_true = np.array([[1.0, np.nan], [0.0, 2.0]], dtype="float32")
    >>> y_pred = np.array([[0.0, 5.0], [0.0, 0.0]], dtype="float32")
    >>> round(float(MaskedMeanSquaredError()(y_true, y_pred)), 4)  # (1 + 0 + 4) / 3
    1.6667
    """

    def __init__(self, name="masked_mean_squared_error", **kwargs):
        kwargs.pop("reduction", None)
        super().__init__(name=name, reduction="sum_over_batch_size", **kwargs)

    def call(self, y_true, y_pred):
        y_pred = ops.convert_to_tensor(y_pred)
        y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
        observed = ops.logical_not(ops.isnan(y_true))
        error = ops.where(observed, y_true - y_pred, ops.zeros_like(y_pred))
        n_rows = ops.shape(y_pred)[0]
        squared = ops.reshape(ops.square(error), (n_rows, -1))
        count = ops.sum(ops.cast(observed, y_pred.dtype))
        # Values whose mean over the rows (the "sum_over_batch_size"
        # reduction) is the batch's sum of squared errors over its observed
        # entries. That reduction, unlike "sum", also divides the loss by the
        # number of replicas under a tf.distribute strategy, so that the
        # replicas' summed gradients are those of the mean (with "sum", data
        # parallel training took steps twice as large on two devices).
        share = ops.cast(n_rows, y_pred.dtype) / ops.maximum(count, 1.0)
        return ops.sum(squared, axis=1) * share

    def get_config(self):
        config = super().get_config()
        config.pop("reduction", None)
        return config


def masked_loss(loss):
    """The loss to compile: ``"mse"`` (by any of its names) becomes masked."""
    if isinstance(loss, str) and loss in MSE_NAMES:
        return MaskedMeanSquaredError()
    if isinstance(loss, type) and issubclass(loss, keras.losses.MeanSquaredError):
        return MaskedMeanSquaredError()
    if loss is keras.losses.mean_squared_error:
        return MaskedMeanSquaredError()
    return loss


def nan_target_stats(X) -> tuple[float, float, np.ndarray]:
    """(min, max, mean per feature) ignoring NaN; 0 for a feature never observed.

    Dense arrays (any number of dimensions after the first) or sparse matrices
    (their implicit zeros counted as observed).
    """
    if sp.issparse(X):
        X = X.tocsc()
        data = X.data
        observed_data = ~np.isnan(data)
        values = data[observed_data]
        if X.nnz < np.prod(X.shape):
            values = np.append(values, 0)
        columns = np.repeat(np.arange(X.shape[1]), np.diff(X.indptr))
        sums = np.bincount(
            columns[observed_data], weights=data[observed_data], minlength=X.shape[1]
        )
        nan_counts = np.bincount(columns[~observed_data], minlength=X.shape[1])
        counts = X.shape[0] - nan_counts
        mean = np.divide(sums, counts, out=np.zeros(X.shape[1]), where=counts > 0)
        return (*_range(values), mean)
    X = np.asarray(X) if not isinstance(X, np.ndarray) else X
    flat = X.reshape(X.shape[0], -1)
    counts = np.sum(~np.isnan(flat), axis=0)
    sums = np.nansum(flat, axis=0, dtype=np.float64)
    mean = np.divide(sums, counts, out=np.zeros(flat.shape[1]), where=counts > 0)
    return (*_range(flat), mean)


def _range(values):
    if values.size == 0 or np.isnan(values).all():
        return 0.0, 0.0
    return float(np.nanmin(values)), float(np.nanmax(values))
