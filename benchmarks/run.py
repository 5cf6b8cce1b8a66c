"""Run skdae's benchmarks and write ``benchmarks/RESULTS.md``.

Usage::

    python benchmarks/run.py                  # everything: benchmarks/RESULTS.md
    python benchmarks/run.py --only quality memory
    python benchmarks/run.py --quick          # smoke run of every code path

It prints its plan (with estimated minutes per section) and one progress line
per step on stderr, and each section's wall time when it is done.

Every benchmark saves its tables as ``results/<name>.json`` beside the report as
soon as it finishes, and the report is rendered again from the saved files, so a
crash keeps what was done. Each run starts from an empty ``results/`` folder.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import fmnist  # noqa: E402  (first: an offline KERAS_HOME before Keras loads)

# isort: split
import argparse  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

matplotlib.use("Agg")

import corruptions  # noqa: E402
import machine  # noqa: E402
import memory  # noqa: E402
import noise_cost  # noqa: E402
import overhead  # noqa: E402
import pipeline  # noqa: E402
import quality  # noqa: E402
import report  # noqa: E402
import robustness  # noqa: E402
import scaling  # noqa: E402
import seeds  # noqa: E402
from config import Config  # noqa: E402
from context import Context  # noqa: E402
from measure import timed  # noqa: E402
from progress import duration, elapsed, log  # noqa: E402
from results import Section, load_header, save, save_header  # noqa: E402

#: The benchmarks, in the order they run and appear in the report.
BENCHMARKS = (
    quality,
    pipeline,
    seeds,
    robustness,
    corruptions,
    overhead,
    noise_cost,
    memory,
    scaling,
)
NAMES = tuple(module.NAME for module in BENCHMARKS)

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "RESULTS.md"
#: Quick runs write beside the real report, in a folder git ignores.
DEFAULT_QUICK_OUT = HERE / "output" / "RESULTS-quick.md"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description="Run skdae's benchmarks on Fashion-MNIST and write a markdown "
        "report, with results/*.json and figures/*.png beside it.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke mode: tiny random subsets, 1 epoch, 1 repeat (numbers mean "
        f"nothing); writes {DEFAULT_QUICK_OUT.relative_to(HERE.parent)} by default",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=NAMES,
        metavar="NAME",
        help=f"run only these benchmarks (of: {', '.join(NAMES)})",
    )
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        metavar="N",
        help="threads of NumPy's BLAS, used by PCA and LogisticRegression; 0 keeps "
        "the library's default (default: 1, since OpenBLAS threads that spin "
        "on busy shared cores can make those fits 20 times slower; Keras is "
        "not affected)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"the markdown report (default: {DEFAULT_OUT.relative_to(HERE.parent)})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; return 0 when all of them finished."""
    args = parse_args(argv)
    if args.blas_threads <= 0:
        return run(args)
    with threadpool_limits(limits=args.blas_threads, user_api="blas"):
        return run(args)


def run(args: argparse.Namespace) -> int:
    """Run the benchmarks the parsed command line asks for; 0 when all finished."""
    out = args.out or (DEFAULT_QUICK_OUT if args.quick else DEFAULT_OUT)
    config = Config(quick=args.quick, out=out.resolve())
    chosen = [m for m in BENCHMARKS if not args.only or m.NAME in args.only]
    _print_plan(chosen, config.quick)

    _clear(config.results_dir)
    command = shlex.join([Path(sys.executable).name, *sys.argv])
    header = machine.describe(quick=config.quick, command=command)
    header["BLAS threads"] = args.blas_threads or "library default"
    save_header(header, config.results_dir)
    data, seconds = timed(lambda: fmnist.load(config.n_train, config.n_test))
    log(
        f"loaded Fashion-MNIST: {len(data.x_train)} training and "
        f"{len(data.x_test)} test images ({duration(seconds)})"
    )
    ctx = Context(config=config, data=data, log=log)

    failed = []
    for module in chosen:
        log(f"{module.NAME}: start")
        start = elapsed()
        try:
            section = module.run(ctx)
        except Exception:
            failed.append(module.NAME)
            error = traceback.format_exc()
            log(f"{module.NAME}: FAILED\n{error}")
            section = Section(
                name=module.NAME,
                title=module.TITLE,
                description=f"FAILED:\n\n```\n{error.strip()}\n```",
            )
        section.wall_seconds = elapsed() - start
        section.position = BENCHMARKS.index(module) + 1
        save(section, config.results_dir)
        report.render(config.results_dir, config.figures_dir, config.out)
        outcome = "FAILED after" if module.NAME in failed else "done in"
        log(f"{module.NAME}: {outcome} {duration(section.wall_seconds)}")

    header = load_header(config.results_dir)
    header["total wall time"] = duration(elapsed())
    save_header(header, config.results_dir)
    report.render(config.results_dir, config.figures_dir, config.out)
    log(f"wrote {config.out} ({duration(elapsed())} in all)")
    if failed:
        log(f"failed: {', '.join(failed)}")
        return 1
    return 0


def _print_plan(chosen, quick: bool) -> None:
    if quick:
        log("quick mode: " + ", ".join(m.NAME for m in chosen))
        return
    total = sum(m.ESTIMATED_MINUTES for m in chosen)
    log(f"plan (estimated minutes on 2 CPU cores; about {total} min in all):")
    for module in chosen:
        log(
            f"  {BENCHMARKS.index(module) + 1}. {module.NAME}: "
            f"~{module.ESTIMATED_MINUTES} min"
        )


def _clear(results_dir: Path) -> None:
    """Remove the previous run's results, so the report reflects this run only."""
    if results_dir.is_dir():
        for path in results_dir.glob("*.json"):
            path.unlink()
    results_dir.mkdir(parents=True, exist_ok=True)


if __name__ == "__main__":
    sys.exit(main())
