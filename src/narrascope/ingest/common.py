"""Pieces every reader shares: the rejection signal, size limits, gzip-aware reading, hint values."""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import io
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narrascope.ingest.heuristics import (
    CONTROL,
    FEED_SNIFF,
    GZIP_EXTENSION,
    GZIP_MAGIC,
    HINT_FIELDS,
    HTML_SNIFF,
    INVISIBLE_EDGES,
    LINE_BREAK,
    LONE_SURROGATE,
    NAME_KEYS,
    SNIFF_CHARS,
)
from narrascope.model import Document, IngestError

Hints = dict[str, str]  # our hint field (url, title, author, published, outlet, language) -> value


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How ingest reads its inputs; one object per run, shared by every reader."""

    max_bytes: int = 20 * 1024 * 1024  # per file, per fetched page, per record of a streamed container
    field_map: Mapping[str, str] = field(default_factory=dict)  # our field -> their column (JSON, CSV)
    timeout: float = 20.0  # seconds per URL
    follow_feed_links: bool = True  # a fetched feed: fetch each item's page too


class Rejected(Exception):
    """Raised inside a reader for a bad input; ``read_source`` turns it into an ``IngestError``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def human_size(n: int) -> str:
    """``25.3 MB``, ``20 MB``, ``4.5 KB``, ``800 bytes``, in the units ``--max-size 20MB`` is read in
    (1 MB = 1,000,000 bytes), so that limit shows as "20 MB"."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 1000)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def too_large(size: int | None, limit: int, context: str = "") -> Rejected:
    """The ``too-large`` rejection; ``size`` is None where reading stopped at the limit, unmeasured."""
    amount = f"{human_size(size)} " if size is not None else ""
    return Rejected("too-large", f"{amount}over the {human_size(limit)} limit{context} (--max-size)")


def gzip_failure(exc: Exception) -> Rejected:
    """A truncated or corrupt gzip stream, with zlib's or gzip's own words for what is wrong."""
    return Rejected("malformed", f"broken gzip data ({type(exc).__name__}: {exc})")


GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)


def is_gzip_name(path: Path) -> bool:
    return path.name.lower().endswith(GZIP_EXTENSION)


def read_file(path: Path, max_bytes: int) -> bytes:
    """The whole file, gunzipped when it is gzip (by name or by magic number), within ``max_bytes``."""
    size = path.stat().st_size
    if size > max_bytes:
        raise too_large(size, max_bytes)
    raw = path.read_bytes()
    if raw.startswith(GZIP_MAGIC):
        return gunzip(raw, max_bytes)
    if is_gzip_name(path) and raw:
        raise Rejected("malformed", f"named .gz but not gzip data (starts with {raw[:8]!r})")
    return raw


def gunzip(raw: bytes, max_bytes: int) -> bytes:
    """Decompress every gzip member of ``raw``, refusing output beyond ``max_bytes`` (gzip bombs)."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(max_bytes + 1)
    except GZIP_ERRORS as exc:
        raise gzip_failure(exc) from exc
    if len(data) > max_bytes:
        raise too_large(None, max_bytes, " when decompressed")
    return data


def open_binary(path: Path) -> io.BufferedIOBase:
    """A binary stream over the file's content, transparently gunzipping; for streamed containers."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return gzip.GzipFile(path, "rb")
    if is_gzip_name(path) and magic:
        raise Rejected("malformed", f"named .gz but not gzip data (starts with {magic!r})")
    return path.open("rb")


_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Content as stored: lone surrogates as U+FFFD, line breaks as ``\\n``, other control characters
    (tab aside) dropped, a leading BOM character dropped."""
    text = CONTROL.sub("", LINE_BREAK.sub("\n", LONE_SURROGATE.sub("\ufffd", text)))
    return text.removeprefix("\ufeff")


def one_line(value: str) -> str:
    """A metadata value as stored: ``normalise_text``'s rules, then every run of spaces (line breaks
    included) as one space, and no spaces or invisible characters (zero-width, BOM) at either end."""
    return _SPACES.sub(" ", normalise_text(value)).strip(INVISIBLE_EDGES)


def as_text(value: Any, joiner: str = ", ") -> str | None:
    """A record value as a string: lists joined, ``{"name": ...}`` objects named, blanks as None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dt.date):  # Parquet date columns
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Mapping):
        for key in NAME_KEYS:
            if name := as_text(value.get(key)):
                return name
        return None
    if isinstance(value, (list, tuple)):
        parts = [part for part in (as_text(item, joiner) for item in value) if part]
        return joiner.join(parts) or None
    return None


_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9-]+)?$")


def as_language(value: str | None) -> str | None:
    """``en-US`` -> ``en``; values that are not language tags pass through unchanged."""
    if value is None:
        return None
    match = _LANGUAGE_TAG.match(value)
    return match.group(1).lower() if match else value


def as_date(value: str | None) -> str | None:
    """RFC 822 dates (RSS, HTTP) as ISO 8601 with their own offset; anything else unchanged."""
    if value is None:
        return None
    try:
        return email.utils.parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError):
        return value


def clean_hints(hints: Mapping[str, Any]) -> Hints:
    """Hint values normalised (strings, ISO dates, language subtags); unknown keys and blanks dropped."""
    out: Hints = {}
    for name in HINT_FIELDS:
        value: str | None = one_line(as_text(hints.get(name)) or "")
        if not value:
            continue
        if name == "published":
            value = as_date(value)
        elif name == "language":
            value = as_language(value)
        out[name] = value
    return out


def make_document(source: str, kind: str, content: str, encoding: str, hints: Mapping[str, Any]) -> Document:
    """A Document with normalised content and hints (``normalise_text``, ``one_line``): the one place
    every decoded string enters, so none holds a lone surrogate or a stray control character. Rejects
    content that is blank once decoded."""
    content = normalise_text(content)
    if not content.strip():
        raise Rejected("empty", "no content (blank after decoding)")
    return Document(source=source, kind=kind, content=content, encoding=encoding, **clean_hints(hints))


def sniff_kind(text: str) -> str:
    """``feed``, ``html`` or ``text``, from the start of decoded content."""
    head = text[:SNIFF_CHARS]
    if FEED_SNIFF.search(head):
        return "feed"
    return "html" if HTML_SNIFF.search(head) else "text"


def failure(source: str, rejected: Rejected) -> IngestError:
    return IngestError(source, rejected.reason, rejected.detail)
