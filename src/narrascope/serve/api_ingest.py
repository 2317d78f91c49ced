"""Write endpoints that change the stored articles: ingest (uploads, URLs, JSON records) and delete."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions, parse_field_map
from narrascope.serve import schemas, uploads
from narrascope.serve.api_common import ApiRoute, Id

router = APIRouter(route_class=ApiRoute)


def _run(
    request: Request, named: Mapping[str, str], options: IngestOptions, enrich: bool, link: bool
) -> dict:
    if not named:
        raise NarrascopeError("E126", "nothing to ingest: give files, records or urls")
    with request.app.state.handles.writer() as nar:
        report = nar.ingest_named(named, options)
        enriched = nar.enrich() if enrich or link else None
        linked = nar.link() if link else None
    body: dict[str, Any] = {
        "seen": report.seen,
        "stored": report.stored,
        "duplicates": report.duplicates,
        "errors": [asdict(e) for e in report.errors],
        "enriched": asdict(enriched) if enriched else None,
        "linked": None,
    }
    if linked is not None:
        body["linked"] = {k: v for k, v in asdict(linked).items() if k != "narratives_touched"}
    return body


@router.post("/ingest", response_model=schemas.IngestOut, tags=["ingest"])
def ingest(
    request: Request,
    files: Annotated[
        list[UploadFile] | None,
        File(description="Pages (HTML, text), feeds, dumps (JSONL, JSON, CSV), WARC; .gz read through."),
    ] = None,
    urls: Annotated[list[schemas.Url] | None, Form(description="http(s) pages or feeds to fetch.")] = None,
    field_map: Annotated[
        str,
        Form(max_length=1000, description="For JSON/CSV: our field=their column, e.g. text=body,url=link."),
    ] = "",
    enrich: Annotated[bool, Form(description="Then enrich every article not yet enriched.")] = False,
    link: Annotated[bool, Form(description="Then enrich and link every article not yet linked.")] = False,
) -> dict[str, Any]:
    """Ingest uploaded files and/or URLs (multipart form), as ``narrascope ingest`` does: clean, keep each
    text once, record every bad input. An upload's articles keep ``upload:<sha256 prefix>/<file name>`` as
    their source. The body may not exceed the server's upload limit (413)."""
    options = IngestOptions(field_map=parse_field_map(field_map))
    with tempfile.TemporaryDirectory(prefix="narrascope-upload-") as folder:
        named: dict[str, str] = {}
        for number, upload in enumerate(files or []):
            path, name = uploads.save(upload.file, upload.filename, Path(folder), number)
            named[str(path)] = name
        named |= {url: url for url in urls or []}
        return _run(request, named, options, enrich, link)


@router.post("/ingest/records", response_model=schemas.IngestOut, tags=["ingest"])
def ingest_records(request: Request, body: schemas.RecordsIn) -> dict[str, Any]:
    """Ingest JSON records and/or URLs. The records are read as one JSON Lines dump would be; their articles
    keep ``upload:<sha256 prefix>/records.jsonl#line-N`` as their source."""
    with tempfile.TemporaryDirectory(prefix="narrascope-upload-") as folder:
        named: dict[str, str] = {}
        if body.records:
            lines = "".join(json.dumps(r, ensure_ascii=True) + "\n" for r in body.records).encode()
            with tempfile.TemporaryFile() as data:
                data.write(lines)
                data.seek(0)
                path, name = uploads.save(data, "records.jsonl", Path(folder), 0)
            named[str(path)] = name
        named |= {url: url for url in body.urls}
        return _run(request, named, IngestOptions(), body.enrich, body.link)


@router.delete("/articles/{article_id}", response_model=schemas.Deleted, tags=["articles"])
def delete_article(request: Request, article_id: Id) -> dict[str, Any]:
    """Delete one article (its full id) with everything derived from it: sources, mentions, statements,
    claims, links, watch matches; its stories and narratives are recounted."""
    with request.app.state.handles.writer() as nar:
        nar.delete_article(article_id)
    return {"id": article_id, "deleted": True}
