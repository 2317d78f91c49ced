"""The store on both back ends (``db_url``: a SQLite file, a PostgreSQL database): migrations, atomic
idempotent batches, full-text search with hostile queries, statements and entities; then what is
particular to each back end."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from narrascope.errors import NarrascopeError
from narrascope.model import (
    Article,
    Enrichment,
    Entity,
    IngestError,
    Mention,
    Statement,
    article_id,
    content_hash,
)
from narrascope.store import ArticleQuery, open_store
from narrascope.store.migrations import MIGRATIONS
from narrascope.store.query import EntityQuery, StatementQuery

try:
    import psycopg

    INTEGRITY_ERRORS: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)
except ImportError:
    INTEGRITY_ERRORS = (sqlite3.IntegrityError,)


def make_article(text: str, **fields: object) -> Article:
    hash_ = content_hash(text)
    defaults: dict[str, object] = {"source": "mem.txt", "word_count": len(text.split())}
    return Article(id=article_id(hash_), content_hash=hash_, text=text, **(defaults | fields))  # type: ignore[arg-type]


def test_migrations_apply_once_and_are_recorded(db_url):
    store = open_store(db_url)
    assert store.applied_migrations() == [m.name for m in MIGRATIONS]
    assert store.migrate() == []  # nothing pending on a second open
    store.close()
    again = open_store(db_url)
    assert again.applied_migrations() == [m.name for m in MIGRATIONS]
    again.close()


def test_same_text_twice_is_stored_once_with_both_sources(db_url):
    store = open_store(db_url)
    run = store.start_run(["x"])
    first = make_article("The council said the bridge will reopen in May.", source="a.txt")
    copy = make_article("The council said the  bridge will\nreopen in May.", source="b.txt")  # re-wrapped
    result = store.write_batch(run, [first, copy], [], seen=2)
    assert result.stored_ids == [first.id]
    assert result.duplicate_ids == [first.id]
    assert store.count_articles(ArticleQuery()) == 1
    assert [s.source for s in store.article_sources(first.id)] == ["a.txt", "b.txt"]
    store.write_batch(run, [first], [], seen=1)
    assert store.count_articles(ArticleQuery()) == 1
    store.close()


def test_failed_batch_leaves_nothing(db_url):
    store = open_store(db_url)
    run = store.start_run(["x"])
    good = make_article("A first article about the harbour.")
    broken = make_article("A second article about ferries.", source=None)  # NOT NULL violation mid-batch
    with pytest.raises(INTEGRITY_ERRORS):
        store.write_batch(run, [good, broken], [], seen=2)
    assert store.count_articles(ArticleQuery()) == 0
    assert store.count_articles(ArticleQuery(text="harbour")) == 0  # nor its search index entry
    store.write_batch(run, [good], [], seen=1)  # the connection is usable again
    assert store.count_articles(ArticleQuery(text="harbour")) == 1
    store.close()


def test_errors_are_upserted_and_cleared_when_the_source_reads_cleanly(db_url):
    store = open_store(db_url)
    run = store.start_run(["x"])
    store.write_batch(run, [], [IngestError("a.txt", "empty", "no content")], seen=0)
    store.write_batch(run, [], [IngestError("a.txt", "empty", "still no content")], seen=0)
    assert [(e.source, e.detail) for e in store.list_errors()] == [("a.txt", "still no content")]
    store.write_batch(run, [make_article("Now it has text.", source="a.txt")], [], seen=1)
    assert store.list_errors() == []
    store.close()


HOSTILE = (
    '"unbalanced', "NEAR(a b)", "a OR", "*", "'; DROP TABLE articles; --", "title:x", "^start", "-", '""',
    "100%", "a_b", "back\\slash", "!!", "a & b | !c", "x:* <-> y", "'", "?", "%s",
)  # fmt: skip


def test_full_text_search_treats_any_query_as_text(db_url):
    store = open_store(db_url)
    run = store.start_run(["x"])
    store.write_batch(run, [make_article("The council met; DROP TABLE articles was on a slide.")], [], seen=1)
    for query in HOSTILE:
        store.list_articles(ArticleQuery(text=query))  # must not raise
        store.list_statements(StatementQuery(text=query, speaker=query))
        store.list_entities(EntityQuery(name=query))
        assert store.get_article(query + "0000") is None
    assert store.count_articles(ArticleQuery(text="'; DROP TABLE articles; --")) == 1  # words, in order
    assert store.count_articles(ArticleQuery(text="a & b | !c")) == 0
    assert store.count_articles(ArticleQuery()) == 1
    store.close()


def test_filters_and_search(db_url):
    store = open_store(db_url)
    run = store.start_run(["x"])
    arts = [
        make_article(
            "Dam talks resume in Ostmark.", outlet="Harbor Gazette", published="2024-05-02", language="en"
        ),
        make_article(
            "Ferry fares rise in July.", outlet="Meridian Daily", published="2024-06-07", language="en"
        ),
        make_article("Плотина Тессали закрыта.", outlet="Vestnik", language="ru", title="Плотина"),
    ]
    store.write_batch(run, arts, [], seen=3)
    assert [a.outlet for a in store.list_articles(ArticleQuery())] == [
        "Meridian Daily",
        "Harbor Gazette",
        "Vestnik",
    ]
    assert [a.text for a in store.list_articles(ArticleQuery(text="ostmark"))] == [
        "Dam talks resume in Ostmark."
    ]
    assert [a.text for a in store.list_articles(ArticleQuery(text='"fares rise"'))] == [
        "Ferry fares rise in July."
    ]
    assert store.count_articles(ArticleQuery(text='"rise fares"')) == 0  # a phrase keeps its order
    assert store.count_articles(ArticleQuery(text="ferry july")) == 1  # every word, anywhere
    assert store.count_articles(ArticleQuery(text="ferry ostmark")) == 0
    assert store.count_articles(ArticleQuery(text="ТЕССАЛИ")) == 1  # case folded beyond ASCII
    assert store.count_articles(ArticleQuery(text="плотина", outlet="VESTNIK")) == 1
    assert store.count_articles(ArticleQuery(outlet="harbor gazette")) == 1
    assert store.count_articles(ArticleQuery(language="ru")) == 1
    assert store.count_articles(ArticleQuery(since="2024-06-01")) == 1
    assert store.count_articles(ArticleQuery(until="2024-05-31")) == 1
    page = store.list_articles(ArticleQuery(limit=1, offset=1))
    assert [a.outlet for a in page] == ["Harbor Gazette"]
    store.close()


def test_get_article_by_prefix(db_url):
    store = open_store(db_url)
    art = make_article("Prefix lookup text.")
    store.write_batch(store.start_run(["x"]), [art], [], seen=1)
    assert store.get_article(art.id[:6]) == store.get_article(art.id)
    assert store.get_article(art.id[:6].upper()) == store.get_article(art.id)
    assert store.get_article(art.id).text == "Prefix lookup text."  # type: ignore[union-attr]
    assert store.get_article("%%%%") is None
    assert store.get_article("ab") is None
    store.close()


def test_statements_and_entities(db_url):
    store = open_store(db_url)
    text = "Minister Anya Korvin said the dam would open. 50% of Veloria agreed, said Ellison."
    art = make_article(text, outlet="Test Wire", published="2024-03-11")
    store.write_batch(store.start_run(["x"]), [art], [], seen=1)
    korvin = Entity("korvin", "Anya Korvin", "PERSON", ("Korvin", "Minister Korvin"))
    veloria = Entity("veloria", "Veloria", "GPE", ("Velorian Republic",))
    statement = Statement(
        id="st1", article_id=art.id, kind="indirect", speaker="Minister Anya Korvin", cue="said",
        content="the dam would open", content_start=26, content_end=44, cue_start=21, cue_end=25,
        sentence_start=0, sentence_end=45, speaker_start=0, speaker_end=20, speaker_entity_id="korvin",
        speaker_name="Anya Korvin", role="minister",
    )  # fmt: skip
    second = Statement(
        id="st2", article_id=art.id, kind="indirect", speaker="Ellison", cue="said", content="50% of Veloria agreed",
        content_start=46, content_end=67, cue_start=69, cue_end=73, sentence_start=46, sentence_end=82,
    )  # fmt: skip
    mentions = (
        Mention(art.id, "korvin", 9, 20, "Anya Korvin", "PERSON"),
        Mention(art.id, "veloria", 53, 60, "Veloria", "GPE"),
    )
    store.write_enrichments([Enrichment(art.id, mentions, (statement, second))], [korvin, veloria], "p1")
    assert store.count_to_enrich() == 0 and store.count_to_link() == 1  # enriched: now linking's work
    assert store.enqueue_stale_enrichments("p1") == 0  # an index lookup finds no other pipeline's work
    assert store.enqueue_stale_enrichments("p2") == 1 and store.count_to_enrich() == 1
    assert store.enqueue_stale_enrichments("p2") == 0  # queued once
    assert store.entity_ids("MINISTER KORVIN") == ["korvin"] and store.entity_ids("anya korvin") == ["korvin"]
    assert store.get_entity("korvin") == Entity(
        "korvin", "Anya Korvin", "PERSON", ("Korvin", "Minister Korvin")
    )
    rows = store.list_entities(EntityQuery(name="korv"))
    assert [(r.id, r.mentions, r.articles, r.statements, r.aliases) for r in rows] == [
        ("korvin", 1, 1, 1, "Korvin | Minister Korvin")
    ]
    everyone = store.list_entities(EntityQuery())  # most mentioned first, then by name
    assert [(r.id, r.mentions, r.articles, r.statements) for r in everyone] == [
        ("korvin", 1, 1, 1),
        ("veloria", 1, 1, 0),
    ]
    assert [r.id for r in store.list_entities(EntityQuery(type="gpe"))] == ["veloria"]
    assert [s.id for s in store.list_statements(StatementQuery(speaker="KORVIN"))] == ["st1"]
    assert [s.id for s in store.list_statements(StatementQuery(text="50%"))] == ["st2"]
    assert [s.id for s in store.list_statements(StatementQuery(text="5_%"))] == []  # LIKE wildcards literal
    assert [s.id for s in store.list_statements(StatementQuery(entity_ids=("veloria",)))] == ["st2"]
    listed = store.list_statements(StatementQuery(outlet="test wire"))
    assert [(s.id, s.outlet, s.published) for s in listed] == [("st1", "Test Wire", "2024-03-11"), ("st2", "Test Wire", "2024-03-11")]  # fmt: skip
    assert store.list_statements(StatementQuery(article_id=art.id))[0] == listed[0]
    assert store.entity_mentions("veloria") == [mentions[1]]
    assert [a.id for a in store.entity_articles("korvin")] == [art.id]
    store.close()


def test_articles_to_enrich_come_in_the_order_they_were_stored(db_url):
    store = open_store(db_url)
    texts = ["Zulu text here.", "Alpha text here.", "Mike text here."]
    for text in texts:  # one batch each: same second, ids in no particular order
        store.write_batch(store.start_run(["x"]), [make_article(text)], [], seen=1)
    assert [a.text for a in store.articles_to_enrich()] == texts
    assert store.count_to_enrich() == 3
    store.close()


def test_work_queues_survive_a_reopen_and_a_redo(db_url):
    """Enrich and link take their work from queues kept in the store: a new article is queued for
    enrichment, an enriched one for linking, and ``--redo`` queues everything again."""
    store = open_store(db_url)
    arts = [make_article(f"Queued article number {i} here.") for i in range(3)]
    store.write_batch(store.start_run(["x"]), arts, [], seen=3)
    store.write_enrichments([Enrichment(arts[0].id, (), ())], [], "p")
    store.close()
    store = open_store(db_url)
    assert {a.id for a in store.articles_to_enrich()} == {arts[1].id, arts[2].id}
    assert [a.id for a in store.articles_to_link()] == [arts[0].id]
    store.clear_enrichments()
    assert store.count_to_enrich() == 3 and store.count_to_link() == 1
    store.close()


def test_readonly_open_of_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(NarrascopeError, match="no database"):
        open_store(tmp_path / "missing.db", readonly=True)


def test_sqlite_runs_in_wal_mode(db_path):
    store = open_store(db_path)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


# -- PostgreSQL only ---------------------------------------------------------------------------------
def test_postgres_readonly_store_refuses_writes_and_needs_a_schema(postgres_url):
    with pytest.raises(NarrascopeError, match=r"E101.*run `narrascope ingest` first"):
        open_store(postgres_url, readonly=True)
    open_store(postgres_url).close()
    reader = open_store(postgres_url, readonly=True)
    assert reader.count_articles(ArticleQuery()) == 0
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        reader.start_run(["x"])
    reader.close()


def test_postgres_writers_queue_one_at_a_time(postgres_url):
    """As under SQLite's BEGIN IMMEDIATE: a second writer waits for the first to commit."""
    first, second = open_store(postgres_url), open_store(postgres_url)
    events: list[str] = []

    def write() -> None:
        second.start_run(["second"])
        events.append("second committed")

    with first.transaction():
        thread = threading.Thread(target=write)
        thread.start()
        time.sleep(0.3)
        events.append("first committing")
    thread.join(10)
    assert events == ["first committing", "second committed"]
    first.close()
    second.close()


