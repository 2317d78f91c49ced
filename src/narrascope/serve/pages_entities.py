"""Entities: the listing, and one entity with its aliases, its statements, others' statements about
it, and the articles naming it, each paged."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from narrascope.serve.pages_base import PageRoute, page_of, render, text_param
from narrascope.serve.pages_cards import statement_cards
from narrascope.serve.server import reader
from narrascope.store.query import EntityQuery

router = APIRouter(route_class=PageRoute)

ENTITIES_PER_PAGE = 50
STATEMENTS_PER_PAGE = 10
ARTICLES_PER_PAGE = 20


@router.get("/entities")
def entities(request: Request) -> Response:
    nar = reader(request)
    form = {"name": text_param(request, "name"), "type": text_param(request, "type")}
    rows, pager = page_of(
        request,
        lambda limit, offset: nar.entities(EntityQuery(form["name"], form["type"], limit, offset)),
        limit=ENTITIES_PER_PAGE,
    )
    return render(request, "entities.html", rows=rows, paging=pager, form=form)


@router.get("/entities/{entity_id}")
def entity(request: Request, entity_id: str) -> Response:
    nar = reader(request)
    found = nar.entity_by_id(entity_id)
    sections = {}
    for key, about in (("by", False), ("about", True)):
        rows, pager = page_of(
            request,
            lambda limit, offset, about=about: nar.entity_statements(
                found.id, about=about, limit=limit, offset=offset
            ),
            limit=STATEMENTS_PER_PAGE,
            param=key,
            anchor=key,
        )
        sections[key] = (statement_cards(rows, nar.statement_windows([r.id for r in rows])), pager)
    articles, article_pager = page_of(
        request,
        lambda limit, offset: nar.entity_articles(found.id, limit, offset),
        limit=ARTICLES_PER_PAGE,
        param="ar",
        anchor="articles",
    )
    return render(
        request,
        "entity.html",
        entity=found,
        sections=sections,
        articles=articles,
        article_pager=article_pager,
    )
