"""One article: its metadata and sources, where it sits among the links (story, copies, narratives,
the most similar stored articles), and its text with every statement and entity mention marked."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from narrascope.errors import NarrascopeError
from narrascope.serve.display import isolate
from narrascope.serve.highlight import Mark, highlight
from narrascope.serve.pages_base import SECURITY_HEADERS, PageRoute, page_of, render
from narrascope.serve.pages_cards import statement_marks
from narrascope.serve.server import reader
from narrascope.store.query import StatementQuery

router = APIRouter(route_class=PageRoute)

COPIES_PER_PAGE = 20
SIMILAR_ON_PAGE = 8


@router.get("/articles")
def articles(request: Request) -> Response:
    """The article listing is the search page (its filters as given)."""
    target = "/search" + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(target, 303, headers=SECURITY_HEADERS)


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str) -> Response:
    nar = reader(request)
    found = nar.article(article_id)
    # one article's statements and mentions are bounded by its text, so all are read to mark it up
    count = nar.count_statements(StatementQuery(article_id=found.id))
    statements = nar.statements(StatementQuery(article_id=found.id, limit=max(count, 1)))
    mentions = nar.article_mention_spans(found.id)
    marks = [m for st in statements for m in statement_marks(st, anchor=True)]
    marks += [
        Mark(
            m.start,
            m.end,
            "entity",
            f"{isolate(m.name)} ({m.label})",
            href="/entities/" + quote(m.entity_id, safe=""),
        )
        for m in mentions
    ]
    relations = nar.article_relations(found.id)
    original = relations.copy_of.id if relations.copy_of else found.id
    copies, copies_pager = page_of(
        request,
        lambda limit, offset: nar.article_copies(original, limit, offset),
        limit=COPIES_PER_PAGE,
        param="cp",
        anchor="copies",
    )
    try:  # by title-and-lead vector alone: the page runs no model (the API's similar endpoint re-ranks)
        similar = nar.similar(found.id, SIMILAR_ON_PAGE, rerank=False)
    except NarrascopeError as exc:
        if exc.code != "E112":  # E112: not linked yet, so there is no vector to compare
            raise
        similar = None
    return render(
        request,
        "article.html",
        similar=similar,
        article=found,
        sources=nar.sources(found.id),
        text=highlight(found.text, marks),
        statements=statements,
        mentions=len(mentions),
        entities=len({m.entity_id for m in mentions}),
        relations=relations,
        copies=copies,
        copies_pager=copies_pager,
    )
