"""SQLite back end: one file, zero set-up, WAL mode, FTS5 full-text search.

Every batch is written in one ``BEGIN IMMEDIATE`` transaction: a crash or ``kill -9`` loses at most the
batch in flight and never leaves a half-written article; inserts are keyed on the content hash, so
re-running an ingest adds nothing.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, fields
from datetime import datetime, timezone
from pathlib import Path

from narrascope.errors import NarrascopeError
from narrascope.model import Article, Enrichment, Entity, IngestError, Mention, Statement
from narrascope.store.linking import LinkTables
from narrascope.store.migrations import MIGRATIONS
from narrascope.store.query import (
    ArticleQuery,
    EntityQuery,
    StatementQuery,
    fts_terms,
    like_escape,
    sqlite_match,
)
from narrascope.store.records import BatchResult, EntityRow, SourceRecord, StatementRow, StoredError

_ARTICLE_COLUMNS = (
    "id, content_hash, text, source, url, outlet, title, author, published, date_source, language, word_count"
)
_A_COLUMNS = ", ".join("a." + c.strip() for c in _ARTICLE_COLUMNS.split(","))  # with the table alias
_STATEMENT_COLUMNS = ", ".join(f.name for f in fields(Statement))
_STATEMENT_ARITY = len(fields(Statement))


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SQLiteStore(LinkTables):
    dialect = "sqlite"

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        if readonly:
            if not Path(self.path).exists():
                raise NarrascopeError("E101", f"no database at {self.path}: run `narrascope ingest` first")
            uri = "file:" + Path(self.path).resolve().as_posix() + "?mode=ro"
            self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        else:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            try:
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            except sqlite3.OperationalError as exc:
                raise NarrascopeError("E102", f"cannot open database {self.path}: {exc}") from exc
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout = 10000")
        self.conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
        elif "schema_migrations" not in self._tables():
            raise NarrascopeError("E103", f"{self.path} is not a narrascope database")

    # -- schema -----------------------------------------------------------------------------------
    def _tables(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def applied_migrations(self) -> list[str]:
        if "schema_migrations" not in self._tables():
            return []
        return [r[0] for r in self.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction; return the names applied."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        done = set(self.applied_migrations())
        applied = []
        for migration in MIGRATIONS:
            if migration.name in done:
                continue
            with self.transaction():
                if self.conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE name = ?", (migration.name,)
                ).fetchone():
                    continue  # another process applied it while we waited for the lock
                for statement in migration.statements(self.dialect):
                    self.conn.execute(statement)
                self.conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (migration.name, utc_now()),
                )
            applied.append(migration.name)
        return applied

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
        """Where the vector index ``name`` is cached: beside the database file (none in memory)."""
        return None if self.path == ":memory:" else Path(f"{self.path}.{name}.usearch")

    # -- writes -----------------------------------------------------------------------------------
    def start_run(self, inputs: Sequence[str]) -> str:
        run_id = uuid.uuid4().hex[:12]
        with self.transaction():
            self.conn.execute(
                "INSERT INTO runs (id, started_at, inputs, status) VALUES (?, ?, ?, 'running')",
                (run_id, utc_now(), "\n".join(inputs)),
            )
        return run_id

    def finish_run(self, run_id: str, status: str = "done") -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, status = ? WHERE id = ?", (utc_now(), status, run_id)
            )

    def write_batch(
        self, run_id: str, articles: Sequence[Article], errors: Sequence[IngestError], seen: int
    ) -> BatchResult:
        """Store one batch atomically: articles (deduplicated by content hash), their sources, errors."""
        now = utc_now()
        result = BatchResult()
        with self.transaction() as conn:
            for art in articles:
                cur = conn.execute(
                    f"INSERT INTO articles ({_ARTICLE_COLUMNS}, ingested_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (content_hash) DO NOTHING",
                    (
                        art.id, art.content_hash, art.text, art.source, art.url, art.outlet, art.title,
                        art.author, art.published, art.date_source, art.language, art.word_count, now,
                    ),
                )  # fmt: skip
                stored_id = art.id
                if cur.rowcount:
                    result.stored_ids.append(art.id)
                else:
                    row = conn.execute(
                        "SELECT id FROM articles WHERE content_hash = ?", (art.content_hash,)
                    ).fetchone()
                    stored_id = row[0]
                    result.duplicate_ids.append(stored_id)
                conn.execute(
                    "INSERT INTO article_sources (article_id, source, url, seen_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (article_id, source) DO NOTHING",
                    (stored_id, art.source, art.url, now),
                )
                # A source that now reads cleanly no longer has the errors of an earlier run.
                conn.execute("DELETE FROM ingest_errors WHERE source = ?", (art.source,))
            for err in errors:
                conn.execute(
                    "INSERT INTO ingest_errors (source, reason, detail, run_id, first_seen, last_seen)"
                    " VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (source, reason) DO UPDATE SET"
                    " detail = excluded.detail, run_id = excluded.run_id, last_seen = excluded.last_seen",
                    (err.source, err.reason, err.detail, run_id, now, now),
                )
            conn.execute(
                "UPDATE runs SET seen = seen + ?, stored = stored + ?, duplicates = duplicates + ?,"
                " errors = errors + ? WHERE id = ?",
                (seen, len(result.stored_ids), len(result.duplicate_ids), len(errors), run_id),
            )
        return result

    # -- reads ------------------------------------------------------------------------------------
    def _where(self, q: ArticleQuery) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        _article_filters(clauses, params, q.outlet, q.since, q.until)
        if q.language:
            clauses.append("a.language = ?")
            params.append(q.language)
        if q.text:
            match = sqlite_match(q.text)
            if match:
                clauses.append("a.rowid IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
                params.append(match)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def list_articles(self, q: ArticleQuery) -> list[Article]:
        where, params = self._where(q)
        cols = _A_COLUMNS
        rows = self.conn.execute(
            f"SELECT {cols} FROM articles a{where}"
            " ORDER BY a.published IS NULL, a.published DESC, a.ingested_at DESC, a.id LIMIT ? OFFSET ?",
            [*params, q.limit, q.offset],
        ).fetchall()
        return [_article(r) for r in rows]

    def count_articles(self, q: ArticleQuery) -> int:
        where, params = self._where(q)
        return self.conn.execute(f"SELECT COUNT(*) FROM articles a{where}", params).fetchone()[0]

    def get_article(self, id_or_prefix: str) -> Article | None:
        """Look an article up by id or by an unambiguous id prefix (at least 4 characters)."""
        if len(id_or_prefix) < 4:
            return None
        pattern = like_escape(id_or_prefix) + "%"
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (pattern,)
        ).fetchall()
        if len(rows) > 1:
            raise NarrascopeError("E104", f"article id prefix {id_or_prefix!r} is ambiguous: give more of it")
        return _article(rows[0]) if rows else None

    def article_sources(self, article_id: str) -> list[SourceRecord]:
        rows = self.conn.execute(
            "SELECT source, url, seen_at FROM article_sources WHERE article_id = ? ORDER BY seen_at, source",
            (article_id,),
        ).fetchall()
        return [SourceRecord(r["source"], r["url"], r["seen_at"]) for r in rows]

    def list_errors(self, limit: int = 100, offset: int = 0) -> list[StoredError]:
        rows = self.conn.execute(
            "SELECT source, reason, detail, run_id, first_seen, last_seen FROM ingest_errors"
            " ORDER BY last_seen DESC, source LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [StoredError(**dict(r)) for r in rows]

    def count_errors(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM ingest_errors").fetchone()[0]

    # -- enrichment -------------------------------------------------------------------------------
    def articles_to_enrich(self, pipeline: str, *, limit: int = 500) -> list[Article]:
        """The next articles not yet enriched by ``pipeline``, oldest first."""
        cols = _A_COLUMNS
        rows = self.conn.execute(
            f"SELECT {cols} FROM articles a LEFT JOIN enrichments e ON e.article_id = a.id"
            " WHERE e.article_id IS NULL OR e.pipeline <> ? ORDER BY a.rowid LIMIT ?",
            (pipeline, limit),
        )
        return [_article(r) for r in rows.fetchall()]

    def count_to_enrich(self, pipeline: str) -> int:
        return self.conn.execute(
            "SELECT COUNT(*) FROM articles a LEFT JOIN enrichments e ON e.article_id = a.id"
            " WHERE e.article_id IS NULL OR e.pipeline <> ?",
            (pipeline,),
        ).fetchone()[0]

    def clear_enrichments(self) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM enrichments")

    def write_enrichments(
        self, enrichments: Sequence[Enrichment], entities: Sequence[Entity], pipeline: str
    ) -> None:
        """Store one batch atomically: the entities it touched, and each article's mentions and statements
        (replacing what an earlier run stored for those articles)."""
        now = utc_now()
        with self.transaction() as conn:
            for entity in entities:
                conn.execute(
                    "INSERT INTO entities (id, name, type) VALUES (?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type",
                    (entity.id, entity.name, entity.type),
                )
                conn.executemany(
                    "INSERT INTO entity_aliases (entity_id, alias) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(entity.id, alias) for alias in entity.aliases],
                )
            for item in enrichments:
                source = f"article:{item.article_id}"
                conn.execute(
                    "DELETE FROM ingest_errors WHERE source = ? AND reason = 'enrich-failed'", (source,)
                )
                if item.error:
                    conn.execute(
                        "INSERT INTO ingest_errors (source, reason, detail, run_id, first_seen, last_seen)"
                        " VALUES (?, 'enrich-failed', ?, 'enrich', ?, ?)",
                        (source, item.error, now, now),
                    )
                conn.execute("DELETE FROM statements WHERE article_id = ?", (item.article_id,))
                conn.execute("DELETE FROM mentions WHERE article_id = ?", (item.article_id,))
                conn.executemany(
                    "INSERT INTO mentions (article_id, entity_id, start_char, end_char, text, label)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [(m.article_id, m.entity_id, m.start, m.end, m.text, m.label) for m in item.mentions],
                )
                conn.executemany(
                    f"INSERT INTO statements ({_STATEMENT_COLUMNS}) VALUES ({', '.join('?' * _STATEMENT_ARITY)})",
                    [astuple(st) for st in item.statements],
                )
                conn.execute(
                    "INSERT INTO enrichments (article_id, pipeline, enriched_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (article_id) DO UPDATE SET pipeline = excluded.pipeline,"
                    " enriched_at = excluded.enriched_at",
                    (item.article_id, pipeline, now),
                )

    def get_entity(self, entity_id: str) -> Entity | None:
        row = self.conn.execute("SELECT id, name, type FROM entities WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            return None
        aliases = self.conn.execute(
            "SELECT alias FROM entity_aliases WHERE entity_id = ? ORDER BY alias", (entity_id,)
        ).fetchall()
        return Entity(row["id"], row["name"], row["type"], tuple(a[0] for a in aliases))

    def known_entities(self) -> list[Entity]:
        aliases: dict[str, list[str]] = {}
        for row in self.conn.execute("SELECT entity_id, alias FROM entity_aliases ORDER BY entity_id, alias"):
            aliases.setdefault(row[0], []).append(row[1])
        return [
            Entity(r["id"], r["name"], r["type"], tuple(aliases.get(r["id"], ())))
            for r in self.conn.execute("SELECT id, name, type FROM entities ORDER BY id")
        ]

    # -- statements and entities ------------------------------------------------------------------
    def _statement_where(self, q: StatementQuery) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if q.speaker:
            clauses.append("(s.speaker_name LIKE ? ESCAPE '\\' OR s.speaker LIKE ? ESCAPE '\\')")
            params += [f"%{like_escape(q.speaker)}%"] * 2
        if q.entity_ids is not None:
            ids = list(q.entity_ids)
            marks = ", ".join("?" * len(ids)) or "NULL"
            clauses.append(
                f"(s.speaker_entity_id IN ({marks}) OR EXISTS (SELECT 1 FROM mentions m"
                f" WHERE m.article_id = s.article_id AND m.entity_id IN ({marks})"
                " AND m.start_char >= s.content_start AND m.end_char <= s.content_end))"
            )
            params += ids + ids
        _article_filters(clauses, params, q.outlet, q.since, q.until)
        if q.kind:
            clauses.append("s.kind = ?")
            params.append(q.kind)
        if q.article_id:
            clauses.append("s.article_id = ?")
            params.append(q.article_id)
        for term in fts_terms(q.text or ""):
            clauses.append("s.content LIKE ? ESCAPE '\\'")
            params.append(f"%{like_escape(term)}%")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def list_statements(self, q: StatementQuery) -> list[StatementRow]:
        where, params = self._statement_where(q)
        cols = ", ".join("s." + c.strip() for c in _STATEMENT_COLUMNS.split(","))
        rows = self.conn.execute(
            f"SELECT {cols}, a.outlet, a.published, a.title, a.url FROM statements s"
            f" JOIN articles a ON a.id = s.article_id{where}"
            " ORDER BY a.published IS NULL, a.published, s.article_id, s.cue_start LIMIT ? OFFSET ?",
            [*params, q.limit, q.offset],
        ).fetchall()
        return [StatementRow(**dict(r)) for r in rows]

    def count_statements(self, q: StatementQuery) -> int:
        where, params = self._statement_where(q)
        return self.conn.execute(
            f"SELECT COUNT(*) FROM statements s JOIN articles a ON a.id = s.article_id{where}", params
        ).fetchone()[0]

    def entity_ids(self, name: str) -> list[str]:
        """Ids of entities whose id, canonical name or an alias is ``name`` (case-insensitive)."""
        rows = self.conn.execute(
            "SELECT id FROM entities WHERE id = ? OR name = ? COLLATE NOCASE"
            " UNION SELECT entity_id FROM entity_aliases WHERE alias = ? COLLATE NOCASE",
            (name, name, name),
        ).fetchall()
        return sorted({r[0] for r in rows})

    def list_entities(self, q: EntityQuery) -> list[EntityRow]:
        clauses, params = [], []
        if q.name:
            clauses.append(
                "(e.name LIKE ? ESCAPE '\\' OR e.id IN (SELECT entity_id FROM entity_aliases"
                " WHERE alias LIKE ? ESCAPE '\\'))"
            )
            params += [f"%{like_escape(q.name)}%"] * 2
        if q.type:
            clauses.append("e.type = ?")
            params.append(q.type.upper())
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.conn.execute(
            "SELECT e.id, e.name, e.type,"
            " (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id) AS mentions,"
            " (SELECT COUNT(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS articles,"
            " (SELECT COUNT(*) FROM statements s WHERE s.speaker_entity_id = e.id) AS statements,"
            " (SELECT GROUP_CONCAT(alias, ' | ') FROM entity_aliases x WHERE x.entity_id = e.id) AS aliases"
            f" FROM entities e{where} ORDER BY mentions DESC, e.name LIMIT ? OFFSET ?",
            [*params, q.limit, q.offset],
        ).fetchall()
        return [EntityRow(**dict(r)) for r in rows]

    def entity_articles(self, entity_id: str, limit: int = 100) -> list[Article]:
        cols = _A_COLUMNS
        rows = self.conn.execute(
            f"SELECT {cols} FROM articles a WHERE a.id IN"
            " (SELECT article_id FROM mentions WHERE entity_id = ?)"
            " ORDER BY a.published IS NULL, a.published, a.id LIMIT ?",
            (entity_id, limit),
        ).fetchall()
        return [_article(r) for r in rows]

    def entity_mentions(self, entity_id: str, limit: int = 100) -> list[Mention]:
        rows = self.conn.execute(
            "SELECT article_id, entity_id, start_char AS start, end_char AS end, text, label FROM mentions"
            " WHERE entity_id = ? ORDER BY article_id, start_char LIMIT ?",
            (entity_id, limit),
        ).fetchall()
        return [Mention(**dict(r)) for r in rows]


def _article_filters(
    clauses: list[str], params: list[object], outlet: str | None, since: str | None, until: str | None
) -> None:
    """Filters on the article (alias ``a``) shared by article and statement listings."""
    if outlet:
        clauses.append("a.outlet = ? COLLATE NOCASE")
        params.append(outlet)
    if since:
        clauses.append("a.published >= ?")
        params.append(since)
    if until:
        clauses.append("a.published <= ?")
        params.append(until)


def _article(row: sqlite3.Row) -> Article:
    return Article(**dict(row))
