"""URLs: fetch with urllib (size- and time-bounded), then read the page or feed like a file would be."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from typing import IO
from urllib.parse import urljoin

from narrascope.ingest.common import (
    IngestOptions,
    Rejected,
    failure,
    gunzip,
    make_document,
    sniff_kind,
    too_large,
)
from narrascope.ingest.decode import decode
from narrascope.ingest.feed import FeedEntry, entry_document, feed_documents, feed_problem, parse_feed
from narrascope.ingest.heuristics import (
    ACCEPT,
    FEED_CONTENT_TYPES,
    HTML_CONTENT_TYPES,
    READ_CHUNK,
    TEXT_CONTENT_TYPES,
    USER_AGENT,
    XML_CONTENT_TYPES,
)
from narrascope.ingest.htmlfile import html_document
from narrascope.model import Document, IngestError

URL_SCHEMES = ("http://", "https://")


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would also follow a redirect to ``ftp://``; a page on the web has no business sending us there."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not is_url(newurl):
            raise urllib.error.URLError(f"refused a redirect to {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    media_type: str  # lower-case, without parameters; "" when the server sent none
    charset: str | None
    body: bytes  # already gunzipped


def is_url(source: str) -> bool:
    return source.lower().startswith(URL_SCHEMES)


def read_url(url: str, options: IngestOptions) -> Iterator[Document | IngestError]:
    """A page -> one Document (``url`` = the final URL); a feed -> its items, each item's linked page
    fetched when ``follow_feed_links`` (falling back to the item's own content if that fetch fails)."""
    response = fetch(url, options)
    kind = _kind(response)
    if kind == "feed":
        feed = parse_feed(response.body, response.charset, response.url)
        if not options.follow_feed_links:
            yield from feed_documents(url, feed)
            return
        yield from feed_problem(url, feed)
        for number, entry in enumerate(feed.entries, 1):
            yield from _follow(entry, f"{url}#item-{number}", feed.encoding, options)
    elif kind == "html":
        yield html_document(url, response.body, response.charset, {"url": response.url})
    else:
        decoded = decode(response.body, response.charset)
        yield make_document(url, "text", decoded.text, decoded.encoding, {"url": response.url})


def fetch(url: str, options: IngestOptions) -> Response:
    """GET ``url``; every failure is a ``Rejected`` (``fetch-failed``, ``too-large``, ``malformed`` gzip)."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip"}
    )
    try:
        with _OPENER.open(request, timeout=options.timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > options.max_bytes:
                raise too_large(int(length), options.max_bytes)
            body = _read_bounded(response, options)
            final_url, headers = response.geturl(), response.headers
    except urllib.error.HTTPError as exc:
        exc.close()
        raise Rejected("fetch-failed", f"HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise Rejected("fetch-failed", _network_reason(exc.reason, options.timeout)) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise Rejected("fetch-failed", _network_reason(exc, options.timeout)) from exc
    except ValueError as exc:
        raise Rejected("fetch-failed", f"invalid URL: {exc}") from exc
    if headers.get("Content-Encoding", "").strip().lower() in ("gzip", "x-gzip"):
        body = gunzip(body, options.max_bytes)
    message = Message()
    message["content-type"] = headers.get("Content-Type", "")
    media_type = message.get_content_type() if headers.get("Content-Type") else ""
    return Response(final_url, media_type, message.get_content_charset(), body)


def _read_bounded(response: IO[bytes], options: IngestOptions) -> bytes:
    """The body, stopping past ``max_bytes`` and past ``timeout`` in all (a server can drip forever)."""
    deadline = time.monotonic() + options.timeout
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(READ_CHUNK):
        size += len(chunk)
        if size > options.max_bytes:
            raise too_large(None, options.max_bytes, " (stopped reading)")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def _network_reason(reason: object, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return f"cannot resolve the host name ({reason.strerror})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return f"{type(reason).__name__}: {reason}" if isinstance(reason, Exception) else str(reason)


def _kind(response: Response) -> str:
    """``html``, ``feed`` or ``text``: by content type, sniffing where the type says too little."""
    media = response.media_type
    if media in FEED_CONTENT_TYPES:
        return "feed"
    if media in HTML_CONTENT_TYPES:
        return "html"
    if media in TEXT_CONTENT_TYPES:
        return "text"
    kind = sniff_kind(decode(response.body, response.charset, markup=True).text)
    if kind == "text" and (media in XML_CONTENT_TYPES or (media and not media.startswith("text/"))):
        raise Rejected("unsupported", f"content type {media} is neither a page nor a feed")
    return kind


def _follow(
    entry: FeedEntry, locator: str, encoding: str, options: IngestOptions
) -> Iterator[Document | IngestError]:
    link = entry.hints.get("url")
    if not link or not is_url(urljoin(locator, link)):
        yield entry_document(locator, entry, encoding)
        return
    link = urljoin(locator, link)
    try:
        page = fetch(link, options)
        if _kind(page) != "html":
            raise Rejected(
                "unsupported", f"the item's link is not an HTML page ({page.media_type or 'no type'})"
            )
        yield html_document(link, page.body, page.charset, {**entry.hints, "url": page.url})
    except Rejected as exc:
        yield failure(link, exc)
        if entry.content.strip():
            yield entry_document(locator, entry, encoding)
