"""Canonical entities: one entity behind the many names an article and a corpus give it.

:class:`EntityResolver` takes each article's NER spans, adds the alias-table names the model missed,
and resolves every span to a canonical entity shared by all articles it sees (and by the ``known``
entities of the store). In this order:

1. **Alias table** (``data/aliases.yaml`` plus a user file): Daesh = ISIS, Washington = United States.
2. **Keys**: spellings that fold to one key are one name (:mod:`narrascope.enrich.names`: case, hyphens,
   diacritics, "al-", transliteration: Sergey = Sergei). People are keyed without their titles
   ("President Assad" is "Assad"); a full name also joins an entity of the same surname whose given name
   fits (same first name or its initial) or that was so far known by its surname only. Middle names and
   generational suffixes must fit too: where both names have middle initials they are the same ("George
   H.W. Bush" and "George P. Bush" are not "George W. Bush"), and "Donald Trump Jr." is never "Donald
   Trump" (nor the other way round). A PERSON span that is a headline fragment, not a name, is dropped
   ("Clinton Cash Debunks Hillary": its first word is no known given name or initial and it holds a common
   word, ``data/common_words.txt``); headline words before a known given name are cut ("Billionaire
   Donald Trump" is "Donald Trump"). A name that ends with a known given name but does not begin with
   one ("Stop Hillary") is found by its full name only: its last word is no surname for bare "Hillary"
   mentions to resolve to.
3. **Surnames**: a one-word person mention ("Lavrov", "al-Assad") is the person of that surname named
   in full in the same article, else the one person of the article with that first name ("Hillary" after
   "Hillary Clinton"), else the only person of that surname known. When several fit, the
   mention is *dropped*: a surname that could be two people is not evidence for either, and no
   surname-only entity is made from it (``lookup`` answers ``None`` for it too). A surname nobody has
   yet becomes a person of its own, upgraded when the full name shows up. A surname in capitals (the
   "WALLACE:" of a transcript) resolves within its article only: a transcript labels its speakers by
   surname, and the only Wallace the corpus knew elsewhere (the governor George Wallace) was not Fox's
   Chris Wallace; so it is dropped when others of that surname are known. A one-word organisation is
   the organisation of the article whose name ends with it ("the Brigades"), unless the word is a generic
   head noun ("State", "House": ``data/generic_heads.txt``), which is resolved as a name of its own.
4. **Acronyms**: defined in the article ("Syrian Democratic Forces (SDF)"), else the initials of a name
   in the same article, else an acronym already seen for an entity, else the initials of exactly one
   known entity.

Pronouns and determiners ("I", "it", "this": ``data/pronouns.txt``) are no names: not kept as mentions
and never looked up. Nor is a one-word span that is a common word capitalised because it opens a sentence
("Bank executives", "Superdelegates should"): the article writes it in lower case elsewhere and never
capitalised inside a sentence.

Entity ids are ``"e_" + sha1(type + "|" + key)[:12]`` of the name an entity was first created under,
so one name and type give one id in every run. When a fuller name later upgrades the canonical name
("Assad" -> "Bashar al-Assad"), the id stays: entities passed back in as ``known`` keep theirs.
The canonical name is the most frequent full name (two words or more: "Barack Obama", not the "B.
Hussein Obama" one article quoted once), more words only breaking a tie, then the one with fewer
capitals ("Bashar al-Assad" over "Bashar Al-Assad"), then the alphabetically last; a one-word name or
acronym is shown only until a full name comes. Alias-table entities keep the table's name. Entities
from the store keep theirs unless a full name replaces a one-word one, or another full name is seen
``SETTLED_MIN`` times and ``SETTLED_RATIO`` times as often in the run: a junk name can go, and re-runs
do not flip names back and forth.

Types: ORG, GPE, LOC and FAC are one family for matching, since NER labels one name differently from
sentence to sentence (an entity keeps the type it was created with; a mention carries its entity's type).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from narrascope.enrich.aliases import AliasEntry, AliasTable, load_aliases
from narrascope.enrich.datelines import dateline_ends
from narrascope.enrich.gender import compatible, given_key_gender, mention_gender
from narrascope.enrich.institutions import load_institutions
from narrascope.enrich.names import (
    NAME_PARTICLES,
    TOKEN,
    acronym_definitions,
    initials,
    is_acronym,
    is_pronoun,
    name_key,
    nicknamed_names,
    person_middle,
    person_parts,
    person_suffix,
    strip_titles,
    trim_span,
    trim_text,
)
from narrascope.model import Entity
from narrascope.patterns import word_set
from narrascope.places import fold, load_gazetteer

__all__ = ["AliasTable", "EntityMention", "EntityResolver", "entity_id", "load_aliases"]

# NER labels that are values, not entities.
SKIP_LABELS = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"})
PLACE_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC"})
# Labels a one-word span may carry when the model mistakes a surname for something else ("Lavrov" ORG).
SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"})
# Types the model gives names it is unsure of: such a name that is already known as a place (or an
# organisation) is that entity ("Veloria" as NORP, "Aleppo" as LANGUAGE), unless it reads as a people's
# name ("Syrians") and the known one is a place
LOOSE_LABELS = ("NORP", "LANGUAGE", "PRODUCT", "WORK_OF_ART", "EVENT")
DEMONYM = re.compile(r"(?:an|ians?|ese|ish|i|ic|ans|s)$", re.IGNORECASE)
DATELINE_REACH = 300  # a dateline this near the start is the article's
# A settled (stored) entity's name gives way to another of as many words only when that one is seen at
# least this often in the run, and this many times as often as the settled name: one article's odd form
# cannot rename it, and names do not swap back and forth between runs.
SETTLED_MIN = 3
SETTLED_RATIO = 2
# A lone surname that several known people bear is the one far more often named (see ``_dominant``)
DOMINANT_RATIO = 4
DOMINANT_MENTIONS = 20
# A candidate's campaign speaks as an organisation ("Donald Trump's campaign is defending …", "the Clinton
# campaign said"): "Trump campaign", so that "the campaign" and "it" can resolve to it. Not where "campaign"
# is where or what he does ("Trump's campaign trail", "his campaign rally", "campaign finance").
_CAMPAIGN = re.compile(
    r"(?:['’]s)?\s+(?:(?:presidential|re-?election|election|Senate|congressional|gubernatorial|mayoral|primary)\s+)?"
    r"campaign\b(?![-\s]+(?:trails?|stops?|events?|rall(?:y|ies)|speech(?:es)?|seasons?|financ\w*|promises?|"
    r"pledges?|contributions?|donations?|funds?|fundrais\w*|money|spending|coffers|headquarters|against|to|for)\b)",
    re.IGNORECASE,
)
_INITIAL = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]?\.?|[^\W\d_]")  # "J.", "H.W.", "J"


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One resolved mention: offsets into the article text, the surface form and its canonical entity."""

    start: int
    end: int
    text: str
    label: str
    entity_id: str
    canonical: str


