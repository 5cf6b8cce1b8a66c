"""How skdae imports Keras: a clear error for a missing backend, deferred and
quiet for the command line only.

The subprocess tests start a fresh interpreter, the only place where the
start-up happens; each takes a few seconds (one Keras import).
"""

import os
import re
import subprocess
import sys
import textwrap

import keras
import pytest

import skdae
from skdae import _startup

RECORD = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+\s+\S+\] (.*)$")

# Lines like those TensorFlow 2.21 writes at import on a CPU machine and at its
# first computation, after a line from elsewhere.
CAPTURED = (
    "not a log record: kept\n"
    "WARNING: All log messages before absl::InitializeLog() is called are "
    "written to STDERR\n"
    "I0000 00:00:1795380699.078688    3189 port.cc:153] oneDNN custom "
    "operations are on.\n"
    "I0000 00:00:1795380699.138537    3189 cpu_feature_guard.cc:227] This "
    "TensorFlow binary is optimized.\n"
    "To enable the following instructions: AVX2 FMA, rebuild TensorFlow.\n"
    "W1122 20:51:36.123456    3189 some.cc:1] a warning\n"
    "E0000 00:00:1795380703.350445    3189 cuda_platform.cc:52] failed call to "
    "cuInit: UNKNOWN ERROR (303)\n"
    "F1122 20:51:36.123456    3189 other.cc:2] fatal\n"
)


def _python(code, *, env_update=None, drop=(), cwd=None, timeout=300):
    """Run ``python -c code`` in a fresh interpreter; return the CompletedProcess."""
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_update or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


def _records(stderr):
    """The messages of the C++ log records in some standard error output."""
    return [m.group(1) for line in stderr.splitlines() if (m := RECORD.match(line))]


# -- the filter -------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "kept"),
    [
        (1, ["not a log record", "W1122", "E0000", "F1122"]),
        (2, ["not a log record", "E0000", "F1122"]),
        (3, ["not a log record", "F1122"]),
    ],
)
def test_filter_drops_records_below_the_level(level, kept):
    lines = _startup.filter_log_lines(CAPTURED, level).splitlines()
    assert [line.split()[0] for line in lines] == [k.split()[0] for k in kept]
    assert not any("InitializeLog" in line for line in lines)
    # a record's continuation line goes with it
    assert not any(line.startswith("To enable") for line in lines)


def test_filter_keeps_everything_at_level_zero():
    assert _startup.filter_log_lines(CAPTURED, 0) == CAPTURED


def test_filter_keeps_lines_before_any_record():
    text = "Traceback-free warning from Python\nI0000 00:00:1.5 1 a.cc:1] info\n"
    assert _startup.filter_log_lines(text, 3) == "Traceback-free warning from Python\n"


# -- deferring Keras for the command line -----------------------------------


@pytest.mark.parametrize(
    ("argv", "orig_argv", "expected"),
    [
        (["-m"], ["python", "-m", "skdae", "demo", "--help"], True),
        (["-m"], ["python", "-X", "importtime", "-m", "skdae", "demo"], True),
        (["-m"], ["python", "-I", "-mskdae"], True),
        (["-m"], ["python", "-m", "pytest"], False),  # another -m module
        (["-m"], ["python", "-m", "skdae_extras"], False),
        (["/venv/bin/skdae", "demo"], ["python", "/venv/bin/skdae", "demo"], True),
        (["C:\\venv\\Scripts\\skdae.exe"], ["python"], True),
        (["train.py"], ["python", "train.py"], False),
        (["skdae.py"], ["python", "skdae.py"], False),
        (["-c"], ["python", "-c", "import skdae"], False),
        ([], [], False),
    ],
)
def test_launched_as_command(argv, orig_argv, expected):
    assert _startup.launched_as_command(argv, orig_argv) is expected


def test_public_names_match_their_modules():
    """``_PUBLIC`` (used when Keras is deferred) lists exactly ``__all__``."""
    assert sorted(skdae._PUBLIC) == sorted(set(skdae.__all__) - {"__version__"})
    for name, module in skdae._PUBLIC.items():
        assert getattr(skdae, name).__module__ == f"skdae.{module}"


# -- the missing-backend error ----------------------------------------------


def test_missing_default_backend_names_tensorflow_and_pip():
    exc = ModuleNotFoundError("No module named 'tensorflow'", name="tensorflow")
    message = str(_startup.missing_backend_error(exc, None))
    assert "'tensorflow'" in message and "pip install tensorflow" in message
    assert "Keras' default" in message
    assert "KERAS_BACKEND=jax or KERAS_BACKEND=torch" in message


