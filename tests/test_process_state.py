"""Importing skdae and fitting leave the user's process as they found it.

What a library may not change behind the user's back: Keras' classes (scikeras,
which skdae does not import, patches their pickling when imported), Keras'
global dtype policy, the backend's configuration (TensorFlow's GPU memory
growth, determinism, eager mode, threads), open file descriptors and the
loggers' handlers and levels. A fresh interpreter records them, imports skdae's
estimators, fits both autoencoders (with mixed precision and ``verbose=2``,
which logs through a handler of its own), pickles one, and records them again.
The control is a fresh interpreter that imports Keras alone.
"""

import pytest
from conftest import run_json_script

SCRIPT = r"""
import json, logging, os, pickle, sys

LOGGERS = ("", "skdae", "keras", "tensorflow", "absl", "jax", "torch")

def descriptors():
    folder = "/proc/self/fd"
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else None

def loggers():
    return {
        name: [logging.getLogger(name).level,
               [type(h).__name__ for h in logging.getLogger(name).handlers]]
        for name in LOGGERS
    }

def keras_state():
    import keras
    patched = [
        (keras.Model, "__reduce__"), (keras.Model, "__deepcopy__"),
        (keras.losses.Loss, "__reduce__"), (keras.metrics.Metric, "__reduce__"),
        (keras.optimizers.Optimizer, "__reduce__"),
    ]
    state = {
        f"{cls.__name__}.{name}": repr(cls.__dict__.get(name))
        for cls, name in patched
    }
    state["dtype_policy"] = keras.config.dtype_policy().name
    state["floatx"] = keras.config.floatx()
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf
        state["visible_devices"] = [d.name for d in tf.config.get_visible_devices()]
        state["memory_growth"] = [
            tf.config.experimental.get_memory_growth(gpu)
            for gpu in tf.config.list_physical_devices("GPU")
        ]
        from tensorflow.python.framework import config as tf_config
        state["determinism"] = tf_config.is_op_determinism_enabled()
        state["eager"] = tf.config.functions_run_eagerly()
        state["intra_op"] = tf.config.threading.get_intra_op_parallelism_threads()
        state["inter_op"] = tf.config.threading.get_inter_op_parallelism_threads()
    return state

if sys.argv[1] == "keras":  # the control: what importing Keras alone does
    import keras
    print(json.dumps({"after_import": {"fd": descriptors(), "loggers": loggers()}}))
    sys.exit()
from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder  # and Keras
after_import = {"fd": descriptors(), "loggers": loggers()}
before_fit = keras_state()
# The backend's one-off start-up on its first operation, which any Keras code
# pays once per process: TensorFlow 2.16 then loads its kernel registry, whose
# tsl::Env::GetExecutablePath() leaves /proc/self/cmdline open for good.
import keras
keras.ops.convert_to_numpy(keras.ops.add(keras.ops.ones((2,)), 1.0))
warmed = {"fd": descriptors(), "loggers": loggers()}

import numpy as np
X = np.random.default_rng(0).random((64, 16)).astype("float32")
dense = DenoisingAutoencoder(
    (8,), epochs=2, verbose=2, precision="mixed_bfloat16", random_state=0
).fit(X)
ConvDenoisingAutoencoder(
    filters=(2,), epochs=1, image_shape=(4, 4), random_state=0
).fit(X)
pickle.loads(pickle.dumps(dense)).transform(X[:2])
after_fit = keras_state()
print(json.dumps({
    "after_import": after_import, "warmed": warmed,
    "before_fit": before_fit, "after_fit": after_fit,
    "after_fit_process": {"fd": descriptors(), "loggers": loggers()},
    "scikeras_imported": "scikeras" in sys.modules,
}))
"""


def run_script(first_import):
    return run_json_script(SCRIPT, first_import)


@pytest.fixture(scope="module")
def states():
    return run_script("skdae")


def test_import_opens_and_logs_no_more_than_importing_keras(states):
    """The backend's own import opens files and adds handlers; skdae adds none."""
    assert states["after_import"] == run_script("keras")["after_import"]


def test_fit_keeps_keras_and_backend_configuration(states):
    assert states["after_fit"] == states["before_fit"]


def test_import_leaves_keras_pickling_to_keras(states):
    """skdae does not import scikeras, whose import patches Keras' pickling
    (Keras pickles natively)."""
    assert not states["scikeras_imported"]
    assert all(
        value == "None"
        for key, value in states["before_fit"].items()
        if key.endswith(("__reduce__", "__deepcopy__"))
    )


def test_fit_keeps_descriptors_and_loggers(states):
    """``verbose=2``'s handler lives only as long as the training it reports;
    two fits open no file that they leave open (compared after the backend's
    first operation, which opens what it keeps for the process's life)."""
    assert states["warmed"]["loggers"] == states["after_import"]["loggers"]
    assert states["after_fit_process"] == states["warmed"]
