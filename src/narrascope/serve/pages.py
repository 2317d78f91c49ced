"""The web UI: server-rendered pages over the same library calls as the API, one module per area.

Pages read through the calling thread's read-only ``Narrascope`` and never load more than one page
of rows; every page carries the security headers of ``pages_base``. No script runs in them: plots
are inline SVG drawn on the server, and the only assets are the package's own stylesheet and icon.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from narrascope.serve import pages_articles, pages_entities, pages_narratives, pages_search, pages_stories
from narrascope.serve.server import require_read

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_read)])
for _area in (pages_search, pages_articles, pages_narratives, pages_entities, pages_stories):
    router.include_router(_area.router)
