"""The web UI through FastAPI's TestClient: every page, its security headers, paging that reaches every
row, error pages, hostile article text kept inert; and the pieces under it (marked-up text, SVG plots,
the view queries on both back ends).

The demo corpus is ingested, enriched and linked once for the module; hostile articles are small
fictional ones written here.
"""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from html import unescape
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api_store import HOSTILE_MEDIUM, WATCHLIST, add_citations
from narrascope.app import Narrascope
from narrascope.model import Article, content_hash
from narrascope.serve import pages_citations, pages_narratives
from narrascope.serve.display import FSI, PDI, safe_url
from narrascope.serve.highlight import Mark, highlight
from narrascope.serve.plots import bin_counts, choose_width, outlet_rows, spread_svg, timeline_svg
from narrascope.serve.server import ServeSettings, create_app, host_allowlist
from narrascope.store import ArticleQuery
from narrascope.store.query import StatementQuery
from narrascope.store.views import SpreadCount

DEMO = files("narrascope") / "data" / "demo"
PAYLOAD = (
    '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> '
    '<a href="javascript:window.__pwned=1">link</a> "><svg onload=window.__pwned=1>'
)
ESCAPED_SCRIPT = "&lt;script&gt;window.__pwned=1&lt;/script&gt;"


def write_hostile(folder: Path) -> Path:
    """Two fictional articles from two outlets with the payload in their title, outlet, URL and text."""
    folder.mkdir(parents=True, exist_ok=True)
    background = (
        "Farmers along the Tessaly river said the spring floods had washed out two bridges and that repairs "
        "would take the whole summer. The regional council promised emergency funds for the villages, and "
        "schools in the valley will stay closed until the roads reopen. Bakers in Lowmere ran out of flour "
        "on Tuesday as delivery vans queued at the only crossing still open.",
        "A delegation of engineers inspected the turbines on Thursday and reported cracks in the spillway, "
        "which the operator said would be sealed before the autumn rains. Tourism officials expect fewer "
        "visitors this year; the museum at the visitor centre has cut its opening hours. A choir from the "
        "capital cancelled its summer concert on the dam wall.",
    )
    for n, (outlet, day) in enumerate((("Test Wire " + PAYLOAD, "2024-02-01"), ("Other Post", "2024-02-09"))):
        (folder / f"hostile-{n}.txt").write_text(
            f"---\ntitle: Envoy speaks {PAYLOAD}\noutlet: {outlet}\npublished: {day}\n"
            "url: javascript:window.__pwned=1\n---\n"
            f"The Northern Compact wants to partition Veloria {PAYLOAD}, minister Anya Korvin said on day {n}.\n\n"
            f"{background[n]}\n\n"
            "Veloria's envoy Mark Ellison said the Compact's presence at the dam was illegal.\n\n"
            f'"We have no plans to partition Veloria {PAYLOAD}," Compact spokeswoman Ines Dahl said.\n',
            encoding="utf-8",
        )
    return folder


class Page(HTMLParser):
    """What a test needs from a page: every tag with its attributes, and the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def links(self, rel: str | None = None) -> list[str]:
        return [
            a["href"]
            for t, a in self.tags
            if t == "a" and "href" in a and (rel is None or a.get("rel") == rel)
        ]

    def dangers(self) -> list[str]:
        """Script elements, event-handler attributes, script URLs, injected elements."""
        found = []
        for tag, attrs in self.tags:
            if tag in ("script", "img", "iframe", "object", "embed"):
                found.append(tag)
            for name, value in attrs.items():
                if name.startswith("on"):
                    found.append(f"{tag} {name}")
                if name in ("href", "src", "action") and re.match(
                    r"\s*(javascript|data|vbscript):", value, re.I
                ):
                    found.append(f"{tag} {name}={value}")
            if tag == "svg" and "plot" not in attrs.get("class", ""):
                found.append("svg")
        return found


def assert_safe_page(response) -> Page:
    assert response.status_code == 200, response.text[:500]
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    page = Page(response.text)
    assert page.dangers() == []
    return page


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-demo")
    review = folder / "factcheck.json"
    review.write_text(json.dumps(WATCHLIST), encoding="utf-8")
    db = folder / "demo.db"
    with Narrascope(db) as nar:
        nar.ingest([str(DEMO)])
        nar.enrich()
        nar.link()
        nar.watch_import(review)
    return db


@pytest.fixture(scope="module")
def client(demo_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ServeSettings(str(demo_db)))) as c:
        yield c


@pytest.fixture(scope="module")
def nar(demo_db: Path) -> Iterator[Narrascope]:
    with Narrascope(demo_db, readonly=True) as opened:
        yield opened


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Narrascope]]:
    folder = tmp_path_factory.mktemp("web-hostile")
    db = folder / "hostile.db"
    with Narrascope(db) as writer:
        writer.ingest([str(write_hostile(folder / "docs"))])
        writer.enrich()
        writer.link()
    with TestClient(create_app(ServeSettings(str(db)))) as c, Narrascope(db, readonly=True) as reader:
        yield c, reader


def follow(client: TestClient, path: str, anchor: str) -> Iterator[tuple[str, Page]]:
    """A listing's pages (HTML, parsed), from ``path`` through each "next" link going to ``#anchor``."""
    seen = set()
    while path:
        assert path not in seen, f"paging loops at {path}"
        seen.add(path)
        response = client.get(path)
        page = assert_safe_page(response)
        yield response.text, page
        following = [h for h in page.links("next") if h.endswith(f"#{anchor}") or not anchor]
        path = path.split("?")[0] + following[0].split("#")[0] if following else ""


