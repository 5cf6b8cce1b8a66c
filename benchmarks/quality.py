"""Benchmark ``quality``: denoising Fashion-MNIST at σ=0.4, against the seed-000 net.

Rows: the noisy input, PCA(64), the seed-000 conv net written by hand in Keras
(10 epochs on one fixed noisy copy), and skdae's two estimators with their
default architecture and training settings (fresh noise every batch). The test
error of the two conv nets is tracked after every epoch, so the training time the
default conv needs to match the seed-000 net is measured too.
"""

from __future__ import annotations

import keras

from config import PCA_COMPONENTS, SEED, SIGMA, flat, gaussian
from context import Context
from keras_reference import conv_autoencoder
from measure import TestErrorTracker, timed
from progress import plural
from references import pca_denoise, score
from results import GOAL_COLUMNS, Column, Section, Table, goal
from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder

NAME = "quality"
TITLE = f"Denoising quality at σ={SIGMA}"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 14

#: The seed-000 net's training, as in the seed script.
SEED_NET_EPOCHS = 10
SEED_NET_BATCH_SIZE = 128
#: Goal: the default conv's test MSE.
CONV_MSE_GOAL = 0.0090
#: Goal: training time of the default conv to reach the seed-000 net's final MSE,
#: as a fraction of the seed-000 net's training time.
TIME_TO_REACH_GOAL = 0.5
#: Goal: the default dense autoencoder's MSE as a fraction of PCA's.
DENSE_VS_PCA_GOAL = 0.45

IMAGE = (28, 28, 1)


def run(ctx: Context) -> Section:
    """Measure every row; see the module docstring."""
    data, quick = ctx.data, ctx.config.quick
    x_train, x_test, noisy_test = data.x_train, data.x_test, ctx.noisy_test
    table = Table(
        [
            Column("model", "model"),
            Column("mse", "test MSE", ".4f"),
            Column("psnr", "PSNR dB", ".2f"),
            Column("fit", "fit s", ".1f"),
            *GOAL_COLUMNS,
        ]
    )
    noisy = score(x_test, noisy_test)
    table.add(model=f"noisy input (σ={SIGMA}, clipped)", mse=noisy.mse, psnr=noisy.psnr)

    ctx.log(f"{NAME}: PCA({PCA_COMPONENTS})")
    pca = pca_denoise(ctx.noisy_train_copy, noisy_test, x_test)
    table.add(
        model=f"PCA({PCA_COMPONENTS}) fitted on the noisy training set",
        mse=pca.mse,
        psnr=pca.psnr,
        fit=pca.fit_seconds,
    )

    seed_net, seed_tracker = _train_seed_net(ctx)
    seed_output = seed_net.predict(noisy_test[..., None], batch_size=500, verbose=0)
    seed_scores = score(x_test, seed_output, seed_tracker.fit_seconds)
    table.add(
        model=f"seed-000 conv net, hand-written Keras (16, 8 filters, stride 2; "
        f"{plural(len(seed_tracker.test_mse), 'epoch')}, batch "
        f"{SEED_NET_BATCH_SIZE}, one fixed noisy copy)",
        mse=seed_scores.mse,
        psnr=seed_scores.psnr,
        fit=seed_scores.fit_seconds,
    )

    conv = ConvDenoisingAutoencoder(noise=gaussian(), random_state=SEED)
    if quick:
        conv.set_params(epochs=ctx.config.epochs(conv.epochs))
    conv_tracker = TestErrorTracker(
        noisy_test, x_test, IMAGE, label="default conv", log=ctx.log
    )
    conv.set_params(callbacks=[conv_tracker])
    ctx.log(f"{NAME}: default ConvDenoisingAutoencoder, {plural(conv.epochs, 'epoch')}")
    conv_tracker.run_fit(lambda: conv.fit(x_train))
    conv_scores = score(x_test, conv.denoise(noisy_test), conv_tracker.fit_seconds)
    table.add(
        model=f"ConvDenoisingAutoencoder() defaults: {_conv_label(conv)}",
        mse=conv_scores.mse,
        psnr=conv_scores.psnr,
        fit=conv_scores.fit_seconds,
        **goal(conv_scores.mse, "<=", CONV_MSE_GOAL),
    )

    dense = DenoisingAutoencoder(noise=gaussian(), random_state=SEED)
    if quick:
        dense.set_params(epochs=ctx.config.epochs(dense.epochs))
    ctx.log(f"{NAME}: default DenoisingAutoencoder, {plural(dense.epochs, 'epoch')}")
    _, dense_fit = timed(lambda: dense.fit(flat(x_train)))
    dense_scores = score(x_test, dense.denoise(flat(noisy_test)), dense_fit)
    table.add(
        model=f"DenoisingAutoencoder() defaults: hidden_layer_sizes="
        f"{tuple(dense.hidden_layer_sizes)}, {plural(dense.epochs, 'epoch')}, batch "
        f"{dense.batch_size} (flattened images)",
        mse=dense_scores.mse,
        psnr=dense_scores.psnr,
        fit=dense_scores.fit_seconds,
        **goal(
            dense_scores.mse,
            "<=",
            DENSE_VS_PCA_GOAL * pca.mse,
            f"<= {DENSE_VS_PCA_GOAL} x PCA = {DENSE_VS_PCA_GOAL * pca.mse:.4f}",
        ),
    )

    speed = _time_to_reach_table(seed_scores.mse, seed_tracker, conv_tracker)
    figure = "quality_curves.png"
    _plot_curves(ctx, seed_tracker, conv_tracker, pca.mse, figure)
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"Fashion-MNIST, {len(x_train)} training and {len(x_test)} test images "
            f"in [0, 1]. Test noise: gaussian σ={SIGMA} clipped to [0, 1], one "
            f"seeded draw (random_state={SEED}); MSE and PSNR against the clean test "
            "images. skdae's estimators draw fresh noise for every batch; the "
            "seed-000 net and PCA see one fixed noisy copy of the training set. "
            "Fit seconds exclude the per-epoch test evaluations."
        ),
        tables=[table, speed],
        notes=[
            "The default conv's test MSE after every epoch: "
            + ", ".join(f"{e:.4f}" for e in conv_tracker.test_mse)
            + ".",
            "The seed-000 net's test MSE after every epoch: "
            + ", ".join(f"{e:.4f}" for e in seed_tracker.test_mse)
            + ".",
        ],
        figures=[figure],
    )


