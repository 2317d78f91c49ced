"""The story step's word check (``link/lexical.py``): on a corpus about one subject, articles whose titles
and leads read alike join a story only when they share the words of one event; the document frequencies
behind it stay exact through relinking, ``link --redo`` and deletion, on both back ends."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narrascope.app import Narrascope
from narrascope.link import lexical
from narrascope.link import linker as linker_module
from narrascope.link.embed import shared_encoder
from narrascope.link.linker import lead_text
from narrascope.model import Article
from narrascope.serve.server import ServeSettings, create_app

# (file name, date, outlet, title, text): a fictional Veloria campaign, one subject throughout
VELORIA = [
    (
        "primary-gazette",
        "2025-04-02",
        "The Harbor Gazette",
        "Mara Tell wins the Dorrin primary after a recount",
        "Mara Tell won the Dorrin primary on Tuesday after a recount of the valley precincts, the election board said. "
        "Tell, the Unity Party candidate for governor of Veloria, finished 212 votes ahead of Oren Bask once the "
        "recount of Dorrin's mountain precincts was complete. Bask conceded the Dorrin primary on Wednesday morning "
        "and said the recount had been fair. Turnout in Dorrin was the highest since the ferry strike.",
    ),
    (
        "primary-wire",
        "2025-04-03",
        "Northwind Wire",
        "Tell takes Dorrin primary as recount ends",
        "The recount in Dorrin ended on Wednesday with Mara Tell ahead, giving her the Dorrin primary and the Unity "
        "Party's nomination for governor of Veloria. Oren Bask, who had asked for the recount of the mountain "
        "precincts, conceded. The election board said the Dorrin recount found 40 ballots misfiled in two precincts.",
    ),
    (
        "water-plan",
        "2025-04-04",
        "Meridian Daily",
        "Mara Tell unveils a water plan for Veloria's farms",
        "Mara Tell, the Unity Party candidate for governor of Veloria, on Thursday unveiled a plan to pipe "
        "reservoir water to the southern farms. Speaking to growers in Kessa, Tell said the aqueduct would be paid "
        "for by a levy on bottling plants. Irrigation districts welcomed the pledge, and the growers' union asked "
        "how the levy would be collected.",
    ),
    (
        "selm-primary",
        "2025-04-04",
        "Meridian Daily",
        "Ilse Varn wins the Selm primary",
        "Ilse Varn won the Selm primary on Thursday, the election board said. Varn, the Unity Party candidate "
        "for the Veloria senate, finished well ahead of two rivals in the coastal district after promising to "
        "dredge the Selm estuary. Her rivals congratulated her at the lighthouse hall.",
    ),
    (
        "debate",
        "2025-03-20",
        "The Harbor Gazette",
        "Tell and Bask clash over taxes in Veloria debate",
        "Mara Tell and Oren Bask clashed over taxes in the only televised debate of the Unity Party race for governor "
        "of Veloria. Bask accused Tell of hiding the cost of her school programme; Tell said Bask's tax cut would "
        "close hospitals in the north.",
    ),
    (
        "ferry",
        "2025-03-10",
        "Northwind Wire",
        "Ferry strike ends in Veloria",
        "The ferry strike that stranded islanders for a week ended when the operators agreed to a new pay deal, the "
        "union said. Crossings to the northern islands resume on Monday.",
    ),
    (
        "bask-rally",
        "2025-03-28",
        "Meridian Daily",
        "Oren Bask promises lower fares at Veloria rally",
        "Oren Bask told supporters at a rally in Port Arden that he would cut ferry fares if elected governor of "
        "Veloria. The Unity Party candidate said the islands had been forgotten by the capital.",
    ),
    (
        "ballots",
        "2025-03-15",
        "The Harbor Gazette",
        "Election board prints primary ballots",
        "The Veloria election board said it had printed the primary ballots for every district. The Unity Party "
        "asked the board to add a candidate photo to each ballot; the board said it would not.",
    ),
    (
        "donors",
        "2025-03-25",
        "Northwind Wire",
        "Unity Party candidate lists donors",
        "A Unity Party candidate for the Veloria senate published her donors on Friday, the first candidate of the "
        "primary season to do so. The election board said the list met the rules.",
    ),
    (
        "polls",
        "2025-03-30",
        "Meridian Daily",
        "Poll: Tell leads before the primary",
        "Mara Tell leads Oren Bask among Unity Party voters before the primary, a poll for the Meridian Daily "
        "found. The candidate for governor of Veloria who wins the primary faces the Harbor League in June.",
    ),
]


def _write(folder: Path) -> None:
    for name, day, outlet, title, text in VELORIA:
        (folder / f"{name}.txt").write_text(
            f"---\ntitle: {json.dumps(title)}\noutlet: {outlet}\npublished: {day}\n---\n{text}\n",
            encoding="utf-8",
        )


def _stories(nar: Narrascope) -> list[set[str]]:
    titles = {title: name for name, _, _, title, _ in VELORIA}
    return [{titles[a.title] for a in nar.story(s.id)} for s in nar.stories(limit=100)]


def _story_of(stories: list[set[str]], name: str) -> set[str]:
    (found,) = [s for s in stories if name in s]
    return found


@pytest.fixture
def linked(tmp_path, db_url, monkeypatch) -> str:
    """The Veloria corpus enriched and linked with the word check on from five articles (the corpus is
    ten; the shipped minimum is for corpora whose word counts mean something)."""
    monkeypatch.setenv("NARRASCOPE_INDEX_DIR", str(tmp_path / "index-cache"))
    monkeypatch.setattr(linker_module, "STORY_WORDS_MIN_ARTICLES", 5)
    folder = tmp_path / "veloria"
    folder.mkdir()
    _write(folder)
    with Narrascope(db_url) as nar:
        nar.ingest([str(folder)])
        nar.enrich()
        nar.link()
    return db_url


def test_the_corpus_tests_the_rule_its_other_events_read_like_the_primary():
    """Without this, the next test would pass on any texts: the poll and the Selm primary have titles and
    leads as close to the Dorrin primary as the threshold asks, but few of its rare words."""
    articles = [Article(name, name, text, "x", title=title) for name, _, _, title, text in VELORIA]
    vectors = dict(
        zip([a.id for a in articles], shared_encoder().encode([lead_text(a) for a in articles]), strict=True)
    )
    words = {a.id: lexical.terms(f"{a.title}. {a.text}") for a in articles}
    df = Counter(w for counts in words.values() for w in counts)
    for other in ("polls", "selm-primary"):
        assert vectors["primary-gazette"] @ vectors[other] >= linker_module.STORY_SIMILARITY
        assert lexical.cosine(words["primary-gazette"], words[other], df, len(articles)) < 0.12
    assert lexical.cosine(words["primary-gazette"], words["primary-wire"], df, len(articles)) > 0.3


def test_articles_on_one_subject_share_a_story_only_when_they_share_its_words(linked, monkeypatch):
    with Narrascope(linked) as nar:
        stories = _stories(nar)
    assert _story_of(stories, "primary-gazette") == {"primary-gazette", "primary-wire"}
    assert _story_of(stories, "polls") == {"polls"}
    assert _story_of(stories, "selm-primary") == {"selm-primary"}
    # the same articles with the check off: the poll, both primaries and the Selm one chain into one story
    monkeypatch.setattr(linker_module, "STORY_WORDS", 0.0)
    monkeypatch.setattr(linker_module, "STORY_WORDS_DAYS_APART", 0.0)
    with Narrascope(linked) as nar:
        nar.link(redo=True)
        assert _story_of(_stories(nar), "primary-gazette") >= {"polls", "primary-wire", "selm-primary"}


def _counts(nar: Narrascope) -> dict[str, int]:
    return nar.store.word_counts(["dorrin", "recount", "veloria", "selm", "ferry"])


def test_word_counts_stay_exact_through_relinking_redo_and_deletion(linked):
    with Narrascope(linked) as nar:
        first = _counts(nar)
        assert first == {"dorrin": 2, "recount": 2, "veloria": 10, "selm": 1, "ferry": 3}
        nar.store.enqueue_stale_links("another pipeline")  # every article linked again, one by one
        nar.link()
        assert _counts(nar) == first
        nar.link(redo=True)
        assert _counts(nar) == first
        (wire,) = [a for a in nar.story(_story_id(nar, "Tell takes Dorrin primary as recount ends"))
                   if a.title.startswith("Tell takes")]  # fmt: skip
        nar.delete_article(wire.id)
        assert _counts(nar) == {**first, "dorrin": 1, "recount": 1, "veloria": 9}


def _story_id(nar: Narrascope, title: str) -> str:
    (found,) = [s.id for s in nar.stories(limit=100) if title in {a.title for a in nar.story(s.id)}]
    return found


def test_terms_are_lower_cased_words_without_digits_or_overlong_runs():
    counts = lexical.terms("Recount in DORRIN: 212 votes, recount's end; " + "x" * 41 + " co-chair A1")
    assert counts == Counter({"recount": 1, "dorrin": 1, "votes": 1, "recount's": 1, "end": 1, "co-chair": 1})


def test_a_word_every_article_holds_weighs_nothing():
    a, b = Counter({"veloria": 3, "dorrin": 1}), Counter({"veloria": 2, "selm": 1})
    df = {"veloria": 10, "dorrin": 1, "selm": 1}
    assert lexical.cosine(a, b, df, 10) == pytest.approx(0.0, abs=1e-9)
    assert lexical.cosine(a, a, df, 10) == pytest.approx(1.0)


def test_the_story_page_shows_what_each_article_joined_through(linked):
    with Narrascope(linked) as nar:
        story_id = _story_id(nar, "Tell takes Dorrin primary as recount ends")
        (join,) = nar.story_joins([a.id for a in nar.story(story_id)])
    with TestClient(create_app(ServeSettings(linked))) as client:
        response = client.get(f"/stories/{story_id}")
    assert response.status_code == 200
    rows = {
        re.sub(r"<[^>]+>", "", cells[0]).strip(): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cells[-1])).strip()
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", response.text, re.S))
        if cells
    }  # fmt: skip
    assert rows["Mara Tell wins the Dorrin primary after a recount"] == "started the story"
    assert rows["Tell takes Dorrin primary as recount ends"] == (
        f"Mara Tell wins the Dorrin primary after a recount: title and lead {join.score:.2f},"
        f" shared words {join.word_score:.2f}"
    )
    assert join.word_score >= linker_module.STORY_WORDS