def entity_id(type_: str, key: str) -> str:
    return "e_" + hashlib.sha1(f"{type_}|{key}".encode()).hexdigest()[:12]


def _family(label: str) -> str:
    return "PLACE" if label in PLACE_LABELS else label


@dataclass(slots=True)
class _Record:
    id: str
    type: str
    canonical: str
    fixed: bool = False  # from the alias table: the canonical name never changes
    settled: bool = False  # from the store: only a more complete name replaces the canonical one
    forms: Counter[str] = field(default_factory=Counter)  # names seen in text -> count
    aliases: set[str] = field(default_factory=set)  # names from the table or the store
    surnames: set[str] = field(default_factory=set)
    given: set[str] = field(default_factory=set)  # first-name keys ("" for a surname-only form)
    middles: set[str] = field(default_factory=set)  # initials of middle names ("w" for George W. Bush)
    suffixes: set[str] = field(default_factory=set)  # of the full names: "" or "jr", "sr", "ii"...

    def entity(self) -> Entity:
        names = (set(self.forms) | self.aliases) - {self.canonical}
        return Entity(self.id, self.canonical, self.type, tuple(sorted(names)))


@dataclass(slots=True)
class _Span:
    start: int
    end: int
    label: str
    entry: AliasEntry | None = None
    record: _Record | None = None
    # a campaign's candidate, named inside it ("Donald Trump's campaign")
    person: tuple[int, int] | None = None


