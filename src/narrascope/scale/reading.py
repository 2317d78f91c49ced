"""Executor side: an input file's bytes, or a Parquet row, -> Documents and IngestErrors.

A file is written under its own name (its sidecar JSON beside it) into a private temporary folder and
read there by ``ingest.read_source``: formats, encodings, limits and messages are exactly local ingest's.
The temporary folder in each ``source`` is then replaced by the file's own folder. A Parquet row goes
through the field map like a JSONL record (``file.parquet#row-N``).
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import tempfile
from collections.abc import Iterator, Mapping
from typing import Any

from narrascope.ingest import IngestOptions, read_source
from narrascope.ingest.common import Rejected, failure
from narrascope.ingest.records import record_document
from narrascope.model import Document, IngestError
from narrascope.scale.listing import InputFile, seq_of, source_name

Item = tuple[int, int, Document | IngestError]  # (seq, place among the file's documents, what was read)


def read_file(
    file: InputFile, content: bytes, sidecar: bytes | None, options: IngestOptions
) -> Iterator[Item]:
    """Every Document and error of one file, numbered in reading order; documents also among themselves,
    for the ordinals that local ingest's chunks count."""
    folder = posixpath.dirname(source_name(file.uri))
    with tempfile.TemporaryDirectory(prefix="narrascope-") as tmp:
        local = os.path.join(tmp, posixpath.basename(file.uri))
        with open(local, "wb") as out:
            out.write(content)
        if file.sidecar is not None and sidecar is not None:
            with open(os.path.join(tmp, posixpath.basename(file.sidecar)), "wb") as out:
                out.write(sidecar)
        documents = 0
        for number, item in enumerate(read_source(local, options)):
            source = folder + item.source[len(tmp) :] if item.source.startswith(tmp) else item.source
            rank = documents if isinstance(item, Document) else -1
            documents += rank >= 0
            yield seq_of(file.index, number), rank, dataclasses.replace(item, source=source)


def read_row(file: InputFile, row_index: int, record: Mapping[str, Any], options: IngestOptions) -> Item:
    """One Parquet row, its columns mapped as a JSONL record's keys are; its place among the file's
    documents is its row number (a file's rows may be read by several tasks)."""
    locator = f"{source_name(file.uri)}#row-{row_index + 1}"
    try:
        item: Document | IngestError = record_document(locator, record, options.field_map, "utf-8")
    except Rejected as exc:
        item = failure(locator, exc)
    return seq_of(file.index, row_index), row_index, item
