"""SQLite back end: one file, zero set-up, WAL mode, FTS5 full-text search.

Every batch is written in one ``BEGIN IMMEDIATE`` transaction: one writer at a time, readers never
blocked, and a crash or ``kill -9`` loses at most the batch in flight.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from narrascope.errors import NarrascopeError
from narrascope.store import query
from narrascope.store.query import sqlite_match
from narrascope.store.sql import SQLStore

CACHE_KIB = 64 * 1024  # bench/link.py at 200k stored articles: 2 MB → 512 MB took 2.03x to 1.47x


class SQLiteStore(SQLStore):
    dialect = "sqlite"
    insert_order = "rowid"
    conn: sqlite3.Connection

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        try:
            self.conn = self._connect(readonly)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout = 10000")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # 2 MB by default: link lookups hit disk
            tables = self.tables()
            if "schema_migrations" not in tables and (readonly or tables):
                # never add our tables to another program's database
                raise NarrascopeError("E103", f"{self.path} is not a narrascope database")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self.migrate()
        except sqlite3.DatabaseError as exc:  # not a database, a directory, a read-only file or folder
            raise NarrascopeError("E102", f"cannot open database {self.path}: {exc}") from exc

    def _connect(self, readonly: bool) -> sqlite3.Connection:
        if not readonly:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if not Path(self.path).is_file():
            raise NarrascopeError("E101", f"no database at {self.path}: run `narrascope ingest` first")
        uri = "file:" + quote(Path(self.path).resolve().as_posix()) + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        except sqlite3.OperationalError:
            # a WAL database on read-only storage (an archived case file): reading it needs a -shm file
            # it cannot create; as an immutable file it reads, with nobody writing it by definition
            conn.close()
            conn = sqlite3.connect(
                uri + "&immutable=1", uri=True, isolation_level=None, check_same_thread=False
            )
        return conn

    def tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def vector_index_path(self, name: str) -> Path | None:
        """Beside the database file (none for an in-memory database)."""
        return None if self.path == ":memory:" else Path(f"{self.path}.{name}.usearch")

    def _many_matches(self, terms: list[str], table: str = "articles") -> bool:
        """A search matching many rows walks the listing's order and keeps the matches, stopping at the
        page's end; SQLite would otherwise sort every match, reading each whole (seconds at 1M). Few
        matches are cheaper sorted."""
        return (self._count_matches(terms, table) or 0) > query.MANY_MATCHES

    def _count_matches(self, terms: list[str], table: str = "articles") -> int | None:
        """Counted in the FTS index alone, remembered until the database changes (paging counts once)."""
        if not terms:
            return None
        return self._count(
            f"SELECT COUNT(*) FROM {table}_fts WHERE {table}_fts MATCH ?", [sqlite_match(terms)]
        )

    def _text_clause(
        self, table: str, alias: str, terms: list[str], *, walk: bool = False
    ) -> tuple[str, list[object]]:
        """FTS5, each term one quoted string (so its operators are inert). Walking, the unary ``+`` keeps
        SQLite from driving the query by the match list."""
        plus = "+" if walk else ""
        return f"{plus}{alias}.rowid IN (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?)", [
            sqlite_match(terms)
        ]
