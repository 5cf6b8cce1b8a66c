"""What a benchmark returns (tables, notes, figures), its goals, and its JSON file.

Every benchmark builds one :class:`Section`. The runner saves each section as
``results/<name>.json`` as soon as it is done, so a crash later in the run keeps
the finished ones, and the markdown report is rendered from those files.
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_COMPARISONS = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}


@dataclass
class Column:
    """A table column: the row key, its heading, and how numbers are formatted."""

    key: str
    heading: str
    fmt: str = ".4g"


#: File of the run's header (machine and versions), beside the sections.
HEADER_FILE = "_header.json"

#: The two columns of a row that has a goal, filled by :func:`goal`.
GOAL_COLUMNS = [Column("goal", "goal"), Column("met", "met")]


@dataclass
class Table:
    """A table: columns, and rows as dicts from column key to cell value.

    A missing cell or None renders as an em dash, a bool as yes/no.
    """

    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    caption: str = ""

    def add(self, **cells: Any) -> dict[str, Any]:
        """Append a row and return it (so goal cells can be added later)."""
        unknown = set(cells) - {column.key for column in self.columns}
        if unknown:
            raise KeyError(f"no columns {sorted(unknown)} in this table")
        self.rows.append(cells)
        return cells


@dataclass
class Section:
    """The outcome of one benchmark."""

    name: str
    title: str
    description: str
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    wall_seconds: float | None = None
    position: int = 0


def goal(
    value: float | None, comparison: str, target: float, text: str | None = None
) -> dict[str, Any]:
    """The ``goal`` and ``met`` cells of a row, computed from measured numbers.

    Parameters
    ----------
    value : float or None
        The measured number; None (never reached, not measured) or NaN fails.
    comparison : {"<=", "<", ">=", ">"}
        How ``value`` must compare with ``target``.
    target : float
        The bound, itself measured or a fixed goal.
    text : str or None, default=None
        How the goal reads in the table; ``"<comparison> <target>"`` by default.

    Returns
    -------
    dict
        ``{"goal": text, "met": bool}``, to merge into a row.
    """
    met = (
        value is not None
        and not math.isnan(value)
        and bool(_COMPARISONS[comparison](value, target))
    )
    return {"goal": text or f"{comparison} {target:.4g}", "met": met}


def save(section: Section, results_dir: Path) -> Path:
    """Write ``section`` to ``results_dir/<name>.json`` and return the path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{section.name}.json"
    text = json.dumps(asdict(section), indent=1, default=_json_default)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load_all(results_dir: Path) -> list[Section]:
    """Every saved section in ``results_dir``, in benchmark order."""
    sections = []
    for path in sorted(results_dir.glob("*.json")):
        if path.name == HEADER_FILE:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        data["tables"] = [
            Table(
                columns=[Column(**column) for column in table["columns"]],
                rows=table["rows"],
                caption=table.get("caption", ""),
            )
            for table in data["tables"]
        ]
        sections.append(Section(**data))
    return sorted(sections, key=lambda section: section.position)


def save_header(header: dict[str, Any], results_dir: Path) -> None:
    """Write the run's header beside the sections."""
    results_dir.mkdir(parents=True, exist_ok=True)
    text = json.dumps(header, indent=1, default=_json_default)
    (results_dir / HEADER_FILE).write_text(text + "\n", encoding="utf-8")


def load_header(results_dir: Path) -> dict[str, Any]:
    """The run's header, or an empty dict when there is none."""
    path = results_dir / HEADER_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _json_default(value: Any) -> Any:
    """NumPy scalars and arrays, and paths, as plain JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot save {type(value).__name__} in a result")
