"""The REST API's response bodies as pydantic models, so that the OpenAPI spec says exactly what comes back.

Text fields hold the stored text unchanged (article text is untrusted: clients escape it where they show it).
Offsets are character offsets into the article's ``text``. Dates are ISO ``YYYY-MM-DD``; times ISO 8601 UTC.
"""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
Stance = Literal["asserts", "denies"]


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Model, Generic[T]):
    """One page of a listing. ``next`` is the path and query of the following page, ``null`` on the last."""

    items: list[T]
    total: int = Field(description="Rows matching the query, over all pages.")
    limit: int
    offset: int
    next: str | None


class Error(Model):
    detail: str | list = Field(description="What went wrong (a list of problems for invalid parameters).")
    code: str | None = Field(None, description="narrascope's error code (E1xx), when it has one.")


class Deleted(Model):
    id: str
    deleted: Literal[True] = True


# -- articles ------------------------------------------------------------------------------------------------
class ArticleSummary(Model):
    id: str
    url: str | None
    outlet: str | None
    title: str | None
    author: str | None
    published: str | None = Field(description="ISO date, or null when nothing gives one (never a guess).")
    date_source: str | None = Field(description="Where the date came from: metadata, url or text.")
    language: str | None
    word_count: int
    source: str = Field(description="Where the article was first read from (file, record locator, URL).")


class Source(Model):
    source: str
    url: str | None
    seen_at: str


class ArticleDetail(ArticleSummary):
    content_hash: str
    text: str
    sources: list[Source] = Field(description="Every place the same text was read from.")


class SimilarArticle(ArticleSummary):
    similarity: float | None = Field(
        description="Article similarity in [0, 1] (the model `eval similarity` scores); null without rerank."
    )
    cosine: float = Field(description="Cosine of the title+lead sentence vectors.")


class SimilarArticles(Model):
    items: list[SimilarArticle]
    limit: int
    offset: int
    next: str | None


# -- statements, entities, mentions -------------------------------------------------------------------------
class StatementOut(Model):
    id: str
    article_id: str
    kind: str = Field(description="direct, indirect, mixed or according_to.")
    speaker: str = Field(description="The source as written.")
    speaker_name: str | None = Field(description="The canonical speaker, when resolved.")
    speaker_entity_id: str | None
    role: str | None
    cue: str
    content: str
    content_start: int
    content_end: int
    cue_start: int
    cue_end: int
    sentence_start: int
    sentence_end: int
    speaker_start: int | None
    speaker_end: int | None
    stance: str | None = Field(description="asserts or denies once linked (the stance of its claims).")
    content_parts: str = Field(
        "",
        description="The pieces of a content its own attribution interrupts (“…,” she said. “…”), as"
        " start-end offsets separated by spaces; empty for a content in one piece.",
    )
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None


class EntityListed(Model):
    id: str
    name: str
    type: str
    aliases: list[str]
    mentions: int
    statements: int = Field(description="Statements it made (as the resolved speaker).")


class EntityOut(EntityListed):
    articles: int = Field(description="Articles mentioning it.")


class ArticleEntityOut(Model):
    id: str
    name: str
    type: str
    mentions: int = Field(description="Mentions in this article.")
    first_start: int = Field(description="Offset of its first mention.")


class MentionOut(Model):
    article_id: str
    entity_id: str
    start: int
    end: int
    text: str
    label: str


# -- claims, stories, narratives ----------------------------------------------------------------------------
class FrameOut(Model):
    frame: str
    stance: Stance


class ClaimOut(Model):
    id: str
    article_id: str
    statement_id: str | None = Field(description="null for the article's own assertion.")
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    speaker: str | None
    speaker_entity_id: str | None
    stance: Stance
    frames: list[FrameOut]
    entity_ids: list[str]
    place_ids: list[str]
    narrative_ids: list[str]
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None


class StoryOut(Model):
    id: str
    label: str
    first_seen: str | None
    last_seen: str | None
    article_count: int


class StoryDetail(StoryOut):
    articles: Page[ArticleSummary]


class NarrativeOut(Model):
    id: str
    label: str
    frame: str | None = Field(description="The claim frame it is built on; null when found by similarity.")
    first_seen: str | None
    last_seen: str | None
    claim_count: int
    article_count: int = Field(description="Distinct articles, near-duplicate copies counted once.")
    outlet_count: int
    denial_count: int
    accused: str | None = Field(
        default=None,
        description='Whom a frame narrative says does it ("United States"); null if its claims name no one.',
    )


class EvidenceOut(Model):
    claim_id: str
    stance: Stance
    score: float
    via: str = Field(
        description="Why the claim joined: the frame words matched, whom the claim accuses, and the place, story or"
        " label cosine that placed it, or the cosine to a claim."
    )
    claim: str
    sentence: str
    claim_start: int
    claim_end: int
    speaker: str | None
    speaker_entity_id: str | None
    statement_id: str | None
    cue: str | None
    role: str | None
    article_id: str
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None
    story_id: str | None
    copy_of: str | None


class TimelinePointOut(Model):
    date: str | None = Field(description="Publication day; null gathers the undated claims.")
    outlet: str | None
    asserts: int
    denies: int


