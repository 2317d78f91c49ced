"""HTML pages to article text and metadata, with trafilatura.

Text, title, author and site name come from trafilatura (comments and tables left out: on news pages
tables are mostly layout and furniture). The publication date does not: htmldate, which trafilatura
calls, guesses even in its fast mode (``extensive_search=False`` still takes a bare date from the body
text, "Updated 2019-05-03" in a paragraph, and the default mode turns a "© 2020" footer into
2020-01-01). Here the date is read only from the page's own metadata: ``<meta>`` publication tags,
JSON-LD ``datePublished``, and ``<time>`` elements marked as the publication time or sitting in the
article header.

Hostile input never raises. libxml2 silently drops everything below 255 levels of nesting, which
leaves an empty page; when the parser reports that limit the page is parsed again with ``huge_tree``
(2,048 levels). Deeper pages give None.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from narrascope.clean.dates import parse_date

__all__ = ["HtmlExtract", "extract_html"]

LOGGER = logging.getLogger(__name__)

# <meta> name / property / itemprop values that carry the publication date (lower case).
PUBLISHED_META = frozenset({
    "article:published_time", "og:published_time", "og:article:published_time", "article.published",
    "article_date_original", "datepublished", "date", "pubdate", "publishdate", "publish-date",
    "publish_date", "publication_date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date",
    "dcterms.issued", "dcterms.created", "citation_publication_date", "citation_date",
    "sailthru.date", "parsely-pub-date", "rnews:datepublished", "originalpublicationdate",
    "cxenseparse:recs:publishtime", "og:pubdate",
})  # fmt: skip
# JSON-LD types whose datePublished is the page's own (schema.org Article subtypes, then pages).
ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|LiveBlogPosting|Report|SocialMediaPosting)$")
PAGE_TYPE = re.compile(r"WebPage$")
JSONLD_MAX_CHARS = 2_000_000
# A <time> element is the publication time when marked so, or when in the article's header.
TIME_XPATH = (
    ".//*[@itemprop='datePublished']",
    ".//time[@pubdate]",
    ".//time[contains(concat(' ', normalize-space(@class), ' '), ' published ')]",
    ".//article//header//time[@datetime]",
)
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
DEPTH_LIMIT_MESSAGE = "Excessive depth"
MAX_HTML_CHARS = 20_000_000  # trafilatura's own MAX_FILE_SIZE, which it skips when given a parsed tree
MIN_ARTICLE_WORDS = 5  # below this trafilatura's fallback found a menu item ("Home"), not an article
_STYLE = "translate(@style, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ \t', 'abcdefghijklmnopqrstuvwxyz')"
# What a reader never sees (cloaked keywords, template markup). Not aria-hidden: a page saved with a
# dialog open marks the article itself so.
HIDDEN = etree.XPath(
    "//template | //*[@hidden]"
    f" | //*[contains({_STYLE}, 'display:none') or contains({_STYLE}, 'visibility:hidden')]"
)
MAX_ATTRIBUTE_CHARS = 10_000  # longer values are inline data (base64 images), never article text


@dataclass(frozen=True, slots=True)
class HtmlExtract:
    """What one HTML page gives: article text (paragraphs split by blank lines) and its own metadata."""

    text: str
    title: str | None
    author: str | None
    published: str | None  # ISO date YYYY-MM-DD from the page's own metadata only
    sitename: str | None
    url: str | None = None  # the page's own absolute URL (canonical link, og:url), else the one given


def _parse(html: str, huge: bool) -> tuple[lxml.html.HtmlElement | None, bool]:
    """Parse ``html``; also say whether libxml2 hit its nesting limit (and so dropped content)."""
    parser = lxml.html.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=huge,
    )
    data = CONTROL_CHARS.sub("", html).encode("utf-8", errors="replace")
    try:
        tree = lxml.html.fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):  # empty or not a document at all
        return None, False
    too_deep = any(DEPTH_LIMIT_MESSAGE in entry.message for entry in parser.error_log)
    return tree, too_deep


def _load(html: str) -> lxml.html.HtmlElement | None:
    """Parse, deeper when needed, and drop huge attribute values (they make readability's regexes crawl)."""
    tree, too_deep = _parse(html, huge=False)
    if too_deep:
        LOGGER.info("HTML nested past libxml2's default depth limit: parsing again with huge_tree")
        deeper, still_too_deep = _parse(html, huge=True)
        if not still_too_deep:  # else hostile: keep the fast tree, which holds what came before the pit
            tree = deeper
    if tree is not None:
        for element in tree.iter():
            for name, value in element.attrib.items():
                if len(value) > MAX_ATTRIBUTE_CHARS:
                    del element.attrib[name]
        for element in HIDDEN(tree):  # text a reader never sees is no article text (cloaked keywords)
            element.drop_tree()
    return tree


def _jsonld_objects(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Top-level JSON-LD objects, ``@graph`` members and ``mainEntity``: where a page describes itself."""
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        if len(script.text) > JSONLD_MAX_CHARS:
            continue
        try:
            data = json.loads(script.text)
        except (ValueError, RecursionError):  # broken JSON, or nesting deep enough to blow the stack
            continue
        pending = data if isinstance(data, list) else [data]
        for item in pending:
            if not isinstance(item, dict):
                continue
            yield item
            for key in ("@graph", "mainEntity"):
                inner = item.get(key)
                for child in inner if isinstance(inner, list) else [inner]:
                    if isinstance(child, dict):
                        yield child


def _types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    return [t for t in (kind if isinstance(kind, list) else [kind]) if isinstance(t, str)]


def published_date(tree: lxml.html.HtmlElement) -> str | None:
    """The publication date the page states in its metadata, as an ISO date, else None."""
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        if key.strip().lower() in PUBLISHED_META:
            found = parse_date(meta.get("content") or meta.get("datetime"))
            if found:
                return found.isoformat()
    objects = list(_jsonld_objects(tree))
    for pattern in (ARTICLE_TYPE, PAGE_TYPE):
        for item in objects:
            value = item.get("datePublished")
            if isinstance(value, str) and any(pattern.search(t) for t in _types(item)):
                found = parse_date(value)
                if found:
                    return found.isoformat()
    for xpath in TIME_XPATH:
        for element in tree.xpath(xpath):
            value = element.get("datetime") or element.get("content") or element.text_content()
            found = parse_date(value)
            if found:
                return found.isoformat()
    return None


def _paragraphs(text: str) -> str:
    """One block per line of trafilatura's output, blocks separated by a blank line."""
    lines = (SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def _clean_field(value: str | None) -> str | None:
    value = SPACES.sub(" ", value).strip() if value else None
    return value or None


def _sitename(value: str | None) -> str | None:
    """trafilatura may give ``article:publisher``, often a Facebook page URL: not a site name."""
    value = _clean_field(value)
    if value and re.match(r"(?i)^(?:https?:)?//", value):
        return None
    return value


def extract_html(html: str, url: str | None = None) -> HtmlExtract | None:
    """Article text and metadata of one HTML page; None when there is no article text.

    Never raises: a page that breaks the parser or the extractor is logged and gives None.
    """
    if len(html) > MAX_HTML_CHARS:
        LOGGER.warning("HTML of %s characters is over the %s limit: %r", len(html), MAX_HTML_CHARS, url)
        return None
    try:
        tree = _load(html)
        if tree is None:
            return None
        published = published_date(tree)
        document = trafilatura.bare_extraction(
            tree,
            url=url,
            include_comments=False,
            include_tables=False,
            with_metadata=True,
            # Its date is not used (see the module docstring); the fast mode keeps htmldate cheap.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as error:  # hostile markup: RecursionError, lxml errors, extractor bugs
        LOGGER.warning("HTML extraction failed for %r: %s: %r", url, type(error).__name__, error)
        return None
    if document is None or not document.text:
        return None
    text = _paragraphs(document.text)
    if len(text.split()) < MIN_ARTICLE_WORDS:
        return None
    return HtmlExtract(
        text=text,
        title=_clean_field(document.title),
        author=_clean_field(document.author),
        published=published,
        sitename=_sitename(document.sitename),
        url=document.url if document.url and re.match(r"(?i)^https?://", document.url) else url,
    )
