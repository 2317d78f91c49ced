"""The Spark path against the local one: ``spark-enrich`` (Spark in local mode) then ``load`` gives the store
that ``ingest`` + ``enrich`` give, row for row, and ``link`` then finds the same narratives."""

from __future__ import annotations

import shutil
import sqlite3
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'narrascope[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'narrascope[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (java is not on the PATH)", allow_module_level=True)

from narrascope.app import Narrascope
from narrascope.cli import app
from narrascope.scale import results
from narrascope.scale.spark_job import JobSettings, run, spark_session
from narrascope.store.sqlite import SQLiteStore
from warc_helpers import http, write_warc

DEMO = Path(str(files("narrascope") / "data" / "demo"))
TABLES = {  # the rows that must be equal, in insertion order; times and run ids left out
    "articles": "id, content_hash, text, source, url, outlet, title, author, published, date_source, language,"
    " word_count",
    "article_sources": "article_id, source, url",
    "ingest_errors": "source, reason, detail",
    "entities": "id, name, type",
    "entity_aliases": "entity_id, alias",
    "mentions": "*",
    "statements": "*",
    "enrichments": "article_id, pipeline",
}
LINKED = {
    t: "*"
    for t in (
        "narratives",
        "narrative_claims",
        "narrative_places",
        "claims",
        "stories",
        "article_bands",
        "article_links",
        "media_citations",
    )
}


@pytest.fixture(scope="module")
def spark():
    session = spark_session(
        "local[2]",
        {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"},
    )
    yield session
    session.stop()


def rows(db: Path, tables: dict[str, str]) -> dict[str, list[tuple]]:
    """Each table's rows in insertion order; ``*``: every column but times (``..._at``)."""
    conn = sqlite3.connect(db)
    try:
        found = {}
        for table, cols in tables.items():
            if cols == "*":
                names = [
                    r[1] for r in conn.execute(f"PRAGMA table_info({table})") if not r[1].endswith("_at")
                ]
                cols = ", ".join(names)
            found[table] = conn.execute(f"SELECT {cols} FROM {table} ORDER BY rowid").fetchall()
        return found
    finally:
        conn.close()


def local_run(inputs: list[str], db: Path) -> None:
    with Narrascope(db) as nar:
        nar.ingest(inputs)
        nar.enrich()


def assert_same(local: Path, loaded: Path, tables: dict[str, str]) -> None:
    expected, got = rows(local, tables), rows(loaded, tables)
    for table in tables:
        assert got[table] == expected[table], f"{table} differs"


def link_both(local: Path, loaded: Path) -> None:
    for db in (local, loaded):
        with Narrascope(db) as nar:
            nar.link()
    assert_same(local, loaded, LINKED)


def test_demo_corpus_spark_then_load_equals_ingest_then_enrich(spark, tmp_path, monkeypatch):
    out = tmp_path / "out"
    report = run(spark, [str(DEMO)], str(out), JobSettings(partitions=2))
    local_run([str(DEMO)], tmp_path / "local.db")
    with Narrascope(tmp_path / "local.db", readonly=True) as nar:
        assert (report.articles, report.statements) == (nar.count_articles(), nar.count_statements())

    broken = [r for r in results_rows(out, results.ERRORS) if r["source"].endswith("broken-page.html.gz")]
    assert [r["reason"] for r in broken] == ["malformed"]

    # a load killed after the articles and entities, before the enrichments, is run again
    real = SQLiteStore.write_enrichments

    def dies_on_enrichments(self, enrichments, entities, pipeline):
        if enrichments:
            raise KeyboardInterrupt
        real(self, enrichments, entities, pipeline)

    with monkeypatch.context() as patch, Narrascope(tmp_path / "spark.db") as nar:
        patch.setattr(SQLiteStore, "write_enrichments", dies_on_enrichments)
        with pytest.raises(KeyboardInterrupt):
            nar.load(out)
    with Narrascope(tmp_path / "spark.db") as nar:
        nar.load(out)
        again = nar.load(out)  # loading twice adds nothing
        assert (again.stored, again.duplicates) == (0, report.articles)
        assert [e.reason for e in nar.errors() if "broken-page" in e.source] == ["malformed"]
    assert_same(tmp_path / "local.db", tmp_path / "spark.db", TABLES)
    link_both(tmp_path / "local.db", tmp_path / "spark.db")
    with Narrascope(tmp_path / "spark.db", readonly=True) as nar:
        assert nar.count_narratives() > 0


def test_seeds_spark_then_load_equals_ingest_then_enrich(spark, tmp_path, shared):
    seeds = str(shared / "seeds")
    run(spark, [seeds], str(tmp_path / "out"), JobSettings(partitions=2))
    local_run([seeds], tmp_path / "local.db")
    with Narrascope(tmp_path / "spark.db") as nar:
        nar.load(tmp_path / "out")
    assert_same(tmp_path / "local.db", tmp_path / "spark.db", TABLES)
    link_both(tmp_path / "local.db", tmp_path / "spark.db")
    with Narrascope(tmp_path / "spark.db", readonly=True) as nar:
        assert nar.count_narratives() >= 3  # GOLD's three


def test_formats_field_map_and_parquet_through_the_cli(spark, tmp_path):
    """JSONL with its own field names, a WARC, a text with a sidecar, an unreadable file and a missing input,
    as ingest reads them; Parquet records through the same field map; the CLI commands end to end."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "Officials in {town} said the new ferry timetable would start in June, after a long debate."
    lines = [
        f'{{"story": "{body.format(town=t)}", "link": "https://example.org/{t}"}}' for t in ("Bresk", "Varo")
    ]
    (corpus / "dump.jsonl").write_text("\n".join([*lines, "{not json"]) + "\n")
    page = f"<html><body><article><p>{body.format(town='Kessel')} Residents welcomed it.</p></article></body></html>"
    write_warc(corpus / "crawl.warc.gz", [("https://example.org/kessel", "response", http("200 OK", "text/html"), page.encode())])  # fmt: skip
    (corpus / "note.txt").write_text(body.format(town="Tamsby") + "\n\nThe mayor of Tamsby agreed.\n")
    (corpus / "note.txt.json").write_text('{"title": "Tamsby ferry", "published": "2024-03-01"}')
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4")
    records = tmp_path / "records"
    spark.createDataFrame(
        [(body.format(town="Orrin"), "https://example.org/orrin", "2024-04-02")],
        "story string, link string, day string",
    ).write.parquet(str(records))
    field_map = "text=story,url=link,published=day"
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "spark-enrich",
            str(corpus),
            "/no/such/folder",
            str(records),
            str(out),
            "--field-map",
            field_map,
            "--partitions",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Read 5 documents: 5 articles (0 repeated texts), 3 errors" in result.output
    result = CliRunner().invoke(app, ["load", str(out), "--db", str(tmp_path / "spark.db")])
    assert result.exit_code == 0 and "5 new articles stored" in result.output, result.output

    with Narrascope(tmp_path / "local.db") as nar:
        from narrascope.ingest import IngestOptions, parse_field_map

        nar.ingest([str(corpus), "/no/such/folder"], IngestOptions(field_map=parse_field_map(field_map)))
        nar.enrich()
    local, loaded = rows(tmp_path / "local.db", TABLES), rows(tmp_path / "spark.db", TABLES)
    parquet_row = loaded["articles"].pop()  # read after everything else: the last input
    assert parquet_row[3].startswith(str(records)) and parquet_row[3].endswith("#row-1")
    assert (parquet_row[4], parquet_row[8]) == ("https://example.org/orrin", "2024-04-02")
    assert loaded["articles"] == local["articles"]
    assert {r[0] for r in loaded["ingest_errors"]} == {r[0] for r in local["ingest_errors"]}
    assert sorted(loaded["ingest_errors"]) == sorted(local["ingest_errors"])
    titles = {r[3].rsplit("/", 1)[1]: r[6] for r in local["articles"]}
    assert titles["note.txt"] == "Tamsby ferry"


def results_rows(out: Path, name: str) -> list[dict]:
    import pyarrow.parquet as pq

    return [
        row for part in sorted((out / name).glob("part-*.parquet")) for row in pq.read_table(part).to_pylist()
    ]
