"""The moving average of the weights (``optimizer__use_ema=True``), bias-corrected.

Keras' optimizers average the weights when ``use_ema=True``: after step ``t``,
``average = m * average + (1 - m) * weights`` with ``m = ema_momentum`` (``0``
at the first step, so the average starts at the first step's weights). Those
first weights keep a share of ``m ** (t - 1)`` in the average: 30 % after 120
steps at ``m = 0.99``, a short fit's whole length on a small table.

:func:`correct_weight_average` gives an optimizer the average that Adam gives
its moments: started from zero and divided by ``1 - m ** t``. Written as a
running value, it is Keras' update with the momentum of step ``t``
``m_t = m * (1 - m ** (t - 1)) / (1 - m ** t)``: 0 at the first step, then
rising to ``m``. Every step ``s`` then weighs ``(1 - m) * m ** (t - s)`` up to
the normalization, the first one as the others; after a few hundred steps the
two averages agree.
"""

from __future__ import annotations

import types

from keras import ops


def correct_weight_average(optimizer) -> None:
    """Make ``optimizer``'s moving average of the weights bias-corrected.

    Does nothing when the optimizer does not average (``use_ema=False``). A
    :class:`keras.optimizers.LossScaleOptimizer` is corrected through the
    optimizer it wraps. The correction is an attribute of this optimizer
    object, not of its configuration: a model rebuilt from a file or a pickle
    needs it again (:meth:`~skdae.DenoisingAutoencoder.fit` applies it before
    every training run).

    Examples
    --------
    >>> import keras
    >>> from skdae._weight_average import correct_weight_average
    >>> optimizer = keras.optimizers.Adam(use_ema=True)
    >>> correct_weight_average(optimizer)
    >>> optimizer._update_model_variables_moving_average.__name__
    '_corrected_moving_average'
    """
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    if getattr(optimizer, "use_ema", False):
        optimizer._update_model_variables_moving_average = types.MethodType(
            _corrected_moving_average, optimizer
        )


def average_momentum(momentum, step):
    """The momentum of step ``step`` (1, 2, ...) of the bias-corrected average.

    ``momentum * (1 - momentum ** (step - 1)) / (1 - momentum ** step)``: 0 at
    the first step, rising to ``momentum`` (in [0, 1]; 0: always 0, no
    average; 1: 1 after the first step, which the average then keeps).

    Examples
    --------
    >>> from skdae._weight_average import average_momentum
    >>> [round(float(average_momentum(0.5, t)), 4) for t in (1, 2, 3)]
    [0.0, 0.3333, 0.4286]
    """
    if momentum <= 0:
        return ops.zeros_like(step)
    if momentum >= 1:  # the first step's weights, as Keras keeps them
        return ops.cast(step > 1, "float32")
    return momentum * (1 - momentum ** (step - 1)) / (1 - momentum**step)


def _corrected_moving_average(self, trainable_variables):
    """Keras' ``_update_model_variables_moving_average``, bias-corrected.

    Runs inside the optimizer's step, before ``iterations`` counts it.
    """
    step = ops.cast(self.iterations, "float32") + 1.0
    momentum = average_momentum(float(self.ema_momentum), step)
    for var, average in zip(
        trainable_variables, self._model_variables_moving_average, strict=False
    ):
        if average is None:
            continue
        rate = ops.cast(momentum, var.dtype)
        average.assign(rate * average + (1 - rate) * var)