class EntityResolver:
    """The entity registry of one run: resolves each article's mentions against everything seen so far."""

    def __init__(self, aliases: AliasTable | None = None, known: Iterable[Entity] = ()) -> None:
        self.aliases = aliases if aliases is not None else load_aliases()
        self.institutions = load_institutions()
        self.gazetteer = load_gazetteer()
        self._records: dict[str, _Record] = {}
        self._families: set[str] = set()  # of the records: what an unlabelled lookup searches
        self._by_key: dict[tuple[str, str], set[str]] = {}  # (family, key) -> ids
        self._by_surname: dict[str, set[str]] = {}
        self._by_initials: dict[str, set[str]] = {}
        self._touched: set[str] = set()  # ids whose names changed since the last ``changed()``
        for entity in known:
            self._add_known(entity)

    # --- public API

    def resolve(self, text: str, ner_spans: Sequence[tuple[int, int, str]]) -> list[EntityMention]:
        """Mentions of one article, in text order: the NER spans (start_char, end_char, label) that name
        entities, narrowed to the name ("the Kremlin" -> "Kremlin"), plus alias-table names NER missed."""
        definitions = acronym_definitions(text)
        spans = self._spans(text, ner_spans, definitions)
        named: list[tuple[str, _Record]] = []  # (surface, record) of the names resolved in pass 1
        people: dict[str, _Record] = {}  # the people named in full, in the order first named
        first_named: dict[str, int] = {}  # person id -> where the article first names them in full
        later: list[_Span] = []
        countries: dict[str, str] = {"": self._dateline_country(text) or ""}  # institution → its country
        for (
            span
        ) in spans:  # pass 1: table names, full names, other names that are neither acronyms nor one word
            surface = text[span.start : span.end]
            if span.entry is not None:
                span.record = self._table_record(span.entry)
                if span.person is not None:  # the candidate is named in full, though the campaign speaks
                    self._candidate(text, _Span(*span.person, "PERSON"), people, first_named)
            elif span.label == "ORG" and (record := self._institution(text, span, countries)) is not None:
                span.record = record
            elif span.label == "PERSON" and person_parts(strip_titles(surface))[0]:
                span.record = self._candidate(text, span, people, first_named)
                if span.record is None:  # "Clinton Cash Debunks Hillary": a headline, no one's name
                    continue
            elif _deferred(span.label, surface):
                later.append(span)
                continue
            else:
                span.record = self._named(text, span)
            named.append((text[span.start : span.end], span.record))
        for span in later:  # pass 2: lone surnames and acronyms, against the names of the whole article
            span.record = self._surname(text, span, people, named, first_named)
            if span.record is None and span.label in PLACE_LABELS and is_acronym(text[span.start : span.end]):
                span.record = self._acronym(text, span, definitions, named)
        mentions = []
        for span in spans:
            if span.record is None:
                continue
            surface = text[span.start : span.end]
            self._add_form(span.record, strip_titles(surface) if span.record.type == "PERSON" else surface)
            self._touched.add(span.record.id)
            mentions.append((span, surface, span.record))
        return [
            EntityMention(span.start, span.end, surface, record.type, record.id, record.canonical)
            for span, surface, record in mentions
        ]

    def __len__(self) -> int:
        """How many entities are known."""
        return len(self._records)

    def changed(self) -> list[Entity]:
        """The entities mentioned since the last call (new ones, and known ones that may have new names):
        what a store must write after a batch, so that its cost does not grow with the registry."""
        touched, self._touched = self._touched, set()
        return sorted((self._records[i].entity() for i in touched), key=lambda e: e.id)

    def entities(self) -> list[Entity]:
        """Every entity known, the store's and this run's, each with all its names (sorted)."""
        return sorted((r.entity() for r in self._records.values()), key=lambda e: (e.type, e.name, e.id))

    def lookup(
        self, name: str, label: str | None = None, mentions: Sequence[EntityMention] = ()
    ) -> Entity | None:
        """The entity a name refers to ("Lavrov", "Minister Lavrov", "the Kremlin", "SDF"), or ``None``
        when it is unknown or could be several. ``label`` narrows the search to that kind of entity;
        ``mentions`` (an article's) lets a lone surname resolve to the person named in that article."""
        surface = trim_text(name)
        if not surface or is_pronoun(surface):  # "I" is no ORG "I.", "us" no United States
            return None
        entry = self.aliases.entry_for(surface)
        if entry is None and label in (None, "PERSON"):
            entry = self.aliases.entry_for(strip_titles(surface))
        if entry is not None and (label is None or _family(label) == _family(entry.type)):
            # registered (and written with the batch): a statement may name it as its speaker
            record = self._table_record(entry)
            self._touched.add(record.id)
            return record.entity()
        found: set[str] = set()
        families = [_family(label)] if label else sorted(self._families)
        for family in families:
            if family == "PERSON":
                found |= self._person_candidates(strip_titles(surface), mentions)
            else:
                found |= self._by_key.get((family, self._key(surface, family)), set())
        if not found and is_acronym(surface):
            found = self._by_initials.get(surface.replace(".", "").upper(), set())
        # "Trump" is the article's Donald Trump, not an organisation "Trump" another article made
        named_here = found & {m.entity_id for m in mentions}
        if len(found) > 1 and named_here:
            found = named_here
        return self._records[next(iter(found))].entity() if len(found) == 1 else None

    # --- candidates

    def _spans(
        self, text: str, ner_spans: Sequence[tuple[int, int, str]], definitions: dict[str, tuple[int, int]]
    ) -> list[_Span]:
        """NER spans, alias-table matches and defined long forms, without overlaps: the longest span wins,
        and at equal length the table's (its type beats the model's guess)."""
        candidates = []
        for start, end, label in ner_spans:
            if label in SKIP_LABELS:
                continue
            start, end = trim_span(text, start, end)
            if end > start and TOKEN.search(text, start, end) and not is_pronoun(text[start:end]):
                if _common_word_opening(text, start, end):
                    continue
                candidates.append((end - start, 1, start, end, label, None, None))
        for start, end, entry in self.aliases.find(text):
            candidates.append((end - start, 0, start, end, entry.type, entry, None))
        for start, end in definitions.values():
            candidates.append((end - start, 2, start, end, "ORG", None, None))
        for start, end in self.institutions.find(text):  # "the French foreign ministry"
            candidates.append((end - start, 3, start, end, "ORG", None, None))
        candidates.extend(_campaigns(text, ner_spans))
        candidates.extend(_nicknamed(text, ner_spans))
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        taken = bytearray(len(text))
        spans = []
        for _, _, start, end, label, entry, person in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = b"\1" * (end - start)
            surface = text[start:end]
            if entry is None:
                entry = self.aliases.entry_for(surface)
            if entry is None and label == "PERSON":
                entry = self.aliases.entry_for(strip_titles(surface))
            spans.append(_Span(start, end, entry.type if entry else label, entry, person=person))
        spans.sort(key=lambda s: s.start)
        return spans

    # --- resolution

    def _named(self, text: str, span: _Span) -> _Record:
        """A name that is neither a person's nor an acronym: by its key, else a new entity. A span the model
        began inside a hyphenated word ("majority-Kurd Syrian Democratic Forces") loses that first word
        when the rest is a known name."""
        family = _family(span.label)
        surface = text[span.start : span.end]
        ids = self._by_key.get((family, self._key(surface, span.label)))
        if ids:
            return self._records[min(ids)]
        if span.start > 1 and text[span.start - 1] in "-‐‑" and text[span.start - 2].isalnum():
            words = surface.split(maxsplit=1)
            if len(words) == 2:
                rest = words[1]
                entry = self.aliases.entry_for(rest)
                ids = self._by_key.get((family, self._key(rest, span.label)))
                if entry is not None or ids:
                    span.start = span.end - len(rest)
                    if entry is not None:
                        span.label = entry.type
                        return self._table_record(entry)
                    return self._records[min(ids)]
        known = self._known_otherwise(span, surface)
        return known if known is not None else self._create(span.label, surface)

    def _table_place(self, name: str) -> str:
        """The place the alias table says ``name`` is ("Moscow" → "Russia"), else ``name``."""
        entry = self.aliases.entry_for(name)
        return entry.canonical if entry is not None and entry.type == "GPE" else name

    def _country_name(self, name: str) -> str | None:
        """The country ``name`` is ("Britain", "Russia's", "Moscow" as the alias table has it), else ``None``
        (a city is no country here: "the Ankara [Police]" is the city's)."""
        name = self._table_place(name)
        country = self.gazetteer.country_of(name)
        return country if country and fold(country) == fold(name) else None

    def _dateline_country(self, text: str) -> str | None:
        """The country of the article's dateline ("ANKARA, Turkey (Reuters) —"), if it names one only."""
        first = next((d for d in dateline_ends(text) if d[0] < DATELINE_REACH), None)
        if first is None:
            return None
        places = text[first[0] : first[1]].split("(")[0].strip(" —–-").split(",")
        found = self.gazetteer.countries_of(self._table_place(place.strip()) for place in places)
        return found.pop() if len(found) == 1 else None

    def _institution(self, text: str, span: _Span, countries: dict[str, str]) -> _Record | None:
        """A state institution qualified by its country ("the Foreign Ministry" under an ANKARA dateline:
        "Turkish Foreign Ministry"; ``enrich/institutions.py``); ``None`` when the name is no institution
        or its country is unknown (it is then resolved like any name). ``countries`` holds the article's
        institutions already qualified, and its dateline's country under ""."""
        found = self.institutions.read(text[span.start : span.end], self._country_name)
        if found is None:
            return None
        institution, country = found
        country = (
            country
            or self.institutions.country_before(text, span.start, self._country_name)
            or countries.get(institution)
            or countries[""]
        )
        if not country:
            return None
        countries[institution] = country
        name = self.institutions.qualified(institution, country)
        entry = self.aliases.entry_for(name)
        if entry is not None:  # "Russian Foreign Ministry" is in the table
            return self._table_record(entry)
        ident = entity_id("ORG", name_key(name))
        record = self._records.get(ident)
        if record is None:
            record = self._register(_Record(ident, "ORG", name, fixed=True))
            self._index(record, name)
        return record

    def _known_otherwise(self, span: _Span, surface: str) -> _Record | None:
        """The entity a name the model typed loosely or wrongly already is: "Veloria" as NORP when Veloria is
        a known place, "Marta Kovac" as GPE when she is a known person (her given name says so)."""
        other = self._same_name(surface, ("PLACE",)) if span.label in LOOSE_LABELS else None
        if other is not None and (other.type == "ORG" or not DEMONYM.search(surface)):
            span.label = other.type
            return other
        given, _ = person_parts(surface)
        ids = self._by_key.get(("PERSON", name_key(surface))) if len(surface.split()) > 1 else None
        if ids and given_key_gender(given) is not None:
            span.label = "PERSON"
            return self._records[min(ids)]
        return None

    def _person(self, name: str) -> _Record:
        """A full name: the person with that key, else the one person of that surname whose given name
        fits, else a new person."""
        ids = self._by_key.get(("PERSON", name_key(name)))
        if ids:
            return self._records[min(ids)]
        fits = set() if _given_name_last(name) else self._fitting(name)  # "Stop Hillary" is no Hillary's
        if len(fits) == 1:
            return self._records[fits.pop()]
        given, _ = person_parts(name)
        if given_key_gender(given) is None:  # "Harbor Gazette" tagged a person: the outlet already known
            other = self._same_name(name, ("PLACE", *LOOSE_LABELS))
            if other is not None:
                return other
        return self._create("PERSON", name)

    def _same_name(self, name: str, families: Sequence[str]) -> _Record | None:
        """A known entity of one of ``families`` with exactly this name (the model typed it otherwise)."""
        for family in families:
            ids = self._by_key.get((family, self._key(name, family)))
            if ids:
                return self._records[min(ids)]
        return None

    def _fitting(self, name: str) -> set[str]:
        """The people of ``name``'s surname it may be: first name, middle names and suffix all fit."""
        given, surname = person_parts(name)
        middle, suffix = person_middle(name), person_suffix(name)
        return {
            ident
            for ident in self._by_surname.get(surname, set())
            if _given_fits(given, self._records[ident].given)
            and _middle_fits(middle, self._records[ident].middles)
            and _suffix_fits(suffix, self._records[ident].suffixes)
        }

    def _surname(
        self,
        text: str,
        span: _Span,
        people: dict[str, _Record],
        named: list[tuple[str, _Record]],
        first_named: dict[str, int],
    ) -> _Record | None:
        """A one-word name: a person of the article with that surname, else (for a PERSON span) the one
        known person of that surname or a new one; ``None`` when it could be several people, or when
        the span is an acronym left to :meth:`_acronym`. Where the article names several people of the
        surname, it is the one of them named before it, if only one is ("Sen. Chris Murphy … Murphy said",
        though a victim, Anne Marie Murphy, is named later); after both, the one the corpus names far more
        often (``_dominant``: Hillary, not Bill Clinton), else no one. A one-word
        organisation is the one organisation of the article whose name ends with it ("the Brigades" after
        "the Tessaly Brigades")."""
        surface = text[span.start : span.end]
        name = strip_titles(surface) if span.label == "PERSON" else surface
        _, surname = person_parts(name)
        told = mention_gender(text, span.start, span.end)  # "Mr. Obama" is no Michelle Obama
        local = [r for r in people.values() if surname in r.surnames and compatible(told, _gender(r))]
        if local and span.label == "PERSON" and not any(first_named.get(r.id, 0) < span.start for r in local):
            # named in full only later ("President Obama …" before "Michelle Obama"): the famous bearer
            known = self._bearers(surname, told)
            famous = self._dominant(known) if len(known) > 1 else None
            if famous is not None and famous not in local:
                return famous
        if len(local) > 1:
            before = [r for r in local if first_named.get(r.id, span.start) < span.start]
            local = before if len(before) == 1 else local
        if len(local) > 1:  # "Bill Clinton … Hillary Clinton … Clinton said": the one far more often named
            famous = self._dominant({r.id for r in local})
            local = [famous] if famous is not None else local
        if len(local) == 1:
            span.label = "PERSON"
            return local[0]
        if local:
            return None
        if span.label == "PERSON" and (first := self._first_name_of(surname, people, told)) is not None:
            return first
        if span.label == "ORG" and not is_acronym(surface) and not _generic_head(surface):
            heads = {
                r.id: r
                for name, r in named
                if r.type == "ORG" and _head_key(name) == surname != name_key(name)
            }
            if len(heads) == 1:
                return next(iter(heads.values()))
        if span.label != "PERSON":
            return None if is_acronym(surface) else self._named(text, span)
        known = self._bearers(surname, told)
        if known and not _across_articles(surface):  # "WALLACE:" in a transcript names its own Wallace
            return None
        named = {i for i in known if self._records[i].given - {""}}  # a full name beats a surname seen alone
        for candidates in (known, named):
            if len(candidates) == 1:
                return self._records[next(iter(candidates))]
        if named:
            return self._dominant(named)
        return None if known else self._create("PERSON", name)

    def _bearers(self, surname: str, told: str | None) -> set[str]:
        """The known people of a surname whose gender fits what the text tells ("Mr. Obama")."""
        return {
            i for i in self._by_surname.get(surname, set()) if compatible(told, _gender(self._records[i]))
        }

    def _dominant(self, ids: set[str]) -> _Record | None:
        """The person a surname means across the corpus when its bearers are not alike in fame: the one
        named at least ``DOMINANT_RATIO`` times as often as any other, and ``DOMINANT_MENTIONS`` times at
        least ("Obama" in a corpus of Barack and Michelle Obama); ``None`` when no one stands out."""
        counts = sorted(((sum(self._records[i].forms.values()), i) for i in ids), reverse=True)
        (top, best), (second, _) = counts[0], counts[1]
        if top >= DOMINANT_MENTIONS and top >= DOMINANT_RATIO * second:
            return self._records[best]
        return None

    @staticmethod
    def _first_name_of(key: str, people: dict[str, _Record], told: str | None) -> _Record | None:
        """The one person of the article named in full with this first name ("Hillary" after "Hillary
        Clinton", "Bernie" after "Bernie Sanders"); ``None`` when none or several have it."""
        found = [r for r in people.values() if key in r.given and compatible(told, _gender(r))]
        return found[0] if len(found) == 1 else None

    def _acronym(
        self,
        text: str,
        span: _Span,
        definitions: dict[str, tuple[int, int]],
        named: list[tuple[str, _Record]],
    ) -> _Record:
        """An acronym: its definition in the article, else the initials of one name in the article, else
        the entity it already names, else the one known entity with those initials, else a new entity."""
        surface = text[span.start : span.end]
        key = name_key(surface)
        if key in definitions:
            start, end = definitions[key]
            long_key = name_key(text[start:end])
            defined = [record for name, record in named if name_key(name) == long_key]
            if defined:
                return defined[0]
        letters = surface.replace(".", "").upper()
        local = {r.id: r for name, r in named if _family(r.type) == "PLACE" and initials(name) == letters}
        if len(local) == 1:
            return next(iter(local.values()))
        ids = self._by_key.get(("PLACE", key)) or self._by_initials.get(letters, set())
        if len(ids) == 1:
            return self._records[next(iter(ids))]
        return self._create(span.label, surface)

    # --- the registry

    def _key(self, name: str, label: str) -> str:
        key = name_key(name)
        if label == "NORP" and len(key) > 3 and key.endswith("s"):
            return key[:-1]  # "Americans" = "American"
        return key

    def _create(self, label: str, name: str) -> _Record:
        ident = entity_id(label, self._key(name, label))
        record = self._records.get(ident)
        if record is None:
            record = self._register(_Record(ident, label, name))
        self._index(record, name)
        return record

    def _candidate(
        self, text: str, span: _Span, people: dict[str, _Record], first_named: dict[str, int]
    ) -> _Record | None:
        """A person named in full, recorded as named in the article; ``None`` for a headline's words."""
        name = _person_name(text, span)
        if name is None:
            return None
        record = self._person(name)
        people.setdefault(record.id, record)
        first_named.setdefault(record.id, span.start)
        return record

    def _table_record(self, entry: AliasEntry) -> _Record:
        ident = entity_id(entry.type, name_key(entry.canonical))
        record = self._records.get(ident)
        if record is None:
            record = self._register(_Record(ident, entry.type, entry.canonical, fixed=True))
            for name in entry.names:
                record.aliases.add(name)
                self._index(record, name)
        return record

    def _register(self, record: _Record) -> _Record:
        self._records[record.id] = record
        self._families.add(_family(record.type))
        return record

    def _add_known(self, entity: Entity) -> None:
        entry = self.aliases.entry_for(entity.name)
        fixed = entry is not None and entity_id(entry.type, name_key(entry.canonical)) == entity.id
        record = self._records.get(entity.id) or self._register(
            _Record(entity.id, entity.type, entity.name, fixed=fixed, settled=True)
        )
        record.forms[entity.name] += 1
        for name in (entity.name, *entity.aliases):
            if name != entity.name:
                record.aliases.add(name)
            self._index(record, name)

    def _add_form(self, record: _Record, name: str) -> None:
        new = name not in record.forms
        record.forms[name] += 1
        if new:
            self._index(record, name)
        if not record.fixed and record.canonical != name and _better_name(record, name):
            record.canonical = name

    def _index(self, record: _Record, name: str) -> None:
        family = _family(record.type)
        if family == "PERSON":
            given, surname = person_parts(name)
            if not surname:
                return
            if given and _given_name_last(name):  # "Stop Hillary": found by its full name only
                self._by_key.setdefault(("PERSON", name_key(name)), set()).add(record.id)
                return
            if not given and surname in record.given and surname not in record.surnames:
                return  # "Hillary" for Hillary Clinton is her first name: no surname for other articles
            record.surnames.add(surname)
            record.given.add(given)
            self._by_surname.setdefault(surname, set()).add(record.id)
            if given:
                record.middles.add(person_middle(name))
                record.suffixes.add(person_suffix(name))
                self._by_key.setdefault(("PERSON", name_key(name)), set()).add(record.id)
            return
        key = self._key(name, record.type)
        if key and not self._bare_for(record, name):
            self._by_key.setdefault((family, key), set()).add(record.id)
        letters = initials(name)
        if letters:
            self._by_initials.setdefault(letters, set()).add(record.id)

    def _bare_for(self, record: _Record, name: str) -> bool:
        """Whether ``name`` is an institution without its country ("Foreign Ministry") and ``record`` one
        with ("Turkish Foreign Ministry"): the bare name must not lead other countries' mentions to it."""
        if record.type != "ORG":
            return False
        bare = self.institutions.read(name, self._country_name)
        if bare is None or bare[1] is not None:
            return False
        own = self.institutions.read(record.canonical, self._country_name)
        return own is not None and own[1] is not None

    def _person_candidates(self, name: str, mentions: Sequence[EntityMention]) -> set[str]:
        given, surname = person_parts(name)
        if given:
            return set(self._by_key.get(("PERSON", name_key(name)), set())) or self._fitting(name)
        local = {
            m.entity_id
            for m in mentions
            if m.label == "PERSON"
            and m.entity_id in self._records
            and surname in self._records[m.entity_id].surnames
        }
        same = {m.entity_id for m in mentions if m.entity_id in local and m.text == name}
        if len(local) > 1 and len(same) == 1:  # the one the article's own "Scott" mentions are
            return same
        if local or not _across_articles(name):
            return local
        return set(self._by_surname.get(surname, set()))


