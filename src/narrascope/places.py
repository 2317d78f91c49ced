"""Places resolved to their country, so that narratives keyed by place meet across a country's places.

A frame narrative is about places ("partition of Syria"); the claims that make it name them at every
level: "Syria", "Damascus", "Idlib", "Aleppo". The gazetteer maps each name to its country, and a claim's
place keys are its places plus ``country:<Name>`` for each country they resolve to: "regime change in
Damascus" and "regime change in Syria" share ``country:Syria``.

The shipped table (``data/places.tsv``, built by ``train/places.py`` from GeoNames) holds the countries,
the US states and the cities of 100,000 people or more under their Latin-script names. A user file adds
places no table holds (districts, villages, a fictional world), one country per key::

    Veloria: [Port Arden, Tessaly, Bresk]
    Syria: [al-Tanf, Rukban]

A user's place wins over the shipped one of the same name; the country may be new.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from narrascope.errors import NarrascopeError

COUNTRY_KEY = "country:"


def fold(name: str) -> str:
    """Case, diacritics, punctuation, spacing and a leading "the" folded away: "the U.S." → "us"."""
    text = unicodedata.normalize("NFKD", name.casefold()).strip()
    if text.startswith("the "):
        text = text[4:]
    return "".join(ch for ch in text if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Gazetteer:
    countries: dict[str, str]  # folded place name → country name

    def country_of(self, name: str) -> str | None:
        return self.countries.get(fold(name))

    def countries_of(self, names: Iterable[str]) -> set[str]:
        """The countries the names resolve to ("Damascus", "Syria" → {"Syria"})."""
        return {c for c in map(self.country_of, names) if c}

    def digest(self) -> str:
        """A short digest of the table: links and watch matches made with another table are made again."""
        return hashlib.sha256(repr(sorted(self.countries.items())).encode()).hexdigest()[:8]

    def country_keys(self, names: Iterable[str]) -> tuple[str, ...]:
        """``country:<Name>`` for each country the names resolve to, sorted."""
        return tuple(sorted(COUNTRY_KEY + c for c in self.countries_of(names)))


@lru_cache(maxsize=1)
def _shipped() -> Gazetteer:
    """The shipped table, read once per process (37,000 names: the linker, the watcher and every entity
    resolver share it)."""
    codes: dict[str, str] = {}
    out: dict[str, str] = {}
    text = resources.files("narrascope").joinpath("data/places.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, code = line.partition("\t")
        if name.startswith("@"):
            codes[name[1:]] = code
            out[fold(code)] = code
        else:
            out[fold(name)] = codes[code]
    return Gazetteer(out)


@lru_cache(maxsize=4)
def country_forms(resource: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A shipped table of names a country goes by, one country a line ("United States<TAB>US|U.S.|American"):
    ``data/demonyms.txt`` (read by the entity and accused rules alike), ``data/state_institutions.txt``."""
    text = resources.files("narrascope").joinpath(f"data/{resource}").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            country, _, forms = line.partition("\t")
            rows.append((country, tuple(f for f in forms.split("|") if f)))
    return tuple(rows)


def read_places(path: Path) -> dict[str, str]:
    """A user places file: ``Country: [place, ...]`` → folded place name → country."""
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except OSError as exc:
        raise NarrascopeError("E403", f"{path}: cannot read places file: {exc.strerror}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise NarrascopeError("E403", f"{path}: not a YAML places file: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise NarrascopeError("E403", f"{path}: expected 'Country: [place, ...]' lines")
    out: dict[str, str] = {}
    for country, places in data.items():
        if not isinstance(country, str) or not fold(country):
            raise NarrascopeError("E403", f"{path}: {country!r} is no country name")
        if places is None:
            places = []
        if not isinstance(places, list) or not all(isinstance(p, str) and fold(p) for p in places):
            raise NarrascopeError("E403", f"{path}: the places of {country!r} must be a list of names")
        out[fold(country)] = country
        for place in places:
            out[fold(place)] = country
    return out


def load_gazetteer(extra: Path | None = None) -> Gazetteer:
    """The shipped gazetteer, with a user places file's entries added (they win)."""
    if extra is None:
        return _shipped()
    return Gazetteer(_shipped().countries | read_places(extra))
