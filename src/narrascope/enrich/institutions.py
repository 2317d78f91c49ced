"""State institutions are their country's: "the Foreign Ministry" in Ankara is not the one in Moscow.

Every country has a foreign ministry, an army, a parliament; the press names them by the generic name
("the Foreign Ministry said"), with the country ("Germany's Defence Ministry", "the French foreign
ministry", "the Ministry of Foreign Affairs of Ukraine"), or with the country only in the dateline
("ANKARA (Reuters) — The Foreign Ministry said"). Keyed by the generic name they would all be one
entity, so an analyst asking what "the Foreign Ministry" said would get every country's statements as
one speaker's.

An organisation whose name, once its country is set aside, is one of ``data/institutions.txt`` is
qualified by its country and named with the country's demonym (``data/demonyms.txt``): "Turkish Foreign
Ministry". The country comes from the name itself, else the words just before it ("the German [Defence
Ministry]"), else the same institution qualified earlier in the article, else the article's dateline. A
generic name with no country found stays as it was (the unqualified entity).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from narrascope.patterns import trie_regex
from narrascope.places import country_forms, fold

__all__ = ["Institutions", "load_institutions"]

CountryOf = Callable[[str], "str | None"]  # a name ("Britain", "Germany") → its country, if it is one
_WORDS = re.compile(r"[\w'’.-]+")
_BEFORE = 40  # characters before a name searched for its country ("the German [Defence Ministry]")
_OF = re.compile(r"^(.*)\s+of\s+(?:the\s+)?(.+)$", re.IGNORECASE)  # the last "of"


def _data(name: str) -> list[str]:
    text = resources.files("narrascope").joinpath(f"data/{name}").read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True, slots=True)
class Institutions:
    names: dict[str, str]  # folded generic name → its canonical form ("Foreign Ministry")
    demonyms: dict[str, str]  # folded demonym → country
    adjective: dict[str, str]  # country → the demonym that names its institutions
    pattern: re.Pattern[
        str
    ]  # a demonym or country, then an institution in any case: "French foreign ministry"

    def find(self, text: str) -> list[tuple[int, int]]:
        """Institutions named after their country, however written ("the French [foreign ministry]",
        "Ukraine's [parliament]"; the model misses them in lower case): where the institution's name is,
        so that the country stays a mention of its own."""
        return [m.span(1) for m in self.pattern.finditer(text)]

    def read(self, name: str, country_of: CountryOf) -> tuple[str, str | None] | None:
        """(institution, country or ``None``) when ``name`` is a state institution, with or without its
        country ("Germany's Defence Ministry", "Ministry of Foreign Affairs of Ukraine"); else ``None``."""
        words = _WORDS.findall(name)
        if words and words[0].lower() == "the":
            words = words[1:]
        if not words:
            return None
        if (found := self.names.get(fold(" ".join(words)))) is not None:
            return found, None
        for cut in range(1, min(4, len(words))):  # a country or demonym in front
            head, rest = " ".join(words[:cut]), " ".join(words[cut:])
            found = self.names.get(fold(rest))
            country = self.country(head, country_of) if found else None
            if found and country:
                return found, country
        if m := _OF.match(" ".join(words)):  # "Ministry of Foreign Affairs of Ukraine"
            found = self.names.get(fold(m.group(1)))
            country = self.country(m.group(2), country_of) if found else None
            if found and country:
                return found, country
        return None

    def country(self, words: str, country_of: CountryOf) -> str | None:
        """The country a demonym or a country name (possessive or not) stands for."""
        words = re.sub(r"['’]s?$", "", words.strip())
        return self.demonyms.get(fold(words)) or country_of(words)

    def country_before(self, text: str, start: int, country_of: CountryOf) -> str | None:
        """The country named just before a name: "the German [Defence Ministry]", "Russia's [army]"."""
        before = text[max(0, start - _BEFORE) : start]
        words = _WORDS.findall(before)
        if before[-1:].strip() or not words:  # the name must start a word
            return None
        for cut in (1, 2, 3):
            if len(words) >= cut and (country := self.country(" ".join(words[-cut:]), country_of)):
                return country
        return None

    def qualified(self, institution: str, country: str) -> str:
        """The entity name: "Turkish Foreign Ministry", else "Foreign Ministry of <country>"."""
        adjective = self.adjective.get(country)
        return f"{adjective} {institution}" if adjective else f"{institution} of {country}"


@lru_cache(maxsize=1)
def load_institutions() -> Institutions:
    names: dict[str, str] = {}  # folded → canonical
    surfaces: set[str] = set()  # every name as written, lower-cased, for the pattern
    for line in _data("institutions.txt"):
        canonical, _, others = line.partition("\t")
        for name in (canonical, *filter(None, others.split("|"))):
            names.setdefault(fold(name), canonical)
            surfaces.add(name.lower())
    demonyms: dict[str, str] = {}
    adjective: dict[str, str] = {}
    owners: set[str] = set()  # countries and demonyms as written
    for country, listed in country_forms("demonyms.txt"):
        adjective.setdefault(country, listed[0])
        owners.update((country, *listed))
        for form in listed:
            demonyms.setdefault(fold(form), country)
    pattern = re.compile(
        rf"(?<![\w.])(?:{trie_regex(owners)})(?:['’]s)?\s+((?i:{trie_regex(surfaces)}))(?![\w-])"
    )
    return Institutions(names, demonyms, adjective, pattern)
