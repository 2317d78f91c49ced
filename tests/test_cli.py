"""The command line: every listing format, friendly errors, the demo, hostile text kept inert."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from narrascope.cli import app

runner = CliRunner()

ARTICLE = (
    "The mayor of Kessel said on Monday that the tram depot would reopen in spring after repairs "
    "to its roof, which was damaged in the January storms.\n\n"
    '"The trams will run again before Easter," she said at a press conference in the town hall.'
)


@pytest.fixture
def db(tmp_path, db_url):
    """A database (SQLite file, then PostgreSQL URL) the CLI ingested two articles and an empty file into."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kessel.txt").write_text(ARTICLE, encoding="utf-8")
    hostile = (
        '=HYPERLINK("http://evil.example") \x1b[31m[bold red]markup[/] <script>alert(1)</script> was '
        "found in a council report that the mayor of Varo presented to journalists on Friday morning.\n\n"
        "The report said the depot roof needed repairs costing more than the council had planned."
    )
    (folder / "hostile.txt").write_text(hostile, encoding="utf-8")
    (folder / "empty.txt").write_text("")
    result = runner.invoke(app, ["ingest", str(folder), "--db", db_url, "--quiet"])
    assert result.exit_code == 0, result.output
    assert "2 new articles stored" in result.output
    return db_url


