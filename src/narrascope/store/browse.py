"""Read queries for the REST API and the web UI, beyond the CLI's listings, and the two deletes.

Claims, an article's entities and mentions, an entity's counts and pages, stories, a narrative's
aggregates (timeline, speakers) and evidence pages, vector hits filtered in SQL, the watchlist, the
outlet citation graph's edges with their first citations. Every
listing is paged (``LIMIT``/``OFFSET``) with a total order, and counted with the same conditions as it
lists. Filters on entities go through indexed subqueries (mentions by entity, statements by speaker), and
full-text filters on statements and claims first narrow to the articles the text index finds.

SQL is portable (SQLite and PostgreSQL). Aliases: ``a`` articles, ``s`` statements, ``c`` claims.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from narrascope.errors import NarrascopeError
from narrascope.model import Mention, Statement, Story
from narrascope.store import query
from narrascope.store.linking import CITATIONS, CITING
from narrascope.store.query import fts_terms, ilike, like_escape, text_only

if TYPE_CHECKING:
    from narrascope.store.sql import Connection, Row

_A = "a.id, a.content_hash, a.text, a.source, a.url, a.outlet, a.title, a.author, a.published, a.date_source, a.language, a.word_count"
_AS = (
    "a.id, a.url, a.outlet, a.title, a.author, a.published, a.date_source, a.language, a.word_count, a.source"
)
_S = ", ".join("s." + f.name for f in fields(Statement))
_C = (
    "c.id, c.seq, c.article_id, c.statement_id, c.text, c.text_start, c.text_end, c.sentence_start,"
    " c.sentence_end, c.speaker, c.speaker_entity_id, c.stance, c.frames, c.entity_ids, c.place_ids,"
    " (SELECT GROUP_CONCAT(x.narrative_id, ' ') FROM (SELECT narrative_id FROM narrative_claims"
    " WHERE claim_id = c.id ORDER BY narrative_id) x) AS narrative_ids,"
    " a.outlet, a.published, a.title, a.url"
)
CACHED_QUERIES = 256  # results remembered per connection
_EVIDENCE = (
    "SELECT nc.claim_id, nc.stance, nc.score, nc.via, c.text, c.text_start, c.text_end,"
    " c.sentence_start, c.sentence_end, c.speaker, c.speaker_entity_id, c.statement_id,"
    " s.cue, s.role, s.kind, c.article_id, a.outlet, a.published, a.title, a.url,"
    " SUBSTR(a.text, c.sentence_start + 1, c.sentence_end - c.sentence_start) AS sentence,"
    " l.story_id, l.copy_of FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id"
    " JOIN articles a ON a.id = c.article_id LEFT JOIN statements s ON s.id = c.statement_id"
    " LEFT JOIN article_links l ON l.article_id = c.article_id WHERE nc.narrative_id = ?"
)
# the keys of index narrative_claims_time (migration 0008): a page walks the index
_EVIDENCE_ORDER = "nc.published IS NULL, nc.published, nc.article_id, nc.text_start, nc.claim_id"
_DENIES = "CASE WHEN nc.stance = 'denies' THEN 1 ELSE 0 END"
WATCH_ITEM_COLUMNS = (
    "id, kind, title, published, url, countries, keywords, languages, outlets, rating, claimant, reviewer,"
    " frames, places, added_at"
)


@dataclass(frozen=True, slots=True)
class Filters:
    """What to keep; each filter applies to the records that have its field.

    ``speaker``: part of the speaker's canonical name or of the source as written; ``entity_ids``: said by,
    or naming, one of these entities (an empty tuple keeps nothing); ``outlet``, ``language``,
    ``since``/``until`` (ISO dates, inclusive): the article's; ``stance``: asserts or denies (an article:
    one of its claims); ``kind``: the statement's; ``narrative_id``, ``frame``: the claim's; ``text``: every
    word or "quoted phrase" (full-text over the article, then the statement or claim text itself).
    """

    speaker: str | None = None
    entity_ids: tuple[str, ...] | None = None
    outlet: str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    stance: str | None = None
    kind: str | None = None
    article_id: str | None = None
    narrative_id: str | None = None
    frame: str | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article as a listing shows it: everything but its text (listings never read the texts)."""

    id: str
    url: str | None
    outlet: str | None
    title: str | None
    author: str | None
    published: str | None
    date_source: str | None
    language: str | None
    word_count: int
    source: str


