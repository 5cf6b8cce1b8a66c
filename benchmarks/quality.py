"""Denoising quality at σ=0.4 on Fashion-MNIST, against PCA and the seed-000 net.

Rows: the noisy input; PCA(64) fitted on one fixed noisy copy of the training
set; the seed-000 conv net written by hand in Keras (16 and 8 filters, stride 2,
10 epochs, batch 128, on that fixed copy, as its script trains it); and skdae's
two estimators with every default (fresh noise every batch). The test error of
both conv nets is taken after every epoch (evaluation time left out of the fit
time), which gives the fit time the default conv needs to match the seed-000
net, and the figure ``figures/quality_curves.png``.

Goals: the default conv's test MSE <= 0.0090; it reaches the seed-000 net's
final test MSE in at most half the seed-000 net's fit time; the default dense
model's test MSE <= 0.45 x PCA's.

    python benchmarks/quality.py            # about 20 min on 2 CPU cores
    python benchmarks/quality.py --quick    # smoke run on tiny subsets
"""

import time

import common
from skdae import ConvDenoisingAutoencoder, DenoisingAutoencoder
from skdae.metrics import mse, psnr

TITLE = "Denoising quality at σ=0.4"
SEED_NET_EPOCHS = 10
CONV_MSE_GOAL = 0.0090
TIME_TO_REACH_GOAL = 0.5
DENSE_VS_PCA_GOAL = 0.45


def test_error(noisy, clean):
    """A Keras callback: the test MSE after each epoch (``.mse``), and the fit
    seconds until then without the time these evaluations take (``.seconds``)."""
    import keras

    def begin(logs):
        callback.start, callback.evaluating = time.perf_counter(), 0.0

    def epoch_end(epoch, logs):
        now = time.perf_counter()
        callback.seconds.append(now - callback.start - callback.evaluating)
        out = callback.model.predict(noisy[..., None], batch_size=500, verbose=0)
        callback.mse.append(mse(clean, out.reshape(clean.shape)))
        callback.evaluating += time.perf_counter() - now

    callback = keras.callbacks.LambdaCallback(
        on_train_begin=begin, on_epoch_end=epoch_end
    )
    callback.mse, callback.seconds = [], []
    return callback


