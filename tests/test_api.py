"""The REST API over the demo corpus (linked, with a watchlist) and hostile fictional articles, on SQLite and
PostgreSQL: every endpoint, paging that reaches every row, filters, auth refusals, JSON errors, writes."""

from __future__ import annotations

import base64
import io
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api_store import (
    CITING_TEXT,
    HOSTILE_MEDIUM,
    HOSTILE_OUTLET,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    WATCHLIST,
    add_citations,
    build,
    copy_sqlite,
)
from narrascope.app import Narrascope
from narrascope.serve.server import ServeSettings, create_app
from narrascope.store.browse import Filters
from narrascope.store.query import ArticleQuery, EntityQuery, StatementQuery

TOKEN = "correct-horse-battery-staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BASIC = {"Authorization": "Basic " + base64.b64encode(f"anyone:{TOKEN}".encode()).decode()}
WRONG = {"Authorization": "Bearer not-the-token"}


# -- stores and clients --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def built(request, tmp_path_factory) -> Iterator[tuple[str, str, object]]:
    """(back end, the built store: SQLite file or PostgreSQL template name, the PostgreSQL server or None)."""
    folder = tmp_path_factory.mktemp("api-store")
    if request.param == "sqlite":
        db = str(folder / "built.db")
        build(db, folder)
        yield "sqlite", db, None
        return
    server = request.getfixturevalue("postgres_server")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NARRASCOPE_INDEX_DIR", str(folder / "index-cache"))
        name = server.create_database()
        build(server.url(name), folder)
        yield "postgres", name, server
    server.drop_database(name)


def _clone(built: tuple[str, str, object], folder: Path) -> tuple[str, str | None]:
    _, source, server = built
    if server is None:
        return copy_sqlite(source, folder / "copy.db"), None
    name = server.create_database(template=source)  # type: ignore[attr-defined]
    return server.url(name), name  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def read_db(built, tmp_path_factory) -> Iterator[str]:
    """One copy for the read-only tests of a module (the built store stays a clean template)."""
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("api-read")
        mp.setenv("NARRASCOPE_INDEX_DIR", str(folder / "index-cache"))
        db, name = _clone(built, folder)
        yield db
    if name:
        built[2].drop_database(name)


@pytest.fixture
def db(built, tmp_path, monkeypatch) -> Iterator[str]:
    """A fresh copy for one test that writes."""
    monkeypatch.setenv("NARRASCOPE_INDEX_DIR", str(tmp_path / "index-cache"))
    db, name = _clone(built, tmp_path)
    yield db
    if name:
        built[2].drop_database(name)


@pytest.fixture(scope="module")
def api(read_db) -> Iterator[TestClient]:
    with TestClient(create_app(ServeSettings(read_db, token=TOKEN))) as client:
        yield client


def client(db: str, **settings: object) -> TestClient:
    return TestClient(create_app(ServeSettings(db, **{"token": TOKEN, **settings})))  # type: ignore[arg-type]


def walk(api: TestClient, url: str, headers: dict | None = None) -> tuple[list[dict], int | None]:
    """Every item, following ``next`` from ``url``; and the total the first page gave."""
    items: list[dict] = []
    first = None
    while url:
        response = api.get(url, headers=headers)
        assert response.status_code == 200, (url, response.text)
        body = response.json()
        first = body["total"] if first is None else first
        assert body["total"] == first  # the same query on every page
        items += body["items"]
        url = body["next"]
    return items, first


def one(api: TestClient, url: str) -> dict:
    response = api.get(url)
    assert response.status_code == 200, (url, response.text)
    return response.json()


def ids(items: list[dict], key: str = "id") -> list[str]:
    return [item[key] for item in items]


# -- paging ------------------------------------------------------------------------------------------------------
LISTINGS = [
    ("/api/articles", "id", "articles"),
    ("/api/statements", "id", "statements"),
    ("/api/claims", "id", "claims"),
    ("/api/entities", "id", "entities"),
    ("/api/stories", "id", "stories"),
    ("/api/watchlist", "id", "watch_items"),
]


@pytest.mark.parametrize(("path", "key", "kind"), LISTINGS)
def test_paging_reaches_every_row_once(api, path, key, kind):
    counts = one(api, "/api/health")["counts"]
    items, total = walk(api, f"{path}?limit=3")
    assert total == counts[kind] == len(items) == len(set(ids(items, key))) > 0
    whole = one(api, f"{path}?limit=500")
    assert ids(whole["items"], key) == ids(items, key)  # pages are slices of one order
    assert whole["next"] is None


def test_statements_and_claims_are_searched_by_word(read_db):
    """Statement and claim text is searched as articles are: every word, anywhere, case-folded, or a
    quoted phrase, from a full-text index on both back ends (never a substring: "art" is no word of
    "partition")."""

    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    with Narrascope(read_db, readonly=True) as nar:
        statements, _ = nar.find_statements(Filters(limit=500))
        claims, _ = nar.find_claims(Filters(limit=500))
        for query in ("partition", "VELORIA dam", "art", '"the dam"'):
            wanted = words(query)
            phrase = query.startswith('"')

            def hit(text: str, wanted: list[str] = wanted, phrase: bool = phrase) -> bool:
                have = words(text)
                if phrase:
                    return any(have[i : i + len(wanted)] == wanted for i in range(len(have)))
                return set(wanted) <= set(have)

            found, total = nar.find_statements(Filters(text=query, limit=500))
            expected = [s.id for s in statements if hit(s.content)]
            assert [s.id for s in found] == expected and total == len(expected), query
            found_claims, total = nar.find_claims(Filters(text=query, limit=500))
            expected = [c.id for c in claims if hit(c.text)]
            assert [c.id for c in found_claims] == expected and total == len(expected), query
        assert nar.find_statements(Filters(text="partition", limit=1))[1] > 0
        assert nar.find_statements(Filters(text="art", limit=1))[1] == 0


