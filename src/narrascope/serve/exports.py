"""Exports: the store's records as files other tools read, written to any binary stream (a file, stdout,
an HTTP response body) by the CLI (``narrascope export``) and the web API alike.

``EXPORTS`` names what can be exported and in which formats. ``prepare`` checks a request against the
store and raises ``NarrascopeError`` (E150-E158) before anything is written, so a caller can answer with
an error rather than half a file; ``write_export`` then streams it from one read snapshot, page by page, in
flat memory whatever the store's size; ``export`` does both. ``atomic_file`` gives the CLI a file that
appears whole or not at all (E159).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from narrascope import __version__
from narrascope.errors import NarrascopeError
from narrascope.serve.claimreview import Reviewer, write_claimreviews
from narrascope.serve.gexf import GexfWriter
from narrascope.serve.tables import COLUMNS, write_csv, write_jsonl, write_parquet
from narrascope.store.dumps import DumpFilter, DumpTables
from narrascope.store.query import date_range

if TYPE_CHECKING:
    from narrascope.app import Narrascope
    from narrascope.store.sql import SQLStore

TABLE_FORMATS = ("csv", "jsonl", "parquet")
BINARY_FORMATS = frozenset({"parquet"})
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
    "gexf": "application/gexf+xml",
    "jsonld": "application/ld+json",
}
SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet", ".gexf": "gexf",
            ".jsonld": "jsonld", ".json": "jsonld"}  # fmt: skip
TABLE_READERS = {
    "articles": DumpTables.dump_articles,
    "statements": DumpTables.dump_statements,
    "entities": DumpTables.dump_entities,
    "narratives": DumpTables.dump_narratives,
    "claims": DumpTables.dump_claims,
}


@dataclass(frozen=True, slots=True)
class ExportKind:
    formats: tuple[str, ...]  # the first is the default
    help: str
    narrative_filters: bool = False  # --all and --narrative apply
    reviews: bool = False  # --publisher, --publisher-url, --review-url, --rating apply


EXPORTS: dict[str, ExportKind] = {
    "articles": ExportKind(TABLE_FORMATS, "stored articles with their metadata and whole text"),
    "statements": ExportKind(TABLE_FORMATS, "attributed statements: who said what, the cue, the sentence"),
    "entities": ExportKind(TABLE_FORMATS, "canonical entities with their aliases and counts"),
    "narratives": ExportKind(
        TABLE_FORMATS, "narratives (recurring unless --all) with counts and places", narrative_filters=True
    ),
    "claims": ExportKind(
        TABLE_FORMATS, "claims with speaker, stance, frames and their narratives", narrative_filters=True
    ),
    "speaker-graph": ExportKind(
        ("gexf",), "speakers and outlets linked to the narratives they carry", narrative_filters=True
    ),
    "citation-graph": ExportKind(("gexf",), "which outlets cite which media"),
    "claimreview": ExportKind(
        ("jsonld",),
        "narratives as schema.org ClaimReview (needs --publisher)",
        narrative_filters=True,
        reviews=True,
    ),
}


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """A checked request: what, in which format, which records; the reviewer for ClaimReview."""

    what: str
    fmt: str
    filter: DumpFilter
    reviewer: Reviewer | None = None


def media_type(fmt: str) -> str:
    """The HTTP Content-Type of a format."""
    return MEDIA_TYPES[fmt]


def file_name(what: str, fmt: str) -> str:
    """A download file name (no user text in it): ``narrascope-statements.csv``."""
    if what not in EXPORTS or fmt not in MEDIA_TYPES:
        raise ValueError(f"unknown export {what!r} or format {fmt!r}")
    return f"narrascope-{what}.{fmt}"


def default_format(what: str, path: str | None = None) -> str:
    """The format a file name's suffix names (``said.parquet``), else the export's first; a suffix naming a
    format the export does not offer is an error, not a file in another format under that name."""
    kind = _kind(what)
    suffix = Path(path).suffix.lower() if path else ""
    if suffix not in SUFFIXES:
        return kind.formats[0]
    if SUFFIXES[suffix] not in kind.formats:
        raise NarrascopeError(
            "E151", f"{what} exports as {', '.join(kind.formats)}, not {suffix}: give --format"
        )
    return SUFFIXES[suffix]


def export(nar: Narrascope, what: str, fmt: str, out: BinaryIO, **options: object) -> int:
    """Write the export ``what`` as ``fmt`` to ``out``; return the rows (tables), nodes + edges (graphs)
    or reviews written. ``options`` are ``prepare``'s."""
    return write_export(nar, prepare(nar, what, fmt, **options), out)  # type: ignore[arg-type]


