"""Ingest + clean throughput and peak memory on generated pages, beside baselines run in the same run.

    python bench/ingest.py [--pages 2000] [--keep DIR]

Generates N fictional HTML pages and N plain-text pages (with page furniture). Then it times, each phase
in a fresh process so that peak RSS belongs to that phase alone:
  - narrascope ingest (read, decode, clean, date, language, store in SQLite) of the HTML pages and of the text pages;
  - baseline: bare ``trafilatura.extract`` over the same HTML pages (no storage);
  - baseline: jusText over the same text pages, each line wrapped in <p> (the usual way to run it on text).
Prints articles/s, peak RSS, and narrascope's time as a ratio of each baseline's.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "council",
    "minister",
    "harbour",
    "ferry",
    "bridge",
    "budget",
    "storm",
    "election",
    "talks",
    "dam",
    "river",
    "troops",
    "border",
    "vote",
    "report",
    "official",
    "statement",
    "agency",
    "plan",
    "water",
    "power",
    "project",
    "school",
    "hospital",
    "road",
    "train",
    "port",
    "city",
]
TOWNS = ["Bresk", "Ostmark", "Port Arden", "Lindholm", "Varo", "Kessel", "Tamsby", "Orrin"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return f"The {rng.choice(TOWNS)} " + " ".join(words) + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def generate(folder: Path, pages: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    (folder / "html").mkdir(parents=True)
    (folder / "text").mkdir(parents=True)
    for i in range(pages):
        paras = [paragraph(rng) for _ in range(rng.randint(6, 12))]  # ~500-900 words
        title = f"Council {i} debates {rng.choice(WORDS)} in {rng.choice(TOWNS)}"
        body = "".join(f"<p>{p}</p>\n" for p in paras)
        day = 1 + i % 28
        (folder / "html" / f"page-{i:05d}.html").write_text(
            f"<html><head><title>{title}</title>"
            f'<meta property="article:published_time" content="2024-03-{day:02d}T10:00:00Z"></head><body>'
            "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            "<aside><h3>Most read</h3><ul><li><a href='/a'>Storm closes harbour</a></li></ul></aside>"
            "<footer>© 2024 Lakeside Times. All rights reserved.</footer></body></html>",
            encoding="utf-8",
        )
        (folder / "text" / f"page-{i:05d}.txt").write_text(
            "Lakeside Times\nHome | News | Sport | Contact\nSubscribe to our newsletter\n\n"
            f"{title}\n\n" + "\n\n".join(paras) + "\n\nShare this article\nRead more: Storm closes harbour\n"
            "© 2024 Lakeside Times. All rights reserved.\n",
            encoding="utf-8",
        )


def phase(name: str, folder: str) -> dict[str, float]:
    """Run one phase in this process and return its count, seconds and peak RSS."""
    files = sorted(Path(folder).iterdir())
    start = time.perf_counter()
    if name == "narrascope":
        from narrascope.app import Narrascope

        with tempfile.TemporaryDirectory() as work, Narrascope(Path(work) / "bench.db") as nar:
            report = nar.ingest([folder])
        count = report.stored
        errors = len(report.errors)
    elif name == "trafilatura":
        import trafilatura

        count = sum(
            1 for f in files if trafilatura.extract(f.read_text(encoding="utf-8"), include_comments=False)
        )
        errors = len(files) - count
    elif name == "justext":
        import html

        import justext

        stoplist = justext.get_stoplist("English")
        count = 0
        for f in files:
            lines = f.read_text(encoding="utf-8").splitlines()
            page = (
                "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in lines) + "</body></html>"
            )
            count += any(not p.is_boilerplate for p in justext.justext(page, stoplist))
        errors = len(files) - count
    else:
        raise SystemExit(f"unknown phase {name}")
    seconds = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"count": count, "errors": errors, "seconds": seconds, "rss_mb": rss_mb}


def run_phase(name: str, folder: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--phase", nargs=2, metavar=("NAME", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(*args.phase)))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="narrascope-bench-"))
    try:
        generate(folder, args.pages)
        results = {
            ("html", "narrascope"): run_phase("narrascope", folder / "html"),
            ("html", "trafilatura"): run_phase("trafilatura", folder / "html"),
            ("text", "narrascope"): run_phase("narrascope", folder / "text"),
            ("text", "justext"): run_phase("justext", folder / "text"),
        }
        print(f"{args.pages} generated pages per kind, one process per phase\n")
        print(
            f"{'kind':<5} {'phase':<26} {'articles':>8} {'errors':>6} {'seconds':>8} {'articles/s':>11} {'peak RSS':>9}"
        )
        for (kind, name), r in results.items():
            label = "narrascope ingest+clean+store" if name == "narrascope" else f"baseline: {name}"
            rate = r["count"] / r["seconds"] if r["seconds"] else float("inf")
            print(f"{kind:<5} {label:<26} {r['count']:>8.0f} {r['errors']:>6.0f} {r['seconds']:>8.2f} "
                  f"{rate:>11.1f} {r['rss_mb']:>7.0f}MB")  # fmt: skip
        html_ratio = results[("html", "narrascope")]["seconds"] / results[("html", "trafilatura")]["seconds"]
        text_ratio = results[("text", "narrascope")]["seconds"] / results[("text", "justext")]["seconds"]
        print(
            f"\nhtml: narrascope takes {html_ratio:.2f}x the time of bare trafilatura.extract on the same pages"
        )
        print(f"text: narrascope takes {text_ratio:.2f}x the time of bare jusText on the same texts")

    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
