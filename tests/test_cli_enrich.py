"""The enrich commands: enrich, statements (every filter, JSON fields), entities, entity."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from narrascope.cli import app

runner = CliRunner()

HERALD = """---
url: https://ostmark-herald.example/2024/06/03/dam-talks
outlet: Ostmark Herald
published: 2024-06-03
---
Velorian Foreign Minister Anya Korvin said on Monday that the Northern Compact wanted to divide Veloria.

"Plans for a partition exist, and we have seen them," Korvin told reporters in Port Arden.

Compact envoy Mark Ellison denied the accusation. "We have no plans to break Veloria apart," he said.
"""

COURIER = """---
url: https://valley-courier.example/2024/07/01/dam-visit
outlet: Valley Courier
published: 2024-07-01
---
Foreign Minister Korvin visited the Tessaly Dam on Sunday with engineers from the Northern Compact.

According to the Velorian Energy Agency, output from the dam fell by 12 per cent in June.

The minister said the Compact's presence at the dam was illegal.
"""


VESTNIK = (
    "Министр иностранных дел Велории Аня Корвин заявила в понедельник, что Северный союз намерен "
    "разделить Велорию. «Планы раздела существуют», — сказала Корвин журналистам в Порт-Ардене."
)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("in")
    (folder / "herald.txt").write_text(HERALD, encoding="utf-8")
    (folder / "courier.txt").write_text(COURIER, encoding="utf-8")
    (folder / "vestnik.txt").write_text(VESTNIK, encoding="utf-8")
    db = folder / "enrich.db"
    assert runner.invoke(app, ["ingest", str(folder), "--db", str(db), "-q"]).exit_code == 0
    result = runner.invoke(app, ["enrich", "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert "Enriched 3 articles" in result.output
    again = runner.invoke(app, ["enrich", "--db", str(db), "-q"])
    assert "Enriched 0 articles" in again.output
    return db


def statements(db, *args: str) -> list[dict]:
    result = runner.invoke(app, ["statements", "--db", str(db), "-f", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_statement_records_carry_speaker_role_cue_content_and_offsets(db):
    rows = statements(db)
    fields = {"speaker", "speaker_name", "role", "cue", "content", "kind", "stance", "article_id",
              "content_start", "content_end", "cue_start", "cue_end", "sentence_start", "sentence_end"}  # fmt: skip
    assert rows and fields <= set(rows[0])
    korvin = [r for r in rows if r["speaker_name"] == "Anya Korvin"]
    assert {r["cue"] for r in korvin} >= {"said", "told"}
    assert any(r["role"] == "Velorian Foreign Minister" for r in korvin)
    told = next(r for r in korvin if r["cue"] == "told")
    assert told["kind"] == "direct" and "Plans for a partition exist" in told["content"]
    ellison = [r for r in rows if r["speaker_name"] == "Mark Ellison"]
    assert any(r["speaker"] == "he" and "no plans to break Veloria apart" in r["content"] for r in ellison)


def test_statement_filters(db):
    assert {r["outlet"] for r in statements(db, "--outlet", "valley courier")} == {"Valley Courier"}
    assert all(r["speaker_name"] == "Mark Ellison" for r in statements(db, "--speaker", "Ellison"))
    assert all(r["kind"] == "direct" for r in statements(db, "--kind", "direct"))
    assert statements(db, "--since", "2024-07-01") and all(
        r["published"] >= "2024-07-01" for r in statements(db, "--since", "2024-07-01")
    )
    by_title = statements(db, "--entity", "Minister Korvin")  # an alias never written that way in the text
    assert by_title and {r["speaker_name"] for r in by_title} >= {"Anya Korvin"}
    assert all("partition" in r["content"] for r in statements(db, "--text", "partition"))
    assert statements(db, "--kind", "DIRECT") == statements(db, "--kind", "direct")
    first = statements(db)[0]["article_id"]
    assert {r["article_id"] for r in statements(db, "--article", first[:6])} == {first}  # a prefix, as `show`


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--entity", "Nobody At All"], "[E109] no entity named 'Nobody At All'"),
        (["--kind", "quote"], "'quote': choose direct"),
        (["--article", "ffffffffffffffff"], "[E106] no article with id"),
    ],
)
def test_a_filter_that_cannot_match_says_why_instead_of_listing_nothing(db, args, message):
    result = runner.invoke(app, ["statements", "--db", str(db), *args])
    assert result.exit_code != 0 and message in result.output, result.output


def test_entities_and_entity(db):
    listing = json.loads(runner.invoke(app, ["entities", "--db", str(db), "-f", "json"]).stdout)
    korvin = next(e for e in listing if e["name"] == "Anya Korvin")
    assert korvin["type"] == "PERSON" and korvin["articles"] == 2 and korvin["statements"] >= 2
    shown = runner.invoke(app, ["entity", "Korvin", "--db", str(db), "-f", "json"])
    record = json.loads(shown.stdout)
    assert record["id"] == korvin["id"]
    assert {a["outlet"] for a in record["articles"]} == {"Ostmark Herald", "Valley Courier"}
    text = runner.invoke(app, ["entity", "Anya Korvin", "--db", str(db)])
    assert text.exit_code == 0 and "Anya Korvin" in text.stdout
    missing = runner.invoke(app, ["entity", "Nobody At All", "--db", str(db)])
    assert missing.exit_code == 1 and "no entity" in missing.output


def test_an_article_in_another_language_than_the_model_is_skipped_not_misread(db):
    listing = runner.invoke(app, ["articles", "--db", str(db), "--language", "ru", "-f", "json"])
    (russian,) = json.loads(listing.stdout)
    assert statements(db, "--article", russian["id"]) == []
    entity_names = {
        e["name"] for e in json.loads(runner.invoke(app, ["entities", "--db", str(db), "-f", "json"]).stdout)
    }
    assert not any(any("а" <= ch <= "я" for ch in name.lower()) for name in entity_names)


def test_statements_by_stance_once_linked(db, tmp_path):
    import sqlite3

    linked = tmp_path / "linked.db"  # a copy: linking adds stances, the other tests read the unlinked store
    with sqlite3.connect(db) as source, sqlite3.connect(linked) as target:
        source.backup(target)
    assert runner.invoke(app, ["link", "--db", str(linked), "-q"]).exit_code == 0
    denials = statements(linked, "--stance", "denies")
    assert denials and {r["speaker_name"] for r in denials} == {"Mark Ellison"}
    assert all(r["stance"] == "asserts" for r in statements(linked, "--stance", "asserts"))
    wrong = runner.invoke(app, ["statements", "--db", str(linked), "--stance", "maybe"])
    assert wrong.exit_code == 2 and "asserts or denies" in wrong.output