def test_missing_chosen_backend_names_the_variable():
    exc = ModuleNotFoundError("No module named 'jax.numpy'", name="jax.numpy")
    message = str(_startup.missing_backend_error(exc, "jax"))
    assert "'jax' (KERAS_BACKEND=jax)" in message and "pip install jax" in message


def test_missing_keras_names_keras():
    exc = ModuleNotFoundError("No module named 'keras'", name="keras")
    assert 'pip install "keras>=3.5"' in str(_startup.missing_backend_error(exc, None))


def test_other_missing_module_keeps_the_original_error():
    exc = ModuleNotFoundError("No module named 'jaxlib'", name="jaxlib")
    assert _startup.missing_backend_error(exc, "jax") is None


BLOCK_IMPORT = """
import importlib.abc, sys

class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == {module!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)

sys.meta_path.insert(0, Missing())
import skdae
"""


@pytest.mark.parametrize(
    ("module", "keras_backend", "expected"),
    [
        ("tensorflow", None, "Keras' default, or the backend in keras.json"),
        ("jax", "jax", "KERAS_BACKEND=jax"),
        ("torch", "torch", "KERAS_BACKEND=torch"),
    ],
)
def test_import_without_the_backend_raises_a_short_clear_error(
    module, keras_backend, expected, tmp_path
):
    env = {"KERAS_HOME": str(tmp_path)}  # no user keras.json choosing a backend
    if keras_backend:
        env["KERAS_BACKEND"] = keras_backend
    result = _python(
        BLOCK_IMPORT.format(module=module), env_update=env, drop=("KERAS_BACKEND",)
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-2:]
    assert last[0] == (
        f"ImportError: Keras' backend {module!r} ({expected}) is not installed. "
        f"Install it with: pip install {module}"
    ), result.stderr
    assert last[1].startswith("Or choose another installed backend: KERAS_BACKEND=")
    # Keras' own frames (about 20 of them) are not shown
    assert "keras/src" not in result.stderr and "During handling" not in result.stderr


# -- the library leaves the process alone; the command line is quiet -------

FIT = """
import os
import numpy as np
import skdae

X = np.random.default_rng(0).random((64, 8)).astype("float32")
dae = skdae.DenoisingAutoencoder(hidden_layer_sizes=(4,), epochs=1, batch_size=32)
dae.fit(X)
dae.score(dae.denoise(X))
print(os.environ.get("TF_CPP_MIN_LOG_LEVEL"))
"""


def test_the_library_leaves_the_log_level_to_the_user():
    """skdae sets no level; the control imports Keras alone (which, with JAX
    installed, imports JAX, and JAX sets a default level of its own)."""
    control = _python(
        "import os, keras; print(os.environ.get('TF_CPP_MIN_LOG_LEVEL'))",
        drop=("TF_CPP_MIN_LOG_LEVEL",),
    )
    result = _python(FIT, drop=("TF_CPP_MIN_LOG_LEVEL",))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == control.stdout.split()


# The command line's start: skdae defers Keras (the argument list of the
# ``skdae`` console script), then the demo imports it quietly.
AS_COMMAND = """
import sys
sys.argv[:] = ["skdae"]
from skdae import _startup
_startup.import_keras(quiet=True)
"""


def test_quiet_import_prints_nothing_by_default():
    result = _python(
        AS_COMMAND + FIT,
        drop=("TF_CPP_MIN_LOG_LEVEL",),
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.split() == [_startup.DEFAULT_TF_LOG_LEVEL]


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's C++ logs"
)
def test_a_level_set_by_the_user_is_kept_and_honoured():
    """At TF_CPP_MIN_LOG_LEVEL=0 skdae lets through what TensorFlow prints."""
    baseline = _python("import tensorflow", env_update={"TF_CPP_MIN_LOG_LEVEL": "0"})
    expected = _records(baseline.stderr)
    if not expected:
        pytest.skip("TensorFlow prints no log record at import on this machine")
    result = _python(
        AS_COMMAND + "import os; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])",
        env_update={"TF_CPP_MIN_LOG_LEVEL": "0"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0"]
    assert _records(result.stderr) == expected


def test_keras_imported_first_leaves_the_environment_alone(monkeypatch):
    """Keras is already imported here: skdae neither sets the level nor captures."""
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    _startup.import_keras(quiet=True)
    assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ
