"""Datelines at the start of a paragraph ("TESSEN —", "FLINT, Mich., Oct. 4 (UPI) —", "MOSCOW (Reuters) -").

A dateline says where a report was filed, not who speaks: the parser reads "TESSEN — Kaldor's Foreign
Ministry accused …" as a subject "TESSEN — Kaldor's Foreign Ministry". Attributions are cut at its end.
"""

from __future__ import annotations

import re

from narrascope.model import Span

# A place in capitals ("LOS ANGELES", "VESTRIA CITY"; three letters at least, so not "RT —"), optionally
# a state or country and a date ("FLINT, Mich., Oct. 4"), optionally an agency in brackets, then a dash
# or two and a sentence's first word ("RT — the channel said" is no dateline).
DATELINE = re.compile(
    r"(?m)^[ \t]*[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'.\-]{2,}(?:[ \t]+[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'.\-]+){0,3}"
    r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?\.?){0,2}"
    r"(?:,[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Z][a-z]{2,8}\.?))?"
    r"(?:[ \t]*\([^()\n]{1,40}\))?[ \t]*(?:—|–|--?)[ \t]+(?=[A-ZÀ-ÖØ-Þ\"“«‘'0-9])"
)


def dateline_ends(text: str) -> list[tuple[int, int]]:
    """Where each dateline starts and ends (the end is where the paragraph's own words begin)."""
    return [(m.start(), m.end()) for m in DATELINE.finditer(text)]


def end_of(datelines: list[tuple[int, int]], position: int) -> int | None:
    """The end of the dateline ``position`` is in, if any."""
    return next((end for start, end in datelines if start <= position < end), None)


def trim(span: Span | None, text: str, datelines: list[tuple[int, int]]) -> Span | None:
    """``span`` without a dateline it starts in; ``None`` when nothing is left."""
    if span is None:
        return None
    end = end_of(datelines, span.start)
    if end is None:
        return span
    return Span(end, span.end, text[end : span.end]) if span.end > end else None


# "TESSEN — Kaldor's Foreign Ministry on Monday accused …": the subject between a dateline and the cue
# one time word at the end of the phrase, stripped one at a time ("on Monday night"): no repeated group with
# optional spaces, which read a long run of spaces in quadratic time or worse
_WHEN = re.compile(
    r"\b(?:(?:on|last|this)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|night"
    r"|morning|evening|yesterday|today|tonight)$",
    re.IGNORECASE,
)
MAX_SUBJECT_WORDS = 8


def subject_after(text: str, dateline_end: int, cue_start: int) -> Span | None:
    """The words between a dateline and the cue, without the time said ("on Monday"), when they are a
    short phrase that starts as a name does: the speaker the parser lost to the dateline."""
    phrase = text[dateline_end:cue_start].rstrip(" ,\t\n")
    while (when := _WHEN.search(phrase)) is not None:
        phrase = phrase[: when.start()].rstrip(" ,\t\n")
    if not phrase or not phrase[:1].isupper() or len(phrase.split()) > MAX_SUBJECT_WORDS or "\n" in phrase:
        return None
    return Span(dateline_end, dateline_end + len(phrase), phrase)
