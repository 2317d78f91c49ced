"""What every API module shares: JSON errors, paging, parameter types, record conversions."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from narrascope.errors import NarrascopeError
from narrascope.serve import schemas

T = TypeVar("T")
MAX_LIMIT = 500
MAX_OFFSET = 2**53  # JSON's exact integers; far beyond any table
NOT_FOUND = frozenset({"E106", "E109", "E120", "E121"})
STATUS = {"E122": 413}  # other known failures are the request's fault: 400

NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; no stored value has one
Text = Annotated[str | None, Query(max_length=1000, pattern=NO_NUL)]
Day = Annotated[
    str | None,  # checked by ``query.date_range``: a date that does not exist is E153, as in the exports
    Query(max_length=40, description="YYYY, YYYY-MM or YYYY-MM-DD."),
]
Id = Annotated[str, Path(min_length=1, max_length=300, pattern=NO_NUL)]
StanceParam = Annotated[Literal["asserts", "denies"] | None, Query(description="asserts or denies.")]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.Error, "description": text}
    for code, text in ((400, "Bad request"), (404, "Not found"), (422, "Invalid parameters"))
}
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": schemas.Error, "description": "No bearer token"},
    403: {"model": schemas.Error, "description": "Wrong bearer token"},
}


def error_status(exc: NarrascopeError) -> int:
    return 404 if exc.code in NOT_FOUND else STATUS.get(exc.code, 400)


class SafeJSONResponse(JSONResponse):
    """JSON that may echo a request's own strings: a lone surrogate (a JSON "\\ud800" escape), which UTF-8
    cannot carry, is sent as ``?`` instead of failing the answer."""

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
        return text.encode("utf-8", "replace")


# codes for the HTTP layer's own refusals under /api: the API's errors are {"detail", "code"}, these too
HTTP_CODES = {401: "E161", 403: "E162", 404: "E144", 405: "E163", 413: "E164"}


def api_refusal(exc: HTTPException) -> JSONResponse:
    code = HTTP_CODES.get(exc.status_code, "E169")
    return JSONResponse(
        {"detail": exc.detail, "code": code}, status_code=exc.status_code, headers=exc.headers
    )


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """A request that fails validation: 422 in the API's own shape, ``{"detail", "code"}``, with
    ``errors`` holding FastAPI's list (each refused value, where it was and why)."""
    errors = jsonable_encoder(exc.errors())
    summary = "; ".join(
        f"{'.'.join(str(part) for part in e.get('loc', ()) if part not in ('query', 'body', 'path'))}: {e.get('msg')}"
        for e in errors
    )
    return SafeJSONResponse({"detail": summary, "code": "E160", "errors": errors}, status_code=422)


class ApiRoute(APIRoute):
    """A route whose known failures (``NarrascopeError``) answer as JSON ``{"detail", "code"}``: 404 for an
    unknown id or name, 400 otherwise; never a 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except NarrascopeError as exc:
                return JSONResponse({"detail": exc.message, "code": exc.code}, status_code=error_status(exc))

        return route


@dataclass(frozen=True, slots=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT})."),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="Rows to skip."),
) -> Paging:
    return Paging(limit, offset)


def next_url(
    request: Request, paged: Paging, more: bool, *, path: str | None = None, query: dict | None = None
) -> str | None:
    """The path and query of the following page (the request's own, or ``path`` with ``query``), with
    ``offset`` moved on; ``None`` when there is no more."""
    if not more:
        return None
    params = dict(request.query_params) if query is None else dict(query)
    params |= {"limit": paged.limit, "offset": paged.offset + paged.limit}
    return f"{path or request.url.path}?{urlencode(params)}"


def page(request: Request, paged: Paging, items: Sequence[Any], total: int) -> dict[str, Any]:
    return {
        "items": items,
        "total": total,
        "limit": paged.limit,
        "offset": paged.offset,
        "next": next_url(request, paged, paged.offset + len(items) < total and len(items) > 0),
    }


def listed(value: str | None, separator: str) -> list[str]:
    return [part for part in (value or "").split(separator) if part]


def claim_record(row: Any) -> dict[str, Any]:
    """A ``ClaimRow`` as ``schemas.ClaimOut``: frames, entities, places and narratives as lists."""
    return {
        "id": row.id,
        "article_id": row.article_id,
        "statement_id": row.statement_id,
        "text": row.text,
        "start": row.text_start,
        "end": row.text_end,
        "sentence_start": row.sentence_start,
        "sentence_end": row.sentence_end,
        "speaker": row.speaker,
        "speaker_entity_id": row.speaker_entity_id,
        "stance": row.stance,
        "frames": [dict(zip(("frame", "stance"), f.rsplit(":", 1), strict=True)) for f in row.frames.split()],
        "entity_ids": listed(row.entity_ids, " "),
        "place_ids": listed(row.place_ids, " "),
        "narrative_ids": listed(row.narrative_ids, " "),
        "outlet": row.outlet,
        "published": row.published,
        "title": row.title,
        "url": row.url,
    }


def entity_record(entity: Any, counts: tuple[int, int, int]) -> dict[str, Any]:
    mentions, articles, statements = counts
    return {"id": entity.id, "name": entity.name, "type": entity.type, "aliases": list(entity.aliases),
            "mentions": mentions, "articles": articles, "statements": statements}  # fmt: skip


def watch_item_record(row: dict[str, Any]) -> dict[str, Any]:
    lists = {
        name: listed(row[name], "|") for name in ("countries", "keywords", "languages", "outlets", "places")
    }
    return row | lists | {"frames": listed(row["frames"], " ")}
