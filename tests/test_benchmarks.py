"""The benchmark scripts: each one's quick mode runs and writes a well-formed page.

Quick mode trains on 256 random Fashion-MNIST images for one epoch (the numbers
it writes mean nothing), so these smoke tests catch a broken benchmark in a few
seconds each. They run the scripts in this process (one TensorFlow start-up for
all of them) through the same ``main`` their command line calls, with
TensorFlow's functions run eagerly: tracing a graph for each of some thirty
tiny fits would cost more than the fits, and the rest of the suite tests the
traced paths. The full runs are ``make benchmarks``.
"""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
DATASETS = ROOT.parent / "shared" / "data" / "keras" / "datasets"
#: The scripts on the shared command line of benchmarks/common.py: every page
#: of the index (benchmarks/index.py, standard library only) but those with a
#: command line of their own.
_index_spec = importlib.util.spec_from_file_location(
    "benchmark_index_order", BENCHMARKS / "index.py"
)
_index = importlib.util.module_from_spec(_index_spec)
_index_spec.loader.exec_module(_index)
SCRIPTS = tuple(
    name for name in _index.ORDER if name not in ("novelty", "photos", "scale")
)
NUMBER = re.compile(r"^-?[\d,]*\.?\d+( ± [\d.]+)?$")

pytestmark = pytest.mark.skipif(
    not (DATASETS / "fashion-mnist").is_dir(),
    reason=f"Fashion-MNIST is not in {DATASETS}; the scripts would download it",
)


@pytest.fixture(scope="module")
def load(tmp_path_factory):
    """``load(name)``: the script ``benchmarks/<name>.py`` as a module.

    ``common`` is registered under its own name, as the scripts import it, and
    removed afterwards.
    """
    loaded = {}

    def load(name):
        if name not in loaded:
            spec = importlib.util.spec_from_file_location(
                name if name == "common" else f"benchmark_{name}",
                BENCHMARKS / f"{name}.py",
            )
            module = importlib.util.module_from_spec(spec)
            if name == "common":
                sys.modules["common"] = module
            spec.loader.exec_module(module)
            loaded[name] = module
        return loaded[name]

    load("common")
    import keras

    if keras.backend.backend() == "tensorflow":  # no tracing: the rest tests it
        import tensorflow as tf

        tf.config.run_functions_eagerly(True)
        yield load
        tf.config.run_functions_eagerly(False)
    else:
        yield load
    sys.modules.pop("common", None)


def tables(text):
    """Each markdown table of a page as (headings, rows of cells)."""
    found, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            rows = []
            for row in lines[i + 1 :]:
                if not row.startswith("|"):
                    break
                rows.append(cells(row))
            found.append((cells(lines[i - 1]), rows))
    return found


def cells(line):
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def check_page(text):
    """Header, and tables whose rows are complete, with numbers and verdicts."""
    assert re.search(r"^- command: `python benchmarks/\w+\.py .*--quick", text, re.M)
    assert re.search(r"^- date: \d{4}-\d\d-\d\d, wall time .+, commit ", text, re.M)
    assert re.search(r"^- machine: .+ CPU cores, Keras backend \w+", text, re.M)
    found = tables(text)
    assert found, "no table"
    for headings, rows in found:
        assert rows, f"a table without rows: {headings}"
        for row in rows:
            assert len(row) == len(headings), row
            assert any(NUMBER.match(cell) for cell in row), row
            if "met" in headings:
                assert row[headings.index("met")] in ("yes", "no", "—"), row
    return found


@pytest.mark.parametrize("name", SCRIPTS)
def test_quick_run_writes_a_page_of_tables(name, load, tmp_path):
    script = load(name)
    out = tmp_path / "results" / f"{name}.md"
    sections = getattr(script, "SECTIONS", None)
    run = sections or script.run
    written = load("common").main(
        name, script.TITLE, run, ["--quick", "--out", str(out)]
    )
    assert written == out
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# {script.TITLE}\n")
    found = check_page(text)
    if sections:  # one table per section at least
        assert len(found) >= len(sections)
    figures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert bool(figures) == (
        name in ("quality", "robustness")
    )  # the figures users read
    for figure in figures:
        assert (out.parent / figure).stat().st_size > 0, figure


def test_novelty_quick_run(load, tmp_path):
    columns = ["skdae dense", "skdae conv", "PCA", "IsolationForest", "OneClassSVM"]
    if importlib.util.find_spec("pyod") is not None:
        columns.append("PyOD AutoEncoder")
    out = tmp_path / "novelty.md"
    argv = ["--quick", "--classes", "0", "--ocsvm-train", "200", "--out", str(out)]
    argv += ["--models", *columns]
    assert load("novelty").main(argv) == 0
    text = out.read_text(encoding="utf-8")
    assert "Failures" not in text, text
    ((headings, rows), (_, fit_rows)) = tables(text)
    assert headings == ["class", *columns]
    assert [row[0] for row in rows] == ["0 T-shirt/top", "**mean**"]
    auc = [float(cell.strip("*")) for cell in rows[0][1:]]
    assert all(0 <= value <= 1 for value in auc)
    assert "## Goal" in text


