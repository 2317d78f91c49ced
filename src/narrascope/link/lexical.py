"""Shared words weighted by how rare they are in the linked corpus (TF-IDF cosine): the story step's check
that two articles report the same event and not only the same subject.

On a corpus about one subject (an election) the title-and-lead vectors of any two articles are close, so
nearest neighbours chain different events into one story; the words an event brings with it (a place, a
bill, a name, "roll call", "Brexit") are rare across the corpus and shared by the articles that report it
(calibration in docs/EVALUATION.md, "Stories"). Document frequencies are counted by the store as articles
are linked (``link_terms``); no stop list is needed, since a word in every article weighs nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

# Letters, with inner apostrophes and hyphens ("Trump's", "co-chair"); digits are left out (dates, counts)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?")
MIN_LENGTH = 3
MAX_LENGTH = 40  # longer runs are not words (URLs, base64, hostile padding)
MAX_TERMS = 2000  # the most frequent distinct words an article brings (a book-length text stays cheap)


def terms(text: str) -> Counter[str]:
    """Lower-cased words of ``text`` and how often each occurs."""
    counts = Counter(
        w for w in (m.group().lower() for m in _WORD.finditer(text)) if MIN_LENGTH <= len(w) <= MAX_LENGTH
    )
    if len(counts) > MAX_TERMS:
        counts = Counter(dict(counts.most_common(MAX_TERMS)))
    return counts


def _weights(counts: Counter[str], df: Mapping[str, int], articles: int) -> dict[str, float]:
    weights = {
        w: (1 + math.log(k)) * math.log((articles + 1) / (df.get(w, 0) + 1)) for w, k in counts.items()
    }
    norm = math.sqrt(sum(v * v for v in weights.values()))
    return {w: v / norm for w, v in weights.items()} if norm else {}


def cosine(a: Counter[str], b: Counter[str], df: Mapping[str, int], articles: int) -> float:
    """TF-IDF cosine of two word counts (sublinear term frequency, smoothed inverse document frequency over
    ``articles`` documents, ``df`` the number holding each word)."""
    wa, wb = _weights(a, df, articles), _weights(b, df, articles)
    if len(wb) < len(wa):
        wa, wb = wb, wa
    return sum(v * wb.get(w, 0.0) for w, v in wa.items())
