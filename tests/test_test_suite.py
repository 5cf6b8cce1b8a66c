"""The test suite's own hygiene: every test asserts something, and test modules
share helpers through conftest.py, never through each other."""

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MODULES = sorted(TESTS.glob("*.py"))

#: Calls that assert, beyond ``assert`` statements: pytest's context managers,
#: and the checks that ``parametrize_with_checks`` hands a test as ``check``.
#: A helper whose name starts with ``assert`` or ``_assert`` counts too.
ASSERTING_CALLS = {"raises", "warns", "deprecated_call", "fail", "check"}


def _name(call):
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return getattr(function, "id", "")


def _asserts(node):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assert):
            return True
        if isinstance(sub, ast.Call):
            name = _name(sub)
            if name in ASSERTING_CALLS or name.lstrip("_").startswith("assert"):
                return True
    return False


def _tests(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("test"):
                yield node


def test_the_scan_tells_a_test_that_asserts_from_one_that_does_not():
    tree = ast.parse(
        "def test_a():\n    assert f()\n"
        "def test_b():\n    with pytest.raises(ValueError):\n        f()\n"
        "def test_c():\n    assert_allclose(f(), 1)\n"
        "def test_d():\n    f()\n"
    )
    verdicts = {node.name: _asserts(node) for node in _tests(tree)}
    assert verdicts == {"test_a": True, "test_b": True, "test_c": True, "test_d": False}


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_every_test_asserts(module):
    tree = ast.parse(module.read_text(), filename=str(module))
    silent = [node.name for node in _tests(tree) if not _asserts(node)]
    assert not silent, f"{module.name}: tests without an assertion: {silent}"


@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.name)
def test_test_modules_do_not_import_each_other(module):
    tree = ast.parse(module.read_text(), filename=str(module))
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ] + [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ]
    others = [name for name in imported if name.split(".")[-1].startswith("test_")]
    others += [name for name in imported if name.startswith("tests")]
    assert not others, f"{module.name} imports {others}: share helpers in conftest.py"
