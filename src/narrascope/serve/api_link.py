"""Read endpoints over what the link stage found: stories, narratives, media citations; and search (full
text and semantic)."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from narrascope.errors import NarrascopeError
from narrascope.serve import schemas
from narrascope.serve.api_common import (
    ERRORS,
    ApiRoute,
    Id,
    Paging,
    StanceParam,
    Text,
    claim_record,
    next_url,
    page,
)
from narrascope.serve.api_read import Nar, Paged, article_filters, entity_ids, summary
from narrascope.store.browse import Filters
from narrascope.store.query import fts_terms

router = APIRouter(route_class=ApiRoute, responses=ERRORS)
MAX_EXAMPLES = 20


# -- stories -------------------------------------------------------------------------------------------------
@router.get("/stories", response_model=schemas.Page[schemas.StoryOut], tags=["stories"])
def list_stories(request: Request, nar: Nar, paged: Paged) -> dict[str, Any]:
    """Stories (articles about one event), largest first."""
    items = nar.stories(paged.limit, paged.offset)
    return page(request, paged, [asdict(s) for s in items], nar.count_stories())


@router.get("/stories/{story_id}", response_model=schemas.StoryDetail, tags=["stories"])
def get_story(request: Request, story_id: Id, nar: Nar, paged: Paged) -> dict[str, Any]:
    """One story (by id or a unique prefix of at least 4 characters) and a page of its articles, oldest
    first (``limit``/``offset`` page the articles)."""
    story = nar.story_info(story_id)
    articles = nar.story_page(story.id, paged.limit, paged.offset)
    return asdict(story) | {
        "articles": page(request, paged, [summary(a) for a in articles], story.article_count)
    }


# -- narratives -----------------------------------------------------------------------------------------------
@router.get("/narratives", response_model=schemas.Page[schemas.NarrativeOut], tags=["narratives"])
def list_narratives(
    request: Request,
    nar: Nar,
    paged: Paged,
    all: bool = Query(False, description="Also claim groups seen in one place only (not recurring)."),
) -> dict[str, Any]:
    """Narratives: claim groups recurring across stories, outlets or time; most carried first."""
    items = nar.narratives(all_groups=all, limit=paged.limit, offset=paged.offset)
    return page(request, paged, [asdict(n) for n in items], nar.count_narratives(all_groups=all))


def _evidence_page(request: Request, nar: Any, narrative_id: str, stance: str | None, paged: Paging) -> dict:
    """A page of evidence inside the narrative's detail; its ``next`` is on the evidence endpoint."""
    items, total = nar.narrative_evidence(narrative_id, stance=stance, limit=paged.limit, offset=paged.offset)
    body = page(request, paged, [asdict(e) for e in items], total)
    path = f"{request.url.path.rstrip('/')}/evidence"
    query = {"stance": stance} if stance else {}
    body["next"] = next_url(request, paged, body["next"] is not None, path=path, query=query)
    return body


@router.get("/narratives/{narrative_id}", response_model=schemas.NarrativeDetailOut, tags=["narratives"])
def get_narrative(request: Request, narrative_id: Id, nar: Nar) -> dict[str, Any]:
    """One narrative as an analyst reads it: first appearance, timeline (claims per day and outlet,
    asserting and denying), speakers, outlets, over every claim; and the first page of its evidence and
    of its denials (``next`` reads on)."""
    detail = nar.narrative(narrative_id, limit=0)  # its evidence pages come below, with totals
    n = detail.narrative
    first_page = Paging(50, 0)
    return asdict(n) | {
        "first": asdict(detail.first) if detail.first else None,
        "timeline": [asdict(p) for p in detail.timeline],
        "speakers": [{"speaker": s, "asserts": a, "denies": d} for s, a, d in detail.speakers],
        "outlets": [{"outlet": o, "claims": c} for o, c in detail.outlets],
        "evidence": _evidence_page(request, nar, n.id, None, first_page),
        "denials": _evidence_page(request, nar, n.id, "denies", first_page),
    }


