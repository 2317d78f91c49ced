"""Who a "he" or "she" can be: a person's gender as the text and the name tell it.

From an honorific or a gendered word in the phrase that names someone ("Mr. Obama", "the spokeswoman":
``data/gendered_words.txt``), else from a given name: ``data/given_names.txt`` (curated for world news) over
``data/given_names_census.txt`` (the US Census lists). ``None`` where nothing tells, and nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from narrascope.enrich.names import name_key, person_parts, strip_titles

MALE = "m"
FEMALE = "f"
BOTH = "x"  # a given-names line of names borne by both: they tell nothing
PRONOUN_GENDER = {"he": MALE, "him": MALE, "his": MALE, "she": FEMALE, "her": FEMALE}
_WORD = re.compile(r"[^\W\d_]+")
# an honorific right before a name: "Mr. Obama", "Mrs Clinton"
_HONORIFIC_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Lady|Dame|Madam|Madame|Herr|Frau)\.?\s*$")


def _read(resource: str, key: Callable[[str], str]) -> dict[str, str]:
    """A gender file (``data/<resource>``): lines of "m", "f" or "x" and the words they hold, keyed by ``key``."""
    text = resources.files("narrascope").joinpath(f"data/{resource}").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) > 1 and words[0] in (MALE, FEMALE, BOTH):
            table.update((key(w), words[0]) for w in words[1:])
    return table


@cache
def _curated() -> dict[str, str]:
    """``data/given_names.txt`` as written, its "x" names (borne by both) included."""
    return _read("given_names.txt", name_key)


@cache
def _given_names() -> dict[str, str]:
    """The curated names: sure enough that the entity rules read a word among them as a given name."""
    return {name: g for name, g in _curated().items() if g != BOTH}


@cache
def _all_given_names() -> dict[str, str]:
    """The curated names over the Census ones: many of those are surnames too ("Carter", "Lamar"), so
    they tell a named person's gender but never that a word is a given name."""
    table = _read("given_names_census.txt", name_key) | _curated()
    return {name: gender for name, gender in table.items() if gender != BOTH}


@cache
def gendered_words() -> dict[str, str]:
    """Lower-case word → gender (``data/gendered_words.txt``): "mr", "spokeswoman", "brother"…"""
    return _read("gendered_words.txt", str.casefold)


def given_name_gender(name: str) -> str | None:
    """The gender a person's name tells by its given name ("Michelle Obama" → f, "Keith" → m)."""
    bare = strip_titles(name)
    given, _ = person_parts(bare)
    if given:
        return _all_given_names().get(given)
    # a person known by a given name alone ("Keith"): the curated names only, since a lone Census
    # name is as often a surname ("Carter")
    return _given_names().get(name_key(bare)) if len(bare.split()) == 1 else None


def given_key_gender(key: str) -> str | None:
    """The gender of a given-name key (``names.name_key``), as the curated names file tells it."""
    return _given_names().get(key)


def phrase_gender(phrase: str) -> str | None:
    """The gender the words of a phrase tell ("Mr. Obama", "a spokeswoman for the ministry"); ``None``
    when none does, or when they disagree."""
    words = gendered_words()
    found = {words[w] for w in map(str.casefold, _WORD.findall(phrase)) if w in words}
    return found.pop() if len(found) == 1 else None


def honorific_before(text: str, start: int) -> str | None:
    """The gender of an honorific standing right before ``start`` ("Mrs. |Clinton")."""
    m = _HONORIFIC_BEFORE.search(text, max(0, start - 8), start)
    return gendered_words()[m.group(1).casefold()] if m else None


def mention_gender(text: str, start: int, end: int) -> str | None:
    """The gender the text gives a mention: an honorific before it ("Mrs. |Clinton") or inside it."""
    return honorific_before(text, start) or phrase_gender(text[start:end])


def compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b
