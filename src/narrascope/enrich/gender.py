"""Who a "he" or "she" can be: a person's gender as the text and the name tell it.

From an honorific or a gendered word in the phrase that names someone ("Mr. Obama", "the spokeswoman"),
else from a given name in ``data/given_names.txt``. ``None`` where nothing tells, and nothing is guessed.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from narrascope.enrich.names import name_key, person_parts, strip_titles

MALE = "m"
FEMALE = "f"
PRONOUN_GENDER = {"he": MALE, "him": MALE, "his": MALE, "she": FEMALE, "her": FEMALE}
GENDERED_WORDS = {
    **dict.fromkeys(
        [
            "mr",
            "sir",
            "lord",
            "herr",
            "monsieur",
            "signor",
            "señor",
            "senor",
            "king",
            "prince",
            "duke",
            "emperor",
            "sheikh",
            "man",
            "boy",
            "father",
            "son",
            "brother",
            "husband",
            "uncle",
            "grandfather",
            "nephew",
            "spokesman",
            "chairman",
            "congressman",
            "businessman",
            "councilman",
            "policeman",
            "statesman",
        ],
        MALE,
    ),
    **dict.fromkeys(
        [
            "mrs",
            "ms",
            "miss",
            "madam",
            "madame",
            "mme",
            "lady",
            "dame",
            "frau",
            "signora",
            "señora",
            "senora",
            "queen",
            "princess",
            "duchess",
            "empress",
            "woman",
            "girl",
            "mother",
            "daughter",
            "sister",
            "wife",
            "widow",
            "aunt",
            "grandmother",
            "niece",
            "spokeswoman",
            "chairwoman",
            "congresswoman",
            "businesswoman",
            "councilwoman",
            "policewoman",
            "stateswoman",
            "actress",
        ],
        FEMALE,
    ),
}
_WORD = re.compile(r"[^\W\d_]+")
# an honorific right before a name: "Mr. Obama", "Mrs Clinton"
_HONORIFIC_BEFORE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Lady|Dame|Madam|Madame|Herr|Frau)\.?\s*$")


@cache
def _given_names() -> dict[str, str]:
    text = resources.files("narrascope").joinpath("data/given_names.txt").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) > 1 and words[0] in (MALE, FEMALE):
            names.update((name_key(w), words[0]) for w in words[1:])
    return names


def given_name_gender(name: str) -> str | None:
    """The gender a person's full name tells by its given name ("Michelle Obama" → f)."""
    given, _ = person_parts(strip_titles(name))
    return _given_names().get(given) if given else None


def given_key_gender(key: str) -> str | None:
    """The gender of a given-name key (``names.name_key``), as the names file tells it."""
    return _given_names().get(key)


def phrase_gender(phrase: str) -> str | None:
    """The gender the words of a phrase tell ("Mr. Obama", "a spokeswoman for the ministry"); ``None``
    when none does, or when they disagree."""
    found = {GENDERED_WORDS[w] for w in map(str.casefold, _WORD.findall(phrase)) if w in GENDERED_WORDS}
    return found.pop() if len(found) == 1 else None


def honorific_before(text: str, start: int) -> str | None:
    """The gender of an honorific standing right before ``start`` ("Mrs. |Clinton")."""
    m = _HONORIFIC_BEFORE.search(text, max(0, start - 8), start)
    return GENDERED_WORDS[m.group(1).casefold()] if m else None


def compatible(a: str | None, b: str | None) -> bool:
    return a is None or b is None or a == b
