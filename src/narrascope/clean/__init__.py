"""clean: Document -> Article.

HTML goes through trafilatura (``html.py``); plain text with its page furniture goes through our own
cleaner (``text.py``), helped by lines repeated across documents of one outlet (``repetition.py``).
Dates (``dates.py``) come from metadata, the URL or an explicit date in the text, else stay unknown;
the outlet (``outlets.py``) from metadata or URL, else from the text when the page names itself.
A page that is a wall (a bot check, consent wall, paywall, ``walls.py``) is rejected, not stored.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from narrascope.clean.dates import find_date
from narrascope.clean.html import extract_html
from narrascope.clean.language import detect_language
from narrascope.clean.outlets import find_outlet
from narrascope.clean.repetition import LineCounter
from narrascope.clean.text import clean_plain_text
from narrascope.clean.walls import find_wall
from narrascope.model import Article, Document, IngestError, article_id, content_hash

__all__ = ["LineCounter", "clean_document", "repetition_group"]


def repetition_group(doc: Document) -> str:
    """Documents whose repeated lines count as one outlet's furniture: same host, else same folder (of a
    local path, or of a file system URI such as ``hdfs://`` that the Spark job reads); a web page alone."""
    if doc.url:
        host = urlsplit(doc.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    path = doc.source.split("#", 1)[0]
    if "://" not in path:
        return os.path.dirname(os.path.abspath(path))
    return path if path.startswith(("http://", "https://")) else path.rsplit("/", 1)[0]


def clean_document(doc: Document, furniture: frozenset[str] = frozenset()) -> Article | IngestError:
    """Clean one document. ``furniture`` holds line keys known to repeat across its outlet's pages."""
    url = doc.url
    title = doc.title
    author = doc.author
    published_hint = doc.published
    outlet_hint = doc.outlet
    if doc.kind == "html":
        extracted = extract_html(doc.content, url=doc.url)
        if extracted is None:
            return IngestError(doc.source, "no-content", "trafilatura found no article text in this HTML")
        text = extracted.text
        url = url or extracted.url
        title = title or extracted.title
        author = author or extracted.author
        published_hint = published_hint or extracted.published
        outlet_hint = outlet_hint or extracted.sitename
        date_text = None  # trafilatura's metadata already read the page's own dates
    else:
        cleaned = clean_plain_text(doc.content, furniture=furniture)
        text = cleaned.text
        title = title or cleaned.title
        date_text = doc.content
    if not text.strip():
        return IngestError(doc.source, "no-content", "cleaning left no article text")
    wall = find_wall(text)
    if wall is not None:
        return IngestError(doc.source, "not-an-article", wall.describe())
    published, date_source = find_date(published=published_hint, url=url, text=date_text)
    outlet = find_outlet(outlet=outlet_hint, url=url, text=doc.content if doc.kind == "text" else None)
    hash_ = content_hash(text)
    return Article(
        id=article_id(hash_),
        content_hash=hash_,
        text=text,
        source=doc.source,
        url=url,
        outlet=outlet,
        title=title,
        author=author,
        published=published,
        date_source=date_source,
        language=doc.language or detect_language(text),
        word_count=len(text.split()),
    )
