"""RSS and Atom feeds (feedparser) -> one entry per item, with the item's metadata as hints."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import feedparser

from narrascope.ingest.common import Hints, Rejected, clean_hints, failure, make_document
from narrascope.ingest.decode import decode
from narrascope.ingest.heuristics import HTML_CONTENT_TYPES, RSS_AUTHOR
from narrascope.model import Document, IngestError

# feedparser flags these, but the text was decoded before it got there: they say nothing about the feed.
IGNORED_FEED_ERRORS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    hints: Hints  # url (the item's link), title, author, published, outlet (the feed's title), language
    content: str  # content:encoded / Atom content, else the summary; may be empty
    kind: str  # html or text, as the feed types the content


@dataclass(frozen=True, slots=True)
class Feed:
    entries: list[FeedEntry]
    encoding: str
    problem: str | None = None  # the XML error feedparser recovered from, if any: reported, not fatal


def parse_feed(data: bytes, declared: str | None = None, base_url: str | None = None) -> Feed:
    """Entries of an RSS/Atom document, or ``Rejected`` (empty, binary, undecodable, malformed).

    The bytes are decoded here, as every other input is, and handed to feedparser as UTF-8; ``base_url``
    resolves relative item links.
    """
    decoded = decode(data, declared, markup=True)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(decoded.text.encode("utf-8", "replace")), response_headers=headers)
    error = parsed.get("bozo_exception")
    problem = None if error is None or isinstance(error, IGNORED_FEED_ERRORS) else f"{error}"
    if not parsed.entries:
        if problem:
            raise Rejected("malformed", f"not a readable RSS/Atom feed ({problem})")
        raise Rejected("empty", "the feed has no items")
    channel = parsed.get("feed", {})
    outlet, language = channel.get("title"), channel.get("language")
    return Feed([_entry(entry, outlet, language) for entry in parsed.entries], decoded.encoding, problem)


def feed_problem(source: str, feed: Feed) -> Iterator[IngestError]:
    """The feed's own XML error, reported once before its recovered items."""
    if feed.problem:
        yield IngestError(
            source, "malformed", f"feed is not well-formed ({feed.problem}); items read as recovered"
        )


def feed_documents(source: str, feed: Feed) -> Iterator[Document | IngestError]:
    """The entries' own content as Documents, ``source#item-N``; an item without content is reported."""
    yield from feed_problem(source, feed)
    for number, entry in enumerate(feed.entries, 1):
        yield entry_document(f"{source}#item-{number}", entry, feed.encoding)


def entry_document(locator: str, entry: FeedEntry, encoding: str) -> Document | IngestError:
    try:
        return make_document(locator, entry.kind, entry.content, encoding, entry.hints)
    except Rejected as exc:
        return failure(
            locator, Rejected(exc.reason, "feed item has no content (no content:encoded or summary)")
        )


def _entry(entry: Any, outlet: str | None, language: str | None) -> FeedEntry:
    content, kind = "", "html"
    for detail in [*entry.get("content", []), entry.get("summary_detail")]:
        if detail and detail.get("value", "").strip():
            content = detail["value"]
            kind = "html" if detail.get("type", "text/html") in HTML_CONTENT_TYPES else "text"
            break
    author = entry.get("author")
    if author and (named := RSS_AUTHOR.match(author)):
        author = named.group(1)  # feedparser's own split of "email (Name)" fails on long domain names
    hints = clean_hints(
        {
            "url": entry.get("link"),
            "title": entry.get("title"),
            "author": author,
            "published": entry.get("published") or entry.get("updated"),
            "outlet": outlet,
            "language": language,
        }
    )
    return FeedEntry(hints, content, kind)
