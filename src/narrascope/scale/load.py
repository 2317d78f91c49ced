"""``narrascope load``: a Spark run's Parquet datasets -> a store, as local ``ingest`` + ``enrich`` write it.

The rows come in the order the job wrote them (reading order, then store order) and go through the
store's own write methods in the chunks and transactions of the local pipeline: ``write_batch`` per
``CHUNK_SIZE`` documents (a repeated text becomes another source of the article stored first), then the
entities, then ``write_enrichments`` per ``ENRICH_BATCH`` articles. Every write is keyed (content hash,
source, entity id, article), so loading twice adds nothing and a load killed midway is simply run again.
Reading needs pyarrow only, one record batch at a time.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrascope.errors import NarrascopeError
from narrascope.model import Article, Enrichment, Entity, IngestError
from narrascope.pipeline import CHUNK_SIZE, ENRICH_BATCH
from narrascope.scale import results as out

if TYPE_CHECKING:
    from narrascope.store.sql import SQLStore

_BATCH_ROWS = 2000
Row = dict[str, Any]


@dataclass(slots=True)
class LoadReport:
    documents: int = 0
    stored: int = 0
    duplicates: int = 0
    errors: int = 0
    enriched: int = 0
    entities: int = 0


def load(store: SQLStore, folder: str | Path) -> LoadReport:
    """Write a Spark run's results (the folder holding ``articles/``, ``sources/``, ...) into ``store``."""
    folder = Path(folder)
    runs = list(_rows(folder, out.RUN))
    if len(runs) != 1:
        raise NarrascopeError("E502", f"{folder / out.RUN} should hold one row, not {len(runs)}")
    run = runs[0]
    report = LoadReport()
    _ingest(store, folder, [str(i) for i in run["inputs"]], report)
    entities = [
        Entity(r["id"], r["name"], r["type"], tuple(r["aliases"])) for r in _rows(folder, out.ENTITIES)
    ]
    for start in range(0, len(entities), ENRICH_BATCH):
        store.write_enrichments([], entities[start : start + ENRICH_BATCH], run["pipeline"])
    report.entities = len(entities)
    _enrich(store, folder, run["pipeline"], report)
    return report


def _ingest(store: SQLStore, folder: Path, inputs: list[str], report: LoadReport) -> None:
    """Sources and ingest errors in reading order, in ingest's chunks: a chunk is written once it holds
    ``CHUNK_SIZE`` documents, with its read errors before the errors of its cleaning, as ingest does."""
    firsts = _rows(folder, out.ARTICLES)
    rows = heapq.merge(
        ((r["seq"], 0, r) for r in _rows(folder, out.SOURCES)),
        ((r["seq"], 1, r) for r in _rows(folder, out.ERRORS) if r["article_id"] is None),
        key=lambda t: (t[0], t[1]),
    )
    run_id = store.start_run(inputs)
    chunk: list[Article] = []
    read_errors: list[IngestError] = []
    clean_errors: list[IngestError] = []
    documents = 0
    first = next(firsts, None)

    def flush() -> None:
        batch = store.write_batch(run_id, chunk, read_errors + clean_errors, seen=documents)
        report.documents += documents
        report.stored += len(batch.stored_ids)
        report.duplicates += len(batch.duplicate_ids)
        report.errors += len(read_errors) + len(clean_errors)
        chunk.clear()
        read_errors.clear()
        clean_errors.clear()

    try:
        for seq, kind, row in rows:
            if kind == 1:
                error = IngestError(row["source"], row["reason"], row["detail"])
                (read_errors if row["ordinal"] is None else clean_errors).append(error)
                documents += row["ordinal"] is not None
            elif first is not None and first["seq"] == seq:
                chunk.append(out.article_from(first))
                first = next(firsts, None)
                documents += 1
            else:  # a later document with the text of an article stored before it
                chunk.append(Article(row["article_id"], row["content_hash"], "", row["source"], row["url"]))
                documents += 1
            if documents == CHUNK_SIZE:
                flush()
                documents = 0
        flush()
    except BaseException:
        store.finish_run(run_id, "interrupted")
        raise
    if first is not None:
        raise NarrascopeError("E504", f"{folder / out.ARTICLES} holds articles that no source names")
    store.finish_run(run_id, "done")


def _enrich(store: SQLStore, folder: Path, pipeline: str, report: LoadReport) -> None:
    """Each article's mentions, statements or failure, in store order, ``ENRICH_BATCH`` per transaction."""
    failed = {r["article_id"]: r["detail"] for r in _rows(folder, out.ERRORS) if r["article_id"] is not None}
    mentions = _Grouped(_rows(folder, out.MENTIONS))
    statements = _Grouped(_rows(folder, out.STATEMENTS))
    batch: list[Enrichment] = []
    for row in _rows(folder, out.ARTICLES):
        position = row["position"]
        batch.append(
            Enrichment(
                row["id"],
                [out.mention_from(m) for m in mentions.take(position)],
                [out.statement_from(s) for s in statements.take(position)],
                failed.get(row["id"]),
            )
        )
        if len(batch) == ENRICH_BATCH:
            store.write_enrichments(batch, [], pipeline)
            report.enriched += len(batch)
            batch = []
    store.write_enrichments(batch, [], pipeline)
    report.enriched += len(batch)


class _Grouped:
    """Rows sorted by ``position``, handed out one article at a time."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def take(self, position: int) -> list[Row]:
        taken = []
        while self._next is not None and self._next["position"] <= position:
            if self._next["position"] < position:
                raise NarrascopeError("E504", f"rows of article {self._next['position']} are out of order")
            taken.append(self._next)
            self._next = next(self._rows, None)
        return taken


def _rows(folder: Path, name: str) -> Iterator[Row]:
    """A dataset's rows in written order: part files by number, each one batch at a time."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise NarrascopeError(
            "E503", "loading Parquet needs pyarrow: pip install 'narrascope[spark]'"
        ) from exc
    dataset = folder / name
    if not (dataset / "_SUCCESS").is_file():
        raise NarrascopeError(
            "E502", f"{dataset} is missing or was not finished (no _SUCCESS): run the Spark job again"
        )
    for part in sorted(dataset.glob("part-*.parquet")):
        for batch in pq.ParquetFile(part).iter_batches(batch_size=_BATCH_ROWS):
            yield from batch.to_pylist()