def test_text_searches_page_alike_walking_or_sorting(read_db, monkeypatch):
    """SQLite pages a text search with many matches down the listing's order and one with few by sorting
    its matches: both plans give the same pages of statements and claims, each match once."""
    from narrascope.store import query

    pages = {}
    with Narrascope(read_db, readonly=True) as nar:
        for many in (0, 10**9):
            monkeypatch.setattr(query, "MANY_MATCHES", many)
            pages[many] = [
                [
                    [s.id for s in nar.find_statements(Filters(text="partition", limit=2, offset=k))[0]],
                    [c.id for c in nar.find_claims(Filters(text="partition", limit=2, offset=k))[0]],
                    [s.id for s in nar.statements(StatementQuery(text="partition", limit=2, offset=k))],
                ]
                for k in range(0, 12, 2)
            ]
        total = nar.find_statements(Filters(text="partition", limit=1))[1]
    assert pages[0] == pages[10**9]
    statements = [i for page in pages[0] for i in page[0]]
    assert len(statements) == len(set(statements)) == total > 2


def test_entity_listing_counts_every_mention_and_article(read_db):
    """The CLI listing and the API page count the same way: each entity's mentions and distinct
    articles, most mentioned first."""
    with Narrascope(read_db, readonly=True) as nar:
        rows = nar.entities(EntityQuery(limit=500))
        page, total = nar.entity_page(EntityQuery(limit=500))
        for r in rows:
            mentions = nar.store.entity_mentions(r.id, limit=100_000)
            assert (r.mentions, r.articles) == (len(mentions), len({m.article_id for m in mentions})), r.id
    assert len(rows) == total > 10 and any(r.mentions > r.articles for r in rows)
    assert [r.mentions for r in rows] == sorted((r.mentions for r in rows), reverse=True)
    assert [r.id for r in rows] == [p["id"] for p in page]


def test_entity_article_pages_alike_walking_or_sorting(read_db, monkeypatch):
    """SQLite pages the articles of an entity with many mentions down the date index and those of one
    with few by sorting them: the same pages either way, oldest first, undated last, each article once."""
    from narrascope.store import query

    with Narrascope(read_db, readonly=True) as nar:
        top = nar.entities(EntityQuery(limit=1))[0]
        pages = {}
        for many in (0, 10**9):
            monkeypatch.setattr(query, "MANY_MATCHES", many)
            pages[many] = [
                [a.id for a in nar.store.entity_article_page(top.id, 2, k)]
                for k in range(0, top.articles + 2, 2)
            ]
        listed = [nar.article(i) for page in pages[0] for i in page]
    assert pages[0] == pages[10**9]
    assert len(listed) == len({a.id for a in listed}) == top.articles > 2
    dated = [a.published for a in listed if a.published]
    assert dated == sorted(dated) and [a.published for a in listed[len(dated) :]] == [None] * (
        len(listed) - len(dated)
    )


def test_paging_every_sub_listing(api, read_db):
    with Narrascope(read_db, readonly=True) as nar:
        narratives = nar.narratives(all_groups=True, limit=500)
        stories = nar.stories(500)
        statements, _ = nar.find_statements(Filters(limit=500))
        claims, _ = nar.find_claims(Filters(limit=500))
    all_narratives, total = walk(api, "/api/narratives?all=true&limit=2")
    assert ids(all_narratives) == [n.id for n in narratives] and total == len(narratives)
    recurring, _ = walk(api, "/api/narratives?limit=2")
    assert {n["id"] for n in recurring} < {n.id for n in narratives}
    for narrative in narratives:
        evidence, total = walk(api, f"/api/narratives/{narrative.id}/evidence?limit=2")
        assert total == narrative.claim_count == len(evidence)
        assert {e["claim_id"] for e in evidence} == {
            c.id for c in claims if narrative.id in (c.narrative_ids or "")
        }
        denials, total = walk(api, f"/api/narratives/{narrative.id}/evidence?stance=denies&limit=1")
        assert total == narrative.denial_count == len(denials)
    in_stories = 0
    for story in stories:
        assert (
            one(api, f"/api/stories/{story.id[:6]}?limit=1")["id"] == story.id
        )  # a unique prefix, as articles
        url = f"/api/stories/{story.id}?limit=1"
        detail = one(api, url)
        pages, url = [detail["articles"]], detail["articles"]["next"]
        while url:
            pages.append(one(api, url)["articles"])
            url = pages[-1]["next"]
        in_stories += sum(len(p["items"]) for p in pages)
        assert sum(len(p["items"]) for p in pages) == story.article_count == detail["articles"]["total"]
    assert in_stories == one(api, "/api/health")["counts"]["articles"]  # every linked article is in a story
    by_article: dict[str, int] = {}
    for s in statements:
        by_article[s.article_id] = by_article.get(s.article_id, 0) + 1
    for article_id, count in by_article.items():
        found, total = walk(api, f"/api/articles/{article_id}/statements?limit=2")
        assert total == count == len(found)
        entities, total = walk(api, f"/api/articles/{article_id}/entities?limit=2")
        mentions, mention_total = walk(api, f"/api/articles/{article_id}/mentions?limit=3")
        assert {m["entity_id"] for m in mentions} == set(ids(entities))
        assert sum(e["mentions"] for e in entities) == mention_total == len(mentions)


def test_entity_pages(api):
    korvin = one(api, "/api/entities/Korvin")
    assert korvin["name"] == "Anya Korvin" and "Korvin" in korvin["aliases"]
    assert one(api, f"/api/entities/{korvin['id']}") == korvin
    said, total = walk(api, "/api/entities/Korvin/statements?limit=2")
    assert total == len(said) >= korvin["statements"] > 0
    articles, total = walk(api, "/api/entities/Anya Korvin/articles?limit=1")
    assert total == korvin["articles"] == len(set(ids(articles)))
    mentions, total = walk(api, "/api/entities/Korvin/mentions?limit=2")
    assert total == korvin["mentions"] == len(mentions)
    assert {m["article_id"] for m in mentions} == set(ids(articles))
    listed = one(api, "/api/entities?name=korv")["items"]
    assert [e["id"] for e in listed] == [korvin["id"]]
    assert listed[0]["mentions"] == korvin["mentions"] and listed[0]["statements"] == korvin["statements"]


