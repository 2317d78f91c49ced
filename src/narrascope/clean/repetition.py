"""Lines repeated across the pages of one outlet: its furniture, learned from the batch itself.

A line seen on many pages of one host or folder ("Sputnik push notifications", a newsletter blurb,
the outlet's self-description) is furniture, whatever the vocabulary says. Only lines shaped like furniture
count: a prose sentence repeated across an outlet's articles is a talking point, which is evidence, so a
line of ``PROSE_WORDS`` words or more that reads as sentences (opens with a capital, ends with sentence
punctuation, no furniture marks such as ``|`` or ``©``) is never learned. Syndication must not fool
this: three copies of one article in a group share every body line, so a line only counts when it
appears in ``min_docs`` documents that are *different* articles. Two documents are copies when
their long lines (the prose, not the navigation) mostly coincide.

Memory: per group, one 64-bit hash per distinct line, the hashes of each document's long lines, and a
small array of document numbers per line seen more than once. The text of a line is kept only once it
repeats, because ``furniture`` answers with line keys.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from dataclasses import dataclass, field

from narrascope.clean.text import line_key

__all__ = ["LineCounter"]

LONG_LINE_WORDS = 12  # lines this long are prose: they tell one article from another
FALLBACK_LINE_WORDS = 4  # for pages with too few long lines, compare these instead
MIN_SIGNATURE_LINES = 3
COPY_JACCARD = 0.7  # documents sharing this share of their long lines are copies of one article
PROSE_WORDS = 8  # a repeated line this long that reads as sentences is a talking point, not furniture
_SENTENCE = re.compile(r"^[\"'“‘(]?[A-Z\u00c0-\u024f\u0400-\u04ff].*[.!?][\"'”’)]?$", re.S)
_FURNITURE_MARKS = re.compile(r"[|©®™•»«]|https?://|www\.|\.(com|org|net)\b", re.I)


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


@dataclass(slots=True)
class _Group:
    first_doc: dict[int, int] = field(default_factory=dict)  # line hash -> first document seen with it
    more_docs: dict[int, array] = field(default_factory=dict)  # line hash -> every document, once it repeats
    keys: dict[int, str] = field(default_factory=dict)  # line hash -> line key, once it repeats
    signatures: list[frozenset[int]] = field(default_factory=list)  # per document: hashes of long lines
    cache: frozenset[str] | None = None


class LineCounter:
    """Counts lines repeated across documents of one group (outlet/host/folder) within a batch."""

    def __init__(self, min_docs: int = 3) -> None:
        if min_docs < 2:
            raise ValueError("min_docs must be at least 2: a line on one page is not repeated")
        self.min_docs = min_docs
        self._groups: dict[str, _Group] = {}

    def add(self, group: str, text: str) -> None:
        """Count one document's raw text (each distinct line once)."""
        g = self._groups.setdefault(group, _Group())
        g.cache = None
        doc = len(g.signatures)
        long_lines: set[int] = set()
        short_lines: set[int] = set()
        seen: set[int] = set()
        for raw in text.splitlines():
            key = line_key(raw)
            if not key:
                continue
            h = _hash(key)
            words = key.count(" ") + 1
            if words >= LONG_LINE_WORDS:
                long_lines.add(h)
            elif words >= FALLBACK_LINE_WORDS:
                short_lines.add(h)
            if h in seen or (words >= PROSE_WORDS and is_prose(raw)):
                continue
            seen.add(h)
            first = g.first_doc.setdefault(h, doc)
            if first != doc:
                docs = g.more_docs.get(h)
                if docs is None:
                    g.more_docs[h] = array("l", (first, doc))
                    g.keys[h] = key
                else:
                    docs.append(doc)
        if len(long_lines) < MIN_SIGNATURE_LINES:
            long_lines |= short_lines
        g.signatures.append(frozenset(long_lines))

    def furniture(self, group: str) -> frozenset[str]:
        """Line keys that are furniture for this group: lines on ``min_docs`` pages of different articles."""
        g = self._groups.get(group)
        if g is None:
            return frozenset()
        if g.cache is None:
            g.cache = frozenset(
                g.keys[h]
                for h, docs in g.more_docs.items()
                if len(docs) >= self.min_docs and self._distinct(g, docs) >= self.min_docs
            )
        return g.cache

    def _distinct(self, g: _Group, docs: array) -> int:
        """How many of ``docs`` are different articles (greedy: each joins the first copy it matches)."""
        leaders: list[frozenset[int]] = []
        for doc in docs:
            signature = g.signatures[doc]
            if not any(_copies(signature, leader) for leader in leaders):
                leaders.append(signature)
                if len(leaders) >= self.min_docs:
                    break
        return len(leaders)


def is_prose(line: str) -> bool:
    """A line that reads as one or more sentences of prose, not as a label, a menu or a credit."""
    line = line.strip()
    return bool(_SENTENCE.match(line)) and not _FURNITURE_MARKS.search(line)


def _copies(a: frozenset[int], b: frozenset[int]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= COPY_JACCARD
