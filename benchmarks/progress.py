"""Progress lines on stderr, stamped with the time since the run started, and
the wording of times and counts."""

from __future__ import annotations

import sys
import time

_START = time.perf_counter()


def elapsed() -> float:
    """Seconds since this module was imported (the run's start)."""
    return time.perf_counter() - _START


def log(message: str) -> None:
    """Print ``[elapsed time] message`` to stderr at once."""
    print(f"[{duration(elapsed())}] {message}", file=sys.stderr, flush=True)


def plural(count: int, word: str) -> str:
    """``"1 epoch"``, ``"5 epochs"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def duration(seconds: float) -> str:
    """``seconds`` as ``"1 h 02 min"``, ``"4 min 05 s"`` or ``"12.3 s"``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
