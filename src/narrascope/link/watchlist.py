"""The watchlist: narratives already documented elsewhere, read from the formats analysts actually have.

Matching claims found in the news against known ones needs those known ones first, and they come as
EUvsDisinfo CSV exports, schema.org ClaimReview JSON-LD (files or embedded in fact-check pages) and the
Google Fact Check Tools API's JSON. Each is read into the same ``WatchItem``; every bad file, row or
record becomes a ``WatchlistError`` with a reason from ``narrascope.errors.REASONS`` and the rest goes
on. Dates follow the product rule *never a guess*: a date that is given but cannot be read unambiguously
rejects its item, since an item matched against the wrong period is worse than a reported one. All text
in these files is untrusted: control characters go, whitespace collapses and lengths are capped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

from narrascope.clean.dates import parse_date
from narrascope.ingest.common import Rejected, human_size
from narrascope.ingest.decode import decode
from narrascope.ingest.heuristics import CSV_DELIMITERS

MAX_BYTES = 200 * 1024 * 1024
MAX_TITLE_CHARS = 1_000
MAX_FIELD_CHARS = 300  # names, ratings, list entries
MAX_URL_CHARS = 2_000
MAX_LIST_ITEMS = 500  # the longest EUvsDisinfo outlet list holds 97
MAX_VALUE_DEPTH = 4  # a JSON-LD value holds its text within a few levels: [{"name": [{"@value": ...}]}]
CSV_LIST_SEPARATOR = re.compile(r"\+|[\r\n]+")  # EUvsDisinfo joins with "+", some cells with line breaks
CSV_LIST_ARTEFACTS = frozenset({"Show more"})  # the site's button, scraped into long outlet lists
JSON_SUFFIXES = frozenset({".json", ".jsonld"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
LD_JSON = "application/ld+json"
# Unicode Cc, lone surrogates (JSON "\ud800" escapes), and the bidirectional marks, overrides and isolates
# that can make displayed text lie about its order.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True, slots=True)
class WatchItem:
    """One known claim. ``id`` is stable across runs and files (see ``_item_id``); ``published`` is an
    ISO date or None; ``rating``, ``claimant`` and ``reviewer`` come from fact-checks only."""

    id: str
    kind: str  # "euvsdisinfo" or "claimreview"
    title: str
    published: str | None
    url: str | None
    countries: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    rating: str | None = None
    claimant: str | None = None
    reviewer: str | None = None


@dataclass(frozen=True, slots=True)
class WatchlistError:
    """A file, row or record that gave no item: ``source`` is the path, with ``:LINE`` (CSV rows, HTML
    script blocks) or ``#N`` (the N-th claim record of a JSON file or page)."""

    source: str
    reason: str
    detail: str


class _Skip(Exception):
    """One record gives no item; the reader reports it and goes on."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def read_watchlist(
    path: Path, *, encoding: str | None = None
) -> tuple[list[WatchItem], list[WatchlistError]]:
    """Read one watchlist file: a CSV, a ClaimReview JSON-LD or Fact Check API JSON file, or HTML pages
    embedding ClaimReview. Never raises for bad input; the same item twice is kept once.

    ``encoding`` is the user's word for a file that is not UTF-8 (a BOM and valid UTF-8 still win); without
    it the encoding is detected, which short legacy-encoded files can defeat.
    """
    source = str(path)
    items: dict[str, WatchItem] = {}
    errors: list[WatchlistError] = []
    try:
        text = _read_text(path, encoding)
    except Rejected as exc:
        return [], [WatchlistError(source, exc.reason, exc.detail)]
    head = text.lstrip()[:1]
    if head in ("{", "[") or (head != "<" and path.suffix.lower() in JSON_SUFFIXES):
        results = _read_json(source, text)
    elif head == "<" or path.suffix.lower() in HTML_SUFFIXES:
        results = _read_html(source, text)
    else:
        results = _read_csv(source, text, path.suffix.lower() == ".tsv")
    for result in results:
        if isinstance(result, WatchlistError):
            errors.append(result)
        else:
            items.setdefault(result.id, result)
    return list(items.values()), errors


def _read_text(path: Path, encoding: str | None) -> str:
    """The decoded file, or ``Rejected``; markup is decoded honouring its ``<meta charset>``."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise Rejected("unsupported", "not a regular file")
        if size > MAX_BYTES:
            raise Rejected("too-large", f"{human_size(size)} is over the {human_size(MAX_BYTES)} limit")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError as exc:
        raise Rejected("not-found", "no such file") from exc
    except OSError as exc:
        raise Rejected("unreadable", exc.strerror or str(exc)) from exc
    if len(data) > MAX_BYTES:
        raise Rejected("too-large", f"over the {human_size(MAX_BYTES)} limit")
    markup = path.suffix.lower() in HTML_SUFFIXES or data.lstrip()[:1] == b"<"
    return decode(data, encoding, markup=markup).text.lstrip("\ufeff")


