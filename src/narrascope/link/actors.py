"""Whom a frame claim accuses: "the US seeks to partition Syria" accuses the United States.

A frame is a predicate said of someone. "Turkey wants to partition Syria" and "the US wants to partition
Syria" share frame and place, yet they are two narratives, told by different accusers about different
accused; the linker keeps frame narratives apart by whom they accuse (the accuser is the claim's
speaker). The accused is read from the claim's words and the entity mentions in it, without a parse:

1. an agent the frame's own words name: "partition of Syria *by Turkey*", "the illegal presence of *US*
   troops", "*American* forces' illegal occupation", "*Russian* interference in our elections",
   "retaliate against *Russia* for interference";
2. else the nearest state, group or organisation before the frame's words that stands as a subject: not
   after a preposition ("in Syria the Americans have embarked on a course to partition the country")
   and not the object of a verb ("the United States is using *Daesh* as a pretext for regime change").

A person is no accused: "Obama wants regime change" and "the US wants regime change" are one narrative.
A claim that names no accused ("we are not looking for regime change") joins a narrative of its frame
and places, whomever that accuses. Accused entities are compared by state: "Washington", "the
Americans", "the Pentagon" and "US troops" all accuse ``country:United States``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from narrascope.model import Entity, Mention
from narrascope.places import COUNTRY_KEY, Gazetteer, country_forms, fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG"})
AGENT_REACH = 60  # characters after the frame's words an agent ("by Turkey") may stand at
_WORD_BEFORE = re.compile(r"([\w'’]+)\W*$")
_DETERMINERS = re.compile(r"(?:\b(?:the|a|an)\s+)+$", re.IGNORECASE)
_PREPOSITIONS = _words(
    "in into inside within of for to on onto at from against with without over about across toward towards"
    " between among around near through throughout under upon like than as by despite via beyond behind"
    " after before since during amid amidst unlike including"
)
# Words a subject may follow: conjunctions and the verbs of thinking and adding that a content can start
# inside ("he thought the US …"); "that", "said" and the like start a clause (``_CLAUSE_BREAK``). Any other
# lower-case word before a name makes it an object ("is using Daesh", "backed the Kurds").
_SUBJECT_AFTER = _words(
    "and but or nor if when whether since so then now also even only why how where once though unless until"
    " think thinks thought hope hopes hoped fear fears feared suspect suspects suspected know knows knew added"
    " noted stressed"
)
# Where a new clause starts: its subject is not the one before ("Daesh has not been defeated, and that the
# main condition for its defeat is regime change"; "the Syrian government, which characterized it as a
# violation of its sovereignty"; "the oil that funds the Islamic State"). A reporting verb ends its
# speaker's part: "The Turkish government claims Gülen runs a network trying to overthrow the regime"
# accuses Gülen, not Turkey.
_CLAUSE_BREAK = re.compile(
    r"[;:—–()]|\b(?:that|which|who|whom|whose|because|although|while|whereas)\b|"
    r"\b(?:say|says|said|claim|claims|claimed|allege[sd]?|accuse[sd]?|charge[sd]?|believes?|believed|"
    r"insist(?:s|ed)?|argue[sd]?|warn(?:s|ed)?|suggest(?:s|ed)?|according\s+to)\b",
    re.IGNORECASE,
)
# A state's forces or presence: the name before these is the agent of the frame's words. Not its
# government or regime: in "the toppling of the Syrian government" that is the object.
_FORCES = re.compile(
    r"^(?:['’]s?)?\s*(?:-?led\s+|-?backed\s+)?(?:\w+\s+)?(?:troops|forces|military|army|soldiers|presence|"
    r"occup(?:ation|iers?|ying)|bases?|coalition|intelligence|intervention|invasion|deployment|strikes|airstrikes)\b",
    re.IGNORECASE,
)
# Right after the frame's words: "partition of Syria by Turkey", "the illegal presence of US troops".
_BY = re.compile(r"^\W*(?:[\w'’-]+\s+){0,4}?by\s+(?:the\s+)?$", re.IGNORECASE)
_OF = re.compile(r"^\s+of\s+(?:the\s+)?$", re.IGNORECASE)
# Nouns of doing whose modifier is their doer: "Russian interference", "Moscow's meddling". Not
# "partition" or "regime change", whose modifier is what is done to ("the Syrian partition").
_AGENT_NOUN = re.compile(
    r"(?:interference|meddling|hacking|occupation|invasion|aggression|intervention)\b", re.IGNORECASE
)
_MODIFIES = re.compile(r"^(?:['’]s?)?\s*$|^\s+(?:for|of)\s+$")  # "Russia's meddling", "Russia for meddling"


@dataclass(frozen=True, slots=True)
class Accused:
    key: str  # ``country:<Name>`` for a state, else the entity's id
    name: str  # as shown: the country's or the entity's name


def accused_mention(
    text: str, start: int, hit_start: int, hit_end: int, mentions: Sequence[Mention]
) -> Mention | None:
    """The mention a frame claim accuses, of those in ``mentions``: ``text[start:hit_start]`` leads up
    to the frame's words ``text[hit_start:hit_end]`` (offsets into the article text)."""
    actors = sorted((m for m in mentions if m.label in ACTOR_LABELS), key=lambda m: m.start)
    if _AGENT_NOUN.match(text, hit_start):  # "Russian interference", "punish Russia for meddling"
        doer = [m for m in actors if m.end <= hit_start and _MODIFIES.match(text[m.end : hit_start])]
        if doer:
            return doer[-1]
    for m in actors:  # an agent the frame's words name: "by Turkey", "US troops", "of US troops"
        if m.start < hit_start or m.start > hit_end + AGENT_REACH:
            continue
        forces = bool(_FORCES.match(text[m.end : m.end + 40]))
        if m.start < hit_end:
            if forces:
                return m
            continue
        between = text[hit_end : m.start]
        if _BY.match(between) or (forces and _OF.match(between)):
            return m
    breaks = list(_CLAUSE_BREAK.finditer(text, start, hit_start))
    clause = breaks[-1].end() if breaks else start
    before = [m for m in actors if clause <= m.start and m.end <= hit_start]
    for m in reversed(before):  # the nearest subject before them, in their clause
        if _subject_like(text, clause, m.start):
            return m
    return None