def test_limits_are_refused_not_capped(api):
    for query in ("limit=501", "limit=0", "offset=-1", "limit=x"):
        response = api.get(f"/api/articles?{query}")
        assert response.status_code == 422
        assert response.json()["code"] == "E160" and response.json()["errors"][0]["loc"][-1] in (
            "limit",
            "offset",
        )
    refused = api.get("/api/claims?limit=1000").json()
    assert refused["detail"].startswith("limit: ") and "less than or equal to 500" in refused["detail"]
    assert one(api, "/api/articles?offset=100000")["items"] == []


# -- filters ---------------------------------------------------------------------------------------------------------
def test_article_filters(api):
    everything, _ = walk(api, "/api/articles?limit=500")
    outlet = one(api, "/api/articles?outlet=the harbor gazette")["items"]
    assert outlet and all(a["outlet"] == "The Harbor Gazette" for a in outlet)
    dated = one(api, "/api/articles?since=2024-03-12&until=2024-05")["items"]
    assert dated and all("2024-03-12" <= a["published"] <= "2024-05-31" for a in dated)
    assert len(dated) == sum(
        1 for a in everything if a["published"] and "2024-03-12" <= a["published"] < "2024-06"
    )
    ru = one(api, "/api/articles?language=ru")["items"]
    assert ru and all(a["language"] == "ru" for a in ru)
    found = one(api, '/api/articles?q="harbour levy"')["items"]
    assert {a["title"] for a in found} == {HOSTILE_TITLE, "Undated levy note"}
    dates = [a["published"] for a in everything]
    assert dates == sorted((d for d in dates if d), reverse=True) + [None] * dates.count(None)


def test_dates_are_checked_alike_everywhere(api):
    """One parser for every date filter: a date that does not exist, or a range that ends before it starts,
    is E153 (as the exports always said), never a filter that silently keeps nothing; YYYY and YYYY-MM mean
    the whole year or month."""
    for url in (
        "/api/articles?since=2024-13-45",
        "/api/articles?until=2024-02-30",
        "/api/articles?since=yesterday",
        "/api/statements?since=2024-99-99",
        "/api/claims?until=2024-00",
        "/api/search?q=partition&since=2024-02-30",
        "/api/articles?since=2025&until=2024",
        "/api/export/articles?since=2024-13-45",
        "/api/export/articles?since=2024-06&until=2024-05",
        "/api/watchlist/matches?since=2024-13-99",
        "/api/watchlist/matches?since=2024-01-01T99:99",
    ):
        response = api.get(url)
        assert response.status_code == 400, url
        assert response.json()["code"] == "E153" and response.json()["detail"], url
    assert "is after until" in api.get("/api/articles?since=2025&until=2024").json()["detail"]
    month = one(api, "/api/articles?since=2024-05&until=2024-05&limit=500")
    days = one(api, "/api/articles?since=2024-05-01&until=2024-05-31&limit=500")
    assert month["items"] == days["items"] and month["total"] > 0
    assert (
        one(api, "/api/statements?since=2024&until=2024")["total"]
        == one(api, "/api/statements?since=2024-01-01&until=2024-12-31")["total"]
    )


def test_statement_filters(api):
    korvin = one(api, "/api/statements?speaker=Korvin&limit=500")["items"]
    assert korvin and all("korvin" in (s["speaker_name"] or s["speaker"]).lower() for s in korvin)
    by_entity = one(api, "/api/statements?entity=Anya Korvin&limit=500")["items"]
    assert {s["id"] for s in korvin} <= {s["id"] for s in by_entity}
    for query, check in (
        ("kind=direct", lambda s: s["kind"] == "direct"),
        ("stance=denies", lambda s: s["stance"] == "denies"),
        ("language=en&outlet=Meridian Daily", lambda s: s["outlet"] == "Meridian Daily"),
        ("since=2024-05-01", lambda s: s["published"] >= "2024-05-01"),
        ("q=partition", lambda s: "partition" in s["content"].lower()),
    ):
        found = one(api, f"/api/statements?{query}&limit=500")
        assert found["items"] and found["total"] == len(found["items"]), query
        assert all(check(s) for s in found["items"]), query
    article = korvin[0]["article_id"]
    assert {s["article_id"] for s in one(api, f"/api/statements?article={article}")["items"]} == {article}
    assert one(api, "/api/statements?entity=Nobody Atall")["total"] == 0


def test_claim_filters(api):
    claims, _ = walk(api, "/api/claims?limit=500")
    narrative = next(c["narrative_ids"][0] for c in claims if c["narrative_ids"])
    found = one(api, f"/api/claims?narrative={narrative}&limit=500")["items"]
    assert found and all(narrative in c["narrative_ids"] for c in found)
    assert len(found) == sum(narrative in c["narrative_ids"] for c in claims)
    partition = one(api, "/api/claims?frame=partition&limit=500")["items"]
    assert partition and len(partition) == sum(
        any(f["frame"] == "partition" for f in c["frames"]) for c in claims
    )
    denials = one(api, "/api/claims?stance=denies&limit=500")["items"]
    assert denials and all(c["stance"] == "denies" for c in denials)
    article = claims[0]["article_id"]
    assert {c["article_id"] for c in one(api, f"/api/claims?article={article}")["items"]} == {article}
    korvin = one(api, "/api/claims?speaker=korvin&limit=500")["items"]
    assert korvin and all("korvin" in c["speaker"].lower() for c in korvin)
    veloria = {e["id"] for e in one(api, "/api/entities?name=Veloria")["items"] if e["name"] == "Veloria"}
    assert api.get("/api/entities/Veloria").json()["code"] == "E110"  # a place and its people: give an id
    naming = one(api, "/api/claims?entity=Veloria&limit=500")["items"]
    assert naming and all(veloria & {*c["entity_ids"], c["speaker_entity_id"]} for c in naming)


