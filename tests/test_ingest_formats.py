"""Every input format ingest reads, each to Documents with the right kind, source locator and hints."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders

from narrascope.app import Narrascope
from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions, parse_field_map, read_source
from narrascope.model import Document, IngestError
from warc_helpers import http, write_warc

BODY = (
    "The port authority of Velmora said on Tuesday that the new ferry line would open in May.\n"
    "“We expect ten thousand passengers in the first month,” director Anna Kessel told reporters."
)
PAGE = f"<!DOCTYPE html><html><head><title>Ferry line</title></head><body><article><p>{BODY}</p></article></body></html>"


def read(path: Path | str, **options: object) -> list[Document | IngestError]:
    return list(read_source(str(path), IngestOptions(**options)))  # type: ignore[arg-type]


def docs(items: list[Document | IngestError]) -> list[Document]:
    assert all(isinstance(i, Document) for i in items), items
    return items  # type: ignore[return-value]


def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "ferry.HTML"
    path.write_text(PAGE, encoding="utf-8")
    [doc] = docs(read(path))
    assert (doc.kind, doc.source, doc.encoding) == ("html", str(path), "utf-8")
    assert "ten thousand passengers" in doc.content


def test_html_gz_file_and_meta_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1251"></head><body><p>Министр заявил в среду.</p></body></html>'
    )
    path = tmp_path / "page.htm.gz"
    path.write_bytes(gzip.compress(page.encode("cp1251")))
    [doc] = docs(read(path))
    assert doc.kind == "html" and doc.encoding == "cp1251"
    assert "Министр заявил в среду." in doc.content


def test_text_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "ferry.txt"
    front = "---\ntitle: Ferry line opens\nAuthor: Jo Marsh\ndate: 2021-04-06\nsource: Velmora Post\nlang: en-GB\n---\n"
    path.write_text(front + BODY + "\r\n", encoding="utf-8")
    [doc] = docs(read(path))
    assert doc.kind == "text" and doc.content.startswith("The port authority") and "\r" not in doc.content
    assert (doc.title, doc.author, doc.published, doc.outlet, doc.language) == (
        "Ferry line opens",
        "Jo Marsh",
        "2021-04-06",
        "Velmora Post",
        "en",
    )


def test_text_whose_rule_is_not_front_matter_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "rule.txt"
    text = "---\nThis is prose: it has a colon: twice.\n---\nMore prose."
    path.write_text(text, encoding="utf-8")
    [doc] = docs(read(path))
    assert doc.content == text and doc.title is None


def test_front_matter_that_is_not_yaml_is_reported_and_the_text_kept(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    text = '---\ntitle: Ferry line opens\noutlet: "Velmora "Post">"\n---\n' + BODY
    path.write_text(text, encoding="utf-8")
    error, doc = read(path)
    assert isinstance(error, IngestError) and (error.source, error.reason) == (str(path), "malformed")
    assert "front matter is not valid YAML" in error.detail and "at line 3" in error.detail
    assert isinstance(doc, Document) and doc.content == text and doc.outlet is None


def test_front_matter_with_aliases_is_refused_fast_and_the_text_kept(tmp_path: Path) -> None:
    """Nine levels of nested aliases would expand the title to 9**9 words; anchors are refused outright."""
    levels = "".join(f"l{i + 1}: &l{i + 1} [{', '.join([f'*l{i}'] * 9)}]\n" for i in range(8))
    front = f"---\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n{levels}title: *l8\n---\n"
    path = tmp_path / "bomb.txt"
    path.write_text(front + BODY, encoding="utf-8")
    started = time.perf_counter()
    error, doc = read(path)
    assert time.perf_counter() - started < 2
    assert isinstance(error, IngestError) and (error.source, error.reason) == (str(path), "malformed")
    assert "anchors and aliases are not allowed" in error.detail
    assert isinstance(doc, Document) and doc.title is None and BODY in doc.content


def test_an_overlong_metadata_value_is_left_out_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(f"---\ntitle: {'Ferry ' * 1000}\nauthor: Jo Marsh\n---\n" + BODY, encoding="utf-8")
    error, doc = read(path)
    assert isinstance(error, IngestError) and (error.source, error.reason) == (str(path), "malformed")
    assert "'title'" in error.detail
    assert isinstance(doc, Document) and (doc.title, doc.author) == (None, "Jo Marsh")


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2024-13-01", None),
        ("2024-02-30", None),
        ("2024-03-11 25:00:00", "2024-03-11"),
        ("2024-03-11", "2024-03-11"),
    ],
)
def test_an_impossible_front_matter_date_leaves_the_article_undated(
    tmp_path: Path, published: str, expected: str | None
) -> None:
    path = tmp_path / "dated.txt"
    path.write_text(f"---\ntitle: Ferry line opens\npublished: {published}\n---\n" + BODY, encoding="utf-8")
    with Narrascope(tmp_path / "a.db") as nar:
        report = nar.ingest([str(path)])
        [article] = nar.articles()
    assert (report.stored, report.errors) == (1, [])
    assert (article.title, article.published) == ("Ferry line opens", expected)


@pytest.mark.parametrize("sidecar_name", ["ferry.txt.json", "ferry.json"])
def test_text_with_sidecar_json(tmp_path: Path, sidecar_name: str) -> None:
    (tmp_path / "ferry.txt").write_text(BODY, encoding="utf-8")
    meta = {"url": "https://velmora.example/ferry", "headline": "Ferry", "authors": ["Jo Marsh", "Li Wen"]}
    (tmp_path / sidecar_name).write_text(json.dumps(meta), encoding="utf-8")
    [doc] = docs(read(tmp_path / "ferry.txt"))
    assert (doc.url, doc.title, doc.author) == ("https://velmora.example/ferry", "Ferry", "Jo Marsh, Li Wen")


def test_front_matter_wins_over_sidecar_and_broken_sidecar_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("---\ntitle: From front matter\n---\n" + BODY, encoding="utf-8")
    (tmp_path / "a.txt.json").write_text(
        '{"title": "From sidecar", "url": "https://x.example/a"}', encoding="utf-8"
    )
    [doc] = docs(read(tmp_path / "a.txt"))
    assert (doc.title, doc.url) == ("From front matter", "https://x.example/a")

    (tmp_path / "b.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "b.json").write_text("{not json", encoding="utf-8")
    error, doc = read(tmp_path / "b.txt")
    assert isinstance(error, IngestError) and error.source == str(tmp_path / "b.json")
    assert error.reason == "malformed"
    assert isinstance(doc, Document) and doc.title is None


def test_jsonl_with_default_field_names(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    records = [
        {"url": "https://v.example/1", "headline": "One", "body": BODY, "date_publish": "2021-04-06"},
        {"link": "https://v.example/2", "raw_html": PAGE, "source": {"id": "vp", "name": "Velmora Post"}},
        {"maintext": ["First paragraph.", "Second paragraph."], "lang": "fr"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    one, two, three = docs(read(path))
    assert (one.source, one.kind, one.title, one.published) == (f"{path}#line-1", "text", "One", "2021-04-06")
    assert (two.kind, two.url, two.outlet) == ("html", "https://v.example/2", "Velmora Post")
    assert (three.content, three.language) == ("First paragraph.\n\nSecond paragraph.", "fr")


def test_jsonl_gz_with_custom_field_map(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl.gz"
    record = {"story": BODY, "permalink": "https://v.example/3", "when": "2020-01-02", "body": "not this"}
    path.write_bytes(gzip.compress((json.dumps(record) + "\n").encode()))
    field_map = parse_field_map("text=story, url=permalink,published=when")
    [doc] = docs(read(path, field_map=field_map))
    assert (doc.content, doc.url, doc.published) == (BODY, "https://v.example/3", "2020-01-02")


def test_mapped_column_missing_is_reported_per_record(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(json.dumps({"body": BODY}) + "\n", encoding="utf-8")
    [error] = read(path, field_map={"text": "story"})
    assert isinstance(error, IngestError) and error.reason == "malformed" and "story" in error.detail


@pytest.mark.parametrize(
    "payload",
    [
        [{"text": BODY, "title": "A"}, {"text": BODY + " Again.", "title": "B"}],
        {"articles": [{"text": BODY, "title": "A"}, {"text": BODY + " Again.", "title": "B"}]},
    ],
)
def test_json_list_and_wrapped_list(tmp_path: Path, payload: object) -> None:
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    a, b = docs(read(path))
    assert (a.source, a.title, b.source, b.title) == (f"{path}#record-1", "A", f"{path}#record-2", "B")


def test_json_single_object_and_json_lines_named_json(tmp_path: Path) -> None:
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"content": BODY, "byline": "Jo Marsh"}), encoding="utf-8")
    [doc] = docs(read(single))
    assert doc.author == "Jo Marsh"

    lines = tmp_path / "lines.json"
    lines.write_text(
        json.dumps({"text": "First."}) + "\n" + json.dumps({"text": "Second."}) + "\n", encoding="utf-8"
    )
    assert [d.content for d in docs(read(lines))] == ["First.", "Second."]


def test_csv_with_field_map(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    rows = (
        'Headline;Story;Link\n"Ferry";"'
        + BODY.replace('"', '""')
        + '";https://v.example/1\n"Two";"Line one.\nLine two.";\n'
    )
    path.write_text(rows, encoding="utf-8-sig")
    field_map = parse_field_map("text=Story,url=Link")
    one, two = docs(read(path, field_map=field_map))
    assert (one.source, one.title, one.content, one.url) == (
        f"{path}#row-1",
        "Ferry",
        BODY,
        "https://v.example/1",
    )
    assert (two.content, two.url) == ("Line one.\nLine two.", None)


def test_parse_field_map() -> None:
    assert parse_field_map("") == {}
    assert parse_field_map("text=body, published = date,") == {"text": "body", "published": "date"}
    for bad in ("txt=body", "text", "text=", "text=a,text=b"):
        with pytest.raises(NarrascopeError):
            parse_field_map(bad)


def test_warc_gz(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    request = StatusAndHeaders("GET /a HTTP/1.1", [("Host", "v.example")], is_http_request=True)
    page = "<html><body><p>Министр заявил.</p></body></html>".encode("cp1251")
    write_warc(
        path,
        [
            ("https://v.example/a", "response", http("200 OK", "text/html; charset=utf-8"), PAGE.encode()),
            ("https://v.example/a", "request", request, b""),
            ("https://v.example/gone", "response", http("404 Not Found", "text/html"), b"<p>Not here</p>"),
            ("https://v.example/b", "response", http("200 OK", "text/html; charset=windows-1251"), page),
        ],
    )
    a, b = docs(read(path))
    assert (a.source, a.url, a.kind) == (f"{path}#record-1", "https://v.example/a", "html")
    assert (b.source, b.url, b.encoding) == (f"{path}#record-4", "https://v.example/b", "cp1251")
    assert "Министр заявил." in b.content


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Velmora Post</title><link>https://v.example/</link><language>en-us</language>
<item><title>Ferry line opens</title><link>https://v.example/ferry</link>
<pubDate>Tue, 06 Apr 2021 09:30:00 +0200</pubDate><author>desk@v.example (Jo Marsh)</author>
<description>Short teaser.</description>
<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item>
<item><title>Second</title><link>https://v.example/second</link><description>Only a summary.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Velmora Post</title><id>urn:v</id><updated>2021-04-06T10:00:00Z</updated>
<entry><title>Ferry line opens</title><link href="https://v.example/ferry"/><id>urn:v:1</id>
<published>2021-04-06T09:30:00+02:00</published><updated>2021-04-07T00:00:00Z</updated>
<author><name>Jo Marsh</name></author><content type="html">&lt;p&gt;{body}&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.rss"
    path.write_text(RSS.format(body=BODY), encoding="utf-8")
    first, second = docs(read(path))
    assert (first.source, first.url, first.title, first.author) == (
        f"{path}#item-1",
        "https://v.example/ferry",
        "Ferry line opens",
        "Jo Marsh",
    )
    assert (first.published, first.outlet, first.language) == (
        "2021-04-06T09:30:00+02:00",
        "Velmora Post",
        "en",
    )
    assert first.kind == "html" and "ten thousand passengers" in first.content
    assert second.content == "Only a summary." and second.published is None


def test_atom_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(ATOM.format(body=BODY), encoding="utf-8")
    [doc] = docs(read(path))
    assert (doc.url, doc.author, doc.published) == (
        "https://v.example/ferry",
        "Jo Marsh",
        "2021-04-06T09:30:00+02:00",
    )
    assert "director Anna Kessel" in doc.content


def test_feed_sniffed_from_xml_and_from_unknown_extension(tmp_path: Path) -> None:
    for name in ("feed.xml", "feed.php"):
        path = tmp_path / name
        path.write_text(RSS.format(body=BODY), encoding="utf-8")
        assert [d.source for d in docs(read(path))] == [f"{path}#item-1", f"{path}#item-2"]


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    page, text = tmp_path / "article.aspx", tmp_path / "README"
    page.write_text(PAGE, encoding="utf-8")
    text.write_text(BODY, encoding="utf-8")
    assert docs(read(page))[0].kind == "html"
    assert docs(read(text))[0].kind == "text"