def run(quick):
    x_train, _, x_test, _ = common.fashion_mnist(quick=quick)
    noisy_test = common.corrupt(common.gaussian(), x_test)
    noisy_copy = common.corrupt(common.gaussian(), x_train, common.COPY_SEED)
    table = []

    def add(label, out, seconds=None, goal=None, met=None):
        out = out.reshape(x_test.shape)
        error = mse(x_test, out)
        table.append(
            [label, f"{error:.4f}", f"{psnr(x_test, out):.2f}", _s(seconds), goal, met]
        )
        return error

    add("noisy input (σ=0.4, clipped)", noisy_test)
    pca_mse = add(
        "PCA(64) fitted on the noisy copy", *common.pca_denoise(noisy_copy, noisy_test)
    )

    import keras

    keras.utils.set_random_seed(common.SEED)
    seed_net, _ = common.seed_net()
    seed_curve = test_error(noisy_test, x_test)
    epochs = 1 if quick else SEED_NET_EPOCHS
    _, seconds = common.timed(
        lambda: seed_net.fit(
            noisy_copy[..., None],
            x_train[..., None],
            epochs=epochs,
            batch_size=128,
            verbose=0,
            callbacks=[seed_curve],
        )
    )
    seed_fit = seconds - seed_curve.evaluating
    target = add(
        f"seed-000 conv net in Keras (16, 8 filters; {epochs} epochs, batch 128, "
        "one fixed noisy copy)",
        seed_net.predict(noisy_test[..., None], batch_size=500, verbose=0),
        seed_fit,
    )

    conv_curve = test_error(noisy_test, x_test)
    conv = ConvDenoisingAutoencoder(
        noise=common.gaussian(), random_state=common.SEED, callbacks=[conv_curve]
    )
    if quick:
        conv.set_params(epochs=1)
    _, seconds = common.timed(lambda: conv.fit(x_train))
    conv_mse = mse(x_test, conv.denoise(noisy_test))
    add(
        f"ConvDenoisingAutoencoder() defaults: filters={tuple(conv.filters)}, "
        f"epochs={conv.epochs}, batch {conv.batch_size}",
        conv.denoise(noisy_test),
        seconds - conv_curve.evaluating,
        f"<= {CONV_MSE_GOAL}",
        conv_mse <= CONV_MSE_GOAL,
    )

    dense = DenoisingAutoencoder(noise=common.gaussian(), random_state=common.SEED)
    if quick:
        dense.set_params(epochs=1)
    _, seconds = common.timed(lambda: dense.fit(common.flat(x_train)))
    out = dense.denoise(common.flat(noisy_test))
    bound = DENSE_VS_PCA_GOAL * pca_mse
    add(
        f"DenoisingAutoencoder() defaults: hidden_layer_sizes="
        f"{tuple(dense.hidden_layer_sizes)}, epochs={dense.epochs} (flat images)",
        out,
        seconds,
        f"<= {DENSE_VS_PCA_GOAL} x PCA = {bound:.4f}",
        mse(x_test, out.reshape(x_test.shape)) <= bound,
    )

    reached = next((i for i, e in enumerate(conv_curve.mse) if e <= target), None)
    to_reach = None if reached is None else conv_curve.seconds[reached]
    ratio = None if to_reach is None else to_reach / seed_fit
    reach = [
        "default ConvDenoisingAutoencoder",
        f"{target:.4f}",
        "not reached" if reached is None else reached + 1,
        _s(to_reach),
        _s(seed_fit),
        None if ratio is None else f"{ratio:.2f}",
        f"<= {TIME_TO_REACH_GOAL} x seed-000 = {TIME_TO_REACH_GOAL * seed_fit:.1f} s",
        ratio is not None and ratio <= TIME_TO_REACH_GOAL,
    ]
    headings = ["target test MSE", "reached after epoch", "fit s to reach"]
    return "\n\n".join(
        [
            f"Fashion-MNIST, {len(x_train)} training and {len(x_test)} test images "
            "in [0, 1]. Test noise: gaussian σ=0.4 clipped to [0, 1], one seeded "
            "draw (random_state=0); MSE and PSNR against the clean test images. "
            "skdae's estimators draw fresh noise for every batch; the seed-000 net "
            "and PCA see one fixed noisy copy (seed 1). Fit seconds leave out the "
            "per-epoch test evaluations.",
            common.table(
                ["model", "test MSE", "PSNR dB", "fit s", "goal", "met"], table
            ),
            "Fit time for the default conv to reach the seed-000 net's final test "
            "MSE (at epoch ends):",
            common.table(
                ["model", *headings, "seed-000 fit s", "ratio", "goal", "met"], [reach]
            ),
            "- The default conv's test MSE after each epoch: "
            + ", ".join(f"{e:.4f}" for e in conv_curve.mse)
            + ".\n- The seed-000 net's: "
            + ", ".join(f"{e:.4f}" for e in seed_curve.mse)
            + ".",
            _plot(seed_curve, conv_curve, pca_mse),
        ]
    )


def _s(seconds):
    return None if seconds is None else f"{seconds:.1f}"


def _plot(seed_curve, conv_curve, pca_mse):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for label, curve in (("seed-000 net", seed_curve), ("default conv", conv_curve)):
        ax.plot(curve.seconds, curve.mse, marker="o", label=label)
    ax.axhline(pca_mse, color="gray", linestyle=":", label="PCA(64)")
    ax.axhline(CONV_MSE_GOAL, color="green", linestyle="--", label="conv goal")
    ax.set(xlabel="fit seconds (without test evaluations)", ylabel="test MSE")
    ax.set_yscale("log")
    ax.set_title("Test MSE after each epoch, σ=0.4")
    ax.legend()
    return common.save_figure(fig, "quality_curves.png")


if __name__ == "__main__":
    common.main("quality", TITLE, run)
