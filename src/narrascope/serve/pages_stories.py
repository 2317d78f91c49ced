"""Stories (articles about one event) and the watchlist (known narratives and their matches)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from narrascope.serve.pages_base import PageRoute, page_of, render, text_param
from narrascope.serve.server import reader

router = APIRouter(route_class=PageRoute)

STORIES_PER_PAGE = 50
ARTICLES_PER_PAGE = 50
WATCH_ITEMS_PER_PAGE = 20
MATCHES_PER_PAGE = 20


@router.get("/stories")
def stories(request: Request) -> Response:
    nar = reader(request)
    rows, pager = page_of(request, nar.stories, limit=STORIES_PER_PAGE)
    return render(request, "stories.html", rows=rows, paging=pager)


@router.get("/stories/{story_id}")
def story(request: Request, story_id: str) -> Response:
    nar = reader(request)
    found = nar.story_info(story_id)
    rows, pager = page_of(
        request,
        lambda limit, offset: nar.story_page(found.id, limit, offset),
        limit=ARTICLES_PER_PAGE,
        total=found.article_count,
    )
    joins = {j.article_id: j for j in nar.story_joins([r.id for r in rows])}
    return render(request, "story.html", story=found, rows=rows, joins=joins, paging=pager)


@router.get("/watchlist")
def watchlist(request: Request) -> Response:
    """The watch items, and their matches (of one item with ``?item=ID``), best first."""
    nar = reader(request)
    item = text_param(request, "item")
    items_total, matches_total = nar.watch_counts()
    items, item_pager = page_of(
        request,
        lambda limit, offset: nar.watch_items(limit, offset)[0],
        limit=WATCH_ITEMS_PER_PAGE,
        param="i",
        total=items_total,
        anchor="items",
    )
    matches, match_pager = page_of(
        request,
        lambda limit, offset: nar.watch_matches(item_id=item, limit=limit, offset=offset)[0],
        limit=MATCHES_PER_PAGE,
        param="m",
        total=None if item else matches_total,
        anchor="matches",
    )
    return render(
        request,
        "watchlist.html",
        items=items,
        item_pager=item_pager,
        matches=matches,
        match_pager=match_pager,
        item=item,
    )
