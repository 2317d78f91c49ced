"""Semantic search: a query's sentence vector against the stored article or claim vectors, ranked by cosine.

The HNSW index files the linker saves are opened as memory-mapped views, once per process and again only
when the linker replaces a file: a search costs O(log n), and many server threads share one copy of the
index in the page cache. An index file that does not exist yet is built from the table (and saved).

Filters (outlet, date, speaker, ...) run in SQL on the hits, best first, in chunks; when they keep too few
hits the search widens (4x the neighbours each round), and once it asks for as many as the index holds it
is exact. So every item at or above ``min_score`` can be reached by paging, and nothing below it is shown.

``similar_articles`` (``narrascope similar``) reads the same shared view (a server must not load the whole
index per request) and re-ranks the nearest by the article similarity ``narrascope eval similarity``
measures (SemEval-2022 Task 8).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np
from usearch.index import Index

from narrascope.link.embed import from_bytes, shared_encoder
from narrascope.link.similarity import ArticleSimilarity, ArticleText
from narrascope.model import Article
from narrascope.store.vectors import VectorIndex

CANDIDATES_PER_RESULT = 3  # nearest neighbours read per similar article asked, then re-ranked


class Identified(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=Identified)
FIRST_ROUND = 64  # neighbours read in the first round, at least
WIDEN = 4
CHUNK = 500  # index keys filtered per SQL query

_encode_lock = threading.Lock()
_load_lock = threading.Lock()
_views: dict[str, tuple[tuple[int, int], Index]] = {}


@lru_cache(maxsize=4096)
def query_vector(text: str) -> np.ndarray:
    """The query's unit vector (read-only): the process-wide encoder, one encode at a time (it sets the
    BLAS thread limit process-wide); remembered, so that paging through a search encodes it once."""
    with _encode_lock:
        vector = shared_encoder().encode([text])[0]
    vector.setflags(write=False)
    return vector


def open_index(
    path: Path | None, rows: Callable[[int], Iterable[tuple[int, bytes]]], count: Callable[[], int]
) -> Index:
    """The index saved at ``path`` as a shared view, reopened when the file changes; built from ``rows``
    where there is no file (then kept in memory by this process when it cannot be saved)."""
    with _load_lock:
        if path is not None and path.exists():
            stat = path.stat()
            cached = _views.get(str(path))
            if cached is not None and cached[0] == (stat.st_mtime_ns, stat.st_size):
                return cached[1]
        index = VectorIndex(path, rows, count(), view=True).index  # caught up (and saved) when it lags
        if path is not None and path.exists():
            stat = path.stat()
            _views[str(path)] = ((stat.st_mtime_ns, stat.st_size), index)
        return index


def ranked(
    index: Index,
    vector: np.ndarray,
    wanted: int,
    min_score: float,
    fetch: Callable[[Sequence[int]], dict[int, T]],
) -> list[tuple[T, float]]:
    """The first ``wanted`` items (best first, ties by key) whose cosine is at least ``min_score``, where
    ``fetch`` maps index keys to the items that pass the filters (keys it leaves out are dropped). An item
    several keys map to (a statement with several claims) shows once, at its best key."""
    size = len(index)
    if size == 0 or wanted <= 0 or not np.any(vector):
        return []
    known: dict[int, T | None] = {}
    k = max(FIRST_ROUND, 2 * wanted)
    while True:
        exact = k >= size
        found = index.search(np.asarray(vector, dtype=np.float32), min(k, size), exact=exact)
        hits = [(int(key), 1.0 - float(d)) for key, d in zip(found.keys, found.distances, strict=True)]
        hits.sort(key=lambda h: (-h[1], h[0]))
        kept = [h for h in hits if h[1] >= min_score]
        results: list[tuple[T, float]] = []
        shown: set[str] = set()
        for start in range(0, len(kept), CHUNK):
            chunk = kept[start : start + CHUNK]
            todo = [key for key, _ in chunk if key not in known]
            if todo:
                items = fetch(todo)
                known.update({key: items.get(key) for key in todo})
            for key, score in chunk:
                item = known[key]
                if item is not None and item.id not in shown:
                    shown.add(item.id)
                    results.append((item, round(score, 4)))
            if len(results) >= wanted:
                return results[:wanted]
        if exact or len(kept) < len(hits):  # every neighbour read, or the rest score below min_score
            return results
        k *= WIDEN


def similar_articles(
    store, article: Article, limit: int, *, rerank: bool = True
) -> list[tuple[Article, float | None, float]]:
    """(article, similarity in [0, 1], cosine of title+lead vectors), most similar first, itself left out. Without ``rerank``: the nearest by cosine, similarity ``None``."""
    from narrascope.errors import NarrascopeError

    blob = store.article_vector(article.id)
    if blob is None:
        raise NarrascopeError("E112", f"article {article.id} is not linked yet: run `narrascope link` first")
    index = open_index(
        store.vector_index_path("articles"), store.article_vectors, store.count_article_vectors
    )
    wanted = limit * CANDIDATES_PER_RESULT + 1 if rerank else limit + 1
    if len(index) == 0:
        return []
    found = index.search(from_bytes(blob), min(wanted, len(index)))
    rows = store.linked_by_seq([int(k) for k in found.keys])
    candidates: list[tuple[Article, float]] = []
    for key, distance in zip(found.keys, found.distances, strict=True):
        row = rows.get(int(key))
        other = store.get_article(row[0]) if row is not None and row[0] != article.id else None
        if other is not None:
            candidates.append((other, round(1.0 - float(distance), 4)))
    if not rerank:
        return [(a, None, c) for a, c in sorted(candidates, key=lambda t: (-t[1], t[0].id))][:limit]
    if not candidates:
        return []
    me = ArticleText(article.title or "", article.text, article.language)
    pairs = [(me, ArticleText(a.title or "", a.text, a.language)) for a, _ in candidates]
    with _encode_lock:
        scores = ArticleSimilarity(shared_encoder()).score_pairs(pairs)
    ranked_ = sorted(
        ((a, round(float(s), 4), c) for (a, c), s in zip(candidates, scores, strict=True)),
        key=lambda t: (-t[1], t[0].id),
    )
    return ranked_[:limit]
