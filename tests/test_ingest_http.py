"""URLs against a local HTTP server (127.0.0.1, no internet): pages, redirects, charsets, feeds, failures."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from narrascope.ingest import IngestOptions, read_source
from narrascope.model import Document, IngestError

PAGE = "<html><head><title>Harbour</title></head><body><p>The Velmora harbour reopened on Monday.</p></body></html>"
RUSSIAN = (
    "<html><body><p>Министр иностранных дел заявил в среду, что переговоры продолжатся.</p></body></html>"
)
LIMIT = 10_000


def _rss(base: str) -> str:
    items = [("Harbour", f"{base}/page.html"), ("Gone", f"{base}/missing"), ("Relative", "ru")]
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>Summary of {title}.</description>"
        "<pubDate>Mon, 05 Apr 2021 08:00:00 GMT</pubDate></item>"
        for title, link in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Velmora Post</title>{body}</channel></rss>'
    )


class Handler(BaseHTTPRequestHandler):
    user_agents: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Handler.user_agents.append(self.headers.get("User-Agent", ""))
        base = f"http://{self.headers['Host']}"
        routes = {
            "/page.html": lambda: self._send(200, PAGE.encode(), "text/html; charset=utf-8"),
            "/redirect": lambda: self._send(302, b"", "text/plain", Location="/page.html"),
            "/to-ftp": lambda: self._send(302, b"", "text/plain", Location="ftp://127.0.0.1/secret"),
            "/ru": lambda: self._send(200, RUSSIAN.encode("cp1251"), "text/html; charset=windows-1251"),
            "/gzipped": lambda: self._send(
                200, gzip.compress(PAGE.encode()), "text/html", Content_Encoding="gzip"
            ),
            "/feed": lambda: self._send(200, _rss(base).encode(), "application/rss+xml"),
            "/feed-as-xml": lambda: self._send(200, _rss(base).encode(), "text/xml"),
            "/big": lambda: self._send(200, b"<p>" + b"x" * (LIMIT * 2), "text/html"),
            "/image": lambda: self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(50), "image/png"),
            "/drip": self._drip,
            "/slow": self._slow,
        }
        route = routes.get(self.path, lambda: self._send(404, b"<h1>Not Found</h1>", "text/html"))
        with contextlib.suppress(
            BrokenPipeError, ConnectionResetError
        ):  # the client gave up, as tests intend
            route()

    def _drip(self) -> None:  # no Content-Length: the size is only known by reading
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        for _ in range(30):
            self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")

    def _slow(self) -> None:
        time.sleep(1.0)
        self._send(200, PAGE.encode(), "text/html")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def read(url: str, **options: object) -> list[Document | IngestError]:
    return list(read_source(url, IngestOptions(**{"max_bytes": LIMIT, **options})))  # type: ignore[arg-type]


def test_page(server: str) -> None:
    [doc] = read(f"{server}/page.html")
    assert isinstance(doc, Document)
    assert (doc.source, doc.url, doc.kind, doc.content) == (
        f"{server}/page.html",
        f"{server}/page.html",
        "html",
        PAGE,
    )
    assert Handler.user_agents[-1] == "narrascope/0.1"


def test_redirect_gives_the_final_url(server: str) -> None:
    [doc] = read(f"{server}/redirect")
    assert (
        isinstance(doc, Document) and doc.source == f"{server}/redirect" and doc.url == f"{server}/page.html"
    )


def test_charset_from_the_header_and_gzip_transfer(server: str) -> None:
    [ru] = read(f"{server}/ru")
    [gz] = read(f"{server}/gzipped")
    assert isinstance(ru, Document) and ru.content == RUSSIAN and ru.encoding == "cp1251"
    assert isinstance(gz, Document) and gz.content == PAGE


@pytest.mark.parametrize(
    ("path", "reason", "detail"),
    [
        ("/missing", "fetch-failed", "HTTP 404 Not Found"),
        ("/to-ftp", "fetch-failed", "refused a redirect to ftp://127.0.0.1/secret"),
        ("/big", "too-large", "20 KB over the 10 KB limit (--max-size)"),
        ("/drip", "too-large", "over the 10 KB limit (stopped reading) (--max-size)"),
        ("/image", "binary", "PNG image content (starts with b'\\x89PNG\\r\\n\\x1a\\n')"),
    ],
)
def test_failures(server: str, path: str, reason: str, detail: str) -> None:
    assert read(server + path) == [IngestError(server + path, reason, detail)]


def test_timeout(server: str) -> None:
    [error] = read(f"{server}/slow", timeout=0.2)
    assert error == IngestError(f"{server}/slow", "fetch-failed", "timed out after 0.2 s")


def test_connection_refused() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    [error] = read(f"http://127.0.0.1:{port}/")
    assert error == IngestError(f"http://127.0.0.1:{port}/", "fetch-failed", "connection refused")


def test_feed_follows_item_links(server: str) -> None:
    harbour, gone, summary, relative = read(f"{server}/feed")
    assert isinstance(harbour, Document) and harbour.content == PAGE
    assert (harbour.source, harbour.url, harbour.title, harbour.outlet) == (
        f"{server}/page.html",
        f"{server}/page.html",
        "Harbour",
        "Velmora Post",
    )
    assert harbour.published == "2021-04-05T08:00:00+00:00"
    assert gone == IngestError(f"{server}/missing", "fetch-failed", "HTTP 404 Not Found")
    assert isinstance(summary, Document)  # the failed link falls back to the item's own content
    assert (summary.source, summary.content) == (f"{server}/feed#item-2", "Summary of Gone.")
    assert isinstance(relative, Document) and relative.url == f"{server}/ru" and relative.encoding == "cp1251"


def test_feed_without_following_and_sniffed_from_text_xml(server: str) -> None:
    items = read(f"{server}/feed-as-xml", follow_feed_links=False)
    assert [d.source for d in items] == [f"{server}/feed-as-xml#item-{n}" for n in (1, 2, 3)]
    assert all(isinstance(d, Document) and d.content.startswith("Summary of") for d in items)
