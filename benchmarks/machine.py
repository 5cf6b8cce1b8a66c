"""The run's header: date, machine, software versions and git commit."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

_PACKAGES = ("numpy", "scipy", "scikit-learn", "keras", "tensorflow", "scikeras")


def describe(*, quick: bool, command: str) -> dict[str, Any]:
    """Everything the report's header shows, as ``{label: text}``.

    Parameters
    ----------
    quick : bool
        Whether this is a quick (smoke) run.
    command : str
        The command line that started the run.

    Returns
    -------
    dict
        Ordered labels and values: date, mode, command, CPU, cores, RAM, GPU,
        package versions, git commit.
    """
    import keras

    import skdae

    header: dict[str, Any] = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": "quick (tiny subsets, 1 epoch: a smoke test, not results)"
        if quick
        else "full",
        "command": command,
        "CPU": _cpu_model(),
        "cores": _cores(),
        "RAM": _ram(),
        "GPU": _gpu(),
        "python": platform.python_version(),
    }
    for package in _PACKAGES:
        header[package] = _version(package)
    header["keras"] += f" (backend: {keras.backend.backend()})"
    header["skdae"] = skdae.__version__
    header["git commit"] = _git_commit()
    return header


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _cores() -> str:
    total = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return f"{total}"
    return f"{usable} usable of {total}" if usable != total else f"{total}"


def _ram() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _gpu() -> str:
    """What skdae's ``device="auto"`` trains on, with the GPU's name if any."""
    from skdae.device import resolve_device

    if resolve_device("auto") == "cpu":
        return "none (skdae trains on the CPU)"
    name = "a GPU"
    try:
        import keras

        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf

            gpu = tf.config.list_physical_devices("GPU")[0]
            details = tf.config.experimental.get_device_details(gpu)
            name = details.get("device_name", name)
    except Exception:  # a name is a nicety; the device choice is what matters
        pass
    return f"{name} (skdae device='gpu')"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(REPO), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{commit} (with uncommitted changes)" if dirty else commit
