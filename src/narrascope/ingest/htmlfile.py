"""HTML pages (files, fetched pages, WARC responses) -> Document of kind ``html``: decoding only;
extraction is the clean stage's job, so nothing here parses (or recurses into) the markup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from narrascope.ingest.common import make_document
from narrascope.ingest.decode import decode
from narrascope.model import Document


def html_document(
    source: str, data: bytes, declared: str | None = None, hints: Mapping[str, Any] | None = None
) -> Document:
    """``declared``: the charset from HTTP headers, which beats ``<meta charset>`` as in browsers."""
    decoded = decode(data, declared, markup=True)
    return make_document(source, "html", decoded.text, decoded.encoding, hints or {})