def _train_seed_net(ctx: Context) -> tuple[keras.Model, TestErrorTracker]:
    """Train the seed-000 net as its script does; return it and its test error."""
    data = ctx.data
    epochs = ctx.config.epochs(SEED_NET_EPOCHS)
    ctx.log(f"{NAME}: seed-000 net (hand-written Keras), {plural(epochs, 'epoch')}")
    keras.utils.set_random_seed(SEED)
    model, _ = conv_autoencoder((16, 8))
    tracker = TestErrorTracker(
        ctx.noisy_test, data.x_test, IMAGE, label="seed-000 net", log=ctx.log
    )
    noisy_train = ctx.noisy_train_copy
    tracker.run_fit(
        lambda: model.fit(
            noisy_train[..., None],
            data.x_train[..., None],
            epochs=epochs,
            batch_size=SEED_NET_BATCH_SIZE,
            shuffle=True,
            verbose=0,
            callbacks=[tracker],
        )
    )
    return model, tracker


def _conv_label(conv: ConvDenoisingAutoencoder) -> str:
    return (
        f"filters={tuple(conv.filters)}, kernel_size={conv.kernel_size}, "
        f"downsampling={conv.downsampling!r}, {plural(conv.epochs, 'epoch')}, batch "
        f"{conv.batch_size}"
    )


def _time_to_reach_table(
    target: float, seed: TestErrorTracker, conv: TestErrorTracker
) -> Table:
    """Fit time of the default conv to reach ``target``, the seed-000 net's MSE."""
    table = Table(
        [
            Column("model", "model"),
            Column("target", "target test MSE", ".4f"),
            Column("epoch", "reached after epoch"),
            Column("time", "fit s to reach", ".1f"),
            Column("seed_time", "seed-000 fit s", ".1f"),
            Column("ratio", "ratio", ".2f"),
            *GOAL_COLUMNS,
        ],
        caption="Time for the default conv to reach the seed-000 net's final test "
        "MSE (measured at epoch ends; fit seconds without the test evaluations):",
    )
    index = conv.first_reaching(target)
    reached = index is not None
    time = conv.train_seconds[index] if reached else None
    ratio = time / seed.fit_seconds if reached else None
    table.add(
        model="default ConvDenoisingAutoencoder",
        target=target,
        epoch=index + 1 if reached else "not reached",
        time=time,
        seed_time=seed.fit_seconds,
        ratio=ratio,
        **goal(
            ratio,
            "<=",
            TIME_TO_REACH_GOAL,
            f"<= {TIME_TO_REACH_GOAL} x seed-000 = "
            f"{TIME_TO_REACH_GOAL * seed.fit_seconds:.1f} s",
        ),
    )
    return table


def _plot_curves(ctx, seed, conv, pca_mse, name) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.plot(seed.train_seconds, seed.test_mse, marker="o", label="seed-000 net")
    ax.plot(conv.train_seconds, conv.test_mse, marker="o", label="default conv")
    ax.axhline(pca_mse, color="gray", linestyle=":", label=f"PCA({PCA_COMPONENTS})")
    ax.axhline(CONV_MSE_GOAL, color="green", linestyle="--", label="conv goal")
    ax.set_xlabel("fit seconds (without test evaluations)")
    ax.set_ylabel("test MSE")
    ax.set_yscale("log")
    ax.set_title(f"Test MSE after each epoch, σ={SIGMA}")
    ax.legend()
    fig.savefig(ctx.figure_path(name), dpi=100)
    plt.close(fig)
