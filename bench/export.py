"""Export speed and memory against store size: rows/s, MB/s and peak RSS of ``narrascope export``.

    python bench/export.py [--sizes 20000,100000] [--claims 3] [--what statements,articles,...]
                           [--formats csv,jsonl,parquet] [--keep DIR [--reuse]]

For each size N a synthetic store of N linked articles is written straight to the tables by
``bench/link.py``'s ``phase_generate`` (statements, claims, narratives; no NLP). Its vector pool is made up
here (random vectors, sentences from a word list): exports never read vectors, so the real encoder is not
needed. Then each export and format runs in a fresh process, writing a file as the CLI does (through
``atomic_file``), so that its peak RSS is the export's alone; RSS after the imports and the store's opening
is reported beside it. Memory that stays flat from the small N to the large one is the point: every
export reads pages of a bounded size and writes as it goes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "the",
    "a",
    "council",
    "minister",
    "harbour",
    "river",
    "dam",
    "border",
    "troops",
    "mission",
    "said",
    "report",
    "claims",
    "plan",
    "split",
    "region",
    "talks",
    "ceasefire",
    "agency",
    "energy",
    "pipeline",
    "vote",
    "election",
    "court",
    "ruling",
    "protest",
    "police",
    "city",
    "port",
    "government",
    "opposition",
    "alliance",
    "sanctions",
    "treaty",
    "brigade",
    "village",
    "bridge",
    "road",
    "army",
    "navy",
    "statement",
]
EXPORTS = ("statements", "articles", "claims", "speaker-graph", "claimreview")
FORMATS = ("csv", "jsonl", "parquet")


def load_link_bench():
    spec = importlib.util.spec_from_file_location("bench_link", ROOT / "bench" / "link.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_pool(work: Path, seed: int = 3) -> None:
    """The files ``phase_generate`` reads: 300 leads with titles, 2,000 claim sentences, their vectors."""
    rng = random.Random(seed)

    def sentence(lo: int, hi: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize() + "."

    leads = [" ".join(sentence(12, 25) for _ in range(3)) for _ in range(300)]
    texts = {"titles": [sentence(6, 12)[:-1] for _ in leads], "leads": leads,
             "claims": [sentence(10, 30) for _ in range(2000)]}  # fmt: skip
    vectors = np.random.default_rng(seed)
    np.savez(work / "pool.npz", leads=vectors.standard_normal((300, 512)).astype(np.float32),
             claims=vectors.standard_normal((2000, 512)).astype(np.float32))  # fmt: skip
    (work / "pool.json").write_text(json.dumps(texts))


def phase_export(db: str, what: str, fmt: str, out: str) -> dict:
    """One export, as ``narrascope export WHAT -f FMT -o OUT`` runs it."""
    from narrascope.app import Narrascope
    from narrascope.serve import exports

    options = {"publisher": "Bench Desk"} if what == "claimreview" else {}
    with Narrascope(db, readonly=True) as nar:
        plan = exports.prepare(nar, what, fmt, **options)
        base = peak_rss_mb()
        start = time.perf_counter()
        with exports.atomic_file(out) as handle:
            written = exports.write_export(nar, plan, handle)
        seconds = time.perf_counter() - start
    return {"records": written, "seconds": seconds, "mb": Path(out).stat().st_size / 2**20,
            "base_rss_mb": base, "rss_mb": peak_rss_mb()}  # fmt: skip


def run_phase(name: str, **kwargs: object) -> dict:
    """A phase in a fresh process; its last stdout line is its JSON result."""
    cmd = [sys.executable, __file__, "--phase", name, json.dumps(kwargs)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def phase_generate(work: str, db: str, n: int, claims: float) -> dict:
    return load_link_bench().phase_generate(work, db, n, claims)


PHASES = {"export": phase_export, "generate": phase_generate}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="20000,100000", help="stored synthetic articles, comma-separated")
    parser.add_argument("--claims", type=float, default=3.0, help="claims (and statements) per article, mean")
    parser.add_argument("--what", default=",".join(EXPORTS), help="exports to time, comma-separated")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats for the table exports")
    parser.add_argument("--keep", type=Path, help="keep the stores in this folder (else a temporary one)")
    parser.add_argument("--reuse", action="store_true", help="with --keep: export the stores made before")
    parser.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, kwargs = args.phase
        print(json.dumps(PHASES[name](**json.loads(kwargs))))
        return
    from narrascope.serve.exports import EXPORTS as KINDS

    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.keep or Path(tempfile.mkdtemp(prefix="narrascope-export-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[tuple[str, str], dict[int, dict]] = {}
    try:
        if not args.reuse:
            write_pool(work)
        for n in sizes:
            db = work / f"n{n}" / "export.db"
            if not args.reuse:
                shutil.rmtree(db.parent, ignore_errors=True)
                db.parent.mkdir(parents=True)
                print(f"N={n:,}: generating the synthetic store ...", file=sys.stderr)
                made = run_phase("generate", work=str(work), db=str(db), n=n, claims=args.claims)
                print(f"  {made['claims']:,} claims, {made['narratives']:,} narratives, {made['db_mb']:,.0f} MB,"
                      f" {made['seconds']:.0f} s", file=sys.stderr)  # fmt: skip
            for what in args.what.split(","):
                formats = [f for f in args.formats.split(",") if f in KINDS[what].formats] or [
                    KINDS[what].formats[0]
                ]
                for fmt in formats:
                    out = db.parent / f"out.{fmt}"
                    found = run_phase("export", db=str(db), what=what, fmt=fmt, out=str(out))
                    out.unlink()
                    results.setdefault((what, fmt), {})[n] = found
                    print(f"  {what} {fmt}: {found['records']:,} in {found['seconds']:.1f} s, peak RSS"
                          f" {found['rss_mb']:.0f} MB", file=sys.stderr)  # fmt: skip
        report(sizes, results)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def report(sizes: list[int], results: dict[tuple[str, str], dict[int, dict]]) -> None:
    lo, hi = sizes[0], sizes[-1]
    print(f"\n{'export':<24}{'N':>9}{'records':>11}{'seconds':>9}{'records/s':>11}{'MB/s':>7}{'out MB':>8}"
          f"{'RSS base':>10}{'RSS peak':>10}")  # fmt: skip
    for (what, fmt), by_size in results.items():
        for n in sizes:
            r = by_size[n]
            print(f"{what + ' ' + fmt:<24}{n:>9,}{r['records']:>11,}{r['seconds']:>9.1f}"
                  f"{r['records'] / max(r['seconds'], 1e-9):>11,.0f}{r['mb'] / max(r['seconds'], 1e-9):>7.1f}"
                  f"{r['mb']:>8.1f}{r['base_rss_mb']:>10.0f}{r['rss_mb']:>10.0f}")  # fmt: skip
    if len(sizes) > 1:
        print(f"\npeak RSS above the base (MB), N={lo:,} -> N={hi:,}:")
        for (what, fmt), by_size in results.items():
            grow = [by_size[n]["rss_mb"] - by_size[n]["base_rss_mb"] for n in (lo, hi)]
            print(f"  {what + ' ' + fmt:<24}{grow[0]:>8.0f} -> {grow[1]:>6.0f}")


if __name__ == "__main__":
    main()
