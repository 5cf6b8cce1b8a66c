"""Time to quality: which training settings reach the default's MSE soonest.

Settings: batch size, learning rate, a moving average of the weights.

The denoising task of ``defaults.md``: Fashion-MNIST, 60,000 training images,
gaussian noise σ=0.4 clipped to [0, 1], drawn afresh for every batch; test MSE
on the 10,000 test images, one seeded noisy draw. Every configuration is the
default ``DenoisingAutoencoder()`` but for its batch size, Adam's learning
rate and, in some, an exponential moving average of the weights
(``optimizer__use_ema=True`` with ``optimizer__ema_momentum``: the model ends
its fit with the average of its last steps' weights, as
``AutoencoderImputer``'s default does). Two measurements, each made so the
machine's load cannot bias it:

1. **Quality per epoch.** Each configuration trains for ``EPOCHS`` epochs in
   its own fresh process; after every epoch a callback predicts the noisy test
   images (what ``denoise`` returns; the last epoch's value is checked against
   ``denoise``) and records the test MSE. With weight averaging the callback
   predicts with the averaged weights (``finalize_variable_values``), then puts
   the trained ones back, so training goes on as it would without it. Epoch
   counts do not depend on load.
2. **Seconds per epoch.** Each batch size, with and without weight averaging,
   is timed in fresh processes, interleaved: each round fits every one once, in
   an order rotated from round to round, ``TIMED_EPOCHS`` epochs on the 60,000
   images; a fit's epoch time is its fastest epoch after the first (the first
   traces the step). The best of ``ROUNDS`` rounds.

Time to quality = epochs to reach the target x seconds per epoch at that batch
size. The target is the default configuration's test MSE after its default 20
epochs, measured in the same run.

    python benchmarks/time_to_quality.py            # about 50 min on 2 CPU cores
    python benchmarks/time_to_quality.py --quick    # smoke run, in this process
    python benchmarks/time_to_quality.py --worker quality 128 0.001 0.99
    python benchmarks/time_to_quality.py --worker speed 128 0.99
"""

from __future__ import annotations

import json
import sys

import common

TITLE = (
    "Time to quality: batch size, learning rate and weight averaging "
    "of the dense default"
)
#: (batch size, learning rate, momentum of the weights' moving average or 0 for
#: none); the first is today's default.
CONFIGS = (
    (128, 1e-3, 0),
    (128, 2e-3, 0),
    (256, 2e-3, 0),
    (256, 4e-3, 0),
    (512, 4e-3, 0),
    (512, 8e-3, 0),
    (1024, 4e-3, 0),
    (1024, 8e-3, 0),
    (128, 1e-3, 0.99),
    (128, 2e-3, 0.99),
    (256, 2e-3, 0.99),
)
EPOCHS, TIMED_EPOCHS, ROUNDS = 20, 3, 3
#: Goal of issue 21: time to the default's test MSE halved.
GOAL = 0.5


def run(quick):
    configs = (CONFIGS[0], CONFIGS[-1]) if quick else CONFIGS
    curves = {
        config: measure(["quality", *map(str, config)], quick) for config in configs
    }
    speeds = sorted({speed_key(config) for config in configs})
    seconds = {speed: [] for speed in speeds}
    for speed in common.interleaved(speeds, 1 if quick else ROUNDS):
        arguments = ["speed", *map(str, speed)]
        seconds[speed].append(measure(arguments, quick)["epoch_s"])
    return report(curves, {k: min(s) for k, s in seconds.items()}, seconds, quick)


def speed_key(config):
    """What an epoch's time depends on: (batch size, moving-average momentum)."""
    batch, _, momentum = config
    return batch, momentum


def measure(arguments, quick):
    """One measurement in a fresh process (in this one in quick mode): a dict."""
    if quick:
        return measurement(*arguments, quick=True)
    result = common.in_fresh_process(__file__, arguments)
    print(arguments, result, file=sys.stderr, flush=True)
    return result


def measurement(kind, batch_size, *rest, quick=False):
    """Measure one configuration in this process: a dict of numbers.

    ``rest`` is ``(learning_rate, momentum)`` for ``"quality"``, ``(momentum,)``
    for ``"speed"``.
    """
    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    X = x_train.reshape(len(x_train), -1)
    clean = x_test.reshape(len(x_test), -1)
    if kind == "speed":
        timer = common.epoch_timer()
        epochs = 1 if quick else TIMED_EPOCHS
        model(int(batch_size), None, float(rest[0]), epochs, [timer]).fit(X)
        return {"epoch_s": min(timer.seconds[1:] or timer.seconds)}
    learning_rate, momentum = map(float, rest)
    noisy = common.corrupt(common.gaussian(), clean)
    scores = test_mse(noisy, clean)
    fitted = model(
        int(batch_size), learning_rate, momentum, 1 if quick else EPOCHS, [scores]
    ).fit(X)
    denoise_mse = float(((fitted.denoise(noisy) - clean) ** 2).mean())
    return {"test_mse": scores.values, "denoise_mse": denoise_mse}