@dataclass(frozen=True, slots=True)
class StoryJoinRow:
    """Why an article is in its story: the article it joined through and their cosines."""

    article_id: str
    via_id: str
    via_title: str | None
    copy: bool  # a copy of ``via``, in its original's story
    score: float | None  # title-and-lead cosine
    word_score: float | None  # shared-word (TF-IDF) cosine; None where not checked


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A stored claim with its frames, narratives and the article facts a listing shows beside it."""

    id: str
    seq: int
    article_id: str
    statement_id: str | None
    text: str
    text_start: int
    text_end: int
    sentence_start: int
    sentence_end: int
    speaker: str | None
    speaker_entity_id: str | None
    stance: str
    frames: str  # "frame:stance ..."
    entity_ids: str
    place_ids: str
    narrative_ids: str | None
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class ArticleEntity:
    """An entity as one article mentions it."""

    id: str
    name: str
    type: str
    mentions: int
    first_start: int


@dataclass(frozen=True, slots=True)
class CitationExample:
    """One citation as evidence for an edge: the cue, the cited name's offsets and its sentence."""

    article_id: str
    cue: str
    start: int
    end: int
    sentence: str
    title: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class CitationEdge:
    """An outlet's citations of one medium, over all its articles; ``examples`` only when asked for."""

    citing: str
    cited: str
    citations: int
    articles: int
    examples: tuple[CitationExample, ...] = ()


@dataclass(slots=True)
class Removed:
    """What deleting an article touched, for the caller to finish in the same transaction."""

    narratives: list[str]
    stories: list[str]


def _on_articles(f: Filters) -> bool:
    """Whether ``f`` filters statements or claims on their article (outlet, language, dates), so a count
    must join it."""
    return bool(f.outlet or f.language or f.since or f.until)


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values)) or "NULL"


def _speaker_condition(*columns: str) -> tuple[str, int]:
    """A speaker matching a pattern in any of ``columns`` (as written, as resolved then), or by any name its
    entity has now ("Sergei Lavrov" finds the statements resolved as "Sergey Lavrov"); and how many times
    the condition takes the pattern."""
    alias = columns[0].split(".")[0]
    names = " OR ".join(ilike(column) for column in columns)
    condition = (
        f"({names} OR {alias}.speaker_entity_id IN (SELECT e.id FROM entities e WHERE {ilike('e.name')}"
        f" UNION SELECT x.entity_id FROM entity_aliases x WHERE {ilike('x.alias')}))"
    )
    return condition, len(columns) + 2


STATEMENT_SPEAKER = _speaker_condition("s.speaker_name", "s.speaker")
CLAIM_SPEAKER = _speaker_condition("c.speaker")


