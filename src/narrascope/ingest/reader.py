"""``read_source``: one file or URL -> Documents and IngestErrors, dispatching on format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from narrascope.ingest.common import (
    GZIP_EXTENSION,
    IngestOptions,
    Rejected,
    failure,
    read_file,
    sniff_kind,
    too_large,
)
from narrascope.ingest.csvfile import read_csv
from narrascope.ingest.decode import decode
from narrascope.ingest.feed import feed_documents, parse_feed
from narrascope.ingest.fetch import is_url, read_url
from narrascope.ingest.heuristics import BINARY_EXTENSIONS, FORMAT_BY_EXTENSION
from narrascope.ingest.htmlfile import html_document
from narrascope.ingest.jsonfile import read_json, read_jsonl
from narrascope.ingest.text import read_text
from narrascope.ingest.warcfile import read_warc
from narrascope.model import Document, IngestError

_STREAMED = {"jsonl": read_jsonl, "csv": read_csv, "warc": read_warc}  # read record by record
_WARC_GZ = ".warc.gz"


def read_source(source: str, options: IngestOptions = IngestOptions()) -> Iterator[Document | IngestError]:
    """Documents and errors from one file or URL. Never raises for bad input: a broken source or record
    becomes an ``IngestError`` naming it, and a container's remaining records are still read."""
    produced = False
    try:
        items = read_url(source, options) if is_url(source) else _read_path(source, options)
        for item in items:
            produced = True
            yield item
        if not produced:
            yield IngestError(source, "empty", "no records in it")
    except Rejected as exc:
        yield failure(source, exc)
    except OSError as exc:
        yield IngestError(source, "unreadable", exc.strerror or f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a reader bug must not end the batch: record it against the source
        yield IngestError(source, "unreadable", f"unexpected {type(exc).__name__}: {exc}")


def file_format(path: Path) -> str | None:
    """The format named by the file's extension (``.gz`` looked through), ``binary`` for a known binary
    type (not read at all), None for an unknown extension (the content is sniffed)."""
    name = path.name.lower()
    if name.endswith(_WARC_GZ):
        return "warc"
    suffix = Path(name.removesuffix(GZIP_EXTENSION)).suffix
    if suffix in BINARY_EXTENSIONS:
        return "binary"
    return FORMAT_BY_EXTENSION.get(suffix)


def rejected_unread(name: str, size: int, options: IngestOptions) -> Rejected | None:
    """The rejection a file earns by its name and size alone, before a byte is read: a known binary type,
    or a whole-file format over ``max_bytes`` (streamed containers are limited per record instead).
    Shared with the Spark job, which decides this from its file listing."""
    fmt = file_format(Path(name))
    if fmt == "binary":
        return Rejected("binary", f"a {Path(name).suffix.lower()} file, not text or HTML (not read)")
    if fmt not in _STREAMED and size > options.max_bytes:
        return too_large(size, options.max_bytes)
    return None


def _read_path(source: str, options: IngestOptions) -> Iterator[Document | IngestError]:
    path = Path(source)
    if not path.exists():
        raise Rejected("not-found", "no such file")
    if not path.is_file():
        raise Rejected("unsupported", "not a regular file (pass folders through discover)")
    rejected = rejected_unread(path.name, path.stat().st_size, options)
    if rejected is not None:
        raise rejected
    fmt = file_format(path)
    if fmt in _STREAMED:
        yield from _STREAMED[fmt](source, path, options)
        return
    data = read_file(path, options.max_bytes)
    if fmt in (None, "xml"):
        sniffed = sniff_kind(decode(data, markup=True).text)
        if fmt == "xml" and sniffed == "text":
            raise Rejected("unsupported", "XML that is neither an RSS/Atom feed nor XHTML")
        fmt = sniffed
    if fmt == "html":
        yield html_document(source, data)
    elif fmt == "text":
        yield from read_text(source, path, data, options)
    elif fmt == "json":
        yield from read_json(source, data, options)
    else:  # feed
        yield from feed_documents(source, parse_feed(data))
