"""A folder of broken inputs: nothing raises, each bad input or record is reported with the right reason."""

from __future__ import annotations

import gzip
import json
import random
import time
from pathlib import Path

import pytest

from narrascope.ingest import IngestOptions, discover, read_source
from narrascope.model import Document, IngestError
from warc_helpers import http, write_warc

ARTICLE = "<html><body><p>The council of Velmora approved the harbour budget on Monday.</p></body></html>"
MAX = 256 * 1024


@pytest.fixture
def broken_folder(tmp_path: Path) -> Path:
    files: dict[str, bytes] = {
        "good.html": ARTICLE.encode(),
        "logo.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "empty.txt": b"",
        "blank.txt": b"  \n\n\t \n",
        "noise.txt": random.Random(3).randbytes(3000),
        "huge.html": b"<p>" + b"words " * (MAX // 4) + b"</p>",
        "truncated.html.gz": gzip.compress(ARTICLE.encode() * 20)[:-40],
        "corrupt.html.gz": b"\x1f\x8b\x08\x00" + bytes(range(200)),
        "nested.html": b"<html><body>" + b"<div>" * 10_000 + b"deep" + b"</div>" * 10_000 + b"</body></html>",
        "dump.jsonl": b'{"text": "First record."}\n{"text": "broken\n{"title": "no text"}\n[1, 2]\n{"text": "Last record."}\n',
        "table.csv": b"title,text\nOne,First row.\nTwo,Second row.,extra\nThree,Third row.\n",
        "bad.json": b'{"articles": [{"text": "x"}',
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "notfeed.xml": b'<?xml version="1.0"?><sitemap><url>https://v.example/</url></sitemap>',
        "broken.rss": b"<rss><channel><item><title>Unclosed",
        "scan.pdf": b"%PDF-1.4 whatever",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_broken_folder_is_read_without_raising(broken_folder: Path) -> None:
    sources, missing = discover([str(broken_folder)])
    assert missing == []
    items = [item for source in sources for item in read_source(source, IngestOptions(max_bytes=MAX))]
    errors = {Path(e.source).name: (e.reason, e.detail) for e in items if isinstance(e, IngestError)}
    documents = {Path(d.source).name: d for d in items if isinstance(d, Document)}

    reasons = {name: reason for name, (reason, _) in errors.items()}
    assert reasons == {
        "logo.html": "binary",
        "empty.txt": "empty",
        "blank.txt": "empty",
        "noise.txt": "binary",
        "huge.html": "too-large",
        "truncated.html.gz": "malformed",
        "corrupt.html.gz": "malformed",
        "dump.jsonl#line-2": "malformed",
        "dump.jsonl#line-3": "malformed",
        "dump.jsonl#line-4": "malformed",
        "table.csv#row-2": "malformed",
        "bad.json": "malformed",
        "deep.json": "malformed",
        "notfeed.xml": "unsupported",
        "broken.rss": "malformed",
        "broken.rss#item-1": "empty",  # what feedparser recovered: an item with a title and no content
        "scan.pdf": "binary",
    }
    assert sorted(documents) == [
        "dump.jsonl#line-1",
        "dump.jsonl#line-5",
        "good.html",
        "nested.html",
        "table.csv#row-1",
        "table.csv#row-3",
    ]
    assert errors["huge.html"][1] == "393.2 KB over the 262.1 KB limit (--max-size)"
    assert (
        "Compressed file ended before the end-of-stream marker was reached" in errors["truncated.html.gz"][1]
    )
    assert "3 fields where the header has 2" in errors["table.csv#row-2"][1]
    assert "no text field" in errors["dump.jsonl#line-3"][1]
    assert documents["nested.html"].content.count("<div>") == 10_000


def test_limits_apply_per_record_in_streamed_dumps(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        json.dumps({"text": "short"}),
        json.dumps({"text": "long " * 400}),
        json.dumps({"text": "short again"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = list(read_source(str(path), IngestOptions(max_bytes=1000)))
    assert [type(i).__name__ for i in items] == ["Document", "IngestError", "Document"]
    assert items[1] == IngestError(f"{path}#line-2", "too-large", "over the 1 KB limit (--max-size)")


def test_undecodable_row_in_a_dump_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    good = "Premier article écrit à Genève.\n".encode() * 3000  # past the sample the encoding is chosen on
    path.write_bytes(b"text\n" + good + b'"Mauvais \xff\xfe octets"\nTroisi\xc3\xa8me article.\n')
    items = list(read_source(str(path)))
    assert len(items) == 3002
    assert [getattr(i, "reason", "doc") for i in items[-3:]] == ["doc", "undecodable", "doc"]
    assert items[-2].source == f"{path}#row-3001"
    assert items[-1].content == "Troisième article."  # type: ignore[union-attr]


def test_lone_surrogates_and_control_characters_are_made_safe_where_records_enter(tmp_path: Path) -> None:
    records = [
        {"title": "\ufeff\u200bHalf an emoji \ud83d\x00\n", "author": ["Jo\x01", "Li\u2028Wen\x9f"],
         "text": "Body \udc00 text\x07.\r\nNext\x0cline\x85."},
        {"\ud800": "a record without a text field"},
    ]  # fmt: skip
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="ascii")  # "\\ud83d" escapes
    doc, error = read_source(str(path))
    assert isinstance(doc, Document) and isinstance(error, IngestError)
    assert (doc.title, doc.author) == ("Half an emoji \ufffd", "Jo, Li Wen")
    assert doc.content == "Body \ufffd text.\nNext\nline."
    assert error.reason == "malformed" and error.detail.endswith("the record has: \ufffd)")


def test_gzip_bomb_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html.gz"
    path.write_bytes(gzip.compress(b"<p>" + b" " * 1_000_000))
    [error] = read_source(str(path), IngestOptions(max_bytes=50_000))
    assert isinstance(error, IngestError) and error.reason == "too-large" and "decompressed" in error.detail


def test_truncated_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    pages = [f"<html><body><p>Page {n} of the crawl.</p></body></html>".encode() for n in range(3)]
    write_warc(
        path,
        [(f"https://v.example/{n}", "response", http("200 OK", "text/html"), p) for n, p in enumerate(pages)],
    )
    path.write_bytes(path.read_bytes()[:-60])
    items = list(read_source(str(path)))
    assert [type(i).__name__ for i in items] == ["Document", "Document", "IngestError"]
    assert items[-1].reason == "malformed" and items[-1].source == str(path)  # type: ignore[union-attr]


def test_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("just some text, not an archive\n\n", encoding="utf-8")
    [error] = read_source(str(path))
    assert isinstance(error, IngestError) and error.reason == "malformed"


def test_missing_file_and_folder_passed_to_read_source(tmp_path: Path) -> None:
    [missing] = read_source(str(tmp_path / "nope.html"))
    [folder] = read_source(str(tmp_path))
    assert (missing.reason, folder.reason) == ("not-found", "unsupported")  # type: ignore[union-attr]


def test_a_thousand_small_files_read_fast(tmp_path: Path) -> None:
    for n in range(1000):
        (tmp_path / f"{n:04}.txt").write_text(
            f"Article number {n} about the Velmora harbour.", encoding="utf-8"
        )
    start = time.perf_counter()
    sources, _ = discover([str(tmp_path)])
    documents = [d for s in sources for d in read_source(s)]
    assert len(documents) == 1000 and all(isinstance(d, Document) for d in documents)
    assert time.perf_counter() - start < 5