class SpeakerCount(Model):
    speaker: str
    asserts: int
    denies: int


class OutletCount(Model):
    outlet: str
    claims: int


class NarrativeDetailOut(NarrativeOut):
    first: EvidenceOut | None = Field(description="First appearance: the earliest dated assertion.")
    timeline: list[TimelinePointOut] = Field(description="Claims per day and outlet, over every claim.")
    speakers: list[SpeakerCount]
    outlets: list[OutletCount]
    evidence: Page[EvidenceOut] = Field(description="The first page; `next` reads on.")
    denials: Page[EvidenceOut] = Field(description="The first page of denying evidence.")


# -- media citations -------------------------------------------------------------------------------------
class CitationExampleOut(Model):
    article_id: str
    cue: str = Field(description='The cue as written: "according to", "reports", a dateline "(AFP) —", ….')
    start: int = Field(description="Where the cited name is in the article's text.")
    end: int
    sentence: str = Field(description="The sentence holding the citation.")
    title: str | None
    published: str | None
    url: str | None


class CitationEdgeOut(Model):
    citing: str = Field(description="The citing outlet (the article's).")
    cited: str = Field(description="The cited medium's canonical name (the media list, or a stored outlet).")
    citations: int = Field(description="Citations over all its articles (one per medium and sentence).")
    articles: int = Field(description="The citing outlet's articles that cite it.")
    examples: list[CitationExampleOut] = Field(
        description="Its first citations, dated first (`examples` of them)."
    )


# -- search ------------------------------------------------------------------------------------------------
class ArticleHit(ArticleSummary):
    score: float | None = Field(description="Cosine to the query (semantic mode); null in text mode.")


class StatementHit(StatementOut):
    score: float | None


class ClaimHit(ClaimOut):
    score: float | None


class _Search(Model):
    mode: Literal["text", "semantic"]
    total: int | None = Field(
        description="Matches over all pages in text mode; null in semantic mode (a ranking: page until "
        "`next` is null)."
    )
    limit: int
    offset: int
    next: str | None


class ArticleSearch(_Search):
    kind: Literal["articles"]
    items: list[ArticleHit]


class StatementSearch(_Search):
    kind: Literal["statements"]
    items: list[StatementHit]


class ClaimSearch(_Search):
    kind: Literal["claims"]
    items: list[ClaimHit]


SearchResults = Annotated[ArticleSearch | StatementSearch | ClaimSearch, Field(discriminator="kind")]


# -- watchlist ---------------------------------------------------------------------------------------------
class WatchItemOut(Model):
    id: str
    kind: str = Field(description="euvsdisinfo or claimreview.")
    title: str
    published: str | None
    url: str | None
    countries: list[str]
    keywords: list[str]
    languages: list[str]
    outlets: list[str]
    rating: str | None
    claimant: str | None
    reviewer: str | None
    frames: list[str]
    places: list[str]
    added_at: str
    matches: int


class WatchMatchOut(Model):
    item_id: str
    watched: str = Field(description="The watch item's title.")
    watch_url: str | None
    score: float
    stance: Stance
    via: str
    claim_id: str
    article_id: str
    outlet: str | None
    published: str | None
    title: str | None
    claim: str
    speaker: str | None
    matched_at: str


class Problem(Model):
    source: str
    reason: str
    detail: str


class WatchImportOut(Model):
    read: int
    added: int
    matches: int
    problems: list[Problem]


# -- ingest, health --------------------------------------------------------------------------------------------
class EnrichOut(Model):
    articles: int
    mentions: int
    statements: int
    entities: int


class LinkOut(Model):
    articles: int
    copies: int
    citations: int
    claims: int
    new_stories: int
    watch_matches: int


class IngestOut(Model):
    seen: int
    stored: int
    duplicates: int
    errors: list[Problem] = Field(description="Every input not stored, with the reason (see `errors`).")
    enriched: EnrichOut | None = Field(
        description="When asked: what enrich did (every article not yet done)."
    )
    linked: LinkOut | None = Field(description="When asked: what link did.")


class Counts(Model):
    articles: int
    statements: int
    entities: int
    claims: int
    stories: int
    narratives: int
    watch_items: int


class Health(Model):
    status: Literal["ok"] = "ok"
    version: str
    backend: Literal["sqlite", "postgres"]
    reads_protected: bool
    writes_enabled: bool = Field(description="A token is configured (every write needs it).")
    counts: Counts | None = Field(description="Rows per kind; null when reads need a token not given.")


# -- request bodies ------------------------------------------------------------------------------------------
Url = Annotated[str, Field(pattern=r"^https?://[^\s\x00]+$", max_length=2000)]


class RecordsIn(Model):
    """Records to ingest, as a JSON dump would hold them: ``text`` (or ``html``) and the optional ``url``,
    ``title``, ``author``, ``published``, ``outlet``, ``language`` (their usual synonyms are read too)."""

    records: list[dict[str, object]] = Field(default_factory=list)
    urls: list[Url] = Field(default_factory=list, description="Pages or feeds to fetch.")
    enrich: bool = Field(False, description="Then enrich every article not yet enriched.")
    link: bool = Field(False, description="Then enrich and link every article not yet linked.")