def _deferred(label: str, surface: str) -> bool:
    """Whether a span waits for the whole article: a lone surname or an acronym."""
    if label == "PERSON" or (label in SURNAME_LABELS and len(surface.split()) == 1):
        return True
    return label in PLACE_LABELS and is_acronym(surface)


def _gender(record: _Record) -> str | None:
    """The gender a person's given names tell; ``None`` when they tell none, or disagree."""
    found = {g for key in record.given if key and (g := given_key_gender(key))}
    return found.pop() if len(found) == 1 else None


def _head_key(name: str) -> str:
    """The key of a name's last word: "Tessaly Brigades" -> "brigades"."""
    words = name.split()
    return name_key(words[-1]) if words else ""


def _given_fits(given: str, known: set[str]) -> bool:
    """Whether a first name fits the first names an entity is known by: any fits an entity known by its
    surname only; otherwise the same name or its initial ("S. Lavrov" fits "Sergei Lavrov")."""
    if not known or known == {""}:
        return True
    return any(
        g == given or (len(g) == 1 and given.startswith(g)) or (len(given) == 1 and g.startswith(given))
        for g in known
        if g
    )


def _middle_fits(middle: str, known: set[str]) -> bool:
    """Whether a name's middle initials fit an entity's: either has none, or they are the same ("George
    H.W. Bush" is not "George W. Bush", "George Bush" may be either)."""
    known = known - {""}
    return not middle or not known or middle in known


