"""Render records for people (tables) and for programs (JSON, JSON Lines, CSV).

Everything here treats field values as hostile: terminal control sequences are stripped (from every
format: a file name in a CSV cell reaches the terminal too), Rich markup is never interpreted, and CSV
cells that a spreadsheet would run as a formula are defused.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "jsonl", "csv")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Columns whose values must show whole (ids, dates, codes): never shrunk by the table layout.
WHOLE_COLUMNS = {"id": 16, "published": 10, "language": 8, "word_count": 10, "reason": 12, "last_seen": 25}
MIN_COLUMN = 8
TAIL_COLUMNS = frozenset({"source", "url"})  # where the end (the file name) says most, shorten from the left


def as_dict(record: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return dataclasses.asdict(record)
    return dict(record)


def field_names(record_type: type) -> tuple[str, ...]:
    """A record type's fields: the CSV header of a listing even when it has no rows."""
    return tuple(f.name for f in dataclasses.fields(record_type))


def terminal_safe(value: object, width: int | None = None, *, keep_end: bool = False) -> str:
    """One-line text with control characters (ANSI escapes included) removed, optionally shortened."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("", text.replace("\n", " ").replace("\t", " "))
    if width is not None and len(text) > width:
        text = "…" + text[-(width - 1) :] if keep_end else text[: width - 1] + "…"
    return text


def without_controls(value: Any) -> Any:
    """Strings (inside lists and mappings too) without C0/C1 control characters, tab and newline aside."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, Mapping):
        return {k: without_controls(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_controls(v) for v in value]
    return value


def spreadsheet_safe(value: object) -> object:
    """Prefix text that spreadsheets would evaluate as a formula (CSV injection) with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render(
    records: Iterable[Any],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    widths: Mapping[str, int] | None = None,
    console: Console | None = None,
    title: str | None = None,
) -> str | None:
    """Render records as ``fmt``; tables are printed to ``console``, other formats returned as text."""
    rows = [as_dict(r) for r in records]
    if fmt in ("json", "jsonl", "csv"):
        rows = [without_controls(r) for r in rows]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2)
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).rstrip("\n")
    if fmt == "csv":
        fields = list(rows[0]) if rows else list(columns or [])
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
        return buffer.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    cols = list(columns or (rows[0].keys() if rows else []))
    widths = widths or {}
    cells = [
        [terminal_safe(row.get(c), widths.get(c), keep_end=c in TAIL_COLUMNS) for c in cols] for row in rows
    ]
    console = console or Console()
    natural = {c: max([cell_len(c), *(cell_len(r[i]) for r in cells)]) for i, c in enumerate(cols)}
    fitted = fit_widths(
        natural, {c: _least_width(c, natural[c]) for c in cols}, console.width - 3 * len(cols) - 1
    )
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in cols:
        table.add_column(col, no_wrap=True, overflow="ellipsis", width=fitted[col])
    for row in cells:
        table.add_row(*(Text(value) for value in row))
    console.print(table)
    return None


def _least_width(column: str, natural: int) -> int:
    """How narrow a column may get: ids and dates never shrink, others keep at least their first
    ``MIN_COLUMN`` characters (Rich's own layout squeezes short columns to nothing, hiding stances,
    cues and dates)."""
    if column in WHOLE_COLUMNS:
        return WHOLE_COLUMNS[column]
    if column.endswith("_id"):  # an id cut short cannot be pasted into the next command
        return min(natural, 40)
    return min(natural, max(MIN_COLUMN, min(len(column), 12)))


def fit_widths(natural: Mapping[str, int], least: Mapping[str, int], available: int) -> dict[str, int]:
    """Column widths that fit ``available`` characters: every column keeps its least width, and what is
    left is shared in proportion to how much more each column would take (a long content column keeps
    more than an outlet name); where even the least widths do not fit, the table runs over."""
    base = {c: min(natural[c], least[c]) for c in natural}
    slack = {c: natural[c] - base[c] for c in natural}
    room = max(0, available - sum(base.values()))
    total = sum(slack.values())
    if total <= room:
        return dict(natural)
    fitted = {c: base[c] + slack[c] * room // total for c in natural}
    spare = available - sum(fitted.values())
    for c in sorted(natural, key=lambda c: -slack[c]):  # rounding leftovers to the widest
        if spare <= 0:
            break
        if fitted[c] < natural[c]:
            fitted[c] += 1
            spare -= 1
    return fitted
