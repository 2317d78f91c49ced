"""The enrich stage end to end: seeds (GOLD statements and alias groups), the demo corpus, re-runs."""

from __future__ import annotations

import re

import pytest
import yaml

from narrascope.app import Narrascope
from narrascope.store.query import StatementQuery
from seed_expectations import GOLD_STATEMENTS


@pytest.fixture(scope="module", params=["selective", "tagger"])
def seeds_db(request, tmp_path_factory, shared):
    """The seeds enriched both ways: parsing where statements can be (the default) and with the tagger."""
    db = tmp_path_factory.mktemp("enrich") / "seeds.db"
    with Narrascope(db) as nar:
        nar.ingest([str(shared / "seeds")])
        report = nar.enrich(parse=request.param)
        assert report.articles == 5
        again = nar.enrich(parse=request.param)
        assert again.articles == 0  # a re-run skips what is done
    return db


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    ("name", "index"), [(name, i) for name, items in GOLD_STATEMENTS.items() for i in range(len(items))]
)
def test_every_gold_statement_is_found_with_its_speaker_and_cue(seeds_db, name, index):
    speaker, cue, phrase = GOLD_STATEMENTS[name][index]
    with Narrascope(seeds_db, readonly=True) as nar:
        article = next(a for a in nar.articles() if a.source.endswith(name))
        found = nar.statements(StatementQuery(article_id=article.id, limit=500))
        wanted_ids = set(nar.entity_ids(speaker))
    # PolNeAR-style cues keep their auxiliaries ("has told", "has been branded"): GOLD's cue word must be in it
    matching = [s for s in found if phrase in _flat(s.content) and re.search(rf"\b{cue}\b", s.cue.casefold())]
    assert matching, f"{name}: no statement with cue {cue!r} whose content holds {phrase!r}: " + repr(
        [(s.speaker, s.cue, s.content[:60]) for s in found]
    )
    if speaker[0].islower():  # a description, not a name
        assert any(s.speaker == speaker and s.speaker_entity_id is None for s in matching)
    else:
        assert wanted_ids, f"no entity is named {speaker!r}"
        assert any(s.speaker_entity_id in wanted_ids for s in matching), [
            (s.speaker, s.speaker_name) for s in matching
        ]


def test_every_alias_group_is_one_entity(seeds_db, shared):
    gold = yaml.safe_load((shared / "seeds" / "GOLD.yaml").read_text(encoding="utf-8"))
    with Narrascope(seeds_db, readonly=True) as nar:
        for group in gold["entity_aliases"]:
            ids = {alias: nar.entity_ids(alias) for alias in group}
            resolved = {tuple(v) for v in ids.values() if v}
            assert len(resolved) == 1 and len(next(iter(resolved))) == 1, f"{group}: {ids}"
            assert all(ids.values()), f"{group}: some names resolve to no entity: {ids}"


def _gold_roles(shared) -> list[tuple[str, str, str]]:
    gold = yaml.safe_load((shared / "seeds" / "GOLD.yaml").read_text(encoding="utf-8"))
    return [
        (name, st["speaker"], st["role"])
        for name, article in gold["articles"].items()
        for st in article.get("statements", [])
        if st.get("role")
    ]


def test_gold_speakers_have_their_roles(seeds_db, shared):
    """ "Russian Deputy Foreign Minister" Ryabkov, "Syrian Democratic Council spokeswoman" Ilhan Ahmed…"""
    missing = []
    with Narrascope(seeds_db, readonly=True) as nar:
        for name, speaker, role in _gold_roles(shared):
            article = next(a for a in nar.articles() if a.source.endswith(name))
            ids = set(nar.entity_ids(speaker))
            said = nar.statements(StatementQuery(article_id=article.id, limit=500))
            roles = {(s.role or "").casefold().replace("’", "'") for s in said if s.speaker_entity_id in ids}
            if role.casefold() not in roles:
                missing.append((name[:3], speaker, role, sorted(roles)))
    assert not missing, missing


