"""The link stage's tables: copies, citations, stories, claims, narratives and their counts.

The linker calls these inside one transaction per batch (``store.transaction()``): reads see the batch's
own writes, and a crash rolls the whole batch back. SQL is portable (SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import astuple
from typing import TYPE_CHECKING

from narrascope.model import QUOTED_KINDS, Article, Claim, Mention, Narrative, Statement, Story
from narrascope.store.migrations import NARRATIVE_SUMMARIES, split_sql
from narrascope.store.query import ilike, like_escape
from narrascope.store.records import ClaimRef, CopyCandidate, LinkedArticle

if TYPE_CHECKING:
    from narrascope.store.sql import Connection, Row

# One speaker of a narrative: its entity, else the source as written (``narrative_speakers`` rows).
SPEAKER_KEY = "ns.speaker_entity_id, CASE WHEN ns.speaker_entity_id = '' THEN ns.speaker ELSE '' END"
SPEAKER_NAME = "NULLIF(MIN(COALESCE(e.name, ns.speaker)), '')"
# Media citations with their article (``mc``, ``a``), and those the citation graph counts, as
# ``link.citations.citation_edges`` does: the citing outlet named, and not the medium itself.
CITATIONS = " FROM media_citations mc JOIN articles a ON a.id = mc.article_id"
CITING = ("a.outlet IS NOT NULL", "a.outlet <> ''", "a.outlet <> mc.outlet")
# a narrative's claim row as it moves to another narrative (a merge)
_CLAIM_ROW = "claim_id, stance, score, via, claim_seq, published, article_id, text_start"
NARRATIVE_COLUMNS = (  # a ``Narrative`` row, in its fields' order
    "id, label, frame, first_seen, last_seen, claim_count, article_count, outlet_count, denial_count,"
    " accused_name"
)
_STATEMENT_FIELDS = (
    "id, article_id, kind, speaker, cue, content, content_start, content_end, cue_start, cue_end,"
    " sentence_start, sentence_end, speaker_start, speaker_end, speaker_entity_id, speaker_name, role, stance,"
    " content_parts"
)


def _joined(values: Iterable[str]) -> str:
    return " ".join(values)


class LinkTables:
    conn: Connection
    insert_order: str  # the articles column that numbers rows in insertion order

    # -- work queue ---------------------------------------------------------------------------------
    def enqueue_stale_links(self, pipeline: str) -> int:
        """Queue the articles an older (or other) link pipeline linked: they are linked again. An index
        lookup when there are none."""
        return self.conn.execute(
            "INSERT INTO link_queue (article_id, undated, published, stored_order)"
            " SELECT a.id, CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published,"
            f" a.{self.insert_order} FROM article_links l JOIN articles a ON a.id = l.article_id"
            " WHERE l.pipeline < ? OR l.pipeline > ? ON CONFLICT DO NOTHING",
            (pipeline, pipeline),
        ).rowcount

    def articles_to_link(self, *, limit: int = 200) -> list[Article]:
        """The next queued (enriched) articles, oldest publication first, undated ones last."""
        rows = self.conn.execute(
            "SELECT a.id, a.content_hash, a.text, a.source, a.url, a.outlet, a.title, a.author, a.published,"
            " a.date_source, a.language, a.word_count FROM link_queue q JOIN articles a ON a.id = q.article_id"
            " ORDER BY q.undated, q.published, q.stored_order LIMIT ?",
            (limit,),
        ).fetchall()
        return [Article(**dict(r)) for r in rows]

    def count_to_link(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM link_queue").fetchone()[0]

    def clear_links(self) -> None:
        """Forget every link (``link --redo``): every enriched article is queued again."""
        for table in ("watch_matches", "narratives", "claims", "media_citations", "article_bands"):
            self.conn.execute(f"DELETE FROM {table}")
        self.conn.execute("DELETE FROM article_links")
        self.conn.execute("DELETE FROM stories")
        self.conn.execute("DELETE FROM link_terms")
        self.conn.execute(
            "INSERT INTO link_queue (article_id, undated, published, stored_order)"
            " SELECT a.id, CASE WHEN a.published IS NULL THEN 1 ELSE 0 END, a.published,"
            f" a.{self.insert_order} FROM enrichments e JOIN articles a ON a.id = e.article_id"
            " WHERE TRUE ON CONFLICT DO NOTHING"  # WHERE: SQLite's upsert after a SELECT needs one
        )

    def link_inputs(self, article_id: str) -> tuple[list[Statement], list[Mention]]:
        statements = [
            Statement(*r)
            for r in self.conn.execute(
                f"SELECT {_STATEMENT_FIELDS} FROM statements WHERE article_id = ? ORDER BY content_start, id",
                (article_id,),
            )
        ]
        mentions = [
            Mention(*r)
            for r in self.conn.execute(
                "SELECT article_id, entity_id, start_char, end_char, text, label FROM mentions"
                " WHERE article_id = ? ORDER BY start_char, end_char",
                (article_id,),
            )
        ]
        return statements, mentions

    def forget_article_links(self, article_id: str) -> tuple[list[int], list[int]]:
        """Drop what an earlier link run stored for one article (it is being linked again), recounting the
        story and narratives it leaves; return the vector keys (seqs) of its article row and of its claims,
        for the indexes to drop too."""
        links = self.conn.execute(
            "SELECT seq, story_id FROM article_links WHERE article_id = ?", (article_id,)
        ).fetchall()
        article_seqs = [r[0] for r in links]
        claim_seqs = [
            r[0] for r in self.conn.execute("SELECT seq FROM claims WHERE article_id = ?", (article_id,))
        ]
        touched = self.conn.execute(
            "SELECT DISTINCT nc.narrative_id FROM claims c JOIN narrative_claims nc ON nc.claim_id = c.id"
            " WHERE c.article_id = ?",
            (article_id,),
        ).fetchall()
        for table in ("claims", "media_citations", "article_bands", "article_links"):
            self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        self.recount_narratives(r[0] for r in touched)
        self.refresh_stories(r[1] for r in links if r[1])
        return article_seqs, claim_seqs

    def next_seq(self, table: str) -> int:
        assert table in {"article_links", "claims", "watch_items"}
        return self.conn.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}").fetchone()[0]

    # -- copies and citations -----------------------------------------------------------------------
    def copy_candidates(self, keys: Sequence[int]) -> list[CopyCandidate]:
        """Linked articles sharing at least one LSH band bucket with ``keys`` (one per band, in order),
        in the order they were linked."""
        if not keys:
            return []
        where = " OR ".join("(b.band = ? AND b.bucket = ?)" for _ in keys)
        params = [v for band, key in enumerate(keys) for v in (band, key)]
        rows = self.conn.execute(
            "SELECT l.article_id, l.signature, l.copy_of, a.published FROM article_links l"
            " JOIN articles a ON a.id = l.article_id"
            f" WHERE l.article_id IN (SELECT b.article_id FROM article_bands b WHERE {where}) ORDER BY l.seq",
            params,
        ).fetchall()
        return [CopyCandidate(*r) for r in rows]

    def add_article_link(self, link: LinkedArticle, keys: Sequence[int]) -> None:
        self.conn.execute(
            "INSERT INTO article_links (article_id, seq, pipeline, linked_at, signature, vector, copy_of,"
            " copy_score, story_id, story_score, story_via, story_word_score)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            astuple(link),
        )
        self.conn.execute("DELETE FROM link_queue WHERE article_id = ?", (link.article_id,))
        self.conn.executemany(
            "INSERT INTO article_bands (band, bucket, article_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(band, key, link.article_id) for band, key in enumerate(keys)],
        )

    def repoint_copies(self, old_root: str, new_root: str) -> None:
        """An earlier publication of a text turned up: it becomes the original of the known copies (and
        narratives that counted the old original count the new one)."""
        self.conn.execute(
            "UPDATE article_links SET copy_of = ? WHERE copy_of = ? OR article_id = ?",
            (new_root, old_root, old_root),
        )
        touched = self.conn.execute(
            "SELECT narrative_id FROM narrative_facets WHERE facet = 'article' AND value = ?", (old_root,)
        ).fetchall()
        self.recount_narratives(r[0] for r in touched)

    def add_citations(
        self, article_id: str, citations: Iterable[tuple[str, str, int, int, int, int]]
    ) -> None:
        self.conn.executemany(
            "INSERT INTO media_citations (article_id, outlet, cue, text_start, text_end, sentence_start,"
            " sentence_end) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(article_id, *c) for c in citations],
        )

    def outlet_names(self) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT outlet FROM articles WHERE outlet IS NOT NULL ORDER BY outlet"
            )
        ]

    def citation_pairs(self) -> list[tuple[str | None, str]]:
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT a.outlet, c.outlet FROM media_citations c JOIN articles a ON a.id = c.article_id"
            )
        ]

    # -- articles by vector ---------------------------------------------------------------------------
    def article_vectors(self, after: int = 0) -> Iterable[tuple[int, bytes]]:
        return self.conn.execute("SELECT seq, vector FROM article_links WHERE seq > ? ORDER BY seq", (after,))

    def count_article_vectors(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM article_links").fetchone()[0]

    def linked_by_seq(
        self, seqs: Sequence[int]
    ) -> dict[int, tuple[str, str | None, str | None, str | None, str | None]]:
        """seq → (article id, story id, published, copy_of, language)."""
        if not seqs:
            return {}
        marks = ", ".join("?" * len(seqs))
        rows = self.conn.execute(
            "SELECT l.seq, l.article_id, l.story_id, a.published, l.copy_of, a.language FROM article_links l"
            f" JOIN articles a ON a.id = l.article_id WHERE l.seq IN ({marks})",
            list(seqs),
        )
        return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def article_link(self, article_id: str) -> tuple[int, str | None, str | None] | None:
        """(seq, story id, copy_of) of a linked article."""
        row = self.conn.execute(
            "SELECT seq, story_id, copy_of FROM article_links WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def article_vector(self, article_id: str) -> bytes | None:
        row = self.conn.execute(
            "SELECT vector FROM article_links WHERE article_id = ?", (article_id,)
        ).fetchone()
        return None if row is None else row[0]

    def titles_and_texts(self, article_ids: Sequence[str]) -> dict[str, tuple[str | None, str]]:
        """The title and text of each of ``article_ids`` that is stored."""
        if not article_ids:
            return {}
        marks = ", ".join("?" * len(article_ids))
        rows = self.conn.execute(
            f"SELECT id, title, text FROM articles WHERE id IN ({marks})", list(article_ids)
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    # -- word counts (the story step's document frequencies) --------------------------------------------
    def count_words(self, words: Iterable[str], delta: int) -> None:
        """One more (``delta`` 1) or one fewer (-1) linked article holds each of ``words``."""
        rows = [(w,) for w in sorted(set(words))]
        if delta > 0:
            self.conn.executemany(
                "INSERT INTO link_terms (term, articles) VALUES (?, 1)"
                " ON CONFLICT (term) DO UPDATE SET articles = link_terms.articles + 1",
                rows,
            )
        elif delta < 0:
            self.conn.executemany(
                "UPDATE link_terms SET articles = articles - 1 WHERE term = ? AND articles > 0", rows
            )

    def word_counts(self, words: Iterable[str]) -> dict[str, int]:
        """How many linked articles hold each of ``words`` (absent: none)."""
        return dict(self._rows_in("SELECT term, articles FROM link_terms WHERE term IN", sorted(set(words))))

    def _rows_in(self, sql: str, values: Sequence) -> Iterator[tuple]:
        """The rows of ``sql`` (ending ``… IN``) for ``values``, read 500 at a time: a placeholder each."""
        for i in range(0, len(values), 500):
            chunk = list(values[i : i + 500])
            yield from self.conn.execute(f"{sql} ({', '.join('?' * len(chunk))})", chunk)

    # -- stories ----------------------------------------------------------------------------------------
    def story_window(self, story_id: str) -> tuple[str | None, str | None] | None:
        row = self.conn.execute(
            "SELECT first_seen, last_seen FROM stories WHERE id = ?", (story_id,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def add_story(self, story_id: str, label: str, published: str | None) -> None:
        """A new story; an article linked again that starts a story again starts the same one (its id is
        the article's), whose row may still be there with the articles that joined it since."""
        self.conn.execute(
            "INSERT INTO stories (id, label, first_seen, last_seen, article_count) VALUES (?, ?, ?, ?, 0)"
            " ON CONFLICT (id) DO NOTHING",
            (story_id, label, published, published),
        )

    def refresh_stories(self, story_ids: Iterable[str]) -> None:
        """Recount the stories' articles and days; a story its articles have all left is dropped."""
        for story_id in sorted(set(story_ids)):
            self.conn.execute(
                "UPDATE stories SET article_count = (SELECT COUNT(*) FROM article_links l"
                " WHERE l.story_id = stories.id), first_seen = (SELECT MIN(a.published) FROM article_links l"
                " JOIN articles a ON a.id = l.article_id WHERE l.story_id = stories.id),"
                " last_seen = (SELECT MAX(a.published) FROM article_links l"
                " JOIN articles a ON a.id = l.article_id WHERE l.story_id = stories.id) WHERE id = ?",
                (story_id,),
            )
            self.conn.execute("DELETE FROM stories WHERE id = ? AND article_count = 0", (story_id,))

    def list_stories(self, limit: int = 50, offset: int = 0) -> list[Story]:
        rows = self.conn.execute(
            "SELECT id, label, first_seen, last_seen, article_count FROM stories"
            " ORDER BY article_count DESC, last_seen IS NULL, last_seen DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [Story(*r) for r in rows]

    def story_articles(self, story_id: str) -> list[Article]:
        rows = self.conn.execute(
            "SELECT a.id, a.content_hash, a.text, a.source, a.url, a.outlet, a.title, a.author, a.published,"
            " a.date_source, a.language, a.word_count FROM article_links l JOIN articles a"
            " ON a.id = l.article_id WHERE l.story_id = ? ORDER BY a.published IS NULL, a.published, a.id",
            (story_id,),
        )
        return [Article(**dict(r)) for r in rows]

    # -- claims -----------------------------------------------------------------------------------------
    def add_claim(self, claim: Claim, seq: int, vector: bytes) -> None:
        self.conn.execute(
            "INSERT INTO claims (id, seq, article_id, statement_id, text, text_start, text_end, sentence_start,"
            " sentence_end, speaker, speaker_entity_id, stance, frames, entity_ids, place_ids, vector)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                claim.id,
                seq,
                claim.article_id,
                claim.statement_id,
                claim.text,
                claim.start,
                claim.end,
                claim.sentence_start,
                claim.sentence_end,
                claim.speaker,
                claim.speaker_entity_id,
                claim.stance,
                _joined(f"{f.frame}:{f.stance}" for f in claim.frames),
                _joined(claim.entity_ids),
                _joined(claim.place_ids),
                vector,
            ),
        )
        if claim.statement_id:
            self.conn.execute(
                "UPDATE statements SET stance = ? WHERE id = ? AND (stance IS NULL OR ? = 'denies')",
                (claim.stance, claim.statement_id, claim.stance),
            )

    def set_statement_stance(self, statement_id: str, stance: str) -> None:
        self.conn.execute("UPDATE statements SET stance = ? WHERE id = ?", (stance, statement_id))

    def claim_vectors(self, after: int = 0) -> Iterable[tuple[int, bytes]]:
        return self.conn.execute("SELECT seq, vector FROM claims WHERE seq > ? ORDER BY seq", (after,))

    def count_claims(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0]

    def claims_by_seq(self, seqs: Sequence[int]) -> dict[int, ClaimRef]:
        if not seqs:
            return {}
        marks = ", ".join("?" * len(seqs))
        narratives: dict[str, list[str]] = {}
        for claim_id, narrative_id in self.conn.execute(  # oldest narrative first
            "SELECT nc.claim_id, nc.narrative_id FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id"
            f" JOIN narratives n ON n.id = nc.narrative_id WHERE c.seq IN ({marks}) ORDER BY n.created_at, n.id",
            list(seqs),
        ):
            narratives.setdefault(claim_id, []).append(narrative_id)
        rows = self.conn.execute(
            "SELECT c.seq, c.id, c.article_id, COALESCE(l.copy_of, c.article_id), c.stance, c.frames, c.entity_ids,"
            " c.text, c.speaker, c.speaker_entity_id, s.kind FROM claims c"
            " LEFT JOIN article_links l ON l.article_id = c.article_id"
            f" LEFT JOIN statements s ON s.id = c.statement_id WHERE c.seq IN ({marks})",
            list(seqs),
        )
        return {
            r[0]: ClaimRef(
                r[1],
                r[2],
                r[3],
                r[4],
                tuple(f.split(":")[0] for f in r[5].split()),
                tuple(narratives.get(r[1], ())),
                tuple(r[6].split()),
                r[7],
                r[8],
                r[9],
                r[10] in QUOTED_KINDS,
            )
            for r in rows
        }

    def narrative_claim_stance(self, narrative_id: str, claim_id: str) -> str | None:
        """The stance a claim was linked into a narrative with."""
        row = self.conn.execute(
            "SELECT stance FROM narrative_claims WHERE narrative_id = ? AND claim_id = ?",
            (narrative_id, claim_id),
        ).fetchone()
        return row[0] if row else None

    # -- narratives -------------------------------------------------------------------------------------
    def frame_narratives(self, frame: str, place_ids: Sequence[str]) -> list[tuple[str, str]]:
        """Narratives of ``frame`` about any of ``place_ids``, oldest first, each with the name of a place
        it shares (an entity's name, or a country's)."""
        if not place_ids:
            return []
        marks = ", ".join("?" * len(place_ids))
        rows = self.conn.execute(
            "SELECT n.id, MIN(COALESCE(e.name, REPLACE(p.place_id, 'country:', ''))), n.created_at"
            " FROM narratives n JOIN narrative_places p ON p.narrative_id = n.id"
            f" LEFT JOIN entities e ON e.id = p.place_id WHERE n.frame = ? AND p.place_id IN ({marks})"
            " GROUP BY n.id, n.created_at ORDER BY n.created_at, n.id",
            [frame, *place_ids],
        )
        return [(r[0], r[1]) for r in rows]

    def story_frame_narratives(self, frame: str, story_id: str) -> list[str]:
        """Narratives of ``frame`` holding a claim from an article of the story, oldest first."""
        rows = self.conn.execute(
            "SELECT DISTINCT n.id, n.created_at FROM article_links l JOIN claims c ON c.article_id = l.article_id"
            " JOIN narrative_claims nc ON nc.claim_id = c.id JOIN narratives n ON n.id = nc.narrative_id"
            " WHERE l.story_id = ? AND n.frame = ? ORDER BY n.created_at, n.id",
            (story_id, frame),
        )
        return [r[0] for r in rows]

    def frame_narrative_labels(self, frame: str, limit: int = 100) -> list[tuple[str, bytes]]:
        """(narrative id, vector of its label claim) for the largest narratives of ``frame``."""
        rows = self.conn.execute(
            "SELECT n.id, c.vector FROM narratives n JOIN claims c ON c.id = n.label_claim_id"
            " WHERE n.frame = ? ORDER BY n.article_count DESC, n.id LIMIT ?",
            (frame, limit),
        )
        return [(r[0], r[1]) for r in rows]

    def add_narrative(
        self,
        narrative_id: str,
        frame: str | None,
        label: str,
        label_claim_id: str,
        created_at: str,
        accused: tuple[str, str] | None = None,
    ) -> None:
        """A new narrative; a claim linked again that starts one again starts the same one (its id is the
        claim's), whose row may still be there with the claims that joined it since. ``accused`` is
        (key, name) of whom a frame narrative accuses."""
        key, name = accused or (None, None)
        self.conn.execute(
            "INSERT INTO narratives (id, label, label_claim_id, frame, created_at, accused, accused_name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (narrative_id, label, label_claim_id, frame, created_at, key, name),
        )

    def narrative_accused(self, narrative_ids: Sequence[str]) -> dict[str, tuple[str, str] | None]:
        """Whom each narrative accuses, as (key, name), or ``None`` where that is not known."""
        if not narrative_ids:
            return {}
        marks = ", ".join("?" * len(narrative_ids))
        rows = self.conn.execute(
            f"SELECT id, accused, accused_name FROM narratives WHERE id IN ({marks})", list(narrative_ids)
        )
        return {r[0]: (r[1], r[2]) if r[1] else None for r in rows}

    def set_narrative_accused(self, narrative_id: str, key: str, name: str) -> bool:
        """Name whom a narrative accuses, where none of its claims had; whether it was named now."""
        cur = self.conn.execute(
            "UPDATE narratives SET accused = ?, accused_name = ? WHERE id = ? AND accused IS NULL",
            (key, name, narrative_id),
        )
        return cur.rowcount > 0

    def narrative_frame(self, narrative_id: str) -> str | None:
        row = self.conn.execute("SELECT frame FROM narratives WHERE id = ?", (narrative_id,)).fetchone()
        return None if row is None else row[0]

    def add_narrative_places(self, narrative_id: str, place_ids: Iterable[str]) -> None:
        self.conn.executemany(
            "INSERT INTO narrative_places (narrative_id, place_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(narrative_id, p) for p in place_ids],
        )

    def add_narrative_claim(
        self, narrative_id: str, claim_id: str, stance: str, score: float, via: str
    ) -> None:
        """Add a claim to a narrative and bring its counts up to date: an index lookup per value the claim
        brings (its original article, outlet, story, date), whatever the narrative's size."""
        seq, original, outlet, story, published, speaker, speaker_id, article_id, text_start = (
            self.conn.execute(
                "SELECT c.seq, COALESCE(l.copy_of, c.article_id), a.outlet, l.story_id, a.published, c.speaker,"
                " c.speaker_entity_id, c.article_id, c.text_start FROM claims c"
                " JOIN articles a ON a.id = c.article_id LEFT JOIN article_links l ON l.article_id = c.article_id"
                " WHERE c.id = ?",
                (claim_id,),
            ).fetchone()
        )
        added = self.conn.execute(
            "INSERT INTO narrative_claims (narrative_id, claim_id, stance, score, via, claim_seq, published,"
            " article_id, text_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (narrative_id, claim_id, stance, score, via, seq, published, article_id, text_start),
        ).rowcount
        if not added:
            return
        new = {}
        for facet, value in (
            ("article", original),
            ("outlet", outlet),
            ("story", story),
            ("date", published),
        ):
            new[facet] = (
                value is not None
                and self.conn.execute(
                    "INSERT INTO narrative_facets (narrative_id, facet, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (narrative_id, facet, value),
                ).rowcount
            )
        self.conn.execute(
            "UPDATE narratives SET claim_count = claim_count + 1, denial_count = denial_count + ?,"
            " article_count = article_count + ?, outlet_count = outlet_count + ?, story_count = story_count + ?,"
            " first_seen = CASE WHEN first_seen IS NULL OR ? < first_seen THEN ? ELSE first_seen END,"
            " last_seen = CASE WHEN last_seen IS NULL OR ? > last_seen THEN ? ELSE last_seen END WHERE id = ?",
            (
                int(stance == "denies"), int(new["article"]), int(new["outlet"]), int(new["story"]),
                published, published, published, published, narrative_id,
            ),
        )  # fmt: skip
        self._set_recurring(narrative_id)
        self.conn.execute(
            "INSERT INTO narrative_days (narrative_id, day, outlet, stance, claims, first_published,"
            " last_published) VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (narrative_id, day, outlet, stance)"
            " DO UPDATE SET claims = narrative_days.claims + 1, first_published = CASE WHEN"
            " excluded.first_published < narrative_days.first_published THEN excluded.first_published"
            " ELSE narrative_days.first_published END, last_published = CASE WHEN"
            " excluded.last_published > narrative_days.last_published THEN excluded.last_published"
            " ELSE narrative_days.last_published END",
            (narrative_id, (published or "")[:10], outlet or "", stance, published, published),
        )
        denies = int(stance == "denies")
        self.conn.execute(
            "INSERT INTO narrative_speakers (narrative_id, speaker, speaker_entity_id, asserts, denies)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (narrative_id, speaker, speaker_entity_id) DO UPDATE SET"
            " asserts = narrative_speakers.asserts + excluded.asserts,"
            " denies = narrative_speakers.denies + excluded.denies",
            (narrative_id, speaker or "", speaker_id or "", 1 - denies, denies),
        )

    def rebuild_narrative_summaries(self, narrative_id: str | None = None) -> None:
        """Timeline and speaker summaries afresh from the claims: of one narrative, or of all."""
        where, params = ("nc.narrative_id = ?", [narrative_id]) if narrative_id else ("TRUE", [])
        for table in ("narrative_days", "narrative_speakers"):
            if narrative_id:
                self.conn.execute(f"DELETE FROM {table} WHERE narrative_id = ?", params)
            else:
                self.conn.execute(f"DELETE FROM {table}")
        for statement in split_sql(NARRATIVE_SUMMARIES.format(where=where)):
            self.conn.execute(statement, params)

    def _set_recurring(self, narrative_id: str) -> None:
        """Recurring: two distinct articles (copies counted once) from two outlets, stories or dates."""
        self.conn.execute(
            "UPDATE narratives SET recurring = CASE WHEN article_count >= 2 AND (outlet_count >= 2"
            " OR story_count >= 2 OR first_seen <> last_seen) THEN 1 ELSE 0 END WHERE id = ?",
            (narrative_id,),
        )

    def recount_narratives(self, narrative_ids: Iterable[str]) -> None:
        """Count narratives afresh from their claims (after a merge, a relink or a re-pointed copy: rare
        events, so a pass over each narrative's claims is fine here)."""
        for narrative_id in sorted(set(narrative_ids)):
            self.conn.execute("DELETE FROM narrative_facets WHERE narrative_id = ?", (narrative_id,))
            self.conn.execute(
                "INSERT INTO narrative_facets (narrative_id, facet, value)"
                " SELECT nc.narrative_id, 'article', COALESCE(l.copy_of, c.article_id) FROM narrative_claims nc"
                " JOIN claims c ON c.id = nc.claim_id LEFT JOIN article_links l ON l.article_id = c.article_id"
                " WHERE nc.narrative_id = ?"
                " UNION SELECT nc.narrative_id, 'outlet', a.outlet FROM narrative_claims nc"
                " JOIN claims c ON c.id = nc.claim_id JOIN articles a ON a.id = c.article_id"
                " WHERE nc.narrative_id = ? AND a.outlet IS NOT NULL"
                " UNION SELECT nc.narrative_id, 'story', l.story_id FROM narrative_claims nc"
                " JOIN claims c ON c.id = nc.claim_id JOIN article_links l ON l.article_id = c.article_id"
                " WHERE nc.narrative_id = ? AND l.story_id IS NOT NULL"
                " UNION SELECT nc.narrative_id, 'date', a.published FROM narrative_claims nc"
                " JOIN claims c ON c.id = nc.claim_id JOIN articles a ON a.id = c.article_id"
                " WHERE nc.narrative_id = ? AND a.published IS NOT NULL",
                (narrative_id,) * 4,
            )
            claims, denials = self.conn.execute(
                "SELECT COUNT(*), SUM(CASE WHEN stance = 'denies' THEN 1 ELSE 0 END) FROM narrative_claims"
                " WHERE narrative_id = ?",
                (narrative_id,),
            ).fetchone()
            counts = {
                r[0]: r[1]
                for r in self.conn.execute(
                    "SELECT facet, COUNT(*) FROM narrative_facets WHERE narrative_id = ? GROUP BY facet",
                    (narrative_id,),
                )
            }
            first, last = self.conn.execute(
                "SELECT MIN(value), MAX(value) FROM narrative_facets WHERE narrative_id = ? AND facet = 'date'",
                (narrative_id,),
            ).fetchone()
            self.conn.execute(
                "UPDATE narratives SET first_seen = ?, last_seen = ?, claim_count = ?, article_count = ?,"
                " outlet_count = ?, story_count = ?, denial_count = ? WHERE id = ?",
                (
                    first, last, claims, counts.get("article", 0), counts.get("outlet", 0),
                    counts.get("story", 0), denials or 0, narrative_id,
                ),
            )  # fmt: skip
            self._set_recurring(narrative_id)
            self.rebuild_narrative_summaries(narrative_id)

    def merge_narratives(self, keep: str, others: Sequence[str]) -> None:
        """Fold ``others`` into ``keep``: their claims and places move over, they are deleted."""
        for other in others:
            self.conn.execute(
                f"INSERT INTO narrative_claims (narrative_id, {_CLAIM_ROW}) SELECT ?, {_CLAIM_ROW}"
                " FROM narrative_claims WHERE narrative_id = ? ON CONFLICT DO NOTHING",
                (keep, other),
            )
            self.conn.execute(
                "INSERT INTO narrative_places (narrative_id, place_id) SELECT ?, place_id FROM narrative_places"
                " WHERE narrative_id = ? ON CONFLICT DO NOTHING",
                (keep, other),
            )
            self.conn.execute("DELETE FROM narratives WHERE id = ?", (other,))
        self.recount_narratives([keep])

    def narrative_claim_vectors(
        self, narrative_id: str, limit: int = 200
    ) -> list[tuple[str, str, str, bytes, str | None, str | None]]:
        """(claim id, text, stance, vector, speaker, speaker entity id) of a narrative's most recent claims."""
        rows = self.conn.execute(
            "SELECT c.id, c.text, nc.stance, c.vector, c.speaker, c.speaker_entity_id FROM narrative_claims nc"
            " JOIN claims c ON c.id = nc.claim_id WHERE nc.narrative_id = ? ORDER BY nc.claim_seq DESC LIMIT ?",
            (narrative_id, limit),
        )
        return [tuple(r) for r in rows]

    def set_narrative_label(self, narrative_id: str, label: str, label_claim_id: str | None) -> None:
        self.conn.execute(
            "UPDATE narratives SET label = ?, label_claim_id = ? WHERE id = ?",
            (label, label_claim_id, narrative_id),
        )

    def list_narratives(
        self, *, recurring_only: bool = True, limit: int = 50, offset: int = 0
    ) -> list[Narrative]:
        where = " WHERE recurring = 1" if recurring_only else ""
        rows = self.conn.execute(
            f"SELECT {NARRATIVE_COLUMNS} FROM narratives{where}"
            " ORDER BY article_count DESC, claim_count DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [Narrative(*r) for r in rows]

    def count_narratives(self, *, recurring_only: bool = True) -> int:
        where = " WHERE recurring = 1" if recurring_only else ""
        return self.conn.execute(f"SELECT COUNT(*) FROM narratives{where}").fetchone()[0]

    def get_narrative(self, id_or_prefix: str) -> Narrative | None:
        row = self.conn.execute(
            f"SELECT {NARRATIVE_COLUMNS} FROM narratives WHERE id = ?", (id_or_prefix,)
        ).fetchone()
        if row is None and len(id_or_prefix) >= 4:
            rows = self.conn.execute(
                f"SELECT {NARRATIVE_COLUMNS} FROM narratives WHERE {ilike('id')} LIMIT 2",
                (like_escape(id_or_prefix) + "%",),
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return None if row is None else Narrative(*row)

    def narrative_timeline(self, narrative_id: str) -> list[tuple[str | None, str | None, int, int]]:
        """(day, outlet, asserting claims, denying claims) over all of the narrative's claims."""
        rows = self.conn.execute(
            "SELECT NULLIF(day, ''), NULLIF(outlet, ''), SUM(CASE WHEN stance = 'denies' THEN 0 ELSE claims END),"
            " SUM(CASE WHEN stance = 'denies' THEN claims ELSE 0 END) FROM narrative_days WHERE narrative_id = ?"
            " GROUP BY day, outlet",
            (narrative_id,),
        )
        return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows]

    def narrative_speakers(self, narrative_id: str) -> list[tuple[str | None, int, int]]:
        """(speaker, asserting claims, denying claims) over all of the narrative's claims: one row per
        canonical speaker, named as the entity is now ("Sergey Lavrov" and "Sergei Lavrov" are one), and
        one per source as written where there is none."""
        rows = self.conn.execute(
            f"SELECT {SPEAKER_NAME}, SUM(ns.asserts), SUM(ns.denies) FROM narrative_speakers ns"
            f" LEFT JOIN entities e ON e.id = ns.speaker_entity_id WHERE ns.narrative_id = ? GROUP BY {SPEAKER_KEY}",
            (narrative_id,),
        )
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    def narrative_outlets(self, narrative_id: str) -> list[tuple[str | None, int]]:
        rows = self.conn.execute(
            "SELECT NULLIF(outlet, ''), SUM(claims) FROM narrative_days WHERE narrative_id = ? GROUP BY outlet",
            (narrative_id,),
        )
        return [(r[0], int(r[1])) for r in rows]

    # -- watchlist --------------------------------------------------------------------------------------
    def place_names(self, entity_ids: Iterable[str]) -> set[str]:
        """Canonical names and aliases of entities (as stored; fold them to compare)."""
        ids = list(entity_ids)
        if not ids:
            return set()
        marks = ", ".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT name FROM entities WHERE id IN ({marks})"
            f" UNION SELECT alias FROM entity_aliases WHERE entity_id IN ({marks})",
            ids + ids,
        )
        return {r[0] for r in rows}

    def article_main_places(self, article_id: str, n: int = 2) -> list[str]:
        rows = self.conn.execute(
            "SELECT entity_id FROM mentions WHERE article_id = ? AND label IN ('GPE', 'LOC')"
            " GROUP BY entity_id ORDER BY COUNT(*) DESC, entity_id LIMIT ?",
            (article_id, n),
        )
        return [r[0] for r in rows]

    def known_place_names(self) -> set[str]:
        rows = self.conn.execute(
            "SELECT name FROM entities WHERE type IN ('GPE', 'LOC') UNION SELECT x.alias FROM entity_aliases x"
            " JOIN entities e ON e.id = x.entity_id WHERE e.type IN ('GPE', 'LOC')"
        )
        return {r[0] for r in rows}

    def add_watch_item(self, row: tuple, frames: Sequence[str]) -> bool:
        """Insert one item (columns of ``watch_items``); False when it was already there."""
        cur = self.conn.execute(
            "INSERT INTO watch_items (id, seq, kind, title, published, url, countries, keywords, languages,"
            " outlets, rating, claimant, reviewer, frames, places, vector, added_at, rules)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            row,
        )
        if cur.rowcount == 0:
            return False
        self.conn.executemany(
            "INSERT INTO watch_frames (frame, item_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(f, row[0]) for f in frames],
        )
        return True

    def stale_watch_items(
        self, rules: str, *, every: bool = False
    ) -> list[tuple[str, int, str, str, bytes, str]]:
        """(id, seq, title, countries, vector, rules) of the items read under other matching rules than
        ``rules`` (of all items with ``every``)."""
        where = "" if every else " WHERE rules <> ?"
        rows = self.conn.execute(
            f"SELECT id, seq, title, countries, vector, rules FROM watch_items{where} ORDER BY seq",
            () if every else (rules,),
        )
        return [tuple(r) for r in rows]

    def set_watch_vector(self, item_id: str, vector: bytes) -> None:
        """An item's title encoded again (by another encoder than the one it was stored with)."""
        self.conn.execute("UPDATE watch_items SET vector = ? WHERE id = ?", (vector, item_id))

    def reread_watch_item(self, item_id: str, frames: Sequence[str], places: str, rules: str) -> None:
        """An item's frames and places as read again under ``rules``."""
        self.conn.execute(
            "UPDATE watch_items SET frames = ?, places = ?, rules = ? WHERE id = ?",
            (" ".join(frames), places, rules, item_id),
        )
        self.conn.execute("DELETE FROM watch_frames WHERE item_id = ?", (item_id,))
        self.conn.executemany(
            "INSERT INTO watch_frames (frame, item_id) VALUES (?, ?)", [(f, item_id) for f in frames]
        )

    def narrative_watch_matches(self, narrative_id: str) -> list[tuple[str, str, str, str]]:
        """(item, claim, item title, item frames) of the watch matches of a narrative's claims."""
        rows = self.conn.execute(
            "SELECT m.item_id, m.claim_id, w.title, w.frames FROM narrative_claims nc"
            " JOIN watch_matches m ON m.claim_id = nc.claim_id JOIN watch_items w ON w.id = m.item_id"
            " WHERE nc.narrative_id = ?",
            (narrative_id,),
        )
        return [tuple(r) for r in rows]

    def watch_matches_of(
        self, column: str, ids: Sequence[str]
    ) -> list[tuple[str, str, str, float, str, str]]:
        """(item, claim, article, score, stance, via) of the stored matches whose ``column`` (``item_id``
        or ``claim_id``) is one of ``ids``."""
        assert column in {"item_id", "claim_id"}
        sql = f"SELECT item_id, claim_id, article_id, score, stance, via FROM watch_matches WHERE {column} IN"
        return [tuple(r) for r in self._rows_in(sql, ids)]

    def delete_watch_matches(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.conn.executemany("DELETE FROM watch_matches WHERE item_id = ? AND claim_id = ?", list(pairs))

    def watch_vectors(self, after: int = 0) -> Iterable[tuple[int, bytes]]:
        return self.conn.execute("SELECT seq, vector FROM watch_items WHERE seq > ? ORDER BY seq", (after,))

    def count_watch_items(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM watch_items").fetchone()[0]

    def watch_items_for(
        self, frames: Sequence[str], seqs: Sequence[int]
    ) -> list[tuple[str, str, str, str, bytes]]:
        """(id, title, frames, places, vector) of items with any of ``frames`` or any of ``seqs``."""
        clauses, params = [], []
        if frames:
            clauses.append(
                f"id IN (SELECT item_id FROM watch_frames WHERE frame IN ({', '.join('?' * len(frames))}))"
            )
            params += list(frames)
        if seqs:
            clauses.append(f"seq IN ({', '.join('?' * len(seqs))})")
            params += list(seqs)
        if not clauses:
            return []
        rows = self.conn.execute(
            f"SELECT id, title, frames, places, vector FROM watch_items WHERE {' OR '.join(clauses)} ORDER BY seq",
            params,
        )
        return [tuple(r) for r in rows]

    def claim_accused(self, claim_ids: Sequence[str]) -> dict[str, dict[str, tuple[str, str]]]:
        """Claim → frame → (key, name) of whom each frame narrative it joined accuses, where it names one."""
        rows = self._rows_in(
            "SELECT nc.claim_id, n.frame, n.accused, n.accused_name FROM narrative_claims nc"
            " JOIN narratives n ON n.id = nc.narrative_id"
            " WHERE n.frame IS NOT NULL AND n.accused IS NOT NULL AND nc.claim_id IN",
            claim_ids,
        )
        out: dict[str, dict[str, tuple[str, str]]] = {}
        for claim_id, frame, key, name in rows:
            out.setdefault(claim_id, {})[frame] = (key, name)
        return out

    def frame_claims(self, frame: str, limit: int = 5000) -> list[int]:
        """Seqs of claims in narratives of ``frame`` (newest first)."""
        rows = self.conn.execute(
            "SELECT c.seq FROM narratives n JOIN narrative_claims nc ON nc.narrative_id = n.id"
            " JOIN claims c ON c.id = nc.claim_id WHERE n.frame = ? ORDER BY c.seq DESC LIMIT ?",
            (frame, limit),
        )
        return [r[0] for r in rows]

    def claim_views(self, seqs: Sequence[int]) -> list[tuple]:
        """(id, article_id, frames, stance, place_ids, vector) of claims by seq."""
        if not seqs:
            return []
        marks = ", ".join("?" * len(seqs))
        rows = self.conn.execute(
            f"SELECT id, article_id, frames, stance, place_ids, vector FROM claims WHERE seq IN ({marks})"
            " ORDER BY seq",
            list(seqs),
        )
        return [tuple(r) for r in rows]

    def add_watch_match(self, m: tuple, matched_at: str) -> None:
        """Store a match (columns of ``watch_matches``); a match already stored keeps the time it was first
        made and takes the new score, stance and evidence."""
        self.conn.execute(
            "INSERT INTO watch_matches (item_id, claim_id, article_id, score, stance, via, matched_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item_id, claim_id) DO UPDATE SET score = excluded.score,"
            " stance = excluded.stance, via = excluded.via",
            (*m, matched_at),
        )

    def last_watch_run(self) -> str | None:
        row = self.conn.execute("SELECT MAX(run_at) FROM watch_runs").fetchone()
        return row[0]

    def add_watch_run(self, run_id: str, run_at: str, matches: int) -> None:
        self.conn.execute(
            "INSERT INTO watch_runs (id, run_at, matches) VALUES (?, ?, ?)", (run_id, run_at, matches)
        )

    def list_watch_matches(self, since: str | None = None, limit: int = 100, offset: int = 0) -> list[Row]:
        where = " WHERE m.matched_at > ?" if since else ""
        params: list[object] = [since] if since else []
        return self.conn.execute(
            "SELECT m.item_id, w.title AS watched, w.url AS watch_url, m.score, m.stance, m.via, m.article_id,"
            " a.outlet, a.published, a.title, c.text AS claim, c.speaker, m.matched_at FROM watch_matches m"
            " JOIN watch_items w ON w.id = m.item_id JOIN claims c ON c.id = m.claim_id"
            f" JOIN articles a ON a.id = m.article_id{where}"
            " ORDER BY m.score DESC, m.item_id, m.article_id, m.claim_id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()

    def count_watch_matches(self, since: str | None = None) -> int:
        where = " WHERE matched_at > ?" if since else ""
        return self.conn.execute(
            f"SELECT COUNT(*) FROM watch_matches{where}", [since] if since else []
        ).fetchone()[0]

    def copy_groups(self, limit: int = 50, offset: int = 0) -> list[Row]:
        """Originals with their near-duplicate copies (earliest known publication first), the copies
        in publication order (both back ends aggregate a sorted subquery in its order)."""
        return self.conn.execute(
            "SELECT l.copy_of AS original, o.published AS original_published, o.outlet AS original_outlet,"
            " o.title AS original_title, COUNT(*) AS copies,"
            " (SELECT GROUP_CONCAT(x.carrier, ' | ') FROM (SELECT COALESCE(a.outlet, '?') || ' ' || a.id AS carrier"
            " FROM article_links k JOIN articles a ON a.id = k.article_id WHERE k.copy_of = l.copy_of"
            " ORDER BY a.published IS NULL, a.published, a.id) x) AS carried_by"
            " FROM article_links l JOIN articles o ON o.id = l.copy_of"
            " WHERE l.copy_of IS NOT NULL GROUP BY l.copy_of, o.published, o.outlet, o.title"
            " ORDER BY copies DESC, l.copy_of LIMIT ? OFFSET ?",
            (limit, offset),
        ).fetchall()
