"""Wall pages (bot checks, consent walls, paywalls, ...) are rejected as not articles; articles that
mention those words are not. Fictional pages here; real ones from ../shared (SemEval's scraped texts
hold real walls, PolNeAR and the extraction benchmark only real articles)."""

from __future__ import annotations

import csv
import glob
import json
import re
from pathlib import Path

import pytest

from narrascope.app import Narrascope
from narrascope.clean import clean_document
from narrascope.clean.walls import _groups, find_wall
from narrascope.model import Document, IngestError

WALLS = {
    "bot-check": [
        "We are sorry, but we recorded a huge amount of connections from the IP address you are "
        'connecting from.\n\nIf you want to go on, select "I AM NOT A ROBOT".\n\nYour IP address: 198.51.100.7',
        "Przykro nam, ale z adresu IP, z którego się łączysz, odnotowaliśmy ogromną ilość połączeń. "
        'Jeśli chcesz połączyć się z nami, zaznacz "NIE JESTEM ROBOTEM".',
    ],
    "consent": [
        "Hafenblatt Varo\nOK\n\nWir verwenden auf unserer Webseite Cookies und Analysetechniken, um unser "
        "Angebot zu verbessern. Durch die weitere Nutzung stimmen Sie dem Einsatz von Cookies zu. Weitere "
        "Informationen zur Datenverarbeitung finden Sie in unserer Datenschutzerklärung.",
    ],
    "paywall": [
        "Ferry fares rise in Tamsby\n\nYou have reached the limit for free access to the Tamsby Courier. "
        "Subscribers, click below to log in and continue reading.",
    ],
    "adblock": ["港口新闻\n我们注意到您正在屏蔽广告！关闭广告拦截器，继续支持新闻业。"],
    "error": ["Lakeside Times\n\nError 404: page not found. The article you asked for no longer exists."],
}

ARTICLES = [
    # a story about a bot check, quoting it: far more prose than wall
    "Ticket sales for the Ostmark ferry stalled on Monday when the booking site began showing every "
    'visitor a check box reading "I am not a robot" that could not be ticked. The operator said the '
    "fault lay with a supplier and was fixed by the afternoon. Passengers who missed the early sailing "
    "will get their fares back, the operator said, and the harbour office extended its opening hours. "
    "A spokeswoman said the company would review its contract with the supplier next month.",
    # a story about cookie rules
    "The data protection office of Bresk fined three shops on Thursday for websites that use cookies "
    "without asking. The office said the shops had ignored two letters. One owner said he had not "
    "understood the rules and would change the site this week. The fines range from 500 to 2,000 crowns.",
    # a short brief, nothing to do with walls
    "The Varo tram depot will close for repairs from 3 March, the city said on Friday.",
]


@pytest.mark.parametrize(("kind", "text"), [(k, t) for k, texts in WALLS.items() for t in texts])
def test_wall_pages_are_found_with_their_kind_and_evidence(kind, text):
    wall = find_wall(text)
    assert wall is not None and wall.kind == kind
    assert wall.evidence.lower() in " ".join(text.lower().split())
    assert wall.share >= 0.3


def test_wall_patterns_are_lower_case_as_the_text_they_meet():
    for name, (_, patterns) in _groups().items():
        for pattern in patterns:
            letters = re.sub(r"\\[A-Za-z]", "", pattern)  # escapes such as \s and \W are not letters
            assert letters == letters.lower(), f"{name}: {pattern!r} has upper case and would never match"


@pytest.mark.parametrize("text", ARTICLES)
def test_articles_that_mention_walls_stay_articles(text):
    assert find_wall(text) is None


def test_a_wall_is_rejected_with_its_reason_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "captcha.txt").write_text(WALLS["bot-check"][0], encoding="utf-8")
    (folder / "cookies.html").write_text(
        "<html><head><title>Hafenblatt</title></head><body><article><p>"
        + WALLS["consent"][0].replace("\n", "</p><p>")
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    for i, text in enumerate(ARTICLES):
        (folder / f"article-{i}.txt").write_text(text, encoding="utf-8")
    with Narrascope(tmp_path / "w.db") as nar:
        report = nar.ingest([str(folder)])
        stored = sorted(Path(a.source).name for a in nar.articles())
        errors = {Path(e.source).name: e for e in nar.errors()}
    assert stored == ["article-0.txt", "article-1.txt", "article-2.txt"]
    assert {Path(e.source).name for e in report.errors} == {"captcha.txt", "cookies.html"}
    assert errors["captcha.txt"].reason == "not-an-article"
    assert "a bot check, not an article" in errors["captcha.txt"].detail
    assert errors["cookies.html"].reason == "not-an-article"
    assert "cookie-consent wall" in errors["cookies.html"].detail


def test_clean_document_returns_an_error_for_a_wall_and_an_article_otherwise():
    wall = clean_document(Document(source="a.txt", kind="text", content=WALLS["paywall"][0]))
    article = clean_document(Document(source="b.txt", kind="text", content=ARTICLES[0]))
    assert isinstance(wall, IngestError) and wall.reason == "not-an-article"
    assert not isinstance(article, IngestError) and article.text.startswith("Ticket sales")


def test_semeval_scraped_texts_hold_real_walls_and_they_are_found(shared):
    texts = set()
    with (shared / "eval" / "semeval2022-task8" / "pairs.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            texts.update((row["text1"], row["text2"]))
    walls = {text: find_wall(text) for text in texts}
    found = [text for text, wall in walls.items() if wall is not None]
    captchas = [t for t in texts if "NIE JESTEM ROBOTEM" in t or "I AM NOT A ROBOT" in t]
    assert captchas and all(walls[t] is not None and walls[t].kind == "bot-check" for t in captchas)
    # 23 of 2,502 texts when written; each one short: a wall, not an article with a wall inside
    assert 18 <= len(found) <= 30, len(found)
    assert all(len(text.split()) < 250 for text in found)


def test_no_real_article_is_taken_for_a_wall(shared):
    polnear = sorted(glob.glob(str(shared / "eval" / "polnear" / "*" / "text" / "*.txt")))
    truth = json.loads((shared / "eval" / "article-extraction" / "ground-truth.json").read_text("utf-8"))
    bodies = [Path(p).read_text(encoding="utf-8") for p in polnear]
    bodies += [page["articleBody"] for page in truth.values()]
    assert len(bodies) > 1000
    flagged = [body[:80] for body in bodies if find_wall(body) is not None]
    assert flagged == []
