"""The web application: the REST API under ``/api`` and the web UI, both over one ``Narrascope``.

SQLite connections are not shared between threads: each worker thread of the server opens its own
read-only ``Narrascope`` (``reader``); writes (ingest, watchlist edits, deletes) go through one writer
opened on demand and serialised by a lock, as the store's own transactions would serialise them anyway.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from narrascope import __version__
from narrascope.app import Narrascope


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """``token``: the bearer token every write needs (no token configured: writes are refused);
    ``protect_reads``: reads need it too."""

    db: str
    token: str | None = None
    protect_reads: bool = False


class Handles:
    """Per-thread read-only apps and one lock-guarded writer over the same database."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._opened: list[Narrascope] = []
        self._opened_lock = threading.Lock()

    def reader(self) -> Narrascope:
        nar = getattr(self._local, "nar", None)
        if nar is None:
            nar = Narrascope(self.db, readonly=True)
            self._local.nar = nar
            with self._opened_lock:
                self._opened.append(nar)
        return nar

    @contextmanager
    def writer(self) -> Iterator[Narrascope]:
        with self._write_lock, Narrascope(self.db) as nar:
            yield nar

    def close(self) -> None:
        with self._opened_lock:
            for nar in self._opened:
                nar.close()
            self._opened.clear()


_bearer = HTTPBearer(auto_error=False)


def _token_ok(settings: ServeSettings, credentials: HTTPAuthorizationCredentials | None) -> None:
    if credentials is None:
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    if settings.token is None or not hmac.compare_digest(
        credentials.credentials.encode(), settings.token.encode()
    ):
        raise HTTPException(403, "this token may not do that")


def require_read(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    settings: ServeSettings = request.app.state.settings
    if settings.protect_reads:
        _token_ok(settings, credentials)


def require_write(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    _token_ok(request.app.state.settings, credentials)


def reader(request: Request) -> Narrascope:
    """The calling thread's read-only app (a FastAPI dependency)."""
    return request.app.state.handles.reader()


def create_app(settings: ServeSettings) -> FastAPI:
    """The API and the web UI for one database (which must exist: ``narrascope ingest`` creates it)."""
    from narrascope.serve import api, pages

    Narrascope(settings.db, readonly=True).close()  # fail now, with the store's message, not per request
    app = FastAPI(
        title="Narrascope",
        version=__version__,
        description="Claims, statements, stories and narratives traced through the news.",
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.handles = Handles(settings.db)
    app.add_event_handler("shutdown", app.state.handles.close)
    app.include_router(api.router, prefix="/api")
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(files("narrascope") / "serve" / "static")), name="static")
    return app
