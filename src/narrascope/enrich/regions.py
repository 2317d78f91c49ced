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

from narrascope.sentences import Sentence, split_sentences

__all__ = ["Quote", "Sentence", "find_quotes", "regions", "split_sentences"]

_PARAGRAPH = re.compile(r"[^\n]+")
_OPEN_CLOSE = {"“": "”", "«": "»", "‘": "’", "„": "“"}
_QUOTE_CHARS = re.compile(r"“|”|«|»|„|\"|''|``|‘|’")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation including its marks; ``open_end`` when it runs to the end of its paragraph unclosed
    (the convention for a quote continuing in the next paragraph)."""

    start: int
    end: int
    open_end: bool = False


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