def test_postgres_vector_indexes_are_cached_per_database(postgres_url, tmp_path):
    store = open_store(postgres_url)
    path = store.vector_index_path("claims")
    assert (
        path is not None and path.parent.parent == tmp_path / "index-cache" and path.name == "claims.usearch"
    )
    store.close()
    assert open_store(postgres_url).vector_index_path("claims") == path  # stable across opens


def test_postgres_article_over_the_tsvector_limit_is_stored_and_found(postgres_url):
    store = open_store(postgres_url)
    words = " ".join(chr(0x20000 + i) + chr(0x21000 + i % 997) for i in range(100_000))  # 1.5 MB of words
    store.write_batch(store.start_run(["x"]), [make_article("Opening line. " + words)], [], seen=1)
    assert store.count_articles(ArticleQuery(text="opening")) == 1
    store.close()


def test_postgres_without_psycopg_says_how_to_install(monkeypatch):
    from narrascope.store import postgres

    monkeypatch.setattr(postgres, "psycopg", None)
    with pytest.raises(NarrascopeError, match=r"E105.*narrascope\[postgres\]"):
        open_store("postgresql://nobody@/nowhere")


def test_postgres_connection_failure_hides_the_password(tmp_path):
    pytest.importorskip("psycopg")
    url = f"postgresql://someone:s3cret@/nowhere?host={tmp_path}"
    with pytest.raises(NarrascopeError, match="E102") as caught:
        open_store(url)
    assert "s3cret" not in str(caught.value) and "someone:***@" in str(caught.value)


