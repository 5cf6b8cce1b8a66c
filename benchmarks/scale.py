"""Fit cost against rows: ADBench's two large tables, 10,000 rows to whole (issue 27).

How a fit's cost grows with the rows of a table, for both tabular estimators,
against the tools a user would pick instead:

- detector: ``AutoencoderOutlierDetector(random_state=0)`` (its defaults; it
  scales the raw columns itself) against ``IsolationForest(random_state=0)``;
  ROC AUC of ``-score_samples`` against ``y`` on the rows fitted, and fit seconds;
- imputer: 20 % of the entries hidden completely at random (seeded, every row
  keeps an observed entry: ``imputation.hide``), the imputers given the raw
  values; ``AutoencoderImputer(random_state=0)`` against ``IterativeImputer``,
  ``KNNImputer()`` and MissForest at its own budget (``IterativeImputer`` with
  ``RandomForestRegressor(n_estimators=100, max_features="sqrt")``, 10
  iterations); RMSE over the hidden entries of the table with each column
  divided by its standard deviation, and ``fit_transform`` seconds.

Tables: ``11_donors`` (619,326 x 10) and ``8_celeba`` (202,599 x 39) of
``../shared/data/tabular/adbench``, at 10k, 30k, a tenth of the table (the
goal's ratio), 100k, 300k rows and whole (sizes above a table's rows skipped),
rows drawn at random (seed 0, stratified on ``y``; the same rows for every
method).

Each (method, table, size) runs in its own fresh Python process (TensorFlow
keeps process-wide state that a later fit would inherit) under a wall-clock
limit (``--limit``, 1800 s): a run past it is stopped, reported as stopped with
its extrapolated time, and the method is not tried at larger sizes of that
table. The extrapolation starts from the largest size that finished and uses
the growth exponent measured between the two largest finished sizes (1, linear,
when only one finished). The autoencoders print each epoch (``verbose=2``), the
iterative imputers each round, and this script a line per finished run.

    python benchmarks/scale.py                  # hours on 2 CPU cores
    python benchmarks/scale.py --quick          # smoke run, in this process
    python benchmarks/scale.py --tables 11_donors --sizes 10k tenth whole \\
        --methods "skdae detector" IsolationForest --limit 600
    python benchmarks/scale.py --resume --methods KNNImputer   # add to the page

Every run's record is kept in ``<page>.json`` beside the page; ``--resume``
reuses the records there and runs only what they lack, so a page can be built
in parts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import common

TITLE = "Fit cost against rows: 11_donors and 8_celeba"
DATA = common.TABULAR / "adbench"
TABLES = ("11_donors", "8_celeba")
#: Row counts: numbers (``10k`` is 10,000), ``tenth`` (a tenth of the table,
#: the goal's ratio) and ``whole``.
SIZES = ("10k", "30k", "tenth", "100k", "300k", "whole")
#: Quick mode: each table cut to QUICK_ROWS random rows (its "whole"), at a
#: tenth of them and whole.
QUICK_ROWS, QUICK_SIZES = 1000, ("tenth", "whole")
#: Seconds a run may take (its whole process) before it is stopped.
LIMIT, QUICK_LIMIT = 1800.0, 120.0
SEED = 0
MISSING = "MCAR 20 %"
DETECTORS = ("skdae detector", "IsolationForest")
IMPUTERS = ("skdae imputer", "IterativeImputer", "KNNImputer", "MissForest")
METHODS = DETECTORS + IMPUTERS
SKDAE = {"skdae detector": "detector", "skdae imputer": "imputer"}
#: MissForest at its own budget; quick mode shrinks it.
FOREST = {"n_estimators": 100, "max_features": "sqrt", "n_jobs": -1}
FOREST_ITER = 10
QUICK_FOREST, QUICK_FOREST_ITER = {"n_estimators": 5}, 2
#: Quick mode: IterativeImputer's rounds (its default is 10).
QUICK_ITER = 2
#: The goals, on the whole of GOAL_TABLE: skdae's fit on the whole at most
#: GOAL_RATIO x its fit on a tenth; the imputer under GOAL_IMPUTER_S seconds with
#: an RMSE below IterativeImputer's; the detector under GOAL_DETECTOR_S seconds
#: with an AUC at least IsolationForest's.
GOAL_TABLE, GOAL_RATIO, GOAL_IMPUTER_S, GOAL_DETECTOR_S = "11_donors", 3.0, 600, 120
#: The choices of the command line (set by :func:`main`).
OPTIONS = {
    "tables": TABLES,
    "sizes": None,
    "methods": METHODS,
    "limit": None,
    "fresh": None,
    "resume": False,
    "records": None,
}


# ----------------------------------------------------------------- one run
def table_rows(table, quick=False):
    """Rows of a table (:data:`QUICK_ROWS` at most in quick mode)."""
    with np.load(DATA / f"{table}.npz") as data:
        rows = len(data["y"])
    return min(rows, QUICK_ROWS) if quick else rows


def sample(table, rows, seed=SEED):
    """``X`` (float64) and ``y`` of ``rows`` random rows of a table, stratified
    on ``y`` (the whole table when ``rows`` is its size)."""
    from sklearn.model_selection import train_test_split

    with np.load(DATA / f"{table}.npz") as data:
        X, y = data["X"].astype(np.float64), data["y"].astype(int).ravel()
    if rows < len(y):
        X, _, y, _ = train_test_split(
            X, y, train_size=rows, stratify=y, random_state=seed
        )
    return X, y


def build(method, seed, quick):
    """A new estimator of ``method``, showing its progress where it can."""
    from sklearn.ensemble import IsolationForest, RandomForestRegressor
    from sklearn.experimental import enable_iterative_imputer  # noqa: F401
    from sklearn.impute import IterativeImputer, KNNImputer

    from skdae import AutoencoderImputer, AutoencoderOutlierDetector

    tiny = {"autoencoder__epochs": 1} if quick else {}
    if method == "skdae detector":
        return AutoencoderOutlierDetector(random_state=seed).set_params(
            autoencoder__verbose=2, **tiny
        )
    if method == "skdae imputer":
        return AutoencoderImputer(random_state=seed).set_params(
            autoencoder__verbose=2, **tiny
        )
    if method == "IsolationForest":
        return IsolationForest(random_state=seed)
    if method == "IterativeImputer":
        quicker = {"max_iter": QUICK_ITER} if quick else {}
        return IterativeImputer(random_state=seed, verbose=1, **quicker)
    if method == "KNNImputer":
        return KNNImputer()
    if method == "MissForest":
        forest = {**FOREST, **(QUICK_FOREST if quick else {})}
        return IterativeImputer(
            estimator=RandomForestRegressor(random_state=seed, **forest),
            max_iter=QUICK_FOREST_ITER if quick else FOREST_ITER,
            random_state=seed,
            verbose=1,
        )
    raise ValueError(f"unknown method {method!r}")


def measure(method, table, rows, seed=SEED, quick=False):
    """One run in this process: ``{"quality", "seconds"}`` (AUC and fit
    seconds for a detector, RMSE and fit + transform seconds for an imputer)."""
    X, y = sample(table, rows, seed)
    model = build(method, seed, quick)
    if method in DETECTORS:
        from sklearn.metrics import roc_auc_score

        _, seconds = common.timed(lambda: model.fit(X))
        auc = roc_auc_score(y, -model.score_samples(X))
        return {"quality": float(auc), "seconds": seconds}
    mask = common.sibling("imputation").hide(X, MISSING, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # IterativeImputer's ConvergenceWarning
        filled, seconds = common.timed(
            lambda: model.fit_transform(np.where(mask, np.nan, X))
        )
    return {"quality": scaled_rmse(X, filled, mask), "seconds": seconds}


def scaled_rmse(X, filled, mask):
    """RMSE over the hidden entries, each column divided by its standard
    deviation in ``X`` (1 where constant)."""
    std = X.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    errors = ((filled - X) / std)[mask]
    return float(np.sqrt(np.mean(errors**2)))


def in_fresh_process(method, table, rows, limit, quick=False):
    """:func:`measure` in a fresh Python process, stopped after ``limit``
    seconds: the record, with ``status`` "done", "stopped" or "failed".

    The process's output goes to this one's (the epochs' progress); its result
    comes back through a file. It runs in a session of its own, so that
    stopping it stops whatever it started; an interrupt of this script stops it
    too.
    """
    import skdae

    root = str(Path(skdae.__file__).resolve().parents[1])  # the same skdae
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    job = {"method": method, "table": table, "rows": rows, "quick": quick}
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker"]
        start = time.perf_counter()
        process = subprocess.Popen(
            [*command, json.dumps(job), str(out)], env=env, start_new_session=True
        )
        try:
            code = process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            _stop(process)
            return {"status": "stopped", "seconds": float(limit)}
        except BaseException:
            _stop(process)
            raise
        wall = time.perf_counter() - start
        if code != 0 or not out.is_file():
            return {"status": "failed", "error": f"exit status {code}", "wall": wall}
        return {"status": "done", **json.loads(out.read_text()), "wall": wall}


def _stop(process):
    """Kill ``process`` and its session (the processes it started)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


# -------------------------------------------------------------- the page
def resolve_sizes(tokens, n):
    """``[(rows, note)]`` of a table of ``n`` rows, ascending, sizes above
    ``n`` left out (``whole`` is ``n``, ``tenth`` is ``n / 10``)."""
    found = {}
    for token in tokens:
        token = str(token).strip().lower()
        if token == "whole":
            found[n] = "whole"
        elif token == "tenth":
            found.setdefault(round(n / 10), "a tenth")
        else:
            rows = int(float(token[:-1]) * 1000) if token.endswith("k") else int(token)
            if rows < n:
                found.setdefault(rows, "")
            elif rows == n:
                found[n] = "whole"
    return sorted(found.items())


def run(quick):
    """Every chosen (table, size, method) in turn; the page."""
    limit = OPTIONS["limit"] or (QUICK_LIMIT if quick else LIMIT)
    fresh = OPTIONS["fresh"] if OPTIONS["fresh"] is not None else not quick
    tokens = OPTIONS["sizes"] or (QUICK_SIZES if quick else SIZES)
    methods = [m for m in METHODS if m in OPTIONS["methods"]]
    path = OPTIONS["records"]
    records = []
    if OPTIONS["resume"] and path is not None and path.is_file():
        records = json.loads(path.read_text(encoding="utf-8"))
    done = {(r["table"], r["method"], r["rows"]): r for r in records}
    tables = [t for t in TABLES if t in OPTIONS["tables"]]
    sizes = {t: resolve_sizes(tokens, table_rows(t, quick)) for t in tables}
    for table in tables:
        given_up = set()  # stopped or failed at a smaller size
        for rows, note in sizes[table]:
            for method in methods:
                key = (table, method, rows)
                if key in done:
                    if done[key]["status"] in ("stopped", "failed", "skipped"):
                        given_up.add(method)
                    continue
                record = {"table": table, "method": method, "rows": rows}
                record["note"] = note
                if method in given_up:
                    record["status"] = "skipped"
                elif fresh:
                    record.update(in_fresh_process(method, table, rows, limit, quick))
                else:
                    record.update(
                        status="done", **measure(method, table, rows, SEED, quick)
                    )
                if record["status"] != "done":
                    given_up.add(method)
                done[key] = record
                _report(record)
                if path is not None:  # after every run: a stopped script keeps them
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(json.dumps(list(done.values()), indent=1))
    # The page shows every record kept (with --resume, those of earlier parts
    # too), so that a page built in parts shows all of them.
    return page(list(done.values()), quick, limit, fresh, tokens)


def _report(record):
    what = f"{record['table']} {record['rows']:>7} rows  {record['method']:16s}"
    if record["status"] == "done":
        name = "AUC" if record["method"] in DETECTORS else "RMSE"
        text = f"{name} {record['quality']:.4f}  {record['seconds']:8.1f} s"
    elif record["status"] == "stopped":
        text = f"stopped after {record['seconds']:.4g} s"
    else:
        text = record["status"] + (f" ({record['error']})" if "error" in record else "")
    print(f"{what} {text}", file=sys.stderr, flush=True)


def extrapolate(records):
    """Each record of one (table, method), ascending, with ``estimate`` (the
    extrapolated seconds of a run that did not finish) and ``at_least`` (the
    seconds it is known to take: those a run at its size or a smaller one was
    stopped after, as time grows with rows); the ``exponent`` used and the
    number of runs that finished."""
    records = sorted(records, key=lambda r: r["rows"])
    finished = [(r["rows"], r["seconds"]) for r in records if r["status"] == "done"]
    exponent = 1.0
    if len(finished) >= 2:
        (n0, t0), (n1, t1) = finished[-2:]
        exponent = max(0.0, math.log(t1 / t0) / math.log(n1 / n0))
    at_least = None
    for record in records:
        if record["status"] == "stopped" and at_least is None:
            at_least = record["seconds"]
        record["estimate"], record["at_least"] = None, None
        if record["status"] != "done":
            record["at_least"] = at_least
            if finished and record["rows"] > finished[-1][0]:
                n1, t1 = finished[-1]
                record["estimate"] = t1 * (record["rows"] / n1) ** exponent
    return records, exponent if finished else None, len(finished)


def cell(record):
    """The seconds' cell of a record."""
    if record is None:
        return None
    estimate, at_least = record.get("estimate"), record.get("at_least")
    about = f" (about {estimate:,.0f} s extrapolated)" if estimate else ""
    if estimate and at_least and estimate < at_least:
        about = f" (at least {at_least:.4g} s; extrapolated {estimate:,.0f} s)"
    if record["status"] == "done":
        return round(record["seconds"], 2 if record["seconds"] < 10 else 1)
    if record["status"] == "stopped":
        if estimate and estimate < record["seconds"]:
            about = f" (extrapolated {estimate:,.0f} s: it grew faster)"
        return f"stopped after {record['seconds']:.4g} s{about}"
    if record["status"] == "skipped":
        return f"not run{about}"
    return f"failed ({record.get('error', '')}){about}"


def quality(record):
    if record is None or record["status"] != "done":
        return None
    return round(record["quality"], 4)


def page(records, quick, limit, fresh, tokens):
    by = {(r["table"], r["method"]): [] for r in records}
    for record in records:
        by[(record["table"], record["method"])].append(record)
    exponents = {}
    for key, group in by.items():
        by[key], *exponents[key] = extrapolate(group)
    tables = list(dict.fromkeys(r["table"] for r in records))
    lines = [
        "How the fit's cost grows with the rows of a table: ADBench's `11_donors` "
        "(619,326 x 10) and `8_celeba` (202,599 x 39), at "
        f"{', '.join(tokens)} rows (sizes above a table's rows left out; `a "
        "tenth` of each table for the goal's ratio), rows drawn at random (seed "
        f"{SEED}, stratified on y; the same rows for every method).",
        "",
        "- "
        + (
            f"Each run (method, table, size) in a fresh Python process, stopped "
            f"after {limit:.0f} s of wall time (its whole process); a method "
            "stopped at one size is not tried at larger ones of that table. "
            if fresh
            else "Each run in this process (quick mode), without a time limit. "
        )
        + "The time of a run that did not finish is extrapolated from the run "
        "at the largest size that finished, by the growth exponent measured "
        "between the two largest finished sizes (1, linear, where only one "
        "finished: assumed), and is at least the limit it ran past. Timings are of one "
        "run on 2 shared CPU cores: they move with the other jobs' load.",
        "- Detector: `AutoencoderOutlierDetector(random_state=0)` (its defaults, "
        "on the raw columns: it scales them itself) and "
        "`IsolationForest(random_state=0)`; ROC AUC of `-score_samples` on the "
        "rows fitted, against y; fit seconds.",
        "- Imputer: 20 % of the entries hidden completely at random (seed "
        f"{SEED}, every row keeps one: `imputation.hide`), the raw values given "
        "to `fit_transform`; RMSE over the hidden entries with each column "
        "divided by its standard deviation (the imputation page min-max scales "
        "instead); fit + transform seconds. `AutoencoderImputer(random_state=0)`, "
        "`IterativeImputer(random_state=0)`, `KNNImputer()` and MissForest at its "
        "own budget: `IterativeImputer(RandomForestRegressor(n_estimators=100, "
        f'max_features="sqrt", n_jobs=-1), max_iter={FOREST_ITER})`'
        + (
            f" (quick: {QUICK_FOREST['n_estimators']} trees, "
            f"{QUICK_FOREST_ITER} iterations; IterativeImputer {QUICK_ITER} "
            f"rounds; autoencoders 1 epoch; each table cut to {QUICK_ROWS} random "
            "rows, its whole)"
            if quick
            else ""
        )
        + ".",
    ]
    for title, methods, name in (
        ("Detector: ROC AUC and fit seconds", DETECTORS, "AUC"),
        ("Imputer: RMSE and fit + transform seconds", IMPUTERS, "RMSE"),
    ):
        present = [m for m in methods if any((t, m) in by for t in tables)]
        if not present:
            continue
        lines += ["", f"## {title}", ""]
        for table in tables:
            sizes = sorted({r["rows"] for m in present for r in by.get((table, m), [])})
            if not sizes:
                continue
            rows = []
            for size in sizes:
                found = {
                    m: next(
                        (r for r in by.get((table, m), []) if r["rows"] == size), None
                    )
                    for m in present
                }
                note = next((r["note"] for r in found.values() if r), "")
                row = [table, size, note]
                for m in present:
                    row += [quality(found[m]), cell(found[m])]
                rows.append(row)
            header = ["table", "rows", "of the table"]
            for m in present:
                header += [f"{m} {name}", f"{m} s"]
            lines += [common.table(header, rows), ""]
    lines += growth(by, exponents, tables, limit)
    lines += ["", figure(by, tables, limit)]
    lines += goals(by, limit, quick)
    return "\n".join(lines)


def ratio(group):
    """``(tenth, whole, ratio, bound)``: the records at a tenth and whole and
    their seconds' ratio; ``bound`` says the ratio is a lower bound (the whole
    table's run, or a smaller one, was stopped)."""
    tenth = next((r for r in group if r["note"] == "a tenth"), None)
    whole = next((r for r in group if r["note"] == "whole"), None)
    if tenth is None or whole is None or tenth["status"] != "done":
        return tenth, whole, None, False
    if whole["status"] == "done":
        return tenth, whole, whole["seconds"] / tenth["seconds"], False
    if whole.get("at_least"):
        return tenth, whole, whole["at_least"] / tenth["seconds"], True
    return tenth, whole, None, False


def _exponent(value, finished):
    """The exponent's cell: measured from two sizes, or assumed from one."""
    if finished >= 2:
        return round(value, 2)
    return "1 (assumed)" if finished == 1 else None


def growth(by, exponents, tables, limit):
    rows = []
    for table in tables:
        for method in METHODS:
            group = by.get((table, method))
            if not group:
                continue
            tenth, whole, value, bound = ratio(group)
            estimate = None
            if tenth and whole and tenth["status"] == "done" and whole.get("estimate"):
                guess = max(whole["estimate"], whole.get("at_least") or 0)
                estimate = round(guess / tenth["seconds"], 1)
            rows.append(
                [
                    table,
                    method,
                    cell(tenth),
                    cell(whole),
                    None if value is None else (f">= {value:.2f}" if bound else value),
                    estimate,
                    _exponent(*exponents[(table, method)]),
                ]
            )
    return [
        "## Growth: whole table against a tenth of it",
        "",
        "Fit seconds (fit + transform for the imputers) on the whole table over "
        "those on a tenth of its rows (the issue's goal: at most "
        f"{GOAL_RATIO:g}x for both skdae estimators on {GOAL_TABLE}); where the "
        "whole table's run (or a smaller one) was stopped, the ratio is at least "
        "the stop's seconds over the tenth's, "
        "and the extrapolated ratio is given. Exponent: of seconds against rows "
        "between the two largest sizes that finished (1 is linear).",
        "",
        common.table(
            [
                "table",
                "method",
                "a tenth s",
                "whole s",
                "whole / tenth",
                "extrapolated ratio",
                "exponent",
            ],
            rows,
        ),
    ]


def figure(by, tables, limit):
    """Log-log fit seconds against rows, one panel per table, a line per
    method: measured solid, extrapolated dashed, stops marked x."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(tables), figsize=(6 * len(tables), 4.5))
    axes = np.atleast_1d(axes)
    colors = dict(
        zip(METHODS, plt.rcParams["axes.prop_cycle"].by_key()["color"], strict=False)
    )
    for ax, table in zip(axes, tables, strict=True):
        for method in METHODS:
            group = by.get((table, method))
            if not group:
                continue
            done = [(r["rows"], r["seconds"]) for r in group if r["status"] == "done"]
            guessed = [(r["rows"], r["estimate"]) for r in group if r.get("estimate")]
            stopped = [
                (r["rows"], r["seconds"]) for r in group if r["status"] == "stopped"
            ]
            style = {"color": colors[method]}
            if done:
                ax.plot(*zip(*done, strict=True), "o-", label=method, **style)
            if guessed and done:
                ax.plot(*zip(done[-1], *guessed, strict=True), "--", **style)
            if stopped:
                ax.plot(*zip(*stopped, strict=True), "x", markersize=10, **style)
        ax.axhline(limit, color="gray", linestyle=":", linewidth=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("rows")
        ax.set_ylabel("fit (+ transform) seconds")
        ax.set_title(table)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    fig.suptitle(
        "Fit seconds against rows (dashed: extrapolated; x: stopped at the limit, "
        "dotted)",
        fontsize=10,
    )
    fig.tight_layout()
    return common.save_figure(fig, "scale.png")


def goals(by, limit, quick):
    def whole(method):
        group = by.get((GOAL_TABLE, method), [])
        return next((r for r in group if r["note"] == "whole"), None)

    rows = []
    for method in ("skdae detector", "skdae imputer"):
        tenth, full, value, bound = ratio(by.get((GOAL_TABLE, method), []))
        met = None
        if value is not None:
            met = (
                value <= GOAL_RATIO
                if not bound
                else (False if value > GOAL_RATIO else None)
            )
        shown = (
            None if value is None else (f">= {value:.2f}" if bound else round(value, 2))
        )
        rows.append(
            [f"{method}: whole / a tenth <= {GOAL_RATIO:g}", shown, GOAL_RATIO, met]
        )
    for method, rival, seconds, better in (
        ("skdae imputer", "IterativeImputer", GOAL_IMPUTER_S, "RMSE below"),
        ("skdae detector", "IsolationForest", GOAL_DETECTOR_S, "AUC at least"),
    ):
        ours, theirs = whole(method), whole(rival)
        fast = None
        if ours is not None and ours["status"] == "done":
            fast = ours["seconds"] < seconds
        elif ours is not None and (ours.get("at_least") or 0) >= seconds:
            fast = False  # stopped past the goal's time (here or smaller)
        rows.append(
            [f"{method}: whole table in under {seconds} s", cell(ours), seconds, fast]
        )
        q_ours, q_theirs = quality(ours), quality(theirs)
        met = None
        if q_ours is not None and q_theirs is not None:
            met = q_ours < q_theirs if better.startswith("RMSE") else q_ours >= q_theirs
        rows.append(
            [f"{method}: whole table, {better} {rival}'s", q_ours, q_theirs, met]
        )
    lines = [
        "",
        "## Goals",
        "",
        f"On the whole `{GOAL_TABLE}` (issue 27), computed from this run's "
        "measurements (a dash: not measured in this run, or a stop that does not "
        "decide it)." + (" Quick run: the numbers mean nothing." if quick else ""),
        "",
        common.table(["goal", "skdae", "goal or control", "met"], rows),
    ]
    return lines


# ---------------------------------------------------------- command line
def main(argv=None):
    """Parse this script's options, then run :func:`run` through
    ``common.main``; the page's command line is the whole one."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=TITLE, add_help=False)
    parser.add_argument("--tables", nargs="+", choices=TABLES, default=TABLES)
    parser.add_argument(
        "--sizes", nargs="+", help="row counts (10k, 30000), tenth, whole"
    )
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=METHODS)
    parser.add_argument(
        "--limit", type=float, help=f"seconds a run may take ({LIMIT:g})"
    )
    parser.add_argument(
        "--fresh",
        action=argparse.BooleanOptionalAction,
        help="each run in a fresh process under the limit (default: not in --quick)",
    )
    parser.add_argument(
        "--resume", action="store_true", help="reuse the records of <page>.json"
    )
    args, rest = parser.parse_known_args(argv)
    quick = "--quick" in rest
    out = None
    if "--out" in rest:
        out = Path(rest[rest.index("--out") + 1])
    else:
        out = common.HERE / ("output/scale-quick.md" if quick else "results/scale.md")
        rest += ["--out", str(out)]
    OPTIONS.update(
        tables=args.tables,
        sizes=args.sizes,
        methods=args.methods,
        limit=args.limit,
        fresh=args.fresh,
        resume=args.resume,
        records=out.with_suffix(".json"),
    )
    written = common.main("scale", TITLE, run, rest)
    # common.main writes its own options only: put the whole command line back
    text = written.read_text(encoding="utf-8")
    shown = " ".join(["python", "benchmarks/scale.py", *rest])
    whole = shlex.join(["python", "benchmarks/scale.py", *argv])
    written.write_text(text.replace(f"`{shown}`", f"`{whole}`", 1), encoding="utf-8")
    return written


if __name__ == "__main__":
    if "--worker" in sys.argv:  # one run in this fresh process
        at = sys.argv.index("--worker")
        job = json.loads(sys.argv[at + 1])
        result = measure(**job)
        Path(sys.argv[at + 2]).write_text(json.dumps(result))
    else:
        main()
