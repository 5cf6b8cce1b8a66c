"""Training speed of skdae against the same network in hand-written Keras, per backend.

Every measurement runs in a fresh Python process: TensorFlow keeps process-wide
state (thread pools, traced functions) that a measurement made after another in
the same process would inherit. The processes are interleaved: each round runs
every configuration once, in an order rotated from round to round, so a drift in
the machine's load hits all of them alike. The network is the default
``DenoisingAutoencoder()`` on 28x28 images: 784-1024-784 with gaussian noise
(0.5) in front, sigmoid output, Adam, MSE, batch 128, on 20,000 Fashion-MNIST
training images. One configuration a process:

- ``keras``: the network written by hand in Keras (``GaussianNoise(0.5)``, two
  ``Dense`` layers), fed NumPy arrays by ``model.fit(X, X, shuffle=True)``;
- ``skdae``: ``DenoisingAutoencoder(epochs=3)``;
- ``keras-after-skdae``: one small skdae fit first (2,000 images, one epoch),
  then the hand-written Keras fit: does a skdae fit slow the user's later fits?
- ``keras-after-pydataset``: the minimal form of that question, with no skdae:
  one hand-written Keras fit fed by a ``keras.utils.PyDataset`` (2,000 images,
  one epoch), then the hand-written Keras fit fed arrays;
- ``numpy``: float32 matrix products of the network's shapes (1024-row batches),
  the machine's practical rate, for scale.

A fit's epoch time is the fastest of its epochs 2 and 3 (epoch 1 traces or
compiles the step); GFLOP/s counts the three products per Dense layer of a
training step (forward, two backward), ``6 x 784 x 1024 x 2`` per sample.
``denoise`` of 10,000 images is timed against ``model.predict`` likewise.

    python benchmarks/overhead.py                  # about 10 min on 2 CPU cores
    python benchmarks/overhead.py --quick          # smoke run, in this process
    python benchmarks/overhead.py --worker skdae   # one measurement, JSON out
"""

from __future__ import annotations

import json
import os
import sys
import time
from importlib import util

import common

TITLE = "Training speed: skdae against hand-written Keras, per backend"
N_TRAIN, N_TEST, UNITS, BATCH_SIZE, EPOCHS = 20_000, 10_000, 1024, 128, 3
CONFIGS = ("keras", "skdae", "keras-after-skdae", "keras-after-pydataset")
BACKENDS = ("tensorflow", "jax", "torch")
ROUNDS = 3
#: Goals of the issue: skdae within 1.1x of hand-written Keras per backend; a
#: Keras fit after a skdae fit within 1.1x of one in a fresh process; the
#: default backend at 0.6x or more of NumPy's matmul rate.
RATIO_GOAL, AFTER_GOAL, RATE_GOAL = 1.1, 1.1, 0.6
FLOP_PER_SAMPLE = 6 * 784 * UNITS * 2


def run(quick):
    if quick:
        import keras

        backends = (keras.backend.backend(),)
    else:
        backends = installed_backends()
    rounds = 1 if quick else ROUNDS
    results = {}  # (backend, config) -> list of measurements
    jobs = [(b, c) for b in backends for c in CONFIGS] + [(None, "numpy")]
    for backend, config in common.interleaved(jobs, rounds):
        measured = measure(backend, config, quick)
        print(backend, config, measured, file=sys.stderr, flush=True)
        results.setdefault((backend, config), []).append(measured)
    return report(results, backends, rounds, quick)


def installed_backends():
    modules = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}
    return tuple(b for b in BACKENDS if util.find_spec(modules[b]) is not None)


def measure(backend, config, quick):
    """One configuration in a fresh process: its JSON result as a dict.

    Quick mode (a smoke run of the code paths, for the test suite) measures in
    this process instead.
    """
    if quick:
        return measurement(config, quick)
    env = dict(os.environ)
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    return common.in_fresh_process(__file__, [config], env)