def prepare(
    nar: Narrascope,
    what: str,
    fmt: str,
    *,
    outlet: str | None = None,
    language: str | None = None,
    since: str | None = None,
    until: str | None = None,
    all_narratives: bool = False,
    narratives: Sequence[str] = (),
    publisher: str | None = None,
    publisher_url: str | None = None,
    review_url: str | None = None,
    ratings: Mapping[str, str] | None = None,
) -> ExportPlan:
    """Check a request and resolve narrative ids (or unique prefixes); raise ``NarrascopeError`` for
    anything wrong. ``since`` and ``until`` take YYYY, YYYY-MM or YYYY-MM-DD (a whole year or month).
    ``ratings`` (narrative id -> textual rating) rate only narratives named in ``narratives``."""
    kind = _kind(what)
    if fmt not in kind.formats:
        raise NarrascopeError("E151", f"{what} exports as {', '.join(kind.formats)}, not {fmt!r}")
    if not kind.narrative_filters and (all_narratives or narratives):
        raise NarrascopeError("E152", f"--all and --narrative pick narratives; {what} has none to pick")
    if what == "claims" and all_narratives:
        raise NarrascopeError("E152", "claims are exported whether recurring or not: --all does not apply")
    reviewing = publisher or publisher_url or review_url or ratings
    if reviewing and not kind.reviews:
        raise NarrascopeError(
            "E152", f"--publisher, --publisher-url, --review-url and --rating are for claimreview, not {what}"
        )
    ids = tuple(dict.fromkeys(_narrative_id(nar.store, n) for n in narratives))
    first, last = date_range(since, until)
    filter_ = DumpFilter(
        outlet=outlet or None,
        language=language or None,
        since=first,
        until=last,
        narrative_ids=ids,
        all_narratives=all_narratives,
    )
    if not kind.reviews:
        return ExportPlan(what, fmt, filter_)
    if not (publisher or "").strip():
        raise NarrascopeError("E154", "a ClaimReview names its author: give --publisher (your organisation)")
    rated = {_narrative_id(nar.store, n): _rating(text) for n, text in (ratings or {}).items()}
    unnamed = [n for n in rated if n not in ids]
    if unnamed:
        raise NarrascopeError(
            "E156", f"rate only narratives named with --narrative: {', '.join(unnamed)} is not named"
        )
    reviewer = Reviewer(
        name=" ".join((publisher or "").split()),
        url=_web_url(publisher_url, "--publisher-url"),
        review_url=_web_url(review_url, "--review-url"),
        ratings=rated,
    )
    return ExportPlan(what, fmt, filter_, reviewer)


def write_export(nar: Narrascope, plan: ExportPlan, out: BinaryIO) -> int:
    """Stream a prepared export to ``out`` from one read snapshot of the store."""
    store = nar.store
    f = plan.filter
    with store.read_snapshot():
        if plan.what in TABLE_READERS:
            pages = TABLE_READERS[plan.what](store, f)
            columns = COLUMNS[plan.what]
            if plan.fmt == "csv":
                return write_csv(pages, columns, out)
            if plan.fmt == "jsonl":
                return write_jsonl(pages, columns, out)
            metadata = {"narrascope.export": plan.what, "narrascope.version": __version__}
            return write_parquet(pages, columns, out, metadata)
        if plan.what == "speaker-graph":
            return _speaker_graph(store, f, out)
        if plan.what == "citation-graph":
            return _citation_graph(store, f, out)
        assert plan.reviewer is not None
        return write_claimreviews(store, f, plan.reviewer, out)


def parse_ratings(items: Iterable[str]) -> dict[str, str]:
    """``ID=RATING`` items (the CLI's ``--rating``) -> {id: rating}."""
    found = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise NarrascopeError("E156", f"{item!r} is not NARRATIVE=RATING (e.g. 3f2a9c=False)")
        found[key.strip()] = value
    return found


