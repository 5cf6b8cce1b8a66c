"""Tests for skdae.plotting (headless, Agg backend)."""

import copy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from skdae.plotting import (  # noqa: E402
    plot_code_maps,
    plot_loss_curve,
    plot_noise_robustness,
    plot_reconstructions,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def _legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


# --------------------------------------------------------------------------
# module-level behaviour
# --------------------------------------------------------------------------


def test_module_imports_neither_matplotlib_nor_keras():
    path = Path(__file__).resolve().parents[1] / "skdae" / "plotting.py"
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('_plotting', {str(path)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        "print([m for m in ('matplotlib', 'keras', 'tensorflow')"
        " if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_missing_matplotlib_gives_install_hint(monkeypatch, rng):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    images = rng.random((2, 4, 4))
    with pytest.raises(ImportError, match=r"pip install 'skdae\[plot\]'"):
        plot_reconstructions([images])
    with pytest.raises(ImportError, match=r"pip install 'skdae\[plot\]'"):
        plot_loss_curve({"loss": [1.0]})
    with pytest.raises(ImportError, match=r"pip install 'skdae\[plot\]'"):
        plot_noise_robustness({"a": ([0.1], [1.0])})
    with pytest.raises(ImportError, match=r"pip install 'skdae\[plot\]'"):
        plot_code_maps(rng.random((1, 2, 2, 1)))


# --------------------------------------------------------------------------
# plot_reconstructions
# --------------------------------------------------------------------------


def test_reconstructions_grid(rng):
    noisy = rng.random((12, 8, 9))
    denoised = rng.random((12, 8, 9))
    clean = rng.random((12, 8, 9))
    fig = plot_reconstructions(
        [noisy, denoised, clean], ["noisy", "denoised", "clean"], n_images=5
    )
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 15
    for ax in fig.axes:
        assert len(ax.images) == 1
        assert ax.images[0].get_array().shape == (8, 9)
        assert list(ax.get_xticks()) == []
        assert list(ax.get_yticks()) == []
    assert [fig.axes[i].get_ylabel() for i in (0, 5, 10)] == [
        "noisy",
        "denoised",
        "clean",
    ]
    assert all(fig.axes[i].get_ylabel() == "" for i in range(15) if i % 5)
    # row-major order: axes[5 + j] shows denoised[j]
    np.testing.assert_allclose(fig.axes[7].images[0].get_array(), denoised[2])


def test_reconstructions_without_titles(rng):
    fig = plot_reconstructions([rng.random((3, 4, 4))], n_images=3)
    assert len(fig.axes) == 3
    assert all(ax.get_ylabel() == "" for ax in fig.axes)


def test_reconstructions_single_array_is_one_row(rng):
    fig = plot_reconstructions(rng.random((4, 5, 5)), "clean", n_images=4)
    assert len(fig.axes) == 4
    assert fig.axes[0].get_ylabel() == "clean"


def test_reconstructions_uses_min_samples_over_rows(rng):
    fig = plot_reconstructions([rng.random((7, 4, 4)), rng.random((3, 4, 4))])
    assert len(fig.axes) == 2 * 3


def test_reconstructions_perfect_square_inference(rng):
    fig = plot_reconstructions(
        [rng.random((4, 784)), rng.random((4, 28, 28))], n_images=4
    )
    assert len(fig.axes) == 8
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


def test_reconstructions_flat_with_image_shape(rng):
    gray = rng.random((3, 6 * 4))
    rgb = rng.random((3, 6 * 4 * 3))
    fig = plot_reconstructions([gray], n_images=2, image_shape=(6, 4))
    assert fig.axes[0].images[0].get_array().shape == (6, 4)
    fig = plot_reconstructions([gray], n_images=2, image_shape=(6, 4, 1))
    assert fig.axes[0].images[0].get_array().shape == (6, 4)
    fig = plot_reconstructions([rgb], n_images=2, image_shape=(6, 4, 3))
    assert fig.axes[0].images[0].get_array().shape == (6, 4, 3)


def test_reconstructions_channel_last(rng):
    fig = plot_reconstructions(
        [rng.random((2, 5, 5, 1)), rng.random((2, 5, 5, 3))], n_images=2
    )
    assert fig.axes[0].images[0].get_array().shape == (5, 5)
    assert fig.axes[2].images[0].get_array().shape == (5, 5, 3)


def test_reconstructions_unit_range_uses_fixed_scale(rng):
    images = rng.uniform(0.2, 0.7, size=(2, 4, 4))
    fig = plot_reconstructions([images], n_images=2)
    for ax in fig.axes:
        assert ax.images[0].get_clim() == (0.0, 1.0)
    np.testing.assert_allclose(fig.axes[1].images[0].get_array(), images[1])


def test_reconstructions_out_of_range_scaled_per_image(rng):
    images = rng.normal(scale=3.0, size=(3, 4, 4))
    fig = plot_reconstructions([images], n_images=3)
    for ax, image in zip(fig.axes, images, strict=True):
        assert ax.images[0].get_clim() == pytest.approx((image.min(), image.max()))


def test_reconstructions_rgb_out_of_range_rescaled(rng):
    images = rng.integers(0, 256, size=(2, 4, 4, 3)).astype(np.uint8)
    fig = plot_reconstructions([images], n_images=2)
    shown = np.asarray(fig.axes[0].images[0].get_array())
    assert shown.min() == pytest.approx(0.0)
    assert shown.max() == pytest.approx(1.0)
    expected = (images[0] - images[0].min()) / (images[0].max() - images[0].min())
    np.testing.assert_allclose(shown, expected)


def test_reconstructions_figsize(rng):
    fig = plot_reconstructions([rng.random((2, 3, 3))], figsize=(4.0, 2.5))
    assert tuple(fig.get_size_inches()) == pytest.approx((4.0, 2.5))


def test_reconstructions_does_not_modify_inputs(rng):
    noisy = rng.normal(0.5, 1.0, size=(4, 16))
    clean = rng.random((4, 4, 4, 1))
    rgb = rng.integers(0, 256, size=(4, 4, 4, 3))
    originals = [noisy.copy(), clean.copy(), rgb.copy()]
    plot_reconstructions([noisy, clean, rgb], ["noisy", "clean", "rgb"], n_images=4)
    for before, after in zip(originals, [noisy, clean, rgb], strict=True):
        np.testing.assert_array_equal(before, after)
        assert before.dtype == after.dtype


def test_reconstructions_saves_png(rng, tmp_path):
    fig = plot_reconstructions(
        [rng.random((3, 784)), rng.random((3, 784))], ["noisy", "clean"], n_images=3
    )
    path = tmp_path / "reconstructions.png"
    fig.savefig(path)
    assert path.is_file()
    assert path.stat().st_size > 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reconstructions_non_square_flat_raises(rng):
    with pytest.raises(ValueError, match=r"not a perfect square.*image_shape"):
        plot_reconstructions([rng.random((3, 50))])


def test_reconstructions_image_shape_mismatch_raises(rng):
    with pytest.raises(ValueError, match=r"cannot be reshaped to image_shape"):
        plot_reconstructions([rng.random((3, 50))], image_shape=(7, 7))


def test_reconstructions_bad_image_shape_raises(rng):
    with pytest.raises(ValueError, match=r"image_shape must be \(h, w\)"):
        plot_reconstructions([rng.random((3, 32))], image_shape=(4, 4, 2))


def test_reconstructions_bad_channels_raises(rng):
    with pytest.raises(ValueError, match=r"2 channels.*expected \(n, h, w\)"):
        plot_reconstructions([rng.random((3, 4, 4, 2))])


@pytest.mark.parametrize("shape", [(10,), (2, 3, 4, 3, 1)])
def test_reconstructions_bad_ndim_raises(shape):
    with pytest.raises(ValueError, match=r"expected \(n, h, w\), \(n, h, w, c\)"):
        plot_reconstructions([np.zeros(shape)])


def test_reconstructions_titles_mismatch_raises(rng):
    with pytest.raises(ValueError, match="one entry per row"):
        plot_reconstructions([rng.random((2, 3, 3))] * 2, ["only one"])


def test_reconstructions_empty_rows_raises():
    with pytest.raises(ValueError, match="at least one array"):
        plot_reconstructions([])


def test_reconstructions_empty_batch_raises():
    with pytest.raises(ValueError, match="at least one image"):
        plot_reconstructions([np.zeros((0, 3, 3))])


def test_reconstructions_bad_n_images_raises(rng):
    with pytest.raises(ValueError, match="n_images must be >= 1"):
        plot_reconstructions([rng.random((2, 3, 3))], n_images=0)


# --------------------------------------------------------------------------
# plot_loss_curve
# --------------------------------------------------------------------------


def test_loss_curve_mapping():
    history = {"loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [1.0, 0.6, 0.4, 0.35]}
    ax = plot_loss_curve(history)
    assert isinstance(ax, Axes)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["loss", "val_loss"]
    assert list(lines[0].get_xdata()) == [1, 2, 3, 4]
    assert list(lines[1].get_ydata()) == [1.0, 0.6, 0.4, 0.35]
    assert lines[0].get_color() == lines[1].get_color()
    assert lines[1].get_linestyle() == "--"
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "loss"
    assert _legend_texts(ax) == ["loss", "val_loss"]
    assert ax.get_yscale() == "linear"


def test_loss_curve_training_loss_only():
    ax = plot_loss_curve({"loss": [3.0, 2.0]})
    assert len(ax.get_lines()) == 1
    assert _legend_texts(ax) == ["loss"]


def test_loss_curve_paired_metrics_only():
    history = {
        "loss": [1.0, 0.5],
        "mae": [0.8, 0.4],
        "mse": [0.7, 0.3],  # no val_mse: not plotted
        "learning_rate": [1e-3, 1e-3],
        "val_loss": [1.1, 0.6],
        "val_mae": [0.9, 0.5],
    }
    ax = plot_loss_curve(history)
    assert _legend_texts(ax) == ["loss", "val_loss", "mae", "val_mae"]
    assert len(ax.get_lines()) == 4


def test_loss_curve_estimator_and_keras_history():
    class Estimator:
        history_ = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, 0.5]}

    class History:  # like keras.callbacks.History
        history = {"loss": [1.0, 0.5]}

    ax = plot_loss_curve(Estimator(), logy=True)
    assert len(ax.get_lines()) == 2
    assert ax.get_yscale() == "log"
    ax = plot_loss_curve(History())
    assert len(ax.get_lines()) == 1


def test_loss_curve_draws_on_given_axes():
    fig, ax = plt.subplots()
    returned = plot_loss_curve({"loss": [1.0, 0.5]}, ax=ax)
    assert returned is ax
    assert len(fig.axes) == 1


def test_loss_curve_does_not_modify_input():
    history = {"loss": [0.9, 0.5], "val_loss": np.array([1.0, 0.6])}
    original = copy.deepcopy(history)
    plot_loss_curve(history, logy=True)
    assert history.keys() == original.keys()
    assert history["loss"] == original["loss"]
    np.testing.assert_array_equal(history["val_loss"], original["val_loss"])


def test_loss_curve_without_loss_raises():
    with pytest.raises(ValueError, match="no 'loss' key"):
        plot_loss_curve({"val_loss": [1.0]})

    class Estimator:
        history_ = {"mae": [1.0]}

    with pytest.raises(ValueError, match="no 'loss' key"):
        plot_loss_curve(Estimator())


def test_loss_curve_bad_type_raises():
    with pytest.raises(TypeError, match="history_ attribute"):
        plot_loss_curve([0.9, 0.5])


# --------------------------------------------------------------------------
# plot_noise_robustness
# --------------------------------------------------------------------------


@pytest.fixture
def results():
    levels = [0.1, 0.2, 0.3, 0.5]
    return {
        "trained at σ=0.1": (levels, [0.01, 0.02, 0.04, 0.08]),
        "trained at σ=0.3": (np.array(levels), np.array([0.02, 0.025, 0.03, 0.05])),
    }


def test_noise_robustness_lines(results):
    ax = plot_noise_robustness(results)
    assert isinstance(ax, Axes)
    lines = ax.get_lines()
    assert len(lines) == 2
    assert all(line.get_marker() == "o" for line in lines)
    np.testing.assert_allclose(lines[0].get_xdata(), [0.1, 0.2, 0.3, 0.5])
    np.testing.assert_allclose(lines[1].get_ydata(), [0.02, 0.025, 0.03, 0.05])
    assert _legend_texts(ax) == ["trained at σ=0.1", "trained at σ=0.3"]
    assert ax.get_xlabel() == "test noise level (σ)"
    assert ax.get_ylabel() == "MSE"


@pytest.mark.parametrize(
    ("metric", "label"),
    [("mse", "MSE"), ("MSE", "MSE"), ("psnr", "PSNR (dB)"), ("ssim", "ssim")],
)
def test_noise_robustness_metric_label(results, metric, label):
    ax = plot_noise_robustness(results, metric=metric)
    assert ax.get_ylabel() == label


def test_noise_robustness_draws_on_given_axes(results):
    _, ax = plt.subplots()
    assert plot_noise_robustness(results, ax=ax) is ax


def test_noise_robustness_does_not_modify_input(results):
    original = copy.deepcopy(results)
    plot_noise_robustness(results, metric="psnr")
    assert list(results) == list(original)
    for key, (levels, scores) in original.items():
        np.testing.assert_array_equal(results[key][0], levels)
        np.testing.assert_array_equal(results[key][1], scores)


def test_noise_robustness_length_mismatch_raises():
    with pytest.raises(ValueError, match="3 noise levels but 2 scores"):
        plot_noise_robustness({"a": ([0.1, 0.2, 0.3], [1.0, 2.0])})


def test_noise_robustness_not_a_pair_raises():
    with pytest.raises(ValueError, match=r"must be a pair \(noise_levels, scores\)"):
        plot_noise_robustness({"a": ([0.1], [1.0], [2.0])})


def test_noise_robustness_empty_raises():
    with pytest.raises(ValueError, match="at least one entry"):
        plot_noise_robustness({})


# --------------------------------------------------------------------------
# plot_code_maps
# --------------------------------------------------------------------------


def test_code_maps_default_grid(rng):
    codes = rng.random((6, 7, 5, 12))
    fig = plot_code_maps(codes)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4 * 8
    for ax in fig.axes:
        assert ax.images[0].get_array().shape == (7, 5)
        assert list(ax.get_xticks()) == []
    # row-major: axes[r * 8 + c] shows image r, channel c
    shown = fig.axes[2 * 8 + 3].images[0].get_array()
    np.testing.assert_allclose(shown, codes[2, :, :, 3])
    assert fig.axes[0].get_title() == "channel 0"
    assert fig.axes[8].get_ylabel() == "image 1"


def test_code_maps_fewer_images_and_channels(rng):
    fig = plot_code_maps(rng.random((2, 4, 4, 3)), n_images=5, max_channels=8)
    assert len(fig.axes) == 2 * 3
    fig = plot_code_maps(rng.random((9, 4, 4, 3)), n_images=1, max_channels=2)
    assert len(fig.axes) == 2


def test_code_maps_does_not_modify_input(rng):
    codes = rng.normal(size=(3, 4, 4, 2)).astype(np.float32)
    original = codes.copy()
    plot_code_maps(codes)
    np.testing.assert_array_equal(codes, original)
    assert codes.dtype == np.float32


@pytest.mark.parametrize("shape", [(3, 4, 4), (3, 16), (1, 2, 4, 4, 3)])
def test_code_maps_not_4d_raises(shape):
    with pytest.raises(ValueError, match=r"4-D array of shape \(n, h, w, c\)"):
        plot_code_maps(np.zeros(shape))


def test_code_maps_empty_raises():
    with pytest.raises(ValueError, match="must not be empty"):
        plot_code_maps(np.zeros((0, 4, 4, 2)))


def test_code_maps_bad_max_channels_raises(rng):
    with pytest.raises(ValueError, match="max_channels must be >= 1"):
        plot_code_maps(rng.random((1, 2, 2, 2)), max_channels=0)
