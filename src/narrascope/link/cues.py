"""What a statement's cue says its content is (``data/claim_cues.yaml``): a proposition put forward as
true, an attitude to something, or a mention of it.

Only a proposition links by its sentence vector: the bare object of an attitude or a mention
("endorsed [Republican presidential nominee Donald Trump]", "say [the same of Sanders]") states nothing,
and the encoder scores two such noun phrases 0.85-1.0 whatever was said about them. A negated cue ("did
not recommend that she face charges") denies its content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import yaml

_WORD = re.compile(r"[\w'’]+:?")
_LEADING_THAT = re.compile(r"^\s*(?:that|whether|if)\b", re.IGNORECASE)
_QUOTE_MARKS = "\"“”„«»‘’‹›'"
ASSERTION_WORDS = 6  # a speech verb's content this long is a proposition even without a verb we know
CLAUSE_WORDS = 10  # any content this long is one
# "did not recommend", "isn't recommending", "never said": the cue is negated; "could not resist
# pointing out", "not only said" are no negation of what follows
_NEGATED_CUE = re.compile(
    r"\b(?:not|never|no\s+longer)\b(?!\s+(?:only|just|resist|help|wait|hesitate)\b)|n['’]t\b(?!\s+(?:resist|help|wait|hesitate)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CueWords:
    assertion: frozenset[str]
    attitude: frozenset[str]
    mention: frozenset[str]
    intention: frozenset[str]
    clause_markers: frozenset[str]


@lru_cache(maxsize=1)
def load_cue_words() -> CueWords:
    """The shipped cue lists."""
    data = yaml.safe_load(files("narrascope").joinpath("data/claim_cues.yaml").read_text("utf-8"))
    return CueWords(*(frozenset(str(w).lower() for w in data[key]) for key in CueWords.__slots__))


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def is_assertion_cue(cue: str) -> bool:
    """Whether the cue is a speech or assertion verb ("said", "according to", "warned")."""
    return bool(set(_words(cue)) & load_cue_words().assertion)


def is_attitude_or_mention_cue(cue: str) -> bool:
    """Whether the cue takes a stance on, or only names, what follows ("endorsed", "condemned", "talked
    about", "did not respond to"): its object is no claim that anything is so."""
    words = load_cue_words()
    return bool(set(_words(cue)) & (words.attitude | words.mention))


def is_intention_cue(cue: str) -> bool:
    """Whether the cue ends in a want or a plan ("wants", "plans"), not a saying."""
    return bool(set(_words(cue)[-1:]) & load_cue_words().intention)


def is_clause(content: str, assertion: bool = False) -> bool:
    """Whether a content says something (a that-clause, a quotation, a verb, or long enough) rather than
    naming something ("Republican presidential nominee Donald Trump", "the same of Sanders")."""
    text = content.strip()
    if _LEADING_THAT.match(text) or text[:1] in _QUOTE_MARKS:
        return True
    words = _words(text)
    if set(words) & load_cue_words().clause_markers:
        return True
    return len(words) >= (ASSERTION_WORDS if assertion else CLAUSE_WORDS)


def is_proposition(cue: str, content: str) -> bool:
    """Whether a statement's content is a proposition its speaker puts forward: a clause, not the bare
    object of an attitude or a mention ("condemned that …" still is one)."""
    if is_attitude_or_mention_cue(cue) and not _LEADING_THAT.match(content):
        return False
    return is_clause(content, is_assertion_cue(cue))


def negated_cue(cue: str) -> bool:
    """Whether the cue itself is negated ("did not recommend", "isn't recommending", "never said")."""
    return bool(_NEGATED_CUE.search(cue))
