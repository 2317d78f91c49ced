"""The Parquet layout a Spark run writes and ``narrascope load`` reads: one folder per dataset.

Every dataset carries the keys that put its rows in the order local ``ingest`` and ``enrich`` would have
written them: ``seq`` orders what was read (input file, then record), ``ordinal`` numbers the documents
(what ingest's chunks count), ``position`` numbers the distinct articles in store order, ``rank`` orders
rows within one article. Rows are written sorted by those keys, part files in order.
"""

from __future__ import annotations

from dataclasses import astuple, fields
from typing import Any

from narrascope.model import Article, Entity, IngestError, Mention, Statement

ARTICLES, SOURCES, ERRORS, MENTIONS, STATEMENTS, ENTITIES, RUN = (
    "articles", "sources", "errors", "mentions", "statements", "entities", "run",
)  # fmt: skip


def _columns(record: type) -> str:
    """A record's fields as Spark DDL columns: integers as long, everything else as string."""
    return ", ".join(f"{f.name} {'long' if 'int' in str(f.type) else 'string'}" for f in fields(record))


# Spark DDL schemas; column order is the tuple order of the row builders below.
SCHEMAS: dict[str, str] = {
    ARTICLES: _columns(Article) + ", seq long, position long",
    SOURCES: "article_id string, content_hash string, source string, url string, seq long, ordinal long",
    ERRORS: "source string, reason string, detail string, seq long, ordinal long, article_id string",
    MENTIONS: _columns(Mention) + ", position long, rank int",
    STATEMENTS: _columns(Statement) + ", position long, rank int",
    ENTITIES: "id string, name string, type string, aliases array<string>",
    RUN: "narrascope string, pipeline string, inputs array<string>, documents long, articles long,"
    " errors long, created string",
}


def article_row(article: Article, seq: int, position: int) -> tuple[Any, ...]:
    return (*astuple(article), seq, position)


def source_row(article: Article, seq: int, ordinal: int) -> tuple[Any, ...]:
    return (article.id, article.content_hash, article.source, article.url, seq, ordinal)


def error_row(
    error: IngestError, seq: int | None, ordinal: int | None, article_id: str | None = None
) -> tuple[Any, ...]:
    """``ordinal`` is set for a document that cleaning rejected (it counts in ingest's chunks), None for an
    input rejected while reading; ``article_id`` for an article the models failed on (``enrich-failed``)."""
    return (error.source, error.reason, error.detail, seq, ordinal, article_id)


def mention_row(mention: Mention, position: int, rank: int) -> tuple[Any, ...]:
    return (*astuple(mention), position, rank)


def statement_row(statement: Statement, position: int, rank: int) -> tuple[Any, ...]:
    return (*astuple(statement), position, rank)


def entity_row(entity: Entity) -> tuple[Any, ...]:
    return (entity.id, entity.name, entity.type, list(entity.aliases))


def article_from(row: dict[str, Any]) -> Article:
    return Article(**{f.name: row[f.name] for f in fields(Article)})


def mention_from(row: dict[str, Any]) -> Mention:
    return Mention(**{f.name: row[f.name] for f in fields(Mention)})


def statement_from(row: dict[str, Any]) -> Statement:
    return Statement(**{f.name: row[f.name] for f in fields(Statement)})
