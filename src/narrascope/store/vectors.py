"""Approximate-nearest-neighbour indexes (usearch HNSW) over vectors the database holds.

The database is the source of truth: every vector is also in a ``vector`` column, keyed by the row's
integer ``seq``. The index file (where the store's ``vector_index_path`` says: beside a SQLite file, in a
cache directory for PostgreSQL) is a cache saved after each committed batch; when its size disagrees with
the table (a crash between commit and save, rows deleted), it is rebuilt from the table. A search costs
O(log n): linking a new article does not slow down as the corpus grows.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from usearch.index import Index

DIM = 512


class VectorIndex:
    def __init__(
        self, path: Path | None, rows: Callable[[], Iterable[tuple[int, bytes]]], count: int
    ) -> None:
        """``rows`` yields (seq, float16 bytes) for every row; it is only read to (re)build the index."""
        self.path = path
        self.index = self._new()
        if path is not None and path.exists():
            try:
                self.index = Index.restore(str(path))
            except Exception:  # a torn or foreign file: the table rebuilds it
                self.index = self._new()
        if len(self.index) != count:
            self._rebuild(rows())

    @staticmethod
    def _new() -> Index:
        return Index(ndim=DIM, metric="cos", dtype="f16")

    def _rebuild(self, rows: Iterable[tuple[int, bytes]]) -> None:
        self.index = self._new()
        keys, vectors = [], []
        for seq, blob in rows:
            keys.append(seq)
            vectors.append(np.frombuffer(blob, dtype=np.float16))
        if keys:
            self.index.add(np.asarray(keys, dtype=np.uint64), np.vstack(vectors).astype(np.float32))
        with contextlib.suppress(OSError):  # a read-only place: the index is a cache, rebuilt next time
            self.save()

    def __len__(self) -> int:
        return len(self.index)

    def add(self, keys: list[int], vectors: np.ndarray) -> None:
        if keys:
            self.index.add(np.asarray(keys, dtype=np.uint64), np.asarray(vectors, dtype=np.float32))

    def search(self, vector: np.ndarray, k: int = 10) -> list[tuple[int, float]]:
        """The ``k`` nearest keys with their cosine similarity, best first."""
        if len(self.index) == 0 or not np.any(vector):
            return []
        found = self.index.search(np.asarray(vector, dtype=np.float32), min(k, len(self.index)))
        return [(int(key), 1.0 - float(dist)) for key, dist in zip(found.keys, found.distances, strict=True)]

    def save(self) -> None:
        """Write atomically (temp file + rename): a kill mid-save leaves the previous file."""
        if self.path is None:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        self.index.save(str(tmp))
        os.replace(tmp, self.path)