def report(results, backends, rounds, quick):
    def best(backend, config, key):
        return min(r[key] for r in results[(backend, config)])

    numpy_rate = max(r["gflops"] for r in results[(None, "numpy")])
    rows = []
    for backend in backends:
        keras_s = best(backend, "keras", "epoch_s")
        skdae_s = best(backend, "skdae", "epoch_s")
        after_s = best(backend, "keras-after-skdae", "epoch_s")
        after_pydataset_s = best(backend, "keras-after-pydataset", "epoch_s")
        skdae_rate = FLOP_PER_SAMPLE * N_TRAIN_RUN[quick] / skdae_s / 1e9
        rows.append(
            [
                backend,
                keras_s,
                skdae_s,
                f"{skdae_s / keras_s:.2f}",
                (skdae_s / keras_s) <= RATIO_GOAL,
                after_s,
                f"{after_s / keras_s:.2f}",
                (after_s / keras_s) <= AFTER_GOAL,
                f"{after_pydataset_s / keras_s:.2f}",
                f"{skdae_rate:.0f}",
                f"{skdae_rate / numpy_rate:.2f}",
                best(backend, "keras", "predict_s"),
                best(backend, "skdae", "predict_s"),
            ]
        )
    each = "\n".join(
        f"- {backend or 'numpy'} {config}: "
        + "; ".join(", ".join(f"{k} {v:.3g}" for k, v in r.items()) for r in measured)
        for (backend, config), measured in sorted(
            results.items(), key=lambda item: (item[0][0] or "", item[0][1])
        )
    )
    fastest = min(rows, key=lambda row: row[2])[0]
    return "\n\n".join(
        [
            f"Dense 784-{UNITS}-784 (the default `DenoisingAutoencoder()` on 28x28 "
            f"images), batch {BATCH_SIZE}, {N_TRAIN_RUN[quick]} images; each cell "
            f"the best of {rounds} fresh processes, interleaved (see the script's "
            f"docstring). NumPy's float32 matmul rate on this machine in the same "
            f"run: **{numpy_rate:.0f} GFLOP/s**.",
            common.table(
                [
                    "backend",
                    "Keras epoch s",
                    "skdae epoch s",
                    "skdae / Keras",
                    f"<= {RATIO_GOAL}",
                    "Keras epoch s after a skdae fit",
                    "after / fresh",
                    f"<= {AFTER_GOAL}",
                    "Keras after a Keras PyDataset fit / fresh",
                    "skdae GFLOP/s",
                    "of NumPy's rate",
                    "Keras predict s",
                    "skdae denoise s",
                ],
                rows,
            ),
            f"- Fastest skdae training here: **{fastest}** "
            f"(goal for the default backend: >= {RATE_GOAL} of NumPy's rate).",
            "Every measurement (seconds; GFLOP/s for NumPy):\n\n" + each,
        ]
    )


N_TRAIN_RUN = {False: N_TRAIN, True: common.QUICK_TRAIN}


# ---------------------------------------------------------------- the workers
def measurement(config, quick):
    """Measure one configuration in this process: a dict of numbers."""
    if config == "numpy":
        return {"gflops": numpy_rate()}
    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    n_train = N_TRAIN_RUN[quick]
    X = x_train[:n_train].reshape(-1, 784)
    X_test = x_test[:N_TEST].reshape(-1, 784)
    if config == "keras-after-skdae":
        skdae_fit(X[:2000], epochs=1)
        config = "keras"
    if config == "keras-after-pydataset":
        keras_fit(X[:2000], X_test[:BATCH_SIZE], epochs=1, pydataset=True)
        config = "keras"
    if config == "keras":
        return keras_fit(X, X_test)
    return skdae_measure(X, X_test)


def keras_fit(X, X_test, epochs=EPOCHS, pydataset=False):
    import keras

    keras.utils.set_random_seed(common.SEED)
    inputs = keras.Input((784,))
    noisy = keras.layers.GaussianNoise(0.5)(inputs)
    code = keras.layers.Dense(UNITS, activation="relu")(noisy)
    outputs = keras.layers.Dense(784, activation="sigmoid")(code)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="mse")
    timer = common.epoch_timer()
    if pydataset:
        model.fit(Batches(X), epochs=epochs, verbose=0, callbacks=[timer])
    else:
        model.fit(
            X,
            X,
            batch_size=BATCH_SIZE,
            epochs=epochs,
            shuffle=True,
            verbose=0,
            callbacks=[timer],
        )
    model.predict(X_test[:BATCH_SIZE], verbose=0)  # traced before timing
    _, predict_s = common.timed(lambda: model.predict(X_test, verbose=0))
    return {"epoch_s": min(timer.seconds[1:] or timer.seconds), "predict_s": predict_s}


def Batches(X):  # noqa: N802 (a class, made when Keras is imported)
    """A plain ``keras.utils.PyDataset`` of ``(x, x)`` batches of X, in order."""
    import keras

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return -(-len(X) // BATCH_SIZE)

        def __getitem__(self, index):
            batch = X[index * BATCH_SIZE : (index + 1) * BATCH_SIZE]
            return batch, batch

    return Batches()


def skdae_fit(X, epochs, callbacks=None):
    from skdae import DenoisingAutoencoder

    return DenoisingAutoencoder(
        epochs=epochs,
        batch_size=BATCH_SIZE,
        random_state=common.SEED,
        callbacks=callbacks,
    ).fit(X)


def skdae_measure(X, X_test):
    timer = common.epoch_timer()
    fitted = skdae_fit(X, EPOCHS, callbacks=[timer])
    fitted.denoise(X_test[:BATCH_SIZE])
    _, predict_s = common.timed(lambda: fitted.denoise(X_test))
    return {"epoch_s": min(timer.seconds[1:]), "predict_s": predict_s}


def numpy_rate():
    """Best GFLOP/s of the network's three float32 products on 1024-row batches."""
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((1024, 784), dtype=np.float32)
    w = rng.random((784, UNITS), dtype=np.float32)
    g = rng.random((1024, UNITS), dtype=np.float32)
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(10):
            h = x @ w  # forward
            _ = g @ w.T  # gradient of the input
            _ = x.T @ g  # gradient of the weights
        seconds = time.perf_counter() - start
        best = max(best, 10 * 3 * 2 * 1024 * 784 * UNITS / seconds / 1e9)
    del h
    return best


if __name__ == "__main__":
    if "--worker" in sys.argv:  # one measurement in this fresh process
        print(json.dumps(measurement(sys.argv[sys.argv.index("--worker") + 1], False)))
    else:
        common.main("overhead", TITLE, run)
