"""Assemble ``benchmarks/RESULTS.md`` from the pages in ``benchmarks/results/``.

Each benchmark script writes its own page, ``results/<name>.md``; this one puts
them in one file, in the order of :data:`ORDER` (then any other page), with a
table of contents, headings one level down and links rewritten to stay valid.
It measures nothing::

    python benchmarks/index.py                  # results/*.md -> RESULTS.md
    python benchmarks/index.py --pages benchmarks/output --suffix=-quick \
        --out benchmarks/output/RESULTS-quick.md       # the quick runs' pages
"""

import argparse
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = (
    "defaults",
    "quality",
    "pipeline",
    "tabular",
    "seeds",
    "robustness",
    "corruptions",
    "overhead",
    "time_to_quality",
    "noise_cost",
    "memory",
    "scaling",
    "novelty",
    "imputation",
    "imputation_speed",
    "adbench",
    "detector_cost",
    "scale",
    "photos",
    "gpu",
)
LINK = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)\)")


def assemble(pages_dir, out, suffix=""):
    """The index of the pages ``<name><suffix>.md`` in ``pages_dir``, with links
    made for a file ``out`` (which is not written)."""
    pages = {
        path.stem.removesuffix(suffix): path
        for path in sorted(Path(pages_dir).glob(f"*{suffix}.md"))
    }
    names = [n for n in ORDER if n in pages] + sorted(set(pages) - set(ORDER))
    scripts = {path.stem for path in HERE.glob("*.py")}
    missing = [n for n in ORDER if n not in pages and n in scripts]
    lines = [
        "# skdae benchmarks",
        "",
        "Assembled by `python benchmarks/index.py` from the pages in "
        "`benchmarks/results/`: each is written by the script of its name "
        "(`python benchmarks/<name>.py`, see `benchmarks/README.md`) and says how, "
        "when and on what machine it was measured. `make benchmarks` runs every "
        "script, then this one.",
        "",
    ]
    bodies = []
    for number, name in enumerate(names, 1):
        text = pages[name].read_text(encoding="utf-8")
        title, body = _demote(text, pages[name].parent, Path(out).parent)
        heading = f"{number}. {title} [{name}]"
        lines.append(f"{number}. [{title}](#{_anchor(heading)})")
        bodies += ["", f"## {heading}", "", *body]
    if missing:
        lines += ["", "No page yet from: " + ", ".join(f"`{n}.py`" for n in missing)]
    return "\n".join(lines + bodies).rstrip() + "\n"


def _demote(text, source, target):
    """The page's title, and its other lines with headings one level down and
    relative links made relative to ``target`` instead of ``source``."""
    title, body, fenced = None, [], False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        if not fenced and title is None and line.startswith("# "):
            title = line[2:].strip()
            continue
        if not fenced and line.startswith("#"):
            line = "#" + line
        body.append(
            LINK.sub(lambda m: m[1] + _relink(m[2], source, target) + ")", line)
        )
    while body and not body[0].strip():
        body.pop(0)
    return title or source.name, body


def _relink(link, source, target):
    if re.match(r"^([a-z]+:|#|/)", link):
        return link
    return Path(os.path.relpath(Path(source) / link, target)).as_posix()


def _anchor(heading):
    """GitHub's anchor of a heading."""
    kept = [c for c in heading.lower() if c.isalnum() or c in " -_"]
    return "".join(kept).replace(" ", "-")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=HERE / "results")
    parser.add_argument("--suffix", default="", help="pages are <name><suffix>.md")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    text = assemble(args.pages, args.out, args.suffix)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
