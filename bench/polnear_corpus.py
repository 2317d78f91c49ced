"""Write PolNeAR's articles as an ingestible corpus: a real multi-outlet news corpus to read narratives on.

    python bench/polnear_corpus.py /tmp/polnear-corpus
    narrascope ingest /tmp/polnear-corpus --db /tmp/pn.db -q && narrascope enrich --db /tmp/pn.db -q \\
        && narrascope link --db /tmp/pn.db -q && narrascope narratives --db /tmp/pn.db

PolNeAR (``../shared/eval/polnear``) holds 924 articles from seven US outlets on the 2016 election, with
their publisher, date and title in ``metadata.tsv``. Each becomes ``<name>.md`` with that metadata as YAML
front matter, so outlets, dates and titles reach the pipeline as they would from a crawl. This is how
the before/after readings of narratives, entities and speakers in ``docs/EVALUATION.md`` were made.
The texts are read from ``../shared`` and written outside the repository; nothing is copied into it.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import yaml

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "polnear"


def write_corpus(polnear: Path, out: Path) -> tuple[int, int]:
    """(articles written, texts without a metadata row)."""
    with (polnear / "metadata.tsv").open(encoding="utf-8", newline="") as handle:
        meta = {(r["compartment"], r["filename"]): r for r in csv.DictReader(handle, delimiter="\t")}
    out.mkdir(parents=True, exist_ok=True)
    written = missing = 0
    for split in ("train", "dev"):
        for path in sorted((polnear / split / "text").glob("*.txt")):
            row = meta.get((split, path.stem))
            if row is None:
                missing += 1
                continue
            front = {"title": row["title"], "outlet": row["publisher"], "published": row["publication_date"]}
            header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=10_000)
            text = path.read_text(encoding="utf-8")
            (out / f"{path.stem}.md").write_text(f"---\n{header}---\n{text}", encoding="utf-8")
            written += 1
    return written, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the .md files to (outside the repository)")
    parser.add_argument(
        "--polnear", type=Path, default=POLNEAR, help="the PolNeAR folder (metadata.tsv, train/, dev/)"
    )
    args = parser.parse_args()
    if not (args.polnear / "metadata.tsv").is_file():
        raise SystemExit(f"{args.polnear}: no metadata.tsv (the PolNeAR folder of ../shared/eval)")
    written, missing = write_corpus(args.polnear, args.out)
    print(f"{written} articles written to {args.out}; {missing} texts without metadata left out")


if __name__ == "__main__":
    main()
