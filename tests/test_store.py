"""The SQLite store: migrations, atomic idempotent batches, full-text search with hostile queries."""

from __future__ import annotations

import sqlite3

import pytest

from narrascope.errors import NarrascopeError
from narrascope.model import Article, IngestError, article_id, content_hash
from narrascope.store import ArticleQuery, open_store
from narrascope.store.migrations import MIGRATIONS


def make_article(text: str, **fields: object) -> Article:
    hash_ = content_hash(text)
    defaults: dict[str, object] = {"source": "mem.txt", "word_count": len(text.split())}
    return Article(id=article_id(hash_), content_hash=hash_, text=text, **(defaults | fields))  # type: ignore[arg-type]


def test_migrations_apply_once_and_are_recorded(db_path):
    store = open_store(db_path)
    assert store.applied_migrations() == [m.name for m in MIGRATIONS]
    assert store.migrate() == []  # nothing pending on a second open
    store.close()
    again = open_store(db_path)
    assert again.applied_migrations() == [m.name for m in MIGRATIONS]
    mode = again.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_same_text_twice_is_stored_once_with_both_sources(db_path):
    store = open_store(db_path)
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


def test_failed_batch_leaves_nothing(db_path):
    store = open_store(db_path)
    run = store.start_run(["x"])
    good = make_article("A first article about the harbour.")
    broken = make_article("A second article about ferries.", source=None)  # NOT NULL violation mid-batch
    with pytest.raises(sqlite3.IntegrityError):
        store.write_batch(run, [good, broken], [], seen=2)
    assert store.count_articles(ArticleQuery()) == 0
    assert store.conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0] == 0


def test_errors_are_upserted_and_cleared_when_the_source_reads_cleanly(db_path):
    store = open_store(db_path)
    run = store.start_run(["x"])
    store.write_batch(run, [], [IngestError("a.txt", "empty", "no content")], seen=0)
    store.write_batch(run, [], [IngestError("a.txt", "empty", "still no content")], seen=0)
    assert [(e.source, e.detail) for e in store.list_errors()] == [("a.txt", "still no content")]
    store.write_batch(run, [make_article("Now it has text.", source="a.txt")], [], seen=1)
    assert store.list_errors() == []


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "NEAR(a b)", "a OR", "*", "'; DROP TABLE articles; --", "title:x", "^start", "-", '""'],
)
def test_full_text_search_treats_any_query_as_text(db_path, query):
    store = open_store(db_path)
    run = store.start_run(["x"])
    store.write_batch(run, [make_article("The council met; DROP TABLE articles was on a slide.")], [], seen=1)
    store.list_articles(ArticleQuery(text=query))  # must not raise
    assert store.count_articles(ArticleQuery()) == 1


def test_filters_and_search(db_path):
    store = open_store(db_path)
    run = store.start_run(["x"])
    arts = [
        make_article(
            "Dam talks resume in Ostmark.", outlet="Harbor Gazette", published="2024-05-02", language="en"
        ),
        make_article(
            "Ferry fares rise in July.", outlet="Meridian Daily", published="2024-06-07", language="en"
        ),
        make_article("Plotina Tessali.", outlet="Vestnik", language="ru"),
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
    assert store.count_articles(ArticleQuery(outlet="harbor gazette")) == 1
    assert store.count_articles(ArticleQuery(language="ru")) == 1
    assert store.count_articles(ArticleQuery(since="2024-06-01")) == 1
    assert store.count_articles(ArticleQuery(until="2024-05-31")) == 1
    page = store.list_articles(ArticleQuery(limit=1, offset=1))
    assert [a.outlet for a in page] == ["Harbor Gazette"]


def test_get_article_by_prefix(db_path):
    store = open_store(db_path)
    art = make_article("Prefix lookup text.")
    store.write_batch(store.start_run(["x"]), [art], [], seen=1)
    assert store.get_article(art.id[:6]) == store.get_article(art.id)
    assert store.get_article(art.id).text == "Prefix lookup text."  # type: ignore[union-attr]
    assert store.get_article("%%%%") is None
    assert store.get_article("ab") is None


def test_readonly_open_of_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(NarrascopeError, match="no database"):
        open_store(tmp_path / "missing.db", readonly=True)
