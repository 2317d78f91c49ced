"""The table exports: their columns and types, and the CSV, JSON Lines and Parquet writers, fed page by
page so that memory holds one page at a time.

Text is written whole. CSV cells that a spreadsheet would run as a formula are defused (``spreadsheet_safe``);
a list is one cell there, its values joined by `` | ``. JSON Lines and Parquet keep values exactly, lists as
lists. Parquet is written with an explicit schema (the same whatever the data), one row group per page.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from narrascope.serve.output import spreadsheet_safe
from narrascope.serve.sink import ByteSink, TextSink

Page = Sequence[Mapping[str, Any]]
LIST_SEPARATOR = " | "


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str = "string"  # string | text (long: Parquet large_string) | integer | boolean | list


def _columns(spec: str) -> tuple[Column, ...]:
    """``"id word_count:integer"`` -> columns (string unless typed)."""
    return tuple(Column(*item.split(":")) for item in spec.split())


COLUMNS: dict[str, tuple[Column, ...]] = {
    "articles": _columns(
        "id published outlet language title author url word_count:integer date_source source ingested_at"
        " content_hash text:text"
    ),
    "statements": _columns(
        "id article_id published outlet kind speaker speaker_name speaker_entity_id role cue content stance"
        " sentence content_start:integer content_end:integer cue_start:integer cue_end:integer"
        " speaker_start:integer speaker_end:integer sentence_start:integer sentence_end:integer content_parts"
        " title url"
    ),
    "entities": _columns("id name type aliases:list mentions:integer articles:integer statements:integer"),
    "narratives": _columns(
        "id label frame accused accused_name first_seen last_seen recurring:boolean claim_count:integer article_count:integer"
        " outlet_count:integer story_count:integer denial_count:integer places:list label_claim_id created_at"
    ),
    "claims": _columns(
        "id article_id statement_id published outlet speaker speaker_entity_id stance text sentence frames:list"
        " entity_ids:list place_ids:list narrative_ids:list text_start:integer text_end:integer"
        " sentence_start:integer sentence_end:integer title url"
    ),
}


def write_csv(pages: Iterable[Page], columns: Sequence[Column], out: BinaryIO) -> int:
    """RFC 4180 (CRLF rows; quoted cells keep their own line breaks), one page at a time."""
    sink = TextSink(out)
    cells = [(c.name, _CELLS[c.type]) for c in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in columns])
    rows = 0
    for page in pages:
        writer.writerows([[cell(row[name]) for name, cell in cells] for row in page])
        rows += len(page)
        sink.write(buffer.getvalue())
        sink.flush()
        buffer.seek(0)
        buffer.truncate()
    sink.write(buffer.getvalue())
    sink.flush()
    return rows


def _text_cell(value: str | None) -> object:
    return "" if value is None else spreadsheet_safe(value)


def _number_cell(value: int | None) -> object:
    return "" if value is None else value


def _boolean_cell(value: bool | None) -> str:
    return "" if value is None else "true" if value else "false"


def _list_cell(value: Sequence[str]) -> object:
    return spreadsheet_safe(LIST_SEPARATOR.join(value))


_CELLS = {"string": _text_cell, "text": _text_cell, "integer": _number_cell, "boolean": _boolean_cell,
          "list": _list_cell}  # fmt: skip


def write_jsonl(pages: Iterable[Page], columns: Sequence[Column], out: BinaryIO) -> int:
    sink = TextSink(out)
    rows = 0
    for page in pages:
        for row in page:
            sink.write(json.dumps({c.name: row[c.name] for c in columns}, ensure_ascii=False) + "\n")
        rows += len(page)
        sink.flush()
    sink.flush()
    return rows


def write_parquet(
    pages: Iterable[Page], columns: Sequence[Column], out: BinaryIO, metadata: Mapping[str, str]
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "string": pa.string(),
        "text": pa.large_string(),  # one page of whole articles can pass the 2 GiB of a string array
        "integer": pa.int64(),
        "boolean": pa.bool_(),
        "list": pa.list_(pa.string()),
    }
    schema = pa.schema([pa.field(c.name, types[c.type]) for c in columns], metadata=dict(metadata))
    rows = 0
    with pq.ParquetWriter(ByteSink(out), schema, compression="zstd") as writer:
        for page in pages:
            batch = {c.name: [row[c.name] for row in page] for c in columns}
            writer.write_batch(pa.RecordBatch.from_pydict(batch, schema=schema))  # one row group
            rows += len(page)
    return rows
