"""The web pages' reads (methods named ``ui_*``) that the other store queries do not give: an article's
mentions and relations, a narrative's counts by outlet, date and stance and its claims with the text
around them, an entity's statements and articles, stories and the watchlist.

Every listing takes ``limit`` and ``offset`` and has a total order. Aggregates group in SQL and return
one row per outlet, date and stance (or speaker), never one per claim. SQL is portable (SQLite and
PostgreSQL, ``?`` style).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from narrascope.model import Narrative, Statement, Story
from narrascope.store.linking import NARRATIVE_COLUMNS, SPEAKER_KEY, SPEAKER_NAME
from narrascope.store.records import StatementRow

if TYPE_CHECKING:
    from narrascope.store.sql import Connection

CONTEXT_CHARS = 160  # text shown on each side of a statement's sentences
_STATEMENT = ", ".join("s." + f.name for f in fields(Statement)) + ", a.outlet, a.published, a.title, a.url"
_STATEMENT_ORDER = " ORDER BY a.published IS NULL, a.published, s.article_id, s.cue_start, s.id"
_NARRATIVE = f"{NARRATIVE_COLUMNS} FROM narratives"
_DENIES = "SUM(CASE WHEN nc.stance = 'denies' THEN 1 ELSE 0 END)"


def _window(lo: str, hi: str) -> tuple[str, str]:
    """SQL for where the text around [lo, hi) starts, and that text (article alias ``a``)."""
    start = f"(CASE WHEN {lo} > {CONTEXT_CHARS} THEN {lo} - {CONTEXT_CHARS} ELSE 0 END)"
    return start, f"SUBSTR(a.text, {start} + 1, {hi} + {CONTEXT_CHARS} - {start})"


@dataclass(frozen=True, slots=True)
class MentionView:
    start: int
    end: int
    entity_id: str
    name: str
    label: str


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of an article's text: ``text`` starts at character ``start`` of it."""

    start: int
    text: str


@dataclass(frozen=True, slots=True)
class ArticleBrief:
    id: str
    outlet: str | None
    published: str | None
    title: str | None


@dataclass(frozen=True, slots=True)
class ArticleRelations:
    """Where an article sits among the links: its story, the original it copies, how many copies its
    text has, and the narratives its claims joined (id, label, frame, claims, denying)."""

    story: Story | None
    copy_of: ArticleBrief | None
    copies: int
    narratives: tuple[tuple[str, str, str | None, int, int], ...]


@dataclass(frozen=True, slots=True)
class SpreadCount:
    """A narrative's claims from one outlet ("" when none is named), in one date bin, of one stance."""

    outlet: str
    key: str | None  # the date cut to the bin's prefix; None when undated
    stance: str
    claims: int
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class SpeakerCount:
    speaker: str  # "" when unattributed
    entity_id: str | None
    asserts: int
    denies: int


@dataclass(frozen=True, slots=True)
class ClaimCard:
    """A narrative's claim as a card shows it: its stance and why it joined, its statement's parts, its
    article, and the text around it (``window``, offsets into the article's text)."""

    claim_id: str
    stance: str
    score: float
    via: str
    claim_start: int
    claim_end: int
    sentence_start: int
    sentence_end: int
    speaker: str | None
    speaker_entity_id: str | None
    statement_id: str | None
    written: str | None
    speaker_start: int | None
    speaker_end: int | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    content_start: int | None
    content_end: int | None
    role: str | None
    kind: str | None
    article_id: str
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None
    window: Window


