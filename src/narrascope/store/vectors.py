"""Approximate-nearest-neighbour indexes (usearch HNSW) over vectors the database holds.

The database is the source of truth: every vector is also in a ``vector`` column, keyed by the row's
integer ``seq`` (which only grows). The index file (where the store's ``vector_index_path`` says: beside a
SQLite file, in a cache directory for PostgreSQL) is a cache, saved at the end of a link run. On opening,
an index that lags the table (a run killed before its save) takes the rows past its largest key; one that
disagrees otherwise (a torn file, rows deleted behind its back) is rebuilt from the table. A search costs
O(log n): linking a new article does not slow down as the corpus grows.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
from usearch.index import Index

DIM = 512
_ADD_CHUNK = 50_000  # rows per add while rebuilding or catching up: memory stays bounded

Rows = Callable[[int], Iterable[tuple[int, bytes]]]


class VectorIndex:
    def __init__(self, path: Path | None, rows: Rows, count: int, *, view: bool = False) -> None:
        """``rows(after)`` yields (seq, float16 bytes) for the rows with ``seq > after``, in ``seq`` order;
        ``count`` is how many rows the table holds. ``view``: only to search; an index file in step with the
        table is memory-mapped rather than read (milliseconds, not seconds, at a million vectors)."""
        self.path = path
        self.index = self._new()
        self.dirty = False
        if path is not None and path.exists():
            try:
                self.index = Index.restore(str(path), view=view)
                if view and len(self.index) != count:  # a view cannot take rows: read it whole
                    self.index = Index.restore(str(path))
            except Exception:  # a torn or foreign file: the table rebuilds it
                self.index = self._new()
        if len(self.index) != count and not self._catch_up(rows, count):
            self.index = self._new()
            self._add_rows(rows(0))
        if self.dirty:
            with contextlib.suppress(OSError):  # a read-only place: the index is a cache, rebuilt next time
                self.save()

    @staticmethod
    def _new() -> Index:
        return Index(ndim=DIM, metric="cos", dtype="f16")

    def _catch_up(self, rows: Rows, count: int) -> bool:
        """Add the table's rows past the index's largest key, when that accounts for every row."""
        if len(self.index) > count:
            return False
        last = int(np.asarray(self.index.keys).max()) if len(self.index) else 0
        self._add_rows(rows(last))
        return len(self.index) == count

    def _add_rows(self, rows: Iterable[tuple[int, bytes]]) -> None:
        keys: list[int] = []
        vectors: list[np.ndarray] = []
        for seq, blob in rows:
            keys.append(seq)
            vectors.append(np.frombuffer(blob, dtype=np.float16))
            if len(keys) == _ADD_CHUNK:
                self._flush(keys, vectors)
        self._flush(keys, vectors)

    def _flush(self, keys: list[int], vectors: list[np.ndarray]) -> None:
        if keys:
            self.add(keys, np.vstack(vectors))
            keys.clear()
            vectors.clear()

    def __len__(self) -> int:
        return len(self.index)

    def add(self, keys: Sequence[int], vectors: np.ndarray) -> None:
        if len(keys):
            self.index.add(np.asarray(keys, dtype=np.uint64), np.asarray(vectors, dtype=np.float32))
            self.dirty = True

    def remove(self, keys: Sequence[int]) -> None:
        """Drop keys whose rows were deleted (an article linked again)."""
        present = [k for k in keys if k in self.index]
        if present:
            self.index.remove(np.asarray(present, dtype=np.uint64))
            self.dirty = True

    def search(self, vector: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
        """The ``k`` nearest keys with their cosine similarity, best first."""
        if len(self.index) == 0 or not np.any(vector):
            return []
        found = self.index.search(np.asarray(vector, dtype=np.float32), min(k, len(self.index)))
        return [(int(key), 1.0 - float(dist)) for key, dist in zip(found.keys, found.distances, strict=True)]

    def forget(self) -> None:
        """Delete the saved file before rows change in place (a vector made again under the same key): a run
        stopped before the next save then rebuilds the index from the table rather than trust a file whose
        row count still agrees with it."""
        if self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
        self.dirty = True

    def save(self) -> None:
        """Write atomically (temp file + rename): a kill mid-save leaves the previous file."""
        if self.path is None or not self.dirty:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        self.index.save(str(tmp))
        os.replace(tmp, self.path)
        self.dirty = False