def test_the_queue_migration_queues_what_an_older_store_left_to_do(tmp_path):
    """A store made before the work queues: its articles not enriched, and enriched not linked, are queued."""
    db = tmp_path / "old.db"
    store = open_store(db)
    arts = [make_article(f"Older store article {i} here.") for i in range(3)]
    store.write_batch(store.start_run(["x"]), arts, [], seen=3)
    store.write_enrichments([Enrichment(arts[1].id, (), ())], [], "p")
    with store.transaction() as conn:  # back to the schema before 0004_work_queues
        for table in ("enrich_queue", "link_queue"):
            conn.execute(f"DROP TABLE {table}")
        for index in ("enrichments_pipeline", "article_links_pipeline", "watch_matches_claim"):
            conn.execute(f"DROP INDEX {index}")
        conn.execute("DELETE FROM schema_migrations WHERE name = '0004_work_queues'")
    store.close()
    store = open_store(db)
    assert [a.id for a in store.articles_to_enrich()] == [arts[0].id, arts[2].id]
    assert [a.id for a in store.articles_to_link()] == [arts[1].id]
    store.close()


def test_a_search_pages_alike_whether_it_walks_the_date_index_or_sorts_its_matches(tmp_path, monkeypatch):
    """SQLite pages a search matching many articles down the date index and one matching few by sorting
    them: the two plans give the same pages."""
    from narrascope.store import query

    store = open_store(tmp_path / "plans.db")
    arts = [
        make_article(
            f"Harbour report {i} on the dam.", published=f"2024-03-{1 + i % 9:02d}" if i % 4 else None
        )
        for i in range(30)
    ]
    store.write_batch(store.start_run(["x"]), arts, [], seen=len(arts))
    pages = {}
    for many in (0, 10**9):
        monkeypatch.setattr(query, "MANY_MATCHES", many)
        pages[many] = [
            [a.id for a in store.list_articles(ArticleQuery(text="harbour dam", limit=7, offset=k))]
            for k in range(0, 35, 7)
        ]
    assert pages[0] == pages[10**9]
    listed = [i for page in pages[0] for i in page]
    assert sorted(listed) == sorted(a.id for a in arts)  # every match once
    dates = [store.get_article(i).published for i in listed]
    known = [d for d in dates if d is not None]
    assert dates == known + [None] * (len(dates) - len(known))  # newest first, undated last
    assert known == sorted(known, reverse=True)
    assert store.count_articles(ArticleQuery(text="harbour")) == 30
    store.close()
