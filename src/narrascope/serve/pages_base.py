"""What every page shares: the templates, the security headers, paging, parameter checks, error pages.

Article text, titles, names and URLs are hostile input. Templates autoescape everything; the only
markup made in Python is built from escaped pieces (``highlight``, ``plots``). Every page is sent
with a Content-Security-Policy that allows no inline script and nothing from elsewhere, so even a
slip in escaping could not run a script. Links taken from article data are kept only when they are
http(s) and open with ``rel="noopener noreferrer nofollow"``; fields taken from data are bidi-isolated
(``display``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

from fastapi import HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from narrascope import __version__
from narrascope.errors import NarrascopeError
from narrascope.serve.api_common import api_refusal
from narrascope.serve.display import bdi, isolate, safe_url
from narrascope.store.query import date_range

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none';"
        " base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # an analyst's searches and ids never reach the sites linked to
    "X-Frame-Options": "DENY",
}
MAX_OFFSET = 10**9
MAX_QUERY_CHARS = 500
_SINGULAR = {"entities": "entity", "stories": "story", "matches": "match", "copies": "copy"}

T = TypeVar("T")


class PageError(Exception):
    """A request the pages cannot answer: shown as an error page with this status, ``headers`` and a
    ``link`` (href, text) onwards."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        link: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.link = link


def query_string(request: Request, **changes: object) -> str:
    """The current query string with ``changes`` applied (None or "" removes a parameter)."""
    params = dict(request.query_params)
    for name, value in changes.items():
        if value is None or value == "" or value == 0:
            params.pop(name, None)
        else:
            params[name] = str(value)
    return "?" + urlencode(params) if params else "?"


templates = Environment(
    loader=PackageLoader("narrascope", "serve/templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["safe_url"] = safe_url
templates.filters["bdi"] = bdi
templates.filters["isolate"] = isolate
templates.filters["path"] = lambda value: quote(str(value), safe="")  # one path segment, "/" included
templates.filters["singular"] = lambda noun: _SINGULAR.get(noun, noun.removesuffix("s"))
templates.globals["version"] = __version__


def render(
    request: Request,
    template: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> Response:
    page = templates.get_template(template)
    html = page.render(request=request, qs=_qs(request), status_code=status, **context)
    # errors="replace": a lone surrogate in stored text must not turn a page into a server error
    sent = {**SECURITY_HEADERS, **(headers or {})}
    return Response(html.encode("utf-8", "replace"), status, headers=sent, media_type="text/html")


def error_page(request: Request, exc: PageError) -> Response:
    context = {"code": exc.code, "message": exc.message, "link": exc.link}
    return render(request, "error.html", exc.status, exc.headers, **context)


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """Starlette's own refusals (no such route or file, a method not allowed): JSON under ``/api``, an
    error page with the security headers elsewhere."""
    if request.url.path == "/api" or request.url.path.startswith("/api/"):
        return api_refusal(exc)
    message = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
    return error_page(request, PageError(exc.status_code, "E144", message, headers=exc.headers))


def _qs(request: Request) -> Callable[..., str]:
    return lambda **changes: query_string(request, **changes)


class PageRoute(APIRoute):
    """A page route: a ``PageError`` or ``NarrascopeError`` becomes an error page (404 for a record
    not found), anything else a 500 page, each with the security headers. No parameter may hold a NUL
    (no stored value has one; PostgreSQL text and FTS5 queries cannot)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                _no_nul(request)
                return await handler(request)
            except (HTTPException, RequestValidationError):
                raise  # FastAPI's own answers
            except PageError as exc:
                return error_page(request, exc)
            except NarrascopeError as exc:
                return error_page(request, PageError(404, exc.code, exc.message))
            except Exception:
                log.exception("page %s failed", request.url.path)
                message = "Something went wrong on our side; the error has been logged."
                return error_page(request, PageError(500, "E149", message))

        return page_handler


def _no_nul(request: Request) -> None:
    for name, value in (*request.query_params.multi_items(), *request.path_params.items()):
        if "\x00" in str(value):
            raise PageError(400, "E143", f"{name} holds a NUL character")


def offset_of(request: Request, name: str = "offset") -> int:
    value = request.query_params.get(name, "0") or "0"
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_OFFSET:  # "²".isdigit() is true
        raise PageError(400, "E142", f"{name} must be a whole number from 0 to {MAX_OFFSET}")
    return int(value)


def date_range_of(request: Request) -> tuple[str | None, str | None]:
    """``since`` and ``until`` as the first and last day they cover, checked as the API and exports
    check them (E153)."""
    try:
        return date_range(text_param(request, "since"), text_param(request, "until"))
    except NarrascopeError as exc:
        raise PageError(400, exc.code, exc.message) from None


def text_param(request: Request, name: str) -> str | None:
    value = (request.query_params.get(name) or "").strip()
    if len(value) > MAX_QUERY_CHARS:
        raise PageError(400, "E143", f"{name} is longer than {MAX_QUERY_CHARS} characters")
    return value or None


def choice_param(request: Request, name: str, choices: Sequence[str]) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and value not in choices:
        raise PageError(400, "E142", f"{name} must be one of: {', '.join(choices)}")
    return value


@dataclass(frozen=True, slots=True)
class Pager:
    """Where one page of a listing sits: rows ``offset + 1`` to ``offset + shown`` (of ``total`` when
    counted), with links to the previous and next pages through the query parameter ``param``."""

    param: str
    offset: int
    limit: int
    shown: int
    has_next: bool
    total: int | None
    prev_href: str | None
    next_href: str | None


def page_of(
    request: Request,
    fetch: Callable[[int, int], list[T]],
    *,
    limit: int,
    param: str = "offset",
    total: int | None = None,
    anchor: str = "",
) -> tuple[list[T], Pager]:
    """One page of rows through ``fetch(limit, offset)``, asking for one row more to learn whether a
    next page exists without counting; the page links go to ``#anchor`` when given."""
    offset = offset_of(request, param)
    rows = fetch(limit + 1, offset)
    has_next = len(rows) > limit
    rows = rows[:limit]
    fragment = f"#{anchor}" if anchor else ""
    if offset and not rows:
        first = query_string(request, **{param: None}) + fragment
        raise PageError(
            404, "E146", f"{param}={offset} is past the last page.", link=(first, "the first page")
        )
    prev_href = query_string(request, **{param: max(offset - limit, 0)}) + fragment if offset else None
    next_href = query_string(request, **{param: offset + limit}) + fragment if has_next else None
    return rows, Pager(param, offset, limit, len(rows), has_next, total, prev_href, next_href)
