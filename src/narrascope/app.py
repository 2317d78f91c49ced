"""The one application object: owns the store and settings; used alike by the CLI, the web layer and tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from narrascope import pipeline
from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions
from narrascope.model import Article, Entity, IngestReport, Mention
from narrascope.store import ArticleQuery, open_store
from narrascope.store.query import EntityQuery, StatementQuery
from narrascope.store.records import EntityRow, SourceRecord, StatementRow, StoredError
from narrascope.store.sqlite import SQLiteStore

DEFAULT_DB = "narrascope.db"


class Narrascope:
    def __init__(self, db: str | Path = DEFAULT_DB, *, readonly: bool = False) -> None:
        self.db = str(db)
        self.store: SQLiteStore = open_store(self.db, readonly=readonly)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Narrascope:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(
        self,
        inputs: Sequence[str],
        options: IngestOptions | None = None,
        *,
        progress: Callable[[str], None] | None = None,
        on_sources: Callable[[int], None] | None = None,
    ) -> IngestReport:
        return pipeline.ingest(self.store, inputs, options, progress=progress, on_sources=on_sources)

    def articles(self, query: ArticleQuery | None = None) -> list[Article]:
        return self.store.list_articles(query or ArticleQuery())

    def count_articles(self, query: ArticleQuery | None = None) -> int:
        return self.store.count_articles(query or ArticleQuery())

    def article(self, id_or_prefix: str) -> Article:
        found = self.store.get_article(id_or_prefix)
        if found is None:
            raise NarrascopeError("E106", f"no article with id {id_or_prefix!r}")
        return found

    def sources(self, article_id: str) -> list[SourceRecord]:
        return self.store.article_sources(article_id)

    def errors(self, limit: int = 100, offset: int = 0) -> list[StoredError]:
        return self.store.list_errors(limit, offset)

    def enrich(
        self,
        *,
        model: str | None = None,
        aliases: str | Path | None = None,
        processes: int = 1,
        parse: str = "selective",
        redo: bool = False,
        progress: Callable[[int], None] | None = None,
        on_total: Callable[[int], None] | None = None,
    ) -> pipeline.EnrichReport:
        """Find entities and attributed statements in every stored article not yet enriched."""
        from narrascope.enrich.enricher import Enricher
        from narrascope.enrich.entities import EntityResolver, load_aliases

        resolver = EntityResolver(load_aliases(aliases), known=self.store.known_entities())
        enricher = Enricher(resolver, model=model, parse=parse, processes=processes)
        if on_total:
            on_total(
                self.store.count_articles(ArticleQuery())
                if redo
                else self.store.count_to_enrich(enricher.pipeline)
            )
        return pipeline.enrich(self.store, enricher, redo=redo, progress=progress)

    def statements(self, query: StatementQuery | None = None) -> list[StatementRow]:
        return self.store.list_statements(self._with_entity_ids(query or StatementQuery()))

    def count_statements(self, query: StatementQuery | None = None) -> int:
        return self.store.count_statements(self._with_entity_ids(query or StatementQuery()))

    def _with_entity_ids(self, query: StatementQuery) -> StatementQuery:
        if query.entity and query.entity_ids is None:
            return replace(query, entity_ids=tuple(self.entity_ids(query.entity)))
        return query

    def entity_ids(self, name: str) -> list[str]:
        """Ids of the stored entities ``name`` refers to: an id, canonical name or stored alias, else
        whatever the resolver's rules make of it ("Minister Lavrov", "Ryabkov", "President Assad")."""
        ids = self.store.entity_ids(name)
        if ids:
            return ids
        from narrascope.enrich.entities import EntityResolver, load_aliases

        found = EntityResolver(load_aliases(), known=self.store.known_entities()).lookup(name)
        return [found.id] if found is not None and self.store.get_entity(found.id) else []

    def entities(self, query: EntityQuery | None = None) -> list[EntityRow]:
        return self.store.list_entities(query or EntityQuery())

    def entity(self, name: str) -> tuple[Entity, list[Mention], list[Article], list[StatementRow]]:
        """One entity by id, name or alias: itself, its mentions, its articles, and its statements."""
        ids = self.entity_ids(name)
        if not ids:
            raise NarrascopeError("E109", f"no entity named {name!r}")
        if len(ids) > 1:
            names = ", ".join(f"{e.name} ({e.id})" for e in map(self.store.get_entity, ids) if e)
            raise NarrascopeError("E110", f"{name!r} names several entities: {names}; give an id")
        entity = self.store.get_entity(ids[0])
        assert entity is not None
        return (
            entity,
            self.store.entity_mentions(entity.id),
            self.store.entity_articles(entity.id),
            self.store.list_statements(StatementQuery(entity_ids=(entity.id,), limit=1000)),
        )
