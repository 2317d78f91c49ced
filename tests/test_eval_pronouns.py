"""The pronoun-speaker evaluation: the key reader, the name match, and the floor on PolNeAR dev."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrascope.evaluate import BenchmarkError
from narrascope.evaluate.pronouns import evaluate_pronouns, format_report, load_key, same_person

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
    ],
)
def test_a_speaker_is_the_keys_person_by_surname_and_given_name(referent, ours, same):
    assert same_person(referent, ours) is same


def test_the_key_reader_names_the_row_that_does_not_read(tmp_path):
    key = tmp_path / "key.tsv"
    key.write_text("# comment\narticle\tstart\tend\tpronoun\treferent\tnote\na\t1\tten\the\tX\t\n", "utf-8")
    with pytest.raises(BenchmarkError, match="row 2"):
        load_key(key)
    key.write_text("article\tstart\tpronoun\n", "utf-8")
    with pytest.raises(BenchmarkError, match="no end, referent column"):
        load_key(key)


def test_the_shipped_keys_read_and_cover_every_he_and_she_of_their_articles():
    dev = load_key(KEYS / "polnear_dev_pronouns.tsv")
    train = load_key(KEYS / "polnear_train_pronouns.tsv")
    assert (len(dev), len(train)) == (291, 173)
    assert {r.pronoun.casefold() for r in dev + train} == {"he", "she"}


def test_pronoun_speakers_on_polnear_dev_reach_the_floor(shared):
    report = evaluate_pronouns(shared / "eval" / "polnear" / "dev", KEYS / "polnear_dev_pronouns.tsv")
    summary = report.summary()["all"]
    assert summary["rows"] == 291
    assert summary["accuracy"] >= FLOORS["pronouns_polnear_dev_accuracy"], format_report(report, 20)
