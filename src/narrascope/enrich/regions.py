"""Model-free text layout for attribution: paragraphs, sentences, quotations and the regions worth parsing.

Parsing is the expensive step, so the extractor parses only paragraphs that can hold a statement: those
with a sentence holding a quotation mark, a cue word form from the lexicon (``data/cues.txt``), a phrase cue
or another candidate word (``data/attribution_patterns.txt``). Everything
here is regular expressions over the raw text, with character offsets into it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Quote", "Sentence", "find_quotes", "regions", "split_sentences"]

_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and an
# upper-case letter, digit or opening quote; abbreviations are rejected afterwards.
_BOUNDARY = re.compile(r"[.!?]+[\"”’'»)\]]*\s+(?=[\"“‘'«(\[]*[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|Rev|Hon|Pres|St|Jr|Sr|Inc|Corp|Co|Ltd|"
    r"No|Vol|vs|etc|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Ariz|Calif|Colo|Conn|Fla|Ill|Ind|Kan|Ky|La|"
    r"Mass|Md|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Penn|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)|\b[A-Z]|"
    r"\b(?:[A-Za-z]\.){2,})\.$"
)
_OPEN_CLOSE = {"“": "”", "«": "»", "‘": "’", "„": "“"}
_QUOTE_CHARS = re.compile(r"“|”|«|»|„|\"|''|``|‘|’")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation including its marks; ``open_end`` when it runs to the end of its paragraph unclosed
    (the convention for a quote continuing in the next paragraph)."""

    start: int
    end: int
    open_end: bool = False


def split_sentences(text: str) -> list[Sentence]:
    """Paragraphs are lines; sentences split at terminal punctuation that is not an abbreviation."""
    out: list[Sentence] = []
    for paragraph, m in enumerate(_PARAGRAPH.finditer(text)):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        cursor = start
        for b in _BOUNDARY.finditer(text, start, end):
            head = text[cursor : b.start() + 1]
            if _ABBREVIATION.search(head) and b.group().count(".") == 1 and b.group()[1:2].isspace():
                continue
            stop = b.end()
            while stop > cursor and text[stop - 1].isspace():
                stop -= 1
            out.append(Sentence(cursor, stop, paragraph))
            cursor = b.end()
        if cursor < end:
            out.append(Sentence(cursor, end, paragraph))
    return out


def _is_opening(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    return before.isspace() or before in "([{—–-/:;,\u00a0" or i == 0


def find_quotes(text: str) -> list[Quote]:
    """Quotations, paired per paragraph: curly, guillemets, straight, doubled single quotes (``''x''``)
    and single curly quotes (only where they cannot be apostrophes)."""
    quotes: list[Quote] = []
    for para in _PARAGRAPH.finditer(text):
        opened: tuple[int, str] | None = None
        for m in _QUOTE_CHARS.finditer(text, para.start(), para.end()):
            mark, i = m.group(), m.start()
            if opened is None:
                if mark in ("’", "”", "»"):
                    continue
                if mark == "‘" and not _is_opening(text, i):
                    continue
                if mark in ("''", '"') and not _is_opening(text, i) and i + len(mark) < para.end():
                    nxt = text[i + len(mark)]
                    if not (nxt.isalnum() or nxt in "…[("):
                        continue
                opened = (i, mark)
                continue
            start, first = opened
            if first == "‘" and mark != "’":
                continue
            if first == "’" or (mark == "’" and first != "‘"):
                continue
            if mark == "’":
                after = text[m.end() : m.end() + 1]
                if after.isalpha():
                    continue  # an apostrophe inside the quote
            if first in ('"', "''", "``") and mark not in ('"', "''", "”"):
                continue
            if first == "“" and mark not in ("”", '"', "“"):
                continue
            if first == "“" and mark == "“":
                opened = (i, mark)  # an unclosed quote followed by a new one: restart
                continue
            if first == "«" and mark != "»":
                continue
            quotes.append(Quote(start, m.end()))
            opened = None
        if opened is not None and opened[1] not in ("‘",):
            end = para.end()
            while end > opened[0] and text[end - 1].isspace():
                end -= 1
            quotes.append(Quote(opened[0], end, open_end=True))
    return quotes


def regions(
    text: str,
    sentences: list[Sentence],
    quotes: Iterable[Quote],
    cue_pattern: re.Pattern[str],
    *,
    parse_all: bool,
) -> list[tuple[int, int]]:
    """Character ranges to parse: each paragraph holding a candidate sentence, whole (content often runs
    over the neighbouring sentences of its cue); with ``parse_all`` every paragraph.
    """
    quote_starts = sorted(q.start for q in quotes)
    out: list[tuple[int, int]] = []
    keep = parse_all
    last_para = -1
    qi = 0
    for s in sentences:
        if s.paragraph != last_para:
            if out and not keep:
                out.pop()
            out.append((s.start, s.end))
            keep = parse_all
            last_para = s.paragraph
        else:
            out[-1] = (out[-1][0], s.end)
        if keep:
            continue
        while qi < len(quote_starts) and quote_starts[qi] < s.start:
            qi += 1
        has_quote = qi < len(quote_starts) and quote_starts[qi] < s.end
        keep = has_quote or cue_pattern.search(text, s.start, s.end) is not None
    if out and not keep:
        out.pop()
    return [piece for region in out for piece in _bounded(text, region, sentences)]


MAX_REGION_CHARS = (
    4000  # a parse unit: longer paragraphs are split at sentences (rules cost grows faster than length)
)


def _bounded(text: str, region: tuple[int, int], sentences: list[Sentence]) -> list[tuple[int, int]]:
    """``region`` cut into pieces of at most ``MAX_REGION_CHARS``: at sentence ends, else at a space."""
    start, end = region
    if end - start <= MAX_REGION_CHARS:
        return [region]
    pieces = []
    while end - start > MAX_REGION_CHARS:
        limit = start + MAX_REGION_CHARS
        cut = max((s.end for s in sentences if start < s.end <= limit), default=0)
        if cut <= start:
            space = text.rfind(" ", start + 1, limit)
            cut = space if space > start else limit
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces
