"""Records the store returns that are not pipeline records: batch results, sources, stored errors."""

from __future__ import annotations

from dataclasses import dataclass, field

from narrascope.model import Statement


@dataclass(slots=True)
class BatchResult:
    stored_ids: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One place an article was read from (a syndicated or re-scraped text has several)."""

    source: str
    url: str | None
    seen_at: str


@dataclass(frozen=True, slots=True)
class StoredError:
    source: str
    reason: str
    detail: str
    run_id: str
    first_seen: str
    last_seen: str


@dataclass(frozen=True, slots=True)
class StatementRow(Statement):
    """A statement with the article facts a listing shows beside it."""

    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class EntityRow:
    """An entity with its aliases and how often it appears."""

    id: str
    name: str
    type: str
    mentions: int
    articles: int
    statements: int
    aliases: str | None


@dataclass(frozen=True, slots=True)
class CopyCandidate:
    """A linked article sharing an LSH bucket with a new one: verified against its signature."""

    article_id: str
    signature: bytes
    copy_of: str | None
    published: str | None


@dataclass(frozen=True, slots=True)
class LinkedArticle:
    """What the link stage stores per article (column order of ``article_links``)."""

    article_id: str
    seq: int
    pipeline: str
    linked_at: str
    signature: bytes
    vector: bytes
    copy_of: str | None
    copy_score: float | None
    story_id: str | None
    story_score: float | None  # title-and-lead cosine to the article it joined the story through
    story_via: str | None  # that article
    story_word_score: float | None  # their shared-word (TF-IDF) cosine, when it was checked


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """A stored claim as the linker needs it when it turns up as a nearest neighbour."""

    id: str
    article_id: str
    root_article_id: str  # the original when the article is a copy
    stance: str
    frames: tuple[str, ...]
    narrative_ids: tuple[str, ...]
    entity_ids: tuple[str, ...] = ()
    text: str = ""
    speaker: str | None = None
    speaker_entity_id: str | None = None
    quoted: bool = False  # its statement is a direct or mixed one
