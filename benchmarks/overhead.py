"""Overhead of skdae over the same network written by hand in Keras.

``ConvDenoisingAutoencoder(filters=(16, 8))`` against the seed-000 net in Keras
(the layers are checked to match: types, settings, initializer classes), on the
same data with no noise on either side: 2 epochs on one fixed noisy copy of the
60,000 training images with the clean images as target, batch 128, shuffling
(skdae trains paired, ``fit(noisy, clean=X)``, which turns its noise layer
off); then ``denoise`` against ``model.predict`` and ``transform`` against the
encoder's ``predict`` on the 10,000 test images. 3 interleaved repeats (skdae,
Keras, skdae, ...), medians. Goal: skdae / Keras <= 1.03 for each.

    python benchmarks/overhead.py            # about 3 min on 2 CPU cores
    python benchmarks/overhead.py --quick    # smoke run on tiny subsets
"""

import statistics

import common
from skdae import ConvDenoisingAutoencoder

TITLE = "Overhead of skdae over hand-written Keras"
FILTERS, EPOCHS, BATCH_SIZE, REPEATS = (16, 8), 2, 128, 3
RATIO_GOAL = 1.03


def run(quick):
    import keras

    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    noisy_copy = common.corrupt(common.gaussian(), x_train, common.COPY_SEED)
    noisy_test = common.corrupt(common.gaussian(), x_test)
    epochs, repeats = (1, 1) if quick else (EPOCHS, REPEATS)
    fitted = {}

    def fit_skdae():
        fitted["skdae"] = ConvDenoisingAutoencoder(
            filters=FILTERS,
            epochs=epochs,
            batch_size=BATCH_SIZE,
            shuffle=True,
            random_state=common.SEED,
        ).fit(noisy_copy, clean=x_train)

    def fit_keras():
        keras.utils.set_random_seed(common.SEED)
        model, encoder = common.seed_net(FILTERS)
        model.fit(
            noisy_copy[..., None],
            x_train[..., None],
            epochs=epochs,
            batch_size=BATCH_SIZE,
            shuffle=True,
            verbose=0,
        )
        fitted["keras"] = model, encoder

    times = {"fit": interleaved(fit_skdae, fit_keras, repeats)}
    ours, (model, encoder) = fitted["skdae"], fitted["keras"]
    images = noisy_test[..., None]
    times["denoise"] = interleaved(
        lambda: ours.denoise(noisy_test),
        lambda: model.predict(images, batch_size=BATCH_SIZE, verbose=0),
        repeats,
    )
    times["transform"] = interleaved(
        lambda: ours.transform(noisy_test),
        lambda: encoder.predict(images, batch_size=BATCH_SIZE, verbose=0),
        repeats,
    )
    labels = {
        "fit": f"fit, epochs={epochs} on {len(x_train)} images (paired, no noise) "
        "vs model build + compile + fit",
        "denoise": f"denoise({len(x_test)} images) vs model.predict",
        "transform": f"transform({len(x_test)} images) vs encoder.predict",
    }
    rows = []
    for key, label in labels.items():
        skdae_s, keras_s = times[key]
        ratio = statistics.median(skdae_s) / statistics.median(keras_s)
        rows.append(
            [
                label,
                ", ".join(f"{s:.2f}" for s in skdae_s),
                ", ".join(f"{s:.2f}" for s in keras_s),
                f"{statistics.median(skdae_s):.2f}",
                f"{statistics.median(keras_s):.2f}",
                f"{ratio:.3f}",
                f"<= {RATIO_GOAL}",
                ratio <= RATIO_GOAL,
            ]
        )
    same = signature(ours.model_) == signature(model)
    return "\n\n".join(
        [
            f"ConvDenoisingAutoencoder(filters={FILTERS}) against the seed-000 net "
            f"in Keras, batch {BATCH_SIZE}, shuffling on, on a fixed noisy copy of "
            f"{len(x_train)} training images with the clean images as target; "
            f"{repeats} interleaved repeats, medians. Keras predicts with "
            "model.predict; skdae's denoise and transform run Keras' compiled "
            "predict_on_batch on batches.",
            common.table(
                [
                    "operation",
                    "skdae s (each)",
                    "Keras s (each)",
                    "skdae s (median)",
                    "Keras s (median)",
                    "ratio skdae/Keras",
                    "goal",
                    "met",
                ],
                rows,
            ),
            "- Architecture check: "
            + (
                "the two networks have the same layers, settings and initializer "
                "classes."
                if same
                else "FAILED, the networks differ."
            ),
        ]
    )


def interleaved(ours, theirs, repeats):
    """Wall seconds of ``repeats`` calls of each, alternating them (a drift in
    the machine's load then hits both alike)."""
    times = ([], [])
    for _ in range(repeats):
        for function, seconds in zip((ours, theirs), times, strict=True):
            seconds.append(common.timed(function)[1])
    return times


def signature(model):
    """The computing layers (nested models flattened; input and noise layers and
    names left out), by type, settings and kernel initializer class."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += signature(layer)
        elif not isinstance(layer, keras.layers.InputLayer) and layer.name != "noise":
            config = layer.get_config()
            keys = ("filters", "kernel_size", "strides", "padding", "activation")
            settings = [(k, str(config[k])) for k in (*keys, "use_bias") if k in config]
            initializer = (config.get("kernel_initializer") or {}).get("class_name")
            found.append((type(layer).__name__, settings, initializer))
    return found


if __name__ == "__main__":
    common.main("overhead", TITLE, run)
