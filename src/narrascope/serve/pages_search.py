"""The start page, search over articles and statements, and the statement listing."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from narrascope.serve.pages_base import (
    SECURITY_HEADERS,
    PageRoute,
    choice_param,
    date_range_of,
    page_of,
    query_string,
    render,
    text_param,
)
from narrascope.serve.pages_cards import snippet, statement_cards
from narrascope.serve.server import reader
from narrascope.store import ArticleQuery
from narrascope.store.query import StatementQuery

router = APIRouter(route_class=PageRoute)

ARTICLES_PER_PAGE = 20
STATEMENTS_PER_PAGE = 20
KINDS = ("direct", "indirect", "mixed", "according_to")


@router.get("/")
def home(request: Request) -> Response:
    nar = reader(request)
    return render(
        request,
        "home.html",
        counts=nar.overview_counts(),
        recent=nar.recent_narratives(limit=10),
        form={},
    )


def _filters(request: Request) -> tuple[dict[str, str | None], tuple[str | None, str | None]]:
    """The form as sent (shown again as typed), and its dates as the days they cover."""
    form = {
        name: text_param(request, name) for name in ("q", "outlet", "language", "since", "until", "speaker")
    }
    return form, date_range_of(request)


@router.get("/search")
def search(request: Request) -> Response:
    """Articles matching the form (full text, outlet, language, dates); its statements tab is the
    statement listing with the same filters, where a search naming a speaker goes straight away."""
    f, (since, until) = _filters(request)
    if f["speaker"]:
        target = "/statements" + query_string(request, language=None, offset=None)
        return RedirectResponse(target, 303, headers=SECURITY_HEADERS)
    nar = reader(request)
    articles, pager = page_of(
        request,
        lambda limit, offset: nar.articles(
            ArticleQuery(f["outlet"], f["language"], since, until, f["q"], limit, offset)
        ),
        limit=ARTICLES_PER_PAGE,
    )
    return render(
        request,
        "search.html",
        form=f,
        articles=[(a, snippet(a.text, f["q"])) for a in articles],
        paging=pager,
    )


@router.get("/statements")
def statements(request: Request) -> Response:
    nar = reader(request)
    f, (since, until) = _filters(request)
    f["kind"] = choice_param(request, "kind", KINDS)
    rows, pager = page_of(
        request,
        lambda limit, offset: nar.statements(
            StatementQuery(
                speaker=f["speaker"],
                outlet=f["outlet"],
                kind=f["kind"],
                since=since,
                until=until,
                text=f["q"],
                limit=limit,
                offset=offset,
            )
        ),
        limit=STATEMENTS_PER_PAGE,
    )
    return render(
        request,
        "statements.html",
        form=f,
        kinds=KINDS,
        cards=statement_cards(rows, nar.statement_windows([s.id for s in rows]), f["q"]),
        paging=pager,
    )