def model(batch_size, learning_rate, momentum, epochs, callbacks):
    from skdae import DenoisingAutoencoder

    dae = DenoisingAutoencoder(
        noise=common.gaussian(),
        epochs=epochs,
        batch_size=batch_size,
        random_state=common.SEED,
        callbacks=callbacks,
    )
    if learning_rate is not None:
        dae.set_params(optimizer__learning_rate=learning_rate)
    if momentum:
        dae.set_params(optimizer__use_ema=True, optimizer__ema_momentum=momentum)
    return dae


def test_mse(noisy, clean):
    """A Keras callback whose ``values`` lists the test MSE after each epoch."""
    import keras

    class TestMSE(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.values = []

        def on_epoch_end(self, epoch, logs=None):
            trained = None
            if self.model.optimizer.use_ema:  # predict with the averaged weights
                trained = self.model.get_weights()
                self.model.optimizer.finalize_variable_values(
                    self.model.trainable_variables
                )
            output = self.model.predict(noisy, batch_size=1024, verbose=0)
            self.values.append(float(((output - clean) ** 2).mean()))
            if trained is not None:
                self.model.set_weights(trained)

    return TestMSE()


def epochs_to(curve, target):
    """The first epoch (1-based) whose test MSE is at most ``target``, or None."""
    return next((i + 1 for i, value in enumerate(curve) if value <= target), None)


def report(curves, epoch_s, all_seconds, quick):
    default = next(iter(curves))
    target = curves[default]["test_mse"][-1]
    default_time = len(curves[default]["test_mse"]) * epoch_s[speed_key(default)]
    rows = []
    for config, curve in curves.items():
        batch, rate, momentum = config
        values = curve["test_mse"]
        reached = epochs_to(values, target)
        epoch = epoch_s[speed_key(config)]
        seconds = None if reached is None else reached * epoch
        rows.append(
            [
                batch,
                f"{rate:g}",
                f"{momentum:g}" if momentum else "—",
                f"{epoch:.2f}",
                f"{values[0]:.4f}",
                f"{min(values):.4f}",
                f"{values[-1]:.4f}",
                "not reached" if reached is None else reached,
                "—" if seconds is None else f"{seconds:.0f}",
                "—" if seconds is None else f"{seconds / default_time:.2f}",
            ]
        )
    best = min(
        (r for r in rows if r[8] != "—"), key=lambda r: float(r[8]), default=None
    )
    lines = [
        f"Target: the default (batch {default[0]}, learning rate {default[1]:g}) "
        f"after its {len(curves[default]['test_mse'])} epochs: test MSE "
        f"**{target:.4f}**, {default_time:.0f} s of training at this machine's "
        "epoch time. Time to quality = epochs to reach the target x seconds per "
        "epoch at that batch size (both measured in this run; see the script's "
        "docstring).",
        "",
        common.table(
            [
                "batch size",
                "learning rate",
                "weights' moving average",
                "epoch s (60k)",
                "test MSE epoch 1",
                "best test MSE",
                "last test MSE",
                "epochs to target",
                "seconds to target",
                "of the default's time",
            ],
            rows,
        ),
        "",
    ]
    if best is not None:
        ratio = float(best[9])
        average = "" if best[2] == "—" else f", moving average {best[2]}"
        lines.append(
            f"- Soonest: batch {best[0]}, learning rate {best[1]}{average}: "
            f"{best[8]} s, "
            f"{ratio:.2f} of the default's time (goal <= {GOAL}: "
            f"{'met' if ratio <= GOAL else 'missed'})."
        )
    checks = [
        abs(c["denoise_mse"] - c["test_mse"][-1]) / c["denoise_mse"]
        for c in curves.values()
    ]
    lines += [
        "- The callback's last test MSE against `denoise`'s: largest relative "
        f"difference {max(checks):.1e}.",
        "",
        "Every measurement:",
        "",
    ]
    for (batch, momentum), seconds in all_seconds.items():
        lines.append(
            f"- batch {batch}{moving(momentum)}: epoch s "
            + ", ".join(f"{s:.2f}" for s in seconds)
        )
    for (batch, rate, momentum), curve in curves.items():
        lines.append(
            f"- batch {batch}, learning rate {rate:g}{moving(momentum)}: "
            "test MSE per epoch " + ", ".join(f"{v:.4f}" for v in curve["test_mse"])
        )
    return "\n".join(lines)


def moving(momentum):
    """A configuration's weight averaging, in words ("" for none)."""
    return f", moving average {momentum:g}" if momentum else ""


if __name__ == "__main__":
    if "--worker" in sys.argv:  # one measurement in this fresh process
        arguments = sys.argv[sys.argv.index("--worker") + 1 :]
        print(json.dumps(measurement(*arguments)))
    else:
        common.main("time_to_quality", TITLE, run)
