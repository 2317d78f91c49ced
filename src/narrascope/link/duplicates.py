"""Near-duplicates: the same article republished, syndicated, trimmed or lightly edited.

Each text becomes a set of word shingles over a folded form (NFKC, casefold, punctuation dropped,
whitespace collapsed), so re-wrapped, re-punctuated or re-cased copies give the same set. A MinHash
signature of ``NUM_PERM`` values estimates the Jaccard similarity of two sets; banding it (``BANDS``
bands of ``ROWS`` values, each band hashed to one signed 64-bit key) finds candidates by equality
lookups alone. The store keeps one row per (band, key) with an index on it, so finding a text's copies
costs a handful of index probes whatever the corpus size; ``DuplicateIndex`` is the in-memory
equivalent.

Calibration on 500 PolNeAR train articles with generated copies (``narrascope.evaluate.duplicates``):
with 3-word shingles a copy with 5–10 % of its words edited keeps an exact Jaccard of at least 0.58 with
its original (median 0.68), one with its last 20–40 % cut at least 0.56 (median 0.70), one with an intro line and a footer
added 0.53 or more (the shortest articles), while 99.9 % of pairs of distinct articles stay below 0.03.
Longer shingles lower the edited copies (4 words: median 0.60, 5 words: 0.54) for no gain.
``THRESHOLD`` = 0.4 sits between; 32 bands of 4 rows put the LSH curve's midpoint at
(1/32)^(1/4) ≈ 0.42: a pair at Jaccard 0.5 becomes a candidate with probability 0.87, at 0.6 with 0.99,
at 0.05 with 2e-4 (64 bands of 2 rows would catch slightly more copy-to-copy pairs, but already gave 0.17
false candidates per lookup on 840 articles, a number that grows with the corpus; 32×4 gave none).

Signatures use datasketch's ``affine32`` scheme (datasketch ≥ 2) with a fixed seed: they are the same
in every process and run, and are stored as 128 uint32 values. ``SCHEME`` names all of it so that a store
can tell when stored signatures must be recomputed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
from datasketch import MinHash

__all__ = [
    "BANDS",
    "MIN_WORDS",
    "NUM_PERM",
    "ROWS",
    "SCHEME",
    "SEED",
    "SHINGLE_WORDS",
    "THRESHOLD",
    "CopyGroup",
    "DuplicateIndex",
    "band_keys",
    "group_copies",
    "is_duplicate",
    "jaccard",
    "shingles",
    "signature",
]

NUM_PERM = 128
BANDS = 32
ROWS = 4
THRESHOLD = 0.4
SHINGLE_WORDS = 3
# A text of fewer words is not fingerprinted (empty signature): a few words shared by two short texts
# ("Read more", a byline) say nothing about them being the same article.
MIN_WORDS = 12
SEED = 1
SCHEME = f"minhash-affine32-seed{SEED}-perm{NUM_PERM}-w{SHINGLE_WORDS}-min{MIN_WORDS}"

_EMPTY = np.uint32(0xFFFFFFFF)  # every slot of a MinHash that saw nothing
_APOSTROPHES = re.compile(r"['’ʼ`´]")  # dropped, so "don't" and "don’t" fold alike
_NON_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", folded)).split()


def shingles(text: str) -> set[str]:
    """The text's word ``SHINGLE_WORDS``-grams over its folded words; empty below ``MIN_WORDS`` words."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return set()
    n = SHINGLE_WORDS
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def signature(text: str) -> np.ndarray:
    """``NUM_PERM`` uint32 MinHash values of the text's shingles; all 0xFFFFFFFF for an empty set."""
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    minhash.update_batch([s.encode("utf-8") for s in shingles(text)])
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def _is_empty(sig: np.ndarray) -> bool:
    return bool(np.all(sig == _EMPTY))


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (blake2b of the band's little-endian bytes), band order; no keys
    for an empty signature, which must never be indexed."""
    values = np.asarray(sig, dtype="<u4")
    if len(values) != NUM_PERM:
        raise ValueError(f"a signature has {NUM_PERM} values, not {len(values)}")
    if _is_empty(values):
        return []
    return [
        int.from_bytes(hashlib.blake2b(band.tobytes(), digest_size=8).digest(), "little", signed=True)
        for band in values.reshape(BANDS, ROWS)
    ]


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of equal slots; 0.0 when either text was too short."""
    a, b = np.asarray(sig_a), np.asarray(sig_b)
    if _is_empty(a) or _is_empty(b):
        return 0.0
    return float(np.mean(a == b))


def is_duplicate(sig_a: np.ndarray, sig_b: np.ndarray) -> bool:
    return jaccard(sig_a, sig_b) >= THRESHOLD


class DuplicateIndex:
    """In-memory LSH index (band, key) → ids: what the store does with its band table."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[int, int], list[str]] = defaultdict(list)
        self._signatures: dict[str, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, doc_id: str, sig: np.ndarray) -> None:
        """Index a document; adding an id twice keeps the first signature."""
        if doc_id in self._signatures:
            return
        self._signatures[doc_id] = np.asarray(sig, dtype=np.uint32)
        for band, key in enumerate(band_keys(sig)):
            self._buckets[band, key].append(doc_id)

    def candidates(self, sig: np.ndarray) -> set[str]:
        """Ids sharing at least one band with ``sig`` (unverified)."""
        found: set[str] = set()
        for band, key in enumerate(band_keys(sig)):
            found.update(self._buckets.get((band, key), ()))
        return found

    def query(self, sig: np.ndarray) -> list[tuple[str, float]]:
        """Candidates whose estimated Jaccard with ``sig`` reaches ``THRESHOLD``, best first (ties by id).
        A document queried with its own signature finds itself."""
        scored = [(doc_id, jaccard(sig, self._signatures[doc_id])) for doc_id in self.candidates(sig)]
        return sorted(((d, j) for d, j in scored if j >= THRESHOLD), key=lambda pair: (-pair[1], pair[0]))


@dataclass(frozen=True, slots=True)
class CopyGroup:
    """Copies of one text: ids in input order, and the one published first."""

    ids: tuple[str, ...]
    original: str


def _date_key(published: str | None) -> datetime | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def group_copies(items: list[tuple[str, np.ndarray, str | None]]) -> list[CopyGroup]:
    """Connected components (two or more ids) of the duplicate relation over ``(id, signature,
    published ISO date or None)`` items, in order of their first member. The original is the earliest
    date (naive dates taken as UTC); unknown or unparsable dates come after known ones, ties by input order."""
    index = DuplicateIndex()
    for doc_id, sig, _ in items:
        index.add(doc_id, sig)
    position = {doc_id: i for i, (doc_id, _, _) in reversed(list(enumerate(items)))}
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, sig, _) in enumerate(items):
        for other, _ in index.query(sig):
            a, b = root(i), root(position[other])
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for i, (doc_id, _, _) in enumerate(items):
        if position[doc_id] == i:  # an id given twice counts once
            members[root(i)].append(i)
    groups = []
    for indices in members.values():
        if len(indices) < 2:
            continue

        def order(i: int) -> tuple[bool, datetime, int]:
            moment = _date_key(items[i][2])
            return (moment is None, moment or datetime.min.replace(tzinfo=timezone.utc), i)

        groups.append(CopyGroup(tuple(items[i][0] for i in indices), items[min(indices, key=order)][0]))
    return groups
