"""Executor side: each text document's furniture, learned exactly as local ingest learns it.

Local ingest cleans in chunks of ``pipeline.CHUNK_SIZE`` documents, and a text document's furniture is
every line repeated on enough pages of its group (``repetition_group``: its outlet's host or folder) in
its own chunk and the chunks before it. Counting is per group, so groups are independent: the Spark job
sorts text documents by (group, ordinal), a group's documents together and in reading order, and each
group here gets a fresh ``LineCounter`` fed chunk by chunk through ``pipeline.chunk_furniture``. The
counts, hence the furniture, are the local run's whatever the partitioning. Only this counting is per
group; the cleaning itself (``pipeline.clean_one``) then runs anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from narrascope.clean import LineCounter
from narrascope.model import Document
from narrascope.pipeline import CHUNK_SIZE, chunk_furniture

Numbered = tuple[int, int, Document]  # (ordinal among documents, seq, document)
Furnished = tuple[int, int, Document, frozenset[str]]  # ... and the document's furniture


def furnish_groups(docs: Iterable[tuple[tuple[str, int], tuple[int, Document]]]) -> Iterator[Furnished]:
    """Text documents keyed by (group, ordinal), sorted, valued (seq, document) -> with their furniture."""
    group: str | None = None
    counter = LineCounter()
    chunk: list[Numbered] = []
    for (key, ordinal), (seq, doc) in docs:
        if chunk and (key != group or ordinal // CHUNK_SIZE != chunk[0][0] // CHUNK_SIZE):
            yield from _furnish(chunk, counter)
            chunk = []
        if key != group:
            group, counter = key, LineCounter()
        chunk.append((ordinal, seq, doc))
    yield from _furnish(chunk, counter)


def _furnish(chunk: list[Numbered], counter: LineCounter) -> Iterator[Furnished]:
    furniture = chunk_furniture([doc for _, _, doc in chunk], counter)
    for (ordinal, seq, doc), lines in zip(chunk, furniture, strict=True):
        yield ordinal, seq, doc, lines
