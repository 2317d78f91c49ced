"""SQLite and PostgreSQL give the same results: the demo corpus and the seeds ingested, enriched, linked
and watched through ``Narrascope(db)`` with ``db`` a file path, then a ``postgresql://`` URL."""

from __future__ import annotations

import json
from dataclasses import astuple
from importlib.resources import files
from pathlib import Path

import pytest

from api_store import WATCHLIST
from narrascope.app import Narrascope
from narrascope.store import ArticleQuery
from narrascope.store.query import EntityQuery, StatementQuery

DEMO = Path(str(files("narrascope") / "data" / "demo"))
SEARCHES = ("partition", '"Northern Compact"', "Veloria dam", "Министр", "isis", "'; DROP TABLE articles; --")
EVERYTHING = 100_000


def _outputs(db: str, inputs: list[str], watchlist: Path) -> dict[str, object]:
    """Everything a user can read back, without the wall-clock times."""
    with Narrascope(db) as nar:
        ingest = nar.ingest(inputs)
        enrich = nar.enrich()
        link = nar.link()
        watch = nar.watch_import(watchlist)
        articles = nar.articles(ArticleQuery(limit=EVERYTHING))
        narratives = nar.narratives(all_groups=True, limit=EVERYTHING)
        stories = nar.stories(limit=EVERYTHING)
        return {
            "reports": (astuple(ingest), astuple(enrich), astuple(link), astuple(watch)),
            "articles": articles,
            "sources": [[(s.source, s.url) for s in nar.sources(a.id)] for a in articles],
            "errors": [(e.source, e.reason, e.detail) for e in nar.errors(limit=EVERYTHING)],
            "searches": [[a.id for a in nar.articles(ArticleQuery(text=q))] for q in SEARCHES],
            "statements": nar.statements(StatementQuery(limit=EVERYTHING)),
            "entities": nar.entities(EntityQuery(limit=EVERYTHING)),
            "narratives": narratives,
            "narrative details": [nar.narrative(n.id) for n in narratives],
            "stories": [(s, nar.story(s.id)) for s in stories],
            "similar": [nar.similar(a.id) for a in articles[:3]],
            "copies": nar.copies(),
            "citations": nar.citations(),
            "watch": [
                {k: v for k, v in m.items() if k != "matched_at"} for m in nar.watch(all_matches=True)[0]
            ],
        }


@pytest.fixture
def watchlist(tmp_path: Path) -> Path:
    path = tmp_path / "factcheck.json"
    path.write_text(json.dumps(WATCHLIST), encoding="utf-8")
    return path


@pytest.mark.parametrize("corpus", ["demo", "seeds"])
def test_sqlite_and_postgresql_give_the_same_results(corpus, request, tmp_path, postgres_url, watchlist):
    root = DEMO if corpus == "demo" else request.getfixturevalue("shared") / "seeds"
    inputs = [str(root)]
    on_sqlite = _outputs(str(tmp_path / "parity.db"), inputs, watchlist)
    on_postgres = _outputs(postgres_url, inputs, watchlist)
    assert on_sqlite["narratives"] and on_sqlite["statements"]  # there is something to compare
    for key, expected in on_sqlite.items():
        assert on_postgres[key] == expected, f"{key} differ"
