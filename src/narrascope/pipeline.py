"""Runs the stages in order over a batch: ingest -> clean -> store, enrich -> store, link -> store.

Documents are processed in chunks: lines repeated across a chunk's documents of one outlet feed the
plain-text cleaner (counts carry over to later chunks of the same run), then the chunk's articles and
errors are written in one transaction. Memory stays bounded by the chunk size, and a kill loses at most
the chunk in flight, which the next run redoes. A source read again from the same input
(``model.input_hash``, kept in ``article_sources``) is already stored and is not cleaned again, so a
folder that grows between runs does not store its older pages a second time with other furniture.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from narrascope.clean import LineCounter, clean_document, repetition_group
from narrascope.ingest import IngestOptions, discover, read_source
from narrascope.model import Article, Document, IngestError, IngestReport, input_hash

if TYPE_CHECKING:
    from narrascope.enrich.enricher import Enricher
    from narrascope.link.linker import Linker, LinkReport
from narrascope.store.sql import SQLStore

CHUNK_SIZE = 200

Progress = Callable[[str], None]  # called once per source when it has been read


def ingest(
    store: SQLStore,
    inputs: Sequence[str],
    options: IngestOptions | None = None,
    *,
    progress: Progress | None = None,
    on_sources: Callable[[int], None] | None = None,
) -> IngestReport:
    options = options or IngestOptions()
    report = IngestReport()
    run_id = store.start_run(inputs)
    sources, missing = discover(inputs)
    if on_sources:
        on_sources(len(sources))
    counter = LineCounter()
    docs: list[Document] = []
    errors: list[IngestError] = list(missing)

    def flush() -> None:
        inputs = {doc.source: input_hash(doc) for doc in docs}
        unchanged = store.stored_inputs(inputs)
        articles: list[Article] = []
        for result in clean_chunk(docs, counter, skip=unchanged):
            (articles if isinstance(result, Article) else errors).append(result)  # type: ignore[arg-type]
        batch = store.write_batch(
            run_id, articles, errors, seen=len(docs), inputs=inputs, unchanged=list(unchanged.values())
        )
        report.seen += len(docs)
        report.stored += len(batch.stored_ids)
        report.duplicates += len(batch.duplicate_ids)
        report.errors.extend(errors)
        docs.clear()
        errors.clear()

    try:
        for source in sources:
            try:
                for item in read_source(source, options):
                    (errors if isinstance(item, IngestError) else docs).append(item)  # type: ignore[arg-type]
                    if len(docs) >= CHUNK_SIZE:
                        flush()
            except Exception as exc:  # a reader bug must not end the batch: record it against the source
                errors.append(IngestError(source, "unreadable", f"{type(exc).__name__}: {exc}"))
            if progress:
                progress(source)
        flush()
    except BaseException:
        store.finish_run(run_id, "interrupted")
        raise
    store.finish_run(run_id, "done")
    return report


def clean_chunk(
    docs: Sequence[Document], counter: LineCounter, skip: Container[str] = ()
) -> list[Article | IngestError]:
    """Clean one chunk in order, each document with its outlet's furniture (``chunk_furniture``). Sources
    in ``skip`` (stored before from the same input) are counted for furniture but not cleaned."""
    return [
        clean_one(doc, furniture)
        for doc, furniture in zip(docs, chunk_furniture(docs, counter), strict=True)
        if doc.source not in skip
    ]


def chunk_furniture(docs: Sequence[Document], counter: LineCounter) -> list[frozenset[str]]:
    """Each document's furniture: the chunk's text documents are counted first, so a line repeated on pages
    of the chunk counts for all of them, and so do the counts of earlier chunks in ``counter``. The Spark
    job replays this per outlet and chunk, so that both paths clean alike."""
    for doc in docs:
        if doc.kind == "text":
            counter.add(repetition_group(doc), doc.content)
    return [counter.furniture(repetition_group(doc)) if doc.kind == "text" else frozenset() for doc in docs]


def clean_one(doc: Document, furniture: frozenset[str]) -> Article | IngestError:
    """``clean_document``, with any exception it raises on one hostile page recorded against that page."""
    try:
        return clean_document(doc, furniture)
    except Exception as exc:  # one hostile page fails alone (RecursionError included)
        return IngestError(doc.source, "clean-failed", f"{type(exc).__name__}: {exc}")


ENRICH_BATCH = 400  # articles per transaction; the worker pool stays up across batches


@dataclass(slots=True)
class EnrichReport:
    articles: int = 0
    failed: int = 0  # of ``articles``: the models failed on them (stored as ``enrich-failed`` errors)
    mentions: int = 0
    statements: int = 0
    entities: int = 0


def enrich(
    store: SQLStore,
    enricher: Enricher,
    *,
    redo: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> EnrichReport:
    """Enrich every queued article (stored, or enriched by another pipeline), a batch per transaction.

    A kill mid-run loses only the batch in flight; the next run picks up where it stopped.
    """
    report = EnrichReport()
    pipeline_name = enricher.pipeline
    if redo:
        store.clear_enrichments()
    else:
        store.enqueue_stale_enrichments(pipeline_name)
    if on_total:
        on_total(store.count_to_enrich())
    with enricher:
        while batch := store.articles_to_enrich(limit=ENRICH_BATCH):
            results = list(enricher.enrich(batch, progress=progress))
            store.write_enrichments(results, enricher.resolver.changed(), pipeline_name)
            report.articles += len(results)
            report.failed += sum(1 for r in results if r.error)
            report.mentions += sum(len(r.mentions) for r in results)
            report.statements += sum(len(r.statements) for r in results)
    report.entities = len(enricher.resolver)
    return report


LINK_BATCH = 200  # articles per transaction


def link(
    store: SQLStore,
    linker: Linker,
    *,
    redo: bool = False,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> LinkReport:
    """Link every queued article (enriched since, or linked by another pipeline), a batch per transaction.

    The vector indexes are saved once, at the end (or when a batch fails): a run killed before that
    leaves older index files, which the next run brings up to date from the tables' tail.
    """
    from narrascope.link.linker import LinkReport
    from narrascope.link.watch import now

    total = LinkReport()
    with store.transaction():
        if redo:
            store.clear_links()
        else:
            store.enqueue_stale_links(linker.pipeline)
    if redo:
        linker.reload()
    if on_total:
        on_total(store.count_to_link())
    try:
        while batch := store.articles_to_link(limit=LINK_BATCH):
            report = linker.link(batch)
            total.merge(report)
            if progress:
                progress(len(batch))
    finally:
        linker.save()
    # after the new claims: what they matched under an item's old reading is made again too
    total.watch_rechecked = linker.watcher.recheck(now())
    return total
