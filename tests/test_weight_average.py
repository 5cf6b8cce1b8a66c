"""The bias-corrected moving average of the weights (``optimizer__use_ema=True``)."""

import keras
import numpy as np
import pytest

from skdae import DenoisingAutoencoder
from skdae._weight_average import (
    _corrected_moving_average,
    average_momentum,
    correct_weight_average,
)

pytestmark = [pytest.mark.torch, pytest.mark.jax]


def _bias_corrected_average(values, momentum):
    """sum_s (1 - m) m^(t - s) w_s / (1 - m^t): Adam's average of its moments."""
    t = len(values)
    weights = (1 - momentum) * momentum ** np.arange(t - 1, -1, -1)
    return np.tensordot(weights, np.stack(values), axes=1) / (1 - momentum**t)


@pytest.mark.parametrize("momentum", [0.5, 0.9, 0.99])
def test_running_momentum_gives_the_bias_corrected_average(momentum):
    values = list(np.random.default_rng(0).normal(size=(30, 4)))
    average = np.zeros(4)
    for step, value in enumerate(values, start=1):
        rate = float(average_momentum(momentum, step))
        average = rate * average + (1 - rate) * value
        np.testing.assert_allclose(
            average, _bias_corrected_average(values[:step], momentum), rtol=1e-5
        )


def test_momentum_bounds():
    assert float(average_momentum(0.9, 1)) == 0.0  # starts at the first weights
    assert float(average_momentum(0.0, 5)) == 0.0  # no average: the last weights
    assert [float(average_momentum(1.0, t)) for t in (1, 2, 9)] == [0.0, 1.0, 1.0]
    assert 0.89 < float(average_momentum(0.9, 200)) <= 0.9


def test_a_trained_model_ends_at_the_corrected_average_of_its_steps():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(3)])
    optimizer = keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.8)
    model.compile(optimizer=optimizer, loss="mse")
    correct_weight_average(model.optimizer)
    history = []
    for _ in range(6):
        model.train_on_batch(X, X)
        history.append(model.get_weights())
    model.optimizer.finalize_variable_values(model.trainable_variables)
    for index, final in enumerate(model.get_weights()):
        expected = _bias_corrected_average([w[index] for w in history], 0.8)
        np.testing.assert_allclose(final, expected, rtol=1e-4, atol=1e-6)
        # Keras' own average, which keeps a share 0.8 ** 5 of the first step's
        uncorrected = history[0][index]
        for weights in history[1:]:
            uncorrected = 0.8 * uncorrected + 0.2 * weights[index]
        assert not np.allclose(final, uncorrected, atol=1e-4)


def test_only_averaging_optimizers_change():
    plain = keras.optimizers.Adam()
    correct_weight_average(plain)
    assert "_update_model_variables_moving_average" not in vars(plain)
    scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(use_ema=True))
    correct_weight_average(scaled)
    inner = scaled.inner_optimizer._update_model_variables_moving_average
    assert inner.__func__ is _corrected_moving_average


def test_fit_corrects_the_average_of_its_optimizer():
    X = np.random.default_rng(0).random((64, 6)).astype("float32")
    dae = DenoisingAutoencoder(
        hidden_layer_sizes=(4,),
        epochs=1,
        batch_size=32,
        optimizer__use_ema=True,
        random_state=0,
    ).fit(X)
    update = dae.model_.optimizer._update_model_variables_moving_average
    assert update.__func__ is _corrected_moving_average
