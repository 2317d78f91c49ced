"""The one ordered pass: what local ``ingest`` then ``enrich`` would store, row by row, in their order.

Everything read, cleaned and analysed arrives here sorted by ``seq`` (reading order), each first
occurrence of a text followed by its analysis. This pass, one task, does what depends on order:

- deduplication: the first document of a text is the article, later ones are more sources of it, as the
  store's content-hash key decides;
- store order: the distinct articles are numbered (``position``) in the order the store inserts them;
- entity resolution: canonical entities are corpus-wide and depend on order (a lone surname is the one
  person of that name known *so far*), so resolving partitions apart and merging could not give the local
  result. The resolver's rules (no model) run here over the articles in store order, and the entities are
  collected as the store holds them after enrich's batches of ``pipeline.ENRICH_BATCH``: the name last
  written, and every alias ever written (the store adds aliases and never removes one).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from typing import Any

from narrascope.enrich.enricher import Analysis, Enricher
from narrascope.model import Article, Enrichment, Entity, IngestError
from narrascope.pipeline import ENRICH_BATCH
from narrascope.scale import results as out

READ, ANALYSED = 0, 1  # tags: at one seq, what was read sorts before its analysis
REPORT = "report"  # the last row: the JobReport's fields
# ((seq, READ), (ordinal or None, Article or IngestError)) or ((seq, ANALYSED), Analysis or None)
Keyed = tuple[tuple[int, int], Any]
Row = tuple[str, tuple[Any, ...]]  # (dataset, row)


@dataclass(slots=True)
class JobReport:
    documents: int = 0
    articles: int = 0
    duplicates: int = 0
    errors: int = 0
    mentions: int = 0
    statements: int = 0
    entities: int = 0


def replay(stream: Iterable[Keyed], enricher: Enricher) -> Iterator[Row]:
    """Rows of every dataset but ``run``, each dataset's in its order, then the ``REPORT`` row."""
    report = JobReport()
    seen: set[bytes] = set()
    current: tuple[int, int, Article] | None = None  # the last first occurrence: (position, seq, article)
    names: dict[str, tuple[str, str]] = {}
    aliases: dict[str, set[str]] = {}
    for (seq, tag), value in stream:
        if tag == ANALYSED:
            if current is None or current[1] != seq:
                raise RuntimeError(f"the analysis at seq {seq} does not follow its article")
            yield from _enriched(current[0], current[2], value, enricher, report)
            if (current[0] + 1) % ENRICH_BATCH == 0:
                _written(enricher.resolver.changed(), names, aliases)
            continue
        ordinal, item = value
        report.documents += ordinal is not None
        if isinstance(item, IngestError):
            report.errors += 1
            yield out.ERRORS, out.error_row(item, seq, ordinal)
            continue
        yield out.SOURCES, out.source_row(item, seq, ordinal)
        digest = bytes.fromhex(item.content_hash)
        if digest in seen:
            report.duplicates += 1
            continue
        seen.add(digest)
        current = (report.articles, seq, item)
        yield out.ARTICLES, out.article_row(item, seq, report.articles)
        report.articles += 1
    _written(enricher.resolver.changed(), names, aliases)
    for ident in sorted(names):
        name, type_ = names[ident]
        report.entities += 1
        yield out.ENTITIES, out.entity_row(Entity(ident, name, type_, tuple(sorted(aliases[ident]))))
    yield REPORT, astuple(report)


def _enriched(
    position: int, article: Article, analysis: Analysis | None, enricher: Enricher, report: JobReport
) -> Iterator[Row]:
    found = enricher.resolve(article, analysis) if analysis is not None else Enrichment(article.id, [], [])
    if found.error is not None:
        report.errors += 1
        error = IngestError(f"article:{article.id}", "enrich-failed", found.error)
        yield out.ERRORS, out.error_row(error, None, None, article.id)
    report.mentions += len(found.mentions)
    report.statements += len(found.statements)
    for rank, mention in enumerate(found.mentions):
        yield out.MENTIONS, out.mention_row(mention, position, rank)
    for rank, statement in enumerate(found.statements):
        yield out.STATEMENTS, out.statement_row(statement, position, rank)


def _written(entities: list[Entity], names: dict[str, tuple[str, str]], aliases: dict[str, set[str]]) -> None:
    """What ``store.write_enrichments`` keeps of a batch's entities: the name now, the aliases ever."""
    for entity in entities:
        names[entity.id] = (entity.name, entity.type)
        aliases.setdefault(entity.id, set()).update(entity.aliases)
