"""Read endpoints over stored records: articles, entities, statements, claims."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from narrascope.app import Narrascope
from narrascope.serve import schemas
from narrascope.serve.api_common import (
    ERRORS,
    ApiRoute,
    Day,
    Id,
    Paging,
    StanceParam,
    Text,
    claim_record,
    entity_record,
    next_url,
    page,
    paging,
)
from narrascope.serve.server import reader
from narrascope.store.browse import Filters
from narrascope.store.query import EntityQuery, date_range

router = APIRouter(route_class=ApiRoute, responses=ERRORS)
Nar = Annotated[Narrascope, Depends(reader)]
Paged = Annotated[Paging, Depends(paging)]
MAX_SIMILAR = 200  # neighbours re-ranked at most: the whole corpus by meaning is /api/search?mode=semantic
StatementKind = Annotated[
    Literal["direct", "indirect", "mixed", "according_to"] | None, Query(description="The statement's kind.")
]


def article_filters(
    q: Annotated[Text, Query(description='Full text: every word; "quoted phrases".')] = None,
    outlet: Annotated[Text, Query(description="Outlet (case-insensitive).")] = None,
    language: Annotated[Text, Query(description="Language (ISO 639-1).")] = None,
    since: Annotated[Day, Query(description="Published on or after.")] = None,
    until: Annotated[Day, Query(description="Published on or before.")] = None,
) -> Filters:
    first, last = date_range(since, until)
    return Filters(text=q, outlet=outlet, language=language, since=first, until=last)


def entity_ids(nar: Narrascope, entity: str | None) -> tuple[str, ...] | None:
    """The ids an entity filter names (none known: an empty tuple, which keeps nothing)."""
    return tuple(nar.entity_ids(entity)) if entity else None


def summary(article: Any) -> dict[str, Any]:
    """An ``Article`` or ``ArticleSummary`` as ``schemas.ArticleSummary``."""
    return {k: v for k, v in asdict(article).items() if k not in ("text", "content_hash")}


# -- articles ---------------------------------------------------------------------------------------------------
@router.get("/articles", response_model=schemas.Page[schemas.ArticleSummary], tags=["articles"])
def list_articles(
    request: Request, nar: Nar, paged: Paged, filters: Annotated[Filters, Depends(article_filters)]
) -> dict[str, Any]:
    """Stored articles, newest first, with filters and full-text search."""
    found = replace(filters, limit=paged.limit, offset=paged.offset)
    items, total = nar.find_articles(found)
    return page(request, paged, [summary(a) for a in items], total)


@router.get("/articles/{article_id}", response_model=schemas.ArticleDetail, tags=["articles"])
def get_article(article_id: Id, nar: Nar) -> dict[str, Any]:
    """One article (by id or a unique prefix of at least 4 characters): metadata, clean text, sources."""
    article = nar.article(article_id)
    return asdict(article) | {"sources": [asdict(s) for s in nar.sources(article.id)]}


@router.get(
    "/articles/{article_id}/statements", response_model=schemas.Page[schemas.StatementOut], tags=["articles"]
)
def article_statements(request: Request, article_id: Id, nar: Nar, paged: Paged) -> dict[str, Any]:
    """The article's attributed statements in text order."""
    article = nar.article(article_id)
    items, total = nar.find_statements(Filters(article_id=article.id, limit=paged.limit, offset=paged.offset))
    return page(request, paged, [asdict(s) for s in items], total)


@router.get(
    "/articles/{article_id}/entities",
    response_model=schemas.Page[schemas.ArticleEntityOut],
    tags=["articles"],
)
def article_entities(request: Request, article_id: Id, nar: Nar, paged: Paged) -> dict[str, Any]:
    """The entities the article mentions, most mentioned first."""
    article = nar.article(article_id)
    items, total = nar.article_entities(article.id, paged.limit, paged.offset)
    return page(request, paged, [asdict(e) for e in items], total)


@router.get(
    "/articles/{article_id}/mentions", response_model=schemas.Page[schemas.MentionOut], tags=["articles"]
)
def article_mentions(request: Request, article_id: Id, nar: Nar, paged: Paged) -> dict[str, Any]:
    """The article's entity mentions in text order (offsets into its text)."""
    article = nar.article(article_id)
    items, total = nar.article_mentions(article.id, paged.limit, paged.offset)
    return page(request, paged, [asdict(m) for m in items], total)


@router.get("/articles/{article_id}/similar", response_model=schemas.SimilarArticles, tags=["articles"])
def similar_articles(
    request: Request,
    article_id: Id,
    nar: Nar,
    limit: int = Query(10, ge=1, le=50, description="Articles per page (at most 50)."),
    offset: int = Query(0, ge=0, le=MAX_SIMILAR - 1, description=f"At most {MAX_SIMILAR} neighbours in all."),
    rerank: bool = Query(
        True,
        description="Re-rank by the article similarity model (runs the model on the candidates' text: "
        "slower); false: by vector cosine alone.",
    ),
) -> dict[str, Any]:
    """Stored articles most similar to this one (translations and rewrites count), best first: its nearest
    neighbours by title-and-lead vector, re-ranked by the article similarity model."""
    article = nar.article(article_id)
    upto = min(offset + limit, MAX_SIMILAR)
    found = nar.similar(article.id, upto + 1, rerank=rerank)
    items = [summary(a) | {"similarity": s, "cosine": c} for a, s, c in found[offset:upto]]
    paged = Paging(limit, offset)
    return {"items": items, "limit": limit, "offset": offset,
            "next": next_url(request, paged, len(found) > upto and upto < MAX_SIMILAR)}  # fmt: skip