@router.get(
    "/narratives/{narrative_id}/evidence",
    response_model=schemas.Page[schemas.EvidenceOut],
    tags=["narratives"],
)
def narrative_evidence(
    request: Request, narrative_id: Id, nar: Nar, paged: Paged, stance: StanceParam = None
) -> dict[str, Any]:
    """The narrative's evidence in time order: each claim with its sentence, speaker, cue, article and why
    it joined; ``stance=denies`` for the denials only."""
    items, total = nar.narrative_evidence(narrative_id, stance=stance, limit=paged.limit, offset=paged.offset)
    return page(request, paged, [asdict(e) for e in items], total)


# -- media citations -----------------------------------------------------------------------------------------
@router.get("/citations", response_model=schemas.Page[schemas.CitationEdgeOut], tags=["citations"])
def list_citations(
    request: Request,
    nar: Nar,
    paged: Paged,
    outlet: Annotated[Text, Query(description="The citing outlet (case-insensitive).")] = None,
    cited: Annotated[Text, Query(description="The cited medium (case-insensitive).")] = None,
    examples: int = Query(3, ge=0, le=MAX_EXAMPLES, description="Citations shown per edge as evidence."),
) -> dict[str, Any]:
    """The outlet citation graph ("Press TV reports:", "according to TASS"): which outlets cite which
    media, most citations first (as `narrascope citations`), each edge with its first citations."""
    edges = nar.citation_page(
        outlet=outlet, cited=cited, limit=paged.limit, offset=paged.offset, examples=examples
    )
    total = nar.count_citation_edges(outlet=outlet, cited=cited)
    return page(request, paged, [asdict(e) for e in edges], total)


# -- search ---------------------------------------------------------------------------------------------------
@router.get("/search", response_model=schemas.SearchResults, tags=["search"])
def search(
    request: Request,
    nar: Nar,
    paged: Paged,
    base: Annotated[Filters, Depends(article_filters)],
    q: str = Query(
        ..., min_length=1, max_length=1000, pattern=r"^[^\x00]*$", description="What to look for."
    ),
    mode: Literal["text", "semantic"] = Query(
        "text", description="text: every word or phrase; semantic: by meaning, across languages."
    ),
    kind: Literal["articles", "statements", "claims"] = Query("articles", description="What to return."),
    speaker: Annotated[Text, Query(description="Part of the speaker's name.")] = None,
    entity: Annotated[Text, Query(description="Said by, mentioning or naming this entity.")] = None,
    stance: StanceParam = None,
    min_score: float = Query(
        0.0, ge=-1.0, le=1.0, description="Semantic mode: the least cosine shown (0: every related item)."
    ),
) -> dict[str, Any]:
    """Search articles, statements or claims, by words (full text) or by meaning (multilingual sentence
    vectors), with the same filters: speaker, entity, outlet, language, dates, stance. Text results come
    in listing order with a total; semantic ones best first, each with its cosine."""
    if not fts_terms(q):
        raise NarrascopeError("E127", "the query holds no words to look for")
    filters = replace(base, text=q if mode == "text" else None, speaker=speaker,
                      entity_ids=entity_ids(nar, entity), stance=stance, limit=paged.limit, offset=paged.offset)  # fmt: skip
    body: dict[str, Any] = {"kind": kind, "mode": mode, "limit": paged.limit, "offset": paged.offset}
    convert = {"articles": summary, "statements": asdict, "claims": claim_record}[kind]
    if mode == "semantic":
        found = nar.search_semantic(kind, q, replace(filters, limit=paged.limit + 1), min_score)
        items = [convert(item) | {"score": score} for item, score in found[: paged.limit]]
        return body | {"items": items, "total": None,
                       "next": next_url(request, paged, len(found) > paged.limit)}  # fmt: skip
    finder = {"articles": nar.find_articles, "statements": nar.find_statements, "claims": nar.find_claims}[
        kind
    ]
    rows, total = finder(filters)
    return body | page(request, paged, [convert(r) | {"score": None} for r in rows], total)
