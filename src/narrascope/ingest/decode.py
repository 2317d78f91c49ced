"""Bytes -> text: binary and empty detection, then the encoding, in the order that is right most often.

1. Empty or whitespace-only -> ``empty``; a known magic number (PDF, ZIP, PNG, ...) -> ``binary``.
2. A byte-order mark (UTF-8, UTF-16, UTF-32) decides.
3. Many NUL or control bytes -> ``binary``, unless they are UTF-16 without a BOM.
4. Strict UTF-8. It comes before a declared legacy charset because valid non-ASCII UTF-8 practically never
   happens by chance in cp125x/ISO-8859 text, while pages that declare the wrong charset are common.
5. The declared charset: the HTTP header, then (for markup) the XML declaration or ``<meta charset>``.
6. charset-normalizer's detection; ties go to the encoding more common on the web.
7. Nothing fits -> ``undecodable``.

Only bounded prefixes are scanned with bounded patterns, so hostile markup (deep nesting, huge pages)
costs nothing here.
"""

from __future__ import annotations

import codecs
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

from narrascope.ingest.common import Rejected
from narrascope.ingest.heuristics import (
    BINARY_SAMPLE_BYTES,
    BOMS,
    DECLARATION_SCAN_BYTES,
    MAGIC_NUMBERS,
    MAX_CONTROL_RATIO,
    MAX_NUL_RATIO,
    META_CHARSET,
    PREFERRED_ENCODINGS,
    UTF16_HIGH_BYTE_SHARE,
    WINDOWS_1252_ALIASES,
    XML_DECLARATION,
)

_ALLOWED_CONTROLS = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}  # tab, newlines, form feed, escape
_NOT_CONTROL = bytes(b for b in range(256) if not ((b < 0x20 and b not in _ALLOWED_CONTROLS) or b == 0x7F))


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python's canonical codec name: utf-8, utf-8-sig, cp1251, utf-16-le, ...


def decode(data: bytes, declared: str | None = None, *, markup: bool = False) -> Decoded:
    """Decode ``data`` or raise ``Rejected`` (empty, binary, undecodable).

    ``declared`` is a charset label from outside the content (HTTP ``Content-Type``, WARC HTTP headers);
    ``markup`` also honours declarations inside the content (XML declaration, ``<meta charset>``).
    """
    if not data.strip():
        raise Rejected("empty", "no content" if not data else "only whitespace")
    _check_magic(data)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict(
                data[len(bom) :], encoding, f"starts with a {encoding} byte-order mark but is not {encoding}"
            )
    utf16 = _sniff_binary(data)
    if utf16:
        return utf16
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    labels = [(declared, False)]
    if markup:
        labels += [(label, True) for label in _declared_in_content(data)]
    for label, in_content in labels:
        encoding = _codec_name(label, in_content=in_content)
        if encoding:
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError:
                continue
    return _detect(data)


def _check_magic(data: bytes) -> None:
    """Raise ``binary`` for content that starts like a known binary format."""
    for magic, name in MAGIC_NUMBERS.items():
        if data.startswith(magic):
            raise Rejected("binary", f"{name} content (starts with {data[: len(magic)]!r})")


def _declared_in_content(data: bytes) -> list[str]:
    """Charset labels declared inside markup: the XML declaration first, then ``<meta charset>``."""
    head = data[:DECLARATION_SCAN_BYTES]
    return [m.group(1).decode("ascii") for m in (XML_DECLARATION.match(head), META_CHARSET.search(head)) if m]


def _codec_name(label: str | None, *, in_content: bool = False) -> str | None:
    """Python's codec for a charset label, or None for an unknown label.

    Labels browsers read as windows-1252 map to cp1252. A UTF-16/32 label found *inside* content is
    ignored: if it could be read as ASCII, the content is not UTF-16 (the WHATWG rule).
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in WINDOWS_1252_ALIASES:
        return "cp1252"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if in_content and name.startswith(("utf-16", "utf-32")):
        return None
    return name


def _strict(data: bytes, encoding: str, problem: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), codecs.lookup(encoding).name)
    except UnicodeDecodeError as exc:
        raise Rejected("undecodable", f"{problem} ({exc.reason} at byte {exc.start})") from exc


def _sniff_binary(data: bytes) -> Decoded | None:
    """Raise ``binary`` for many NUL or control bytes, unless they are UTF-16 text without a BOM (then
    return it decoded); None for bytes that look like text."""
    sample = data[:BINARY_SAMPLE_BYTES]
    nuls, controls = sample.count(0), len(sample.translate(None, _NOT_CONTROL))
    if nuls <= MAX_NUL_RATIO * len(sample) and controls <= MAX_CONTROL_RATIO * len(sample):
        return None
    utf16 = _utf16_without_bom(sample, data)
    if utf16 is None:
        raise Rejected("binary", f"{nuls} NUL and {controls} control bytes in the first {len(sample)} bytes")
    return utf16


def _utf16_without_bom(sample: bytes, data: bytes) -> Decoded | None:
    """One byte of every UTF-16 pair (the high byte) takes only a couple of values: NUL for ASCII and one
    block number for the script (0x04 for Cyrillic). Single-byte text and binary data never look so."""
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    for start, encoding in ((1, "utf-16-le"), (0, "utf-16-be")):
        high = Counter(sample[start : pairs * 2 : 2]).most_common(2)
        if sum(count for _, count in high) < UTF16_HIGH_BYTE_SHARE * pairs:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        head = text[:BINARY_SAMPLE_BYTES]
        controls = sum(1 for ch in head if ord(ch) < 0x20 and ord(ch) not in _ALLOWED_CONTROLS)
        if controls <= MAX_CONTROL_RATIO * len(head):
            return Decoded(text, encoding)
    return None


def _detect(data: bytes) -> Decoded:
    """charset-normalizer's guess; among equally good guesses, the encoding more common on the web."""
    matches = list(from_bytes(data))
    if not matches:
        raise Rejected("undecodable", "not UTF-8, no declared charset fits, and no encoding detected")
    best = matches[0]
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    rank = {name: i for i, name in enumerate(PREFERRED_ENCODINGS)}
    for match in sorted(tied, key=lambda m: rank.get(m.encoding, len(rank))):
        try:
            return Decoded(data.decode(match.encoding), codecs.lookup(match.encoding).name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise Rejected("undecodable", f"detected {best.encoding}, but it does not decode the whole input")