def _suffix_fits(suffix: str, known: set[str]) -> bool:
    """Whether a generational suffix fits an entity's full names: "Donald Trump Jr." is not "Donald
    Trump", nor the other way round; an entity known by its surname only takes either."""
    return not known or suffix in known


def _across_articles(surface: str) -> bool:
    """Whether a lone surname may name a person of another article: not when written in capitals, as
    transcripts label their speakers ("WALLACE:" is Fox's Chris Wallace, though the corpus knows only the
    governor George Wallace): such a label says nothing of who is meant beyond its own article."""
    return not surface.isupper()


_SENTENCE_OPENING = re.compile(r"(?:^|[.!?][\"”’')]?\s+|\n\s*|[\"“‘]\s*)$")


def _common_word_opening(text: str, start: int, end: int) -> bool:
    """Whether a one-word span is a common word capitalised because it opens a sentence ("Bank
    executives aren't", "Superdelegates should", "Coal miners are"): the article writes it in lower
    case elsewhere and never capitalised inside a sentence. "Trump" opening a sentence stays a name
    where "trump Trump" is also written: the capitalised use inside a sentence says so."""
    word = text[start:end]
    if " " in word or not word[:1].isupper() or word.isupper():
        return False
    if not _SENTENCE_OPENING.search(text, max(0, start - 4), start) and start != 0:
        return False
    lower = re.escape(word.casefold())
    if not re.search(rf"(?<=\s){lower}(?=[\s,;:!?)]|\.(?:\s|$))", text):
        return False
    inside = re.compile(rf"(?<=[\w,;)] ){re.escape(word)}(?![\w-])")
    return inside.search(text) is None


