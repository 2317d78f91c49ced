"""The REST API (mounted under ``/api``): every listing paged, every read behind ``require_read`` (open
unless the server protects reads), every write behind ``require_write`` (a bearer token).

The endpoints live by subject in ``api_read`` (articles, entities, statements, claims), ``api_link``
(stories, narratives, media citations, search), ``api_watch`` (the watchlist), ``api_export`` (exports as downloads) and
``api_ingest`` (ingest, delete).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPAuthorizationCredentials

from narrascope import __version__
from narrascope.serve import api_export, api_ingest, api_link, api_read, api_watch, schemas
from narrascope.serve.api_common import AUTH_ERRORS, ERRORS, ApiRoute
from narrascope.serve.server import _bearer, may_read, read_token, require_read, require_write

router = APIRouter(route_class=ApiRoute)


@router.get("/health", response_model=schemas.Health, tags=["health"])
def health(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> dict[str, Any]:
    """Version and settings, always open; the row counts only where reads are allowed."""
    settings = request.app.state.settings
    nar = request.app.state.handles.reader()
    return {
        "version": __version__,
        "backend": nar.store.dialect,
        "reads_protected": settings.protect_reads,
        "writes_enabled": settings.token is not None,
        "counts": nar.counts() if may_read(settings, read_token(request, credentials)) else None,
    }


for module in (api_read, api_link, api_watch, api_export):
    router.include_router(module.router, dependencies=[Depends(require_read)], responses=AUTH_ERRORS)
_WRITE_ERRORS = {**ERRORS, **AUTH_ERRORS, 413: {"model": schemas.Error, "description": "Body too large"}}
for writes in (api_watch.writes, api_ingest.router):
    router.include_router(writes, dependencies=[Depends(require_write)], responses=_WRITE_ERRORS)