def test_articles_json_has_every_field(db):
    result = runner.invoke(app, ["articles", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    fields = {"id", "url", "outlet", "title", "author", "published", "date_source", "language", "text"}
    assert fields <= set(rows[0])
    kessel = next(r for r in rows if "Kessel" in r["text"])
    assert "tram depot would reopen" in kessel["text"]


def test_articles_csv_defuses_formulas_and_table_strips_escapes(db):
    result = runner.invoke(app, ["articles", "--db", str(db), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    texts = [r["text"] for r in rows]
    assert any(t.startswith("'=HYPERLINK") for t in texts)
    table = runner.invoke(app, ["articles", "--db", str(db), "-q", "Varo"])
    assert table.exit_code == 0
    assert "\x1b[31m" not in table.stdout


@pytest.mark.parametrize("listing", ["articles", "statements", "entities"])
def test_an_empty_listing_is_a_csv_header_or_no_jsonl_at_all(db, listing):
    args = [listing, "--db", str(db), *(["-q", "zzzz"] if listing == "articles" else ["--limit", "1"])]
    csv_out = runner.invoke(app, [*args, "--format", "csv"])
    jsonl_out = runner.invoke(app, [*args, "--format", "jsonl"])
    assert csv_out.exit_code == jsonl_out.exit_code == 0, csv_out.output + jsonl_out.output
    if listing == "articles":
        assert csv_out.stdout.startswith("id,content_hash,text,source,") and csv_out.stdout.count("\n") == 1
        assert jsonl_out.stdout == ""
    else:  # nothing enriched yet
        header = csv_out.stdout.splitlines()
        assert len(header) == 1 and "," in header[0] and jsonl_out.stdout == ""


def test_search_show_and_errors(db):
    listing = json.loads(
        runner.invoke(app, ["articles", "--db", str(db), "-q", "tram Easter", "-f", "json"]).stdout
    )
    assert len(listing) == 1
    shown = runner.invoke(app, ["show", listing[0]["id"][:8], "--db", str(db), "--format", "json"])
    record = json.loads(shown.stdout)
    assert record["id"] == listing[0]["id"]
    assert record["sources"][0]["source"].endswith("kessel.txt")
    text = runner.invoke(app, ["show", listing[0]["id"], "--db", str(db)])
    assert "press conference" in text.stdout
    errors = json.loads(runner.invoke(app, ["errors", "--db", str(db), "-f", "json"]).stdout)
    assert [(e["source"].rsplit("/", 1)[-1], e["reason"]) for e in errors] == [("empty.txt", "empty")]


def test_lone_surrogates_and_control_characters_in_records_lose_nothing(tmp_path, db_url):
    """JSON escapes for half an emoji ("\\ud83d") cannot be stored as UTF-8: they become U+FFFD, and the
    records around them are stored too. Control characters leave titles; tabs and newlines leave them too."""
    records = [
        {"title": "Tram depot", "text": ARTICLE},
        {"title": "Half an emoji \ud83d", "text": "The ferry \udc00 to Varo sails again on Monday, the port "
         "authority said, after the storm damage to its landing stage was repaired this week."},
        {"title": "\ufeffBell\x00\x01\x07 rings\tagain\n", "author": "Jo\x1b[31m Marsh\u200b",
         "text": "The town hall bell of Kessel rang for the first time in a year on Sunday, \x00 after "
         "its clockwork was\x85 rebuilt by volunteers.\x07"},
    ]  # fmt: skip
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="ascii")
    result = runner.invoke(app, ["ingest", str(path), "--db", db_url])
    assert result.exit_code == 0 and "3 new articles stored" in result.output, result.output
    rows = json.loads(runner.invoke(app, ["articles", "--db", db_url, "--format", "json"]).stdout)
    stored = {r["title"]: r for r in rows}
    assert set(stored) == {"Tram depot", "Half an emoji \ufffd", "Bell rings again"}
    assert "The ferry \ufffd to Varo" in stored["Half an emoji \ufffd"]["text"]
    bell = stored["Bell rings again"]
    assert bell["author"] == "Jo[31m Marsh"
    assert bell["text"].endswith("on Sunday,  after its clockwork was rebuilt by volunteers.")


def test_user_mistakes_get_one_line_and_no_traceback(tmp_path, db):
    missing = runner.invoke(app, ["articles", "--db", str(tmp_path / "nope.db")])
    assert missing.exit_code == 1
    assert "no database" in missing.output and "Traceback" not in missing.output
    unknown = runner.invoke(app, ["show", "ffffffffffff", "--db", str(db)])
    assert unknown.exit_code == 1 and "no article" in unknown.output
    bad_format = runner.invoke(app, ["articles", "--db", str(db), "--format", "xml"])
    assert bad_format.exit_code == 2
    bad_size = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(db), "--max-size", "lots"])
    assert bad_size.exit_code == 2 and "Traceback" not in bad_size.output
    nothing = runner.invoke(app, ["ingest", str(tmp_path / "no-such-dir"), "--db", str(db), "-q"])
    assert nothing.exit_code == 1 and "not-found" in nothing.output
    unreachable = runner.invoke(app, ["articles", "--db", f"postgresql://me:pw@/x?host={tmp_path}"])
    assert unreachable.exit_code == 1 and ("[E102]" in unreachable.output or "[E105]" in unreachable.output)
    assert "Traceback" not in unreachable.output and ":pw@" not in unreachable.output


def test_demo_runs_from_a_fresh_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "narrascope", "demo", "--db", str(tmp_path / "demo.db"), "--format", "json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    stored = json.loads(result.stdout)["articles"]
    outlets = {a["outlet"] for a in stored}
    assert {"The Harbor Gazette", "Northwind Wire", "Valley Courier", "Meridian Daily"} <= outlets
    assert any(a["language"] == "ru" for a in stored)
    assert all(
        "Share on Facebook" not in a["text"] and "Subscribe to our newsletter" not in a["text"]
        for a in stored
    )
    gazette = next(a for a in stored if a["url"] and "korvin-compact-split" in a["url"])
    assert gazette["published"] == "2024-03-11" and gazette["date_source"] == "metadata"
    table = subprocess.run(
        [sys.executable, "-m", "narrascope", "demo", "--db", str(tmp_path / "demo.db")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert "0 new articles stored" in table.stdout  # second run: idempotent
    assert "Analysts" in table.stdout  # a source no entity stands for is shown as written
    assert "broken-page.html.gz" in table.stderr and "malformed" in table.stderr


@pytest.mark.parametrize(
    ("make", "db_arg", "message"),
    [
        (
            lambda d: (d / "notes.txt").write_text("not a database"),
            "notes.txt",
            "[E102] cannot open database",
        ),
        (lambda d: None, "", "[E102] no database given"),
        (lambda d: None, "postgresq://me@host/db", "[E102] 'postgresq://me@host/db' is neither"),
    ],
)
def test_a_wrong_database_is_a_clear_error_for_reads_and_writes(tmp_path, monkeypatch, make, db_arg, message):
    monkeypatch.chdir(tmp_path)
    make(tmp_path)
    page = tmp_path / "page.txt"
    page.write_text("Mayor Ann Lee said the depot would reopen on Friday after the storm.", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    for args in (["articles", "--db", db_arg], ["ingest", str(page), "--db", db_arg, "--quiet"]):
        result = runner.invoke(app, args)
        assert result.exit_code != 0 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing created on the way


def test_another_programs_sqlite_file_is_left_as_it_was(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE stuff (a)")
        conn.execute("INSERT INTO stuff VALUES ('precious')")
    conn.close()
    page = tmp_path / "page.txt"
    page.write_text("Mayor Ann Lee said the depot would reopen on Friday after the storm.", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(page), "--db", str(other), "--quiet"])
    assert result.exit_code != 0 and "[E103]" in result.output
    with sqlite3.connect(other) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["stuff"]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    conn.close()


@pytest.mark.parametrize(("query", "noted"), [("dam OR bridge", True), ("-dam", True), ("parti*", True),
                                              ('"dam OR bridge"', False), ("e-mail dam", False)])  # fmt: skip
def test_a_search_written_for_an_engines_syntax_gets_a_note(db, query, noted):
    result = runner.invoke(app, ["articles", "--db", str(db), "-q", query])
    assert result.exit_code == 0
    assert ("every word must be there" in result.stderr) == noted


@pytest.mark.parametrize(
    ("args", "choices"),
    [
        (["narrative", "abcd", "-f", "csv"], "text, json"),
        (["entity", "Korvin", "-f", "garbage"], "text, json"),
        (["show", "abcd", "-f", "xml"], "text, json"),
        (["ingest", "nothing", "-f", "jsonl"], "table, json"),
    ],
)
def test_a_format_a_command_cannot_write_is_refused_not_ignored(db, args, choices):
    result = runner.invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 2 and f"choose from {choices}" in result.output, result.output
