"""`spark-enrich` in Spark's local mode with 1 and 2 cores: articles/s, the scaling ratio, and memory.

    python bench/spark.py [--glob PATTERN] [--cores 1 2] [--check]

Texts: PolNeAR train articles read in place, by default the 344 of March to June 2016
(``../shared/eval/polnear/train/text/*_2016-0[3-6]*.txt``, ~250k words). Each core count runs in a fresh
process pinned to N CPUs (JVM and Python workers inherit it, so ``local[1]`` cannot borrow a second core
for the JVM's own threads): start a session with ``local[N]`` (timed apart), then read -> clean -> enrich
-> Parquet with ``--partitions 4N``. Reported: articles/s of the job, its ratio to one core, the driver's peak RSS, and the
peak RSS of the whole process tree (driver, JVM and Python workers, sampled every 0.2 s).
``--check`` also runs local ``ingest`` + ``enrich`` and ``load``s the Spark output, and says whether the two
stores hold the same rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT_GLOB = str(SHARED / "eval" / "polnear" / "train" / "text" / "*_2016-0[3-6]*.txt")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") / 1024


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE_KB / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def phase(cores: int, pattern: str, output: str) -> dict[str, float]:
    from narrascope.scale.spark_job import JobSettings, run, spark_session

    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_rss_mb(os.getpid()))

    threading.Thread(target=sample, daemon=True).start()
    os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[:cores]))  # the JVM and workers inherit it
    start = time.perf_counter()
    spark = spark_session(f"local[{cores}]", {"spark.ui.enabled": "false"})
    started = time.perf_counter()
    report = run(spark, [pattern], output, JobSettings(partitions=4 * cores))
    seconds = time.perf_counter() - started
    spark.stop()
    done.set()
    return {
        "cores": cores,
        "articles": report.articles,
        "statements": report.statements,
        "startup_s": started - start,
        "seconds": seconds,
        "driver_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tree_rss_mb": peak[0],
    }


CHECKED = {  # rows that must be equal, in insertion order (times and run ids left out)
    "articles": "id, content_hash, text, source, url, outlet, title, author, published, date_source, language",
    "article_sources": "article_id, source, url",
    "ingest_errors": "source, reason, detail",
    "entities": "id, name, type",
    "entity_aliases": "entity_id, alias",
    "mentions": "*",
    "statements": "*",
}


def check(pattern: str, output: str) -> bool:
    """Local ingest + enrich and a load of the Spark output: the same rows?"""
    from narrascope.app import Narrascope

    with tempfile.TemporaryDirectory(prefix="narrascope-check-") as work:
        folder = Path(work)
        with Narrascope(folder / "local.db") as nar:
            nar.ingest([pattern])
            nar.enrich()
        with Narrascope(folder / "spark.db") as nar:
            nar.load(output)
        same = True
        for table, cols in CHECKED.items():
            query = f"SELECT {cols} FROM {table} ORDER BY rowid"
            local, spark = (
                sqlite3.connect(folder / db).execute(query).fetchall() for db in ("local.db", "spark.db")
            )
            print(f"  {table:<16} {len(local):>6} rows  {'same' if local == spark else 'DIFFERENT'}")
            same &= local == spark
    return same


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--glob", default=DEFAULT_GLOB, help="Texts to read (a path or glob Spark lists).")
    parser.add_argument("--cores", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--check", action="store_true", help="Compare with local ingest + enrich.")
    parser.add_argument("--phase", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        cores, pattern, output = args.phase
        print(json.dumps(phase(int(cores), pattern, output)))
        return
    output = tempfile.mkdtemp(prefix="narrascope-spark-")
    try:
        results = []
        for cores in args.cores:
            cmd = [sys.executable, __file__, "--phase", str(cores), args.glob, output]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        base = results[0]["articles"] / results[0]["seconds"]
        print(f"{results[0]['articles']} articles from {args.glob}; load average {os.getloadavg()[0]:.1f}\n")
        print(
            f"{'master':<10} {'articles/s':>10} {'ratio':>6} {'job s':>7} {'startup s':>9} {'driver RSS':>10} {'tree RSS':>9}"
        )
        for r in results:
            rate = r["articles"] / r["seconds"]
            print(f"{'local[' + str(r['cores']) + ']':<10} {rate:>10.2f} {rate / base:>6.2f} {r['seconds']:>7.1f} "
                  f"{r['startup_s']:>9.1f} {r['driver_rss_mb']:>8.0f}MB {r['tree_rss_mb']:>7.0f}MB")  # fmt: skip
        if args.check:
            print("\nlocal ingest + enrich vs spark-enrich + load:")
            print("identical" if check(args.glob, output) else "NOT identical")

    finally:
        shutil.rmtree(output, ignore_errors=True)


if __name__ == "__main__":
    main()
