"""Keras' training objects built from routed parameters (skdae._keras_params)."""

import keras
import numpy as np
import pytest

from skdae import DenoisingAutoencoder
from skdae._keras_params import (
    callbacks,
    check_fit_arguments,
    compile_arguments,
    fit_arguments,
    instantiate,
    routed,
)

pytestmark = [pytest.mark.jax, pytest.mark.torch]

BASE = {"optimizer": "adam", "loss": "mse", "metrics": None, "run_eagerly": False}


def test_routed_strips_the_prefix_and_keeps_deeper_routes():
    params = {"optimizer__learning_rate": 0.1, "fit__callbacks__0__x": 1, "epochs": 3}
    assert routed(params, "optimizer") == {"learning_rate": 0.1}
    assert routed(params, "fit") == {"callbacks__0__x": 1}
    assert routed(params, "loss") == {}


def test_a_class_is_called_with_its_arguments():
    built = instantiate(keras.callbacks.EarlyStopping, {"patience": 7}, "callbacks")
    assert isinstance(built, keras.callbacks.EarlyStopping)
    assert built.patience == 7


def test_list_elements_take_shared_and_indexed_arguments():
    early, plateau = instantiate(
        [keras.callbacks.EarlyStopping, keras.callbacks.ReduceLROnPlateau],
        {"patience": 3, "1__factor": 0.5},
        "callbacks",
    )
    assert early.patience == plateau.patience == 3
    assert plateau.factor == 0.5


def test_dict_elements_take_arguments_by_key():
    built = instantiate(
        {"stop": keras.callbacks.EarlyStopping}, {"stop__patience": 4}, "callbacks"
    )
    assert built["stop"].patience == 4


def test_an_instance_refuses_arguments():
    instance = keras.callbacks.EarlyStopping()
    assert instantiate(instance, {}, "callbacks") is instance
    with pytest.raises(TypeError, match="not a class.*patience"):
        instantiate(instance, {"patience": 2}, "callbacks")


def test_compile_arguments_build_a_fresh_optimizer_with_its_routed_arguments():
    params = {**BASE, "optimizer__learning_rate": 0.25, "compile__jit_compile": False}
    first, second = compile_arguments(params), compile_arguments(params)
    assert isinstance(first["optimizer"], keras.optimizers.Adam)
    assert float(first["optimizer"].learning_rate) == 0.25
    assert first["optimizer"] is not second["optimizer"]
    assert first["jit_compile"] is False
    assert first["loss"] is keras.losses.mean_squared_error
    assert first["metrics"] is None


def test_metric_names_become_keras_metrics_and_a_single_one_a_list():
    metrics = compile_arguments({**BASE, "metrics": ["mae", "accuracy"]})["metrics"]
    assert isinstance(metrics[0], keras.metrics.MeanAbsoluteError)
    assert metrics[1] == "accuracy"  # resolved by Keras from the model
    single = compile_arguments({**BASE, "metrics": keras.metrics.MeanSquaredError})
    assert isinstance(single["metrics"], list)


def test_callbacks_come_from_both_routes():
    params = {
        "callbacks": keras.callbacks.EarlyStopping,
        "callbacks__patience": 5,
        "fit__callbacks": [keras.callbacks.TerminateOnNaN],
    }
    built = callbacks(params)
    assert [type(each).__name__ for each in built] == [
        "EarlyStopping",
        "TerminateOnNaN",
    ]
    assert built[0].patience == 5
    assert callbacks({"callbacks": None}) == []


def test_a_callback_that_is_not_one_is_refused():
    with pytest.raises(TypeError, match="keras.callbacks.Callback"):
        callbacks({"callbacks": ["not a callback"]})


def test_fit_arguments_leave_callbacks_out_and_refuse_the_estimators_own():
    params = {"fit__validation_freq": 2, "fit__callbacks": [], "fit__epochs": 3}
    assert fit_arguments(params) == {"validation_freq": 2, "epochs": 3}
    with pytest.raises(ValueError, match=r"\['epochs'\].*fit__epochs"):
        check_fit_arguments(params, "DenoisingAutoencoder")


@pytest.fixture(scope="module")
def X():
    return np.random.default_rng(0).random((64, 12)).astype("float32")


def test_the_estimator_routes_its_parameters_into_keras(X):
    dae = DenoisingAutoencoder(
        (4,),
        epochs=3,
        metrics=["mae"],
        callbacks=keras.callbacks.EarlyStopping,
        callbacks__monitor="loss",
        callbacks__patience=1,
        optimizer__learning_rate=0.05,
        fit__validation_freq=2,
        random_state=0,
    ).fit(X)
    assert float(dae.model_.optimizer.learning_rate) == pytest.approx(0.05)
    assert len(dae.history_["mean_absolute_error"]) == dae.n_iter_
    with pytest.raises(ValueError, match="fit__shuffle"):
        DenoisingAutoencoder((4,), epochs=1, fit__shuffle=True).fit(X)


def test_the_estimator_has_no_unsupported_wrapper_members():
    """No members inherited from a wrapper that skdae does not support."""
    dae = DenoisingAutoencoder()
    for name in ("scorer", "feature_encoder", "target_encoder", "current_epoch"):
        assert not hasattr(dae, name), name
    assert not hasattr(dae, "initialized_")