class BrowseTables:
    conn: Connection
    dialect: str

    _article_clauses: Callable[..., tuple[list[str], list[object]]]  # SQLStore's article conditions

    _text_clause: Callable[..., tuple[str, list[object]]]  # the back end's full-text condition
    _many_matches: Callable[..., bool]
    _count_matches: Callable[..., int | None]

    def _by_id_or_prefix(self, select: str, column: str, id_or_prefix: str, noun: str) -> Row | None:
        """The row of ``select`` whose ``column`` (a 16-hex-digit id) is ``id_or_prefix``, else the one it
        starts with (4 to 15 hex digits: an index range); ``None`` when there is none, E104 when the
        prefix fits several."""
        key = id_or_prefix.lower()
        rows = self.conn.execute(f"{select} WHERE {column} = ?", (key,)).fetchall()
        bounds = query.id_prefix_range(key)
        if not rows and bounds:
            rows = self.conn.execute(
                f"{select} WHERE {column} >= ? AND {column} < ? ORDER BY {column} LIMIT 2", bounds
            ).fetchall()
        if len(rows) > 1:
            raise NarrascopeError("E104", f"{noun} id prefix {id_or_prefix!r} is ambiguous: give more of it")
        return rows[0] if rows else None

    # -- conditions -------------------------------------------------------------------------------------
    def _add_text(
        self, clauses: list[str], params: list[object], table: str, alias: str, text: str | None, paging: bool
    ) -> None:
        """The full-text condition on ``table``'s own text, if ``text`` holds terms; ``paging``: a search
        with many matches walks the listing's order (``_many_matches``)."""
        terms = fts_terms(text or "")
        if terms:
            walk = paging and self._many_matches(terms, table)
            clause, values = self._text_clause(table, alias, terms, walk=walk)
            clauses.append(clause)
            params += values

    def _conditions(self, kind: str, f: Filters, *, paging: bool = False) -> tuple[str, list[object]]:
        """`` AND ...`` conditions for ``kind`` (articles, statements or claims) and their parameters;
        ``paging``: for a page in date order (see ``SQLStore._article_clauses``)."""
        # text is the article's own for articles; statements and claims are searched in their own text
        text = f.text if kind == "articles" else None
        clauses, params = self._article_clauses(f.outlet, f.language, f.since, f.until, text, paging=paging)
        ids = list(f.entity_ids) if f.entity_ids is not None else None
        speaker = f"%{like_escape(f.speaker)}%" if f.speaker else None
        if kind == "articles":
            if speaker:
                condition, uses = STATEMENT_SPEAKER
                clauses.append(f"a.id IN (SELECT s.article_id FROM statements s WHERE {condition})")
                params += [speaker] * uses
            if ids is not None:
                clauses.append(
                    f"(a.id IN (SELECT m.article_id FROM mentions m WHERE m.entity_id IN ({_marks(ids)}))"
                    " OR a.id IN (SELECT s.article_id FROM statements s"
                    f" WHERE s.speaker_entity_id IN ({_marks(ids)})))"
                )
                params += ids + ids
            if f.stance:
                clauses.append("a.id IN (SELECT c.article_id FROM claims c WHERE c.stance = ?)")
                params.append(f.stance)
            if f.article_id:
                clauses.append("a.id = ?")
                params.append(f.article_id)
        elif kind == "statements":
            self._add_text(clauses, params, "statements", "s", f.text, paging)
            if speaker:
                condition, uses = STATEMENT_SPEAKER
                clauses.append(condition)
                params += [speaker] * uses
            if ids is not None:
                clauses.append(
                    f"s.id IN (SELECT x.id FROM statements x WHERE x.speaker_entity_id IN ({_marks(ids)})"
                    " UNION SELECT x.id FROM mentions m JOIN statements x ON x.article_id = m.article_id"
                    f" WHERE m.entity_id IN ({_marks(ids)})"
                    " AND m.start_char >= x.content_start AND m.end_char <= x.content_end)"
                )
                params += ids + ids
            for column, value in (("s.stance", f.stance), ("s.kind", f.kind), ("s.article_id", f.article_id)):
                if value:
                    clauses.append(f"{column} = ?")
                    params.append(value)
        else:
            self._add_text(clauses, params, "claims", "c", f.text, paging)
            if speaker:
                condition, uses = CLAIM_SPEAKER
                clauses.append(condition)
                params += [speaker] * uses
            if ids is not None:
                clauses.append(
                    "c.id IN (SELECT x.id FROM statements y JOIN claims x ON x.statement_id = y.id"
                    f" WHERE y.speaker_entity_id IN ({_marks(ids)})"
                    " UNION SELECT x.id FROM mentions m JOIN claims x ON x.article_id = m.article_id"
                    f" WHERE m.entity_id IN ({_marks(ids)})"
                    " AND m.start_char >= x.text_start AND m.end_char <= x.text_end)"
                )
                params += ids + ids
            for column, value in (("c.stance", f.stance), ("c.article_id", f.article_id)):
                if value:
                    clauses.append(f"{column} = ?")
                    params.append(value)
            if f.narrative_id:
                clauses.append("c.id IN (SELECT claim_id FROM narrative_claims WHERE narrative_id = ?)")
                params.append(f.narrative_id)
            if f.frame:  # a framed claim is in a narrative of its frame (indexed); its frames say so
                framed = ilike("' ' || c.frames")
                clauses.append(
                    "c.id IN (SELECT nc.claim_id FROM narratives n JOIN narrative_claims nc"
                    f" ON nc.narrative_id = n.id WHERE n.frame = ?) AND {framed}"
                )
                params += [f.frame, f"% {like_escape(f.frame)}:%"]
        return "".join(" AND " + c for c in clauses), params

    # -- counting ------------------------------------------------------------------------------------------
    def _cached(self, sql: str, params: Sequence[object]) -> list[Row]:
        """``sql``'s rows, remembered on SQLite until the database changes (``data_version`` moves when
        another connection commits, ``total_changes`` when this one writes): for counts and aggregates
        that read many rows, so that paging through a listing pays for them once."""
        if self.dialect != "sqlite":
            return self.conn.execute(sql, params).fetchall()
        version = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)  # type: ignore[attr-defined]
        cache: dict = self.__dict__.setdefault("_remembered", {})
        key = (sql, tuple(params))
        hit = cache.get(key)
        if hit is not None and hit[0] == version:
            return hit[1]
        if len(cache) >= CACHED_QUERIES:
            cache.clear()
        rows = self.conn.execute(sql, params).fetchall()
        cache[key] = (version, rows)
        return rows

    def _count(self, sql: str, params: Sequence[object]) -> int:
        return self._cached(sql, params)[0][0]

    def _dated_then_undated(
        self, sql: str, params: list[object], dated: str, undated: str, limit: int, offset: int, count: str
    ) -> list[Row]:
        """``sql`` (ending in its conditions) in the order ``a.published IS NULL, <dated>``, read as two
        index-ordered parts, dated then undated, so that a page never sorts the whole table; ``count`` is
        its ``COUNT(*)`` form, needed only to page past the dated part."""
        rows = self.conn.execute(
            f"{sql} AND a.published IS NOT NULL ORDER BY {dated} LIMIT ? OFFSET ?", [*params, limit, offset]
        ).fetchall()
        if len(rows) == limit:
            return rows
        before = offset + len(rows) if rows else self._count(f"{count} AND a.published IS NOT NULL", params)
        return (
            rows
            + self.conn.execute(
                f"{sql} AND a.published IS NULL ORDER BY {undated} LIMIT ? OFFSET ?",
                [*params, limit - len(rows), max(0, offset - before)],
            ).fetchall()
        )

    # -- articles, statements, claims --------------------------------------------------------------------
    def find_articles(self, f: Filters) -> list[ArticleSummary]:
        """Newest first (``a.published IS NULL, a.published DESC, a.ingested_at DESC, a.id``)."""
        where, params = self._conditions("articles", f, paging=True)
        rows = self._dated_then_undated(
            f"SELECT {_AS} FROM articles a WHERE 1 = 1{where}", params,
            "a.published DESC, a.ingested_at DESC, a.id", "a.ingested_at DESC, a.id", f.limit, f.offset,
            f"SELECT COUNT(*) FROM articles a WHERE 1 = 1{where}",
        )  # fmt: skip
        return [ArticleSummary(*r) for r in rows]

    def count_found_articles(self, f: Filters) -> int:
        where, params = self._conditions("articles", f)
        return self._count(f"SELECT COUNT(*) FROM articles a WHERE 1 = 1{where}", params)

    def find_statements(self, f: Filters) -> list[Row]:
        """Statements with their article's outlet, published, title and url (``StatementRow`` fields), in
        time order (``a.published IS NULL, a.published, s.article_id, s.cue_start, s.id``). Unless a filter
        picks statements through an index (a few text matches count as one), articles are read in date
        order first (``CROSS JOIN`` fixes SQLite's join order), so a page stops early instead of sorting
        every statement."""
        where, params = self._conditions("statements", f, paging=True)
        join = "statements s JOIN articles a ON a.id = s.article_id"
        terms = fts_terms(f.text or "")
        if (
            f.entity_ids is None
            and not f.article_id
            and (not terms or self._many_matches(terms, "statements"))
        ):
            join = "articles a CROSS JOIN statements s"
        return self._dated_then_undated(
            f"SELECT {_S}, a.outlet, a.published, a.title, a.url FROM {join} WHERE s.article_id = a.id{where}",
            params, "a.published, a.id, s.cue_start, s.id", "a.id, s.cue_start, s.id", f.limit, f.offset,
            f"SELECT COUNT(*) FROM {join} WHERE s.article_id = a.id{where}",
        )  # fmt: skip

    def count_found_statements(self, f: Filters) -> int:
        counted = self._count_matches(text_only(f), "statements")  # a text-only count: the index alone
        if counted is not None:
            return counted
        where, params = self._conditions("statements", f)
        if not _on_articles(f):  # every statement has its article
            return self._count(f"SELECT COUNT(*) FROM statements s WHERE 1 = 1{where}", params)
        return self._count(
            f"SELECT COUNT(*) FROM statements s JOIN articles a ON a.id = s.article_id WHERE 1 = 1{where}",
            params,
        )

    def find_claims(self, f: Filters) -> list[ClaimRow]:
        """Claims in the order they were linked (oldest publication first within each link run)."""
        where, params = self._conditions("claims", f, paging=True)
        rows = self.conn.execute(
            f"SELECT {_C} FROM claims c JOIN articles a ON a.id = c.article_id WHERE 1 = 1{where}"
            " ORDER BY c.seq LIMIT ? OFFSET ?",
            [*params, f.limit, f.offset],
        ).fetchall()
        return [ClaimRow(*r) for r in rows]

    def count_found_claims(self, f: Filters) -> int:
        counted = self._count_matches(text_only(f), "claims")  # a text-only count: the index alone
        if counted is not None:
            return counted
        where, params = self._conditions("claims", f)
        if not _on_articles(f):
            return self._count(f"SELECT COUNT(*) FROM claims c WHERE 1 = 1{where}", params)
        return self._count(
            f"SELECT COUNT(*) FROM claims c JOIN articles a ON a.id = c.article_id WHERE 1 = 1{where}", params
        )

    # -- vector hits, filtered --------------------------------------------------------------------------
    def articles_at(self, seqs: Sequence[int], f: Filters) -> dict[int, ArticleSummary]:
        """The linked articles among index keys ``seqs`` that pass ``f``, by key."""
        where, params = self._conditions("articles", f)
        rows = self.conn.execute(
            f"SELECT l.seq, {_AS} FROM article_links l JOIN articles a ON a.id = l.article_id"
            f" WHERE l.seq IN ({_marks(seqs)}){where}",
            [*seqs, *params],
        ).fetchall()
        return {r[0]: ArticleSummary(*list(r)[1:]) for r in rows}

    def claims_at(self, seqs: Sequence[int], f: Filters) -> dict[int, ClaimRow]:
        where, params = self._conditions("claims", f)
        rows = self.conn.execute(
            f"SELECT {_C} FROM claims c JOIN articles a ON a.id = c.article_id"
            f" WHERE c.seq IN ({_marks(seqs)}){where}",
            [*seqs, *params],
        ).fetchall()
        return {r[1]: ClaimRow(*r) for r in rows}

    def statements_at(self, seqs: Sequence[int], f: Filters) -> dict[int, Row]:
        """Statements whose claims have index keys ``seqs`` and that pass ``f``, by claim key."""
        where, params = self._conditions("statements", f)
        rows = self.conn.execute(
            f"SELECT c.seq AS claim_seq, {_S}, a.outlet, a.published, a.title, a.url FROM claims c"
            " JOIN statements s ON s.id = c.statement_id JOIN articles a ON a.id = s.article_id"
            f" WHERE c.seq IN ({_marks(seqs)}){where}",
            [*seqs, *params],
        ).fetchall()
        return {r["claim_seq"]: r for r in rows}

    # -- an article's entities and mentions ---------------------------------------------------------------
    def article_entities(self, article_id: str, limit: int, offset: int) -> list[ArticleEntity]:
        rows = self.conn.execute(
            "SELECT e.id, e.name, e.type, COUNT(*) AS mentions, MIN(m.start_char) AS first_start"
            " FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ?"
            " GROUP BY e.id, e.name, e.type ORDER BY mentions DESC, first_start, e.id LIMIT ? OFFSET ?",
            (article_id, limit, offset),
        ).fetchall()
        return [ArticleEntity(*r) for r in rows]

    def count_article_entities(self, article_id: str) -> int:
        return self.conn.execute(
            "SELECT COUNT(DISTINCT entity_id) FROM mentions WHERE article_id = ?", (article_id,)
        ).fetchone()[0]

    def article_mentions(self, article_id: str, limit: int, offset: int) -> list[Mention]:
        rows = self.conn.execute(
            "SELECT article_id, entity_id, start_char, end_char, text, label FROM mentions"
            " WHERE article_id = ? ORDER BY start_char, end_char LIMIT ? OFFSET ?",
            (article_id, limit, offset),
        ).fetchall()
        return [Mention(*r) for r in rows]

    def count_article_mentions(self, article_id: str) -> int:
        return self.conn.execute(
            "SELECT COUNT(*) FROM mentions WHERE article_id = ?", (article_id,)
        ).fetchone()[0]

    # -- entities -------------------------------------------------------------------------------------------
    def _entity_where(self, name: str | None, type_: str | None) -> tuple[str, list[object]]:
        clauses, params = [], []
        if name:
            clauses.append(
                f"({ilike('e.name')} OR e.id IN (SELECT entity_id FROM entity_aliases WHERE {ilike('alias')}))"
            )
            params += [f"%{like_escape(name)}%"] * 2
        if type_:
            clauses.append("e.type = ?")
            params.append(type_.upper())
        return "".join(" AND " + c for c in clauses), params

    def entity_page(
        self, name: str | None, type_: str | None, limit: int, offset: int, *, articles: bool = False
    ) -> list[Row]:
        """Entities most mentioned first, counting every entity's mentions in one grouped pass over the
        index; the page's rows alone then count their statements (and, with ``articles``, the articles
        mentioning them) and gather their aliases: (id, name, type, mentions, [articles,] statements,
        aliases)."""
        where, params = self._entity_where(name, type_)
        per_article = (
            " (SELECT COUNT(DISTINCT m.article_id) FROM mentions m WHERE m.entity_id = p.id) AS articles,"
            if articles
            else ""
        )
        return self._cached(
            f"SELECT p.id, p.name, p.type, p.mentions,{per_article}"
            " (SELECT COUNT(*) FROM statements s WHERE s.speaker_entity_id = p.id) AS statements,"
            " (SELECT GROUP_CONCAT(x.alias, ' | ') FROM (SELECT alias FROM entity_aliases"
            " WHERE entity_id = p.id ORDER BY alias) x) AS aliases"
            " FROM (SELECT e.id, e.name, e.type, COALESCE(n.mentions, 0) AS mentions FROM entities e"
            " LEFT JOIN (SELECT entity_id, COUNT(*) AS mentions FROM mentions GROUP BY entity_id) n"
            f" ON n.entity_id = e.id WHERE 1 = 1{where} ORDER BY mentions DESC, e.name, e.id LIMIT ? OFFSET ?) p"
            " ORDER BY p.mentions DESC, p.name, p.id",
            [*params, limit, offset],
        )

    def count_entity_rows(self, name: str | None, type_: str | None) -> int:
        where, params = self._entity_where(name, type_)
        return self._count(f"SELECT COUNT(*) FROM entities e WHERE 1 = 1{where}", params)

    def entity_counts(self, entity_id: str) -> tuple[int, int, int]:
        """(mentions, articles mentioning it, statements it made)."""
        row = self._cached(
            "SELECT (SELECT COUNT(*) FROM mentions WHERE entity_id = ?),"
            " (SELECT COUNT(DISTINCT article_id) FROM mentions WHERE entity_id = ?),"
            " (SELECT COUNT(*) FROM statements WHERE speaker_entity_id = ?)",
            (entity_id, entity_id, entity_id),
        )[0]
        return row[0], row[1], row[2]

    def entity_article_page(self, entity_id: str, limit: int, offset: int) -> list[ArticleSummary]:
        """The articles mentioning an entity, oldest first (``a.published IS NULL, a.published, a.id``).
        On SQLite an entity with many mentions walks the date index and keeps its articles, stopping at
        the page's end; sorting all of them took seconds for an entity in 279k articles. Few are sorted."""
        mentioned = "a.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)"
        if self.dialect == "sqlite":
            many = self._count("SELECT COUNT(*) FROM mentions WHERE entity_id = ?", [entity_id])
            if many > query.MANY_MATCHES:
                mentioned = "+" + mentioned
        rows = self._dated_then_undated(
            f"SELECT {_AS} FROM articles a WHERE {mentioned}", [entity_id], "a.published, a.id", "a.id",
            limit, offset, f"SELECT COUNT(*) FROM articles a WHERE {mentioned}",
        )  # fmt: skip
        return [ArticleSummary(*r) for r in rows]

    # -- stories ----------------------------------------------------------------------------------------------
    def get_story(self, id_or_prefix: str) -> Story | None:
        """A story by its id, else by a unique prefix (``_by_id_or_prefix``)."""
        select = "SELECT id, label, first_seen, last_seen, article_count FROM stories"
        row = self._by_id_or_prefix(select, "id", id_or_prefix, "story")
        return None if row is None else Story(*row)

    def count_stories(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM stories").fetchone()[0]

    def story_article_page(self, story_id: str, limit: int, offset: int) -> list[ArticleSummary]:
        rows = self.conn.execute(
            f"SELECT {_AS} FROM article_links l JOIN articles a ON a.id = l.article_id WHERE l.story_id = ?"
            " ORDER BY a.published IS NULL, a.published, a.id LIMIT ? OFFSET ?",
            (story_id, limit, offset),
        ).fetchall()
        return [ArticleSummary(*r) for r in rows]

    def story_joins(self, article_ids: Sequence[str]) -> list[StoryJoinRow]:
        """The join evidence of those of ``article_ids`` that joined a story (not the one each started)."""
        if not article_ids:
            return []
        marks = ", ".join("?" * len(article_ids))
        rows = self.conn.execute(
            "SELECT l.article_id, l.story_via, v.title, l.copy_of IS NOT NULL, l.story_score,"
            " l.story_word_score FROM article_links l LEFT JOIN articles v ON v.id = l.story_via"
            f" WHERE l.story_via IS NOT NULL AND l.article_id IN ({marks})",
            list(article_ids),
        ).fetchall()
        return [StoryJoinRow(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]

    # -- narratives -------------------------------------------------------------------------------------------
    def _evidence_query(self, narrative_id: str, where: str, params: list[object], order: str, limit: int,
                  offset: int) -> tuple[str, list[object]]:  # fmt: skip
        """The query for the evidence rows of one page: the page's claims are chosen on the sort keys
        alone, so that only they read their article's text (for the sentence)."""
        page = f"SELECT nc.claim_id FROM narrative_claims nc WHERE nc.narrative_id = ?{where} ORDER BY {order} LIMIT ? OFFSET ?"
        return (
            f"{_EVIDENCE} AND nc.claim_id IN ({page}) ORDER BY {order}",
            [narrative_id, narrative_id, *params, limit, offset],
        )

    def narrative_firsts(self, narrative_id: str) -> tuple[Row | None, Row | None]:
        """The narrative's first assertion and first denial (evidence order: dated first), one index seek
        each: ``link.narratives.first_appearance`` picks between them."""
        firsts = []
        for stance in ("asserts", "denies"):
            query, params = self._evidence_query(
                narrative_id, " AND nc.stance = ?", [stance], _EVIDENCE_ORDER, 1, 0
            )
            firsts.append(next(iter(self._cached(query, params)), None))
        return firsts[0], firsts[1]

    def narrative_evidence_page(
        self, narrative_id: str, stance: str | None, limit: int, offset: int
    ) -> list[Row]:
        """A page of the narrative's claims with their article and statement, in time order."""
        where, params = (" AND nc.stance = ?", [stance]) if stance else ("", [])
        return self.conn.execute(
            *self._evidence_query(narrative_id, where, params, _EVIDENCE_ORDER, limit, offset)
        ).fetchall()

    def count_narrative_claims(self, narrative_id: str, stance: str | None = None) -> int:
        where = " AND stance = ?" if stance else ""
        return self._count(
            f"SELECT COUNT(*) FROM narrative_claims WHERE narrative_id = ?{where}",
            [narrative_id, *([stance] if stance else [])],
        )

    # -- watchlist ----------------------------------------------------------------------------------------------
    def watch_item_page(self, limit: int, offset: int) -> list[Row]:
        return self.conn.execute(
            f"SELECT {WATCH_ITEM_COLUMNS}, (SELECT COUNT(*) FROM watch_matches m WHERE m.item_id = w.id)"
            " AS matches FROM watch_items w ORDER BY w.seq LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()

    def get_watch_item(self, item_id: str) -> Row | None:
        return self.conn.execute(
            f"SELECT {WATCH_ITEM_COLUMNS}, (SELECT COUNT(*) FROM watch_matches m WHERE m.item_id = w.id)"
            " AS matches FROM watch_items w WHERE w.id = ?",
            (item_id,),
        ).fetchone()

    def _match_where(self, since: str | None, item_id: str | None) -> tuple[str, list[object]]:
        clauses, params = [], []
        if since:
            clauses.append("m.matched_at > ?")
            params.append(since)
        if item_id:
            clauses.append("m.item_id = ?")
            params.append(item_id)
        return "".join(" AND " + c for c in clauses), params

    def watch_match_page(self, since: str | None, item_id: str | None, limit: int, offset: int) -> list[Row]:
        """Matches recorded after ``since`` (all without it), of one item or every item; best first."""
        where, params = self._match_where(since, item_id)
        return self.conn.execute(
            "SELECT m.item_id, w.title AS watched, w.url AS watch_url, m.score, m.stance, m.via, m.claim_id,"
            " m.article_id, a.outlet, a.published, a.title, c.text AS claim, c.speaker, m.matched_at"
            " FROM watch_matches m JOIN watch_items w ON w.id = m.item_id JOIN claims c ON c.id = m.claim_id"
            f" JOIN articles a ON a.id = m.article_id WHERE 1 = 1{where}"
            " ORDER BY m.score DESC, m.item_id, m.article_id, m.claim_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()

    def count_watch_match_rows(self, since: str | None, item_id: str | None) -> int:
        where, params = self._match_where(since, item_id)
        return self.conn.execute(
            f"SELECT COUNT(*) FROM watch_matches m WHERE 1 = 1{where}", params
        ).fetchone()[0]

    # -- media citations ------------------------------------------------------------------------------------------
    def _citation_where(self, citing: str | None, cited: str | None) -> tuple[str, list[object]]:
        """The citations the graph counts (``CITING``), of one citing outlet and one cited medium when given
        (in any case, as the outlet filters of the other listings)."""
        clauses = [*CITING]
        params: list[object] = []
        for column, value in (("a.outlet", citing), ("mc.outlet", cited)):
            if value:
                clauses.append(f"LOWER({column}) = LOWER(?)")
                params.append(value)
        return " WHERE " + " AND ".join(clauses), params

    def citation_edge_page(
        self, citing: str | None, cited: str | None, limit: int, offset: int
    ) -> list[CitationEdge]:
        """Most citations first, then by citing outlet and cited medium."""
        where, params = self._citation_where(citing, cited)
        rows = self._cached(
            "SELECT a.outlet, mc.outlet, COUNT(*), COUNT(DISTINCT a.id)"
            f"{CITATIONS}{where} GROUP BY a.outlet, mc.outlet"
            " ORDER BY COUNT(*) DESC, a.outlet, mc.outlet LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [CitationEdge(*r) for r in rows]

    def count_citation_edges(self, citing: str | None, cited: str | None) -> int:
        where, params = self._citation_where(citing, cited)
        return self._count(
            f"SELECT COUNT(*) FROM (SELECT 1{CITATIONS}{where} GROUP BY a.outlet, mc.outlet) x", params
        )

    def citation_examples(
        self, edges: Sequence[tuple[str, str]], per_edge: int
    ) -> dict[tuple[str, str], list[CitationExample]]:
        """The first ``per_edge`` citations of each (citing, cited) edge, dated first (then by article and
        place in its text). The examples are chosen on their keys alone; only they read their sentence."""
        if not edges or per_edge < 1:
            return {}
        pairs = " OR ".join("(a.outlet = ? AND mc.outlet = ?)" for _ in edges)
        ranked = (
            "SELECT mc.article_id, mc.text_start, ROW_NUMBER() OVER (PARTITION BY a.outlet, mc.outlet"
            " ORDER BY a.published IS NULL, a.published, mc.article_id, mc.text_start) AS n"
            f"{CITATIONS} WHERE {pairs}"
        )
        rows = self.conn.execute(
            "SELECT a.outlet, mc.outlet, mc.article_id, mc.cue, mc.text_start, mc.text_end,"
            " SUBSTR(a.text, mc.sentence_start + 1, mc.sentence_end - mc.sentence_start),"
            f" a.title, a.published, a.url{CITATIONS}"
            f" JOIN ({ranked}) r ON r.article_id = mc.article_id AND r.text_start = mc.text_start"
            " WHERE r.n <= ? ORDER BY a.outlet, mc.outlet, r.n",
            [v for edge in edges for v in edge] + [per_edge],
        ).fetchall()
        found: dict[tuple[str, str], list[CitationExample]] = {}
        for citing, cited, *example in rows:
            found.setdefault((citing, cited), []).append(CitationExample(*example))
        return found

    # -- counts -------------------------------------------------------------------------------------------------
    def table_counts(self) -> dict[str, int]:
        names = ("articles", "statements", "entities", "claims", "stories", "narratives", "watch_items")
        row = self._cached("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {n})" for n in names), ())[0]
        return dict(zip(names, (int(v) for v in row), strict=True))

    # -- deletes (inside the caller's transaction) ----------------------------------------------------------------
    def delete_article_rows(self, article_id: str) -> Removed | None:
        """Delete one article and everything stored from it: sources, mentions, statements, enrichment,
        link rows, claims (out of their narratives), watch matches. Its near-duplicate copies get the
        earliest of them as their original. ``None`` when there is no such article. Stories and narratives
        it touched are recounted by the caller (``Removed``), whose transaction this runs in."""
        conn = self.conn
        if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
            return None
        narratives = [
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT nc.narrative_id FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id"
                " WHERE c.article_id = ? ORDER BY nc.narrative_id",
                (article_id,),
            )
        ]
        stories = [
            r[0]
            for r in conn.execute(
                "SELECT story_id FROM article_links WHERE article_id = ? AND story_id IS NOT NULL",
                (article_id,),
            )
        ]
        conn.execute(
            "DELETE FROM watch_matches WHERE article_id = ? OR claim_id IN"
            " (SELECT id FROM claims WHERE article_id = ?)",
            (article_id, article_id),
        )
        conn.execute(
            "DELETE FROM narrative_claims WHERE claim_id IN (SELECT id FROM claims WHERE article_id = ?)",
            (article_id,),
        )
        for table in ("claims", "media_citations", "article_bands", "article_links", "statements",
                      "mentions", "enrichments", "article_sources"):  # fmt: skip
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        conn.execute(
            "DELETE FROM ingest_errors WHERE source = ? AND reason = 'enrich-failed'",
            (f"article:{article_id}",),
        )
        conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        copies = conn.execute(
            "SELECT l.article_id FROM article_links l JOIN articles a ON a.id = l.article_id"
            " WHERE l.copy_of = ? ORDER BY a.published IS NULL, a.published, l.seq LIMIT 1",
            (article_id,),
        ).fetchone()
        if copies is not None:
            original = copies[0]
            conn.execute(
                "UPDATE article_links SET copy_of = NULL, copy_score = NULL WHERE article_id = ?", (original,)
            )
            conn.execute("UPDATE article_links SET copy_of = ? WHERE copy_of = ?", (original, article_id))
        return Removed(narratives, stories)

    def drop_empty_story(self, story_id: str) -> None:
        conn = self.conn
        conn.execute(
            "DELETE FROM stories WHERE id = ? AND NOT EXISTS (SELECT 1 FROM article_links WHERE story_id = ?)",
            (story_id, story_id),
        )

    def narrative_label(self, narrative_id: str) -> tuple[str, str | None] | None:
        """(label, label claim id) of a narrative that still has claims, the id ``None`` when that claim
        is gone; ``None`` (and the narrative deleted) when it has no claims left."""
        conn = self.conn
        row = conn.execute(
            "SELECT n.label, n.label_claim_id, EXISTS (SELECT 1 FROM narrative_claims x"
            " WHERE x.narrative_id = n.id), EXISTS (SELECT 1 FROM narrative_claims x"
            " WHERE x.narrative_id = n.id AND x.claim_id = n.label_claim_id) FROM narratives n WHERE n.id = ?",
            (narrative_id,),
        ).fetchone()
        if row is None:
            return None
        if not row[2]:
            conn.execute("DELETE FROM narrative_places WHERE narrative_id = ?", (narrative_id,))
            conn.execute("DELETE FROM narratives WHERE id = ?", (narrative_id,))
            return None
        return row[0], row[1] if row[3] else None

    def delete_watch_item(self, item_id: str) -> bool:
        """Delete one watch item with its frames and matches (inside the caller's transaction)."""
        conn = self.conn
        conn.execute("DELETE FROM watch_matches WHERE item_id = ?", (item_id,))
        conn.execute("DELETE FROM watch_frames WHERE item_id = ?", (item_id,))
        return conn.execute("DELETE FROM watch_items WHERE id = ?", (item_id,)).rowcount > 0