@contextmanager
def atomic_file(path: str | Path) -> Iterator[BinaryIO]:
    """A file at ``path`` that appears whole or not at all: written under a temporary name beside it and
    renamed over ``path`` only once complete and synced. An error removes the temporary file (and an
    ``OSError`` becomes E159); a killed process leaves at most that (``.NAME.*.part``), never half a file
    at ``path``."""
    path = Path(path)
    if path.is_dir():
        raise NarrascopeError("E159", f"{path} is a folder: give a file name")
    temporary = path.with_name(f".{path.name[:200]}.{uuid.uuid4().hex[:8]}.part")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    except OSError as exc:
        raise NarrascopeError("E159", f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a full disk, a lost mount: said in one line
            raise NarrascopeError("E159", f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


# -- graphs -------------------------------------------------------------------------------------------
SPEAKER_NODE_ATTRIBUTES = (
    ("kind", "string"), ("entity_id", "string"), ("entity_type", "string"), ("frame", "string"),
    ("first_seen", "string"), ("last_seen", "string"), ("article_count", "integer"), ("claims", "integer"),
    ("denials", "integer"), ("narratives", "integer"), ("articles", "integer"),
)  # fmt: skip
SPEAKER_EDGE_ATTRIBUTES = (
    ("kind", "string"), ("stance", "string"), ("claims", "integer"), ("denials", "integer"),
    ("own_voice", "integer"), ("articles", "integer"),
)  # fmt: skip
CITATION_NODE_ATTRIBUTES = (("cites", "integer"), ("cited", "integer"))
CITATION_EDGE_ATTRIBUTES = (("citations", "integer"), ("articles", "integer"))


def _speaker_graph(store: SQLStore, f: DumpFilter, out: BinaryIO) -> int:
    """Speakers (``speaker:``) and outlets (``outlet:``) pointing at the narratives (``narrative:``)
    whose claims they make or carry. A speaker is a canonical entity, or else the source as written in
    one article; claims in an outlet's own voice count on its edge (``own_voice``)."""
    graph = GexfWriter(
        out,
        description="Narrascope: speakers and outlets linked to the narratives whose claims they make or carry",
        node_attributes=SPEAKER_NODE_ATTRIBUTES,
        edge_attributes=SPEAKER_EDGE_ATTRIBUTES,
    )
    for page in store.speaker_nodes(f):
        for r in page:
            graph.node(f"speaker:{r['k']}", r["label"], {"kind": "speaker", "entity_id": r["entity_id"],
                       "entity_type": r["entity_type"], "claims": r["claims"], "denials": r["denials"],
                       "narratives": r["narratives"]})  # fmt: skip
    for page in store.narrative_nodes(f):
        for r in page:
            graph.node(f"narrative:{r['k']}", r["label"], {"kind": "narrative", "frame": r["frame"],
                       "first_seen": r["first_seen"], "last_seen": r["last_seen"],
                       "article_count": r["article_count"], "claims": r["claims"], "denials": r["denials"]})  # fmt: skip
    for page in store.outlet_nodes(f):
        for r in page:
            graph.node(f"outlet:{r['k']}", r["k"], {"kind": "outlet", "claims": r["claims"], "denials": r["denials"],
                       "narratives": r["narratives"], "articles": r["articles"]})  # fmt: skip
    for kind, prefix, pages in (
        ("says", "speaker", store.speaker_edges(f)),
        ("carries", "outlet", store.outlet_edges(f)),
    ):
        for page in pages:
            for r in page:
                values = {"kind": kind, "stance": _stance(r["claims"], r["denials"]), "claims": r["claims"],
                          "denials": r["denials"], "articles": r["articles"]}  # fmt: skip
                if kind == "carries":
                    values["own_voice"] = r["own_voice"]
                graph.edge(f"{prefix}:{r['k']}", f"narrative:{r['k2']}", r["claims"], values)
    graph.close()
    return graph.nodes + graph.edges


def _citation_graph(store: SQLStore, f: DumpFilter, out: BinaryIO) -> int:
    """Outlets (ids are their names) and the media they cite, weighted by citations; an outlet citing
    itself is left out, as in ``narrascope citations``."""
    graph = GexfWriter(
        out,
        description="Narrascope: media citations between outlets (citing -> cited)",
        node_attributes=CITATION_NODE_ATTRIBUTES,
        edge_attributes=CITATION_EDGE_ATTRIBUTES,
    )
    for page in store.citation_nodes(f):
        for r in page:
            graph.node(r["k"], r["k"], {"cites": r["cites"], "cited": r["cited"]})
    for page in store.citation_edges(f):
        for r in page:
            graph.edge(
                r["k"], r["k2"], r["citations"], {"citations": r["citations"], "articles": r["articles"]}
            )
    graph.close()
    return graph.nodes + graph.edges


def _stance(claims: int, denials: int) -> str:
    return "asserts" if not denials else "denies" if denials == claims else "mixed"


# -- checks ---------------------------------------------------------------------------------------------
def _kind(what: str) -> ExportKind:
    if what not in EXPORTS:
        raise NarrascopeError("E150", f"nothing called {what!r} to export; choose from {', '.join(EXPORTS)}")
    return EXPORTS[what]


def _narrative_id(store: SQLStore, id_or_prefix: str) -> str:
    found = store.get_narrative(id_or_prefix.strip())
    if found is None:
        raise NarrascopeError(
            "E155",
            f"no narrative {id_or_prefix!r} (or the prefix fits several): see `narrascope narratives --all`",
        )
    return found.id


def _rating(text: str) -> str:
    rating = " ".join(text.split())
    if not rating:
        raise NarrascopeError("E156", "a rating is a word or phrase (e.g. False, Misleading); it is empty")
    return rating


def _web_url(value: str | None, option: str) -> str | None:
    if not value:
        return None
    url = value.strip()
    if not re.fullmatch(r"https?://[^\s<>\"]+", url, flags=re.IGNORECASE):
        raise NarrascopeError("E158", f"{option} takes an http(s) URL, not {value!r}")
    return url