# --- CSV (EUvsDisinfo) ---------------------------------------------------------------------------------


def _read_csv(source: str, text: str, tsv: bool) -> Iterator[WatchItem | WatchlistError]:
    """Rows by header name; ``title`` is required, the others (date, id or url, countries, keywords,
    languages, outlets) are optional. A bad row is reported with its first line and skipped."""
    end = text.find("\n")
    header_line = text if end < 0 else text[:end]
    counts = {d: header_line.count(d) for d in CSV_DELIMITERS}
    delimiter = "\t" if tsv else max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(rows)]
    except (StopIteration, csv.Error) as exc:
        yield WatchlistError(source, "malformed", f"no readable CSV header ({exc or 'empty'})")
        return
    columns = {name: i for i, name in reversed(list(enumerate(header))) if name}
    if "title" not in columns:
        shown = ", ".join(_clean(name, 50) for name in header[:20])
        yield WatchlistError(source, "malformed", f"no 'title' column (the header has: {shown})")
        return
    records = 0
    while True:
        line = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            if not records:
                yield WatchlistError(source, "empty", "no rows after the header")
            return
        except csv.Error as exc:
            records += 1
            yield WatchlistError(f"{source}:{line}", "malformed", str(exc))
            continue
        if not any(cell.strip() for cell in row):
            continue
        records += 1
        record = {name: row[i] if i < len(row) else "" for name, i in columns.items()}
        try:
            yield _make_item(
                "euvsdisinfo",
                title=record["title"],
                dates=[record.get("date", "")],
                url=record.get("url") or record.get("id", ""),
                countries=_split(record.get("countries", "")),
                keywords=_split(record.get("keywords", "")),
                languages=_split(record.get("languages", "")),
                outlets=_split(record.get("outlets", "")),
            )
        except _Skip as exc:
            yield WatchlistError(f"{source}:{line}", exc.reason, exc.detail)


def _split(value: str) -> list[str]:
    return [entry for entry in CSV_LIST_SEPARATOR.split(value) if entry.strip() not in CSV_LIST_ARTEFACTS]


# --- JSON and JSON-LD (ClaimReview, Fact Check Tools API) ------------------------------------------------


def _read_json(source: str, text: str) -> Iterator[WatchItem | WatchlistError]:
    try:
        data = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        yield WatchlistError(f"{source}:{exc.lineno}", "malformed", f"not JSON: {exc}")
        return
    except RecursionError:
        yield WatchlistError(source, "malformed", "not JSON: nested too deeply")
        return
    found = yield from _claims_in(source, [data])
    if not found:
        yield WatchlistError(source, "empty", "no ClaimReview found")


