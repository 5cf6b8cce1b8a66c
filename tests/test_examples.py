"""The gallery examples: two cheap ones run in quick mode, all are well formed.

The docs build runs the whole gallery (``SKDAE_QUICK=1 make -C docs html``);
these tests keep a broken example from going unnoticed between builds.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"
EXAMPLE_FILES = sorted(EXAMPLES.glob("plot_*.py"))


def _run(example, tmp_path):
    env = {
        **os.environ,
        "SKDAE_QUICK": "1",
        "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    # Run from elsewhere: examples must not depend on the working directory.
    return subprocess.run(
        [sys.executable, str(example)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pipeline_example_runs_in_quick_mode(tmp_path):
    result = _run(EXAMPLES / "plot_pipeline_logistic_regression.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "DAE codes (32)" in result.stdout


@pytest.mark.skipif(
    not (SHARED_DATA / "keras" / "datasets" / "fashion-mnist").is_dir()
    and "KERAS_HOME" not in os.environ,
    reason=f"Fashion-MNIST is not in {SHARED_DATA} (nor KERAS_HOME set); the "
    "example would download it",
)
def test_fashion_mnist_example_runs_in_quick_mode(tmp_path):
    result = _run(EXAMPLES / "plot_fashion_mnist_conv_denoising.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "denoised:" in result.stdout
    assert "code shape per image: (7, 7, 8)" in result.stdout


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_example_is_a_gallery_script(example):
    """A docstring with an RST title, cells, and a place in the gallery's order."""
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from gallery_order import ORDER
    finally:
        sys.path.remove(str(ROOT / "docs"))
    tree = ast.parse(example.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring, "the example needs a docstring with a title"
    title_rule, title, underline = docstring.splitlines()[:3]
    assert set(title_rule) == {"="} and set(underline) == {"="}
    assert len(title_rule) >= len(title) and len(underline) >= len(title)
    source = example.read_text(encoding="utf-8")
    assert "# %%" in source
    assert "import _datasets" in source
    assert example.name in ORDER, "add the example to docs/gallery_order.py"
