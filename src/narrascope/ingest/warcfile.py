"""Web archives (WARC, gzipped or not): one Document per archived HTML page, ``path#record-N``.

Only ``response`` records with status 200 and an HTML content type are pages; requests, metadata,
redirects, errors and non-HTML responses are part of any crawl and are passed over silently.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from narrascope.ingest.common import (
    GZIP_ERRORS,
    IngestOptions,
    Rejected,
    failure,
    gzip_failure,
    open_binary,
    too_large,
)
from narrascope.ingest.heuristics import HTML_CONTENT_TYPES, READ_CHUNK
from narrascope.ingest.htmlfile import html_document
from narrascope.model import Document, IngestError


class _CheckedStream:
    """The archive's bytes for warcio, gunzipped by the gzip module and handed over a piece at a time.

    warcio takes an ``EOFError`` for the clean end of an archive, so a truncated file would look complete;
    here a broken gzip stream becomes ``Rejected`` instead, after every intact record has been read.
    """

    def __init__(self, stream: io.BufferedIOBase) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read1(size if size > 0 else READ_CHUNK)
        except GZIP_ERRORS as exc:
            raise gzip_failure(exc) from exc


def read_warc(source: str, path: Path, options: IngestOptions) -> Iterator[Document | IngestError]:
    """Pages in archive order; a damaged archive is reported after the pages read before the damage."""
    pages = number = 0
    with open_binary(path) as stream:
        try:
            for number, record in enumerate(ArchiveIterator(_CheckedStream(stream)), 1):
                if record.format != "warc":
                    raise Rejected(
                        "malformed", f"record {number} is not a WARC record (an ARC file or not an archive)"
                    )
                if not _is_html_page(record):
                    continue
                pages += 1
                yield _page(f"{source}#record-{number}", record, options)
        except Rejected:
            raise
        except Exception as exc:  # warcio raises assorted errors on damaged archives; report, don't crash
            raise Rejected(
                "malformed", f"broken WARC after record {number}: {type(exc).__name__}: {exc}"
            ) from exc
    if not pages:
        raise Rejected("empty", f"no HTML response with status 200 among {number} WARC records")


def _is_html_page(record: Any) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    return record.http_headers.get_statuscode() == "200" and _media_type(record)[0] in HTML_CONTENT_TYPES


def _media_type(record: Any) -> tuple[str, str | None]:
    """(media type, charset) of a record's HTTP Content-Type."""
    message = Message()
    message["content-type"] = record.http_headers.get_header("Content-Type") or ""
    return message.get_content_type(), message.get_content_charset()


def _page(locator: str, record: Any, options: IngestOptions) -> Document | IngestError:
    body = record.content_stream().read(options.max_bytes + 1)
    if len(body) > options.max_bytes:
        return failure(locator, too_large(None, options.max_bytes))
    missing = record.raw_stream.limit
    if missing:
        return IngestError(locator, "malformed", f"record is truncated: {missing} bytes of it are missing")
    url = record.rec_headers.get_header("WARC-Target-URI")
    try:
        return html_document(locator, body, _media_type(record)[1], {"url": url})
    except Rejected as exc:
        return failure(locator, exc)
