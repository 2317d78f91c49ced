"""Server-side SVG plots of a narrative: its timeline and its spread across outlets.

Both are plain SVG markup built here, with no script and no user text unescaped (outlet names, labels
and tooltips all pass through ``escape``); outlet names are bidi-isolated (``display.isolate``), so one
cannot reverse the counts and dates beside it. Colours are presentation attributes, so a plot reads the
same without the stylesheet (saved, printed, pasted into a report); the stylesheet may refine them
through the ``asserts`` / ``denies`` / ``mixed`` classes.

Time is binned by the narrative's span so a plot never has more than a few hundred bars: days up to
six weeks, weeks up to two years, months up to twenty-five years, then years. The store groups by
day (or month) in SQL; ``bin_counts`` folds those into the plot's bins and fills the empty ones, so
the x axis is linear in time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from narrascope.serve.display import isolate
from narrascope.store.views import SpreadCount

ASSERTS_COLOUR = "#2f6db5"
DENIES_COLOUR = "#d9480f"
MIXED_COLOUR = "#7b4fa6"
INK = "#333"
FAINT = "#ddd"
WIDTHS = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class Bin:
    start: date
    label: str
    asserts: int = 0
    denies: int = 0

    @property
    def total(self) -> int:
        return self.asserts + self.denies


@dataclass(frozen=True, slots=True)
class OutletRow:
    """One outlet of a narrative: when it first and last carried it, how often, and its per-bin counts
    (``bins`` maps a bin's start to (asserting, denying) claims)."""

    outlet: str
    first_seen: str | None
    last_seen: str | None
    claims: int
    denies: int
    bins: dict[date, tuple[int, int]]


def parse_day(value: str | None) -> date | None:
    """A stored date (``YYYY-MM-DD``, or a ``YYYY-MM`` / ``YYYY`` prefix) as a date; None if it is not one."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        numbers = [int(p) for p in parts] + [1] * (3 - len(parts))
        return date(*numbers[:3])
    except (TypeError, ValueError):
        return None


def choose_width(first: str | None, last: str | None) -> str:
    start, end = parse_day(first), parse_day(last)
    if start is None or end is None:
        return "day"
    days = abs((end - start).days)
    if days <= 45:
        return "day"
    if days <= 731:
        return "week"
    return "month" if days <= 25 * 366 else "year"


def sql_prefix(width: str) -> int:
    """How many leading characters of a stored date the store groups by for ``width``."""
    return {"day": 10, "week": 10, "month": 7, "year": 4}[width]


def bin_start(day: date, width: str) -> date:
    if width == "week":
        return day - timedelta(days=day.weekday())
    if width == "month":
        return day.replace(day=1)
    if width == "year":
        return day.replace(month=1, day=1)
    return day


def _next(start: date, width: str) -> date:
    if width == "day":
        return start + timedelta(days=1)
    if width == "week":
        return start + timedelta(days=7)
    if width == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def bin_label(start: date, width: str) -> str:
    if width == "month":
        return start.strftime("%Y-%m")
    if width == "year":
        return str(start.year)
    return ("week of " if width == "week" else "") + start.isoformat()


def bin_counts(rows: Iterable[SpreadCount], width: str) -> tuple[list[Bin], int]:
    """Counts by date → every bin from the first to the last (empty ones included), and the number of
    claims with no usable date."""
    counts: dict[date, list[int]] = {}
    undated = 0
    for key, stance, n in ((r.key, r.stance, r.claims) for r in rows):
        day = parse_day(key)
        if day is None:
            undated += n
            continue
        counts.setdefault(bin_start(day, width), [0, 0])[stance == "denies"] += n
    if not counts:
        return [], undated
    bins = []
    start, last = min(counts), max(counts)
    while start <= last:
        asserts, denies = counts.get(start, (0, 0))
        bins.append(Bin(start, bin_label(start, width), asserts, denies))
        start = _next(start, width)
    return bins, undated


def _ticks(top: int) -> list[int]:
    """At most six round y ticks from 0 to at least ``top``."""
    step = 1
    for scale in (10**k for k in range(12)):
        for base in (1, 2, 5):
            step = base * scale
            if math.ceil(top / step) <= 5:
                return list(range(0, step * math.ceil(top / step) + 1, step))
    return [0, top]


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "middle", cls: str = "", size: int = 11) -> str:
    css = f' class="{escape(cls)}"' if cls else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{size}" fill="{INK}"{css}>'
        f"{escape(content)}</text>"
    )


def _svg(width: int, height: int, title: str, summary: str, body: list[str], cls: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot {cls}" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" font-family="system-ui, sans-serif">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>" + "".join(body) + "</svg>"
    )


def _legend(right: float, y: float, *, mixed: bool = False) -> list[str]:
    """The colours' legend, ending at ``right``; ``mixed``: with the spread's purple dot."""
    entries = [("asserts", "asserts", ASSERTS_COLOUR), ("denies", "denies", DENIES_COLOUR)]
    if mixed:
        entries.append(("mixed", "both in one bin", MIXED_COLOUR))
    out = []
    left = right - 90 * (len(entries) - 1) - 14 - 6 * len(entries[-1][1])  # about 6 px a character
    for i, (cls, name, colour) in enumerate(entries):
        x = left + i * 90
        out.append(
            f'<rect x="{_f(x)}" y="{_f(y - 9)}" width="10" height="10" fill="{colour}" class="{cls}"/>'
        )
        out.append(_text(x + 14, y, name, anchor="start"))
    return out


def _x_labels(bins: Sequence[Bin], x_of, y: float, top: float, most: int = 8) -> list[str]:
    step = max(1, math.ceil(len(bins) / most))
    out = []
    for i in range(0, len(bins), step):
        x = x_of(i)
        out.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(y - 14)}" stroke="{FAINT}"/>')
        label = bins[i].label.removeprefix("week of ")
        out.append(_text(x, y, label))
    return out


def timeline_svg(bins: Sequence[Bin], width: str, *, plot_width: int = 760, height: int = 260) -> Markup:
    """Claims per bin, asserting claims stacked under denying ones, with axes, legend and tooltips."""
    left, right, top, bottom = 44, 12, 30, 40
    inner_w, inner_h = plot_width - left - right, height - top - bottom
    ticks = _ticks(max((b.total for b in bins), default=1) or 1)
    y_max = ticks[-1] or 1
    slot = inner_w / max(len(bins), 1)
    bar = max(slot * 0.8, 1.0)
    base = top + inner_h

    def x_of(i: int) -> float:
        return left + slot * (i + 0.5)

    def h(n: int) -> float:
        return inner_h * n / y_max

    asserts, denies = sum(b.asserts for b in bins), sum(b.denies for b in bins)
    span = (
        f"{bins[0].label.removeprefix('week of ')} to {bins[-1].label.removeprefix('week of ')}"
        if bins
        else ""
    )
    summary = f"{asserts + denies} dated claims per {width}, {span}: {asserts} asserting, {denies} denying"
    body = [
        _text(left - 36, top - 14, f"claims per {width}", anchor="start", size=12),
        *_legend(left + inner_w, top - 12),
    ]
    for tick in ticks:
        y = base - h(tick)
        body.append(f'<line x1="{left}" y1="{_f(y)}" x2="{left + inner_w}" y2="{_f(y)}" stroke="{FAINT}"/>')
        body.append(_text(left - 6, y + 4, str(tick), anchor="end"))
    body += _x_labels(bins, x_of, height - bottom + 18, top)
    for i, b in enumerate(bins):
        if not b.total:
            continue
        x = x_of(i) - bar / 2
        tip = f"{b.label}: {b.asserts} asserting, {b.denies} denying"
        rects = []
        if b.asserts:
            rects.append(
                f'<rect class="bar asserts" x="{_f(x)}" y="{_f(base - h(b.asserts))}" width="{_f(bar)}"'
                f' height="{_f(h(b.asserts))}" fill="{ASSERTS_COLOUR}"/>'
            )
        if b.denies:
            rects.append(
                f'<rect class="bar denies" x="{_f(x)}" y="{_f(base - h(b.total))}" width="{_f(bar)}"'
                f' height="{_f(h(b.denies))}" fill="{DENIES_COLOUR}"/>'
            )
        body.append(f'<g class="bin"><title>{escape(tip)}</title>{"".join(rects)}</g>')
    body.append(f'<line x1="{left}" y1="{_f(base)}" x2="{left + inner_w}" y2="{_f(base)}" stroke="{INK}"/>')
    body.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{_f(base)}" stroke="{INK}"/>')
    return _svg(
        plot_width, height, "Timeline: claims over time, asserting and denying", summary, body, "timeline"
    )


def spread_svg(
    rows: Sequence[OutletRow], bins: Sequence[Bin], width: str, *, plot_width: int = 760
) -> Markup:
    """One row per outlet (in order of first appearance), a dot per bin in which it carried the
    narrative (area by claims, colour by stance), its first appearance ringed."""
    left, right, top, bottom, row_h = 180, 12, 30, 40, 22
    height = top + row_h * max(len(rows), 1) + bottom
    inner_w = plot_width - left - right
    index = {b.start: i for i, b in enumerate(bins)}
    slot = inner_w / max(len(bins), 1)
    most = max((a + d for r in rows for a, d in r.bins.values()), default=1) or 1

    def x_of(i: int) -> float:
        return left + slot * (i + 0.5)

    mixed = any(a and d for r in rows for a, d in r.bins.values())
    body = [
        _text(8, top - 14, f"outlets, by first appearance (dots per {width})", anchor="start", size=12),
        *_legend(left + inner_w, top - 12, mixed=mixed),
    ]
    body += _x_labels(bins, x_of, height - bottom + 18, top)
    for n, row in enumerate(rows):
        y = top + row_h * (n + 0.5)
        name = isolate(row.outlet) if row.outlet else "(unknown outlet)"
        short = name if len(row.outlet) <= 26 else isolate(row.outlet[:25]) + "…"
        about = f"{name}: {row.claims} claims ({row.denies} denying), first {row.first_seen or 'undated'}"
        body.append(
            f'<g class="outlet"><title>{escape(about)}</title>{_text(left - 8, y + 4, short, anchor="end")}</g>'
        )
        placed = sorted((index[start], start, counts) for start, counts in row.bins.items() if start in index)
        if placed:
            body.append(
                f'<line x1="{_f(x_of(placed[0][0]))}" y1="{_f(y)}" x2="{_f(x_of(placed[-1][0]))}" y2="{_f(y)}"'
                f' stroke="{FAINT}" stroke-width="2"/>'
            )
        else:
            body.append(_text(left + 6, y + 4, "undated only", anchor="start", cls="muted"))
        first = parse_day(row.first_seen)
        first_bin = bin_start(first, width) if first else None
        for i, start, (a, d) in placed:
            body.append(_dot(x_of(i), y, a, d, 3 + 5 * math.sqrt((a + d) / most), start == first_bin,
                             f"{name}, {bins[i].label}"))  # fmt: skip
    base = top + row_h * max(len(rows), 1)
    body.append(f'<line x1="{left}" y1="{_f(base)}" x2="{left + inner_w}" y2="{_f(base)}" stroke="{INK}"/>')
    summary = f"{len(rows)} outlets carrying the narrative, each with its claims per {width}"
    return _svg(
        plot_width,
        height,
        "Outlet spread: which outlets carried the narrative, and when",
        summary,
        body,
        "spread",
    )


def _dot(x: float, y: float, asserts: int, denies: int, r: float, first: bool, where: str) -> str:
    """One outlet's claims in one bin: blue asserting, orange denying, purple both; ringed when first."""
    if not denies:
        stance, colour = "asserts", ASSERTS_COLOUR
    elif not asserts:
        stance, colour = "denies", DENIES_COLOUR
    else:
        stance, colour = "mixed", MIXED_COLOUR
    tip = f"{where}: {asserts} asserting, {denies} denying" + (" (first appearance)" if first else "")
    ring = (
        f'<circle class="first" cx="{_f(x)}" cy="{_f(y)}" r="{_f(r + 3)}" fill="none" stroke="{INK}"/>'
        if first
        else ""
    )
    return (
        f'<g class="mark"><title>{escape(tip)}</title>{ring}<circle class="dot {stance}" cx="{_f(x)}"'
        f' cy="{_f(y)}" r="{_f(r)}" fill="{colour}" fill-opacity="0.85"/></g>'
    )


def outlet_rows(counts: Iterable[SpreadCount], width: str) -> list[OutletRow]:
    """Each outlet's claims, dates and per-bin counts, in order of first appearance (undated last)."""
    found: dict[str, tuple[list, dict[date, list[int]]]] = {}
    for c in counts:
        totals, bins = found.setdefault(c.outlet, ([None, None, 0, 0], {}))
        totals[0] = min(filter(None, (totals[0], c.first)), default=None)
        totals[1] = max(filter(None, (totals[1], c.last)), default=None)
        totals[2] += c.claims
        totals[3] += c.claims if c.stance == "denies" else 0
        day = parse_day(c.key)
        if day is not None:
            bins.setdefault(bin_start(day, width), [0, 0])[c.stance == "denies"] += c.claims
    rows = [
        OutletRow(outlet, first, last, claims, denies, {d: (a, n) for d, (a, n) in bins.items()})
        for outlet, ((first, last, claims, denies), bins) in found.items()
    ]
    return sorted(rows, key=lambda r: (r.first_seen is None, r.first_seen or "", r.outlet))
