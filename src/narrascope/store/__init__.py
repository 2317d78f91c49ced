"""store: persistence behind one interface (``SQLStore``): SQLite for a file path, PostgreSQL for a URL."""

from __future__ import annotations

import re
from pathlib import Path

from narrascope.errors import NarrascopeError
from narrascope.store.query import ArticleQuery
from narrascope.store.sql import SQLStore
from narrascope.store.sqlite import SQLiteStore

__all__ = ["ArticleQuery", "SQLStore", "SQLiteStore", "open_store"]


def open_store(db: str | Path, *, readonly: bool = False) -> SQLStore:
    """Open the store named by ``db``: a ``postgresql://`` URL or a SQLite file path (created and migrated
    when writable)."""
    name = str(db).strip()
    if name.startswith(("postgres://", "postgresql://")):
        from narrascope.store.postgres import PostgresStore  # psycopg is an optional extra

        return PostgresStore(name, readonly=readonly)
    if not name:
        raise NarrascopeError("E102", "no database given: --db is empty (is the variable you meant unset?)")
    if re.match(r"^[A-Za-z][\w+.-]*://", name):
        raise NarrascopeError("E102", f"{name!r} is neither a file path nor a postgresql:// URL")
    return SQLiteStore(Path(name).expanduser(), readonly=readonly)
