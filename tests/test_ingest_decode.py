"""Encodings: every realistic input decodes to the right string; hopeless bytes are rejected with a reason."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from narrascope.ingest import read_source
from narrascope.ingest.common import Rejected
from narrascope.ingest.decode import decode
from narrascope.model import Document

RUSSIAN = (
    "Министр иностранных дел России Сергей Лавров заявил в среду, что Соединённые Штаты стремятся "
    "разделить Сирию. По его словам, присутствие американских военных в стране является незаконным."
)
FRENCH = (
    "Le ministre des Affaires étrangères a déclaré mercredi que la présence américaine en Syrie était "
    "illégale. « Nous ne l'accepterons pas », a-t-il ajouté à Genève, où les négociations reprendront."
)
ENGLISH_CP1252 = (
    "The minister said on Wednesday “we will not accept this” — and talks would resume… in Geneva."
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8-r"),
        (FRENCH, "latin-1"),
        (FRENCH, "cp1252"),
        (ENGLISH_CP1252, "cp1252"),
        ("Déclaration à Genève", "latin-1"),
    ],
)
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)).text == text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + FRENCH.encode("utf-8"), "utf-8-sig"),
        (RUSSIAN.encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + FRENCH.encode("utf-16-be"), "utf-16-be"),
        (RUSSIAN.encode("utf-16-le"), "utf-16-le"),  # no BOM
        (FRENCH.encode("utf-16-be"), "utf-16-be"),  # no BOM
    ],
)
def test_byte_order_marks_and_bomless_utf16(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.text in (RUSSIAN, FRENCH) and decoded.encoding == encoding


def test_declared_charset_and_its_precedence() -> None:
    data = RUSSIAN.encode("cp1251")
    assert decode(data, "windows-1251").encoding == "cp1251"
    meta = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>'
    assert decode(meta + RUSSIAN.encode("koi8-r"), markup=True).text.endswith(RUSSIAN)
    xml = b'<?xml version="1.0" encoding="windows-1251"?><rss>' + data
    assert decode(xml, markup=True).encoding == "cp1251"
    # ISO-8859-1 is read as windows-1252, as browsers do, so its typographic quotes survive.
    assert decode(ENGLISH_CP1252.encode("cp1252"), "ISO-8859-1").text == ENGLISH_CP1252
    # Valid non-ASCII UTF-8 beats a (wrong) declared legacy charset; an unknown label is ignored.
    assert decode(FRENCH.encode("utf-8"), "windows-1252").text == FRENCH
    assert decode(data, "no-such-charset").text == RUSSIAN


_RNG = random.Random(7)
RANDOM_BYTES = _RNG.randbytes(4000)  # NULs and control bytes among them
RANDOM_HIGH_BYTES = bytes(_RNG.randrange(0x80, 0x100) for _ in range(2000))  # no encoding reads these


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "binary"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary"),
        (RANDOM_BYTES, "binary"),
        (RANDOM_HIGH_BYTES, "undecodable"),
        (b"\xff\xfe" + b"\x00\xd8", "undecodable"),  # a UTF-16 BOM and then a lone surrogate
    ],
    ids=["no-bytes", "whitespace", "png", "pdf", "random", "random-high", "bad-utf16"],
)
def test_rejected_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(Rejected) as caught:
        decode(data)
    assert caught.value.reason == reason


def test_text_files_in_legacy_encodings(tmp_path: Path) -> None:
    cases = {
        "ru.txt": RUSSIAN.encode("cp1251"),
        "fr.txt": FRENCH.encode("latin-1"),
        "bom.txt": b"\xef\xbb\xbf" + FRENCH.encode("utf-8"),
        "u16.txt": ("Line one\r\n" + RUSSIAN).encode("utf-16"),
        "nul.txt": FRENCH.encode("utf-8").replace(b" mercredi", b"\x00 mercredi"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    contents = {}
    for name in cases:
        [doc] = read_source(str(tmp_path / name))
        assert isinstance(doc, Document), doc
        contents[name] = (doc.content, doc.encoding)
    assert contents["ru.txt"] == (RUSSIAN, "cp1251")
    assert contents["fr.txt"][0] == FRENCH
    assert contents["bom.txt"] == (FRENCH, "utf-8-sig")
    assert contents["u16.txt"] == ("Line one\n" + RUSSIAN, "utf-16-le")
    assert contents["nul.txt"][0] == FRENCH
