"""Typed records passed between the pipeline stages.

Data flows one way: ingest yields ``Document`` (or ``IngestError``), clean turns a ``Document`` into an
``Article``, enrich and link add entities, mentions, statements, claims, stories and narratives, and the
store persists them. Stages exchange only these records; none reaches into another's internals.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

DocumentKind = str  # "html" or "text"
DATE_SOURCES = ("metadata", "url", "text")


@dataclass(frozen=True, slots=True)
class Document:
    """One input page as read by ingest: decoded content plus what its container said about it.

    ``source`` names where it came from so an analyst can find it again: a file path, a path plus a
    record locator (``feed.xml#item-3``, ``dump.jsonl#line-12``, ``crawl.warc.gz#record-7``) or a URL.
    The hint fields carry metadata given by the container (feed entry, JSON record, front matter,
    sidecar JSON, HTTP headers); cleaning trusts them over anything it derives from the text.
    """

    source: str
    kind: DocumentKind
    content: str
    encoding: str = "utf-8"
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class IngestError:
    """An input that could not be read or cleaned; recorded, reported, and the batch goes on.

    ``reason`` is a short stable code (see ``narrascope.errors.REASONS``); ``detail`` is for people.
    """

    source: str
    reason: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """A cleaned article: the unit every later stage works on.

    ``id`` is derived from ``content_hash`` so that the same text gets the same id in every store
    and every run. ``published`` is an ISO date (``YYYY-MM-DD``) and ``date_source`` says where it
    came from (``metadata``, ``url`` or ``text``); both are ``None`` when nothing gives a date.
    """

    id: str
    content_hash: str
    text: str
    source: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    date_source: str | None = None
    language: str | None = None
    word_count: int = 0


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of an article's text: character offsets into ``Article.text`` and the text itself."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical entity shared across articles (filled by enrich)."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of an entity in an article, as character offsets into ``Article.text``."""

    article_id: str
    entity_id: str
    start: int
    end: int
    text: str
    label: str


QUOTED_KINDS = frozenset({"direct", "mixed"})  # statements that quote the speaker's own words


@dataclass(frozen=True, slots=True)
class Statement:
    """An attributed statement: who said what, with which cue, and the sentence that shows it.

    ``speaker`` is the source as written ("he", "Minister Lavrov", "a US military official");
    ``speaker_name`` and ``speaker_entity_id`` are the canonical speaker when one could be resolved.
    All offsets are character offsets into ``Article.text``. ``content`` runs from the first word said
    to the last; where its own attribution interrupts it ("“…,” Barkley said. “…”"), ``content_parts``
    lists the pieces said, as ``start-end`` pairs separated by spaces (``content_pieces`` reads them);
    it is empty for a content in one piece.
    """

    id: str
    article_id: str
    kind: str  # direct | indirect | mixed | according_to
    speaker: str
    cue: str
    content: str
    content_start: int
    content_end: int
    cue_start: int
    cue_end: int
    sentence_start: int
    sentence_end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_entity_id: str | None = None
    speaker_name: str | None = None
    role: str | None = None
    stance: str | None = None
    content_parts: str = ""


def content_pieces(statement: Statement) -> list[tuple[int, int]]:
    """The pieces of a statement's content that were said, as (start, end) offsets: its
    ``content_parts``, or the whole content."""
    if not statement.content_parts:
        return [(statement.content_start, statement.content_end)]
    pairs = (part.split("-") for part in statement.content_parts.split())
    return [(int(a), int(b)) for a, b in pairs]


def parts_field(pieces: list[tuple[int, int]]) -> str:
    """``Statement.content_parts`` for these pieces: empty for one."""
    return " ".join(f"{a}-{b}" for a, b in pieces) if len(pieces) > 1 else ""


@dataclass(slots=True)
class Enrichment:
    """What enrich found in one article: its entity mentions and attributed statements, or why it failed."""

    article_id: str
    mentions: list[Mention]
    statements: list[Statement]
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FrameStance:
    """A claim's frame ("partition"), whether the claim asserts or denies it, and whom it accuses: the
    entity the claim names as doing it ("the US seeks to partition Syria"), ``None`` if it names none."""

    frame: str
    stance: str  # asserts | denies
    match: str = ""  # the words that matched the frame's pattern
    accused_id: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One claim as made in one place: a sentence of a statement's content, or an article's own
    assertion (``statement_id`` ``None``). Offsets are into ``Article.text``.

    ``stance`` is the claim's polarity: ``denies`` when it negates what it says ("is not looking for
    regime change") or its statement's cue is a denial. ``place_ids`` are the places it is about (named
    in its sentence, else the article's main places); ``entity_ids`` every entity named in it.
    ``quoted``: its statement quotes the words (a direct or mixed statement), so "I" and "we" are the
    speaker's.
    """

    id: str
    article_id: str
    statement_id: str | None
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    speaker: str | None
    speaker_entity_id: str | None
    stance: str
    frames: tuple[FrameStance, ...] = ()
    entity_ids: tuple[str, ...] = ()
    place_ids: tuple[str, ...] = ()
    quoted: bool = False


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about one event, clustered over time as they arrive."""

    id: str
    label: str
    first_seen: str | None
    last_seen: str | None
    article_count: int


@dataclass(frozen=True, slots=True)
class Narrative:
    """A group of claims that recurs across stories, outlets or time: the unit an analyst follows.

    ``frame`` is set for narratives built on a claim frame, ``None`` for those found by similarity
    alone. Counts are over distinct articles (near-duplicate copies counted once in ``article_count``).
    ``accused`` is whom a frame narrative says does it ("United States"), ``None`` if its claims name no one.
    """

    id: str
    label: str
    frame: str | None
    first_seen: str | None
    last_seen: str | None
    claim_count: int
    article_count: int
    outlet_count: int
    denial_count: int
    accused: str | None = None


@dataclass(slots=True)
class IngestReport:
    """What one ingest run did: counts plus every error, for the summary the CLI prints."""

    seen: int = 0
    stored: int = 0
    duplicates: int = 0
    errors: list[IngestError] = field(default_factory=list)


_WS = re.compile(r"\s+")


def normalise_for_hash(text: str) -> str:
    """Whitespace- and case-folded text, so re-wrapped copies of one text hash alike."""
    return _WS.sub(" ", text).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def input_hash(doc: Document) -> str:
    """Hash of a document as read (content and container metadata): unchanged input, unchanged hash."""
    fields = (doc.kind, doc.content, doc.url, doc.title, doc.author, doc.published, doc.outlet, doc.language)
    digest = hashlib.sha256()
    for value in fields:
        digest.update(
            b"\x00" if value is None else b"\x01" + value.encode("utf-8", "surrogatepass") + b"\x00"
        )
    return digest.hexdigest()


def article_id(hash_: str) -> str:
    """Short stable id: the first 16 hex digits of the content hash."""
    return hash_[:16]
