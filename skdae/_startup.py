"""How skdae brings in Keras: with an installable hint when the backend is
missing, and, for the command line only, quietly.

Standard library only: ``python -m skdae demo --help`` imports this module and
nothing heavier.

The library (``import skdae``) imports Keras as the user configured it and
changes nothing else in the process. The command line
(``python -m skdae demo``) is an application and keeps its output to its own
progress lines: TensorFlow prints a block of C++ log lines when it is imported
(oneDNN, "Could not find cuda drivers", CPU instructions...), twice, whatever
``TF_CPP_MIN_LOG_LEVEL`` says, and on a machine without a GPU an ``E`` line
"failed call to cuInit" at its first computation. ``import_keras(quiet=True)``
therefore:

- sets ``TF_CPP_MIN_LOG_LEVEL=3`` (C++ messages below FATAL are dropped) when
  the variable is not set. A value the user set is kept, and is what the next
  point honours;
- holds back what the C++ side writes to the standard error while Keras and
  its backend are imported, then writes back every line that this level lets
  through (all of them at ``TF_CPP_MIN_LOG_LEVEL=0``) and every line that is not
  a C++ log record.

Python's logging (the ``tensorflow``, ``absl`` and ``keras`` loggers) is left as
the user configures it. Nothing happens when Keras or TensorFlow was imported
before.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence

#: What skdae sets ``TF_CPP_MIN_LOG_LEVEL`` to when the user has not set it.
DEFAULT_TF_LOG_LEVEL = "3"

#: Keras' backends: the module Keras imports for each, and how to install it.
BACKEND_PACKAGES = {
    "tensorflow": "tensorflow",
    "jax": "jax",
    "torch": "torch",
    "openvino": "openvino",
}

# An absl / TensorFlow C++ log record, "I0000 00:00:1795380699.078688    3189
# port.cc:153] message" (before absl is initialised the time is in seconds) or
# "E1122 20:51:36.123456 ...". The severity letter is the first character.
_RECORD = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+\s+[^\s\]]+\] ")
_SEVERITY = {"I": 0, "W": 1, "E": 2, "F": 3}
# Printed by absl before its first record, whatever the record's severity.
_ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog()"


def launched_as_command(
    argv: Sequence[str] | None = None, orig_argv: Sequence[str] | None = None
) -> bool:
    """Whether this process is skdae's command line being started.

    True while Python imports the package on its way to ``skdae/__main__.py``
    (``python -m skdae ...``) and in the ``skdae`` console script: the package
    then defers Keras until a public name is used, so ``--help`` answers at once.
    Reading the arguments changes nothing; a library import (any other) imports
    Keras at once, which registers skdae's layers with Keras' loader.

    Parameters
    ----------
    argv, orig_argv : sequence of str, optional
        ``sys.argv`` and ``sys.orig_argv`` (the defaults), for tests.

    Returns
    -------
    bool
    """
    argv = sys.argv if argv is None else argv
    orig_argv = getattr(sys, "orig_argv", []) if orig_argv is None else orig_argv
    if not argv:
        return False
    if argv[0] == "-m":  # Python sets this while it locates the -m module
        return _module_after_dash_m(orig_argv) == "skdae"
    script = argv[0].replace("\\", "/").rpartition("/")[2]  # POSIX or Windows path
    return script in ("skdae", "skdae.exe")


def _module_after_dash_m(orig_argv: Sequence[str]) -> str | None:
    """The module of ``python [options] -m module ...``, else None."""
    tokens = list(orig_argv[1:])
    while tokens:
        token = tokens.pop(0)
        if token == "-m":
            return tokens[0] if tokens else None
        if token.startswith("-m"):
            return token[2:]
        if token in ("-X", "-W"):  # options followed by a value
            tokens = tokens[1:]
        elif token == "-c" or not token.startswith("-") or token == "-":
            return None  # a command string, a script or stdin
    return None


def import_keras(*, quiet: bool = False) -> None:
    """Import Keras and its backend, or explain which backend is missing.

    Parameters
    ----------
    quiet : bool, default=False
        Hold back the backend's C++ start-up logs (see the module's docstring);
        for the command line only, since it sets ``TF_CPP_MIN_LOG_LEVEL`` and
        redirects file descriptor 2 while Keras imports. The library imports
        Keras as it is configured.

    Raises
    ------
    ImportError
        If Keras or the backend it is set to use (``KERAS_BACKEND``, TensorFlow
        by default) is not installed; the message names it and the ``pip``
        command that installs it.
    """
    if not quiet or "keras" in sys.modules or "tensorflow" in sys.modules:
        # Imported already, the logs are out; and the library leaves the
        # process's environment and descriptors alone.
        _import_keras_or_explain()
        return
    level = os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", DEFAULT_TF_LOG_LEVEL)
    with _held_back_stderr(_parse_level(level)):
        _import_keras_or_explain()


def _import_keras_or_explain() -> None:
    try:
        import keras  # noqa: F401
    except ModuleNotFoundError as exc:
        error = missing_backend_error(exc, os.environ.get("KERAS_BACKEND"))
        if error is None:
            raise
        raise error from None


def missing_backend_error(
    exc: ModuleNotFoundError, keras_backend: str | None
) -> ImportError | None:
    """The ImportError to raise for a missing Keras or backend, else None.

    Parameters
    ----------
    exc : ModuleNotFoundError
        What ``import keras`` raised.
    keras_backend : str or None
        The value of ``KERAS_BACKEND``, None when it is not set.

    Returns
    -------
    ImportError or None
        None when the missing module is neither Keras nor a backend (a broken
        installation, which the original error describes best).
    """
    missing = (exc.name or "").partition(".")[0]
    if missing == "keras":
        return ImportError(
            "skdae needs Keras 3, which is not installed. Install it with: "
            'pip install "keras>=3.5"'
        )
    if missing not in BACKEND_PACKAGES:
        return None
    chosen = (
        f"KERAS_BACKEND={keras_backend}"
        if keras_backend
        else "Keras' default, or the backend in keras.json"
    )
    others = " or ".join(
        f"KERAS_BACKEND={name}"
        for name in ("tensorflow", "jax", "torch")
        if name != missing
    )
    return ImportError(
        f"Keras' backend {missing!r} ({chosen}) is not installed. Install it "
        f"with: pip install {BACKEND_PACKAGES[missing]}\n"
        f"Or choose another installed backend: {others}."
    )


def _parse_level(value: str) -> int:
    """TF_CPP_MIN_LOG_LEVEL as TensorFlow reads it: an integer, else 0."""
    try:
        return int(value)
    except ValueError:
        return 0


def filter_log_lines(text: str, min_level: int) -> str:
    """Drop the C++ log records below ``min_level`` from captured stderr text.

    Parameters
    ----------
    text : str
        What was written to the standard error.
    min_level : int
        ``TF_CPP_MIN_LOG_LEVEL``: 0 keeps every record, 1 drops INFO, 2 drops
        INFO and WARNING, 3 keeps FATAL only.

    Returns
    -------
    str
        The text without the dropped records (a record's continuation lines go
        with it) and, when any level is dropped, without absl's preamble line.
        Lines that are not log records are kept.
    """
    if min_level <= 0:
        return text
    kept = []
    dropping = False
    for line in text.splitlines(keepends=True):
        if line.startswith(_ABSL_PREAMBLE):
            continue
        if _RECORD.match(line):
            dropping = _SEVERITY[line[0]] < min_level
        if not dropping:
            kept.append(line)
    return "".join(kept)


@contextlib.contextmanager
def _held_back_stderr(min_level: int) -> Iterator[None]:
    """Capture file descriptor 2, then write back what ``min_level`` lets through.

    C++ code writes to the descriptor, not to ``sys.stderr``. Where the
    descriptor cannot be duplicated (no console), nothing is captured.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = filter_log_lines(
                held.read().decode("utf-8", errors="replace"), min_level
            )
            if text:
                os.write(2, text.encode("utf-8"))