def _read_html(source: str, text: str) -> Iterator[WatchItem | WatchlistError]:
    """Every ``<script type="application/ld+json">`` block; a broken block is reported (``path:LINE``)
    and the others are still read."""
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True)
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        yield WatchlistError(source, "malformed", f"not HTML: {exc}")
        return
    blocks = []
    for script in root.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != LD_JSON:
            continue
        body = _unwrap(script.text or "")
        try:
            blocks.append(json.loads(body, strict=False))
        except (json.JSONDecodeError, RecursionError) as exc:
            problem = str(exc) if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            where = f"{source}:{script.sourceline}" if script.sourceline else source
            yield WatchlistError(where, "malformed", f"ld+json block: {problem}")
    found = yield from _claims_in(source, blocks)
    if not found:
        yield WatchlistError(source, "empty", "no ClaimReview found")


def _unwrap(body: str) -> str:
    """Script text without the HTML comment or CDATA wrapper some pages still put around JSON-LD."""
    body = body.strip()
    for start, end in (("<!--", "-->"), ("//<![CDATA[", "//]]>"), ("<![CDATA[", "]]>")):
        if body.startswith(start) and body.endswith(end):
            body = body[len(start) : -len(end)].strip()
    return body


def _claims_in(source: str, roots: list[Any]) -> Generator[WatchItem | WatchlistError, None, int]:
    """Items for the ClaimReview nodes and Fact Check API claims anywhere in ``roots``, in document
    order (``@graph``, lists, nesting); other nodes are skipped. Returns how many records were found."""
    numbered = 0
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        if _is_claim_review(node):
            read = _from_claim_review
        elif isinstance(node.get("claimReview"), list) and "text" in node:
            read = _from_api_claim
        else:
            stack.extend(reversed(list(node.values())))
            continue
        numbered += 1
        try:
            yield read(node)
        except _Skip as exc:
            yield WatchlistError(f"{source}#{numbered}", exc.reason, exc.detail)
    return numbered


def _is_claim_review(node: dict[str, Any]) -> bool:
    types = node.get("@type", node.get("type"))
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and _local(t) == "claimreview" for t in types)


def _local(name: str) -> str:
    """``ClaimReview``, ``schema:ClaimReview`` and ``http://schema.org/ClaimReview`` -> ``claimreview``."""
    return re.split(r"[:/#]", name)[-1].lower()


def _get(node: Any, name: str) -> Any:
    """Property ``name`` of a JSON-LD node, plain or prefixed (``schema:name``); None when absent."""
    if isinstance(node, list):
        node = next((n for n in node if isinstance(n, dict)), None)
    if not isinstance(node, dict):
        return None
    if name in node:
        return node[name]
    wanted = name.lower()
    return next((value for key, value in node.items() if _local(key) == wanted), None)


def _texts(value: Any, *keys: str, depth: int = 0) -> list[str]:
    """The strings in a JSON-LD value: a string, a ``@value`` object, an object's first present ``keys``
    property (``name`` for people and organisations), or a list of those; nothing deeper than
    ``MAX_VALUE_DEPTH`` levels, so hostile nesting costs nothing."""
    if depth > MAX_VALUE_DEPTH:
        return []
    if isinstance(value, list):
        return [text for entry in value[:MAX_LIST_ITEMS] for text in _texts(entry, *keys, depth=depth + 1)]
    if isinstance(value, dict):
        for key in ("@value", *keys):
            found = _texts(_get(value, key), depth=depth + 1)
            if found:
                return found
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    return []


def _first(value: Any, *keys: str) -> str:
    return next((text for text in _texts(value, *keys) if text.strip()), "")


def _from_claim_review(node: dict[str, Any]) -> WatchItem:
    claim = _get(node, "itemReviewed")
    keywords = _texts(_get(node, "keywords"))
    if len(keywords) == 1:
        keywords = keywords[0].split(",")
    return _make_item(
        "claimreview",
        title=_first(_get(node, "claimReviewed")),
        dates=[_first(_get(claim, "datePublished")), _first(_get(node, "datePublished"))],
        url=_first(_get(node, "url")),
        keywords=keywords,
        languages=_texts(_get(node, "inLanguage") or _get(claim, "inLanguage"), "alternateName", "name"),
        rating=_first(_get(node, "reviewRating"), "alternateName", "name")
        or _first(_get(node, "textualRating")),
        claimant=_first(_get(claim, "author"), "name"),
        reviewer=_first(_get(node, "author"), "name") or _first(_get(node, "publisher"), "name"),
    )


