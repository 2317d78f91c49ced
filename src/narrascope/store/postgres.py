"""PostgreSQL back end (``--db postgresql://user@host/db``): the shared SQL over psycopg 3.

A write transaction first takes one transaction-level advisory lock, so writers queue one at a time as
under SQLite's ``BEGIN IMMEDIATE`` (sequence numbers and ``MAX(seq) + 1`` stay safe), while readers go
on reading committed data. Full-text search uses the generated ``search_text`` tsvector (GIN index).
Vector index files are cached under ``$NARRASCOPE_INDEX_DIR`` (default ``$XDG_CACHE_HOME/narrascope``),
named by a hash of the connection and the database's own instance id.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from narrascope.errors import NarrascopeError
from narrascope.store.query import postgres_match
from narrascope.store.sql import SQLStore

try:
    import psycopg

    from narrascope.store.pg_connection import PgConnection
except ImportError:  # the optional extra is not installed
    psycopg = None  # type: ignore[assignment]

_WRITE_LOCK = 0x6E61727261  # "narra": the advisory lock key every narrascope writer takes
_PASSWORD = re.compile(r"(://[^:/@]*:)[^/?#]*@|(password=)[^&\s]+", re.IGNORECASE)


def redact(dsn: str) -> str:
    """``dsn`` without its password, for messages."""
    return _PASSWORD.sub(lambda m: (m[1] or m[2]) + "***" + ("@" if m[1] else ""), dsn)


class PostgresStore(SQLStore):
    dialect = "postgres"
    insert_order = "ingest_order"
    conn: PgConnection

    def __init__(self, dsn: str, *, readonly: bool = False) -> None:
        if psycopg is None:
            raise NarrascopeError(
                "E105", "the PostgreSQL back end needs psycopg: pip install 'narrascope[postgres]'"
            )
        self._index_dir: Path | None = None
        try:
            self.conn = PgConnection(dsn)
            if not readonly:
                self.migrate()
                return
        except psycopg.Error as exc:  # unreachable server, bad credentials, no right to create tables
            raise NarrascopeError("E102", f"cannot open database {redact(dsn)}: {exc}") from exc
        if "schema_migrations" not in self.tables():
            self.conn.close()
            raise NarrascopeError(
                "E101", f"no narrascope tables in {redact(dsn)}: run `narrascope ingest` first"
            )
        self.conn.execute("SET default_transaction_read_only = on")

    def tables(self) -> set[str]:
        rows = self.conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {r[0] for r in rows}

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        with self.conn.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))
            yield conn

    def close(self) -> None:
        self.conn.close()

    def vector_index_path(self, name: str) -> Path | None:
        """In the index cache directory (``None``, an in-memory index, when it cannot be made)."""
        if self._index_dir is None:
            rows = self.conn.execute("SELECT value FROM store_meta WHERE name = 'instance'").fetchall()
            key = hashlib.sha256(f"{self.conn.raw.info.dsn}\n{rows[0][0]}".encode()).hexdigest()[:24]
            self._index_dir = _cache_root() / key
        try:
            self._index_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return self._index_dir / f"{name}.usearch"

    def _text_clause(
        self, table: str, alias: str, terms: list[str], *, walk: bool = False
    ) -> tuple[str, list[object]]:
        query, params = postgres_match(terms)
        return f"{alias}.search_text @@ ({query})", params


def _cache_root() -> Path:
    configured = os.environ.get("NARRASCOPE_INDEX_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "narrascope"
