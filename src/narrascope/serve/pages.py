"""The web UI: server-rendered pages over the same library calls as the API, one module per area.

Pages read through the calling thread's read-only ``Narrascope`` and never load more than one page
of rows; every page carries the security headers of ``pages_base``. No script runs in them: plots
are inline SVG drawn on the server, and the only assets are the package's own stylesheet and icon.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials

from narrascope.serve import (
    pages_articles,
    pages_citations,
    pages_entities,
    pages_narratives,
    pages_search,
    pages_stories,
)
from narrascope.serve.pages_base import PageError
from narrascope.serve.server import _bearer, require_read

SIGN_IN = "This server protects reads: sign in with any user name and the server's token as the password."


def require_page_read(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    """``require_read`` for a browser: without the token, or with a wrong one, a page answers 401 with
    a Basic challenge, so the browser asks for it (again)."""
    try:
        require_read(request, credentials)
    except HTTPException:
        raise PageError(
            401, "E145", SIGN_IN, headers={"WWW-Authenticate": 'Basic realm="narrascope"'}
        ) from None


router = APIRouter(include_in_schema=False, dependencies=[Depends(require_page_read)])
for _area in (pages_search, pages_articles, pages_narratives, pages_entities, pages_stories, pages_citations):
    router.include_router(_area.router)
