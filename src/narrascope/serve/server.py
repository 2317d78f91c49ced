"""The web application: the REST API under ``/api`` and the web UI, both over one ``Narrascope``.

SQLite connections are not shared between threads: each worker thread of the server opens its own
read-only ``Narrascope`` (``reader``); writes (ingest, watchlist edits, deletes) go through one writer
opened on demand and serialised by a lock, as the store's own transactions would serialise them anyway.

Reads that need the token take it as a bearer token or as the password of HTTP Basic credentials (what a
browser can send); writes take a bearer token only, because a browser sends remembered Basic credentials
with any site's form posts too. A server on a loopback address answers only requests that name it by a
loopback name (``allowed_hosts``): a page elsewhere that rebinds its own DNS name to 127.0.0.1 is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ipaddress
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from importlib.resources import files

from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narrascope import __version__
from narrascope.app import Narrascope
from narrascope.serve import api_common

READER_CACHE_KIB = 16 * 1024  # per reader thread (the store's default, 64 MB, is for one long writer)


@dataclass(frozen=True, slots=True)
class ServeSettings:
    """``token``: the bearer token every write needs (no token configured: writes are refused);
    ``protect_reads``: reads need it too; ``max_upload_bytes``: the largest request body a write takes;
    ``allowed_hosts``: the only ``Host`` names answered (None: any; see ``host_allowlist``)."""

    db: str
    token: str | None = None
    protect_reads: bool = False
    max_upload_bytes: int = 100 * 1024 * 1024
    allowed_hosts: tuple[str, ...] | None = None


LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def host_allowlist(bind: str, extra: Sequence[str] = ()) -> tuple[str, ...] | None:
    """The ``Host`` names a server listening on ``bind`` answers (any port): on a loopback address the
    loopback names and ``extra``; on any other address ``extra`` when given, else every name."""
    try:
        loopback = bind == "localhost" or ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    names = tuple(name.strip().lower() for name in extra if name.strip())
    if loopback:
        return LOOPBACK_NAMES + names
    return names or None


class Handles:
    """Per-thread read-only apps and one lock-guarded writer over the same database."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._opened: list[Narrascope] = []
        self._opened_lock = threading.Lock()
        self._generation = 0

    def reader(self) -> Narrascope:
        found = getattr(self._local, "handle", None)
        if found is None or found[0] != self._generation:  # none yet, or closed since
            nar = Narrascope(self.db, readonly=True)
            if nar.store.dialect == "sqlite":  # many threads: each a small page cache, the OS caches the file
                nar.store.conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
            with self._opened_lock:
                self._opened.append(nar)
            found = self._local.handle = (self._generation, nar)
        return found[1]

    @contextmanager
    def writer(self) -> Iterator[Narrascope]:
        with self._write_lock, Narrascope(self.db) as nar:
            yield nar

    def close(self) -> None:
        """Close every reader; a thread that reads afterwards opens a new one."""
        with self._opened_lock:
            self._generation += 1
            for nar in self._opened:
                nar.close()
            self._opened.clear()


_bearer = HTTPBearer(auto_error=False)


def bearer_token(authorization: str | None) -> str | None:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def basic_password(authorization: str | None) -> str | None:
    """The password of HTTP Basic credentials (the user name is ignored); None without one."""
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2] or None


def read_token(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The token a read shows: a bearer token, else the password of Basic credentials."""
    return credentials.credentials if credentials else basic_password(request.headers.get("authorization"))


def _token_ok(settings: ServeSettings, given: str | None) -> None:
    if given is None:
        raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    # digests of equal length: the comparison takes the same time whatever the token's length and content
    if settings.token is None or not hmac.compare_digest(
        hashlib.sha256(given.encode()).digest(), hashlib.sha256(settings.token.encode()).digest()
    ):
        raise HTTPException(403, "this token may not do that")


def may_read(settings: ServeSettings, given: str | None) -> bool:
    """Whether ``require_read`` would let this token through (for answers that show less instead)."""
    try:
        if settings.protect_reads:
            _token_ok(settings, given)
    except HTTPException:
        return False
    return True


def require_read(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    settings: ServeSettings = request.app.state.settings
    if settings.protect_reads:
        _token_ok(settings, read_token(request, credentials))


def require_write(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> None:
    _token_ok(request.app.state.settings, credentials.credentials if credentials else None)


def reader(request: Request) -> Narrascope:
    """The calling thread's read-only app (a FastAPI dependency)."""
    return request.app.state.handles.reader()


class WriteGuard:
    """Every write under ``/api`` (any method but GET, HEAD, OPTIONS) shows its token before its body is
    read, and its body may not exceed ``max_upload_bytes`` (413), counted as it arrives: FastAPI would
    otherwise spool a whole upload to disk before any dependency runs."""

    def __init__(self, app: ASGIApp, settings: ServeSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] in ("GET", "HEAD", "OPTIONS")
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_upload_bytes
        headers = Headers(scope=scope)
        try:
            _token_ok(self.settings, bearer_token(headers.get("authorization")))
            length = headers.get("content-length")
            if length is not None and (not length.isdigit() or int(length) > limit):
                raise _too_large(limit)
        except HTTPException as exc:
            await api_common.api_refusal(exc)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _too_large(limit)  # FastAPI passes an HTTPException raised while parsing on as it is
            return message

        await self.app(scope, limited, send)


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"the request body is over the server's {limit:,}-byte limit")


def create_app(settings: ServeSettings) -> FastAPI:
    """The API and the web UI for one database (which must exist: ``narrascope ingest`` creates it)."""
    from narrascope.serve import api, pages, pages_base

    Narrascope(settings.db, readonly=True).close()  # fail now, with the store's message, not per request
    handles = Handles(settings.db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        handles.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Narrascope",
        version=__version__,
        description="Claims, statements, stories and narratives traced through the news.",
        docs_url=None,  # Swagger UI loads its script from a CDN: the server works offline
        openapi_url="/api/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.exception_handler(RequestValidationError)(api_common.invalid_request)
    app.add_middleware(WriteGuard, settings=settings)
    if settings.allowed_hosts is not None:  # outside WriteGuard: a foreign Host is refused first
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts, www_redirect=False)
    app.state.handles = handles
    app.include_router(api.router, prefix="/api")
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=str(files("narrascope") / "serve" / "static")), name="static")
    app.add_exception_handler(StarletteHTTPException, pages_base.http_error)  # type: ignore[arg-type]

    @app.middleware("http")
    async def no_sniffing(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)  # static files and API answers too, not only pages
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    return app
