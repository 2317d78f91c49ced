"""CSV/TSV dumps, streamed: one Document per row (``path#row-N``, N counting data rows from 1)."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from pathlib import Path

from narrascope.ingest.common import GZIP_ERRORS, IngestOptions, Rejected, failure, gzip_failure
from narrascope.ingest.heuristics import CSV_DELIMITERS
from narrascope.ingest.records import has_undecodable, map_columns, open_text_stream, record_document
from narrascope.model import Document, IngestError


def read_csv(source: str, path: Path, options: IngestOptions) -> Iterator[Document | IngestError]:
    """Rows mapped through the header; a ragged or undecodable row is reported and the rest goes on.

    The csv module's field-size limit is process-wide; it is raised to ``max_bytes`` (never lowered) so
    that long article bodies fit, and a longer field is reported as ``too-large``.
    """
    csv.field_size_limit(max(csv.field_size_limit(), options.max_bytes))
    stream, encoding = open_text_stream(path, options)
    with stream:
        try:
            header_line = stream.readline()
            delimiter = _delimiter(path, header_line)
            rows = csv.reader(itertools.chain([header_line], stream), delimiter=delimiter)
            header = [name.strip().lstrip("\ufeff") for name in next(rows)]
            columns = map_columns(header, options.field_map)
            if "text" not in columns and "html" not in columns:
                wanted = options.field_map.get("text") or "text, body, content, ..."
                raise Rejected(
                    "malformed", f"no text column (looked for {wanted}; the header has: {', '.join(header)})"
                )
            yield from _rows(source, rows, header, options, encoding)
        except GZIP_ERRORS as exc:
            yield failure(source, gzip_failure(exc))


def _delimiter(path: Path, header_line: str) -> str:
    if path.name.lower().removesuffix(".gz").endswith(".tsv"):
        return "\t"
    counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
    best = max(counts, key=lambda d: counts[d])  # ties go to the first, the comma
    return best if counts[best] else ","


def _rows(
    source: str, rows: Iterator[list[str]], header: list[str], options: IngestOptions, encoding: str
) -> Iterator[Document | IngestError]:
    for number in itertools.count(1):
        locator = f"{source}#row-{number}"
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = "too-large" if "field larger than field limit" in str(exc) else "malformed"
            yield IngestError(locator, reason, f"CSV error: {exc}")
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield IngestError(locator, "malformed", f"{len(row)} fields where the header has {len(header)}")
            continue
        if any(has_undecodable(cell) for cell in row):
            yield IngestError(locator, "undecodable", f"bytes that are not valid {encoding}")
            continue
        try:
            yield record_document(locator, dict(zip(header, row, strict=True)), options.field_map, encoding)
        except Rejected as exc:
            yield failure(locator, exc)
