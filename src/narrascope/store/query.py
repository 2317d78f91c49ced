"""Filters for listing stored records, shared by every back end, the CLI, the web pages, the API and the
exports; date filters are read here once for all of them (``date_range``)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from narrascope.errors import NarrascopeError

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_DAY = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]*)?([+-][0-9:]+|Z)?")
_HEX = frozenset("0123456789abcdef")
# SQLite: a full-text search with more matches than this pages by walking the date index and keeping the
# matches, rather than sorting them all (each read whole); few matches are cheaper sorted (bench/scale.py).
MANY_MATCHES = 2000


@dataclass(frozen=True, slots=True)
class ArticleQuery:
    """Which articles to list. ``text`` is a full-text query: words must all occur; "quoted phrases" kept."""

    outlet: str | None = None
    language: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    text: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class StatementQuery:
    """Which statements to list. ``speaker`` matches the canonical speaker or the source as written;
    ``entity_ids`` keeps statements whose speaker is, or whose content mentions, one of those entities
    (the app resolves a name the user gives, ``entity``, to these ids)."""

    speaker: str | None = None
    entity: str | None = None
    entity_ids: tuple[str, ...] | None = None
    outlet: str | None = None
    kind: str | None = None
    stance: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    article_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class EntityQuery:
    """Which entities to list: a name or alias fragment, a type; most mentioned first."""

    name: str | None = None
    type: str | None = None
    limit: int = 50
    offset: int = 0


def date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Date filters given as YYYY, YYYY-MM or YYYY-MM-DD, as the first day ``since`` covers and the last
    day ``until`` covers (ISO, inclusive). A date that does not exist, or a range that ends before it
    starts, is an error (E153), never a filter that silently keeps nothing."""
    first, last = _day_bound(since, end=False), _day_bound(until, end=True)
    if first and last and first > last:
        raise NarrascopeError("E153", f"since ({since}) is after until ({until}): nothing could match")
    return first, last


def _day_bound(value: str | None, *, end: bool) -> str | None:
    if not value or not value.strip():
        return None
    match = _DAY.fullmatch(value.strip())
    try:
        if match is None:
            raise ValueError
        year, month = int(match[1]), int(match[2] or (12 if end else 1))
        day = int(match[3]) if match[3] else calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day).isoformat()
    except ValueError:
        raise NarrascopeError("E153", f"{value!r} is not a date: use YYYY-MM-DD (or YYYY-MM, YYYY)") from None


def check_moment(value: str | None) -> str | None:
    """``value`` when it is an ISO date or date and time that exists (else E153), unchanged."""
    if value is None:
        return None
    try:
        if not _MOMENT.fullmatch(value):
            raise ValueError
        datetime.fromisoformat(value)
    except ValueError:
        raise NarrascopeError(
            "E153", f"{value!r} is not a date or time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    return value


def id_prefix_range(key: str) -> tuple[str, str] | None:
    """The ids (16 hex digits) that start with ``key``, as an index range ``[low, high)``, when ``key`` is
    4 to 15 lower-case hex digits; else None."""
    if not 4 <= len(key) < 16 or not set(key) <= _HEX:
        return None
    return key, key[:-1] + chr(ord(key[-1]) + 1)


def like_escape(fragment: str) -> str:
    """``fragment`` for a LIKE pattern with ``ESCAPE '\\'``: the user's % and _ are taken literally."""
    return fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def ilike(column: str) -> str:
    """A LIKE that ignores (ASCII) case on every back end, as SQLite's LIKE does and PostgreSQL's does
    not; its pattern parameter is ``like_escape``d."""
    return f"LOWER({column}) LIKE LOWER(?) ESCAPE '\\'"


def fts_terms(query: str) -> list[str]:
    """Split a user's search into phrases, treating every character as literal text.

    Users type anything (quotes, ``NEAR``, ``*``, SQL); we never pass it to the engine's own syntax.
    """
    terms = []
    for phrase, word in _TOKEN.findall(query):
        term = (phrase or word).strip()
        if term:
            terms.append(term)
    return terms


_QUOTED = re.compile(r'"[^"]*"')
_OPERATOR = re.compile(r"(?:^|\s)(?:OR|AND|NOT|NEAR)(?=\s|$|\()|(?:^|\s)-\w|\w\*")


def operator_like(query: str | None) -> bool:
    """Whether a search looks written for a search engine's syntax ("a OR b", "-word", "part*"), which
    ours reads as plain words that must all be there."""
    if not query:
        return False
    unquoted = _QUOTED.sub(" ", query)  # inside a quoted phrase every word is meant as written
    return _OPERATOR.search(unquoted) is not None


def text_only(q: Any) -> list[str]:
    """The search terms of a query (a dataclass with ``text``, ``limit`` and ``offset``) that filters on
    its text and nothing else, so that its count can come from the full-text index alone; else none."""
    others = replace(q, text=None, limit=0, offset=0)
    return fts_terms(q.text or "") if others == type(q)(limit=0, offset=0) else []


def sqlite_match(terms: list[str]) -> str:
    """An FTS5 MATCH expression in which each term is one quoted string (so operators are inert)."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def postgres_match(terms: list[str]) -> tuple[str, list[object]]:
    """A tsquery holding every term as a phrase: ``phraseto_tsquery`` reads its text as words only.

    Configuration ``simple`` (lower-cased, no stemming, no stop words), as SQLite's unicode61 tokenizer
    does for every language; unlike it, diacritics count and PostgreSQL's parser splits the words.
    """
    return " && ".join("phraseto_tsquery('simple', ?)" for _ in terms), list(terms)
