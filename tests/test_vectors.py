"""The vector index cache: kept in step with its table by catching up from the tail, rebuilt only when
the tail cannot account for the difference."""

from __future__ import annotations

import numpy as np

from narrascope.store.vectors import VectorIndex


class Table:
    """A stand-in for a table with a ``vector`` column: rows by seq, and a record of what was read."""

    def __init__(self, n: int, seed: int = 3) -> None:
        self.rng = np.random.default_rng(seed)
        self.rows: dict[int, np.ndarray] = {}
        self.reads: list[int] = []
        for _ in range(n):
            self.append()

    def append(self) -> int:
        seq = max(self.rows, default=0) + 1
        vector = self.rng.standard_normal(512).astype(np.float32)
        self.rows[seq] = (vector / np.linalg.norm(vector)).astype(np.float16)
        return seq

    def after(self, after: int):
        self.reads.append(after)
        return [(seq, v.tobytes()) for seq, v in sorted(self.rows.items()) if seq > after]

    def open(self, path, **kwargs) -> VectorIndex:
        return VectorIndex(path, self.after, len(self.rows), **kwargs)


def test_a_lagging_index_file_takes_only_the_tail(tmp_path):
    table = Table(40)
    path = tmp_path / "claims.usearch"
    table.open(path)  # built from the table and saved
    assert path.exists() and table.reads == [0]
    new = [table.append() for _ in range(5)]  # a run that stored rows and was killed before saving
    index = table.open(path)
    assert table.reads == [0, 40]  # only the rows past the file's largest key were read
    assert len(index) == 45
    assert index.search(table.rows[new[-1]].astype(np.float32), 1)[0][0] == new[-1]
    table.reads.clear()
    table.open(path)  # the catch-up was saved: nothing to read now
    assert table.reads == []


def test_removed_rows_leave_the_index_and_a_mismatch_rebuilds(tmp_path):
    table = Table(30)
    path = tmp_path / "articles.usearch"
    index = table.open(path)
    del table.rows[7]
    index.remove([7, 999])  # an unknown key is ignored
    index.save()
    assert all(key != 7 for key, _ in index.search(table.rows[8].astype(np.float32), 30))
    table.reads.clear()
    assert len(table.open(path)) == 29 and table.reads == []
    del table.rows[3]  # deleted behind the index's back: the tail cannot explain it
    rebuilt = table.open(path)
    assert table.reads[-1] == 0 and len(rebuilt) == 28


def test_a_torn_file_is_rebuilt_and_a_view_is_searchable(tmp_path):
    table = Table(20)
    path = tmp_path / "watch.usearch"
    path.write_bytes(b"not an index")
    assert len(table.open(path)) == 20
    view = table.open(path, view=True)
    assert view.search(table.rows[5].astype(np.float32), 1)[0][0] == 5
    table.append()
    assert len(table.open(path, view=True)) == 21  # a view that lags is read whole and caught up
