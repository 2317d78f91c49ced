"""Whom a frame claim accuses (``link/actors.py``), and frame narratives kept apart by it: "Turkey wants to
partition Syria" and "the United States wants to partition Syria" are two narratives, not one."""

from __future__ import annotations

import pytest

from front_matter import write_articles
from narrascope.app import Narrascope
from narrascope.link.actors import AccusedResolver, accused_mention
from narrascope.link.frames import find_frames, load_frames
from narrascope.model import Entity, Mention
from narrascope.places import load_gazetteer


def _accused(text: str, names: dict[str, str]) -> str | None:
    """The accused of the first frame ``text`` names, with mentions of ``names`` (surface → label)."""
    mentions = []
    for surface, label in names.items():
        at = text.index(surface)
        mentions.append(Mention("a", surface, at, at + len(surface), surface, label))
    (hit, *_) = find_frames(text, load_frames())
    found = accused_mention(text, 0, hit.start, hit.end, mentions)
    return found and found.text


@pytest.mark.parametrize(
    ("text", "names", "accused"),
    [
        # the subject, past a place after a preposition
        (
            "It looks like in Syria the Americans have embarked on a course aimed at dividing the country",
            {"Syria": "GPE", "Americans": "NORP"},
            "Americans",
        ),
        # not the object of a verb
        (
            "The United States is using Daesh as a pretext for regime change",
            {"United States": "GPE", "Daesh": "ORG"},
            "United States",
        ),
        (
            "He believed the US might hope to use al-Qaeda's branch in Syria to unseat President Assad's government",
            {"US": "GPE", "al-Qaeda": "ORG", "Syria": "GPE"},
            "US",
        ),
        # an agent the frame's own words name
        (
            "the illegal presence of American troops in Syria",
            {"American": "NORP", "Syria": "GPE"},
            "American",
        ),
        ("a partition of Syria by Turkey", {"Syria": "GPE", "Turkey": "GPE"}, "Turkey"),
        # the doer of a noun of doing modifies it, even after a preposition
        (
            "there is no evidence of Russian interference in our elections",
            {"Russian": "NORP"},
            "Russian",
        ),
        ("Iran condemned Moscow's meddling in the vote", {"Iran": "GPE", "Moscow": "GPE"}, "Moscow"),
        (
            "Obama should retaliate against Russia for interference in the presidential election",
            {"Russia": "GPE"},
            "Russia",
        ),
        # the object of the frame is no accused, nor its government
        ("They want the toppling of the Syrian government", {"Syrian": "NORP"}, None),
        ("the division of Syria is near", {"Syria": "GPE"}, None),
        # a new clause has its own subject
        (
            "Daesh has not been defeated, and that the main condition for its defeat is regime change in Syria",
            {"Daesh": "ORG", "Syria": "GPE"},
            None,
        ),
        # a reporting verb ends its speaker's part; a relative clause has its own subject
        (
            "The Turkish government claims Gulen runs a network trying to overthrow the regime",
            {"Turkish": "NORP", "Gulen": "PERSON"},
            None,
        ),
        (
            "Russia accused the United States of seeking regime change",
            {"Russia": "GPE", "United States": "GPE"},
            "United States",
        ),
        (
            "the United States to attack the oil that funds the Islamic State",
            {"United States": "GPE", "Islamic State": "ORG"},
            None,
        ),
        # the addressee of "told" is no subject; troops named later are not the frame's agent
        (
            "Schiff told Capital Download on Wednesday that they would interfere with the election",
            {"Capital Download": "ORG"},
            None,
        ),
        (
            "the claim that they created the Islamic State had imperiled the lives of US troops",
            {"Islamic State": "ORG", "US": "GPE"},
            None,
        ),
        (
            "Japan's constitution was redrafted by American occupiers",
            {"Japan": "GPE", "American": "NORP"},
            "American",
        ),
        # a person is no accused: "Obama wants regime change" is the US narrative's
        ("Obama wants regime change in Syria", {"Obama": "PERSON", "Syria": "GPE"}, None),
        # a possessive after a verb is its object's
        (
            "They say Ankara backs Moscow's plan to partition Syria",
            {"Ankara": "GPE", "Moscow": "GPE"},
            "Ankara",
        ),
    ],
)
def test_whom_a_frame_claim_accuses(text, names, accused):
    assert _accused(text, names) == accused


def test_the_accused_is_compared_by_state():
    names = {
        "e1": ["Washington"],
        "e2": ["Americans"],
        "e3": ["US State Department", "State Department"],
        "e4": ["Pentagon"],
        "e5": ["NATO", "North Atlantic Treaty Organization"],
        "e6": ["Turkish army"],
        "e7": ["Kremlin"],
    }
    entities = {e: Entity(e, name, "ORG", tuple(aliases)) for e, (name, *aliases) in names.items()}
    resolve = AccusedResolver(load_gazetteer(), entities.get)
    assert {resolve(e).key for e in ("e1", "e2", "e3", "e4")} == {"country:United States"}
    assert resolve("e1").name == "United States"
    assert (resolve("e5").key, resolve("e5").name) == ("e5", "NATO")
    assert resolve("e6").key == "country:Turkey"
    assert resolve("e7").key == "country:Russia"