# A name in a title: a capitalised run of up to three words ("White Helmets", "US-led Coalition")
_TITLE_NAME = re.compile(r"(?<![\w’'-])[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,2}")


def subject_names(
    text: str, hit_start: int, common: frozenset[str], is_state: Callable[[str], bool]
) -> list[str]:
    """The names that stand as subjects before a frame's words in a text with no entity mentions (a
    watchlist title), all of them where they are coordinated: "The US and Europe support terrorists" →
    US, Europe; "USA / NATO created ISIS" → USA, NATO (not ISIS, the verb's object). Not a run of
    ``common`` words unless in capitals ("US" is no "us"), and not one capitalised first word that is no
    state: a title's first word is capitalised anyway ("Plans to partition Syria …")."""
    breaks = list(_CLAUSE_BREAK.finditer(text, 0, hit_start))
    clause = breaks[-1].end() if breaks else 0
    out = []
    no_name = common | _PREPOSITIONS  # leading words of a run that are no part of a name: "The", "In"
    for m in _TITLE_NAME.finditer(text, clause, hit_start):
        start, words = m.start(), m.group().split()
        while words and not words[0].isupper() and words[0].casefold() in no_name:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end()
            words = words[1:]
        name = " ".join(words).strip(".’'-")
        if not name:
            continue
        if start == 0 and len(words) == 1 and not name.isupper() and not is_state(name):
            continue
        if _subject_like(text, clause, start):
            out.append(name)
    return out


def _subject_like(text: str, start: int, at: int) -> bool:
    lead = _DETERMINERS.sub("", text[start:at])
    word = _WORD_BEFORE.search(lead)
    if word is None or lead[word.end() :].strip():
        return True  # the claim's first words, or after punctuation
    w = word.group(1)
    if w.lower() in _PREPOSITIONS:
        return False
    return not w.islower() or w in _SUBJECT_AFTER


class AccusedResolver:
    """Entity → ``Accused``: a state by its country (names, capitals and demonyms through the gazetteer
    and ``data/demonyms.txt``; state institutions through ``data/state_institutions.txt``), anything
    else as itself."""

    def __init__(self, gazetteer: Gazetteer, get_entity: Callable[[str], Entity | None]) -> None:
        self.gazetteer = gazetteer
        self.get_entity = get_entity
        self._cache: dict[str, Accused] = {}

    def __call__(self, entity_id: str) -> Accused:
        if entity_id not in self._cache:
            entity = self.get_entity(entity_id)
            names = [entity.name, *entity.aliases] if entity else [entity_id]
            country = next(filter(None, (self.country_of(n) for n in names)), None)
            self._cache[entity_id] = (
                Accused(COUNTRY_KEY + country, country) if country else Accused(entity_id, names[0])
            )
        return self._cache[entity_id]

    def country_of(self, name: str) -> str | None:
        folded = fold(name)
        states = _states()
        found = self.gazetteer.country_of(name) or states.get(folded)
        if found is None and folded.endswith("s"):
            found = states.get(folded[:-1])  # "Americans", "the Turks"
        if found is None:  # "US State Department", "Turkish army": a country's institution
            first = name.split()[0] if name.split() else ""
            if first != name and first[:1].isupper():
                found = self.gazetteer.country_of(first) or states.get(fold(first))
        return found


@lru_cache(maxsize=1)
def _states() -> dict[str, str]:
    """Folded demonym or state institution → country."""
    out: dict[str, str] = {}
    for resource in ("demonyms.txt", "state_institutions.txt"):
        for country, forms in country_forms(resource):
            for form in forms:
                out.setdefault(fold(form), country)
    return out
