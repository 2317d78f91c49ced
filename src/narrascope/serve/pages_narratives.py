"""Narratives: the listing, and one narrative with its timeline, outlet spread, speakers and claims.

A narrative may gather claims from thousands of articles, so no page reads them all: both plots and
the outlet table come from one count grouped in SQL by outlet, date and stance; speakers and claims
are read a page at a time. Each of the three reads costs time in proportion to the narrative's claims
(on SQLite about 25 µs a claim each, so a 100,000-claim narrative takes seconds, a typical one ms).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from narrascope.app import Narrascope
from narrascope.serve.pages_base import PageRoute, choice_param, page_of, render, text_param
from narrascope.serve.pages_cards import claim_card
from narrascope.serve.plots import (
    WIDTHS,
    bin_counts,
    choose_width,
    outlet_rows,
    spread_svg,
    sql_prefix,
    timeline_svg,
)
from narrascope.serve.server import reader
from narrascope.store.views import ClaimCard

router = APIRouter(route_class=PageRoute)

NARRATIVES_PER_PAGE = 25
CLAIMS_PER_PAGE = 20
OUTLETS_PER_PAGE = 15
SPEAKERS_PER_PAGE = 10
MAX_BINS = 400


@router.get("/narratives")
def narratives(request: Request) -> Response:
    nar = reader(request)
    order = choice_param(request, "sort", ("largest", "recent")) or "largest"
    every = choice_param(request, "all", ("1",)) == "1"
    listing = nar.recent_narratives if order == "recent" else nar.narratives
    rows, pager = page_of(
        request,
        lambda limit, offset: listing(all_groups=every, limit=limit, offset=offset),
        limit=NARRATIVES_PER_PAGE,
        total=nar.count_narratives(all_groups=every),
    )
    return render(request, "narratives.html", rows=rows, paging=pager, order=order, every=every)


@router.get("/narratives/{narrative_id}")
def narrative(request: Request, narrative_id: str) -> Response:
    nar = reader(request)
    n = nar.narrative_info(narrative_id)
    stance = choice_param(request, "stance", ("asserts", "denies"))
    outlet = text_param(request, "outlet")
    start = WIDTHS.index(choose_width(n.first_seen, n.last_seen))
    for width in WIDTHS[start:]:  # a coarser bin when stray dates stretch the span
        counts = nar.narrative_spread(n.id, sql_prefix(width))
        bins, undated = bin_counts(counts, width)
        if len(bins) <= MAX_BINS:
            break
    every_outlet = outlet_rows(counts, width)  # one row per outlet that carried it
    outlets, outlet_pager = page_of(
        request,
        lambda limit, offset: every_outlet[offset : offset + limit],
        limit=OUTLETS_PER_PAGE,
        param="op",
        anchor="outlets",
        total=len(every_outlet),
    )
    speakers, speaker_pager = page_of(
        request,
        lambda limit, offset: nar.narrative_speakers(n.id, limit, offset),
        limit=SPEAKERS_PER_PAGE,
        param="sp",
        anchor="speakers",
    )
    total = None
    if outlet is None:
        asserting = n.claim_count - n.denial_count
        total = {None: n.claim_count, "denies": n.denial_count, "asserts": asserting}[stance]
    claims, claim_pager = page_of(
        request,
        lambda limit, offset: nar.narrative_claims(
            n.id, stance=stance, outlet=outlet, limit=limit, offset=offset
        ),
        limit=CLAIMS_PER_PAGE,
        total=total,
        anchor="claims",
    )
    first = _first_appearance(nar, n.id, claims if not (claim_pager.offset or stance or outlet) else [])
    return render(
        request,
        "narrative.html",
        n=n,
        width=width,
        bins=bins,
        undated=undated,
        timeline=timeline_svg(bins, width) if bins else None,
        spread=spread_svg(outlets, bins, width) if bins and outlets else None,
        outlets=outlets,
        outlet_pager=outlet_pager,
        speakers=speakers,
        speaker_pager=speaker_pager,
        first=claim_card(first) if first else None,
        stance=stance,
        outlet=outlet,
        cards=[claim_card(c) for c in claims],
        claim_pager=claim_pager,
    )


def _first_appearance(nar: Narrascope, narrative_id: str, opening: list[ClaimCard]) -> ClaimCard | None:
    """The narrative's first appearance (``Narrascope.narrative_first_claim``). ``opening`` is its first
    page of claims when shown (time order, dated first): a dated assertion there is the earliest one, so
    no query is needed."""
    found = next((c for c in opening if c.stance == "asserts" and c.published), None)
    return found if found is not None else nar.narrative_first_claim(narrative_id)
