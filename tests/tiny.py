"""What the tests' tiny models share, whatever the Keras backend."""

import keras

#: ``run_eagerly`` of the tests' tiny models: eagerly on TensorFlow and PyTorch,
#: where a few training steps cost less than tracing a graph for them, compiled
#: on JAX, where eager ops are dispatched one by one (about 3 s of CPU a fit, 0.5 s
#: compiled with the tests' persistent compilation cache; see conftest.py).
EAGER = keras.backend.backend() != "jax"