def card_keys(page: Page) -> list[str]:
    return [a["data-key"] for t, a in page.tags if t == "article" and "data-key" in a]


# -- every page --------------------------------------------------------------------------------------


def test_every_page_renders_safely_with_the_security_headers(client: TestClient, nar: Narrascope) -> None:
    narrative = nar.narratives()[0]
    article = nar.articles(ArticleQuery(limit=1))[0]
    entity = nar.entities()[0]
    story = nar.stories()[0]
    for path in (
        "/",
        "/search?q=partition",
        "/search",
        "/narratives",
        "/narratives?sort=recent&all=1",
        f"/narratives/{narrative.id}",
        f"/articles/{article.id}",
        "/entities",
        "/entities?name=korv&type=person",
        f"/entities/{entity.id}",
        "/statements",
        "/statements?kind=direct&speaker=Korvin",
        "/stories",
        f"/stories/{story.id}",
        "/watchlist",
        "/citations",
        "/citations?outlet=northwind+wire&cited=the+harbor+gazette",
    ):
        page = assert_safe_page(client.get(path))
        assert "/static/narrascope.css" in {a.get("href") for t, a in page.tags if t == "link"}, path
    css = client.get("/static/narrascope.css")
    assert css.status_code == 200 and "mark.content" in css.text


def test_home_shows_counts_search_and_recent_narratives(client: TestClient, nar: Narrascope) -> None:
    page = assert_safe_page(client.get("/"))
    text = " ".join(page.text)
    assert "10 articles" in re.sub(r"\s+", " ", text)
    assert any(t == "form" and a.get("action") == "/search" for t, a in page.tags)
    shown = {h.removeprefix("/narratives/") for h in page.links() if h.startswith("/narratives/")}
    assert shown == {n.id for n in nar.narratives()}  # the demo's five recurring narratives


def test_search_finds_articles_and_statements_with_the_words_marked(
    client: TestClient, nar: Narrascope
) -> None:
    html = client.get("/search?q=partition").text
    page = Page(html)
    articles = {h for h in page.links() if re.fullmatch(r"/articles/[0-9a-f]{16}", h)}
    assert len(articles) == 5  # the demo articles whose text says "partition"
    assert html.count('<mark class="hit">partition</mark>') >= 5
    assert "/statements?q=partition" in page.links()  # the statements tab, same search
    said = client.get("/statements?q=partition").text
    expected = {s.id for s in nar.statements(StatementQuery(text="partition"))}
    assert set(card_keys(Page(said))) == expected and len(expected) >= 3
    assert len(re.findall(r'<mark class="[a-z ]*\bhit"[^>]*>partition</mark>', said)) >= len(expected)
    assert "No articles match." in Page(client.get("/search?q=zyzzyvaquux").text).text
    assert "No statements match." in Page(client.get("/statements?q=zyzzyvaquux").text).text


def test_search_filters_by_outlet_date_and_speaker(client: TestClient, nar: Narrascope) -> None:
    page = Page(client.get("/search?outlet=Meridian+Daily").text)
    shown = {h.removeprefix("/articles/") for h in page.links() if re.fullmatch(r"/articles/[0-9a-f]{16}", h)}
    assert shown == {a.id for a in nar.articles(ArticleQuery(outlet="Meridian Daily"))}
    dated = Page(client.get("/search?since=2024-05-01&until=2024-05-31").text)
    days = re.findall(r"20\d\d-\d\d-\d\d", " ".join(dated.text))
    assert days and all("2024-05-01" <= d <= "2024-05-31" for d in days)
    spoken = client.get("/search?q=&speaker=Korvin&language=en")  # speakers are the statements tab's
    assert spoken.url.path == "/statements" and "language" not in str(spoken.url)
    assert set(card_keys(Page(spoken.text))) == {
        s.id for s in nar.statements(StatementQuery(speaker="Korvin", limit=20))
    }


