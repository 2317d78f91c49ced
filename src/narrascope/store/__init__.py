"""store: persistence behind one interface (``SQLStore``): SQLite for a file path, PostgreSQL for a URL."""

from __future__ import annotations

from pathlib import Path

from narrascope.store.query import ArticleQuery
from narrascope.store.sql import SQLStore
from narrascope.store.sqlite import SQLiteStore

__all__ = ["ArticleQuery", "SQLStore", "SQLiteStore", "open_store"]


def open_store(db: str | Path, *, readonly: bool = False) -> SQLStore:
    """Open the store named by ``db``: a ``postgresql://`` URL or a SQLite file path (created and migrated
    when writable)."""
    if str(db).startswith(("postgres://", "postgresql://")):
        from narrascope.store.postgres import PostgresStore  # psycopg is an optional extra

        return PostgresStore(str(db), readonly=readonly)
    return SQLiteStore(str(db), readonly=readonly)
