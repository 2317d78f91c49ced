"""Whole-pipeline speed and memory (ingest -> clean -> enrich), beside bare spaCy in the same run.

    python bench/enrich.py [--articles 200] [--processes 2] [--parse selective|all|tagger]

Texts: real news articles from PolNeAR (../shared/eval/polnear, train then dev), written to a temporary
folder as .txt files; falls back to the bundled demo corpus repeated when ../shared is absent. Phases, each
in a fresh process so peak RSS belongs to it alone:
  - narrascope: `ingest` the folder into a new SQLite file, then `enrich` (entities + statements);
  - baseline: bare ``nlp.pipe`` of the same spaCy model, full pipeline, over the same texts, same processes,
    as spaCy ships it (thinc's blis for matrix products);
  - the same baseline with the model's matrix products through numpy's BLAS, as narrascope runs it
    (``enrich/blas.py``, one BLAS thread a process), so the ratio of the work saved shows apart from the
    faster products.
Prints articles/s, words/s, peak RSS (main process, and the largest worker) and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def corpus(folder: Path, n: int) -> int:
    """Write ``n`` news texts into ``folder``; return their word count."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted((SHARED / "eval" / "polnear" / "train" / "text").glob("*.txt"))
    sources += sorted((SHARED / "eval" / "polnear" / "dev" / "text").glob("*.txt"))
    if not sources:
        demo = Path(__file__).resolve().parents[1] / "src" / "narrascope" / "data" / "demo" / "northwind-wire"
        sources = sorted(demo.glob("*.txt"))
    words = 0
    for i in range(n):
        text = sources[i % len(sources)].read_text(encoding="utf-8")
        if i >= len(sources):  # repeated texts must still be distinct articles
            text += f"\n\nCopy {i}."
        (folder / f"article-{i:05d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


def phase(name: str, folder: str, processes: int, parse: str) -> dict[str, float]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))]
    start = time.perf_counter()
    if name == "narrascope":
        from narrascope.app import Narrascope

        with tempfile.TemporaryDirectory() as work, Narrascope(Path(work) / "bench.db") as nar:
            ingested = nar.ingest([folder])
            report = nar.enrich(processes=processes, parse=parse)
        count, extra = report.articles, {"statements": report.statements, "errors": len(ingested.errors)}
    elif name in ("spacy", "spacy-matmul"):
        import spacy

        from narrascope.enrich.nlp import choose_model, load_nlp

        nlp = load_nlp() if name == "spacy-matmul" else spacy.load(choose_model())
        count = sum(1 for _ in nlp.pipe(texts, batch_size=16, n_process=processes))
        extra = {}
    else:
        raise SystemExit(f"unknown phase {name}")
    seconds = time.perf_counter() - start
    return {
        "count": count,
        "words": sum(len(t.split()) for t in texts),
        "seconds": seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        **extra,
    }


def run_phase(name: str, folder: Path, processes: int, parse: str) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phase", name, str(folder), str(processes), parse]
    env = dict(os.environ)
    if name == "spacy-matmul" and processes > 1:
        env["OPENBLAS_NUM_THREADS"] = "1"  # as in narrascope's workers; spaCy's own workers take no setup
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--parse", choices=("selective", "all", "tagger"), default="selective")
    parser.add_argument("--phase", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, folder, processes, parse = args.phase
        print(json.dumps(phase(name, folder, int(processes), parse)))
        return
    with tempfile.TemporaryDirectory(prefix="narrascope-enrich-") as work:
        folder = Path(work) / "texts"
        words = corpus(folder, args.articles)
        print(f"{args.articles} articles, {words / args.articles:.0f} words each on average, "
              f"{args.processes} processes, parse={args.parse}\n")  # fmt: skip
        ours = run_phase("narrascope", folder, args.processes, args.parse)
        bare = run_phase("spacy", folder, args.processes, args.parse)
        matmul = run_phase("spacy-matmul", folder, args.processes, args.parse)
    print(
        f"{'phase':<44} {'articles/s':>10} {'words/s':>9} {'seconds':>8} {'RSS main':>9} {'RSS worker':>10}"
    )
    for label, r in (
        ("narrascope ingest+clean+enrich (+store)", ours),
        ("baseline: bare spaCy nlp.pipe, full model", bare),
        ("  the same, numpy BLAS products", matmul),
    ):
        print(f"{label:<44} {r['count'] / r['seconds']:>10.1f} {r['words'] / r['seconds']:>9.0f} "
              f"{r['seconds']:>8.1f} {r['rss_mb']:>7.0f}MB {r['worker_rss_mb']:>8.0f}MB")  # fmt: skip
    print(
        f"\nnarrascope: {ours['statements']} statements; {bare['seconds'] / ours['seconds']:.2f}x the speed of bare "
        f"nlp.pipe as spaCy ships it, {matmul['seconds'] / ours['seconds']:.2f}x with the same matrix products"
    )


if __name__ == "__main__":
    main()
