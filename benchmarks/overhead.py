"""Benchmark ``overhead``: skdae against the same network written by hand in Keras.

Identical layers (stride-2 conv net with 16 and 8 filters), identical data (the
fixed noisy copy as input, the clean images as target) and no synthetic noise on
either side: skdae trains paired, ``fit(noisy, clean=clean)``, which turns its
noise layer off. What is left is the cost of the wrapper: validation, batching
through a ``PyDataset``, callbacks, and eager batched inference.
"""

from __future__ import annotations

import keras

from config import SEED, gaussian
from context import Context
from keras_reference import conv_autoencoder, layer_signature
from measure import interleaved, median
from progress import plural
from results import GOAL_COLUMNS, Column, Section, Table, goal
from skdae import ConvDenoisingAutoencoder

NAME = "overhead"
TITLE = "Overhead of skdae over hand-written Keras"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 4

FILTERS = (16, 8)
EPOCHS = 2
BATCH_SIZE = 128
REPEATS = 3
#: Goal: skdae's median time over Keras', for training and for inference.
RATIO_GOAL = 1.03


def run(ctx: Context) -> Section:
    """Time training and inference of both, interleaved, and compare medians."""
    x_train, noisy_train = ctx.data.x_train, ctx.noisy_train_copy
    noisy_test = ctx.noisy_test
    epochs, repeats = ctx.config.epochs(EPOCHS), ctx.config.repeats(REPEATS)
    fitted = {}

    def fit_skdae():
        estimator = ConvDenoisingAutoencoder(
            filters=FILTERS,
            noise=gaussian(),
            epochs=epochs,
            batch_size=BATCH_SIZE,
            shuffle=True,
            random_state=SEED,
        )
        fitted["skdae"] = estimator.fit(noisy_train, clean=x_train)

    def fit_keras():
        keras.utils.set_random_seed(SEED)
        model, encoder = conv_autoencoder(FILTERS)
        model.fit(
            noisy_train[..., None],
            x_train[..., None],
            epochs=epochs,
            batch_size=BATCH_SIZE,
            shuffle=True,
            verbose=0,
        )
        fitted["keras"] = model, encoder

    ctx.log(
        f"{NAME}: training, {repeats} x (skdae, keras), {plural(epochs, 'epoch')} each"
    )
    times = {"fit": interleaved({"skdae": fit_skdae, "keras": fit_keras}, repeats)}
    estimator, (model, encoder) = fitted["skdae"], fitted["keras"]
    images = noisy_test[..., None]
    ctx.log(f"{NAME}: inference, {repeats} x (skdae, keras)")
    times["denoise"] = interleaved(
        {
            "skdae": lambda: estimator.denoise(noisy_test),
            "keras": lambda: model.predict(images, batch_size=BATCH_SIZE, verbose=0),
        },
        repeats,
    )
    times["transform"] = interleaved(
        {
            "skdae": lambda: estimator.transform(noisy_test),
            "keras": lambda: encoder.predict(images, batch_size=BATCH_SIZE, verbose=0),
        },
        repeats,
    )

    table = Table(
        [
            Column("operation", "operation"),
            Column("skdae_all", "skdae s (each)", ".2f"),
            Column("keras_all", "Keras s (each)", ".2f"),
            Column("skdae", "skdae s (median)", ".2f"),
            Column("keras", "Keras s (median)", ".2f"),
            Column("ratio", "ratio skdae/Keras", ".3f"),
            *GOAL_COLUMNS,
        ]
    )
    operations = {
        "fit": f"fit, {plural(epochs, 'epoch')} on {len(x_train)} images (paired, "
        "no noise) vs model build + compile + fit",
        "denoise": f"denoise({len(noisy_test)} images) vs model.predict",
        "transform": f"transform({len(noisy_test)} images) vs encoder.predict",
    }
    for key, label in operations.items():
        skdae_median = median(times[key]["skdae"])
        keras_median = median(times[key]["keras"])
        ratio = skdae_median / keras_median
        table.add(
            operation=label,
            skdae_all=times[key]["skdae"],
            keras_all=times[key]["keras"],
            skdae=skdae_median,
            keras=keras_median,
            ratio=ratio,
            **goal(ratio, "<=", RATIO_GOAL),
        )
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"ConvDenoisingAutoencoder(filters={FILTERS}) against the seed-000 net "
            f"written in Keras (see benchmarks/keras_reference.py), batch "
            f"{BATCH_SIZE}, shuffling on, on the fixed noisy copy of the "
            f"{len(x_train)} training images with the clean images as target. "
            f"{plural(repeats, 'interleaved repeat')} (skdae, Keras, skdae, ...); "
            "medians. "
            "Keras predicts with model.predict (a compiled function, traced on its "
            "first call); skdae's denoise and transform call Keras' compiled "
            "predict_on_batch on batches of its batch_size."
        ),
        tables=[table],
        notes=[_architecture_note(estimator, model)],
    )


def _architecture_note(estimator: ConvDenoisingAutoencoder, model) -> str:
    ours, theirs = layer_signature(estimator.model_), layer_signature(model)
    if ours == theirs:
        layers = ", ".join(name for name, _, _ in ours)
        return (
            "Architecture check: the two networks have identical layers, types, "
            f"settings and initializer classes ({layers})."
        )
    return (
        "Architecture check FAILED, the networks differ: skdae "
        f"{ours} vs Keras {theirs}."
    )
