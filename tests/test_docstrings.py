"""Every documented default matches the code (numpydoc ``name : type, default=v``)."""

import ast
import inspect
import re

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
