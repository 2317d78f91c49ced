"""Ingest end to end: idempotent re-runs, a SIGKILL mid-batch, and a folder of hostile files."""

from __future__ import annotations

import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from narrascope.app import Narrascope
from narrascope.ingest import IngestOptions

TOWNS = ["Bresk", "Ostmark", "Port Arden", "Lindholm", "Varo", "Kessel", "Tamsby", "Orrin"]
TOPICS = ["a new bridge", "the ferry timetable", "school meals", "a harbour wall", "the tram depot"]


def write_articles(folder: Path, n: int) -> None:
    """n distinct fictional articles with one outlet's furniture around each."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        town, topic = TOWNS[i % len(TOWNS)], TOPICS[i % len(TOPICS)]
        body = (
            f"Lakeside Times\nHome | News | Sport\n\nCouncil votes on {topic} in {town} (item {i})\n\n"
            f"The council of {town} voted on {topic} on Tuesday after a debate that lasted {i % 9 + 2} hours, "
            f"the mayor's office said in a statement numbered {i}.\n\n"
            f'"We listened to every resident who wrote to us about {topic}," the mayor of {town} said. '
            f"Opponents said the plan, number {i * 7 + 3}, would cost more than the budget allows.\n\n"
            "Share this article\n© 2024 Lakeside Times\n"
        )
        (folder / f"article-{i:05d}.txt").write_text(body, encoding="utf-8")


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            "articles": conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0],
            "hashes": conn.execute("SELECT COUNT(DISTINCT content_hash) FROM articles").fetchone()[0],
            "fts": conn.execute("SELECT COUNT(*) FROM articles_fts").fetchone()[0],
            "sources": conn.execute("SELECT COUNT(*) FROM article_sources").fetchone()[0],
            "distinct_sources": conn.execute("SELECT COUNT(DISTINCT source) FROM article_sources").fetchone()[
                0
            ],
            "empty": conn.execute(
                "SELECT COUNT(*) FROM articles WHERE text = '' OR word_count = 0"
            ).fetchone()[0],
        }
    finally:
        conn.close()


def test_rerunning_the_same_ingest_adds_nothing(tmp_path):
    write_articles(tmp_path / "in", 30)
    with Narrascope(tmp_path / "a.db") as nar:
        first = nar.ingest([str(tmp_path / "in")])
        second = nar.ingest([str(tmp_path / "in")])
    assert (first.seen, first.stored, first.duplicates) == (30, 30, 0)
    assert (second.seen, second.stored, second.duplicates) == (30, 0, 30)
    c = counts(tmp_path / "a.db")
    assert c["articles"] == c["fts"] == c["sources"] == 30


def test_sigkill_mid_batch_then_rerun_stores_every_article_exactly_once(tmp_path):
    n = 1500
    write_articles(tmp_path / "in", n)
    db = tmp_path / "kill.db"
    cmd = [sys.executable, "-m", "narrascope", "ingest", str(tmp_path / "in"), "--db", str(db), "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                stored = counts(db)["articles"]
            except sqlite3.OperationalError:
                continue  # schema not created yet
            if stored > 0:
                break
    assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()!r}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = counts(db)
    assert 0 < partial["articles"] < n, "the kill should land mid-batch"
    assert partial["articles"] == partial["hashes"] == partial["fts"] == partial["sources"]

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    final = counts(db)
    assert final["articles"] == final["hashes"] == final["fts"] == final["distinct_sources"] == n
    assert final["sources"] == n and final["empty"] == 0
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_folder_of_malformed_files_is_reported_and_good_files_are_stored(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    good = (
        "The harbour master of Varo said on Friday that the new wall would be finished by October, "
        "two months later than planned, because of winter storms that damaged the scaffolding.\n\n"
        '"We will not cut corners on safety," she said.'
    )
    (folder / "good.txt").write_text(good, encoding="utf-8")
    (folder / "good-cp1251.txt").write_bytes(
        ("Мэр города Варо заявил в пятницу, что новая стена гавани будет достроена к октябрю, "
         "на два месяца позже плана, из-за зимних штормов.").encode("cp1251")
    )  # fmt: skip
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "huge.txt").write_text("word " * 300_000, encoding="utf-8")
    (folder / "truncated.html.gz").write_bytes(
        gzip.compress(b"<html><body><p>" + bytes(range(256)) * 40)[:-10]
    )
    nested = (
        "<html><body>" + "<div>" * 10_000 + "<p>Deep text here.</p>" + "</div>" * 10_000 + "</body></html>"
    )
    (folder / "nested.html").write_text(nested, encoding="utf-8")
    (folder / "broken.jsonl").write_text(
        '{"text": "A fine record about the tram depot in Kessel."}\n{broken\n'
    )
    with Narrascope(tmp_path / "m.db") as nar:
        report = nar.ingest([str(folder)], IngestOptions(max_bytes=1_000_000))
        stored = {Path(a.source.split("#")[0]).name for a in nar.articles()}
        recorded = {(Path(e.source.split("#")[0]).name, e.reason) for e in nar.errors()}
    reasons = {(Path(e.source.split("#")[0]).name, e.reason) for e in report.errors}
    assert {"good.txt", "good-cp1251.txt", "broken.jsonl"} <= stored
    assert ("image.png", "binary") in reasons
    assert ("empty.txt", "empty") in reasons
    assert ("huge.txt", "too-large") in reasons
    assert ("truncated.html.gz", "malformed") in reasons
    assert ("broken.jsonl", "malformed") in reasons
    assert any(name == "garbage.txt" for name, _ in reasons)
    assert any(name == "nested.html" for name in stored | {n for n, _ in reasons})  # handled, not crashed
    assert reasons == recorded  # every error reported is also kept in the database


CRAWL_TOPICS = ["the ferry timetable", "a harbour wall", "the tram depot", "school meals"]
# No closing full stop, so furniture-shaped: once on three pages of the folder it is learned and removed.
CLUB = (
    "Lakeside Herald readers club meets for harbour walks on Sundays at nine, and new members are always "
    "welcome to join the walk"
)
TALKING_POINT = (
    "The Velorian water compact was signed without asking the villages downstream, and they will pay for it."
)


def crawl_page(i: int, *extra: str) -> str:
    """A fictional page of one outlet: its name on top, a promo line at the end, a distinct body."""
    town, topic = TOWNS[i], CRAWL_TOPICS[i]
    return "\n\n".join(
        [
            "Daily Lakeside Herald",
            f"The council of {town} met on Monday to settle {topic} after months of delay.",
            f"Residents of {town} told the meeting that {topic} had cost them more than the council admits.",
            *extra,
            f"The mayor of {town} promised a vote on {topic} before the end of the summer session.",
            "Stand with local news: become a Lakeside Herald member\n",
        ]
    )


def test_a_growing_folder_reingested_stores_only_its_new_page(tmp_path):
    """The third page makes the club line furniture; the first two, read unchanged, are not cleaned again."""
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for i in (0, 1):
        (crawl / f"p{i}.txt").write_text(crawl_page(i, CLUB), encoding="utf-8")
    with Narrascope(tmp_path / "a.db") as nar:
        first = nar.ingest([str(crawl)])
        (crawl / "p2.txt").write_text(crawl_page(2, CLUB), encoding="utf-8")
        second = nar.ingest([str(crawl)])
        edited = crawl_page(0, CLUB, "The council of Bresk will meet again on Friday, its clerk said.")
        (crawl / "p0.txt").write_text(edited, encoding="utf-8")
        third = nar.ingest([str(crawl)])
    assert (first.seen, first.stored, first.duplicates) == (2, 2, 0)
    assert (second.seen, second.stored, second.duplicates) == (3, 1, 2)
    assert (third.seen, third.stored, third.duplicates) == (3, 1, 2)  # an edited page is read again
    conn = sqlite3.connect(tmp_path / "a.db")
    try:
        per_source = dict(
            conn.execute("SELECT source, COUNT(*) FROM article_sources GROUP BY source").fetchall()
        )
    finally:
        conn.close()
    assert per_source == {str(crawl / "p0.txt"): 2, str(crawl / "p1.txt"): 1, str(crawl / "p2.txt"): 1}


def test_a_talking_point_repeated_by_one_outlet_survives_in_every_article(tmp_path):
    outlet = tmp_path / "outlet"
    outlet.mkdir()
    for i in range(4):
        (outlet / f"story{i}.txt").write_text(crawl_page(i, TALKING_POINT), encoding="utf-8")
    with Narrascope(tmp_path / "a.db") as nar:
        assert nar.ingest([str(outlet)]).stored == 4
    conn = sqlite3.connect(tmp_path / "a.db")
    try:
        texts = [row[0] for row in conn.execute("SELECT text FROM articles")]
    finally:
        conn.close()
    assert len(texts) == 4
    assert all(TALKING_POINT in text for text in texts)
    assert not any("Lakeside Herald member" in text for text in texts)  # the promo line is still furniture
