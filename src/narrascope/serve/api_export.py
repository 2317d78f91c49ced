"""Exports over HTTP: the same files ``narrascope export`` writes (CSV, JSON Lines, Parquet, GEXF,
ClaimReview JSON-LD), checked before the first byte and streamed from one read snapshot.

The export is written to a spooled temporary file (memory up to a few MB, then disk) inside the request's
worker thread, so the snapshot is released before the response streams; a million-row export never sits
in memory.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from narrascope.serve.api_common import ApiRoute, Day, Text
from narrascope.serve.api_read import Nar
from narrascope.serve.exports import (
    EXPORTS,
    MEDIA_TYPES,
    file_name,
    media_type,
    parse_ratings,
    prepare,
    write_export,
)

router = APIRouter(route_class=ApiRoute)
SPOOL_BYTES = 8 * 2**20
CHUNK = 2**16

ExportName = Literal[
    "articles",
    "statements",
    "entities",
    "narratives",
    "claims",
    "speaker-graph",
    "citation-graph",
    "claimreview",
]
Format = Literal["csv", "jsonl", "parquet", "gexf", "jsonld"]
Ids = Annotated[list[str], Query(max_length=100, description="Narrative ids (or unique prefixes).")]
Ratings = Annotated[list[str], Query(max_length=100, description="ID=verdict, for narratives named.")]


@router.get(
    "/export/{what}",
    tags=["exports"],
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The export as a file download",
            "content": {t: {} for t in MEDIA_TYPES.values()},
        }
    },
)
def export_file(
    what: ExportName,
    nar: Nar,
    format: Format | None = None,
    outlet: Text = None,
    language: Text = None,
    since: Day = None,
    until: Day = None,
    all: bool = False,
    narrative: Ids = [],  # noqa: B006 - FastAPI copies query defaults
    publisher: Text = None,
    publisher_url: Text = None,
    review_url: Text = None,
    rating: Ratings = [],  # noqa: B006
) -> StreamingResponse:
    """One export as a download: ``articles``, ``statements``, ``entities``, ``narratives`` and ``claims`` as
    CSV, JSON Lines or Parquet; ``speaker-graph`` and ``citation-graph`` as GEXF (Gephi);
    ``claimreview`` as schema.org ClaimReview JSON-LD (needs ``publisher``; a verdict only where
    ``rating=ID=verdict`` gives one). Filters pick articles and what came from them."""
    fmt = format or EXPORTS[what].formats[0]
    plan = prepare(
        nar, what, fmt, outlet=outlet, language=language, since=since, until=until,
        all_narratives=all, narratives=narrative, publisher=publisher, publisher_url=publisher_url,
        review_url=review_url, ratings=parse_ratings(rating) if rating else None,
    )  # fmt: skip
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the stream
    try:
        write_export(nar, plan, spool)  # type: ignore[arg-type]
    except BaseException:
        spool.close()
        raise
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while block := spool.read(CHUNK):
                yield block
        finally:
            spool.close()

    return StreamingResponse(
        chunks(),
        media_type=media_type(fmt),
        headers={"Content-Disposition": f'attachment; filename="{file_name(what, fmt)}"'},
    )
