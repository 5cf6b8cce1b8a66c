"""Peak memory of one training, measured in a fresh process (run by ``memory.py``).

Usage: ``python benchmarks/memory_probe.py {skdae,keras} N_ROWS``. Prints one JSON
line: the data's size, the resident memory after the data is loaded (the
baseline, which includes the imports of TensorFlow and Keras), and the peak
resident memory during one epoch of training.
"""

from __future__ import annotations

import fmnist  # first: an offline KERAS_HOME before Keras loads

# isort: split
import argparse
import gc
import json
import os

import keras  # imported before the baseline, as skdae imports it
import numpy as np

from config import SEED, SIGMA, gaussian
from keras_reference import dense_autoencoder
from skdae import DenoisingAutoencoder

BATCH_SIZE = 128


def status_mb(field: str) -> float:
    """A field of ``/proc/self/status`` (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> bool:
    """Reset VmHWM to the current resident size (Linux 4.0+); True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="utf-8") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def main() -> None:
    """Load the data, read the baseline, train one epoch, print the peak."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=("skdae", "keras"))
    parser.add_argument("n_rows", type=int)
    args = parser.parse_args()

    X = fmnist.load(n_train=args.n_rows, n_test=1).x_train.reshape(-1, 784)
    gc.collect()
    peak_reset = reset_peak()
    baseline = status_mb("VmRSS")
    if args.case == "skdae":
        DenoisingAutoencoder(noise=gaussian(), epochs=1, random_state=SEED).fit(X)
    else:  # the seed scripts: a noisy copy in memory, then Keras' fit
        rng = np.random.default_rng(SEED)
        X_noisy = X + SIGMA * rng.standard_normal(X.shape, dtype=np.float32)
        np.clip(X_noisy, 0, 1, out=X_noisy)
        keras.utils.set_random_seed(SEED)
        dense_autoencoder(DenoisingAutoencoder().hidden_layer_sizes).fit(
            X_noisy, X, epochs=1, batch_size=BATCH_SIZE, verbose=0
        )
    result = {
        "case": args.case,
        "rows": len(X),
        "data_mb": X.nbytes / 1e6,
        "baseline_mb": baseline,
        "peak_mb": status_mb("VmHWM"),
        "peak_reset": peak_reset,
        "pid": os.getpid(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
