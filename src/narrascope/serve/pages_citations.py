"""Media citations: which outlets cite which media ("Press TV reports:", "according to TASS"), each edge
with links to the first articles that make it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from narrascope.serve.pages_base import PageRoute, page_of, render, text_param
from narrascope.serve.server import reader

router = APIRouter(route_class=PageRoute)

EDGES_PER_PAGE = 50
EXAMPLES_PER_EDGE = 3


@router.get("/citations")
def citations(request: Request) -> Response:
    nar = reader(request)
    form = {"outlet": text_param(request, "outlet"), "cited": text_param(request, "cited")}
    rows, pager = page_of(
        request,
        lambda limit, offset: nar.citation_page(
            outlet=form["outlet"], cited=form["cited"], limit=limit, offset=offset, examples=EXAMPLES_PER_EDGE
        ),
        limit=EDGES_PER_PAGE,
        total=nar.count_citation_edges(outlet=form["outlet"], cited=form["cited"]),
    )
    return render(request, "citations.html", rows=rows, paging=pager, form=form)
