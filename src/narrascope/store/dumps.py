"""Whole tables and graphs read for the exports, page by page, from one consistent snapshot.

Tables are read by key (``WHERE key > last ORDER BY key LIMIT n``), never by OFFSET, so each page costs
the same at the millionth row as at the first, and no query loads a table whole: a page is one
``fetchall`` of at most ``PAGE_ROWS`` rows (``TEXT_PAGE_ROWS`` for articles, which carry their whole text).
Multi-valued fields (aliases, places, a claim's narratives) come from one range query per page, not one
query per row. Graph nodes and edges are aggregates: each is one sorted pass read a page at a time
through a cursor (``_stream``), since paging an aggregate by key would group the rest again per page.

``read_snapshot`` holds one read transaction around an export, so that pages, nodes and edges all see the
same data while writers go on: no row is missed or repeated, and every edge's ends are among the nodes.
SQL is in ``?`` style and runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from narrascope.store.linking import CITATIONS, CITING

if TYPE_CHECKING:
    from narrascope.store.sql import Connection, Row

PAGE_ROWS = 10_000
TEXT_PAGE_ROWS = 1_000

# A speaker in the speaker graph: the canonical entity when one was resolved; else the source as written,
# kept apart per article ("he", "an official" in two articles are not known to be one person).
_SPEAKER_KEY = "CASE WHEN c.speaker_entity_id IS NOT NULL THEN c.speaker_entity_id ELSE c.article_id || '/' || c.speaker END"
_QUOTED = "c.statement_id IS NOT NULL AND c.speaker IS NOT NULL"  # claims someone is reported to make
_DENIES = "SUM(CASE WHEN nc.stance = 'denies' THEN 1 ELSE 0 END)"
_SENTENCE = "SUBSTR(a.text, {t}.sentence_start + 1, {t}.sentence_end - {t}.sentence_start) AS sentence"
_NARRATIVE_GRAPH = (
    " FROM narrative_claims nc JOIN narratives n ON n.id = nc.narrative_id JOIN claims c ON c.id = nc.claim_id"
    " JOIN articles a ON a.id = c.article_id"
)


@dataclass(frozen=True, slots=True)
class DumpFilter:
    """Which records an export holds. The article filters pick articles, and the records tied to them
    (statements, claims, citations); entities mentioned in, and narratives carried by, at least one of
    those articles. ``narrative_ids`` picks narratives by id (whether recurring or not); otherwise only
    recurring narratives are taken unless ``all_narratives``."""

    outlet: str | None = None
    language: str | None = None
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM-DD, inclusive
    narrative_ids: tuple[str, ...] = ()
    all_narratives: bool = False

    def article_clauses(self) -> tuple[list[str], list[object]]:
        """Conditions on articles (alias ``a``) and their parameters."""
        clauses: list[str] = []
        params: list[object] = []
        for clause, value in (
            ("LOWER(a.outlet) = LOWER(?)", self.outlet),
            ("a.language = ?", self.language),
            ("a.published >= ?", self.since),
            ("a.published <= ?", self.until),
        ):
            if value:
                clauses.append(clause)
                params.append(value)
        return clauses, params

    def narrative_clauses(self) -> tuple[list[str], list[object]]:
        """Conditions on narratives (alias ``n``) by id or recurrence (not by article)."""
        if self.narrative_ids:
            return [f"n.id IN ({', '.join('?' * len(self.narrative_ids))})"], list(self.narrative_ids)
        return ([] if self.all_narratives else ["n.recurring = 1"]), []


class DumpTables:
    conn: Connection
    dialect: str
    insert_order: str  # the articles column that numbers rows in insertion order

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the same committed data (SQLite's deferred
        transaction in WAL mode; PostgreSQL's REPEATABLE READ). Inside a transaction already, that one."""
        if self.dialect == "postgres":
            with self.conn.transaction():  # type: ignore[attr-defined]
                self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield
            return
        if getattr(self.conn, "in_transaction", False):
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("ROLLBACK")  # nothing was written

    # -- tables ---------------------------------------------------------------------------------------
    def dump_articles(self, f: DumpFilter) -> Iterator[list[dict[str, Any]]]:
        where, params = f.article_clauses()
        order = f"a.{self.insert_order}"
        select = (
            f"SELECT {order} AS k, a.id, a.published, a.outlet, a.language, a.title, a.author, a.url,"
            " a.word_count, a.date_source, a.source, a.ingested_at, a.content_hash, a.text FROM articles a"
        )
        for page in self._pages(select, where, params, [order], TEXT_PAGE_ROWS):
            yield [dict(r) for r in page]

    def dump_statements(self, f: DumpFilter) -> Iterator[list[dict[str, Any]]]:
        where, params = f.article_clauses()
        select = (
            "SELECT s.id AS k, s.id, s.article_id, s.kind, s.speaker, s.speaker_name, s.speaker_entity_id,"
            " s.role, s.cue, s.content, s.stance, s.content_start, s.content_end, s.cue_start, s.cue_end,"
            " s.speaker_start, s.speaker_end, s.sentence_start, s.sentence_end, s.content_parts, "
            + _SENTENCE.format(t="s")
            + ", a.outlet, a.published, a.title, a.url FROM statements s JOIN articles a ON a.id = s.article_id"
        )
        for page in self._pages(select, where, params, ["s.id"], PAGE_ROWS):
            yield [dict(r) for r in page]

    def dump_entities(self, f: DumpFilter) -> Iterator[list[dict[str, Any]]]:
        """Entities with their aliases and corpus-wide counts; with article filters, those mentioned in
        a matching article."""
        article_where, params = f.article_clauses()
        where = []
        if article_where:
            where.append(
                "EXISTS (SELECT 1 FROM mentions m JOIN articles a ON a.id = m.article_id"
                f" WHERE m.entity_id = e.id AND {' AND '.join(article_where)})"
            )
        select = (
            "SELECT e.id AS k, e.id, e.name, e.type,"
            " (SELECT COUNT(*) FROM mentions m WHERE m.entity_id = e.id) AS mentions,"
            " (SELECT COUNT(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = e.id) AS articles,"
            " (SELECT COUNT(*) FROM statements s WHERE s.speaker_entity_id = e.id) AS statements"
            " FROM entities e"
        )
        previous = None
        for page in self._pages(select, where, params, ["e.id"], PAGE_ROWS):
            aliases = self._lists(
                "SELECT entity_id, alias FROM entity_aliases WHERE entity_id <= ?{after}"
                " ORDER BY entity_id, alias",
                "entity_id",
                previous,
                page[-1]["k"],
            )
            previous = page[-1]["k"]
            yield [dict(r) | {"aliases": aliases.get(r["id"], [])} for r in page]

    def dump_narratives(self, f: DumpFilter) -> Iterator[list[dict[str, Any]]]:
        """Narratives with the names of their places, in id order."""
        where, params = self._narrative_where(f)
        select = (
            "SELECT n.id AS k, n.id, n.label, n.frame, n.accused, n.accused_name, n.first_seen, n.last_seen, n.claim_count,"
            " n.article_count, n.outlet_count, n.story_count, n.denial_count, n.recurring, n.label_claim_id,"
            " n.created_at FROM narratives n"
        )
        previous = None
        for page in self._pages(select, where, params, ["n.id"], PAGE_ROWS):
            places = self._lists(
                "SELECT DISTINCT p.narrative_id, COALESCE(e.name, REPLACE(p.place_id, 'country:', '')) AS place"
                " FROM narrative_places p"
                " LEFT JOIN entities e ON e.id = p.place_id WHERE p.narrative_id <= ?{after}"
                " ORDER BY p.narrative_id, place",
                "p.narrative_id",
                previous,
                page[-1]["k"],
            )
            previous = page[-1]["k"]
            yield [
                dict(r) | {"recurring": bool(r["recurring"]), "places": places.get(r["id"], [])} for r in page
            ]

    def dump_claims(self, f: DumpFilter) -> Iterator[list[dict[str, Any]]]:
        """Claims with their article's facts and the narratives they belong to, in the order linked."""
        where, params = f.article_clauses()
        if f.narrative_ids:
            marks = ", ".join("?" * len(f.narrative_ids))
            where.append(
                "EXISTS (SELECT 1 FROM narrative_claims nc WHERE nc.claim_id = c.id"
                f" AND nc.narrative_id IN ({marks}))"
            )
            params += list(f.narrative_ids)
        select = (
            "SELECT c.seq AS k, c.id, c.article_id, c.statement_id, c.text, c.speaker, c.speaker_entity_id,"
            " c.stance, c.frames, c.entity_ids, c.place_ids, c.text_start, c.text_end, c.sentence_start,"
            " c.sentence_end, "
            + _SENTENCE.format(t="c")
            + ", a.outlet, a.published, a.title, a.url FROM claims c JOIN articles a ON a.id = c.article_id"
        )
        previous = None
        for page in self._pages(select, where, params, ["c.seq"], PAGE_ROWS):
            narratives = self._lists(
                "SELECT nc.claim_id, nc.narrative_id FROM claims c JOIN narrative_claims nc"
                " ON nc.claim_id = c.id WHERE c.seq <= ?{after} ORDER BY nc.claim_id, nc.narrative_id",
                "c.seq",
                previous,
                page[-1]["k"],
            )
            previous = page[-1]["k"]
            yield [
                dict(r)
                | {
                    "frames": r["frames"].split(),
                    "entity_ids": r["entity_ids"].split(),
                    "place_ids": r["place_ids"].split(),
                    "narrative_ids": narratives.get(r["id"], []),
                }
                for r in page
            ]

    # -- the speaker graph: speakers -> narratives <- outlets -------------------------------------------
    def speaker_nodes(self, f: DumpFilter) -> Iterator[list[Row]]:
        where, params = self._graph_where(f, _QUOTED)
        select = (
            f"SELECT {_SPEAKER_KEY} AS k, MIN(COALESCE(en.name, c.speaker)) AS label,"
            " MIN(c.speaker_entity_id) AS entity_id, MIN(en.type) AS entity_type, COUNT(*) AS claims,"
            f" {_DENIES} AS denials, COUNT(DISTINCT nc.narrative_id) AS narratives"
            f"{_NARRATIVE_GRAPH} LEFT JOIN entities en ON en.id = c.speaker_entity_id"
        )
        return self._stream(select, where, params, 1)

    def narrative_nodes(self, f: DumpFilter) -> Iterator[list[Row]]:
        where, params = self._graph_where(f)
        select = (
            "SELECT n.id AS k, MIN(n.label) AS label, MIN(n.frame) AS frame, MIN(n.first_seen) AS first_seen,"
            " MIN(n.last_seen) AS last_seen, MIN(n.article_count) AS article_count, COUNT(*) AS claims,"
            f" {_DENIES} AS denials{_NARRATIVE_GRAPH}"
        )
        return self._stream(select, where, params, 1)

    def outlet_nodes(self, f: DumpFilter) -> Iterator[list[Row]]:
        where, params = self._graph_where(f, "a.outlet IS NOT NULL")
        select = (
            f"SELECT a.outlet AS k, COUNT(*) AS claims, {_DENIES} AS denials,"
            f" COUNT(DISTINCT nc.narrative_id) AS narratives, COUNT(DISTINCT a.id) AS articles{_NARRATIVE_GRAPH}"
        )
        return self._stream(select, where, params, 1)

    def speaker_edges(self, f: DumpFilter) -> Iterator[list[Row]]:
        """(speaker, narrative): the claims the speaker is reported to make in it, asserting or denying."""
        where, params = self._graph_where(f, _QUOTED)
        select = (
            f"SELECT {_SPEAKER_KEY} AS k, nc.narrative_id AS k2, COUNT(*) AS claims, {_DENIES} AS denials,"
            f" COUNT(DISTINCT c.article_id) AS articles{_NARRATIVE_GRAPH}"
        )
        return self._stream(select, where, params, 2)

    def outlet_edges(self, f: DumpFilter) -> Iterator[list[Row]]:
        """(outlet, narrative): the claims the outlet's articles carry, and how many in its own voice."""
        where, params = self._graph_where(f, "a.outlet IS NOT NULL")
        select = (
            f"SELECT a.outlet AS k, nc.narrative_id AS k2, COUNT(*) AS claims, {_DENIES} AS denials,"
            " SUM(CASE WHEN c.statement_id IS NULL THEN 1 ELSE 0 END) AS own_voice,"
            f" COUNT(DISTINCT c.article_id) AS articles{_NARRATIVE_GRAPH}"
        )
        return self._stream(select, where, params, 2)

    # -- the outlet citation graph ---------------------------------------------------------------------
    def citation_nodes(self, f: DumpFilter) -> Iterator[list[Row]]:
        """Every outlet that cites or is cited: citations made and received."""
        where, params = f.article_clauses()
        base = f"{CITATIONS} WHERE {' AND '.join([*CITING, *where])}"
        select = (
            "SELECT x.name AS k, SUM(x.cites) AS cites, SUM(x.cited) AS cited FROM"
            f" (SELECT a.outlet AS name, 1 AS cites, 0 AS cited{base}"
            f" UNION ALL SELECT mc.outlet AS name, 0 AS cites, 1 AS cited{base}) x"
        )
        return self._stream(select, [], params + params, 1)

    def citation_edges(self, f: DumpFilter) -> Iterator[list[Row]]:
        where, params = f.article_clauses()
        select = (
            "SELECT a.outlet AS k, mc.outlet AS k2, COUNT(*) AS citations, COUNT(DISTINCT a.id) AS articles"
            f"{CITATIONS}"
        )
        return self._stream(select, [*CITING, *where], params, 2)

    # -- ClaimReview ----------------------------------------------------------------------------------
    def first_assertion(self, narrative_id: str) -> Row | None:
        """Where a narrative's claim first appeared, for ClaimReview's ``appearance``: its earliest dated
        assertion, else its first undated one. Assertions only: a denial is no appearance of the claim,
        so unlike ``link.narratives.first_appearance`` this never falls back to one."""
        return self.conn.execute(
            "SELECT a.id, a.url, a.title, a.published, a.outlet, a.author, c.speaker, c.statement_id,"
            " en.type AS entity_type FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id"
            " JOIN articles a ON a.id = c.article_id LEFT JOIN entities en ON en.id = c.speaker_entity_id"
            " WHERE nc.narrative_id = ? AND nc.stance = 'asserts'"
            " ORDER BY nc.published IS NULL, nc.published, nc.article_id, nc.text_start, nc.claim_id LIMIT 1",
            (narrative_id,),
        ).fetchone()

    def appearances(self, narrative_id: str) -> Iterator[list[Row]]:
        """The articles asserting a narrative's claims (a denial is no appearance), dated ones first."""
        undated = "CASE WHEN a.published IS NULL THEN 1 ELSE 0 END"
        select = (
            f"SELECT {undated} AS k, COALESCE(a.published, '') AS k2, a.id AS k3, MIN(a.url) AS url,"
            " MIN(a.title) AS title, MIN(a.published) AS published, MIN(a.outlet) AS outlet,"
            " MIN(a.author) AS author FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id"
            " JOIN articles a ON a.id = c.article_id"
        )
        where = ["nc.narrative_id = ?", "nc.stance <> 'denies'"]
        keys = [undated, "COALESCE(a.published, '')", "a.id"]
        return self._pages(select, where, [narrative_id], keys, PAGE_ROWS, group=True)

    # -- paging ---------------------------------------------------------------------------------------
    def _pages(
        self,
        select: str,
        where: Sequence[str],
        params: Sequence[object],
        keys: Sequence[str],
        size: int,
        *,
        group: bool = False,
    ) -> Iterator[list[Row]]:
        """Pages of ``select`` (whose first columns are ``keys``, named ``k``, ``k2``, ...) in key order:
        each page starts after the last key of the one before."""
        positions = ", ".join(str(i + 1) for i in range(len(keys)))
        tail = (f" GROUP BY {positions}" if group else "") + f" ORDER BY {positions} LIMIT ?"
        names = ["k", *(f"k{i + 1}" for i in range(1, len(keys)))]
        last: list[object] | None = None
        while True:
            clauses = list(where)
            if last is not None:
                clauses.append(
                    f"{keys[0]} > ?"
                    if len(keys) == 1
                    else f"({', '.join(keys)}) > ({', '.join('?' * len(keys))})"
                )
            sql = select + (" WHERE " + " AND ".join(clauses) if clauses else "") + tail
            page = self.conn.execute(sql, [*params, *(last or []), size]).fetchall()
            if page:
                yield page
            if len(page) < size:
                return
            last = [page[-1][name] for name in names]

    def _stream(
        self, select: str, where: Sequence[str], params: Sequence[object], keys: int
    ) -> Iterator[list[Row]]:
        """Pages of ``PAGE_ROWS`` rows of one aggregate, grouped and ordered by its first ``keys`` columns,
        read through one cursor: SQLite steps its sorter as rows are fetched, PostgreSQL's rows come from
        a server-side cursor, so memory holds one page. (Paging an aggregate by key would group every
        row after the key again for each page: quadratic in the store's size.) Needs ``read_snapshot``."""
        positions = ", ".join(str(i + 1) for i in range(keys))
        sql = select + (" WHERE " + " AND ".join(where) if where else "")
        sql += f" GROUP BY {positions} ORDER BY {positions}"
        if self.dialect == "postgres":
            from narrascope.store.pg_connection import pyformat

            with self.conn.raw.cursor(name="narrascope_dump") as cursor:  # type: ignore[attr-defined]
                cursor.execute(pyformat(sql), list(params))
                while page := cursor.fetchmany(PAGE_ROWS):
                    yield page
            return
        cursor = self.conn.execute(sql, params)
        try:
            while page := cursor.fetchmany(PAGE_ROWS):
                yield page
        finally:
            cursor.close()

    def _lists(self, sql: str, key: str, after: object, upto: object) -> dict[str, list[str]]:
        """Values by owner for owners in (``after``, ``upto``]: one range query per page."""
        params = [upto] if after is None else [upto, after]
        found: dict[str, list[str]] = {}
        for owner, value in self.conn.execute(
            sql.format(after="" if after is None else f" AND {key} > ?"), params
        ):
            found.setdefault(owner, []).append(value)
        return found

    def _narrative_where(self, f: DumpFilter) -> tuple[list[str], list[object]]:
        where, params = f.narrative_clauses()
        article_where, article_params = f.article_clauses()
        if article_where:
            where.append(
                "EXISTS (SELECT 1 FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id"
                " JOIN articles a ON a.id = c.article_id"
                f" WHERE nc.narrative_id = n.id AND {' AND '.join(article_where)})"
            )
            params += article_params
        return where, params

    def _graph_where(self, f: DumpFilter, *extra: str) -> tuple[list[str], list[object]]:
        where, params = f.narrative_clauses()
        article_where, article_params = f.article_clauses()
        return [*where, *article_where, *extra], params + article_params