@pytest.mark.parametrize("kind", ["articles", "statements", "claims"])
def test_text_search(api, kind):
    body = one(api, f"/api/search?q=partition&kind={kind}&limit=500")
    assert body["kind"] == kind and body["mode"] == "text" and body["total"] == len(body["items"]) > 0
    listing = {"articles": "/api/articles", "statements": "/api/statements", "claims": "/api/claims"}[kind]
    assert ids(body["items"]) == ids(one(api, f"{listing}?q=partition&limit=500")["items"])
    assert all(item["score"] is None for item in body["items"])
    dated = one(api, f"/api/search?q=partition&kind={kind}&since=2024-06-01&stance=denies")
    assert all(i["published"] >= "2024-06-01" for i in dated["items"])


def test_semantic_search_ranks_across_languages_and_pages_every_claim(api, read_db):
    body = one(api, "/api/search?q=The Compact wants to split Veloria&mode=semantic&kind=claims&limit=5")
    assert body["total"] is None and body["items"]
    scores = [c["score"] for c in body["items"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.7
    assert "split Veloria" in body["items"][0]["text"]
    assert any(f["frame"] == "partition" for c in body["items"] for f in c["frames"])
    russian = one(api, "/api/search?q=Союз хочет разделить Велорию&mode=semantic&kind=claims&limit=3")[
        "items"
    ]
    assert any(f["frame"] == "partition" for c in russian for f in c["frames"])
    url = "/api/search?q=harbour&mode=semantic&kind=claims&min_score=-1&limit=7"
    ranked, _ = [], None
    while url:
        page = one(api, url)
        ranked += page["items"]
        url = page["next"]
    with Narrascope(read_db, readonly=True) as nar:
        assert len(ranked) == len(set(ids(ranked))) == nar.counts()["claims"]
    assert [c["score"] for c in ranked] == sorted((c["score"] for c in ranked), reverse=True)


def test_semantic_filters_and_statements(api):
    url = "/api/search?q=Northern Compact plans to divide Veloria&mode=semantic&min_score=0.2&limit=50"
    outlet = one(api, f"{url}&kind=claims&outlet=Meridian Daily")["items"]
    assert outlet and all(c["outlet"] == "Meridian Daily" for c in outlet)
    denying = one(api, f"{url}&kind=claims&stance=denies")["items"]
    assert denying and all(c["stance"] == "denies" for c in denying)
    statements = one(api, f"{url}&kind=statements&speaker=Korvin")["items"]
    assert statements and all("korvin" in (s["speaker_name"] or "").lower() for s in statements)
    assert len(statements) == len(set(ids(statements)))  # a statement shows once, at its best claim
    articles = one(api, f"{url}&kind=articles&since=2024-03-01&until=2024-03-31")["items"]
    assert articles and all(a["published"].startswith("2024-03") for a in articles)
    assert one(api, f"{url}&kind=articles&entity=Nobody Atall")["items"] == []


def test_search_refuses_empty_and_never_fails_on_hostile_queries(api):
    assert api.get("/api/search").status_code == 422
    refused = api.get('/api/search?q="  "')
    assert refused.status_code == 400 and refused.json()["code"] == "E127"
    for q in ('"unbalanced', "NEAR(a b)", "a* OR b", "'; DROP TABLE articles; --", "%_\\", "🛳️", "x" * 1000):
        for mode in ("text", "semantic"):
            assert api.get("/api/search", params={"q": q, "mode": mode}).status_code == 200, q
    assert api.get("/api/search", params={"q": "a\x00b"}).status_code == 422
    malformed = api.get("/api/articles", params={"since": "2024-13-99x"})
    assert malformed.status_code == 400 and malformed.json()["code"] == "E153"  # as every date filter


# -- one of each ------------------------------------------------------------------------------------------------------
def test_article_detail_and_hostile_text_round_trips(api, read_db):
    found = one(api, '/api/articles?q="harbour levy" double')["items"]
    assert len(found) == 1
    article = one(api, f"/api/articles/{found[0]['id']}")
    with Narrascope(read_db, readonly=True) as nar:
        stored = nar.article(found[0]["id"])
    assert article["title"] == stored.title == HOSTILE_TITLE
    assert article["text"] == stored.text and "\u202eReversed text\u202c" in article["text"]
    assert article["url"] == "https://levy.example/a?x=<b>&y='1'"
    assert article["sources"] and article["sources"][0]["source"].endswith("hostile.jsonl#line-1")
    assert one(api, f"/api/articles/{found[0]['id'][:6]}")["id"] == found[0]["id"]
    raw = api.get(f"/api/articles/{found[0]['id']}").content.decode()
    assert json.loads(raw)["text"] == stored.text and "<script>" in raw  # JSON, not HTML: clients escape


def test_unknown_ids_are_404_with_json_bodies(api):
    for url in ("/api/articles/0000000000000000", "/api/articles/zz", "/api/articles/0000/statements",
                "/api/entities/Nobody Atall", "/api/entities/Nobody Atall/statements", "/api/stories/nope",
                "/api/narratives/nope", "/api/narratives/nope/evidence", "/api/articles/0000000000000000/similar"):  # fmt: skip
        response = api.get(url)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/json"
        assert response.json()["code"] in ("E106", "E109", "E120") and response.json()["detail"]


def test_narrative_detail_matches_the_cli(api, read_db):
    with Narrascope(read_db, readonly=True) as nar:
        narratives = nar.narratives(all_groups=True, limit=500)
        details = {n.id: nar.narrative(n.id) for n in narratives}
    for narrative_id, detail in details.items():
        body = one(api, f"/api/narratives/{narrative_id}")
        assert body["label"] == detail.narrative.label and body["claim_count"] == detail.narrative.claim_count
        assert body["timeline"] == [
            {"date": p.date, "outlet": p.outlet, "asserts": p.asserts, "denies": p.denies}
            for p in detail.timeline
        ]
        assert [(s["speaker"], s["asserts"], s["denies"]) for s in body["speakers"]] == list(detail.speakers)
        assert [(o["outlet"], o["claims"]) for o in body["outlets"]] == list(detail.outlets)
        assert (body["first"] or {}).get("claim_id") == (detail.first.claim_id if detail.first else None)
        evidence, _ = walk(api, f"/api/narratives/{narrative_id}/evidence?limit=2")
        assert [e["claim_id"] for e in evidence] == [e.claim_id for e in detail.evidence]
        assert [e["claim_id"] for e in body["denials"]["items"]] == [e.claim_id for e in detail.denials]
        if body["evidence"]["next"]:
            assert body["evidence"]["next"].startswith(f"/api/narratives/{narrative_id}/evidence?")


def test_similar_articles(api):
    article = one(api, '/api/articles?q="split Veloria"')["items"][0]["id"]
    reranked = one(api, f"/api/articles/{article}/similar?limit=3")
    assert 0 < len(reranked["items"]) <= 3 and article not in ids(reranked["items"])
    assert all(0 <= a["similarity"] <= 1 for a in reranked["items"])
    cosine = one(api, f"/api/articles/{article}/similar?limit=3&rerank=false")["items"]
    assert [a["cosine"] for a in cosine] == sorted((a["cosine"] for a in cosine), reverse=True)
    assert all(a["similarity"] is None for a in cosine)
    assert api.get(f"/api/articles/{article}/similar?offset=200").status_code == 422


def test_citation_pages_are_the_cli_edges_with_their_first_citations(db):
    citing = add_citations(db)
    with Narrascope(db, readonly=True) as nar:
        edges = nar.citations()
        pages = [nar.citation_page(limit=1, offset=n) for n in range(len(edges) + 1)]
        assert (
            nar.count_citation_edges() == len(edges) == 4
        )  # the demo's, and three added (a self-citation not)
        assert [(e.citing, e.cited, e.citations) for page in pages for e in page] == edges and not pages[-1]
        texts = {a.id: a.text for a in nar.articles(ArticleQuery(limit=500))}
        ledger = nar.citation_page(outlet="LEVY ledger", cited="tass", examples=5)
        assert nar.citation_page(outlet="Levy Ledger", examples=0)[0].examples == ()
    examples = [(e.cited, x) for page in pages for e in page for x in e.examples]
    assert len(examples) == 6 and all(x.sentence in texts[x.article_id] for _, x in examples)
    assert all(CITING_TEXT[x.start : x.end] == name for name, x in examples if x.article_id == citing.id)
    assert [(e.citing, e.cited, e.articles) for e in ledger] == [("Levy Ledger", "TASS", 2)]
    assert [x.published for x in ledger[0].examples] == ["2024-07-01", None]  # dated first


def test_citations_endpoint_pages_filters_and_returns_hostile_names_unchanged(db):
    add_citations(db)
    with Narrascope(db, readonly=True) as nar:
        edges = nar.citations()
    with client(db) as api:
        items, total = walk(api, "/api/citations?limit=1")
        assert total == len(items) == len(edges) == 4
        assert [(e["citing"], e["cited"], e["citations"]) for e in items] == edges
        hostile = [e for e in items if e["citing"] == HOSTILE_OUTLET]  # JSON holds the text as stored
        assert [e["cited"] for e in hostile] == ["TASS", HOSTILE_MEDIUM]
        assert [x["cue"] for x in hostile[0]["examples"]] == ["reported", "according to"]
        assert hostile[1]["examples"][0]["sentence"].startswith(HOSTILE_MEDIUM)
        assert hostile[0]["examples"][0]["title"] == HOSTILE_TITLE
        ledger = one(api, "/api/citations?outlet=levy%20LEDGER&cited=tass&examples=1")
        assert [(e["citing"], e["articles"], len(e["examples"])) for e in ledger["items"]] == [
            ("Levy Ledger", 2, 1)
        ]
        assert ledger["total"] == 1 and ledger["items"][0]["examples"][0]["published"] == "2024-07-01"
        assert one(api, "/api/citations?cited=TASS")["total"] == 2
        assert one(api, "/api/citations?examples=0")["items"][0]["examples"] == []
        assert one(api, "/api/citations?outlet=Nobody")["items"] == []
        assert one(api, "/api/citations?outlet=" + quote(HOSTILE_OUTLET))["total"] == 2
        for refused in ("limit=501", "examples=21", "offset=-1", "outlet=%00"):
            response = api.get(f"/api/citations?{refused}")
            assert response.status_code == 422 and response.json()["detail"], refused


def test_watchlist_reads(api):
    items = one(api, "/api/watchlist")["items"]
    assert [i["title"] for i in items] == [WATCHLIST["claimReviewed"]] and items[0]["matches"] > 0
    matches, total = walk(api, "/api/watchlist/matches?limit=1")
    assert total == items[0]["matches"] == len(matches)
    assert all(m["item_id"] == items[0]["id"] and m["claim"] for m in matches)
    assert one(api, f"/api/watchlist/matches?item={items[0]['id']}")["total"] == total
    assert one(api, "/api/watchlist/matches?since=2999-01-01")["total"] == 0
    since = api.get("/api/watchlist/matches", params={"since": "2000-01-01T00:00:00+00:00"})
    assert since.json()["total"] == total


def test_health(api):
    body = one(api, "/api/health")
    assert body["status"] == "ok" and body["writes_enabled"] and not body["reads_protected"]
    assert body["counts"]["articles"] == one(api, "/api/articles?limit=1")["total"]


def test_openapi_spec_describes_every_response(api):
    spec = one(api, "/api/openapi.json")
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation["responses"]["200"]["content"]
            if path == "/api/export/{what}":  # a file download in one of the export formats
                assert set(content) >= {"text/csv; charset=utf-8", "application/vnd.apache.parquet"}
                continue
            schema = content["application/json"]["schema"]
            assert schema.get("$ref") or schema.get("oneOf") or schema.get("anyOf"), (method, path)


# -- auth ---------------------------------------------------------------------------------------------------------------
def _routes(app, methods: set[str]) -> list[tuple[str, str]]:
    """(method, path) of every API operation the spec lists."""
    paths = app.openapi()["paths"]
    return [(m.upper(), path) for path, ops in paths.items() for m in ops if m.upper() in methods]


def _fill(path: str) -> str:
    return path.replace("{article_id}", "0000000000000000").replace("{name}", "x").replace("{item_id}", "x") \
        .replace("{story_id}", "x").replace("{narrative_id}", "x").replace("{what}", "entities")  # fmt: skip


def test_every_write_needs_the_token(read_db):
    app = create_app(ServeSettings(read_db, token=TOKEN))
    writes = _routes(app, {"POST", "DELETE", "PUT", "PATCH"})
    assert {p for _, p in writes} == {"/api/ingest", "/api/ingest/records", "/api/watchlist",
                                      "/api/watchlist/{item_id}", "/api/articles/{article_id}"}  # fmt: skip
    with TestClient(app) as api, TestClient(create_app(ServeSettings(read_db))) as tokenless:
        for method, path in writes:
            url = _fill(path)
            none = api.request(method, url, files={"file": ("x.csv", b"x")})
            assert none.status_code == 401 and none.json()["detail"], (method, path)
            assert none.headers["www-authenticate"] == "Bearer"
            wrong = api.request(method, url, headers=WRONG, json={"records": []})
            assert wrong.status_code == 403 and wrong.json()["detail"], (method, path)
            assert api.request(method, url, headers={"Authorization": "Basic eDp5"}).status_code == 401
            assert tokenless.request(method, url, headers=AUTH).status_code == 403, (method, path)
        assert api.get("/api/articles").status_code == 200  # reads stay open


def test_protected_reads_need_the_token(read_db):
    app = create_app(ServeSettings(read_db, token=TOKEN, protect_reads=True))
    reads = _routes(app, {"GET"})
    assert len(reads) >= 20
    with TestClient(app) as api:
        for _, path in reads:
            url = _fill(path) + ("?q=x" if path == "/api/search" else "")
            if path == "/api/health":
                assert (
                    api.get(url).json()["counts"] is None
                    and api.get(url, headers=WRONG).json()["counts"] is None
                )
                assert api.get(url, headers=AUTH).json()["counts"]["articles"] > 0
                continue
            assert api.get(url).status_code == 401, path
            assert api.get(url, headers=WRONG).status_code == 403, path
            assert api.get(url, headers=AUTH).status_code in (200, 404), path
            assert api.get(url, headers=BASIC).status_code in (200, 404), path  # what a browser sends


# -- writes ---------------------------------------------------------------------------------------------------------------
PAGE = b"""<html><head><title>Quay cranes idle</title><meta name="author" content="Ida Brun"></head><body><article>
<h1>Quay cranes idle</h1><p>Port workers in Port Arden stopped the quay cranes on Monday, the harbour master said.
The stoppage is the first this year, and talks with the operator Bluewater Lines resume on Friday.</p>
</article></body></html>"""


@pytest.fixture
def page_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/quay.html"
    httpd.shutdown()
    httpd.server_close()


def test_ingest_uploads_urls_then_enrich_and_link(db, page_server, tmp_path):
    records = "".join(json.dumps(r) + "\n" for r in (
        {"text": "Ferry crews in Port Arden voted to strike on Monday over the new harbour levy, the union said. "
                 "The vote follows weeks of talks with Bluewater Lines.", "title": "Ferry crews vote", "outlet": "Levy Ledger"},
        {"nothing": "here"},
    ))  # fmt: skip
    files = [("files", ("../../etc/passwd.jsonl", records.encode(), "application/json")),
             ("files", ("evil\u202e\n.html", PAGE.replace(b"Monday", b"Tuesday"), "text/html"))]  # fmt: skip
    with client(db) as api:
        before = one(api, "/api/health")["counts"]
        response = api.post("/api/ingest", headers=AUTH, files=files,
                            data={"urls": [page_server], "enrich": "true", "link": "true"})  # fmt: skip
        assert response.status_code == 200, response.text
        report = response.json()
        assert (report["seen"], report["stored"]) == (3, 3)
        assert [e["reason"] for e in report["errors"]] == ["malformed"]
        assert report["errors"][0]["source"].startswith("upload:") and report["errors"][0]["source"].endswith(
            "/passwd.jsonl#line-2"
        )
        assert report["enriched"]["articles"] == 3 and report["linked"]["articles"] == 3
        after = one(api, "/api/health")["counts"]
        assert after["articles"] == before["articles"] + 3 and after["statements"] > before["statements"]
        sources = [s["source"] for a in one(api, "/api/articles?q=Arden&limit=500")["items"] for s in [a]]
        assert page_server in sources
        assert any(s.startswith("upload:") and s.endswith("/passwd.jsonl#line-1") for s in sources)
        uploaded = [s for s in sources if s.startswith("upload:")]
        assert len(uploaded) == 2 and all(
            re.fullmatch(r"upload:[0-9a-f]{12}/[\w.\- ]+(#line-1)?", s) for s in uploaded
        )
        assert any(s.startswith("upload:") and re.search(r"/evil_\w*\.html$", s) for s in uploaded)
        assert not Path("/etc/passwd.jsonl").exists()
        again = api.post("/api/ingest", headers=AUTH, files=files[:1]).json()
        assert again["stored"] == 0 and again["duplicates"] == 1 and again["enriched"] is None


def test_ingest_records_and_refusals(db):
    body = {"records": [{"text": HOSTILE_TEXT + " Again, on Wednesday.", "title": HOSTILE_TITLE + "!",
                         "published": "2024-08-02"}]}  # fmt: skip
    with client(db, max_upload_bytes=4096) as api:
        response = api.post("/api/ingest/records", headers=AUTH, json=body)
        assert response.status_code == 200 and response.json()["stored"] == 1, response.text
        found = one(api, "/api/articles?since=2024-08-02")["items"]
        assert [a["title"] for a in found] == [HOSTILE_TITLE + "!"]
        assert found[0]["source"].endswith("/records.jsonl#line-1")
        nothing = api.post("/api/ingest/records", headers=AUTH, json={})
        assert nothing.status_code == 400 and nothing.json()["code"] == "E126"
        assert api.post("/api/ingest", headers=AUTH, data={"urls": ["file:///etc/passwd"]}).status_code == 422
        big = api.post("/api/ingest", headers=AUTH, files={"files": ("a.txt", b"x" * 10_000)})
        assert big.status_code == 413 and "limit" in big.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield b'{"records": [{"text": "'
            for _ in range(10):
                yield b"y" * 1000
            yield b'"}]}'

        streamed = api.post("/api/ingest/records", headers=AUTH | {"Content-Type": "application/json"},
                            content=chunks())  # fmt: skip
        assert streamed.status_code == 413
        bad_map = api.post(
            "/api/ingest", headers=AUTH, data={"field_map": "nonsense"}, files={"files": ("a.csv", b"x")}
        )
        assert bad_map.status_code == 400 and bad_map.json()["code"] == "E201"


def test_ingest_lone_surrogates_store_the_rest_and_never_answer_500(tmp_path):
    """JSON escapes of half an emoji in records, uploads and urls: records are kept (U+FFFD in place of
    the surrogate), the batch goes on, and a refused value is a JSON 422, not a server error."""
    db = str(tmp_path / "fresh.db")
    Narrascope(db).close()
    lone = {
        "title": "x \ud800",
        "body": "Minister Anya Korvin said the Compact wants to partition Veloria "
        "\udc00 again, officials in Port Arden said on Monday.",
        "source": "S",
        "date": "2024-06-17",
    }
    good = {
        "title": "Ferry",
        "body": "The ferry to Varo sails again on Monday after repairs, the port "
        "authority of Velmora said in a statement on Friday.",
    }
    json_body = AUTH | {"Content-Type": "application/json"}
    with client(db) as api:
        records = {"records": [lone, {"\ud800": "no text"}, good]}
        response = api.post("/api/ingest/records", headers=json_body, content=json.dumps(records))
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["stored"] == 2 and [e["reason"] for e in answer["errors"]] == ["malformed"]
        titles = {a["title"] for a in one(api, "/api/articles")["items"]}
        assert titles == {"x \ufffd", "Ferry"}
        dump = "".join(json.dumps(r) + "\n" for r in (lone | {"title": "again \udfff"}, good)).encode()
        upload = api.post("/api/ingest", headers=AUTH, files={"files": ("lone.jsonl", dump)})
        assert upload.status_code == 200 and upload.json()["duplicates"] == 2, upload.text
        bad_url = api.post(
            "/api/ingest/records", headers=json_body, content=json.dumps({"urls": ["https://\ud800/"]})
        )
        assert bad_url.status_code == 422 and bad_url.json()["detail"], bad_url.text


def test_watchlist_upload_and_delete(db, tmp_path):
    csv = ("date,id,title,countries\n"
           "2024-03-12,https://example.org/report/split/,The Compact plans a partition of Veloria,Veloria\n"
           "not a date,https://example.org/report/bad/,A bad row,\n")  # fmt: skip
    with client(db) as api:
        response = api.post(
            "/api/watchlist", headers=AUTH, files={"file": ("../cases\u202e.csv", csv.encode())}
        )
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["read"] == 1 and result["added"] == 1
        assert result["problems"] and all(
            p["source"].startswith("upload:") and "/cases_.csv:" in p["source"] for p in result["problems"]
        )
        items = one(api, "/api/watchlist")["items"]
        assert len(items) == 2
        added = next(i for i in items if i["url"] == "https://example.org/report/split/")
        assert added["countries"] == ["Veloria"]
        total = one(api, "/api/watchlist/matches")["total"]
        deleted = api.delete(f"/api/watchlist/{added['id']}", headers=AUTH)
        assert deleted.status_code == 200 and deleted.json() == {"id": added["id"], "deleted": True}
        assert one(api, f"/api/watchlist/matches?item={added['id']}")["total"] == 0
        assert one(api, "/api/watchlist/matches")["total"] == total - added["matches"]
        again = api.delete(f"/api/watchlist/{added['id']}", headers=AUTH)
        assert again.status_code == 404 and again.json()["code"] == "E121"


def test_delete_article_removes_what_came_from_it(db):
    with client(db) as api:
        narrative = one(api, "/api/narratives?limit=1")["items"][0]
        evidence, _ = walk(api, f"/api/narratives/{narrative['id']}/evidence?limit=500")
        victim = evidence[0]["article_id"]
        claims = one(api, f"/api/claims?article={victim}&limit=500")["items"]
        in_narrative = sum(e["article_id"] == victim for e in evidence)
        before = one(api, "/api/health")["counts"]
        statements = one(api, f"/api/articles/{victim}/statements")["total"]
        word = max(re.findall(r"\w+", claims[0]["text"]), key=len)
        found = one(api, f"/api/search?q={quote(word)}&kind=claims&limit=500")["items"]
        assert victim in {item["article_id"] for item in found}
        assert api.delete(f"/api/articles/{victim[:8]}", headers=AUTH).status_code == 404  # the full id only
        response = api.delete(f"/api/articles/{victim}", headers=AUTH)
        assert response.status_code == 200 and response.json()["deleted"]
        assert api.get(f"/api/articles/{victim}").status_code == 404
        after = one(api, "/api/health")["counts"]
        assert after["articles"] == before["articles"] - 1
        assert after["statements"] == before["statements"] - statements
        assert after["claims"] == before["claims"] - len(claims)
        assert one(api, f"/api/claims?article={victim}")["total"] == 0
        assert one(api, f"/api/statements?article={victim}")["total"] == 0
        found = one(api, f"/api/search?q={quote(word)}&kind=claims&limit=500")["items"]
        assert victim not in {item["article_id"] for item in found}  # gone from the text index too
        assert all(m["article_id"] != victim for m in one(api, "/api/watchlist/matches?limit=500")["items"])
        left = api.get(f"/api/narratives/{narrative['id']}")
        if left.status_code == 200:
            assert left.json()["claim_count"] == narrative["claim_count"] - in_narrative
            assert victim not in {
                e["article_id"] for e in walk(api, f"/api/narratives/{narrative['id']}/evidence")[0]
            }
        else:
            assert left.status_code == 404 and narrative["claim_count"] == in_narrative
        for story in walk(api, "/api/stories?limit=500")[0]:
            detail = one(api, f"/api/stories/{story['id']}?limit=500")
            assert (
                victim not in ids(detail["articles"]["items"])
                and story["article_count"] == len(detail["articles"]["items"]) > 0
            )
        found = one(
            api, "/api/search?q=Compact partition&mode=semantic&kind=articles&min_score=-1&limit=500"
        )["items"]
        assert victim not in ids(found)
        assert api.delete(f"/api/articles/{victim}", headers=AUTH).status_code == 404


def test_deleting_an_original_makes_its_earliest_copy_the_original(db):
    with Narrascope(db, readonly=True) as nar:
        groups = nar.copies()
    assert groups, "the demo corpus has a syndicated copy"
    original = groups[0]["original"]
    with client(db) as api:
        assert api.delete(f"/api/articles/{original}", headers=AUTH).status_code == 200
    with Narrascope(db, readonly=True) as nar:
        for group in nar.copies():
            assert group["original"] != original
            assert nar.store.article_link(group["original"])[2] is None  # an original is no copy


def test_served_app_answers_over_a_real_socket(read_db):
    """``create_app`` under uvicorn: the same JSON as in-process (health and one listing)."""
    import socket

    import httpx
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(ServeSettings(read_db)), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.05)
        body = httpx.get(f"http://127.0.0.1:{port}/api/articles?limit=2").json()
        assert len(body["items"]) == 2 and body["next"] == "/api/articles?limit=2&offset=2"
        refused = httpx.post(f"http://127.0.0.1:{port}/api/ingest", content=io.BytesIO(b"x" * 10).read())
        assert refused.status_code == 401
    finally:
        server.should_exit = True
        thread.join(10)


def test_serve_command(built, read_db, tmp_path):
    """``narrascope serve``: the token from the environment, reads protected (a bearer token, or Basic
    credentials as a browser sends them); refused without a token; a foreign Host refused."""
    import os
    import socket
    import subprocess
    import sys
    import time

    import httpx

    if built[0] != "sqlite":
        pytest.skip("the command is the same on both back ends")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = os.environ | {
        "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
        "NARRASCOPE_TOKEN": TOKEN,
    }
    command = [sys.executable, "-m", "narrascope", "serve", "--db", read_db, "--port", str(port),
               "--allowed-host", "news.example"]  # fmt: skip
    refused = subprocess.run([*command, "--protect-reads"], env=env | {"NARRASCOPE_TOKEN": ""},
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert refused.returncode == 1 and "E128" in refused.stderr
    server = subprocess.Popen([*command, "--protect-reads"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1)
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.1)
        assert health.json()["reads_protected"] and health.json()["counts"] is None
        assert httpx.get(f"http://127.0.0.1:{port}/api/articles").status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/api/articles", headers=AUTH).json()["total"] > 0
        assert httpx.get(f"http://127.0.0.1:{port}/", headers=BASIC).status_code == 200
        for host, status in (("attacker.example", 400), ("news.example", 200), (f"localhost:{port}", 200)):
            assert (
                httpx.get(f"http://127.0.0.1:{port}/api/articles", headers=AUTH | {"Host": host}).status_code
                == status
            )
    finally:
        server.terminate()
        server.wait(10)


# -- exports ---------------------------------------------------------------------------------------------------
def test_exports_download_what_the_cli_writes(api, read_db):
    """``/api/export/{what}`` streams the same bytes as the library export, with a download name and type."""
    import io

    import pyarrow.parquet as pq
    from lxml import etree

    from narrascope.serve.exports import export

    response = api.get("/api/export/statements?format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="narrascope-statements.csv"'
    with Narrascope(read_db, readonly=True) as nar:
        expected = io.BytesIO()
        export(nar, "statements", "csv", expected)
        statements = nar.count_statements()
    assert response.content == expected.getvalue()
    table = pq.read_table(io.BytesIO(api.get("/api/export/statements?format=parquet").content))
    assert table.num_rows == statements > 0
    graph = etree.fromstring(api.get("/api/export/speaker-graph").content)
    assert graph.tag.endswith("gexf") and graph.find(".//{*}nodes") is not None
    outlet = api.get("/api/export/articles?format=jsonl&outlet=Levy%20Ledger").text.splitlines()
    assert len(outlet) == 2 and all(json.loads(line)["outlet"] == "Levy Ledger" for line in outlet)


def test_export_refusals_are_json_and_reads_protection_applies(api, read_db):
    refused = api.get("/api/export/claimreview")  # no publisher
    assert refused.status_code == 400 and refused.json()["code"] == "E154"
    assert api.get("/api/export/statements?format=gexf").status_code == 400  # not offered for a table
    assert api.get("/api/export/passwords").status_code == 422
    reviews = api.get("/api/export/claimreview?publisher=Port%20Arden%20Fact%20Desk")
    assert reviews.status_code == 200 and reviews.headers["content-type"].startswith("application/ld+json")
    graph = reviews.json()["@graph"]
    assert graph and all(r["@type"] == "ClaimReview" and "reviewRating" not in r for r in graph)
    with client(read_db, protect_reads=True) as protected:
        assert protected.get("/api/export/articles").status_code == 401
        assert protected.get("/api/export/articles", headers=AUTH).status_code == 200


def test_the_http_layers_own_refusals_have_a_code_too(api):
    """README: errors are {"detail", "code"}: a missing token, a wrong method and an unknown path too."""
    for response, status in (
        (api.post("/api/ingest/records", json={"records": []}), 401),
        (api.get("/api/no-such-thing"), 404),
        (api.get("/api/articles?limit=0"), 422),
    ):
        assert response.status_code == status
        assert set(response.json()) >= {"detail", "code"}, response.json()
