"""`python -m skdae demo`: the quickstart's main job, in a quick configuration."""

import os
import subprocess
import sys

import matplotlib
import numpy as np
import pytest

from skdae.__main__ import _make_figure, main, run_demo


def test_demo_prints_the_table_and_writes_the_figure(tmp_path, capsys):
    output = tmp_path / "demo.png"
    results = run_demo(epochs=2, output=str(output))
    table = capsys.readouterr().out
    assert (
        "noisy input" in table and "PCA(" in table and "DenoisingAutoencoder" in table
    )
    assert "MSE" in table and "PSNR (dB)" in table
    assert output.stat().st_size > 1000
    assert len(results) == 3 and results["noisy input"]["mse"] > 0
    assert all(scores["psnr"] > 0 for scores in results.values())


def test_demo_autoencoder_beats_noisy_input_and_pca(tmp_path):
    results = run_demo(epochs=20, output=None)
    noisy, pca, dae = (scores["mse"] for scores in results.values())
    assert dae < pca < noisy


def test_main_parses_options_and_verbose_2_logs_one_line_per_epoch(tmp_path, capsys):
    argv = [
        "demo",
        "--epochs",
        "2",
        "--verbose",
        "2",
        "--output",
        str(tmp_path / "x.png"),
    ]
    assert main(argv) == 0
    assert (tmp_path / "x.png").exists()
    err = capsys.readouterr().err
    assert "epoch 1/2" in err and "epoch 2/2" in err and "epoch 3/2" not in err


def test_help_lists_the_options():
    out = subprocess.run(
        [sys.executable, "-m", "skdae", "demo", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    options = ("--noise-factor", "--epochs", "--batch-size", "--output", "--seed")
    for option in (*options, "--verbose"):
        assert option in out


def test_help_does_not_import_keras():
    """``--help`` answers at once: neither Keras nor scikit-learn is imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "skdae", "demo", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {
        line.rpartition("|")[2].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "skdae" in imported and "argparse" in imported
    for heavy in ("keras", "tensorflow", "jax", "torch", "sklearn", "numpy"):
        assert heavy not in imported
    assert "usage: python -m skdae demo" in result.stdout


def test_demo_command_is_quiet_but_for_its_progress(tmp_path):
    """No TensorFlow or CUDA log line: stderr holds the demo's progress only."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-m", "skdae", "demo", "--epochs", "1", "--output", "d.png"],
        capture_output=True,
        text=True,
        env={**env, "MPLBACKEND": "Agg"},
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    progress = result.stderr.splitlines()
    assert [line[:4] for line in progress] == [f"[{i}/5" for i in range(1, 6)], (
        result.stderr
    )
    assert "PSNR (dB)" in result.stdout
    assert (tmp_path / "d.png").stat().st_size > 1000


def test_figure_stands_alone():
    """Title with the noise level; each row labelled with its MSE and PSNR."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    clean = rng.random((12, 64))
    estimates = {"noisy input": clean + 0.1, "PCA(16)": clean * 0.9}
    results = {
        "noisy input": {"mse": 0.0522, "psnr": 12.82},
        "PCA(16)": {"mse": 0.0341, "psnr": 14.67},
    }
    figure = _make_figure(results, estimates, clean, noise_factor=0.3)
    try:
        title = figure.get_suptitle()
        assert "σ=0.3" in title and "12 test digits" in title
        labels = [ax.get_ylabel() for ax in figure.axes if ax.get_ylabel()]
        assert labels == [
            "noisy input\nMSE 0.0522\nPSNR 12.8 dB",
            "PCA(16)\nMSE 0.0341\nPSNR 14.7 dB",
            "clean\n(target)",
        ]
    finally:
        plt.close(figure)


def test_a_command_is_required():
    with pytest.raises(SystemExit):
        main([])