ARTICLES = {
    # Turkey is accused first, so a claim naming no accused cannot simply take the oldest narrative
    "b.txt": (
        "Coastal Times",
        "2024-05-01",
        "Syrian Foreign Minister Rami Haddad said on Sunday that Turkey is seeking to partition Syria.\n\n"
        "He spoke at a news conference in Damascus after talks with Iraqi officials.",
    ),
    "a.txt": (
        "Daily Ledger",
        "2024-05-02",
        "Foreign Minister Anton Belov said on Tuesday that the United States wants to partition Syria.\n\n"
        '"Washington is preparing the division of Syria," Belov told reporters in Moscow.',
    ),
    "c.txt": (
        "Northern Post",
        "2024-05-09",
        "US envoy Mark Ellison denied on Thursday that the United States plans to partition Syria.\n\n"
        '"We have no plans to break Syria apart," Ellison told reporters in Geneva.',
    ),
    "d.txt": (
        "Evening Star",
        "2024-05-12",
        "Kurdish leader Dara Aziz said on Sunday that Turkey wants to divide Syria, and warned of new fighting"
        " in the north.",
    ),
}


def test_frame_narratives_are_kept_apart_by_whom_they_accuse(tmp_path):
    write_articles(tmp_path, ARTICLES)
    with Narrascope(tmp_path / "accused.db") as nar:
        nar.ingest([str(tmp_path)])
        nar.enrich()
        nar.link()
        found = {n.accused: nar.narrative(n.id) for n in nar.narratives(limit=10) if n.frame == "partition"}
    assert set(found) == {"United States", "Turkey"}
    us, turkey = found["United States"], found["Turkey"]
    assert {(e.speaker, e.stance) for e in us.evidence} == {
        ("Anton Belov", "asserts"),
        ("Mark Ellison", "denies"),
    }
    # "We have no plans to break Syria apart" names no accused: it is the article's accusation it denies
    assert any("break Syria apart" in e.claim and "accuses United States" in e.via for e in us.evidence)
    assert {(e.speaker, e.stance) for e in turkey.evidence} == {
        ("Rami Haddad", "asserts"),
        ("Dara Aziz", "asserts"),
    }
    assert turkey.narrative.denial_count == 0


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("US wants to divide Syria", ["US"]),
        ("The US and Europe support Jihadist forces in Syria", ["US", "Europe"]),
        ("USA / NATO created ISIS to fight Assad", ["USA", "NATO"]),  # not ISIS, the verb's object
        ("White Helmets use COVID-19 to push regime change in Syria", ["White Helmets"]),
        ("In Syria the Americans plan regime change", ["Americans"]),  # not after a preposition
        ("Plans to partition Syria are drafted in Washington", []),  # a title's first word, no state
        ("Turkey wants to divide Syria", ["Turkey"]),
    ],
)
def test_whom_a_watchlist_title_accuses(title, names):
    from narrascope.link.actors import subject_names
    from narrascope.patterns import word_set

    states = AccusedResolver(load_gazetteer(), lambda _: None)
    (hit, *_) = find_frames(title, load_frames())
    found = subject_names(
        title, hit.start, word_set("common_words.txt"), lambda n: bool(states.country_of(n))
    )
    assert found == names


def test_a_watch_item_matches_no_claim_whose_narrative_accuses_another():
    import numpy as np

    from narrascope.link.watch import ClaimView, WatchView, match

    vector = np.ones(4) / 2
    places = frozenset({"syria", "united states"})
    item = WatchView("i", frozenset({"partition"}), places, vector, frozenset({"country:United States"}))

    def claim(accused: dict[str, str]) -> ClaimView:
        return ClaimView("c", "a", {"partition": "asserts"}, "asserts", places, vector, accused)

    assert match(item, claim({"partition": "country:Turkey"})) is None
    assert match(item, claim({"partition": "country:United States"})).via.startswith("frame partition")
    assert match(item, claim({})) is not None  # its narrative names no accused: the frame and places say it
    nobody = WatchView("j", frozenset({"partition"}), places, vector)  # a title that names no accused
    assert match(nobody, claim({"partition": "country:Turkey"})) is not None


LATER_ACCUSED = {
    # names no accused: its narrative accuses no one until the next article names Turkey
    "e.txt": (
        "Coastal Times",
        "2024-05-01",
        "Syrian Foreign Minister Rami Haddad said on Sunday that there is a plan to partition Syria.\n\n"
        "He spoke in Damascus after talks with the US envoy, whom he did not name.",
    ),
    "f.txt": (
        "Evening Star",
        "2024-05-03",
        "Kurdish leader Dara Aziz said on Tuesday that Turkey wants to divide Syria.",
    ),
}


@pytest.mark.parametrize("watch_first", [True, False])
def test_a_watch_match_goes_when_its_narrative_is_found_to_accuse_another(tmp_path, watch_first):
    write_articles(tmp_path / "corpus", LATER_ACCUSED)
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "date,title,countries,keywords,languages,outlets\n"
        "2024-04-01,US wants to divide Syria,Syria,,en,\n"
        "2024-04-02,Turkey wants to divide Syria,Syria,,en,\n",
        encoding="utf-8",
    )
    with Narrascope(tmp_path / "watch.db") as nar:
        if watch_first:  # the first claim is matched before the second names whom the narrative accuses
            nar.watch_import(cases)
        nar.ingest([str(tmp_path / "corpus")])
        nar.enrich()
        nar.link()
        if not watch_first:
            nar.watch_import(cases)
        matches, _ = nar.watch(all_matches=True)
    assert {m["watched"] for m in matches} == {"Turkey wants to divide Syria"}
    # Haddad's claim names the US and Syria as places, as the US case does, but its narrative accuses Turkey
    assert [m["speaker"] for m in matches] == ["Dara Aziz"]
