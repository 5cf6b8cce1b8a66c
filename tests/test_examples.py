"""The gallery examples: two cheap ones run in quick mode, all are well formed.

Each example must run when copied on its own into a user's folder: it imports
installed packages only. The docs build runs the whole gallery
(``SKDAE_QUICK=1 make -C docs html``); these tests keep a broken example from
going unnoticed between builds.
"""

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# The project's offline copy of Keras' datasets, beside the repository.
SHARED_DATASETS = ROOT.parent / "shared" / "data" / "keras" / "datasets"
EXAMPLE_FILES = sorted(EXAMPLES.glob("plot_*.py"))


def _keras_home(tmp_path):
    """A KERAS_HOME that holds Fashion-MNIST, or None when Keras would download."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    if not (SHARED_DATASETS / "fashion-mnist").is_dir():
        return None
    home = tmp_path / "keras-home"
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "fashion-mnist").symlink_to(SHARED_DATASETS / "fashion-mnist")
    return str(home)


def _run(example, tmp_path, keras_home=None):
    """Copy the example alone into an empty folder and run it there."""
    folder = tmp_path / "alone"
    folder.mkdir()
    script = shutil.copy(example, folder)
    env = {
        **os.environ,
        "SKDAE_QUICK": "1",
        "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    if keras_home:
        env["KERAS_HOME"] = keras_home
    return subprocess.run(
        [sys.executable, script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pipeline_example_runs_alone_in_quick_mode(tmp_path):
    result = _run(EXAMPLES / "plot_pipeline_logistic_regression.py", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "DAE codes (32)" in result.stdout


def test_fashion_mnist_example_runs_alone_in_quick_mode(tmp_path):
    keras_home = _keras_home(tmp_path)
    if keras_home is None:
        pytest.skip(
            f"Fashion-MNIST is not in {SHARED_DATASETS} (nor KERAS_HOME set); the "
            "example would download it"
        )
    result = _run(
        EXAMPLES / "plot_fashion_mnist_conv_denoising.py", tmp_path, keras_home
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "denoised:" in result.stdout
    assert "code shape per image: (7, 7, 8)" in result.stdout


def _imports(tree):
    """(top-level module, line) of every absolute import, in source order."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                (alias.name.partition(".")[0], node.lineno) for alias in node.names
            ]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import: the example cannot run alone"
            found.append((node.module.partition(".")[0], node.lineno))
    return sorted(found, key=lambda item: item[1])


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_example_imports_installed_packages_only(example):
    """Copied alone, the example finds every module it imports."""
    for module, line in _imports(ast.parse(example.read_text(encoding="utf-8"))):
        spec = importlib.util.find_spec(module)
        assert spec is not None, f"line {line}: {module} is not installed"
        origin = Path(spec.origin or next(iter(spec.submodule_search_locations)))
        assert EXAMPLES not in origin.resolve().parents, (
            f"line {line}: {module} comes from examples/, not from an installation"
        )


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_example_imports_skdae_before_keras(example):
    """skdae first, so that it quiets TensorFlow's start-up logs."""
    modules = [m for m, _ in _imports(ast.parse(example.read_text(encoding="utf-8")))]
    assert "skdae" in modules
    backends = [m for m in modules if m in ("keras", "tensorflow", "jax", "torch")]
    if backends:
        assert modules.index("skdae") < modules.index(backends[0])


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_example_is_a_gallery_script(example):
    """A docstring with an RST title, cells, quick mode, a place in the order."""
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from gallery_order import ORDER
    finally:
        sys.path.remove(str(ROOT / "docs"))
    source = example.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring, "the example needs a docstring with a title"
    title_rule, title, underline = docstring.splitlines()[:3]
    assert set(title_rule) == {"="} and set(underline) == {"="}
    assert len(title_rule) >= len(title) and len(underline) >= len(title)
    assert "# %%" in source
    assert "SKDAE_QUICK=1" in docstring
    assert 'QUICK = os.environ.get("SKDAE_QUICK") == "1"' in source
    assert example.name in ORDER, "add the example to docs/gallery_order.py"
