"""Writing small WARC files in tests, the way a crawler writes them."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


def write_warc(path: Path, records: list[tuple[str, str, StatusAndHeaders, bytes]]) -> None:
    """A gzipped WARC of (url, record type, HTTP headers, body) records."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, rec_type, headers, body in records:
            record = writer.create_warc_record(url, rec_type, payload=io.BytesIO(body), http_headers=headers)
            writer.write_record(record)
            record.raw_stream.close()  # warcio leaves its spooled copy of the payload open


def http(status: str, content_type: str) -> StatusAndHeaders:
    return StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