def test_novelty_merges_runs_of_other_columns(load, tmp_path):
    novelty = load("novelty")
    for name in ("PCA", "IsolationForest"):
        argv = ["--quick", "--classes", "0", "--models", name]
        assert novelty.main([*argv, "--out", str(tmp_path / f"{name}.md")]) == 0
    out = tmp_path / "merged.md"
    paths = [str(tmp_path / f"{name}.json") for name in ("IsolationForest", "PCA")]
    assert novelty.main(["--merge", *paths, "--out", str(out)]) == 0
    ((headings, rows), _) = tables(out.read_text(encoding="utf-8"))
    assert headings == ["class", "PCA", "IsolationForest"]  # the table's order
    assert [row[0] for row in rows] == ["0 T-shirt/top", "**mean**"]


def test_scale_quick_run(load, tmp_path):
    """Quick mode in this process, then one run in a fresh process stopped at
    its limit (the full run's path): the larger size is then not tried."""
    scale = load("scale")
    if not (scale.DATA / "11_donors.npz").is_file():
        pytest.skip(f"ADBench's large tables are not in {scale.DATA}")
    out = tmp_path / "results" / "scale.md"
    assert scale.main(["--quick", "--out", str(out)]) == out
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# {scale.TITLE}\n")
    found = check_page(text)
    assert [headings[:3] for headings, _ in found[:4]] == [
        ["table", "rows", "of the table"]
    ] * 4  # detector and imputer, one table each per ADBench table
    assert [row[:3] for row in found[0][1]] == [
        ["11_donors", "100", "a tenth"],
        ["11_donors", "1000", "whole"],
    ]
    growth, goals = found[-2:]
    assert len(growth[1]) == len(scale.TABLES) * len(scale.METHODS)
    assert all(row[-1] in ("yes", "no") for row in goals[1])  # every goal decided
    (figure,) = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert (out.parent / figure).stat().st_size > 0
    stopped = tmp_path / "stopped" / "scale.md"
    argv = ["--quick", "--fresh", "--limit", "0.5", "--tables", "8_celeba"]
    scale.main([*argv, "--methods", "IsolationForest", "--out", str(stopped)])
    text = stopped.read_text(encoding="utf-8")
    assert "--limit 0.5 --tables 8_celeba --methods IsolationForest" in text
    rows = [row for _, rows in tables(text)[:1] for row in rows]
    assert [row[-1] for row in rows] == ["stopped after 0.5 s", "not run"]


@pytest.mark.slow  # minutes: BM3D and NL-means on 512 x 512 photos
def test_photos_quick_run(load, tmp_path):
    pytest.importorskip("skimage")  # the benchmarks extra
    pytest.importorskip("bm3d")
    if not (DATASETS.parent.parent / "set12").is_dir():
        pytest.skip("the photos are not in the shared data folder")
    out = tmp_path / "photos.md"
    load("photos").main(["--quick", "--out", str(out)])
    ((headings, rows),) = tables(out.read_text(encoding="utf-8"))
    assert headings[0] == "method" and len(rows) >= 2


def test_index_assembles_the_pages_in_order_with_working_links(load, tmp_path):
    pages = tmp_path / "results"
    pages.mkdir()
    (pages / "zeta.md").write_text("# Zeta\n\n- one\n", encoding="utf-8")
    (pages / "quality.md").write_text(
        "# Quality at σ=0.4\n\n- recorded\n\n## Part\n\n"
        "![curves](../figures/curves.png) and [defaults](defaults.md)\n\n"
        "```\n# not a heading\n```\n",
        encoding="utf-8",
    )
    (pages / "defaults.md").write_text("# Defaults\n\nbody\n", encoding="utf-8")
    text = load("index").assemble(pages, tmp_path / "RESULTS.md")
    headings = re.findall(r"^## (.+)$", text, re.M)
    assert headings == [
        "1. Defaults [defaults]",
        "2. Quality at σ=0.4 [quality]",
        "3. Zeta [zeta]",
    ]
    assert "[Quality at σ=0.4](#2-quality-at-σ04-quality)" in text
    assert "### Part" in text and "\n# not a heading\n" in text
    assert "![curves](figures/curves.png)" in text
    assert "[defaults](results/defaults.md)" in text


def test_results_md_is_the_index_of_the_committed_pages(load):
    """RESULTS.md is what ``python benchmarks/index.py`` makes of results/."""
    out = BENCHMARKS / "RESULTS.md"
    committed = out.read_text(encoding="utf-8")
    assert committed == load("index").assemble(BENCHMARKS / "results", out)
    for link in re.findall(r"\]\(((?:figures|results)/[^)#]+)\)", committed):
        assert (BENCHMARKS / link).exists(), link
