"""The five seed pages through ingest -> clean -> store: furniture gone, statements kept, dates honest."""

from __future__ import annotations

import re

import yaml

from narrascope.app import Narrascope
from seed_expectations import STATEMENT_PHRASES

EXPECTED_DATES = {"001": "2018-11-24"}


def test_seeds_are_cleaned_and_dated_as_gold_says(shared, tmp_path):
    gold = yaml.safe_load((shared / "seeds" / "GOLD.yaml").read_text(encoding="utf-8"))
    with Narrascope(tmp_path / "seeds.db") as nar:
        report = nar.ingest([str(shared / "seeds")])
        by_file = {a.source.rsplit("/", 1)[-1]: a for a in nar.articles()}
    assert report.errors == [] or all(e.source.endswith(".yaml") for e in report.errors)
    assert set(gold["articles"]) <= set(by_file)
    for name, expected in gold["articles"].items():
        article = by_file[name]
        for line in expected.get("boilerplate_lines", []) + expected.get("embedded_teasers", []):
            assert line not in article.text, f"{name}: furniture survived: {line!r}"
        assert article.published == EXPECTED_DATES.get(name[:3]), name
        assert (article.date_source is None) == (article.published is None)
        assert article.language == "en"
        flat = re.sub(r"\s+", " ", article.text)  # the seeds hold no-break spaces inside sentences
        for phrase in STATEMENT_PHRASES[name]:
            assert phrase in flat, f"{name}: statement sentence lost: {phrase!r}"
