"""The web UI in a real browser: Debian's chromium, headless, driven by Playwright (sync API) against
a uvicorn server on a free localhost port, over the demo corpus plus two hostile fictional articles.

Skips, saying why, when Playwright or chromium is missing (``.ci/run`` installs Debian's chromium;
Playwright's own browser download is never used).
"""

from __future__ import annotations

import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

import pytest

from narrascope.app import Narrascope
from narrascope.serve.server import ServeSettings, create_app, host_allowlist
from narrascope.store.query import StatementQuery
from test_web_pages import PAYLOAD, write_hostile

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'"
)
CHROMIUM = shutil.which("chromium") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH or in /usr/bin (Debian: apt-get install chromium)"
)
DEMO = files("narrascope") / "data" / "demo"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "site.db"
    with Narrascope(db) as nar:
        nar.ingest([str(DEMO), str(write_hostile(folder / "hostile"))])
        nar.enrich()
        nar.link()
    return db


@contextmanager
def serving(settings: ServeSettings) -> Iterator[str]:
    """A real uvicorn server in a thread, on a socket bound here (so the port is known and free)."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    sock.close()


@pytest.fixture(scope="module")
def site(db: Path) -> Iterator[str]:
    with serving(ServeSettings(str(db), allowed_hosts=host_allowlist("127.0.0.1"))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page that records console errors (a CSP violation is one), page errors and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.problems = []
    opened.on("console", lambda m: m.type == "error" and opened.problems.append(f"console: {m.text}"))
    opened.on("pageerror", lambda e: opened.problems.append(f"page error: {e}"))

    def dialog(d) -> None:
        opened.problems.append(f"dialog: {d.message}")
        d.dismiss()

    opened.on("dialog", dialog)
    yield opened
    context.close()


def test_search_open_a_narrative_and_see_its_timeline(site: str, page, tmp_path: Path) -> None:
    page.goto(site + "/")
    page.fill("main form.search input[name=q]", "partition")
    page.press("main form.search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=partition*")
    results = page.locator("#articles li.result a.title")
    assert results.count() >= 5
    assert page.locator("#articles mark.hit").count() >= 5
    results.filter(has_text="Korvin says Northern Compact").first.click()
    page.wait_for_url("**/articles/*")
    page.locator(".relations a[href^='/narratives/']").first.click()
    page.wait_for_url("**/narratives/*")

    timeline = page.locator("svg.plot.timeline")
    sync_api.expect(timeline).to_be_visible()
    box = timeline.bounding_box()
    assert box["width"] > 300 and box["height"] > 150
    bars = timeline.locator("rect.bar")
    assert bars.count() >= 2
    assert all(bar.bounding_box()["height"] > 0 for bar in bars.all())
    sync_api.expect(page.locator("svg.plot.spread circle.dot").first).to_be_visible()
    assert page.locator("article.card").count() >= 2

    shot = tmp_path / "narrative.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert data[:8] == PNG and width == 1280 and height > 1500 and len(data) > 50_000
    plot = timeline.screenshot()
    assert plot[:8] == PNG and len(plot) > 5_000
    assert page.problems == []


def test_hostile_text_stays_inert_in_the_browser(site: str, db: Path, page) -> None:
    with Narrascope(db, readonly=True) as nar:
        hostile = [a for a in nar.articles() if a.url and a.url.startswith("javascript:")]
        narratives = {n for a in hostile for n, *_ in nar.article_relations(a.id).narratives}
        said = [s for a in hostile for s in nar.statements(StatementQuery(article_id=a.id))]
        speakers = {s.speaker_entity_id for s in said if s.speaker_entity_id}
    assert len(hostile) == 2 and narratives and speakers
    paths = [f"/articles/{a.id}" for a in hostile] + [f"/narratives/{n}" for n in narratives]
    paths += [
        "/search?q=pwned",
        "/search?q=" + quote(PAYLOAD),
        "/statements?outlet=Other+Post",
        "/narratives?all=1",
        "/citations",
    ]
    paths += [f"/entities/{e}" for e in speakers]
    for path in paths:
        page.goto(site + path)
        assert page.evaluate("() => typeof window.__pwned") == "undefined", path
        assert page.locator("script, img, iframe, object, embed").count() == 0, path
        assert page.locator("a[href^='javascript:' i], [onerror], [onload]").count() == 0, path
        assert page.locator("svg:not(.plot)").count() == 0, path
    page.goto(site + f"/articles/{hostile[0].id}")
    assert PAYLOAD in page.locator(".article-text").inner_text()
    sync_api.expect(page.locator("h1")).to_contain_text("<script>window.__pwned=1</script>")
    page.goto(site + "/search?q=pwned")
    sync_api.expect(page.locator("#articles li.result").first).to_contain_text('onerror="window.__pwned=1"')
    assert page.problems == []


def test_date_filters_stay_in_the_form(site: str, page) -> None:
    """A month typed as YYYY-MM is shown in the form and kept when the form is sent again."""
    page.goto(site + "/search?since=2024-05&q=partition")
    since = page.locator("main form.search input[name=since]")
    assert since.input_value() == "2024-05"
    page.press("main form.search input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "since=2024-05" in page.url and since.input_value() == "2024-05"
    assert page.problems == []


def test_a_browser_signs_in_where_reads_are_protected(db: Path, browser) -> None:
    """Chromium answers the pages' Basic challenge with the credentials a person would type."""
    with serving(ServeSettings(str(db), token="s3cret", protect_reads=True)) as url:
        anonymous = browser.new_context()
        with pytest.raises(sync_api.Error, match="ERR_INVALID_AUTH_CREDENTIALS"):  # a person would be asked
            anonymous.new_page().goto(url + "/narratives")
        anonymous.close()
        wrong = browser.new_context(http_credentials={"username": "analyst", "password": "guess"})
        refused = wrong.new_page().goto(url + "/narratives")
        assert refused.status == 401 and refused.headers["www-authenticate"] == 'Basic realm="narrascope"'
        wrong.close()
        signed_in = browser.new_context(http_credentials={"username": "analyst", "password": "s3cret"})
        opened = signed_in.new_page()
        assert opened.goto(url + "/narratives").status == 200
        sync_api.expect(opened.locator("h1")).to_have_text("Narratives")
        opened.locator("table.list a[href^='/narratives/']").first.click()
        opened.wait_for_url("**/narratives/*")
        sync_api.expect(opened.locator("svg.plot.timeline")).to_be_visible()
        signed_in.close()
