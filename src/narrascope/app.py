"""The one application object: owns the store and settings; used alike by the CLI, the web layer and tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from narrascope import pipeline
from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions
from narrascope.model import Article, IngestReport
from narrascope.store import ArticleQuery, open_store
from narrascope.store.records import SourceRecord, StoredError
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

    def counts(self) -> dict[str, int]:
        return self.store.counts()
