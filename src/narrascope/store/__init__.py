"""store: persistence. SQLite by default (a file path); the same schema serves PostgreSQL later."""

from __future__ import annotations

from pathlib import Path

from narrascope.errors import NarrascopeError
from narrascope.store.query import ArticleQuery
from narrascope.store.sqlite import SQLiteStore

__all__ = ["ArticleQuery", "SQLiteStore", "open_store"]


def open_store(db: str | Path, *, readonly: bool = False) -> SQLiteStore:
    """Open the store named by ``db``: a SQLite file path (created and migrated when writable)."""
    text = str(db)
    if text.startswith(("postgres://", "postgresql://")):
        raise NarrascopeError(
            "E105", "the PostgreSQL back end is not available in this version; use a file path"
        )
    return SQLiteStore(text, readonly=readonly)