class ViewTables:
    conn: Connection

    def ui_recent_narratives(
        self, *, recurring_only: bool = True, limit: int = 20, offset: int = 0
    ) -> list[Narrative]:
        """Narratives last seen most recently first (undated last)."""
        where = " WHERE recurring = 1" if recurring_only else ""
        rows = self.conn.execute(
            f"SELECT {_NARRATIVE}{where} ORDER BY last_seen IS NULL, last_seen DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [Narrative(*r) for r in rows]

    # -- articles -----------------------------------------------------------------------------------
    def ui_article_mentions(self, article_id: str) -> list[MentionView]:
        rows = self.conn.execute(
            "SELECT m.start_char, m.end_char, m.entity_id, e.name, m.label FROM mentions m"
            " JOIN entities e ON e.id = m.entity_id WHERE m.article_id = ? ORDER BY m.start_char, m.end_char",
            (article_id,),
        )
        return [MentionView(*r) for r in rows]

    def ui_article_relations(self, article_id: str) -> ArticleRelations:
        link = self.conn.execute(
            "SELECT l.copy_of, o.outlet, o.published, o.title, s.id, s.label, s.first_seen, s.last_seen,"
            " s.article_count FROM article_links l LEFT JOIN articles o ON o.id = l.copy_of"
            " LEFT JOIN stories s ON s.id = l.story_id WHERE l.article_id = ?",
            (article_id,),
        ).fetchone()
        narratives = self.conn.execute(
            f"SELECT n.id, n.label, n.frame, COUNT(*), {_DENIES} FROM claims c"
            " JOIN narrative_claims nc ON nc.claim_id = c.id JOIN narratives n ON n.id = nc.narrative_id"
            " WHERE c.article_id = ? GROUP BY n.id, n.label, n.frame, n.article_count"
            " ORDER BY n.article_count DESC, n.id",
            (article_id,),
        ).fetchall()
        if link is None:
            return ArticleRelations(None, None, 0, tuple(tuple(r) for r in narratives))
        root = link[0] or article_id
        copies = self.conn.execute(
            "SELECT COUNT(*) FROM article_links WHERE copy_of = ? AND article_id <> ?", (root, article_id)
        ).fetchone()[0]
        return ArticleRelations(
            story=Story(*link[4:]) if link[4] else None,
            copy_of=ArticleBrief(link[0], *link[1:4]) if link[0] else None,
            copies=copies,
            narratives=tuple(tuple(r) for r in narratives),
        )

    def ui_copies(self, original_id: str, limit: int, offset: int) -> list[ArticleBrief]:
        """The stored copies of an original text, earliest publication first."""
        rows = self.conn.execute(
            "SELECT a.id, a.outlet, a.published, a.title FROM article_links l JOIN articles a"
            " ON a.id = l.article_id WHERE l.copy_of = ?"
            " ORDER BY a.published IS NULL, a.published, a.id LIMIT ? OFFSET ?",
            (original_id, limit, offset),
        )
        return [ArticleBrief(*r) for r in rows]

    def ui_statement_windows(self, statement_ids: Sequence[str]) -> dict[str, Window]:
        """The text around each statement's sentences (one page of statements at a time)."""
        if not statement_ids:
            return {}
        start, text = _window("s.sentence_start", "s.sentence_end")
        marks = ", ".join("?" * len(statement_ids))
        rows = self.conn.execute(
            f"SELECT s.id, {start}, {text} FROM statements s JOIN articles a ON a.id = s.article_id"
            f" WHERE s.id IN ({marks})",
            list(statement_ids),
        )
        return {r[0]: Window(r[1], r[2]) for r in rows}

    # -- narratives ---------------------------------------------------------------------------------
    def ui_narrative_spread(self, narrative_id: str, prefix: int) -> list[SpreadCount]:
        """A narrative's claims counted by outlet, date cut to ``prefix`` characters (10 a day, 7 a month,
        4 a year) and stance, with each group's first and last date: the timeline and the outlet spread
        from its day summary (``narrative_days``), whatever the number of claims."""
        assert prefix in (4, 7, 10)
        rows = self.conn.execute(
            f"SELECT outlet, NULLIF(SUBSTR(day, 1, {prefix}), ''), stance, SUM(claims), MIN(first_published),"
            " MAX(last_published) FROM narrative_days WHERE narrative_id = ? GROUP BY 1, 2, 3",
            (narrative_id,),
        )
        return [SpreadCount(r[0], r[1], r[2], int(r[3]), r[4], r[5]) for r in rows]

    def ui_narrative_speakers(self, narrative_id: str, limit: int, offset: int) -> list[SpeakerCount]:
        """Who carried a narrative, most claims first: the canonical speaker, else the source as written."""
        rows = self.conn.execute(
            f"SELECT COALESCE({SPEAKER_NAME}, ''), NULLIF(ns.speaker_entity_id, ''), SUM(ns.asserts),"
            " SUM(ns.denies) FROM narrative_speakers ns LEFT JOIN entities e ON e.id = ns.speaker_entity_id"
            f" WHERE ns.narrative_id = ? GROUP BY {SPEAKER_KEY}"
            " ORDER BY SUM(ns.asserts) + SUM(ns.denies) DESC, 1, 2 LIMIT ? OFFSET ?",
            (narrative_id, limit, offset),
        )
        return [SpeakerCount(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    def ui_narrative_claims(
        self,
        narrative_id: str,
        *,
        stance: str | None = None,
        outlet: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> list[ClaimCard]:
        """A narrative's claims in time order, optionally of one stance or one outlet ("" for none)."""
        lo, hi = "COALESCE(s.sentence_start, c.sentence_start)", "COALESCE(s.sentence_end, c.sentence_end)"
        start, text = _window(lo, hi)
        clauses, params = ["nc.narrative_id = ?"], [narrative_id]
        if stance:
            clauses.append("nc.stance = ?")
            params.append(stance)
        joins = ""  # the page's keys come from index narrative_claims_time; an outlet needs the article
        if outlet is not None:
            joins = " JOIN articles a ON a.id = nc.article_id"
            clauses.append("COALESCE(a.outlet, '') = ?")
            params.append(outlet)
        # choose the page on its keys first, then read the text for those rows only, not for every claim
        rows = self.conn.execute(
            f"SELECT nc.claim_id, nc.stance, nc.score, nc.via, c.text_start, c.text_end, {lo}, {hi}, c.speaker,"
            " c.speaker_entity_id, c.statement_id, s.speaker, s.speaker_start, s.speaker_end, s.cue,"
            " s.cue_start, s.cue_end, s.content_start, s.content_end, s.role, s.kind, c.article_id, a.outlet,"
            f" a.published, a.title, a.url, {start}, {text}"
            " FROM (SELECT nc.claim_id AS id, nc.published AS day, nc.article_id AS aid, nc.text_start AS pos"
            f" FROM narrative_claims nc{joins} WHERE {' AND '.join(clauses)}"
            " ORDER BY nc.published IS NULL, nc.published, nc.article_id, nc.text_start, nc.claim_id"
            " LIMIT ? OFFSET ?) p"
            " JOIN narrative_claims nc ON nc.narrative_id = ? AND nc.claim_id = p.id"
            " JOIN claims c ON c.id = p.id JOIN articles a ON a.id = c.article_id"
            " LEFT JOIN statements s ON s.id = c.statement_id"
            " ORDER BY p.day IS NULL, p.day, p.aid, p.pos, p.id",
            [*params, limit, offset, narrative_id],
        )
        return [ClaimCard(*r[:26], window=Window(r[26], r[27])) for r in rows]

    # -- entities -----------------------------------------------------------------------------------
    def ui_entity_statements(
        self, entity_id: str, *, about: bool, limit: int, offset: int
    ) -> list[StatementRow]:
        """Statements an entity made (``about`` False), or that name it in their content and are not its own."""
        if about:
            where = (
                " WHERE s.id IN (SELECT t.id FROM mentions m JOIN statements t ON t.article_id = m.article_id"
                " AND m.start_char >= t.content_start AND m.end_char <= t.content_end WHERE m.entity_id = ?)"
                " AND (s.speaker_entity_id IS NULL OR s.speaker_entity_id <> ?)"
            )
            params: list[object] = [entity_id, entity_id]
        else:
            where, params = " WHERE s.speaker_entity_id = ?", [entity_id]
        rows = self.conn.execute(
            f"SELECT {_STATEMENT} FROM statements s JOIN articles a ON a.id = s.article_id{where}"
            f"{_STATEMENT_ORDER} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [StatementRow(**dict(r)) for r in rows]