def _generic_head(surface: str) -> bool:
    """Whether a one-word organisation is a generic head noun ("State", "House": ``data/generic_heads.txt``),
    which stands for many organisations, not for the one of the article whose name ends with it."""
    return trim_text(surface).rstrip(".").casefold() in word_set("generic_heads.txt")


def _person_name(text: str, span: _Span) -> str | None:
    """The person's name a PERSON span holds, without its titles; a headline word before a known given
    name is cut from the span too ("Billionaire Donald Trump" -> "Donald Trump"); ``None`` for a span
    that is no one's name ("Clinton Cash Debunks Hillary", "Just Gave Hillary Some")."""
    name = strip_titles(text[span.start : span.end])
    found = _plausible_person(name)
    if found is not None and found != name:
        tokens = list(re.finditer(r"\S+", text[span.start : span.end]))
        span.start += tokens[-len(found.split())].start()
    return found


def _plausible_person(name: str) -> str | None:
    """``name`` when it may be a person's, the part of it from a known given name on when the words before
    are no names, ``None`` when it holds a word no name holds. Conservative: a name that starts with a known
    given name or an initial is kept whatever follows, and one of unknown words ("Corey Lewandowski")
    too."""
    words = name.split()
    if len(words) < 2 or _name_start(words[0]):
        return name
    for i in range(1, len(words) - 1):
        if given_key_gender(name_key(words[i])) is not None:
            rest = words[i:]
            return None if any(map(_not_a_name_word, rest)) else " ".join(rest)
    return None if any(map(_not_a_name_word, words)) else name


