"""scikit-learn's private names behind one door, and the declared minimum versions.

Only ``skdae/_compat.py`` imports private scikit-learn names; its NumPy
replacements behave as scikit-learn's helpers did; the declared minimum
versions are the ones CI's job on them installs.
"""

import ast
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer

from skdae import AutoencoderImputer, DenoisingAutoencoder
from skdae._compat import (
    check_feature_names,
    is_scalar_nan,
    missing_mask,
    prefixed_feature_names_out,
)

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "skdae").glob("*.py"))


def _private_sklearn_imports(tree):
    """(line, name) of each private scikit-learn module or name imported."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "sklearn" and any(p.startswith("_") for p in parts):
                    found.append((node.lineno, alias.name))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] != "sklearn":
                continue
            if any(p.startswith("_") for p in parts):
                found.append((node.lineno, node.module))
            found += [
                (node.lineno, f"{node.module}.{alias.name}")
                for alias in node.names
                if alias.name.startswith("_")
            ]
    return found


def test_the_check_finds_private_imports():
    source = (
        "from sklearn.utils._param_validation import Interval\n"
        "from sklearn.utils import _safe_indexing, check_array\n"
        "import sklearn.impute._base\n"
        "from sklearn.utils.validation import check_is_fitted\n"
        "def f():\n"
        "    from sklearn.utils.validation import _num_samples\n"
    )
    assert _private_sklearn_imports(ast.parse(source)) == [
        (1, "sklearn.utils._param_validation"),
        (2, "sklearn.utils._safe_indexing"),
        (3, "sklearn.impute._base"),
        (6, "sklearn.utils.validation._num_samples"),
    ]


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_only_compat_imports_private_sklearn_names(module):
    found = _private_sklearn_imports(ast.parse(module.read_text(encoding="utf-8")))
    if module.name == "_compat.py":
        assert found, "_compat.py is the one door: it imports them"
    else:
        assert found == [], f"import these through skdae._compat: {found}"


def test_is_scalar_nan():
    assert is_scalar_nan(np.nan)
    assert is_scalar_nan(float("nan"))
    assert is_scalar_nan(np.float32("nan"))
    for value in (None, "", "nan", 0, 1.5, np.int64(3), [np.nan], np.array([np.nan])):
        assert not is_scalar_nan(value)


def test_missing_mask():
    X = np.array([[1.0, np.nan], [-1.0, 2.0]])
    np.testing.assert_array_equal(missing_mask(X, np.nan), [[0, 1], [0, 0]])
    np.testing.assert_array_equal(missing_mask(X, -1), [[0, 0], [1, 0]])
    integers = np.array([[1, -1]])
    np.testing.assert_array_equal(missing_mask(integers, np.nan), [[0, 0]])
    assert missing_mask(X, np.nan).dtype == bool


def test_check_feature_names_records_and_checks_names_only():
    estimator = DenoisingAutoencoder()
    frame = pd.DataFrame(np.zeros((3, 2)), columns=["a", "b"])
    check_feature_names(estimator, frame, reset=True)
    np.testing.assert_array_equal(estimator.feature_names_in_, ["a", "b"])
    assert not hasattr(estimator, "n_features_in_")  # left to the caller
    check_feature_names(estimator, frame, reset=False)
    renamed = frame.rename(columns={"b": "c"})
    with pytest.raises(ValueError, match="feature names"):
        check_feature_names(estimator, renamed, reset=False)
    images = np.zeros((2, 4, 4, 1))  # no n_features check on images
    check_feature_names(estimator, images, reset=True)
    assert not hasattr(estimator, "feature_names_in_")


def test_prefixed_feature_names_out():
    estimator = DenoisingAutoencoder()
    estimator.n_features_in_ = 3
    np.testing.assert_array_equal(
        prefixed_feature_names_out(estimator, 2),
        ["denoisingautoencoder0", "denoisingautoencoder1"],
    )
    with pytest.raises(ValueError, match="input_features"):
        prefixed_feature_names_out(estimator, 2, input_features=["a", "b"])


def test_imputer_keeps_scikit_learn_imputers_constraints():
    """The shared imputer parameters are validated as SimpleImputer's are."""
    ours = AutoencoderImputer._parameter_constraints
    theirs = SimpleImputer._parameter_constraints
    for name in ("missing_values", "add_indicator", "keep_empty_features"):
        assert [str(c) for c in ours[name]] == [str(c) for c in theirs[name]]


@pytest.mark.parametrize("missing_values", [np.nan, -1.0])
def test_imputer_nan_tag_follows_missing_values(missing_values):
    imputer = AutoencoderImputer(missing_values=missing_values)
    assert imputer.__sklearn_tags__().input_tags.allow_nan == is_scalar_nan(
        missing_values
    )


def _floors(requirements):
    """{name: version} of each ``name>=version`` requirement."""
    floors = {}
    for requirement in requirements:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)(\[[^]]*\])?>=([0-9.]+)", requirement)
        if match:
            floors[match.group(1).lower()] = match.group(3)
    return floors


def _pins():
    """{name: version} of .ci/minimum-constraints.txt."""
    pins = {}
    for line in (ROOT / ".ci" / "minimum-constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def test_declared_minimums_are_the_versions_ci_installs():
    """Each required dependency's floor is the version the minimum job pins."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    floors = _floors(project["dependencies"])
    pins = _pins()
    assert set(floors) <= set(pins), "pin every required dependency's floor"
    for name, floor in floors.items():
        pinned = pins[name].rstrip(".*").split(".")
        assert pinned[: len(floor.split("."))] == floor.split("."), name
    # The test extra's own floors hold at the pinned versions too.
    for name, floor in _floors(project["optional-dependencies"]["test"]).items():
        if name in pins:
            pinned = [int(p) for p in pins[name].rstrip(".*").split(".")]
            assert pinned >= [int(p) for p in floor.split(".")], name
