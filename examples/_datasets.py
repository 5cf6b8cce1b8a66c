"""The docs build's offline data (not an example; no example imports it).

``docs/conf.py`` imports this module before Keras. When ``KERAS_HOME`` is not
set and the project's shared data folder (``<repo>/../shared/data``) holds
Keras' datasets, it copies them into a temporary ``KERAS_HOME``, so the
gallery's ``keras.datasets.fashion_mnist.load_data()`` runs offline. Elsewhere
Keras downloads the data to ``~/.keras`` as usual, as it does for a user who
runs an example on its own.

``QUICK`` is the examples' own test, ``SKDAE_QUICK=1`` (small subsets, one or
two epochs), which ``docs/conf.py`` announces on every page.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

#: True when the examples run in quick mode: the test each example makes.
QUICK = os.environ.get("SKDAE_QUICK") == "1"

#: The project's shared data folder, beside the repository.
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _offline_keras_home() -> None:
    if "KERAS_HOME" in os.environ:
        return
    source = SHARED_DATA / "keras" / "datasets"
    if not source.is_dir():
        return
    if "keras" in sys.modules:
        warnings.warn(
            "Keras was imported before _datasets, so it will not see the copy of "
            f"{source}; import _datasets first.",
            stacklevel=3,
        )
    home = Path(tempfile.mkdtemp(prefix="skdae-keras-home-"))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    for path in source.rglob("*"):
        if path.is_file():
            target = home / "datasets" / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)  # data only: the copies stay writable
    os.environ["KERAS_HOME"] = str(home)


_offline_keras_home()
