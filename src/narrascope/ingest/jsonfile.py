"""JSON Lines (one record per line, streamed) and JSON files (a list, one object, or {"articles": [...]})."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from narrascope.ingest.common import GZIP_ERRORS, IngestOptions, Rejected, failure, gzip_failure, too_large
from narrascope.ingest.decode import decode
from narrascope.ingest.heuristics import JSON_LIST_KEYS
from narrascope.ingest.records import (
    has_undecodable,
    limited_lines,
    map_columns,
    open_text_stream,
    record_document,
)
from narrascope.model import Document, IngestError


def read_jsonl(source: str, path: Path, options: IngestOptions) -> Iterator[Document | IngestError]:
    """One Document per line (``path#line-N``); a bad line is reported and the rest goes on."""
    stream, encoding = open_text_stream(path, options)
    with stream:
        try:
            yield from _lines_to_documents(
                source, limited_lines(stream, options.max_bytes), options, encoding
            )
        except GZIP_ERRORS as exc:
            yield failure(source, gzip_failure(exc))


def read_json(source: str, data: bytes, options: IngestOptions) -> Iterator[Document | IngestError]:
    """One Document per record (``path#record-N``). A file that is really JSON Lines is read as such."""
    decoded = decode(data)
    try:
        value = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise Rejected(
                "malformed", f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from exc
        lines = enumerate(decoded.text.splitlines(keepends=True), 1)
        yield from _lines_to_documents(source, lines, options, decoded.encoding)
        return
    except RecursionError as exc:
        raise Rejected("malformed", "JSON nested too deeply to read") from exc
    records = _records_of(value, options.field_map)
    for number, record in enumerate(records, 1):
        yield _document(f"{source}#record-{number}", record, options, decoded.encoding)


def _records_of(value: Any, field_map: Mapping[str, str]) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        columns = map_columns(value.keys(), field_map)
        if "text" not in columns and "html" not in columns:
            for key in JSON_LIST_KEYS:
                if isinstance(value.get(key), list):
                    return value[key]  # type: ignore[no-any-return]
        return [value]
    raise Rejected("malformed", f"JSON holds {_json_type(value)}, not articles (a list or an object)")


def _json_type(value: Any) -> str:
    names = {str: "a string", int: "a number", float: "a number", bool: "a boolean", list: "an array"}
    return names.get(type(value), "null")


def _lines_to_documents(
    source: str, lines: Iterable[tuple[int, str | None]], options: IngestOptions, encoding: str
) -> Iterator[Document | IngestError]:
    for number, line in lines:
        locator = f"{source}#line-{number}"
        if line is None:
            yield failure(locator, too_large(None, options.max_bytes))
            continue
        if not line.strip():
            continue
        if has_undecodable(line):
            yield IngestError(locator, "undecodable", f"bytes that are not valid {encoding}")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestError(locator, "malformed", f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        except RecursionError:
            yield IngestError(locator, "malformed", "JSON nested too deeply to read")
            continue
        yield _document(locator, record, options, encoding)


def _document(locator: str, record: Any, options: IngestOptions, encoding: str) -> Document | IngestError:
    if not isinstance(record, dict):
        return IngestError(locator, "malformed", f"{_json_type(record)}, not a JSON object")
    try:
        return record_document(locator, record, options.field_map, encoding)
    except Rejected as exc:
        return failure(locator, exc)
