"""The cleaning evaluation: the benchmark's metric on toy pages, and the quality floors on its 92 pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrascope.evaluate.cleaning import (
    ANCHORS,
    PathScore,
    evaluate_cleaning,
    format_table,
    page_counts,
    score,
)

FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))


def test_page_counts_match_shingles_with_their_counts():
    truth = "one two three four five"  # shingles: (one..four), (two..five)
    assert page_counts(truth, truth) == (1.0, 0.0, 0.0)
    tp, fp, fn = page_counts(truth, "one two three four")  # one shingle right, one missed
    assert (tp, fp, fn) == pytest.approx((0.5, 0.0, 0.5))
    tp, fp, fn = page_counts("a b", "a b")  # shorter than four tokens: one shingle of all of them
    assert (tp, fp, fn) == (1.0, 0.0, 0.0)
    assert page_counts("", "") == (0.0, 0.0, 0.0)


def test_score_averages_pages_and_handles_empty_outputs():
    perfect = page_counts("one two three four five", "one two three four five")
    empty_prediction = page_counts("one two three four five", "")
    precision, recall, f1 = score([perfect, empty_prediction])
    assert precision == 1.0  # an empty prediction says nothing wrong: it is left out of precision
    assert recall == 0.5  # ... but it finds nothing: recall 0 for that page
    assert f1 == pytest.approx(2 * 0.5 / 1.5)
    assert score([]) == (0.0, 0.0, 0.0)


def test_format_table_lists_our_paths_beside_the_published_anchors():
    table = format_table([PathScore("text cleaner (ours)", 0.9, 0.8, 0.847, 92, 1.0)])
    assert "text cleaner (ours)" in table
    assert all(name in table for name in ANCHORS)


@pytest.mark.slow
def test_cleaning_paths_reach_their_floors(shared):
    benchmark = shared / "eval" / "article-extraction"
    if not (benchmark / "ground-truth.json").is_file():
        pytest.skip(f"the article-extraction benchmark is absent ({benchmark})")
    scores = {s.name: s for s in evaluate_cleaning(benchmark)}
    text, html, baseline = (
        scores["text cleaner (ours)"],
        scores["html: trafilatura (ours)"],
        scores["inscriptis (all text, ours measured)"],
    )
    assert text.pages == html.pages == baseline.pages == 92
    assert text.f1 >= FLOORS["cleaning_text_f1"], format_table(list(scores.values()))
    assert html.f1 >= FLOORS["cleaning_html_f1"], format_table(list(scores.values()))
    assert text.f1 > baseline.f1 + 0.15  # cleaning must beat taking all the page's text by far


@pytest.mark.parametrize(
    ("truth", "page", "message"),
    [
        (b"{broken", None, "ground-truth.json is not JSON"),
        (b'["a list"]', None, "is not an object of page records"),
        (b'{"p1": {"articleBody": "x"}}', b"not gzip", "p1.html.gz is not a readable gzip file"),
    ],
)
def test_a_broken_benchmark_is_a_clear_error(tmp_path, truth, page, message):
    from typer.testing import CliRunner

    from narrascope.cli import app

    (tmp_path / "html").mkdir()
    (tmp_path / "ground-truth.json").write_bytes(truth)
    if page is not None:
        (tmp_path / "html" / "p1.html.gz").write_bytes(page)
    result = CliRunner().invoke(app, ["eval", "cleaning", str(tmp_path)])
    assert result.exit_code == 1 and "[E107]" in result.output and message in result.output
    assert "Traceback" not in result.output
