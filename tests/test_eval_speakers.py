"""The speaker evaluation: the key reader, the name match, and the floors on PolNeAR dev."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrascope.evaluate import BenchmarkError
from narrascope.evaluate.speakers import evaluate_speakers, format_report, load_key, same_entity

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))
KEYS = Path(__file__).resolve().parents[1] / "bench" / "keys"


@pytest.mark.parametrize(
    ("referent", "ours", "same"),
    [
        ("Obama", "Barack Obama", True),  # the article never gave his given name
        ("Paul Ryan", "Paul D. Ryan", True),
        ("Hillary Clinton", "Bill Clinton", False),
        ("Bobby Scott", "Tim Scott", False),
        ("Donald Trump", "Melania Trump", False),
        ("Melanie", "Melanie", True),
        ("Jim Justice", "Tom Clarke", False),
        ("Ildefonso Guajardo Villarreal", "Guajardo Villarreal", True),  # part of the name
        ("State Department", "US State Department", True),
        ("FBI", "Federal Bureau of Investigation", True),  # an acronym
        ("Clinton campaign", "Hillary Clinton", False),  # the campaign is not the candidate
        ("Quinnipiac University", "Marist College", False),
    ],
)
def test_a_speaker_is_the_keys_entity_by_name(referent, ours, same):
    assert same_entity(referent, ours) is same


def test_the_key_reader_names_the_row_that_does_not_read(tmp_path):
    key = tmp_path / "key.tsv"
    header = "article\tstart\tend\tsource\tkind\treferent\tnote\n"
    key.write_text(f"# comment\n{header}a\t1\tten\the\the\tX\t\n", "utf-8")
    with pytest.raises(BenchmarkError, match="row 2"):
        load_key(key)
    key.write_text("article\tstart\tsource\n", "utf-8")
    with pytest.raises(BenchmarkError, match="no end, kind, referent column"):
        load_key(key)


def test_the_shipped_keys_read_and_hold_every_kind_of_source():
    dev = load_key(KEYS / "polnear_dev_speakers.tsv")
    train = load_key(KEYS / "polnear_train_speakers.tsv")
    assert (len(dev), len(train)) == (500, 300)
    kinds = {r.kind for r in dev}
    assert {"he", "she", "they", "who", "which", "description"} <= kinds


def test_speakers_on_polnear_dev_reach_the_floors(shared):
    report = evaluate_speakers(shared / "eval" / "polnear" / "dev", KEYS / "polnear_dev_speakers.tsv")
    summary = report.summary()
    assert summary["all"]["rows"] == 500
    assert summary["he/she"]["accuracy"] >= FLOORS["pronouns_polnear_dev_accuracy"], format_report(report, 20)
    assert summary["all"]["accuracy"] >= FLOORS["speakers_polnear_dev_accuracy"], format_report(report, 20)