def _given_name_last(name: str) -> bool:
    """Whether a name ends with a known given name but does not begin with one ("Stop Hillary", "Crooked
    Hillary"): its last word is no surname, and a bare "Hillary" must not become that "person"."""
    words = name.split()
    return len(words) > 1 and given_key_gender(name_key(words[-1])) is not None and not _name_start(words[0])


def _name_start(word: str) -> bool:
    """Whether a word may begin a person's name for sure: a known given name or an initial ("J.")."""
    return bool(_INITIAL.fullmatch(word)) or given_key_gender(name_key(word)) is not None


def _not_a_name_word(word: str) -> bool:
    """A word no person's name holds: a common English word (``data/common_words.txt``), a lower-case
    word that is no particle ("matchup", but not "de"), a possessive ("Cruz's"), digits or a handle."""
    bare = word.strip(",;:").casefold()
    return (
        bare.rstrip(".") in word_set("common_words.txt")
        or (word.isalpha() and word.islower() and bare not in NAME_PARTICLES)
        or bare.endswith(("'s", "’s"))
        or any(ch.isdigit() or ch == "@" for ch in word)
    )


def _better_name(record: _Record, name: str) -> bool:
    """Whether ``name`` should replace a record's canonical name. A full name (two words or more) beats a
    shorter one; among full names the more frequent wins, more words only breaking a tie ("Barack Obama",
    not one quote's "B. Hussein Obama"). A settled record moves only to a name clearly more frequent."""
    new = _name_score(name, record.forms[name])
    now = _name_score(record.canonical, record.forms.get(record.canonical, 0))
    if not record.settled or new[0] != now[0]:
        return new > now
    return record.forms[name] >= max(SETTLED_MIN, SETTLED_RATIO * now[1])