# -- entities ----------------------------------------------------------------------------------------------------
@router.get("/entities", response_model=schemas.Page[schemas.EntityListed], tags=["entities"])
def list_entities(
    request: Request,
    nar: Nar,
    paged: Paged,
    name: Annotated[Text, Query(description="Part of a name or alias.")] = None,
    type: Annotated[Text, Query(description="PERSON, ORG, GPE, NORP, LOC, ...")] = None,
) -> dict[str, Any]:
    """Canonical entities, most mentioned first, with their aliases, mentions and statements (the number of
    articles is on each entity's own page)."""
    rows, total = nar.entity_page(EntityQuery(name=name, type=type, limit=paged.limit, offset=paged.offset))
    items = [r | {"aliases": [a for a in (r["aliases"] or "").split(" | ") if a]} for r in rows]
    return page(request, paged, items, total)


@router.get("/entities/{name}", response_model=schemas.EntityOut, tags=["entities"])
def get_entity(name: Id, nar: Nar) -> dict[str, Any]:
    """One entity by id, canonical name or alias ("Lavrov", "Minister Lavrov"), with its counts."""
    entity, counts = nar.entity_summary(name)
    return entity_record(entity, counts)


@router.get(
    "/entities/{name}/statements", response_model=schemas.Page[schemas.StatementOut], tags=["entities"]
)
def entity_statements(request: Request, name: Id, nar: Nar, paged: Paged) -> dict[str, Any]:
    """Statements the entity made or whose content names it, in time order."""
    entity, _ = nar.entity_summary(name)
    found = Filters(entity_ids=(entity.id,), limit=paged.limit, offset=paged.offset)
    items, total = nar.find_statements(found)
    return page(request, paged, [asdict(s) for s in items], total)


@router.get(
    "/entities/{name}/articles", response_model=schemas.Page[schemas.ArticleSummary], tags=["entities"]
)
def entity_articles(request: Request, name: Id, nar: Nar, paged: Paged) -> dict[str, Any]:
    """Articles mentioning the entity, oldest first."""
    entity, (_, articles, _) = nar.entity_summary(name)
    items = nar.entity_articles(entity.id, paged.limit, paged.offset)
    return page(request, paged, [summary(a) for a in items], articles)


@router.get("/entities/{name}/mentions", response_model=schemas.Page[schemas.MentionOut], tags=["entities"])
def entity_mentions(request: Request, name: Id, nar: Nar, paged: Paged) -> dict[str, Any]:
    """Every mention of the entity (article id, offsets, text as written)."""
    entity, (mentions, _, _) = nar.entity_summary(name)
    items = nar.entity_mentions(entity.id, paged.limit, paged.offset)
    return page(request, paged, [asdict(m) for m in items], mentions)


# -- statements and claims -------------------------------------------------------------------------------------------
def statement_filters(
    nar: Nar,
    base: Annotated[Filters, Depends(article_filters)],
    speaker: Annotated[
        Text, Query(description="Part of the canonical speaker or the source as written.")
    ] = None,
    entity: Annotated[Text, Query(description="Said by, or naming, this entity (name, alias or id).")] = None,
    kind: StatementKind = None,
    stance: StanceParam = None,
    article: Annotated[Text, Query(description="Only this article's (full id).")] = None,
) -> Filters:
    return replace(base, speaker=speaker, entity_ids=entity_ids(nar, entity), kind=kind, stance=stance,
                   article_id=article)  # fmt: skip


@router.get("/statements", response_model=schemas.Page[schemas.StatementOut], tags=["statements"])
def list_statements(
    request: Request, nar: Nar, paged: Paged, filters: Annotated[Filters, Depends(statement_filters)]
) -> dict[str, Any]:
    """Attributed statements (who said what, where and when), oldest first. ``q`` keeps statements whose
    content holds every word, in articles the full-text index finds."""
    items, total = nar.find_statements(replace(filters, limit=paged.limit, offset=paged.offset))
    return page(request, paged, [asdict(s) for s in items], total)


def claim_filters(
    nar: Nar,
    base: Annotated[Filters, Depends(article_filters)],
    narrative: Annotated[Text, Query(description="Only this narrative's claims (full id).")] = None,
    article: Annotated[Text, Query(description="Only this article's (full id).")] = None,
    stance: StanceParam = None,
    frame: Annotated[Text, Query(description="Claims with this frame (e.g. partition).")] = None,
    speaker: Annotated[Text, Query(description="Part of the speaker's name.")] = None,
    entity: Annotated[Text, Query(description="Said by, or naming, this entity.")] = None,
) -> Filters:
    return replace(base, narrative_id=narrative, article_id=article, stance=stance, frame=frame,
                   speaker=speaker, entity_ids=entity_ids(nar, entity))  # fmt: skip


@router.get("/claims", response_model=schemas.Page[schemas.ClaimOut], tags=["claims"])
def list_claims(
    request: Request, nar: Nar, paged: Paged, filters: Annotated[Filters, Depends(claim_filters)]
) -> dict[str, Any]:
    """Claims (a statement's sentences, or an article's own framed assertions) with frames, stance and
    narratives, in the order they were linked."""
    items, total = nar.find_claims(replace(filters, limit=paged.limit, offset=paged.offset))
    return page(request, paged, [claim_record(c) for c in items], total)
