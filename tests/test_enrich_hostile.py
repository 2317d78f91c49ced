"""Hostile article text through the enrich stage: nothing raises, offsets stay true, the rest is still read.

No timing is asserted; inputs are sized so that the quadratic paths these tests guard against (spaCy's
tokenizer on one huge "word", the rules on one huge paragraph) would run for minutes, not seconds.
"""

from __future__ import annotations

import itertools

import pytest

from narrascope.enrich.enricher import Enricher, defuse_long_runs, ner_chunks
from narrascope.enrich.entities import EntityResolver
from narrascope.model import Article

CLEAN = 'Mayor Ann Lee said the depot would reopen. "It will," she said.'
HOSTILE = {
    "one-huge-word": "🙂" * 20_000,
    "url-run": "http://x.example/" + "a" * 50_000,
    "quote-marks": '"' * 5_000 + " “" * 3_000,
    "long-paragraph": "The minister said that the plan would work " * 1_500,
    "nested-quotes": "“A ‘B “C ‘D’ C” B’ A,” he said. " * 300,
    "controls-and-bidi": "\x00\x01 said \u202e evil \u2066 text " * 200,
    "markup": "<script>alert(1)</script> the mayor said <b>nothing</b>. " * 100,
}


@pytest.fixture(scope="module")
def enricher():
    with Enricher(EntityResolver()) as e:
        yield e


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_text_is_enriched_without_error_and_clean_text_beside_it_still_read(enricher, name):
    text = HOSTILE[name] + "\n\n" + CLEAN
    (result,) = enricher.enrich([Article(id=name, content_hash=name, text=text, source=name, language="en")])
    for statement in result.statements:  # every offset points into the original text
        assert text[statement.content_start : statement.content_end] == statement.content
        assert text[statement.cue_start : statement.cue_end] == statement.cue
    assert any(s.speaker_name == "Ann Lee" for s in result.statements), [
        (s.speaker, s.cue) for s in result.statements
    ]


def test_defusing_long_runs_keeps_offsets():
    text = "Lee said " + "x" * 300 + " today."
    defused = defuse_long_runs(text)
    assert len(defused) == len(text) and defused.startswith("Lee said ") and defused.endswith(" today.")
    assert "x" not in defused


def test_an_article_that_breaks_the_models_fails_alone_and_is_reported(tmp_path, monkeypatch):
    from narrascope.app import Narrascope
    from narrascope.enrich.attribution import AttributionExtractor

    original = AttributionExtractor.extract

    def fragile(self, texts, **kwargs):
        if any("BOOM" in t for t in texts):
            raise RuntimeError("the rules broke")
        return original(self, texts, **kwargs)

    monkeypatch.setattr(AttributionExtractor, "extract", fragile)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(CLEAN, encoding="utf-8")
    (folder / "bad.txt").write_text(
        "Mayor Bo Ray said BOOM would happen on Friday in the town hall.", encoding="utf-8"
    )
    with Narrascope(tmp_path / "x.db") as nar:
        nar.ingest([str(folder)])
        report = nar.enrich()
        errors = [(e.reason, e.detail) for e in nar.errors()]
        speakers = {s.speaker_name for s in nar.statements()}
    assert report.articles == 2 and report.failed == 1  # the CLI says so beside the count
    assert "Ann Lee" in speakers
    assert errors == [("enrich-failed", "RuntimeError: the rules broke")]


def test_a_text_too_long_for_the_model_is_read_in_stretches_cut_at_line_breaks():
    """spaCy refuses a text over 1M characters: a book-length page is read in stretches, none cutting a line."""
    line = "The minister of Veloria, Anya Korvin, visited the port of Selin on Monday.\n"
    text = line * 20_000  # 1.5M characters
    stretches = ner_chunks(text)
    assert len(stretches) > 10 and stretches[0][0] == 0 and stretches[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(stretches))  # no gap, no overlap
    assert all(end - start <= 100_000 and text[end] == "\n" for start, end in stretches[:-1])
    assert ner_chunks("short text") == [(0, 10)]
    assert ner_chunks("x" * 250_000) == [(0, 100_000), (100_000, 200_000), (200_000, 250_000)]  # no break


def test_a_text_over_the_models_limit_is_enriched(enricher):
    text = ("filler words " * 80_000) + "\n\n" + CLEAN  # 1.04M characters: over spaCy's max_length
    (result,) = enricher.enrich(
        [Article(id="long", content_hash="long", text=text, source="long", language="en")]
    )
    assert result.error is None
    assert any(s.speaker_name == "Ann Lee" for s in result.statements)
