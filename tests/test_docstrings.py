"""Docstrings: every documented default matches the code (numpydoc
``name : type, default=v``), and they read as scikit-learn's do (issue 28)."""

import ast
import inspect
import re
from pathlib import Path

import pytest

import skdae

PUBLIC_CLASSES = [
    getattr(skdae, name)
    for name in skdae.__all__
    if inspect.isclass(getattr(skdae, name, None))
    and not issubclass(getattr(skdae, name), Warning)
]

# "name : type, default=value" at the start of a Parameters entry; several names
# may share one entry ("l1, l2 : float, default=0.0").
ENTRY = re.compile(r"^    (?P<names>[\w, *]+) : .*?default=(?P<default>.+)$", re.M)


def documented_defaults(cls):
    doc = inspect.getdoc(cls).replace("\\\n", "")
    section = doc.split("Parameters\n----------\n", 1)[1]
    section = re.split(r"\n(?:Attributes|See Also|Examples|Notes)\n-+\n", section)[0]
    defaults = {}
    for match in ENTRY.finditer(
        "\n".join("    " + line for line in section.split("\n"))
    ):
        for name in match["names"].split(","):
            defaults[name.strip()] = match["default"].strip()
    return defaults


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda c: c.__name__)
def test_documented_defaults_are_the_signature_defaults(cls):
    signature = inspect.signature(cls)
    documented = documented_defaults(cls)
    assert documented, f"{cls.__name__} documents no default"
    for name, text in documented.items():
        assert name in signature.parameters, f"{cls.__name__} documents {name}"
        actual = signature.parameters[name].default
        if text == "np.nan" and isinstance(actual, float) and actual != actual:
            continue  # NaN, documented as scikit-learn's imputers do
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            value = text  # a name, e.g. default=None is a literal but auto is not
        assert value == actual, (
            f"{cls.__name__}.{name}: documented default={text}, code has {actual!r}"
        )


def test_parameters_documented_as_shared_have_the_same_defaults():
    """ConvDenoisingAutoencoder documents the training parameters "as in
    DenoisingAutoencoder": their defaults must then be the same."""
    doc = inspect.getdoc(skdae.ConvDenoisingAutoencoder).replace("\\\n", "")
    entry = re.search(r"^([\w, *]+)\n\s+As in :class:`DenoisingAutoencoder`", doc, re.M)
    assert entry, "the shared entry is gone: update this test"
    names = [n.strip() for n in entry[1].split(",") if not n.strip().startswith("*")]
    conv = inspect.signature(skdae.ConvDenoisingAutoencoder).parameters
    dense = inspect.signature(skdae.DenoisingAutoencoder).parameters
    assert len(names) > 10
    for name in names:
        assert conv[name].default == dense[name].default, name


# Issue 28: docstrings say what the code does; the why lives in the user guide
# and the measured figures in the benchmark pages.
ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "skdae").glob("*.py"))
LAB_NOTE = re.compile(
    r"20[0-9][0-9]-[01][0-9]-|RMSE|\bAUC\b|one seed|did not pay|did worse"
    r"|lowered the"
)
GUIDE_LABELS = {
    label
    for page in (ROOT / "docs" / "user_guide").glob("*.rst")
    for label in re.findall(r"^\.\. _([\w-]+):\s*$", page.read_text(), re.M)
}
SUMMARY_LINES = 25


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_lab_notes_in_the_code(path):
    """No dates, one-seed figures or tuning verdicts in docstrings or comments."""
    hits = [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if LAB_NOTE.search(line)
    ]
    assert not hits, "lab notes belong in docs/user_guide:\n" + "\n".join(hits)


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda c: c.__name__)
def test_class_docstring_links_its_user_guide_page(cls):
    refs = re.findall(
        r"Read more in the :ref:`User Guide <([\w-]+)>`\.", inspect.getdoc(cls)
    )
    assert refs, f"{cls.__name__} does not link its user-guide page"
    assert set(refs) <= GUIDE_LABELS, (
        f"{cls.__name__} links {refs}, not labels of docs/user_guide/*.rst"
    )


@pytest.mark.parametrize("cls", PUBLIC_CLASSES, ids=lambda c: c.__name__)
def test_class_summary_is_short(cls):
    """What the class does, before its Parameters (or its first section): 25
    lines at most."""
    doc = inspect.getdoc(cls)
    summary = re.split(r"\n\w[\w ]*\n-{3,}\n", doc, maxsplit=1)[0].rstrip()
    n_lines = len(summary.splitlines())
    assert n_lines <= SUMMARY_LINES, (
        f"{cls.__name__}'s summary runs {n_lines} lines; the why goes to its "
        "user-guide page"
    )


def test_the_lab_note_pattern_finds_lab_notes():
    """The test above would see what issue 28 counted."""
    for note in ["(2026-11-29)", "RMSE 0.05", "ROC AUC 0.7", "one seed", "did worse"]:
        assert LAB_NOTE.search(note), note
    assert not LAB_NOTE.search("roc_auc_score(y, scores)")
