"""Build ``data/given_names_census.txt`` (given name → gender) from the 1990 US Census name lists.

    pip install names==0.3.0
    PYTHONPATH=src python train/given_names.py --out src/narrascope/data/given_names_census.txt

A pronoun ("she said") only resolves to a person whose gender the text or the name does not contradict
(``narrascope.enrich.gender``). The curated ``data/given_names.txt`` covers the names of world news; this
table adds the 5,000 given names of the US Census Bureau's 1990 frequency lists (public domain, as packaged
in ``names``), so that "Juanita Broaddrick" and "Loretta Lynch" are known to be women. A name goes to one
gender only where at least ``--share`` of its bearers in the lists are of it, counting together the spellings
the name matcher treats as one (``names.name_key``: Lindsey, Lindsay): "Lindsey" (88% women) and "Chris"
(89% men) stay unknown. Deterministic: the rows are sorted.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from importlib import resources
from pathlib import Path

from narrascope.enrich.names import name_key

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "narrascope" / "data" / "given_names_census.txt"
HEADER = """\
# Given name -> gender ("m" or "f"), from the US Census Bureau's 1990 given-name frequency lists (public
# domain), as packaged in names {version}. Built by train/given_names.py: a name is listed where at least
# {share:.0%} of its bearers in the lists are of one gender. data/given_names.txt (curated, world news) wins
# over this file. Do not edit: add names to data/given_names.txt.
"""


def _frequencies(name: str) -> dict[str, float]:
    """Name → percent of the population of one sex bearing it (``NAME  freq  cumfreq  rank`` rows)."""
    text = (resources.files("names") / name).read_text("ascii")
    return {row.split()[0].title(): float(row.split()[1]) for row in text.splitlines() if row.strip()}


def build(share: float) -> dict[str, list[str]]:
    by_key: dict[str, dict[str, float]] = defaultdict(lambda: {"m": 0.0, "f": 0.0})
    spellings: dict[str, set[str]] = defaultdict(set)
    for gender, resource in (("m", "dist.male.first"), ("f", "dist.female.first")):
        for name, freq in _frequencies(resource).items():
            by_key[name_key(name)][gender] += freq
            spellings[name_key(name)].add(name)
    table: dict[str, list[str]] = {"m": [], "f": []}
    for key, freq in by_key.items():
        for gender in ("m", "f"):
            if freq[gender] / (freq["m"] + freq["f"]) >= share:
                table[gender].extend(n for n in spellings[key] if len(n) > 1)
    return {gender: sorted(names) for gender, names in table.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--share", type=float, default=0.95, help="least share of one gender (default 0.95)")
    args = parser.parse_args()
    import names

    table = build(args.share)
    with args.out.open("w", encoding="utf-8") as out:
        out.write(HEADER.format(version=names.__version__, share=args.share))
        for gender in ("m", "f"):
            names_ = table[gender]
            for i in range(0, len(names_), 20):  # 20 names a line keeps diffs readable
                out.write(f"{gender} {' '.join(names_[i : i + 20])}\n")
    print(f"{args.out}: {len(table['m'])} male and {len(table['f'])} female names")


if __name__ == "__main__":
    main()