def _name_score(form: str, count: int) -> tuple[int, int, int, int, str]:
    """(full name, count, words, fewer capitals, form): larger is the better canonical name."""
    words = len(TOKEN.findall(form))
    return (min(words, 2), count, words, -sum(ch.isupper() for ch in form), form)


def _nicknamed(text: str, ner_spans: Sequence[tuple[int, int, str]]) -> list[tuple]:
    """Span candidates for a person named with a nickname, which the model cuts at the quotation marks
    ("Robert C. \"Bobby" and "Scott"): from the start of its person span to the surname."""
    out = []
    for start, end in nicknamed_names(text):
        begins = [s for s, e, label in ner_spans if label == "PERSON" and s < end and e > start]
        if begins:
            start = min(begins)
            out.append((end - start, 1, start, end, "PERSON", None, None))
    return out


def campaign_name(person: str) -> str:
    """The organisation a person's campaign is: "Donald Trump" → "Trump campaign"."""
    return f"{person.split()[-1]} campaign"


def _campaigns(text: str, ner_spans: Sequence[tuple[int, int, str]]) -> list[tuple]:
    """Span candidates (as ``_spans`` ranks them) for a person's campaign: "Donald Trump's campaign" and
    "the Clinton campaign" are the organisations "Trump campaign" and "Clinton campaign" (the model tags
    the surname before "campaign" as often an organisation as a person)."""
    out = []
    for start, end, label in ner_spans:
        if label not in ("PERSON", "ORG"):
            continue
        start, end = trim_span(text, start, end)
        words = text[start:end].replace("’s", "").replace("'s", "").split()
        found = _CAMPAIGN.match(text, end) if words else None
        if found is None or not words[-1][:1].isupper():
            continue
        entry = AliasEntry(campaign_name(words[-1]), "ORG")
        person = (start, end) if len(words) > 1 and label == "PERSON" else None  # not "Trump's campaign"
        out.append((found.end() - start, 0, start, found.end(), "ORG", entry, person))
    return out