def test_bad_parameters_give_an_error_page_not_a_crash(client: TestClient, nar: Narrascope) -> None:
    narrative = nar.narratives()[0].id
    for path, code in (
        ("/statements?offset=-5", "E142"),
        ("/statements?offset=abc", "E142"),
        ("/search?offset=%C2%B2", "E142"),  # "²": str.isdigit() says yes, int() says no
        ("/statements?offset=%C2%B2", "E142"),
        (f"/narratives/{narrative}?op=%C2%B9", "E142"),
        ("/search?offset=%EF%BC%91", "E142"),  # a full-width 1
        ("/statements?offset=%D9%A3", "E142"),  # an Arabic-Indic 3
        ("/narratives?sort=loudest", "E142"),
        ("/statements?kind=shouted", "E142"),
        ("/search?q=" + "x" * 501, "E143"),
        ("/search?q=%00", "E143"),
        ("/search?q=a%00b", "E143"),
        ("/statements?q=%00", "E143"),
        ("/entities?name=%00", "E143"),
        (f"/narratives/{narrative}?outlet=%00", "E143"),
        ("/articles/%00", "E143"),
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert code in response.text and "content-security-policy" in response.headers, path


def test_dates_that_do_not_exist_are_refused_as_everywhere(client: TestClient) -> None:
    for path in (
        "/search?since=yesterday",
        "/search?since=2024-13-45",
        "/search?until=2024-02-30",
        "/statements?since=2024-99",
        "/search?since=2025&until=2024",
        "/statements?since=2024-06-02&until=2024-06-01",
    ):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "[E153]" in response.text and "content-security-policy" in response.headers, path
    assert "is after until" in client.get("/search?since=2025&until=2024").text


def test_date_filters_keep_their_form_and_cover_whole_months(client: TestClient, nar: Narrascope) -> None:
    """YYYY and YYYY-MM stay valid, mean the whole year or month, and the form shows them as given (a date
    input would drop them, and the filter would vanish when the form is sent again)."""
    page = assert_safe_page(client.get("/search?since=2024-05&until=2024-05"))
    fields = {a["name"]: a for t, a in page.tags if t == "input" and a.get("name") in ("since", "until")}
    assert fields["since"]["value"] == fields["until"]["value"] == "2024-05"
    assert all(f["type"] == "text" and f["pattern"] and f["placeholder"] for f in fields.values())
    shown = {h.removeprefix("/articles/") for h in page.links() if re.fullmatch(r"/articles/[0-9a-f]{16}", h)}
    may = nar.articles(ArticleQuery(since="2024-05-01", until="2024-05-31"))
    assert may and shown == {a.id for a in may}
    year = Page(client.get("/statements?since=2024&speaker=Korvin").text)
    assert [a["value"] for t, a in year.tags if t == "input" and a.get("name") == "since"] == ["2024"]


def test_a_page_past_the_last_says_so(client: TestClient, nar: Narrascope) -> None:
    n = nar.narratives()[0]
    for path, first in (
        ("/statements?q=partition&offset=80", "?q=partition"),
        ("/statements?offset=1000000000", "?"),
        (f"/narratives/{n.id}?stance=denies&offset=999999", "?stance=denies#claims"),
        (f"/narratives/{n.id}?op=999", "?#outlets"),
        ("/search?offset=20", "?"),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "past the last page" in response.text and "No statements match" not in response.text
        assert first in Page(response.text).links(), path
        assert "content-security-policy" in response.headers
    assert client.get("/search?offset=0").status_code == 200


def test_unknown_ids_give_the_404_page(client: TestClient) -> None:
    for path in (
        "/articles/ffffffffffffffff",
        "/narratives/nope",
        "/entities/e_nope",
        "/stories/nope",
        "/articles/x",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Not found" in response.text and "content-security-policy" in response.headers
        assert Page(response.text).dangers() == []


def test_unknown_addresses_give_an_html_404_page(client: TestClient) -> None:
    for path in ("/similar", "/copies", "/docs", "/static/nope.css", "/entities/x/y", "/nope?q=<script>"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html"), path
        assert "[E144]" in response.text and "content-security-policy" in response.headers, path
        assert response.headers["x-frame-options"] == "DENY" and Page(response.text).dangers() == []
    api = client.get("/api/nope")
    assert api.status_code == 404 and api.json() == {
        "detail": "Not Found",
        "code": "E144",
    }  # the API keeps JSON
    listing = client.get("/articles?q=partition", follow_redirects=False)
    assert listing.status_code == 303 and listing.headers["location"] == "/search?q=partition"
    assert "content-security-policy" in listing.headers
    assert client.get("/articles", follow_redirects=False).headers["location"] == "/search"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_reads_can_require_the_token_and_a_browser_can_give_it(demo_db: Path) -> None:
    """A browser cannot send a bearer token: pages ask for Basic credentials (any user name, the token as
    password) and ask again after a wrong one; the API takes both; writes take a bearer token only."""
    with TestClient(create_app(ServeSettings(str(demo_db), token="s3cret", protect_reads=True))) as c:
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            basic("analyst", "wrong"),
            {"Authorization": "Basic !"},
        ):
            page = c.get("/narratives", headers=headers)
            assert page.status_code == 401, headers
            assert page.headers["www-authenticate"] == 'Basic realm="narrascope"'
            assert page.headers["content-type"].startswith("text/html") and "[E145]" in page.text
            assert "content-security-policy" in page.headers
        for headers in ({"Authorization": "Bearer s3cret"}, basic("analyst", "s3cret"), basic("", "s3cret")):
            assert c.get("/narratives", headers=headers).status_code == 200, headers
            assert c.get("/api/articles", headers=headers).status_code == 200, headers
        refused = c.get("/api/articles")
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/articles", headers=basic("analyst", "wrong")).status_code == 403
        write = c.post("/api/ingest/records", headers=basic("analyst", "s3cret"), json={"records": []})
        assert write.status_code == 401  # remembered Basic credentials go with other sites' posts too


def test_a_loopback_server_answers_only_loopback_host_names(demo_db: Path) -> None:
    """DNS rebinding: a page on attacker.example that rebinds its name to 127.0.0.1 sends Host:
    attacker.example; a server on a loopback address refuses it."""
    assert host_allowlist("0.0.0.0") is None and host_allowlist("192.0.2.7", ["news.example"]) == (
        "news.example",
    )
    assert host_allowlist("::1") == host_allowlist("127.0.0.1") == host_allowlist("localhost")
    allowed = host_allowlist("127.0.0.1", ["News.Example"])
    with TestClient(create_app(ServeSettings(str(demo_db), allowed_hosts=allowed))) as c:
        for host in ("localhost:8000", "127.0.0.1:8765", "[::1]:8000", "127.0.0.1", "news.example"):
            assert c.get("/", headers={"Host": host}).status_code == 200, host
            assert c.get("/api/articles", headers={"Host": host}).status_code == 200, host
        for host in ("attacker.example:8765", "localhost.attacker.example", "127.0.0.2", ""):
            assert c.get("/", headers={"Host": host}).status_code == 400, host
            assert c.get("/api/articles", headers={"Host": host}).status_code == 400, host


# -- paging -------------------------------------------------------------------------------------------


def test_statement_paging_reaches_every_statement_once(client: TestClient, nar: Narrascope) -> None:
    keys = [k for _, page in follow(client, "/statements", "") for k in card_keys(page)]
    assert len(keys) == len(set(keys)) == nar.count_statements() == 41


def test_narrative_claims_page_through_every_claim(
    client: TestClient, nar: Narrascope, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages_narratives, "CLAIMS_PER_PAGE", 3)
    monkeypatch.setattr(pages_narratives, "OUTLETS_PER_PAGE", 2)
    n = nar.narratives()[0]
    pages = [page for _, page in follow(client, f"/narratives/{n.id}", "claims")]
    keys = [k for page in pages for k in card_keys(page)[1:]]  # the first card is the first appearance
    assert len(pages) == -(-n.claim_count // 3)
    assert len(keys) == len(set(keys)) == n.claim_count
    denying = follow(client, f"/narratives/{n.id}?stance=denies", "claims")
    assert len([k for _, page in denying for k in card_keys(page)[1:]]) == n.denial_count
    outlets = [
        name
        for html, _ in follow(client, f"/narratives/{n.id}", "outlets")
        for name in re.findall(r'<g class="outlet"><title>([^<]*?): \d+ claims', html)
    ]
    assert len(outlets) == len(set(outlets)) == n.outlet_count  # two pages of two rows, each plotted


# -- one record per page ------------------------------------------------------------------------------


def test_narrative_page_shows_the_first_appearance_the_cli_and_api_show(
    client: TestClient, nar: Narrascope
) -> None:
    for n in nar.narratives(all_groups=True):
        first = nar.narrative(n.id, limit=1).first
        assert first is not None
        assert card_keys(Page(client.get(f"/narratives/{n.id}").text))[0] == first.claim_id


def test_narrative_page_has_both_plots_speakers_outlets_and_evidence(
    client: TestClient, nar: Narrascope
) -> None:
    n = nar.narratives()[0]  # the demo's partition narrative: 10 claims, 3 denials, 4 outlets, 2 undated
    html = client.get(f"/narratives/{n.id}").text
    timeline = ET.fromstring(re.search(r'<svg[^>]*class="plot timeline".*?</svg>', html, re.S).group(0))
    spread = ET.fromstring(re.search(r'<svg[^>]*class="plot spread".*?</svg>', html, re.S).group(0))
    ns = "{http://www.w3.org/2000/svg}"
    tips = [g.find(f"{ns}title").text for g in timeline.iter(f"{ns}g") if g.get("class") == "bin"]
    counted = [tuple(map(int, re.search(r"(\d+) asserting, (\d+) denying", t).groups())) for t in tips]
    undated = int(re.search(r"(\d+) undated claims? not on the time axis", html).group(1))
    assert sum(a + d for a, d in counted) + undated == n.claim_count
    assert sum(d for _, d in counted) <= n.denial_count and undated == 2
    assert len([r for r in timeline.iter(f"{ns}rect") if "bar" in (r.get("class") or "")]) >= len(tips)
    outlet_rows = [g for g in spread.iter(f"{ns}g") if g.get("class") == "outlet"]
    assert len(outlet_rows) == n.outlet_count
    assert len([c for c in spread.iter(f"{ns}circle") if c.get("class") == "first"]) == n.outlet_count
    page = Page(html)
    speakers = {h for h in page.links() if h.startswith("/entities/")}
    assert len(speakers) >= 5  # Korvin, Orlan, Dahl, Ellison, the Compact
    assert len(card_keys(page)) == 1 + n.claim_count  # first appearance + every claim (under a page)
    assert "First appearance" in page.text


def test_article_page_marks_statements_and_entities(client: TestClient, nar: Narrascope) -> None:
    original = next(
        a for a in nar.articles(ArticleQuery(outlet="The Harbor Gazette")) if "split" in (a.title or "")
    )
    response = client.get(f"/articles/{original.id}")
    html, page = response.text, assert_safe_page(response)
    statements = nar.statements(StatementQuery(article_id=original.id))
    anchors = {a["id"] for t, a in page.tags if t == "span" and a.get("class") == "anchor"}
    assert anchors == {f"s-{s.id}" for s in statements}
    entity_links = {h for h in page.links() if h.startswith("/entities/")}
    assert {f"/entities/{m.entity_id}" for m in nar.article_mention_spans(original.id)} <= entity_links
    marked = {c for t, a in page.tags if t == "mark" for c in a.get("class", "").split()}
    assert {"sentence", "source", "cue", "content", "entity"} <= marked
    text = "".join(Page(re.search(r'<div class="article-text">(.*?)</div>', html, re.S).group(1)).text)
    assert text == original.text  # marking adds tags, never changes or drops a character
    assert any(h.startswith("/stories/") for h in page.links())
    copy = next(a for a in nar.articles(ArticleQuery(outlet="Northwind Wire")) if a.title == original.title)
    assert f"/articles/{copy.id}" in page.links()  # listed among the copies of this text
    copy_page = Page(client.get(f"/articles/{copy.id}").text)
    assert "A copy of: " in copy_page.text and f"/articles/{original.id}" in copy_page.links()


def test_article_page_lists_the_nearest_articles(client: TestClient, nar: Narrascope, tmp_path: Path) -> None:
    original = next(
        a for a in nar.articles(ArticleQuery(outlet="The Harbor Gazette")) if "split" in (a.title or "")
    )
    html = client.get(f"/articles/{original.id}").text
    section = Page(re.search(r'<section id="similar">(.*?)</section>', html, re.S).group(1))
    shown = [h.removeprefix("/articles/") for h in section.links()]
    nearest = nar.similar(original.id, 8, rerank=False)
    assert shown == [a.id for a, _, _ in nearest] and len(shown) == 8
    copy = next(a for a in nar.articles(ArticleQuery(outlet="Northwind Wire")) if a.title == original.title)
    assert shown[0] == copy.id and nearest[0][2] > 0.9  # the syndicated copy first
    assert original.id not in shown
    # an article stored but not linked has no vector: the page says so instead of failing
    db = tmp_path / "unlinked.db"
    with Narrascope(db) as writer:
        writer.ingest([str(DEMO)])
    with TestClient(create_app(ServeSettings(str(db)))) as unlinked:
        with Narrascope(db, readonly=True) as reader:
            first = reader.articles(ArticleQuery(limit=1))[0]
        response = unlinked.get(f"/articles/{first.id}")
    assert response.status_code == 200
    section = Page(re.search(r'<section id="similar">(.*?)</section>', response.text, re.S).group(1))
    assert "Not linked yet (" in section.text


def test_statement_cards_show_speaker_cue_stance_and_link_to_the_anchor(
    client: TestClient, nar: Narrascope
) -> None:
    denial = next(s for s in nar.statements(StatementQuery(limit=100)) if s.stance == "denies")
    html = client.get(f"/statements?speaker={denial.speaker_name}").text
    card = re.search(rf'<article class="card denies" data-key="{denial.id}">.*?</article>', html, re.S).group(
        0
    )
    assert f'href="/entities/{denial.speaker_entity_id}"' in card
    assert f'href="/articles/{denial.article_id}#s-{denial.id}"' in card
    assert '<span class="badge denies">denies</span>' in card and denial.cue in card
    marks = dict(re.findall(r'<mark class="([a-z ]+)"[^>]*>([^<]*)</mark>', card))
    assert unescape(marks["sentence cue"]) == denial.cue


def test_entity_page_lists_aliases_and_statements_by_and_about_it(
    client: TestClient, nar: Narrascope
) -> None:
    compact = nar.entity_by_id(nar.entity_ids("Northern Compact")[0])
    page = assert_safe_page(client.get(f"/entities/{compact.id}"))
    assert "Compact" in compact.aliases and "Compact" in page.text
    by = nar.entity_statements(compact.id, limit=50)
    about = nar.entity_statements(compact.id, about=True, limit=50)
    assert by and about and not {s.id for s in by} & {s.id for s in about}
    assert all(s.speaker_entity_id == compact.id for s in by)
    assert set(card_keys(page)) == {s.id for s in by[:10]} | {s.id for s in about[:10]}


def test_watchlist_page_shows_items_and_their_matches(client: TestClient, nar: Narrascope) -> None:
    items, matches = nar.watch_counts()
    assert items == 1 and matches >= 2
    page = assert_safe_page(client.get("/watchlist"))
    assert "The Northern Compact plans to divide Veloria" in page.text
    assert "https://factcheck.example/compact-partition" in page.links()
    item = nar.watch_items()[0][0]
    one = Page(client.get(f"/watchlist?item={item['id']}").text)
    assert len([t for t, a in one.tags if t == "article"]) == item["matches"] == matches


def test_stories_page_and_one_story(client: TestClient, nar: Narrascope) -> None:
    story = nar.stories()[0]
    page = assert_safe_page(client.get(f"/stories/{story.id}"))
    listed = {h for h in page.links() if re.fullmatch(r"/articles/[0-9a-f]{16}", h)}
    assert listed == {f"/articles/{a.id}" for a in nar.story(story.id)}
    by_prefix = assert_safe_page(client.get(f"/stories/{story.id[:6].upper()}"))  # as articles and narratives
    assert {h for h in by_prefix.links() if re.fullmatch(r"/articles/[0-9a-f]{16}", h)} == listed
    assert client.get("/stories/ffffff").status_code == 404


def edge_cells(html: str) -> list[tuple[str, str]]:
    """(citing outlet, cited medium) of each row of the citations page, as shown."""
    cells = [unescape(cell) for cell in re.findall(r"<td><bdi>(.*?)</bdi></td>", html)]
    return list(zip(cells[::2], cells[1::2], strict=True))


def test_citations_page_lists_the_cli_edges_with_their_first_articles(
    client: TestClient, nar: Narrascope
) -> None:
    response = client.get("/citations")
    page = assert_safe_page(response)
    assert "/citations" in assert_safe_page(client.get("/")).links()  # in the site navigation
    assert edge_cells(response.text) == [(citing, cited) for citing, cited, _ in nar.citations()]
    example = nar.citation_page(limit=1)[0].examples[0]
    assert f"/articles/{example.article_id}" in page.links()
    assert any(a.get("title") == FSI + example.sentence + PDI for t, a in page.tags if t == "a")
    filtered = Page(client.get("/citations?outlet=Nobody").text)
    assert "No media citations match." in " ".join(filtered.text)
    assert client.get("/citations?offset=50").status_code == 404  # past the last page


def test_citations_page_pages_and_keeps_hostile_names_inert_and_isolated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "citations.db")
    with Narrascope(db):
        pass
    with TestClient(create_app(ServeSettings(db))) as c:
        assert "No media citations yet" in " ".join(assert_safe_page(c.get("/citations")).text)
        citing = add_citations(db, outlet=f"Wire {RLO}{PAYLOAD}")
        with Narrascope(db, readonly=True) as nar:
            edges = nar.citations()
        monkeypatch.setattr(pages_citations, "EDGES_PER_PAGE", 1)
        shown = []
        for html, page in follow(c, "/citations", ""):  # one edge a page
            assert ESCAPED_SCRIPT in html and "&lt;img src=x onerror" in html  # names shown as text
            found = Isolation(html)
            assert found.loose == [] and found.isolated >= 1
            assert f"/articles/{citing.id}" in page.links()
            shown += edge_cells(html)
        assert shown == [(a, b) for a, b, _ in edges] and [b for _, b, _ in edges] == ["TASS", HOSTILE_MEDIUM]
        assert [b for _, b in edge_cells(c.get("/citations?cited=tass").text)] == ["TASS"]


# -- hostile text -------------------------------------------------------------------------------------


def test_hostile_article_text_is_shown_as_text_everywhere(hostile: tuple[TestClient, Narrascope]) -> None:
    client, nar = hostile
    articles = nar.articles()
    narratives = nar.narratives(all_groups=True)
    assert len(articles) == 2 and narratives
    paths = [f"/articles/{a.id}" for a in articles]
    paths += [f"/narratives/{n.id}" for n in narratives]
    paths += ["/", "/search?q=pwned", "/search?q=" + PAYLOAD, "/statements", "/narratives?all=1", "/stories"]
    paths += [f"/entities/{e.id}" for e in nar.entities()[:3]]
    for path in paths:
        response = client.get(path)
        page = assert_safe_page(response)
        assert "&lt;script" in response.text, path  # the payload is there, as text
        assert "javascript:" not in " ".join(page.links()), path
    html = client.get(f"/articles/{articles[0].id}").text
    assert ESCAPED_SCRIPT in html and PAYLOAD in "".join(Page(html).text)  # shown as written


RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: without its closing PDF it reverses all that follows it


class Isolation(HTMLParser):
    """Where text holding an RLO sits: inside ``<bdi>`` (isolated), or in plain text (a title, an
    attribute) between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE; ``loose`` lists the rest."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.loose: list[str] = []
        self.isolated = 0
        self.feed(html)

    def plain(self, text: str) -> None:
        if RLO in text:
            outside = re.sub(f"{FSI}[^{PDI}]*{PDI}", "", text)
            self.loose += [text] if RLO in outside else []
            self.isolated += RLO not in outside

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == "bdi"
        for name, value in attrs:
            if name != "value":  # a form field shows what was typed into it, in its own box
                self.plain(value or "")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "bdi"

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.isolated += RLO in data
        else:
            self.plain(data)


def test_bidi_overrides_in_data_cannot_reorder_what_is_beside_them(tmp_path: Path) -> None:
    """An outlet and a title with an unterminated RLO: each field is isolated, so the date and language
    after the outlet, and the text after the title, read as they are."""
    text = (
        "Ferries across the Tessaly river stopped on Monday after the spring floods, the harbour office said."
    )
    hash_ = content_hash(text)
    spoof = Article(hash_[:16], hash_, text, "bidi.txt", url="https://rtl.example/a", outlet=f"{RLO}Reverse Outlet",
                    title=f"{RLO}Bidi spoof title 2024-01-01", author=f"{RLO}Ana", published="2024-06-21",
                    language="en", word_count=len(text.split()))  # fmt: skip
    db = tmp_path / "bidi.db"
    with Narrascope(db) as nar:
        nar.store.write_batch(nar.store.start_run(["bidi"]), [spoof], [], 1)
    with TestClient(create_app(ServeSettings(str(db)))) as c:
        for path in ("/search?q=ferries", "/search", f"/articles/{spoof.id}", "/search?q=x" + RLO):
            response = c.get(path)
            assert_safe_page(response)
            found = Isolation(response.text)
            assert found.loose == [] and found.isolated >= 1, (path, found.loose)
        result = c.get("/search?q=ferries").text
        assert (
            f'<span class="meta"><bdi>{RLO}Reverse Outlet</bdi> · <span class="date">2024-06-21</span>'
            in result
        )
        assert f"<bdi>{RLO}Bidi spoof title 2024-01-01</bdi>" in result
        assert (
            f"<title>{FSI}{RLO}Bidi spoof title 2024-01-01{PDI} · Narrascope</title>"
            in c.get(f"/articles/{spoof.id}").text
        )
    spread = str(spread_svg(outlet_rows([SpreadCount(f"Outlet {RLO}evil", "2024-01-01", "asserts", 2, "2024-01-01",
                                                     "2024-01-01")], "day"),
                            bin_counts([SpreadCount("", "2024-01-01", "asserts", 2, None, None)], "day")[0], "day"))  # fmt: skip
    found = Isolation(spread)
    assert found.loose == [] and found.isolated == 3  # the name, its row's tooltip, its dot's tooltip


# -- pieces --------------------------------------------------------------------------------------------


def test_highlight_escapes_and_survives_any_offsets() -> None:
    text = 'a <b>"x"</b> & c'
    marks = [
        Mark(2, 12, "content", 'title "quoted" <t>'),
        Mark(5, 8, "entity", href="/entities/e_1"),
        Mark(-10, 1, "source"),  # before the start: clipped
        Mark(14, 99, "cue"),  # past the end: clipped
        Mark(7, 3, "bad"),  # inverted: dropped
        Mark(None, 4, "none"),
        Mark(4, 4, "empty", anchor="s-1"),
        Mark(0, 3, "entity", href="//evil.example/"),  # not a path on this site: no link
    ]
    html = str(highlight(text, marks))
    page = Page(html)
    assert "".join(page.text) == text and {t for t, _ in page.tags} == {"mark", "a", "span"}
    assert 'title="title &#34;quoted&#34; &lt;t&gt;"' in html
    assert '<a href="/entities/e_1">' in html and "evil" not in html
    assert 'class="anchor" id="s-1"' in html and "bad" not in html and "none" not in html
    assert Page(highlight("", marks)).text == [] and str(highlight("plain <i>", [])) == "plain &lt;i&gt;"


def test_highlight_overlaps_become_flat_segments() -> None:
    html = str(highlight("abcdef", [Mark(0, 4, "x"), Mark(2, 6, "y")], offset=0))
    assert html == '<mark class="x">ab</mark><mark class="x y">cd</mark><mark class="y">ef</mark>'
    shifted = str(highlight("cdef", [Mark(0, 4, "x")], offset=2))
    assert shifted == '<mark class="x">cd</mark>ef'


def test_safe_url_keeps_only_http_links() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "//evil.example", "/local",
                "http://exa mple.org", "http:\\\\evil", None, 42):  # fmt: skip
        assert safe_url(bad) is None, bad


def test_plots_bin_by_span_and_escape_names() -> None:
    assert choose_width("2024-01-01", "2024-01-20") == "day"
    assert choose_width("2024-01-01", "2024-06-01") == "week"
    assert choose_width("2020-01-01", "2024-06-01") == "month"
    assert choose_width("1900-01-01", "2024-06-01") == "year"
    hostile_name = "<script>x</script>\"'&"
    rows = [
        SpreadCount("Wire", "2024-01-01", "asserts", 2, "2024-01-01", "2024-01-01"),
        SpreadCount(hostile_name, "2024-01-03", "denies", 1, "2024-01-03", "2024-01-03"),
        SpreadCount(hostile_name, "2024-01-01", "asserts", 1, "2024-01-01", "2024-01-01"),
        SpreadCount("Wire", None, "asserts", 4, None, None),
        SpreadCount("", "garbage", "asserts", 1, "garbage", "garbage"),
    ]
    bins, undated = bin_counts(rows, "day")
    assert [(b.label, b.asserts, b.denies) for b in bins] == [
        ("2024-01-01", 3, 0),
        ("2024-01-02", 0, 0),
        ("2024-01-03", 0, 1),
    ]
    assert undated == 5
    outlets = outlet_rows(rows, "day")
    assert [(o.outlet, o.first_seen, o.claims, o.denies) for o in outlets] == [
        (hostile_name, "2024-01-01", 2, 1),
        ("Wire", "2024-01-01", 6, 0),
        ("", "garbage", 1, 0),
    ]
    assert outlets[0].bins == {date(2024, 1, 1): (1, 0), date(2024, 1, 3): (0, 1)}
    monthly, _ = bin_counts(
        [
            SpreadCount("", "2023-11", "asserts", 1, None, None),
            SpreadCount("", "2024-02", "denies", 3, None, None),
        ],
        "month",
    )
    assert [b.start for b in monthly] == [
        date(2023, 11, 1),
        date(2023, 12, 1),
        date(2024, 1, 1),
        date(2024, 2, 1),
    ]
    svg = str(timeline_svg(bins, "day"))
    ET.fromstring(svg)  # well-formed
    assert svg.count('class="bar ') == 2
    spread = str(spread_svg(outlets, bins, "day"))
    ET.fromstring(spread)
    assert "<script>" not in spread and "&lt;script&gt;" in spread
    assert "both in one bin" not in spread  # no outlet asserts and denies in one bin here
    mixed = [
        SpreadCount("Wire", "2024-01-01", stance, 1, "2024-01-01", "2024-01-01")
        for stance in ("asserts", "denies")
    ]
    both = str(spread_svg(outlet_rows(mixed, "day"), bin_counts(mixed, "day")[0], "day"))
    assert 'class="dot mixed"' in both and 'class="mixed"/>' in both and "both in one bin" in both


def test_dates_never_wrap_and_long_labels_do(client: TestClient) -> None:
    css = client.get("/static/narrascope.css").text
    assert re.search(r"\.date \{ white-space: nowrap; \}", css)
    assert re.search(r"\.relations li[^{]*\{ overflow-wrap: anywhere; \}", css)
    dated = [
        a for t, a in Page(client.get("/narratives").text).tags if t == "td" and a.get("class") == "date"
    ]
    assert len(dated) == 2 * len(client.get("/api/narratives").json()["items"])  # first and last seen


# -- the view queries on both back ends -----------------------------------------------------------------


def test_view_queries_agree_with_the_stored_text_on_every_backend(db_url: str, tmp_path: Path) -> None:
    with Narrascope(db_url) as nar:
        nar.ingest([str(write_hostile(tmp_path / "docs"))])
        nar.enrich()
        nar.link()
    with Narrascope(db_url, readonly=True) as nar:
        texts = {a.id: a.text for a in nar.articles()}
        statements = nar.statements()
        windows = nar.statement_windows([s.id for s in statements])
        for s in statements:
            w = windows[s.id]
            assert texts[s.article_id][w.start : w.start + len(w.text)] == w.text
            assert w.start <= s.sentence_start and s.sentence_end <= w.start + len(w.text)
        n = next(n for n in nar.narratives(all_groups=True) if n.frame == "partition")
        detail = nar.narrative(n.id)  # the CLI's reading of it, to compare with
        spread = nar.narrative_spread(n.id)
        assert sum(c.claims for c in spread) == n.claim_count
        by_date: dict[tuple[str | None, str], int] = {}
        for c in spread:
            by_date[c.key, c.stance] = by_date.get((c.key, c.stance), 0) + c.claims
        assert by_date == {
            (p.date, stance): count
            for p in detail.timeline
            for stance, count in (("asserts", p.asserts), ("denies", p.denies))
            if count
        }
        assert {(c.outlet, c.key) for c in spread} == {
            ("Test Wire " + PAYLOAD, "2024-02-01"),
            ("Other Post", "2024-02-09"),
        }
        assert all(c.first == c.last == c.key for c in spread)
        monthly = nar.narrative_spread(n.id, 7)
        assert {c.key for c in monthly} == {"2024-02"} and sum(c.claims for c in monthly) == n.claim_count
        speakers = nar.narrative_speakers(n.id)
        assert sum(s.asserts + s.denies for s in speakers) == n.claim_count
        claims = nar.narrative_claims(n.id)
        assert len(claims) == n.claim_count
        assert len(nar.narrative_claims(n.id, stance="denies")) == n.denial_count
        assert nar.narrative_claims(n.id, outlet="Other Post", limit=1)[0].outlet == "Other Post"
        for c in claims:
            text = texts[c.article_id]
            assert text[c.window.start : c.window.start + len(c.window.text)] == c.window.text
            assert c.window.start <= c.claim_start < c.claim_end <= c.window.start + len(c.window.text)
        dahl = nar.entity_ids("Ines Dahl")[0]
        assert {s.stance for s in nar.entity_statements(dahl)} == {"denies"}
        compact = nar.entity_ids("Northern Compact")[0]
        about = nar.entity_statements(compact, about=True)
        assert about and all(s.speaker_entity_id != compact for s in about)
        assert len(nar.entity_articles(compact, limit=1, offset=1)) == 1
        mentions = nar.article_mention_spans(statements[0].article_id)
        assert mentions and all(texts[statements[0].article_id][m.start : m.end] for m in mentions)
        assert nar.overview_counts()["articles"] == 2
        relations = nar.article_relations(statements[0].article_id)
        assert relations.story is not None and {r[0] for r in relations.narratives} >= {n.id}
    with TestClient(create_app(ServeSettings(db_url))) as client:
        for path in (
            f"/narratives/{n.id}",
            f"/articles/{statements[0].article_id}",
            "/search?q=partition",
            "/",
        ):
            assert_safe_page(client.get(path))
