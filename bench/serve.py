"""The REST API under load: latency of search and narrative pages at 100k+ stored articles, and throughput.

    python bench/serve.py [--articles 100000] [--requests 200] [--concurrency 16,64] [--seconds 20]
                          [--keep DIR [--reuse]]

1. A store of N synthetic linked articles (``bench/link.py``'s generator: articles, statements, mentions,
   claims with frames and stance, stories, narratives, written straight to the tables; vectors near real
   USE vectors of PolNeAR leads and sentences from ../shared), its HNSW index files built.
2. ``narrascope serve`` on it in its own process (uvicorn on 127.0.0.1, a token set, reads open).
3. Latency, one request at a time after a warm-up (the encoder's first load is reported apart): full-text
   search of articles and of statements (single words and two-word queries drawn from the corpus's own
   vocabulary, so matches range from a handful to a third of the store), semantic search of articles
   and of claims (the pool's sentences, paraphrased by truncation), narrative detail (recurring
   narratives at random, and the largest), an article with its statements. Every query differs, so no
   count is served from the per-connection cache.
4. Throughput: an asyncio httpx client keeps C connections busy for S seconds over a mix of those requests;
   requests/s, latency under load, and every error (a non-200 answer or a failed request) counted.
5. The server's peak RSS (VmHWM).

Prints one table. The load generator shares the machine's cores with the server: on a 2-core machine the
throughput figure is a floor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import link as synthetic  # bench/link.py: the synthetic store generator

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token"


# -- the store ---------------------------------------------------------------------------------------------------
def build_store(work: Path, n: int, reuse: bool) -> Path:
    db = work / "serve.db"
    if reuse and db.exists():
        return db
    for path in work.glob("serve.db*"):
        path.unlink()
    print(f"vector pool from {synthetic.POLNEAR} ...", file=sys.stderr)
    synthetic.phase_proc("pool", work=str(work), new=0)
    print(f"generating {n:,} synthetic linked articles ...", file=sys.stderr)
    made = synthetic.phase_proc("generate", work=str(work), db=str(db), n=n, claims=3.0)
    print(f"  {made['claims']:,} claims, {made['narratives']:,} narratives in {made['seconds']:.0f} s; "
          "building the vector indexes ...", file=sys.stderr)  # fmt: skip
    synthetic.phase_proc("rebuild", db=str(db))
    return db


def workload(db: Path, seed: int = 7) -> dict[str, list[str]]:
    """Request paths for each measured kind, drawn from the store itself."""
    rng = random.Random(seed)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
              for t in ("articles", "statements", "claims", "narratives", "stories")}  # fmt: skip
    titles = [r[0] for r in conn.execute("SELECT title FROM articles WHERE rowid % 97 = 0 LIMIT 3000")]
    words = sorted({w.strip(".,;:!?\"'()").lower() for t in titles for w in t.split()} - {""})
    words = [w for w in words if w.isalpha() and len(w) > 3]
    sentences = [r[0] for r in conn.execute("SELECT text FROM claims WHERE seq % 101 = 0 LIMIT 3000")]
    recurring = [r[0] for r in conn.execute("SELECT id FROM narratives WHERE recurring = 1 ORDER BY id")]
    largest = conn.execute(
        "SELECT id, claim_count FROM narratives ORDER BY claim_count DESC LIMIT 1"
    ).fetchone()
    articles = [r[0] for r in conn.execute("SELECT id FROM articles WHERE rowid % 53 = 0 LIMIT 3000")]
    conn.close()

    def words_query() -> str:
        return " ".join(rng.sample(words, rng.choice((1, 1, 2))))

    def meaning() -> str:
        sentence = rng.choice(sentences).split()
        return " ".join(sentence[: max(4, len(sentence) * 2 // 3)])

    def many(make: Callable[[], str], k: int = 400) -> list[str]:
        return [make() for _ in range(k)]

    q = httpx.QueryParams
    return {
        "_counts": [json.dumps(counts | {"largest_narrative_claims": largest[1]})],
        "search text, articles": many(lambda: f"/api/search?{q(q=words_query())}"),
        "search text, statements": many(lambda: f"/api/search?{q(q=words_query(), kind='statements')}"),
        "search semantic, articles": many(lambda: f"/api/search?{q(q=meaning(), mode='semantic')}"),
        "search semantic, claims": many(
            lambda: f"/api/search?{q(q=meaning(), mode='semantic', kind='claims')}"
        ),
        "narrative detail": many(lambda: f"/api/narratives/{rng.choice(recurring)}"),
        "narrative detail, largest": [f"/api/narratives/{largest[0]}"] * 20,
        "article + statements": many(lambda: f"/api/articles/{rng.choice(articles)}/statements"),
    }


# -- the server ----------------------------------------------------------------------------------------------
def start_server(db: Path, port: int) -> subprocess.Popen:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "NARRASCOPE_TOKEN": TOKEN}
    server = subprocess.Popen(
        [sys.executable, "-m", "narrascope", "serve", "--db", str(db), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read() if server.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 120 s")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- measuring -----------------------------------------------------------------------------------------------
def quantiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def latency(base: str, paths: list[str], n: int) -> tuple[list[float], int]:
    """Milliseconds per request, one at a time; and how many answers were not 200."""
    times, errors = [], 0
    with httpx.Client(base_url=base, timeout=120) as http:
        for path in paths[:n]:
            start = time.perf_counter()
            response = http.get(path)
            times.append(1000 * (time.perf_counter() - start))
            errors += response.status_code != 200
    return times, errors


async def load(base: str, paths: list[str], connections: int, seconds: float) -> dict:
    """``connections`` clients, each sending its next request as soon as the last one is answered."""
    rng = random.Random(connections)
    stop = time.monotonic() + seconds
    times: list[float] = []
    errors: Counter[str] = Counter()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:

        async def client() -> None:
            while time.monotonic() < stop:
                path = rng.choice(paths)
                start = time.perf_counter()
                try:
                    response = await http.get(path)
                    if response.status_code != 200:
                        errors[f"HTTP {response.status_code}"] += 1
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] += 1
                times.append(1000 * (time.perf_counter() - start))

        began = time.monotonic()
        await asyncio.gather(*(client() for _ in range(connections)))
        elapsed = time.monotonic() - began
    p50, p95, top = quantiles(times)
    return {"requests": len(times), "seconds": elapsed, "rps": len(times) / elapsed, "p50": p50, "p95": p95,
            "max": top, "errors": sum(errors.values()), "error_kinds": dict(errors)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000, help="synthetic articles in the store")
    parser.add_argument("--requests", type=int, default=200, help="requests per kind for the latencies")
    parser.add_argument("--concurrency", default="16,64", help="concurrent connections, comma-separated")
    parser.add_argument("--seconds", type=float, default=20, help="duration of each load run")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep", type=Path, help="keep the store in this folder (else a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="with --keep: use the store built before")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="narrascope-serve-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        db = build_store(work, args.articles, args.reuse)
        paths = workload(db)
        counts = json.loads(paths.pop("_counts")[0])
        base = f"http://127.0.0.1:{args.port}"
        server = start_server(db, args.port)
        try:
            results = run(base, paths, args, server.pid)
        finally:
            server.terminate()
            server.wait(30)
        report(counts, db, results, args)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run(base: str, paths: dict[str, list[str]], args: argparse.Namespace, pid: int) -> dict:
    results: dict = {"latency": {}, "load": {}}
    start = time.perf_counter()
    with httpx.Client(base_url=base, timeout=120) as http:  # the first semantic search loads the encoder
        http.get(paths["search semantic, claims"][-1])
    results["first_semantic_ms"] = 1000 * (time.perf_counter() - start)
    for kind, kind_paths in paths.items():
        latency(base, kind_paths[-10:], 10)  # warm the page cache for this kind
        times, errors = latency(base, kind_paths, args.requests)
        results["latency"][kind] = (*quantiles(times), len(times), errors)
        print(f"  {kind}: p50 {results['latency'][kind][0]:.0f} ms", file=sys.stderr)
    mix = [p for kind, kind_paths in paths.items() if kind != "narrative detail, largest" for p in kind_paths]
    for connections in (int(c) for c in args.concurrency.split(",")):
        print(f"  load: {connections} connections for {args.seconds:.0f} s ...", file=sys.stderr)
        results["load"][connections] = asyncio.run(load(base, mix, connections, args.seconds))
    results["peak_rss_mb"] = peak_rss_mb(pid)
    return results


def report(counts: dict, db: Path, results: dict, args: argparse.Namespace) -> None:
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20
    print(f"\nstore: {counts['articles']:,} articles, {counts['statements']:,} statements, {counts['claims']:,} claims,"
          f" {counts['narratives']:,} narratives (largest {counts['largest_narrative_claims']:,} claims),"
          f" {counts['stories']:,} stories; {size:,.0f} MB with index files")  # fmt: skip
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end\n")
    print(
        f"{'latency, one request at a time':<36}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'n':>6}{'errors':>8}"
    )
    for kind, (p50, p95, top, n, errors) in results["latency"].items():
        print(f"{kind:<36}{p50:>9.1f}{p95:>9.1f}{top:>9.1f}{n:>6}{errors:>8}")
    print(f"{'first semantic search (loads encoder)':<36}{results['first_semantic_ms']:>9.0f}")
    print(
        f"\n{'throughput, mixed requests':<36}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'requests':>10}{'errors':>8}"
    )
    for connections, r in results["load"].items():
        label = f"{connections} connections, {r['seconds']:.0f} s"
        print(
            f"{label:<36}{r['rps']:>9.1f}{r['p50']:>9.0f}{r['p95']:>9.0f}{r['requests']:>10}{r['errors']:>8}"
        )
        if r["errors"]:
            print(f"    errors: {r['error_kinds']}")
    print(f"\nserver peak RSS: {results['peak_rss_mb']:,.0f} MB")
    if args.json:
        args.json.write_text(json.dumps({"counts": counts, **results}, indent=1, default=str))


if __name__ == "__main__":
    main()
