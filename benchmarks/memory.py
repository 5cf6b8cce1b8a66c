"""Benchmark ``memory``: peak resident memory of a fit on 60,000 x 784 float32.

Each case runs in its own fresh process (``memory_probe.py``; the cases run at
the same time, as a process's peak is its own): it loads the data as
float32 (60000, 784), reads its resident memory (the baseline: Python, NumPy,
TensorFlow, Keras and the data), resets the kernel's peak counter, trains one
epoch and reads the peak (VmHWM). The difference is what training added.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from config import SIGMA
from context import Context
from results import GOAL_COLUMNS, Column, Section, Table, goal
from skdae import DenoisingAutoencoder

NAME = "memory"
TITLE = "Peak memory of training"
#: Estimated minutes of a full run on 2 CPU cores: the run plan's guess, from the
#: per-epoch times of the seeds, not a result.
ESTIMATED_MINUTES = 1

N_ROWS = 60_000
QUICK_ROWS = 2_048
PROBE = Path(__file__).with_name("memory_probe.py")
PROBE_TIMEOUT = 1800

CASES = {
    "skdae": "skdae DenoisingAutoencoder(noise=NoiseInjector({sigma}, clip=(0, 1))), "
    "fit(X), 1 epoch",
    "keras": "seed-script style: X_noisy = clip(X + {sigma} randn) kept in memory, "
    "then hand-written Keras fit(X_noisy, X), 1 epoch",
}


def probe(cases: list[str], n_rows: int) -> dict[str, dict]:
    """Run ``memory_probe.py case n_rows`` for every case, each in a fresh Python.

    The processes run at the same time: each one's peak is its own.

    Returns
    -------
    dict of str to dict
        Each case's JSON report.
    """
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    processes = {
        case: subprocess.Popen(
            [sys.executable, str(PROBE), case, str(n_rows)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for case in cases
    }
    found, errors = {}, []
    for case, process in processes.items():
        try:
            stdout, stderr = process.communicate(timeout=PROBE_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            stderr += f"\n(killed after {PROBE_TIMEOUT} s)"
        if process.returncode != 0:
            errors.append(f"{case} (exit {process.returncode}):\n{stderr[-3000:]}")
        else:
            found[case] = json.loads(stdout.strip().splitlines()[-1])
    if errors:
        raise RuntimeError("memory probe failed: " + "\n".join(errors))
    return found


def run(ctx: Context) -> Section:
    """Probe both cases; the goal is on skdae's increase over its baseline."""
    n_rows = QUICK_ROWS if ctx.config.quick else N_ROWS
    hidden = tuple(DenoisingAutoencoder().hidden_layer_sizes)
    table = Table(
        [
            Column("case", "case"),
            Column("data", "data MB", ".0f"),
            Column("baseline", "baseline MB (imports + data)", ".0f"),
            Column("peak", "peak MB", ".0f"),
            Column("increase", "peak - baseline MB", ".0f"),
            *GOAL_COLUMNS,
        ]
    )
    ctx.log(f"{NAME}: {', '.join(CASES)}, each in a fresh process, {n_rows} rows")
    reports = probe(list(CASES), n_rows)
    for case, label in CASES.items():
        found = reports[case]
        increase = found["peak_mb"] - found["baseline_mb"]
        row = table.add(
            case=label.format(sigma=SIGMA),
            data=found["data_mb"],
            baseline=found["baseline_mb"],
            peak=found["peak_mb"],
            increase=increase,
        )
        if case == "skdae":
            row.update(
                goal(
                    increase,
                    "<=",
                    found["data_mb"],
                    f"<= one copy of the data = {found['data_mb']:.0f} MB",
                )
            )
    peak_note = (
        "The peak counter was reset after the baseline, so the peak is that of "
        "training alone."
        if all(report["peak_reset"] for report in reports.values())
        else "The kernel refused to reset the peak counter (/proc/self/clear_refs), "
        "so a peak reached while loading the data counts too."
    )
    return Section(
        name=NAME,
        title=TITLE,
        description=(
            f"{n_rows} Fashion-MNIST training images as float32 "
            f"({n_rows}, 784), default architecture (hidden_layer_sizes={hidden}) "
            "on both sides, batch 128, each case in a fresh process. Baseline: "
            "VmRSS after loading the data, so it includes the TensorFlow/Keras "
            "imports. Peak: VmHWM after one epoch. MB are 10^6 bytes."
        ),
        tables=[table],
        notes=[peak_note],
    )
