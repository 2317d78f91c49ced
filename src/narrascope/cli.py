"""Command line: thin commands that parse options, call the library (``narrascope.app``) and print.

Known failures (bad database path, unknown id, bad option value) print one line and exit non-zero,
never a traceback.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from narrascope import __version__
from narrascope.app import DEFAULT_DB, Narrascope
from narrascope.enrich.attribution import READERS
from narrascope.errors import NarrascopeError
from narrascope.evaluate import BenchmarkError
from narrascope.ingest import IngestOptions, parse_field_map
from narrascope.model import Article, IngestReport
from narrascope.serve import exports
from narrascope.serve.output import FORMATS, as_dict, field_names, render, terminal_safe
from narrascope.store import ArticleQuery
from narrascope.store.query import EntityQuery, StatementQuery, date_range, operator_like
from narrascope.store.records import EntityRow, StatementRow, StoredError

if TYPE_CHECKING:
    from narrascope.link.watch import WatchRecheck

app = typer.Typer(
    name="narrascope",
    help="Trace claims and narratives through the news: who claimed what, when, where; who denied it.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score each stage on public benchmarks, beside the published results.")
app.add_typer(eval_app, name="eval")

_WIDE = 160  # tables piped to a file or pager are not squeezed to 80 columns
out = Console(soft_wrap=False, highlight=False, width=None if sys.stdout.isatty() else _WIDE)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else _WIDE)

DbOption = typer.Option(
    DEFAULT_DB, "--db", envvar="NARRASCOPE_DB", help="SQLite database file, or a postgresql:// URL."
)
MAX_ROWS = 10**12  # SQLite takes 64-bit integers; past this a number is a typo
STATEMENT_KINDS = ("direct", "indirect", "mixed", "according_to")
LimitOption = typer.Option(50, "--limit", min=1, max=MAX_ROWS, help="Rows to show.")
OffsetOption = typer.Option(0, "--offset", min=0, max=MAX_ROWS, help="Rows to skip (for paging).")
FormatOption = typer.Option("table", "--format", "-f", help="Output format: " + ", ".join(FORMATS) + ".")
ReportFormatOption = typer.Option("table", "--format", "-f", help="table or json.")
TEXT_OR_JSON = ("text", "json")
TABLE_OR_JSON = ("table", "json")
ARTICLE_COLUMNS = ("id", "published", "outlet", "language", "word_count", "title")
ARTICLE_WIDTHS = {"title": 60, "outlet": 22}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 10**6, "mb": 10**6, "mib": 2**20,
          "g": 10**9, "gb": 10**9, "gib": 2**30}  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])


def _friendly(func: F) -> F:
    """Turn known errors into one line on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NarrascopeError as exc:
            err.print(Text(f"Error: {terminal_safe(exc)}", style="red"))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def _readable_benchmark(code: str) -> Iterator[None]:
    """A benchmark file that does not read is the user's error, reported with its path (``code``)."""
    try:
        yield
    except BenchmarkError as exc:
        raise NarrascopeError(code, str(exc)) from None


def _check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    if fmt not in allowed:
        raise typer.BadParameter(f"choose from {', '.join(allowed)}", param_hint="--format")
    return fmt


PARSE_HELP = (
    "How statements are read: selective (parse the paragraphs that can hold one; rules and CRF), all (parse "
    "every sentence) or tagger (the transformer tagger over every paragraph, helped by the selective parse: "
    "more accurate, about 3.5x slower)."
)


def _check_parse(parse: str) -> str:
    if parse not in READERS:
        raise typer.BadParameter(f"choose from {', '.join(READERS)}", param_hint="--parse")
    return parse


def parse_size(text: str) -> int:
    match = _SIZE.match(text)
    if not match or (match.group(2) or "").lower() not in _UNITS:
        raise typer.BadParameter(f"{text!r} is not a size like 20MB or 512KiB", param_hint="--max-size")
    return int(float(match.group(1)) * _UNITS[(match.group(2) or "").lower()])


def _emit(text: str | None) -> None:
    if text:  # an empty JSON Lines listing is no output at all, not a blank line
        sys.stdout.write(text + "\n")


@contextmanager
def _progress(enabled: bool) -> Iterator[tuple[Callable[[str], None], Callable[[int], None]]]:
    """A progress bar over sources, advanced by source name."""
    with _bar("ingest", enabled) as (advance, set_total):
        yield (lambda source: advance(1, terminal_safe(Path(source).name, 40))), set_total


@contextmanager
def _bar(label: str, enabled: bool) -> Iterator[tuple[Callable[..., None], Callable[[int], None]]]:
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[name]}"),
    )
    with Progress(*columns, console=err, transient=True, disable=not enabled) as bar:
        task = bar.add_task(label, total=None, name="")

        def advance(steps: int = 1, name: str = "") -> None:
            bar.update(task, advance=steps, name=name)

        def set_total(total: int) -> None:
            bar.update(task, total=total)

        yield advance, set_total


