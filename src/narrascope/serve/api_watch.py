"""The watchlist: its items and their matches (reads), uploads and deletes (writes)."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from narrascope.serve import schemas, uploads
from narrascope.serve.api_common import ApiRoute, Id, Text, page, watch_item_record
from narrascope.serve.api_read import Nar, Paged
from narrascope.store.query import check_moment

router = APIRouter(route_class=ApiRoute)
writes = APIRouter(route_class=ApiRoute)
Moment = Annotated[
    str | None,  # checked by ``query.check_moment``: E153, as for every date
    Query(max_length=40, description="ISO date or time (UTC): matches recorded after it."),
]


@router.get("/watchlist", response_model=schemas.Page[schemas.WatchItemOut], tags=["watchlist"])
def list_watch_items(request: Request, nar: Nar, paged: Paged) -> dict[str, Any]:
    """Watchlist items (known narratives: EUvsDisinfo cases, fact checks) in the order they were added."""
    items, total = nar.watch_items(paged.limit, paged.offset)
    return page(request, paged, [watch_item_record(i) for i in items], total)


@router.get("/watchlist/matches", response_model=schemas.Page[schemas.WatchMatchOut], tags=["watchlist"])
def list_watch_matches(
    request: Request,
    nar: Nar,
    paged: Paged,
    since: Moment = None,
    item: Annotated[Text, Query(description="Only this item's matches (its id).")] = None,
) -> dict[str, Any]:
    """Claims that repeat (or deny) a watched narrative, best first, with the evidence of each match."""
    items, total = nar.watch_matches(
        since=check_moment(since), item_id=item, limit=paged.limit, offset=paged.offset
    )
    return page(request, paged, items, total)


@writes.post("/watchlist", response_model=schemas.WatchImportOut, tags=["watchlist"])
def import_watchlist(
    request: Request,
    file: Annotated[
        UploadFile,
        File(description="EUvsDisinfo-style CSV, ClaimReview JSON-LD or HTML, Fact Check API JSON."),
    ],
) -> dict[str, Any]:
    """Add a watchlist file's items and match them against the claims already linked."""
    with tempfile.TemporaryDirectory(prefix="narrascope-upload-") as folder:
        path, name = uploads.save(file.file, file.filename, Path(folder), 0)
        with request.app.state.handles.writer() as nar:
            result = nar.watch_import(path)
    problems = [asdict(p) | {"source": p.source.replace(str(path), name, 1)} for p in result.problems]
    rechecked = result.rechecked
    return {
        "read": result.read,
        "added": result.added,
        "matches": result.matches,
        "rechecked": {"items": rechecked.items, "kept": rechecked.kept, "added": rechecked.added,
                      "removed": rechecked.removed},
        "problems": problems,
    }  # fmt: skip


@writes.delete("/watchlist/{item_id}", response_model=schemas.Deleted, tags=["watchlist"])
def delete_watch_item(request: Request, item_id: Id) -> dict[str, Any]:
    """Remove one watchlist item and its matches."""
    with request.app.state.handles.writer() as nar:
        nar.delete_watch_item(item_id)
    return {"id": item_id, "deleted": True}