def test_a_speaker_named_fully_later_is_shown_by_the_fuller_name(tmp_path):
    """The first article says only "Hargreaves"; a later run meets "Ellen Hargreaves": the earlier
    statement's speaker (and its claim's) read "Ellen Hargreaves" too, as the entity's pages do."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(
        "Senator Hargreaves said the dam in Port Arden would hold through the winter.\n", "utf-8"
    )
    second.write_text("Senator Ellen Hargreaves said the bridge over the river would open in May.\n", "utf-8")
    db = tmp_path / "n.db"
    with Narrascope(db) as nar:
        nar.ingest([str(first)])
        nar.enrich()
        assert {s.speaker_name for s in nar.statements()} == {"Hargreaves"}
        nar.link()
        nar.ingest([str(second)])
        nar.enrich()
        assert {s.speaker_name for s in nar.statements()} == {"Ellen Hargreaves"}
        speakers = nar.store.conn.execute("SELECT DISTINCT speaker FROM claims").fetchall()
        assert [r[0] for r in speakers] == ["Ellen Hargreaves"]


def test_a_candidates_campaign_speaks_as_an_organisation_and_the_campaign_is_it(tmp_path):
    """ "Senator Marta Kovac's campaign is defending …", "It said …", "The campaign said …": all three are
    the organisation "Kovac campaign" (PolNeAR's key has "the campaign" and "it" as the Trump or Clinton
    campaign); the candidate is still named in full for what follows."""
    (tmp_path / "a.txt").write_text(
        "Senator Marta Kovac's campaign is defending her remarks about the dam. It said on Tuesday that the"
        " remarks were taken out of context.\n\nKovac later spoke at a rally in Port Arden. The campaign said a"
        " new advertisement will air across the state next week.\n",
        "utf-8",
    )
    with Narrascope(tmp_path / "n.db") as nar:
        nar.ingest([str(tmp_path)])
        nar.enrich()
        speakers = [(s.speaker, s.speaker_name) for s in nar.statements()]
    assert speakers == [
        ("Senator Marta Kovac's campaign", "Kovac campaign"),
        ("It", "Kovac campaign"),
        ("The campaign", "Kovac campaign"),
    ]


def _enrich_seeds(db, shared, monkeypatch, *, processes: int) -> list[tuple]:
    """The seeds enriched by ``processes`` worker processes, two articles a batch and one a chunk; their
    statements (speaker, canonical speaker, cue, content) and entities."""
    from narrascope import pipeline
    from narrascope.enrich.enricher import Enricher
    from narrascope.enrich.entities import EntityResolver

    monkeypatch.setattr(pipeline, "ENRICH_BATCH", 2)
    with Narrascope(db) as nar:
        nar.ingest([str(shared / "seeds")])
        enricher = Enricher(EntityResolver(), processes=processes, chunk_size=1)
        report = pipeline.enrich(nar.store, enricher)
        assert report.articles == 5
        statements = [(s.speaker, s.speaker_name, s.cue, s.content) for s in nar.statements()]
        entities = sorted(e.name for e in nar.entities())
    return [statements, entities]


def test_worker_processes_read_what_one_process_reads_and_start_once_for_every_batch(
    tmp_path, shared, monkeypatch
):
    """Three batches through two spawned workers: the same statements and entities as in one process, and
    one pool (each worker loads the model once), not one per batch."""
    import multiprocessing

    from narrascope.enrich import enricher

    pools = []
    spawn = multiprocessing.get_context("spawn")

    class Counting:
        def Pool(self, *args, **kwargs):  # multiprocessing's name for it
            pools.append(args)
            return spawn.Pool(*args, **kwargs)

    monkeypatch.setattr(enricher.multiprocessing, "get_context", lambda method: Counting())
    alone = _enrich_seeds(tmp_path / "one.db", shared, monkeypatch, processes=1)
    assert pools == []
    workers = _enrich_seeds(tmp_path / "two.db", shared, monkeypatch, processes=2)
    assert len(pools) == 1
    assert workers == alone
    assert len(alone[0]) > 20
