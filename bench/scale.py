"""Scale figures: a store of 10k and of 1,000,000 articles — size, memory, query latency, and what one more
article costs to ingest, enrich and link at each size.

    python bench/scale.py [--sizes 10000,1000000] [--new 200] [--claims 1] [--queries 200] [--keep DIR]
                          [--reuse] [--spark]

The stores are synthetic, written straight to the tables by ``bench/link.py``'s generator (no NLP on a
million pages): articles built from real PolNeAR sentences with statements, mentions, links, stories,
claims (``--claims`` per article on average) and narratives, with real USE vectors plus noise. Each phase
runs in a fresh process (peak RSS belongs to it alone):
  - generate, then rebuild: the HNSW vector indexes built from the tables (as after a lost cache);
  - queries, on a read-only ``Narrascope`` as the CLI and the web layer open it: full-text search (a page
    of 50; words and phrases drawn from the corpus's own sentences), its total count, the narratives list,
    and the narrative page (``Narrascope.narrative``: first appearance, timeline, speakers, outlets,
    denials, evidence) for every frame narrative (the largest) and random others; p50 / p95 / max;
  - ingest + enrich ``--new`` real PolNeAR articles (spaCy, 2 processes), then link them: per-article cost
    at each size and the ratio largest / smallest. The encoder (constant work) is timed apart.
``--spark`` also runs ``bench/spark.py`` (``spark-enrich`` in local mode with 1 and 2 cores).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("link_bench", HERE / "link.py")
assert _spec is not None and _spec.loader is not None
link_bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(link_bench)


def phase_proc(name: str, **kwargs: object) -> dict:
    """One phase in a fresh process: this script's phases, else ``bench/link.py``'s."""
    script = __file__ if name in PHASES else str(HERE / "link.py")
    cmd = [sys.executable, script, "--phase", name, json.dumps(kwargs)]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _timed(calls: list, fn) -> dict:
    times = []
    for call in calls:
        start = time.perf_counter()
        fn(call)
        times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return {
        "n": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        "max_ms": times[-1],
    }


def phase_queries(work: str, db: str, queries: int, seed: int = 7) -> dict:
    """Read latency on a read-only app (the narrative page after a warm-up of each kind of query)."""
    from narrascope.app import Narrascope
    from narrascope.store import ArticleQuery
    from narrascope.store.browse import Filters
    from narrascope.store.query import StatementQuery

    rng = random.Random(seed)
    sentences = json.loads((Path(work) / "pool.json").read_text())["claims"]
    terms = []
    for _ in range(queries):
        words = [w.strip(".,;:'\"()") for w in rng.choice(sentences).split()]
        words = [w for w in words if len(w) > 3 and w.isalpha()] or ["said"]
        if rng.random() < 0.5:
            terms.append(rng.choice(words))
        else:  # a two-word phrase, quoted, from one sentence
            k = rng.randrange(len(words))
            terms.append('"' + " ".join(words[k : k + 2]) + '"')
    start = time.perf_counter()
    with Narrascope(db, readonly=True) as nar:
        opened = time.perf_counter() - start
        store = nar.store
        frame_ids = [r[0] for r in store.conn.execute("SELECT id FROM narratives WHERE frame IS NOT NULL")]
        other = [
            r[0]
            for r in store.conn.execute(
                "SELECT id FROM narratives WHERE frame IS NULL AND recurring = 1 ORDER BY id LIMIT 5000"
            )
        ]
        narrative_ids = frame_ids + rng.sample(other, min(len(other), max(0, queries - len(frame_ids))))
        largest = store.conn.execute("SELECT MAX(claim_count) FROM narratives").fetchone()[0]
        nar.articles(ArticleQuery(text=terms[0], limit=50))  # warm-up: first-touch page faults
        nar.narrative(narrative_ids[0])
        result = {
            "open_s": opened,
            "search": _timed(terms, lambda t: nar.articles(ArticleQuery(text=t, limit=50))),
            "search_count": _timed(terms[:50], lambda t: nar.count_articles(ArticleQuery(text=t))),
            "statement_search": _timed(
                terms[:50], lambda t: nar.statements(StatementQuery(text=t, limit=50))
            ),
            "statement_count": _timed(terms[:50], lambda t: nar.count_statements(StatementQuery(text=t))),
            "claim_search": _timed(terms[:50], lambda t: nar.find_claims(Filters(text=t, limit=50))),
            "narratives_list": _timed(list(range(20)), lambda k: nar.narratives(limit=50, offset=50 * k)),
            "narrative_page": _timed(narrative_ids, nar.narrative),
            "frame_narrative_page": _timed(frame_ids, nar.narrative),
            "narratives_timed": len(narrative_ids),
            "largest_narrative_claims": largest,
        }
    result["rss_mb"] = link_bench.peak_rss_mb()
    return result


PHASES = {"queries": phase_queries}


def sizes_on_disk(db: Path) -> dict:
    files = {p.name: p.stat().st_size / 2**20 for p in db.parent.glob(db.name + "*") if p.is_file()}
    index = sum(v for k, v in files.items() if k.endswith(".usearch"))
    return {"db_mb": sum(files.values()) - index, "index_mb": index}


def report(sizes: list[int], runs: dict[int, dict], new: int) -> None:
    header = f"{'':<50}" + "".join(f"{f'N={n:,}':>14}" for n in sizes) + f"{'ratio':>9}"
    print("\n" + header)

    def line(label: str, values: list[float], fmt: str = "{:.1f}", ratio: bool = True) -> None:
        text = f"{label:<50}" + "".join(f"{fmt.format(v):>14}" for v in values)
        if ratio and len(values) > 1 and values[0]:
            text += f"{values[-1] / values[0]:>8.2f}x"
        print(text)

    get = {n: runs[n] for n in sizes}
    line("stored articles", [get[n]["generate"]["articles"] for n in sizes], "{:,.0f}")
    line("stored claims", [get[n]["generate"]["claims"] for n in sizes], "{:,.0f}")
    line(
        "narratives (largest, claims)",
        [get[n]["queries"]["largest_narrative_claims"] for n in sizes],
        "{:,.0f}",
    )
    line("database size (MB)", [get[n]["disk"]["db_mb"] for n in sizes], "{:,.0f}")
    line("vector index files (MB)", [get[n]["disk"]["index_mb"] for n in sizes], "{:,.0f}")
    line("generate (s)", [get[n]["generate"]["seconds"] for n in sizes], "{:,.0f}")
    line("index build from the tables (s)", [get[n]["rebuild"]["seconds"] for n in sizes], "{:,.0f}")
    line("  peak RSS of the index build (MB)", [get[n]["rebuild"]["rss_mb"] or 0 for n in sizes], "{:,.0f}")
    q = {n: get[n]["queries"] for n in sizes}
    line("open read-only app (ms)", [1000 * q[n]["open_s"] for n in sizes])
    for key, label in (
        ("search", "full-text search, page of 50"),
        ("search_count", "full-text search, total count"),
        ("statement_search", "statement text search, page of 50"),
        ("statement_count", "statement text search, total count"),
        ("claim_search", "claim text search, page of 50 and count"),
        ("narratives_list", "narratives list, page of 50"),
        ("narrative_page", "narrative page"),
        ("frame_narrative_page", "narrative page, frame narratives (largest)"),
    ):
        line(f"{label}: p50 (ms)", [q[n][key]["p50_ms"] for n in sizes])
        line(f"{label}: p95 (ms)", [q[n][key]["p95_ms"] for n in sizes])
    line("  peak RSS of the queries (MB)", [q[n]["rss_mb"] for n in sizes], "{:,.0f}")
    p = {n: get[n]["prepare"] for n in sizes}
    k = {n: get[n]["link"] for n in sizes}
    line(f"ingest (ms/article, {new} new real articles)", [1000 * p[n]["ingest_s"] / new for n in sizes])
    line("enrich (ms/article, spaCy, 2 processes)", [1000 * p[n]["enrich_s"] / new for n in sizes])
    line("link (ms/article, encoder and index open apart)", [1000 * k[n]["link_s"] / new for n in sizes])
    line("  encoder (ms/article, constant work)", [1000 * k[n]["encoder_s"] / new for n in sizes])
    line("  index open (s, once per run)", [k[n]["open_s"] for n in sizes], "{:.2f}")
    total = [1000 * (p[n]["ingest_s"] + p[n]["enrich_s"] + k[n]["total_s"]) / new for n in sizes]
    line("INGEST + ENRICH + LINK, all in (ms/article)", total)
    line("INGEST + LINK without NLP (ms/article)",
         [1000 * (p[n]["ingest_s"] + k[n]["link_s"]) / new for n in sizes])  # fmt: skip
    line("  peak RSS of enrich (MB)", [p[n]["rss_mb"] for n in sizes], "{:,.0f}")
    line("  peak RSS of link (MB)", [k[n]["rss_mb"] for n in sizes], "{:,.0f}")
    line("load average during link", [k[n]["load"] for n in sizes], "{:.1f}", ratio=False)
    hi = sizes[-1]
    steps = k[hi]["steps"]
    print(f"\nlink steps (inclusive ms per new article), largest at N={hi:,} first:")
    for label in sorted(steps, key=lambda s: -steps[s][0])[:15]:
        values = [1000 * k[n]["steps"].get(label, [0, 0])[0] / new for n in sizes]
        ratio = f"{values[-1] / values[0]:>8.2f}x" if values[0] > 0 else ""
        print(f"  {label:<48}" + "".join(f"{v:>14.2f}" for v in values) + ratio)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,1000000", help="stored synthetic articles, comma-separated")
    parser.add_argument("--new", type=int, default=200, help="real articles ingested, enriched and linked")
    parser.add_argument("--claims", type=float, default=1.0, help="claims per synthetic article (mean)")
    parser.add_argument("--queries", type=int, default=200, help="searches and narrative pages timed")
    parser.add_argument("--keep", type=Path, help="keep the stores in this folder (else a temporary one)")
    parser.add_argument("--spark", action="store_true", help="also run bench/spark.py (local[1], local[2])")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: take the stores an earlier run generated and indexed (build.json)")  # fmt: skip
    parser.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, kwargs = args.phase
        print(json.dumps(PHASES[name](**json.loads(kwargs))))
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.keep or Path(tempfile.mkdtemp(prefix="narrascope-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "new"
    try:
        new_files, _ = link_bench.sources(args.new)
        link_bench.write_new(folder, new_files, args.new)
        phase_proc("pool", work=str(work), new=args.new)
        runs: dict[int, dict] = {}
        for n in sizes:
            db = work / f"n{n}" / "link.db"
            built = db.parent / "build.json"
            say = lambda what, n=n: print(f"N={n:,}: {what} ...", file=sys.stderr, flush=True)  # noqa: E731
            if args.reuse and built.exists():  # a store generated and indexed, nothing linked into it yet
                run = json.loads(built.read_text())
            else:
                shutil.rmtree(db.parent, ignore_errors=True)
                db.parent.mkdir(parents=True)
                say("generating the synthetic store")
                run = {
                    "generate": phase_proc("generate", work=str(work), db=str(db), n=n, claims=args.claims)
                }
                say("building the vector indexes")
                run["rebuild"] = phase_proc("rebuild", db=str(db))
                built.write_text(json.dumps(run, indent=1))
            run["disk"] = sizes_on_disk(db)
            say("timing queries")
            run["queries"] = phase_proc("queries", work=str(work), db=str(db), queries=args.queries)
            say(f"ingest + enrich {args.new} new articles")
            run["prepare"] = phase_proc("prepare", db=str(db), folder=str(folder))
            say("linking them")
            run["link"] = phase_proc("link", db=str(db), profile=None, cache_mb=0)
            built.unlink()  # the store now holds the new articles: generate afresh next time
            runs[n] = run
            (work / f"result-{n}.json").write_text(json.dumps(run, indent=1))
        report(sizes, runs, args.new)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.spark:
        subprocess.run([sys.executable, str(HERE / "spark.py")], check=True)


if __name__ == "__main__":
    main()
