"""The store's SQL, written once for every back end: ingest batches, article listings, enrichments,
statements and entities (the link stage's tables are in ``linking.py``).

A back end subclasses ``SQLStore`` and supplies a connection with sqlite3's ``execute`` and
``executemany`` (SQL in ``?`` style), a ``transaction()`` that admits one writer at a time, its table
names, where its vector index files live, and how it runs a full-text search. Each batch is one
transaction: a crash loses at most the batch in flight, and inserts keyed on the content hash make
re-runs add nothing.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import astuple, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

from narrascope.model import Article, Enrichment, Entity, IngestError, Mention, Statement
from narrascope.store.browse import BrowseTables, Filters
from narrascope.store.dumps import DumpTables
from narrascope.store.linking import LinkTables
from narrascope.store.migrations import MIGRATIONS
from narrascope.store.query import (
    ArticleQuery,
    EntityQuery,
    StatementQuery,
    text_only,
)
from narrascope.store.records import BatchResult, EntityRow, SourceRecord, StatementRow, StoredError
from narrascope.store.views import ViewTables

ARTICLE_COLUMNS = (
    "id, content_hash, text, source, url, outlet, title, author, published, date_source, language, word_count"
)
_A_COLUMNS = ", ".join("a." + c.strip() for c in ARTICLE_COLUMNS.split(","))  # with the table alias
_ARTICLE_ORDER = "a.published IS NULL, a.published DESC, a.ingested_at DESC, a.id"  # = articles_listing
_STATEMENT_ORDER = "s.published IS NULL, s.published, s.article_id, s.cue_start, s.id"  # = statements_listing
_STATEMENT_COLUMNS = ", ".join(f.name for f in fields(Statement))
_STATEMENT_ARITY = len(fields(Statement))


class Row(Protocol):
    """A result row as both back ends give it: ``row[0]``, ``row["name"]``, ``dict(row)``."""

    def keys(self) -> list[str]: ...
    def __getitem__(self, key: int | str, /) -> Any: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the shared SQL needs of a connection: sqlite3's ``execute`` and ``executemany``."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]], /) -> Any: ...
    def close(self) -> None: ...


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class SQLStore(LinkTables, BrowseTables, DumpTables, ViewTables, ABC):
    dialect: str  # picks each migration's dialect part
    insert_order: str  # the articles column that numbers rows in insertion order

    # -- the back end's part ------------------------------------------------------------------------
    @abstractmethod
    def transaction(self) -> AbstractContextManager[Connection]:
        """One writer at a time; commit on success, roll back on any exception."""

    @abstractmethod
    def tables(self) -> set[str]:
        """Names of the tables in the store's schema."""

    @abstractmethod
    def vector_index_path(self, name: str) -> Path | None:
        """Where the vector index ``name`` is cached (``None``: kept in memory only)."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _text_clause(
        self, table: str, alias: str, terms: list[str], *, walk: bool = False
    ) -> tuple[str, list[object]]:
        """A condition on ``table`` (articles, statements or claims, under ``alias``) whose text holds every
        term (each a word or a phrase), read from its full-text index, and its parameters; the terms are
        text, never the engine's query syntax. ``walk``: a page should walk the listing's order and test
        each row, rather than be driven by the matches (``_many_matches``)."""

    # -- schema -----------------------------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        if "schema_migrations" not in self.tables():
            return []
        return [r[0] for r in self.conn.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def migrate(self) -> list[str]:
        """Apply pending migrations, each in its own transaction; return the names applied."""
        with self.transaction() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
        done = set(self.applied_migrations())
        applied = []
        for migration in MIGRATIONS:
            if migration.name in done:
                continue
            with self.transaction() as conn:
                if conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE name = ?", (migration.name,)
                ).fetchone():
                    continue  # another process applied it while we waited for the lock
                for statement in migration.statements(self.dialect):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    (migration.name, utc_now()),
                )
            applied.append(migration.name)
        return applied

    # -- writes -----------------------------------------------------------------------------------
    def start_run(self, inputs: Sequence[str]) -> str:
        run_id = uuid.uuid4().hex[:12]
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO runs (id, started_at, inputs, status) VALUES (?, ?, ?, 'running')",
                (run_id, utc_now(), "\n".join(inputs)),
            )
        return run_id

    def finish_run(self, run_id: str, status: str = "done") -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE runs SET finished_at = ?, status = ? WHERE id = ?", (utc_now(), status, run_id)
            )

    def stored_inputs(self, inputs: Mapping[str, str]) -> dict[str, str]:
        """The sources among ``inputs`` (source -> ``model.input_hash``) already stored from that very
        input, each with its article's id."""
        found: dict[str, str] = {}
        for source, hash_ in inputs.items():
            row = self.conn.execute(
                "SELECT article_id FROM article_sources WHERE source = ? AND input_hash = ?"
                " ORDER BY seen_at DESC, article_id LIMIT 1",
                (source, hash_),
            ).fetchone()
            if row:
                found[source] = row[0]
        return found

    def write_batch(
        self,
        run_id: str,
        articles: Sequence[Article],
        errors: Sequence[IngestError],
        seen: int,
        *,
        inputs: Mapping[str, str] | None = None,
        unchanged: Sequence[str] = (),
    ) -> BatchResult:
        """Store one batch atomically: articles (deduplicated by content hash), their sources, errors.

        ``inputs`` gives each source's input hash, recorded with it; ``unchanged`` holds the ids of articles
        whose source was read again unchanged and not cleaned (``stored_inputs``): already stored."""
        now = utc_now()
        inputs = inputs or {}
        result = BatchResult(duplicate_ids=list(unchanged))
        with self.transaction() as conn:
            for art in articles:
                cur = conn.execute(
                    f"INSERT INTO articles ({ARTICLE_COLUMNS}, ingested_at)"
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
                    conn.execute(
                        f"INSERT INTO enrich_queue (article_id, stored_order) SELECT id, {self.insert_order}"
                        " FROM articles WHERE id = ?",
                        (art.id,),
                    )
                else:
                    row = conn.execute(
                        "SELECT id FROM articles WHERE content_hash = ?", (art.content_hash,)
                    ).fetchone()
                    stored_id = row[0]
                    result.duplicate_ids.append(stored_id)
                conn.execute(
                    "INSERT INTO article_sources (article_id, source, url, seen_at, input_hash)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_id, source) DO UPDATE SET"
                    " input_hash = COALESCE(excluded.input_hash, article_sources.input_hash)",
                    (stored_id, art.source, art.url, now, inputs.get(art.source)),
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
    def _article_clauses(
        self,
        outlet: str | None,
        language: str | None,
        since: str | None,
        until: str | None,
        text: str | None,
        *,
        paging: bool = False,
    ) -> tuple[list[str], list[object]]:
        """Conditions on articles (alias ``a``) and their parameters, for every listing that filters them.
        ``paging``: for a page in date order, where a search with many matches walks the date index."""
        clauses: list[str] = []
        params: list[object] = []
        for value, clause in (
            (outlet, "LOWER(a.outlet) = LOWER(?)"),
            (since, "a.published >= ?"),
            (until, "a.published <= ?"),
            (language and language.strip().lower(), "a.language = ?"),  # codes are stored lower-case
        ):
            if value:
                clauses.append(clause)
                params.append(value)
        self._add_text(clauses, params, "articles", "a", text, paging)
        return clauses, params

    def _where(self, q: ArticleQuery, *, paging: bool = False) -> tuple[str, list[object]]:
        clauses, params = self._article_clauses(q.outlet, q.language, q.since, q.until, q.text, paging=paging)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def list_articles(self, q: ArticleQuery) -> list[Article]:
        """A page of articles, newest publication first (undated last). The page's ids come from the
        ``articles_listing`` index alone; only its rows are read whole."""
        where, params = self._where(q, paging=True)
        rows = self.conn.execute(
            f"SELECT {_A_COLUMNS} FROM articles a JOIN (SELECT a.id FROM articles a{where}"
            f" ORDER BY {_ARTICLE_ORDER} LIMIT ? OFFSET ?) page ON page.id = a.id ORDER BY {_ARTICLE_ORDER}",
            [*params, q.limit, q.offset],
        ).fetchall()
        return [_article(r) for r in rows]

    def count_articles(self, q: ArticleQuery) -> int:
        counted = self._count_matches(text_only(q))  # a text-only count: the index alone
        if counted is not None:
            return counted
        where, params = self._where(q)
        return self.conn.execute(f"SELECT COUNT(*) FROM articles a{where}", params).fetchone()[0]

    def _many_matches(self, terms: list[str], table: str = "articles") -> bool:
        """Whether a search matches so many rows of ``table`` that a page should walk the listing's order
        (SQLite: see there; PostgreSQL's planner weighs it itself)."""
        return False

    def _count_matches(self, terms: list[str], table: str = "articles") -> int | None:
        """Rows of ``table`` matching a full-text query counted in the search index alone, where the back
        end can (``None``: count through the table)."""
        return None

    def get_article(self, id_or_prefix: str) -> Article | None:
        """An article by its id, else by a unique prefix (``_by_id_or_prefix``)."""
        row = self._by_id_or_prefix(f"SELECT {_A_COLUMNS} FROM articles a", "a.id", id_or_prefix, "article")
        return None if row is None else _article(row)

    def article_sources(self, article_id: str) -> list[SourceRecord]:
        rows = self.conn.execute(
            "SELECT source, url, seen_at FROM article_sources WHERE article_id = ? ORDER BY seen_at, source",
            (article_id,),
        ).fetchall()
        return [SourceRecord(r["source"], r["url"], r["seen_at"]) for r in rows]

    def list_errors(self, limit: int = 100, offset: int = 0) -> list[StoredError]:
        rows = self.conn.execute(
            "SELECT source, reason, detail, run_id, first_seen, last_seen FROM ingest_errors"
            " ORDER BY last_seen DESC, source, reason LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
        return [StoredError(**dict(r)) for r in rows]

    def count_errors(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM ingest_errors").fetchone()[0]

    # -- enrichment -------------------------------------------------------------------------------
    def enqueue_stale_enrichments(self, pipeline: str) -> int:
        """Queue the articles an older (or other) enrichment pipeline did: they are enriched again. An index
        lookup when there are none."""
        with self.transaction() as conn:
            return conn.execute(
                "INSERT INTO enrich_queue (article_id, stored_order)"
                f" SELECT a.id, a.{self.insert_order} FROM enrichments e JOIN articles a ON a.id = e.article_id"
                " WHERE e.pipeline < ? OR e.pipeline > ? ON CONFLICT DO NOTHING",
                (pipeline, pipeline),
            ).rowcount

    def articles_to_enrich(self, *, limit: int = 500) -> list[Article]:
        """The next queued articles, in the order they were stored."""
        rows = self.conn.execute(
            f"SELECT {_A_COLUMNS} FROM enrich_queue q JOIN articles a ON a.id = q.article_id"
            " ORDER BY q.stored_order LIMIT ?",
            (limit,),
        )
        return [_article(r) for r in rows.fetchall()]

    def count_to_enrich(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM enrich_queue").fetchone()[0]

    def clear_enrichments(self) -> None:
        """Forget every enrichment (``enrich --redo``): every article is queued again."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM enrichments")
            conn.execute(
                f"INSERT INTO enrich_queue (article_id, stored_order) SELECT id, {self.insert_order}"
                " FROM articles WHERE TRUE ON CONFLICT DO NOTHING"  # WHERE: SQLite's upsert needs one
            )

    @staticmethod
    def _rename_speaker(conn: Connection, entity: Entity) -> None:
        """An entity's canonical name changed (a later article gave the fuller one): the statements and
        claims it speaks show the new name, as its pages do."""
        for table, column in (("statements", "speaker_name"), ("claims", "speaker")):
            conn.execute(
                f"UPDATE {table} SET {column} = ? WHERE speaker_entity_id = ?", (entity.name, entity.id)
            )

    def write_enrichments(
        self, enrichments: Sequence[Enrichment], entities: Sequence[Entity], pipeline: str
    ) -> None:
        """Store one batch atomically: the entities it touched, and each article's mentions and statements
        (replacing what an earlier run stored for those articles)."""
        now = utc_now()
        with self.transaction() as conn:
            for entity in entities:
                before = conn.execute("SELECT name FROM entities WHERE id = ?", (entity.id,)).fetchone()
                conn.execute(
                    "INSERT INTO entities (id, name, type) VALUES (?, ?, ?)"
                    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type",
                    (entity.id, entity.name, entity.type),
                )
                if before is not None and before[0] != entity.name:  # "Obama" became "Barack Obama"
                    self._rename_speaker(conn, entity)
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
                if item.statements:  # listed in their article's date order by index (statements_listing)
                    conn.execute(
                        "UPDATE statements SET published = (SELECT published FROM articles WHERE id = ?)"
                        " WHERE article_id = ?",
                        (item.article_id, item.article_id),
                    )
                conn.execute(
                    "INSERT INTO enrichments (article_id, pipeline, enriched_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (article_id) DO UPDATE SET pipeline = excluded.pipeline,"
                    " enriched_at = excluded.enriched_at",
                    (item.article_id, pipeline, now),
                )
                conn.execute("DELETE FROM enrich_queue WHERE article_id = ?", (item.article_id,))
                conn.execute(  # its statements changed: what was linked from them is linked again
                    "INSERT INTO link_queue (article_id, undated, published, stored_order)"
                    " SELECT id, CASE WHEN published IS NULL THEN 1 ELSE 0 END, published,"
                    f" {self.insert_order} FROM articles WHERE id = ? ON CONFLICT DO NOTHING",
                    (item.article_id,),
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
    def _statement_where(self, q: StatementQuery, *, paging: bool = False) -> tuple[str, list[object]]:
        """The CLI's and the library's statement filters are the web's (``BrowseTables._conditions``)."""
        filters = Filters(
            speaker=q.speaker,
            entity_ids=q.entity_ids,
            outlet=q.outlet,
            since=q.since,
            until=q.until,
            kind=q.kind,
            stance=q.stance,
            article_id=q.article_id,
            text=q.text,
        )
        conditions, params = self._conditions("statements", filters, paging=paging)
        return (" WHERE " + conditions.removeprefix(" AND ")) if conditions else "", params

    def list_statements(self, q: StatementQuery) -> list[StatementRow]:
        where, params = self._statement_where(q, paging=True)
        cols = ", ".join("s." + c.strip() for c in _STATEMENT_COLUMNS.split(","))
        rows = self.conn.execute(
            f"SELECT {cols}, a.outlet, a.published, a.title, a.url FROM statements s"
            f" JOIN articles a ON a.id = s.article_id{where} ORDER BY {_STATEMENT_ORDER} LIMIT ? OFFSET ?",
            [*params, q.limit, q.offset],
        ).fetchall()
        return [StatementRow(**dict(r)) for r in rows]

    def count_statements(self, q: StatementQuery) -> int:
        counted = self._count_matches(text_only(q), "statements")  # a text-only count: the index alone
        if counted is not None:
            return counted
        where, params = self._statement_where(q)
        return self.conn.execute(
            f"SELECT COUNT(*) FROM statements s JOIN articles a ON a.id = s.article_id{where}", params
        ).fetchone()[0]

    def entity_ids(self, name: str) -> list[str]:
        """Ids of entities whose id, canonical name or an alias is ``name`` (case-insensitive)."""
        rows = self.conn.execute(
            "SELECT id FROM entities WHERE id = ? OR LOWER(name) = LOWER(?)"
            " UNION SELECT entity_id FROM entity_aliases WHERE LOWER(alias) = LOWER(?)",
            (name, name, name),
        ).fetchall()
        return sorted({r[0] for r in rows})

    def list_entities(self, q: EntityQuery) -> list[EntityRow]:
        """Most mentioned first (``entity_page``'s order and counts, with the articles mentioning each)."""
        rows = self.entity_page(q.name, q.type, q.limit, q.offset, articles=True)
        return [EntityRow(**dict(r)) for r in rows]

    def entity_articles(self, entity_id: str, limit: int = 100) -> list[Article]:
        rows = self.conn.execute(
            f"SELECT {_A_COLUMNS} FROM articles a WHERE a.id IN"
            " (SELECT article_id FROM mentions WHERE entity_id = ?)"
            " ORDER BY a.published IS NULL, a.published, a.id LIMIT ?",
            (entity_id, limit),
        ).fetchall()
        return [_article(r) for r in rows]

    def entity_mentions(self, entity_id: str, limit: int = 100, offset: int = 0) -> list[Mention]:
        rows = self.conn.execute(
            'SELECT article_id, entity_id, start_char AS start, end_char AS "end", text, label FROM mentions'
            " WHERE entity_id = ? ORDER BY article_id, start_char, end_char LIMIT ? OFFSET ?",
            (entity_id, limit, offset),
        ).fetchall()
        return [Mention(**dict(r)) for r in rows]


def _article(row: Any) -> Article:
    return Article(**dict(row))
