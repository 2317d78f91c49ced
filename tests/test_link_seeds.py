"""Link on the seeds: GOLD's three narratives, James Jeffrey's denials, and the EUvsDisinfo watchlist."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from narrascope.app import Narrascope
from narrascope.store import ArticleQuery
from narrascope.store.query import StatementQuery


@pytest.fixture(scope="module")
def linked(tmp_path_factory, shared):
    db = tmp_path_factory.mktemp("link") / "seeds.db"
    with Narrascope(db) as nar:
        nar.ingest([str(shared / "seeds")])
        nar.enrich()
        report = nar.link()
        assert report.articles == 5
        assert nar.link().articles == 0  # a re-run skips what is done
        by_file = {
            Path(nar.sources(a.id)[0].source).name[:3]: a.id for a in nar.articles(ArticleQuery(limit=10))
        }
    gold = yaml.safe_load((shared / "seeds" / "GOLD.yaml").read_text("utf-8"))
    return db, by_file, gold


def _details(db):
    with Narrascope(db, readonly=True) as nar:
        return [nar.narrative(n.id) for n in nar.narratives(limit=100)]


def test_each_gold_narrative_is_one_narrative_with_its_articles_and_denials(linked):
    db, by_file, gold = linked
    details = _details(db)
    matched = {}
    for key, expected in gold["narratives"].items():
        asserted = {by_file[ref[:3]] for ref in expected["asserted_in"]}
        denied = {by_file[ref[:3]] for ref in expected.get("denied_in", [])}
        found = [
            d
            for d in details
            if asserted <= {e.article_id for e in d.evidence if e.stance == "asserts"}
            and denied <= {e.article_id for e in d.denials}
        ]
        assert found, (
            f"no narrative carries {key}: asserted in {sorted(asserted)}, denied in {sorted(denied)}"
        )
        matched[key] = found[0].narrative.id
        if key.startswith("us_"):  # GOLD's narratives say what the US does: it is whom they accuse
            assert found[0].narrative.accused == "United States", key
        assert found[0].narrative.article_count >= len(asserted | denied)
    assert len(set(matched.values())) == 3, f"the three GOLD narratives collapsed into fewer: {matched}"


def test_james_jeffrey_denies_partition_and_regime_change(linked):
    db, by_file, _ = linked
    denials = {
        (e.speaker, e.article_id, d.narrative.id)
        for d in _details(db)
        for e in d.denials
        if e.speaker == "James Jeffrey"
    }
    assert {a for _, a, _ in denials} == {by_file["001"]}
    assert len({n for _, _, n in denials}) >= 2  # partition and regime change
    with Narrascope(db, readonly=True) as nar:
        said = nar.statements(StatementQuery(speaker="James Jeffrey", limit=50))
    stances = {s.cue: s.stance for s in said}
    assert stances["assured"] == "denies"  # "not looking for regime change"
    assert "denies" in {s.stance for s in said if "break apart" in s.content}


def test_narrative_detail_has_timeline_speakers_outlets_and_evidence(linked):
    db, _, _ = linked
    details = _details(db)
    partition = next(d for d in details if d.narrative.frame == "partition")
    speakers = [s for s, _, _ in partition.speakers]
    assert {"Sergei Lavrov", "Sergei Ryabkov", "James Jeffrey"} <= set(speakers)
    assert "Sergey Lavrov" not in speakers  # one person, one row: named as the entity is, however written
    assert {"JNi.Media", "Morning Star", "Sputnik"} <= {o for o, _ in partition.outlets}
    dated = sorted(e.published for e in partition.evidence if e.published)
    assert partition.first is not None and partition.first.published == dated[0]  # only 001 has a date
    assert sum(p.asserts + p.denies for p in partition.timeline) == len(partition.evidence)
    for e in partition.evidence:  # every link carries its evidence: the sentence and why it was drawn
        assert e.claim and e.sentence and e.via
        assert e.claim.strip(' “”"') in e.sentence or e.sentence in e.claim
    for d in details:  # a label reads as a sentence: no "that …" or quotation marks of the reporting
        label = d.narrative.label
        assert label[0].isupper() and not label.casefold().startswith("that "), label
        assert label[0] not in '“”"' and label[-1] not in '“”",', label
        assert any(label.casefold() in e.claim.casefold() for e in d.evidence), label


def test_watchlist_case_matches_seed_000_and_004(linked, shared):
    db, by_file, _ = linked
    with Narrascope(db) as nar:
        result = nar.watch_import(shared / "eval" / "euvsdisinfo" / "posts.csv")
        assert result.added == result.read > 10_000 and not result.problems
        found, total = nar.watch(all_matches=True, limit=10_000)
        again, new = nar.watch()
    case = [m for m in found if m["watched"] == "US wants to divide Syria"]
    asserting = {m["article_id"] for m in case if m["stance"] == "asserts"}
    assert {by_file["000"], by_file["004"]} <= asserting
    assert all(m["score"] > 0.5 and m["via"] for m in case)
    assert total == len(found)
    assert new == 0 and not again  # nothing new since the run just made
    # the seeds speak of regime change in Syria: no "colour revolution in the US" case (its own frame), no
    # case that names no place (a frame alone is a class of narratives), none of another place (Mexico)
    wrong = ("colour revolution", "divide Europe", "balkanisation’ of Mexico")
    assert not [m["watched"] for m in found if any(w in m["watched"] for w in wrong)]
    # a case and a claim that accuse different states share a frame, not a narrative: "The US has created
    # Daesh" is not Jeffrey's "the Syrian government was responsible for … Daesh"; "White Helmets use
    # COVID-19 … regime change" is not his "not looking for regime change" in Syria
    jeffrey = [(m["watched"], m["claim"]) for m in found if m["speaker"] == "James Jeffrey"]
    assert jeffrey and not [w for w, claim in jeffrey if "Syrian government" in claim or "White Helmets" in w]


def test_lavrovs_denial_of_banned_weapons_is_a_denial(linked):
    """003: "But he denied these allegations": content too short to be a claim, the cue still denies."""
    db, by_file, _ = linked
    with Narrascope(db, readonly=True) as nar:
        said = nar.statements(StatementQuery(article_id=by_file["003"], limit=100))
    denied = [s for s in said if s.cue == "denied"]
    assert denied and {s.stance for s in denied} == {"denies"}


def test_a_speaker_is_found_by_any_of_its_names(linked):
    """Lavrov is written "Sergey" in some seeds and "Sergei" in others: either finds all his statements."""
    db, _, _ = linked
    with Narrascope(db, readonly=True) as nar:
        found = {
            name: {s.id for s in nar.statements(StatementQuery(speaker=name, limit=500))}
            for name in ("Sergei Lavrov", "Sergey Lavrov", "Lavrov")
        }
    assert len(found["Lavrov"]) >= 20
    assert found["Sergei Lavrov"] == found["Sergey Lavrov"] == found["Lavrov"]


def test_undated_pages_about_different_events_are_not_one_story(linked):
    """Four seeds are undated and cover events from 2016 to 2021: without dates, topic alone joins nothing."""
    db, _, _ = linked
    with Narrascope(db, readonly=True) as nar:
        sizes = [s.article_count for s in nar.stories(limit=10, offset=0)]
    assert sum(sizes) == 5 and max(sizes) <= 2, sizes


def test_the_accused_never_asserts_and_every_narrative_speaker_is_named(linked):
    """ "we are sure that US wants to save al-Nusra" is Lavrov's claim about the US, not the US's; "the
    Syrian government, which characterized …" and "Russia's top diplomat" are who they stand for."""
    db, _, _ = linked
    speakers = {s: (a, d) for d in _details(db) for s, a, d in d.speakers}
    assert "United States" not in speakers
    assert not {"which", "who", "Russia’s top diplomat", "Russia's top diplomat"} & set(speakers)
    assert "Syrian Government" in speakers