def _print_report(report: IngestReport, fmt: str) -> None:
    if fmt != "table":
        summary = {
            "seen": report.seen,
            "stored": report.stored,
            "duplicates": report.duplicates,
            "errors": [{"source": e.source, "reason": e.reason, "detail": e.detail} for e in report.errors],
        }
        _emit(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    out.print(
        f"Read {report.seen} documents: {report.stored} new articles stored, "
        f"{report.duplicates} already stored, {len(report.errors)} errors."
    )
    if report.errors:
        render(report.errors, "table", columns=("source", "reason", "detail"),
               widths={"source": 60, "detail": 70}, console=err, title="Inputs not stored")  # fmt: skip


def _run_ingest(nar: Narrascope, inputs: list[str], options: IngestOptions, quiet: bool) -> IngestReport:
    with _progress(enabled=not quiet and err.is_terminal) as (advance, set_total):
        return nar.ingest(inputs, options, progress=advance, on_sources=set_total)


@app.command()
@_friendly
def ingest(
    inputs: list[str] = typer.Argument(..., help="Files, folders, globs or http(s) URLs of pages and feeds."),
    db: str = DbOption,
    field_map: str = typer.Option(
        "",
        "--field-map",
        help="For JSON/CSV: our field=their column, e.g. 'text=body,url=link,published=date'.",
    ),
    max_size: str = typer.Option("20MB", "--max-size", help="Skip (and report) inputs larger than this."),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds to wait for each URL."),
    follow: bool = typer.Option(
        True, "--follow/--no-follow", help="Fetch the pages a fetched feed links to."
    ),
    fmt: str = ReportFormatOption,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Read pages into the database: clean them, keep each text once, record every bad input."""
    _check_format(fmt, TABLE_OR_JSON)
    options = IngestOptions(
        max_bytes=parse_size(max_size), field_map=parse_field_map(field_map), timeout=timeout,
        follow_feed_links=follow,
    )  # fmt: skip
    with Narrascope(db) as nar:
        report = _run_ingest(nar, inputs, options, quiet)
    _print_report(report, fmt)
    if report.errors and report.seen == 0:
        raise typer.Exit(1)


@app.command()
@_friendly
def articles(
    db: str = DbOption,
    query: str = typer.Option(None, "--query", "-q", help='Full-text search: all words; "quoted phrases".'),
    outlet: str = typer.Option(None, "--outlet", help="Only this outlet (case-insensitive)."),
    language: str = typer.Option(None, "--language", help="Only this language (ISO 639-1, e.g. en)."),
    since: str = typer.Option(None, "--since", help="Published on or after this date (YYYY-MM-DD)."),
    until: str = typer.Option(None, "--until", help="Published on or before this date (YYYY-MM-DD)."),
    limit: int = typer.Option(50, "--limit", min=1, max=MAX_ROWS, help="How many to show."),
    offset: int = typer.Option(0, "--offset", min=0, max=MAX_ROWS, help="Skip this many (for paging)."),
    fmt: str = FormatOption,
) -> None:
    """List stored articles, newest first, with filters and full-text search."""
    _check_format(fmt)
    since, until = date_range(since, until)
    if operator_like(query):
        err.print(
            "note: every word must be there, as written: OR, AND, NOT, NEAR, -word and word* are plain words"
        )
    query_ = ArticleQuery(outlet=outlet, language=language, since=since, until=until, text=query,
                          limit=limit, offset=offset)  # fmt: skip
    with Narrascope(db, readonly=True) as nar:
        rows = nar.articles(query_)
        total = nar.count_articles(query_)
    if fmt == "table":
        render(rows, "table", columns=ARTICLE_COLUMNS, widths=ARTICLE_WIDTHS, console=out,
               title=f"{len(rows)} of {total} articles")  # fmt: skip
    else:
        _emit(render(rows, fmt, columns=field_names(Article)))


@app.command()
@_friendly
def show(
    article_id: str = typer.Argument(..., help="Article id (or a unique prefix of it)."),
    db: str = DbOption,
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Show one article: metadata, where it was read from, and its clean text."""
    _check_format(fmt, TEXT_OR_JSON)
    with Narrascope(db, readonly=True) as nar:
        article = nar.article(article_id)
        sources = nar.sources(article.id)
    if fmt == "json":
        record = as_dict(article) | {"sources": [as_dict(s) for s in sources]}
        _emit(json.dumps(record, ensure_ascii=False, indent=2))
        return
    out.print(Text(terminal_safe(article.title or "(no title)"), style="bold"))
    for label, value in (
        ("id", article.id),
        ("outlet", article.outlet),
        (
            "published",
            f"{article.published} (from {article.date_source})" if article.published else "unknown",
        ),
        ("author", article.author),
        ("language", article.language),
        ("url", article.url),
        ("words", article.word_count),
    ):
        out.print(Text(f"{label:>10}: {terminal_safe(value if value is not None else '-')}"))
    for src in sources:
        out.print(Text(f"{'source':>10}: {terminal_safe(src.source)}"))
    out.print()
    for paragraph in article.text.split("\n\n"):
        out.print(Text(terminal_safe(paragraph)))
        out.print()


@app.command()
@_friendly
def errors(
    db: str = DbOption,
    limit: int = typer.Option(100, "--limit", min=1, max=MAX_ROWS),
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """List inputs that could not be stored, with the reason for each."""
    _check_format(fmt)
    with Narrascope(db, readonly=True) as nar:
        rows = nar.errors(limit, offset)
        total = nar.store.count_errors()
    if fmt == "table":
        render(rows, "table", columns=("source", "reason", "detail", "last_seen"),
               widths={"source": 60, "detail": 60}, console=out, title=f"{len(rows)} of {total} errors")  # fmt: skip
    else:
        _emit(render(rows, fmt, columns=field_names(StoredError)))


@app.command()
@_friendly
def enrich(
    db: str = DbOption,
    model: str = typer.Option(
        None, "--model", help="spaCy model name or path (default: best installed English model)."
    ),
    aliases: Path = typer.Option(
        None, "--aliases", help="Your alias file (YAML), extending the shipped table."
    ),
    processes: int = typer.Option(1, "--processes", "-p", min=1, help="Worker processes for the models."),
    parse: str = typer.Option("selective", "--parse", help=PARSE_HELP),
    redo: bool = typer.Option(False, "--redo", help="Enrich every article again, not only new ones."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Find canonical entities and attributed statements (who said what) in stored articles."""
    _check_parse(parse)
    with Narrascope(db) as nar, _bar("enrich", enabled=not quiet and err.is_terminal) as (advance, set_total):
        report = nar.enrich(model=model, aliases=aliases, processes=processes, parse=parse, redo=redo,
                            progress=advance, on_total=set_total)  # fmt: skip
    failed = f"; {report.failed} failed (see `narrascope errors`)" if report.failed else ""
    out.print(
        f"Enriched {report.articles} articles: {report.statements} statements, "
        f"{report.mentions} entity mentions, {report.entities} entities known{failed}."
    )


@app.command("spark-enrich")
@_friendly
def spark_enrich(
    paths: list[str] = typer.Argument(
        ...,
        metavar="INPUT... OUTPUT",
        help="Inputs Spark can list (paths, globs, hdfs:// or s3a:// URIs), then the output folder.",
    ),
    master: str = typer.Option(
        None, "--master", help="Spark master, e.g. local[2] (default: spark-submit's, else local[*])."
    ),
    partitions: int = typer.Option(
        None, "--partitions", min=1, help="Partitions for cleaning and the model (default: 4 per core)."
    ),
    conf: list[str] = typer.Option(None, "--conf", help="A Spark setting KEY=VALUE (repeatable)."),
    field_map: str = typer.Option(
        "", "--field-map", help="For JSON/CSV/Parquet: our field=their column, e.g. 'text=body,url=link'."
    ),
    max_size: str = typer.Option("20MB", "--max-size", help="Skip (and report) inputs larger than this."),
    model: str = typer.Option(None, "--model", help="spaCy model name or path, installed on every executor."),
    aliases: Path = typer.Option(None, "--aliases", help="Your alias file (YAML), read here and shipped."),
    parse: str = typer.Option("selective", "--parse", help=PARSE_HELP),
) -> None:
    """Read, clean and enrich inputs on Spark into Parquet (articles, statements, entities, ...) for `load`."""
    if len(paths) < 2:
        raise typer.BadParameter(
            "give at least one input, then the output folder", param_hint="INPUT... OUTPUT"
        )
    _check_parse(parse)
    spark_conf = dict(_key_value(item) for item in conf or [])
    try:
        from narrascope.scale.spark_job import JobSettings
        from narrascope.scale.spark_job import spark_enrich as run_job
    except ImportError as exc:
        raise NarrascopeError(
            "E501", f"spark-enrich needs pyspark: pip install 'narrascope[spark]' ({exc})"
        ) from exc
    options = IngestOptions(max_bytes=parse_size(max_size), field_map=parse_field_map(field_map))
    job = JobSettings(options, model, str(aliases) if aliases else None, parse, partitions)
    report = run_job(paths[:-1], paths[-1], job, master=master, conf=spark_conf)
    out.print(
        f"Read {report.documents} documents: {report.articles} articles ({report.duplicates} repeated texts), "
        f"{report.errors} errors; {report.statements} statements, {report.mentions} entity mentions, "
        f"{report.entities} entities. Into a store: narrascope load {paths[-1]}"
    )


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise typer.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--conf")
    return key.strip(), value.strip()


@app.command()
@_friendly
def load(
    folder: Path = typer.Argument(..., help="The OUTPUT folder of a `spark-enrich` run."),
    db: str = DbOption,
) -> None:
    """Bring a Spark run's Parquet results into the database, as ingest + enrich would; loading twice adds nothing."""
    with Narrascope(db) as nar:
        report = nar.load(folder)
    out.print(
        f"Loaded {report.documents} documents: {report.stored} new articles stored, {report.duplicates} already "
        f"stored, {report.errors} errors; {report.enriched} articles enriched, {report.entities} entities."
    )


STATEMENT_COLUMNS = (
    "article_id",
    "published",
    "outlet",
    "speaker_name",
    "speaker",
    "role",
    "cue",
    "kind",
    "stance",
    "content",
)


@app.command()
@_friendly
def statements(
    db: str = DbOption,
    speaker: str = typer.Option(
        None, "--speaker", help="Canonical speaker or source as written (part of it)."
    ),
    entity: str = typer.Option(
        None, "--entity", help="Said by, or mentioning in its content, this entity (name, alias or id)."
    ),
    outlet: str = typer.Option(None, "--outlet", help="Only this outlet."),
    kind: str = typer.Option(None, "--kind", help="direct, indirect, mixed or according_to."),
    stance: str = typer.Option(
        None, "--stance", help="asserts or denies (the statement's stance to its claim)."
    ),
    since: str = typer.Option(None, "--since", help="Published on or after (YYYY-MM-DD)."),
    until: str = typer.Option(None, "--until", help="Published on or before (YYYY-MM-DD)."),
    text: str = typer.Option(
        None, "--text", "-t", help='Words the content must hold (whole words, any order; "quoted phrases").'
    ),
    article: str = typer.Option(None, "--article", help="Only statements of this article id."),
    limit: int = LimitOption,
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """List attributed statements: who said what, where and when."""
    _check_format(fmt)
    since, until = date_range(since, until)
    if stance not in (None, "asserts", "denies"):
        raise typer.BadParameter(f"{stance!r}: choose asserts or denies", param_hint="--stance")
    if kind is not None and kind.lower() not in STATEMENT_KINDS:
        raise typer.BadParameter(f"{kind!r}: choose {', '.join(STATEMENT_KINDS)}", param_hint="--kind")
    with Narrascope(db, readonly=True) as nar:
        entity_ids = tuple(nar.entity_ids(entity)) if entity else None  # resolved once, for list and count
        if entity_ids == ():  # an empty list would read as "never said anything"
            raise NarrascopeError("E109", f"no entity named {entity!r}")
        article_id = nar.article(article).id if article else None  # a prefix, as `show` takes
        query = StatementQuery(speaker=speaker, entity=entity, entity_ids=entity_ids, outlet=outlet,
                               kind=kind and kind.lower(), stance=stance, since=since, until=until, text=text,
                               article_id=article_id, limit=limit, offset=offset)  # fmt: skip
        rows = nar.statements(query)
        total = nar.count_statements(query)
    if fmt == "table":
        render(rows, "table", columns=STATEMENT_COLUMNS, widths={"content": 70, "speaker": 30, "role": 30},
               console=out, title=f"{len(rows)} of {total} statements")  # fmt: skip
    else:
        _emit(render(rows, fmt, columns=field_names(StatementRow)))


@app.command()
@_friendly
def entities(
    db: str = DbOption,
    name: str = typer.Option(None, "--name", "-n", help="Part of a name or alias."),
    type_: str = typer.Option(None, "--type", help="PERSON, ORG, GPE, NORP, LOC, ..."),
    limit: int = LimitOption,
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """List canonical entities, most mentioned first, with their aliases."""
    _check_format(fmt)
    with Narrascope(db, readonly=True) as nar:
        rows = nar.entities(EntityQuery(name=name, type=type_, limit=limit, offset=offset))
    if fmt != "table":
        _emit(render(rows, fmt, columns=field_names(EntityRow)))
        return
    render(
        rows,
        "table",
        columns=("id", "name", "type", "mentions", "articles", "statements", "aliases"),
        widths={"aliases": 60},
        console=out,
        title=f"{len(rows)} entities",
    )


@app.command()
@_friendly
def entity(
    name: str = typer.Argument(..., help="Entity id, canonical name or any alias."),
    db: str = DbOption,
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Show one entity: its aliases, where it is mentioned, and the statements it made."""
    _check_format(fmt, TEXT_OR_JSON)
    with Narrascope(db, readonly=True) as nar:
        found, mentions, articles_, said = nar.entity(name)
    if fmt == "json":
        record = as_dict(found) | {
            "mentions": [as_dict(m) for m in mentions],
            "articles": [{k: v for k, v in as_dict(a).items() if k != "text"} for a in articles_],
            "statements": [as_dict(s) for s in said],
        }
        _emit(json.dumps(record, ensure_ascii=False, indent=2))
        return
    out.print(Text(f"{terminal_safe(found.name)}  ({found.type}, {found.id})", style="bold"))
    out.print(Text("aliases: " + terminal_safe(", ".join(found.aliases) or "-")))
    out.print(Text(f"{len(mentions)} mentions in {len(articles_)} articles"))
    render(articles_, "table", columns=ARTICLE_COLUMNS, widths=ARTICLE_WIDTHS, console=out, title="Articles")
    render(said, "table", columns=STATEMENT_COLUMNS, widths={"content": 70}, console=out,
           title="Statements by or about it")  # fmt: skip


@app.command()
@_friendly
def link(
    db: str = DbOption,
    frames: Path = typer.Option(
        None, "--frames", help="Your claim frames file (YAML), extending the shipped one."
    ),
    media: Path = typer.Option(
        None, "--media", help="Your media list (CSV name,aliases), extending the shipped one."
    ),
    places: Path = typer.Option(
        None, "--places", help="Your places file (YAML 'Country: [place, ...]'), extending the shipped one."
    ),
    redo: bool = typer.Option(False, "--redo", help="Link every article again, not only new ones."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Link enriched articles: copies, media citations, stories, claims and the narratives they form."""
    with Narrascope(db) as nar, _bar("link", enabled=not quiet and err.is_terminal) as (advance, set_total):
        report = nar.link(
            frames=frames, media=media, places=places, redo=redo, progress=advance, on_total=set_total
        )
        recurring = nar.count_narratives()
    _print_recheck(report.watch_rechecked)
    out.print(
        f"Linked {report.articles} articles: {report.copies} copies, {report.citations} media citations, "
        f"{report.new_stories} new stories, {report.claims} claims; {recurring} recurring narratives."
    )


NARRATIVE_COLUMNS = (
    "id",
    "first_seen",
    "last_seen",
    "frame",
    "accused",
    "article_count",
    "outlet_count",
    "denial_count",
    "label",
)


@app.command()
@_friendly
def narratives(
    db: str = DbOption,
    all_groups: bool = typer.Option(False, "--all", help="Also claim groups seen in one place only."),
    limit: int = LimitOption,
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """List narratives: claim groups that recur across stories, outlets or time.

    article_count counts a syndicated copy once (with its original); outlet_count counts every outlet
    that carried the narrative, copies included, so it can be the larger.
    """
    _check_format(fmt)
    with Narrascope(db, readonly=True) as nar:
        found = nar.narratives(all_groups=all_groups, limit=limit, offset=offset)
        total = nar.count_narratives(all_groups=all_groups)
    _emit(render(found, fmt, columns=NARRATIVE_COLUMNS, widths={"label": 60, "frame": 18, "accused": 16}, console=out,
                 title=f"{len(found)} of {total} narratives"))  # fmt: skip


@app.command()
@_friendly
def narrative(
    narrative_id: str = typer.Argument(..., help="Narrative id (or a unique prefix)."),
    db: str = DbOption,
    fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
    limit: int = typer.Option(100, "--limit", min=1, max=MAX_ROWS, help="Evidence (and denials) to show."),
    offset: int = OffsetOption,
) -> None:
    """Show one narrative: first appearance, timeline, speakers, outlets, denials and evidence."""
    _check_format(fmt, TEXT_OR_JSON)
    with Narrascope(db, readonly=True) as nar:
        detail = nar.narrative(narrative_id, limit=limit, offset=offset)
    if fmt == "json":
        _emit(json.dumps(as_dict(detail), ensure_ascii=False, indent=2))
        return
    n = detail.narrative
    out.print(Text(f"{terminal_safe(n.label)}", style="bold"))
    accused = f"  accuses: {terminal_safe(n.accused)}" if n.accused else ""
    out.print(Text(f"{n.id}  frame: {n.frame or '-'}{accused}  {n.article_count} articles, {n.outlet_count} outlets, "
                   f"{n.claim_count} claims, {n.denial_count} denials  {n.first_seen or '?'} … {n.last_seen or '?'}"))  # fmt: skip
    if detail.first:
        f = detail.first
        out.print(Text(f"First seen: {f.published or 'undated'} {terminal_safe(f.outlet or '')} — "
                       f"{terminal_safe(f.speaker or '')}: {terminal_safe(f.claim, 160)}"))  # fmt: skip
    timeline = [{**row, "date": row["date"] or "undated"} for row in map(as_dict, detail.timeline)]
    render(timeline, "table", console=out, title="Timeline (claims per day and outlet)")
    render([{"speaker": s, "asserts": a, "denies": d} for s, a, d in detail.speakers], "table", console=out,
           title="Speakers")  # fmt: skip
    render([{"outlet": o, "claims": c} for o, c in detail.outlets], "table", console=out, title="Outlets")
    rows = [{"stance": e.stance, "published": e.published or "undated", "outlet": e.outlet, "speaker": e.speaker, "cue": e.cue,
             "article_id": e.article_id, "evidence": e.sentence, "via": e.via} for e in detail.evidence]  # fmt: skip
    shown = f"{offset + 1}–{offset + len(rows)} of {n.claim_count}" if rows else f"none from {offset + 1}"
    render(rows, "table", console=out, widths={"evidence": 80, "via": 40, "speaker": 24},
           title=f"Evidence ({shown} claims; --offset for more)")  # fmt: skip


STORY_COLUMNS = ("id", "first_seen", "last_seen", "article_count", "label")


@app.command()
@_friendly
def stories(
    db: str = DbOption,
    story_id: str = typer.Option(None, "--id", help="Show the articles of this story."),
    limit: int = LimitOption,
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """List stories (articles about the same event), or the articles of one."""
    _check_format(fmt)
    with Narrascope(db, readonly=True) as nar:
        if story_id:
            _emit(render(nar.story(story_id), fmt, columns=ARTICLE_COLUMNS, widths=ARTICLE_WIDTHS, console=out,
                         title=f"Story {story_id}"))  # fmt: skip
            return
        found = nar.stories(limit, offset)
    _emit(render(found, fmt, columns=STORY_COLUMNS, widths={"label": 80}, console=out, title="Stories"))


@app.command()
@_friendly
def similar(
    article_id: str = typer.Argument(..., help="Article id (or a unique prefix)."),
    db: str = DbOption,
    limit: int = typer.Option(10, "--limit", min=1, max=MAX_ROWS),
    fmt: str = FormatOption,
) -> None:
    """Stored articles most similar to one (multilingual: translations and rewrites count)."""
    _check_format(fmt)
    with Narrascope(db, readonly=True) as nar:
        found = nar.similar(article_id, limit)
    rows = [{k: v for k, v in as_dict(a).items() if k != "text"} | {"similarity": score, "cosine": cosine}
            for a, score, cosine in found]  # fmt: skip
    _emit(render(rows, fmt, columns=("similarity", "cosine", *ARTICLE_COLUMNS), widths=ARTICLE_WIDTHS, console=out,
                 title=f"Similar to {article_id}"))  # fmt: skip


@app.command()
@_friendly
def copies(
    db: str = DbOption,
    limit: int = LimitOption,
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """Near-duplicate groups: each original (earliest known publication) with the outlets that copied it."""
    _check_format(fmt)
    with Narrascope(db, readonly=True) as nar:
        found = nar.copies(limit, offset)
    _emit(render(found, fmt, widths={"original_title": 50, "carried_by": 60}, console=out, title="Copies"))


CITATION_COLUMNS = ("citing", "cited", "citations", "articles")


@app.command()
@_friendly
def citations(
    db: str = DbOption,
    outlet: str = typer.Option(None, "--outlet", help="Only what this outlet cites (case-insensitive)."),
    cited: str = typer.Option(None, "--cited", help="Only who cites this medium (case-insensitive)."),
    limit: int = LimitOption,
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """The outlet citation graph: which outlets cite which media ("Press TV reports:", "according to TASS"),
    most cited first; the web's /citations page and /api/citations give the same edges with evidence."""
    _check_format(fmt)
    with Narrascope(db, readonly=True) as nar:
        edges = nar.citation_page(outlet=outlet, cited=cited, limit=limit, offset=offset, examples=0)
        total = nar.count_citation_edges(outlet=outlet, cited=cited)
    _emit(render(edges, fmt, columns=CITATION_COLUMNS, console=out,
                 title=f"{len(edges)} of {total} media citations between outlets"))  # fmt: skip


WATCH_COLUMNS = ("score", "stance", "watched", "published", "outlet", "speaker", "claim", "via")


@app.command()
@_friendly
def watch(
    db: str = DbOption,
    import_: list[Path] = typer.Option(
        None,
        "--import",
        help="Add a watchlist: EUvsDisinfo-style CSV, ClaimReview JSON-LD or HTML, Fact Check API JSON.",
    ),
    frames: Path = typer.Option(
        None, "--frames", help="Your claim frames file (YAML), extending the shipped one."
    ),
    all_matches: bool = typer.Option(
        False, "--all", help="Every match, not only those new since the last run."
    ),
    recheck: bool = typer.Option(
        False,
        "--recheck",
        help="Read every item again under the current rules (and --frames) and match again.",
    ),
    limit: int = typer.Option(100, "--limit", min=1, max=MAX_ROWS),
    offset: int = OffsetOption,
    fmt: str = FormatOption,
) -> None:
    """Report articles and statements that repeat (or deny) a known narrative, new since the last run.
    Items read under older matching rules are matched again by `link` and `--import`; a match the rules
    no longer make is removed."""
    _check_format(fmt)
    with Narrascope(db) as nar:
        if recheck:
            _print_recheck(nar.watch_recheck(frames=frames))
        for path in import_ or []:
            result = nar.watch_import(path, frames=frames)
            _print_recheck(result.rechecked)
            err.print(
                f"{terminal_safe(path)}: {result.read} items read, {result.added} new, {result.matches} matches"
            )
            for problem in result.problems:
                err.print(Text(f"  {terminal_safe(problem.source)}: {problem.reason}: {terminal_safe(problem.detail)}",
                               style="yellow"))  # fmt: skip
        found, total = nar.watch(all_matches=all_matches, limit=limit, offset=offset)
    what = "matches" if all_matches else "new matches since the last run"
    _emit(render(found, fmt, columns=WATCH_COLUMNS, widths={"watched": 40, "claim": 60, "via": 36, "speaker": 20},
                 console=out, title=f"{len(found)} of {total} {what}"))  # fmt: skip


def _print_recheck(rechecked: WatchRecheck) -> None:
    if rechecked.items:
        err.print(
            f"{rechecked.items} watchlist items read again under the current rules: {rechecked.kept} matches"
            f" kept, {rechecked.added} new, {rechecked.removed} removed"
        )


@app.command("export")
@_friendly
def export_(
    what: str = typer.Argument(..., help="What to export: " + ", ".join(exports.EXPORTS) + "."),
    fmt: str = typer.Option(
        None,
        "--format",
        "-f",
        help="csv, jsonl or parquet (tables), gexf (graphs), jsonld (claimreview); "
        "default: from the --output suffix, else the first of these the export offers.",
    ),
    output: str = typer.Option(
        "-", "--output", "-o", help="File to write (whole or not at all); - for stdout."
    ),
    db: str = DbOption,
    outlet: str = typer.Option(None, "--outlet", help="Only records from this outlet's articles."),
    language: str = typer.Option(None, "--language", help="Only records from articles in this language."),
    since: str = typer.Option(
        None, "--since", help="Only records from articles published on or after (YYYY-MM-DD)."
    ),
    until: str = typer.Option(
        None, "--until", help="Only records from articles published on or before (YYYY-MM-DD)."
    ),
    all_groups: bool = typer.Option(False, "--all", help="Also narratives seen in one place only."),
    narrative: list[str] = typer.Option(
        None, "--narrative", help="Only this narrative (id or prefix; repeatable)."
    ),
    publisher: str = typer.Option(
        None, "--publisher", help="ClaimReview: your organisation, the reviews' author."
    ),
    publisher_url: str = typer.Option(None, "--publisher-url", help="ClaimReview: your organisation's URL."),
    review_url: str = typer.Option(
        None, "--review-url", help="ClaimReview: URL of each review, {id} the narrative id."
    ),
    rating: list[str] = typer.Option(
        None, "--rating", help="ClaimReview: NARRATIVE=RATING, your verdict (repeatable)."
    ),
) -> None:
    """Export records (CSV, JSON Lines, Parquet), the speaker or citation graph (GEXF, for Gephi), or
    narratives as ClaimReview JSON-LD."""
    with Narrascope(db, readonly=True) as nar:
        fmt = fmt or exports.default_format(what, None if output == "-" else output)
        plan = exports.prepare(nar, what, fmt, outlet=outlet, language=language, since=since, until=until,
                               all_narratives=all_groups, narratives=narrative or (), publisher=publisher,
                               publisher_url=publisher_url, review_url=review_url,
                               ratings=exports.parse_ratings(rating or ()))  # fmt: skip
        if output != "-":
            with exports.atomic_file(output) as handle:
                written = exports.write_export(nar, plan, handle)
            err.print(Text(f"Wrote {written} {what} records ({fmt}) to {terminal_safe(output)}"))
            return
        if fmt in exports.BINARY_FORMATS and sys.stdout.isatty():
            raise NarrascopeError("E157", f"{fmt} is binary: give --output FILE, or pipe stdout elsewhere")
        exports.write_export(nar, plan, sys.stdout.buffer)
        sys.stdout.buffer.flush()


DEMO_DB = "narrascope-demo.db"


@app.command()
@_friendly
def demo(
    db: str = typer.Option(DEMO_DB, "--db", help="Database for the demo (created if missing)."),
    fmt: str = ReportFormatOption,
    serve_: bool = typer.Option(False, "--serve", help="Then open it in the web UI and the REST API."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="With --serve: the port on 127.0.0.1."),
) -> None:
    """Run the pipeline on the bundled sample corpus and show what it found."""
    _check_format(fmt, TABLE_OR_JSON)
    corpus = files("narrascope") / "data" / "demo"
    with Narrascope(db) as nar:
        report = _run_ingest(nar, [str(corpus)], IngestOptions(), quiet=True)
        nar.enrich()
        nar.link(places=str(files("narrascope") / "data" / "demo_places.yaml"))
        stored = nar.articles(ArticleQuery(limit=1000))
        said = nar.statements(StatementQuery(limit=1000))
        found = nar.narratives(limit=100)
    if fmt != "table":
        record = {
            "articles": [as_dict(a) for a in stored],
            "statements": [as_dict(s) for s in said],
            "narratives": [as_dict(n) for n in found],
            "errors": [as_dict(e) for e in report.errors],
        }
        _emit(json.dumps(record, ensure_ascii=False, indent=2))
        if serve_:
            _serve(db, "127.0.0.1", port, token=None, protect_reads=False, max_upload=DEFAULT_UPLOAD)
        return
    _print_report(report, fmt)
    render(
        stored,
        "table",
        columns=ARTICLE_COLUMNS,
        widths=ARTICLE_WIDTHS,
        console=out,
        title=f"Articles in {db}",
    )
    who = [as_dict(s) | {"speaker": s.speaker_name or s.speaker} for s in said]  # as written where unresolved
    render(who, "table", columns=("published", "outlet", "speaker", "role", "cue", "kind", "stance", "content"),
           widths={"content": 60, "role": 28, "speaker": 24}, console=out, title="Who said what")  # fmt: skip
    render(found, "table", columns=NARRATIVE_COLUMNS, widths={"label": 70, "frame": 18}, console=out,
           title="Narratives: claims recurring across outlets, stories or time")  # fmt: skip
    first = found[0].id if found else "ID"
    out.print(
        f"Try: narrascope narrative {first} --db {db}   |   narrascope statements --db {db} --speaker Korvin"
    )
    if serve_:
        _serve(db, "127.0.0.1", port, token=None, protect_reads=False, max_upload=DEFAULT_UPLOAD)


DEFAULT_UPLOAD = "100MB"


@app.command()
@_friendly
def serve(
    db: str = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    token: str = typer.Option(
        None,
        "--token",
        envvar="NARRASCOPE_TOKEN",
        help="Bearer token every write needs (ingest, watchlist, deletes); without one, writes are refused."
        " Prefer the environment variable: a command line is visible to other users.",
    ),
    protect_reads: bool = typer.Option(
        False,
        "--protect-reads",
        help="Reads need the token too (a browser asks for it: any user name, the token as password).",
    ),
    max_upload: str = typer.Option(
        DEFAULT_UPLOAD, "--max-upload", help="Largest request body a write takes."
    ),
    allowed_host: list[str] = typer.Option(
        [],
        "--allowed-host",
        help="A host name requests may give in Host (repeatable). On a loopback address only localhost,"
        " 127.0.0.1, [::1] and these are answered (DNS rebinding); elsewhere only these, when given.",
    ),
) -> None:
    """Serve the REST API (/api, OpenAPI spec at /api/openapi.json) and the web UI."""
    _serve(db, host, port, token=token, protect_reads=protect_reads, max_upload=max_upload,
           allowed_hosts=allowed_host)  # fmt: skip


def _serve(
    db: str,
    host: str,
    port: int,
    *,
    token: str | None,
    protect_reads: bool,
    max_upload: str,
    allowed_hosts: list[str] | None = None,
) -> None:
    import uvicorn

    from narrascope.serve.server import ServeSettings, create_app, host_allowlist

    if protect_reads and not token:
        raise NarrascopeError("E128", "--protect-reads needs a token (--token or NARRASCOPE_TOKEN)")
    settings = ServeSettings(
        db, token or None, protect_reads, parse_size(max_upload), host_allowlist(host, allowed_hosts or ())
    )
    web = create_app(settings)
    writes = "need the token" if token else "are refused (no token given)"
    err.print(
        Text(
            f"Serving {terminal_safe(db)} at http://{host}:{port}/ (API spec: /api/openapi.json); writes {writes}."
        )
    )
    uvicorn.run(web, host=host, port=port, log_level="info")


@eval_app.command("attribution")
@_friendly
def eval_attribution(
    path: Path = typer.Argument(
        ..., help="A PolNeAR split folder with text/ and attributions/ (e.g. polnear/dev)."
    ),
    limit: int = typer.Option(None, "--limit", min=1, max=MAX_ROWS, help="Score only the first N articles."),
    parse: str = typer.Option("selective", "--parse", help=PARSE_HELP),
    model: str = typer.Option(None, "--model", help="spaCy model name or path."),
    top: int = typer.Option(10, "--errors", min=0, help="Show the N most missed and spurious cues/sources."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Score attributed statements (source, cue, content spans) on PolNeAR, exact and overlap P/R/F1, and
    where they fail (spans found with other edges, missed, spurious)."""
    _check_format(fmt, TABLE_OR_JSON)
    from narrascope.enrich.nlp import load_nlp
    from narrascope.evaluate.attribution import (
        ANCHORS,
        evaluate_attribution,
        format_agreement,
        format_errors,
        format_table,
    )

    _check_parse(parse)
    if not (path / "text").is_dir() or not (path / "attributions").is_dir():
        raise NarrascopeError("E111", f"{path} has no text/ and attributions/ folders (the PolNeAR layout)")
    with _readable_benchmark("E111"):
        report = evaluate_attribution(path, limit=limit, parse=parse, nlp=load_nlp(model), top=top)
    if fmt == "json":
        body = {
            "ours": [as_dict(s) for s in report.scores],
            "errors": [as_dict(e) for e in report.errors],
            "stats": report.stats,
            "published": ANCHORS,
            "agreement": as_dict(report.agreement) if report.agreement else None,
        }
        _emit(json.dumps(body, indent=2))
    else:
        out.print(format_table(report.scores, report.stats))
        if report.agreement:
            out.print(format_agreement(report.agreement))
        out.print("")
        out.print(format_errors(report.errors))


@eval_app.command("speakers")
@_friendly
def eval_speakers(
    path: Path = typer.Argument(..., help="A PolNeAR split folder (e.g. polnear/dev)."),
    key: Path = typer.Option(
        ..., "--key", help="The hand-read key of who each source is (bench/keys/polnear_dev_speakers.tsv)."
    ),
    model: str = typer.Option(None, "--model", help="spaCy model name or path."),
    parse: str = typer.Option("selective", "--parse", help=PARSE_HELP),
    top: int = typer.Option(10, "--errors", min=0, help="Show the first N wrong or unresolved speakers."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Score who statements are given to where the source must be resolved ("he", "they", "who", "the
    president"), against a hand-read key: right, wrong, unresolved, or statement missed, per kind of source."""
    _check_format(fmt, TABLE_OR_JSON)
    _check_parse(parse)
    from narrascope.evaluate.speakers import evaluate_speakers, format_report

    if not (path / "text").is_dir() or not (path / "attributions").is_dir():
        raise NarrascopeError("E111", f"{path} has no text/ and attributions/ folders (the PolNeAR layout)")
    with _readable_benchmark("E111"):
        report = evaluate_speakers(path, key, model=model, parse=parse)
    if fmt == "json":
        body = {"summary": report.summary(), "outcomes": [as_dict(o) for o in report.outcomes]}
        _emit(json.dumps(body, indent=2))
    else:
        out.print(Text(format_report(report, top)))


@eval_app.command("cleaning")
@_friendly
def eval_cleaning(
    path: Path = typer.Argument(..., help="Folder with html/*.html.gz and ground-truth.json."),
    limit: int = typer.Option(None, "--limit", min=1, max=MAX_ROWS, help="Score only the first N pages."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Score text cleaning and HTML extraction with the article-extraction benchmark's 4-shingle F1."""
    _check_format(fmt, TABLE_OR_JSON)
    from narrascope.evaluate.cleaning import ANCHORS, evaluate_cleaning

    if not (path / "ground-truth.json").is_file():
        raise NarrascopeError(
            "E107", f"{path} has no ground-truth.json (expected the article-extraction layout)"
        )
    with _readable_benchmark("E107"):
        scores = evaluate_cleaning(path, limit=limit)
    if fmt == "json":
        _emit(json.dumps({"ours": [as_dict(s) for s in scores], "published": ANCHORS}, indent=2))
        return
    rows = [
        {"system": s.name, "precision": f"{s.precision:.3f}", "recall": f"{s.recall:.3f}",
         "f1": f"{s.f1:.3f}", "pages": s.pages, "seconds": f"{s.seconds:.1f}"}
        for s in scores
    ] + [{"system": name, "precision": "", "recall": "", "f1": f"{f1:.3f}", "pages": "", "seconds": ""}
         for name, f1 in ANCHORS.items()]  # fmt: skip
    render(rows, "table", console=out, title="Article extraction: 4-token-shingle P/R/F1 (averaged per page)")


@eval_app.command("similarity")
@_friendly
def eval_similarity(
    path: Path = typer.Argument(..., help="SemEval-2022 Task 8 pairs.csv (or the folder holding it)."),
    limit: int = typer.Option(None, "--limit", min=10, max=MAX_ROWS, help="Score only the first N pairs."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Article similarity against SemEval-2022 Task 8 (multilingual news pairs): Pearson with the Overall and
    Narrative scores, 5-fold cross-validated, overall and per language pair, beside the published best."""
    _check_format(fmt, TABLE_OR_JSON)
    from narrascope.evaluate.similarity import evaluate_similarity, format_report

    csv_path = path / "pairs.csv" if path.is_dir() else path
    if not csv_path.is_file():
        raise NarrascopeError("E107", f"{path} is not a SemEval-2022 Task 8 pairs.csv")
    with _readable_benchmark("E107"):
        report = evaluate_similarity(csv_path, limit=limit)
    if fmt == "json":
        _emit(json.dumps(as_dict(report), indent=2, default=str))
        return
    out.print(format_report(report))


@eval_app.command("duplicates")
@_friendly
def eval_duplicates(
    path: Path = typer.Argument(
        ..., help="A folder of article texts (*.txt, searched recursively), e.g. PolNeAR's."
    ),
    limit: int = typer.Option(
        500, "--limit", min=2, max=MAX_ROWS, help="Use the first N texts as originals."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed for the generated copies."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
) -> None:
    """Near-duplicate detection on generated copies (edited, truncated, re-wrapped, re-published) of real
    articles: pairwise precision and recall, and recall per kind of copy."""
    _check_format(fmt, TABLE_OR_JSON)
    from narrascope.evaluate.duplicates import evaluate_duplicates, format_scores

    paths = sorted(path.rglob("*.txt"))[:limit] if path.is_dir() else []
    if len(paths) < 2:
        raise NarrascopeError("E107", f"{path} holds fewer than two .txt articles to copy")
    scores = evaluate_duplicates([p.read_text("utf-8", errors="replace") for p in paths], seed=seed)
    if fmt == "json":
        _emit(json.dumps(as_dict(scores), indent=2))
        return
    out.print(format_scores(scores))


def _version(value: bool) -> None:
    if value:
        out.print(f"narrascope {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version."
    ),
) -> None:
    """Trace claims and narratives through the news."""


def main() -> None:
    app()
