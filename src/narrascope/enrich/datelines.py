"""Datelines at the start of a paragraph ("TESSEN —", "FLINT, Mich., Oct. 4 (UPI) —", "MOSCOW (Reuters) -").

A dateline says where a report was filed, not who speaks: the parser reads "TESSEN — Kaldor's Foreign
Ministry accused …" as a subject "TESSEN — Kaldor's Foreign Ministry". Attributions are cut at its end.
"""

from __future__ import annotations

import re

from narrascope.model import Span

# A place in capitals ("LOS ANGELES", "VESTRIA CITY"), optionally a state or country and a date
# ("FLINT, Mich., Oct. 4"), optionally an agency in brackets, then a dash or two.
DATELINE = re.compile(
    r"(?m)^[ \t]*[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'.\-]+(?:[ \t]+[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'.\-]+){0,3}"
    r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?\.?){0,2}"
    r"(?:,[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Z][a-z]{2,8}\.?))?"
    r"(?:[ \t]*\([^()\n]{1,40}\))?[ \t]*(?:—|–|--?)[ \t]+"
)


def dateline_ends(text: str) -> list[tuple[int, int]]:
    """Where each dateline starts and ends (the end is where the paragraph's own words begin)."""
    return [(m.start(), m.end()) for m in DATELINE.finditer(text)]


def trim(span: Span | None, text: str, datelines: list[tuple[int, int]]) -> Span | None:
    """``span`` without a dateline it starts in; ``None`` when nothing is left."""
    if span is None:
        return None
    for start, end in datelines:
        if start <= span.start < end:
            if span.end <= end:
                return None
            return Span(end, span.end, text[end : span.end])
    return span
