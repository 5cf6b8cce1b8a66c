"""Sphinx configuration of skdae's documentation.

Build with ``make -C docs html`` (warnings are errors); the HTML lands in
``docs/_build/html``. ``SKDAE_QUICK=1`` runs the gallery on small subsets.
"""

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
EXAMPLES = DOCS.parent / "examples"

# The docs build's data helper (examples/_datasets.py; no example imports it)
# sets KERAS_HOME to an offline copy of the project's shared data, when there is
# one, before Keras is imported, which autodoc and the gallery both do.
sys.path.insert(0, str(EXAMPLES))
sys.path.insert(0, str(DOCS))
import _datasets  # noqa: E402

import skdae  # noqa: E402

os.environ.setdefault("MPLBACKEND", "Agg")

# -- Project ----------------------------------------------------------------
project = "skdae"
author = "The skdae developers"
copyright = "2026, The skdae developers"  # noqa: A001
version = release = skdae.__version__

# -- General ----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb"]
default_role = "literal"

# -- API reference ----------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"
autodoc_default_options = {"members": True, "inherited-members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# ``predict`` is a property of the autoencoders that raises AttributeError (they
# transform; see ``denoise``): not a member to document.
_HIDDEN_MEMBERS = {"predict"}


def _defined_in(obj):
    """The module that defines a member (a function, method or property)."""
    for attribute in ("fget", "__func__"):
        obj = getattr(obj, attribute, obj)
    return getattr(obj, "__module__", None) or ""


def _skip_member(app, what, name, obj, skip, options):
    if name in _HIDDEN_MEMBERS:
        return True
    if _defined_in(obj).startswith("keras"):
        return True
    if name == "get_metadata_routing" or (
        name.startswith("set_") and name.endswith("_request")
    ):
        return True  # scikit-learn's metadata routing, not specific to skdae
    return skip


_REF_WITH_TARGET = re.compile(r":ref:`([^`<]+?)\s*<[^>`]+>`")
_REF = re.compile(r":ref:`([^`]+)`")


def _plain_foreign_refs(app, what, name, obj, options, lines):
    """Harmless fixes of docstrings that Sphinx cannot render as they are.

    - scikit-learn's inherited docstrings (``set_output``...) refer to labels of
      scikit-learn's own site: keep their text, drop the link;
    - a ``*`` that opens no emphasis, as in ``(n_samples, *sample shape)``, is
      escaped, and ``(n_features_in_,)`` is set as code.
    """
    if _defined_in(obj).startswith("sklearn"):
        lines[:] = [_REF.sub(r"\1", _REF_WITH_TARGET.sub(r"\1", s)) for s in lines]
    lines[:] = [
        line if "``" in line else re.sub(r"(?<=[(,] )\*(?=\w)", r"\\*", line)
        for line in lines
    ]
    # ``(n_features_in_,)``: a name ending in "_" is a link target in RST.
    lines[:] = [re.sub(r"\((\w+_),\)", r"(``\1``,)", line) for line in lines]


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    # Before numpydoc (priority 500), on the raw docstring.
    app.connect("autodoc-process-docstring", _plain_foreign_refs, priority=400)


# -- Gallery ----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(EXAMPLES),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"(__init__|_datasets)\.py",
    "within_subsection_order": "gallery_order.ExampleOrder",
    "backreferences_dir": "gen_modules/backreferences",
    "doc_module": ("skdae",),
    "reference_url": {"skdae": None},
    "image_scrapers": ("matplotlib",),
    "min_reported_time": 1,
    "remove_config_comments": True,
    "download_all_examples": False,
}

# -- HTML -------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skdae {release}"
html_static_path = []
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
if _datasets.QUICK:
    html_theme_options["announcement"] = (
        "Built with SKDAE_QUICK=1: the gallery ran on small subsets for one or two "
        "epochs, so its numbers and figures are not representative."
    )
