"""Peak resident memory of training on 60,000 x 784 float32 (188 MB).

Each case runs in a fresh process of this script (``--probe CASE ROWS``), both
at once, as a process's peak is its own: it loads the data as float32
(60000, 784), reads its resident memory (the baseline: Python, NumPy,
TensorFlow, Keras and the data), resets the kernel's peak counter, trains one
epoch, and reads the peak (VmHWM). Cases: skdae's ``DenoisingAutoencoder``
with its default architecture, ``fit(X)``; and the seed scripts' way, a noisy
copy of X in memory, then the same layers in hand-written Keras. Linux only.
Goal: skdae's peak - baseline <= one copy of the data.

    python benchmarks/memory.py            # about 1 min on 2 CPU cores
    python benchmarks/memory.py --quick    # smoke run on 512 rows
"""

import json
import subprocess
import sys

import numpy as np

import common
from skdae import DenoisingAutoencoder

TITLE = "Peak memory of training"
ROWS, QUICK_ROWS = 60_000, 512
CASES = {
    "skdae": "skdae DenoisingAutoencoder(noise=NoiseInjector(0.4, clip=(0, 1))), "
    "fit(X), 1 epoch",
    "keras": "seed-script style: X_noisy = clip(X + 0.4 randn) kept in memory, then "
    "hand-written Keras fit(X_noisy, X), 1 epoch",
}


def run(quick):
    rows = QUICK_ROWS if quick else ROWS
    processes = {
        case: subprocess.Popen(
            [sys.executable, __file__, "--probe", case, str(rows)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for case in CASES
    }
    table, reset = [], True
    for case, process in processes.items():
        stdout, _ = process.communicate(timeout=1800)
        if process.returncode:
            raise RuntimeError(f"the {case} probe failed (exit {process.returncode})")
        found = json.loads(stdout.splitlines()[-1])
        reset &= found["peak_reset"]
        increase = found["peak_mb"] - found["baseline_mb"]
        data = found["data_mb"]
        table.append(
            [
                CASES[case],
                f"{data:.0f}",
                f"{found['baseline_mb']:.0f}",
                f"{found['peak_mb']:.0f}",
                f"{increase:.0f}",
                f"<= one copy of the data = {data:.0f} MB" if case == "skdae" else None,
                increase <= data if case == "skdae" else None,
            ]
        )
    hidden = tuple(DenoisingAutoencoder().hidden_layer_sizes)
    return "\n\n".join(
        [
            f"{rows} Fashion-MNIST training images as float32 ({rows}, 784), the "
            f"default architecture (hidden_layer_sizes={hidden}) on both sides, "
            "batch 128, each case in a fresh process. Baseline: VmRSS after "
            "loading the data (with the TensorFlow and Keras imports). Peak: VmHWM "
            "after one epoch. MB are 10^6 bytes.",
            common.table(
                [
                    "case",
                    "data MB",
                    "baseline MB (imports + data)",
                    "peak MB",
                    "peak - baseline MB",
                    "goal",
                    "met",
                ],
                table,
            ),
            "- The peak counter was reset after the baseline, so the peak is that of "
            "training alone."
            if reset
            else "- The kernel refused to reset the peak counter: a peak reached "
            "while loading the data counts too.",
        ]
    )


def status_mb(field):
    """A field of ``/proc/self/status`` (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field} in /proc/self/status")


def probe(case, rows):
    """Load the data, read the baseline, train one epoch, print the peak as JSON."""
    import keras

    X = common.fashion_mnist(rows, 1)[0].reshape(-1, 784)
    try:  # reset VmHWM to the current resident size (Linux 4.0+)
        with open("/proc/self/clear_refs", "w", encoding="utf-8") as clear_refs:
            clear_refs.write("5")
        reset = True
    except OSError:
        reset = False
    baseline = status_mb("VmRSS")
    hidden = DenoisingAutoencoder().hidden_layer_sizes
    if case == "skdae":
        DenoisingAutoencoder(noise=common.gaussian(), epochs=1, random_state=0).fit(X)
    else:  # the seed scripts: a noisy copy in memory, then Keras' fit
        rng = np.random.default_rng(0)
        X_noisy = X + 0.4 * rng.standard_normal(X.shape, dtype=np.float32)
        np.clip(X_noisy, 0, 1, out=X_noisy)
        keras.utils.set_random_seed(0)
        inputs = keras.Input((784,))
        x = inputs
        for units in [*hidden, *reversed(hidden[:-1])]:
            x = keras.layers.Dense(units, activation="relu")(x)
        model = keras.Model(inputs, keras.layers.Dense(784, activation="sigmoid")(x))
        model.compile(optimizer="adam", loss="mse")
        model.fit(X_noisy, X, epochs=1, batch_size=128, verbose=0)
    print(
        json.dumps(
            {
                "data_mb": X.nbytes / 1e6,
                "baseline_mb": baseline,
                "peak_mb": status_mb("VmHWM"),
                "peak_reset": reset,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--probe"]:
        probe(sys.argv[2], int(sys.argv[3]))
    else:
        common.main("memory", TITLE, run)
