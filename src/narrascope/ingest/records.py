"""Records of a JSON, JSONL or CSV dump -> Documents, through a field map (ours -> their column)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from narrascope.errors import NarrascopeError
from narrascope.ingest.common import IngestOptions, Rejected, as_text, make_document, one_line, open_binary
from narrascope.ingest.decode import decode
from narrascope.ingest.heuristics import BOMS, FIELD_SYNONYMS, HINT_FIELDS, STREAM_SNIFF_BYTES
from narrascope.model import Document


def parse_field_map(spec: str) -> dict[str, str]:
    """``"text=body,url=link,published=date"`` -> ``{"text": "body", ...}``; ``""`` -> ``{}``.

    Raises ``NarrascopeError`` for an entry that is not ``ours=theirs``, an unknown field of ours, or a
    field given twice: a typo in a mapping would otherwise silently read nothing.
    """
    result: dict[str, str] = {}
    for entry in spec.split(","):
        if not entry.strip():
            continue
        ours, sep, theirs = (part.strip() for part in entry.partition("="))
        if not sep or not ours or not theirs:
            raise NarrascopeError(
                "E201", f"--field-map entry {entry.strip()!r} is not ours=theirs (e.g. text=body)"
            )
        if ours not in FIELD_SYNONYMS:
            known = ", ".join(FIELD_SYNONYMS)
            raise NarrascopeError("E202", f"--field-map names unknown field {ours!r}; fields are: {known}")
        if ours in result:
            raise NarrascopeError("E203", f"--field-map gives {ours!r} twice")
        result[ours] = theirs
    return result


def map_columns(keys: Iterable[str], field_map: Mapping[str, str]) -> dict[str, str]:
    """Our field -> the record's key holding it: the mapped name, else the first synonym present;
    exact spelling first, then case-insensitively."""
    exact = set(keys)
    folded: dict[str, str] = {}
    for key in exact:
        folded.setdefault(key.casefold(), key)
    columns: dict[str, str] = {}
    for ours, synonyms in FIELD_SYNONYMS.items():
        for name in (field_map[ours],) if ours in field_map else synonyms:
            key = name if name in exact else folded.get(name.casefold())
            if key is not None:
                columns[ours] = key
                break
    return columns


def record_document(
    source: str, record: Mapping[str, Any], field_map: Mapping[str, str], encoding: str
) -> Document:
    """One record as a Document: kind ``html`` when it gives HTML, else ``text``; raises ``Rejected``."""
    columns = map_columns(record.keys(), field_map)
    for ours, kind in (("html", "html"), ("text", "text")):
        if ours in columns:
            content = as_text(record[columns[ours]], "\n\n")
            if content:
                hints = {name: record[key] for name, key in columns.items() if name in HINT_FIELDS}
                return make_document(source, kind, content, encoding, hints)
    if "html" in columns or "text" in columns:
        given = " / ".join(repr(columns[f]) for f in ("html", "text") if f in columns)
        raise Rejected("empty", f"the {given} field is empty")
    wanted = (
        [field_map["text"]] if "text" in field_map else list(FIELD_SYNONYMS["text"] + FIELD_SYNONYMS["html"])
    )
    keys = ", ".join(sorted(one_line(str(key)) for key in record)[:12]) or "none"
    raise Rejected("malformed", f"no text field (looked for {', '.join(wanted)}; the record has: {keys})")


def open_text_stream(path: Path, options: IngestOptions) -> tuple[IO[str], str]:
    """A text stream over a (possibly gzipped) dump, its encoding decided from the first bytes.

    Undecodable bytes further on become lone surrogates (``surrogateescape``) so that the record holding
    them, and only that record, is reported.
    """
    raw = open_binary(path)
    try:
        head = raw.read(STREAM_SNIFF_BYTES)
        more = raw.read(1)
        raw.seek(0)
        has_bom = head.startswith(tuple(bom for bom, _ in BOMS))
        if more and not has_bom:  # cut the sample at a line end so that no multi-byte character is split
            head = head[: head.rfind(b"\n") + 1] or head
        encoding = decode(head).encoding
        if has_bom and encoding.startswith(("utf-16", "utf-32")):
            encoding = encoding[:6]  # the codec that reads (and drops) the byte-order mark itself
    except BaseException:
        raw.close()
        raise
    return io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline=""), encoding


def has_undecodable(text: str) -> bool:
    """True where ``surrogateescape`` stood in for bytes the stream's encoding could not decode."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def limited_lines(stream: IO[str], max_chars: int) -> Iterator[tuple[int, str | None]]:
    """(line number, line) pairs, 1-based; None for a line over ``max_chars``, which is skipped unread."""
    number = 0
    while line := stream.readline(max_chars + 1):
        number += 1
        if len(line.rstrip("\r\n")) <= max_chars:
            yield number, line
            continue
        while line and not line.endswith("\n"):  # drain the rest of the long line in bounded pieces
            line = stream.readline(max_chars + 1)
        yield number, None