def _from_api_claim(node: dict[str, Any]) -> WatchItem:
    reviews = [review for review in node["claimReview"] if isinstance(review, dict)]
    return _make_item(
        "claimreview",
        title=_first(node.get("text")),
        dates=[_first(node.get("claimDate")), *(_first(review.get("reviewDate")) for review in reviews)],
        url=next(filter(None, (_first(review.get("url")) for review in reviews)), ""),
        languages=[_first(review.get("languageCode")) for review in reviews],
        rating=next(filter(None, (_first(review.get("textualRating")) for review in reviews)), ""),
        claimant=_first(node.get("claimant"), "name"),
        reviewer=next(
            filter(None, (_first(review.get("publisher"), "name", "site") for review in reviews)), ""
        ),
    )


# --- items -----------------------------------------------------------------------------------------------


def _make_item(
    kind: str,
    *,
    title: str,
    dates: list[str],
    url: str,
    countries: Sequence[str] = (),
    keywords: Sequence[str] = (),
    languages: Sequence[str] = (),
    outlets: Sequence[str] = (),
    rating: str = "",
    claimant: str = "",
    reviewer: str = "",
) -> WatchItem:
    """A cleaned item, or ``_Skip`` for no title or a date that cannot be read. ``dates`` are tried in
    order; the first readable one wins, and given dates none of which is readable reject the item."""
    clean_title = _clean(title, MAX_TITLE_CHARS)
    if not clean_title:
        raise _Skip("empty", "no title (claim text)")
    given = [_clean(value, MAX_FIELD_CHARS) for value in dates if value and value.strip()]
    parsed = next(filter(None, map(parse_date, given)), None)
    if given and parsed is None:
        raise _Skip("malformed", f"date {given[0]!r} is not a full date that can be read without guessing")
    published = parsed.isoformat() if parsed else None
    clean_url = _clean(url, MAX_URL_CHARS)
    clean_url = clean_url if clean_url.lower().startswith(("http://", "https://")) else None
    return WatchItem(
        id=_item_id(kind, clean_title, published, clean_url),
        kind=kind,
        title=clean_title,
        published=published,
        url=clean_url,
        countries=_clean_list(countries),
        keywords=_clean_list(keywords),
        languages=_clean_list(languages),
        outlets=_clean_list(outlets),
        rating=_clean(rating, MAX_FIELD_CHARS) or None,
        claimant=_clean(claimant, MAX_FIELD_CHARS) or None,
        reviewer=_clean(reviewer, MAX_FIELD_CHARS) or None,
    )


def _item_id(kind: str, title: str, published: str | None, url: str | None) -> str:
    """First 16 hex digits of SHA-256: of the URL when there is one, else of kind, title and date.

    A fact-check article often reviews several claims under one URL, so a ClaimReview's URL is hashed
    with its claim text; an EUvsDisinfo report URL names exactly one claim and is hashed alone.
    """
    if url and kind == "euvsdisinfo":
        key = url
    elif url:
        key = f"{url}\n{title}"
    else:
        key = f"{kind}\n{title}\n{published or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _clean_list(values: Sequence[str]) -> tuple[str, ...]:
    """Cleaned, non-empty, first occurrence kept, at most ``MAX_LIST_ITEMS``."""
    cleaned = (_clean(value, MAX_FIELD_CHARS) for value in values[:MAX_LIST_ITEMS])
    return tuple(dict.fromkeys(value for value in cleaned if value))


def _clean(value: str, limit: int) -> str:
    """Untrusted text made safe to store and show: NFC, ``_UNSAFE`` characters gone, whitespace collapsed,
    at most ``limit`` characters."""
    value = _UNSAFE.sub(" ", unicodedata.normalize("NFC", value.lstrip()[: limit * 4]))
    return " ".join(value.split())[:limit].rstrip()
