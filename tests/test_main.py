"""`python -m skdae demo`: the quickstart's main job, in a quick configuration."""

import subprocess
import sys

import pytest

from skdae.__main__ import main, run_demo


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
    results = run_demo(epochs=60, output=None)
    noisy, pca, dae = (scores["mse"] for scores in results.values())
    assert dae < pca < noisy


def test_main_parses_options(tmp_path, capsys):
    assert main(["demo", "--epochs", "1", "--output", str(tmp_path / "x.png")]) == 0
    assert (tmp_path / "x.png").exists()


def test_help_lists_the_options():
    out = subprocess.run(
        [sys.executable, "-m", "skdae", "demo", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--noise-factor", "--epochs", "--batch-size", "--output", "--seed"):
        assert option in out


def test_a_command_is_required():
    with pytest.raises(SystemExit):
        main([])
