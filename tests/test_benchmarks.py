"""The benchmark runner: its quick mode runs every benchmark and writes every table.

Quick mode trains on 512 random training images for one epoch, so this smoke test
catches a broken benchmark in about a minute on 2 idle cores (the numbers it
writes mean nothing). The full run is ``make benchmarks``.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "benchmarks" / "run.py"
FASHION_MNIST = ROOT.parent / "shared" / "data" / "keras" / "datasets" / "fashion-mnist"
SECTIONS = (
    "quality",
    "pipeline",
    "seeds",
    "robustness",
    "corruptions",
    "overhead",
    "noise_cost",
    "memory",
    "scaling",
)
#: A hang guard: the run takes about a minute, more on busy shared cores.
TIMEOUT = 300
NUMBER = re.compile(r"^-?[\d,]*\.?\d+$")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """Run ``benchmarks/run.py --quick`` once; return its output folder."""
    out = tmp_path_factory.mktemp("benchmarks") / "RESULTS.md"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"}
    env.pop("KERAS_HOME", None)  # read the shared copy of the data, never download
    done = subprocess.run(
        [sys.executable, str(RUNNER), "--quick", "--out", str(out)],
        cwd=out.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    return out


def _sections(text):
    """``{name: section text}`` from the report's ``## ... [name]`` headings."""
    parts = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    found = {}
    for part in parts:
        heading = part.splitlines()[0]
        match = re.fullmatch(r"\d+\. .+ \[(\w+)\]", heading)
        assert match, f"malformed heading {heading!r}"
        found[match.group(1)] = part
    return found


def _tables(section):
    """Each markdown table of a section as (headings, rows of cells)."""
    tables, lines = [], section.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---") and i > 0:
            headings = _cells(lines[i - 1])
            rows = []
            for row in lines[i + 1 :]:
                if not row.startswith("|"):
                    break
                rows.append(_cells(row))
            tables.append((headings, rows))
    return tables


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split(" | ")]


pytestmark = pytest.mark.skipif(
    not FASHION_MNIST.is_dir(),
    reason=f"Fashion-MNIST is not in {FASHION_MNIST}; the quick run would download it",
)


def test_quick_run_writes_every_section_with_numeric_tables(quick_run):
    sections = _sections(quick_run.read_text(encoding="utf-8"))
    assert list(sections) == list(SECTIONS)
    for name, section in sections.items():
        assert "FAILED" not in section, section
        assert re.search(r"^Wall time: .+\.$", section, re.MULTILINE), name
        tables = _tables(section)
        assert tables, f"{name} has no table"
        for headings, rows in tables:
            assert rows, f"a table of {name} has no rows"
            for row in rows:
                assert len(row) == len(headings), (name, row)
                assert any(NUMBER.match(cell) for cell in row), (name, row)
                if "met" in headings:
                    assert row[headings.index("met")] in ("yes", "no", "—"), row


def test_quick_run_records_the_machine_and_versions(quick_run):
    text = quick_run.read_text(encoding="utf-8")
    for label in (
        "date",
        "CPU",
        "cores",
        "RAM",
        "GPU",
        "python",
        "numpy",
        "scipy",
        "scikit-learn",
        "keras",
        "tensorflow",
        "scikeras",
        "skdae",
        "git commit",
    ):
        assert re.search(rf"^\| {re.escape(label)} \| .+ \|$", text, re.MULTILINE), (
            label
        )
    assert "(backend: " in text
    assert "| mode | quick" in text


def test_quick_run_saves_json_results_and_figures(quick_run):
    results = quick_run.parent / "results"
    saved = {path.stem for path in results.glob("*.json")}
    assert saved == {*SECTIONS, "_header"}
    quality = json.loads((results / "quality.json").read_text(encoding="utf-8"))
    assert isinstance(quality["wall_seconds"], float)
    assert {"goal", "met"} <= {c["key"] for c in quality["tables"][0]["columns"]}
    figures = quick_run.parent / "figures"
    for figure in ("robustness.png", "quality_curves.png"):
        assert (figures / figure).stat().st_size > 0
