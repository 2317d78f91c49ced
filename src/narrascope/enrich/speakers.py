"""From attributions to statements: resolve each source to a canonical speaker and a role.

A source as written is one of:
- a name or a phrase holding one ("Russian Foreign Minister Sergey Lavrov", "Syrian state news agency SANA"):
  the entity mention at the head of the phrase is the speaker, the words before it the role;
- a relative pronoun ("the Syrian government, which characterized …"): the name just before it;
- a pronoun ("he said"): the most recent person who spoke, else the most recent person mentioned, of a
  gender that fits (``enrich.gender``: "Mr. Obama" is no "she"); a person brought in unnamed ("a
  spokesman for the company said … He added") counts, and leaves the statement without a canonical
  speaker rather than with someone named earlier;
- a definite description ("the minister", "Russia's top diplomat"): the most recent person whose role
  shares the description's head noun, else the most recent person who spoke; "the" and a noun naming
  an organisation ("the fund", "the alliance": ``data/organisation_nouns.txt``) is the latest
  organisation that spoke, else was named, whose name holds the noun; "it" is the organisation that
  made the statement just before (within ``IT_REACH`` characters);
- a generic description ("a US military official", "sources"): kept as written, with no entity;
- any other phrase is looked up as a name, with the article's mentions (a lone surname is the person of
  the article first); a pronoun or determiner ("I", "you", "this": ``data/pronouns.txt``) never is.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol

from narrascope.enrich.attribution import Attribution, load_lexicon
from narrascope.enrich.entities import EntityMention, campaign_name
from narrascope.enrich.gender import (
    PRONOUN_GENDER,
    compatible,
    gendered_words,
    given_name_gender,
    mention_gender,
    phrase_gender,
)
from narrascope.enrich.institutions import load_institutions
from narrascope.enrich.names import is_pronoun, strip_titles, titles
from narrascope.model import Entity, Span, Statement, parts_field
from narrascope.patterns import word_set
from narrascope.places import fold, load_gazetteer
from narrascope.sentences import split_sentences

GROUP = "GROUP"  # several people spoke: "they" is them, and names no one entity
PRONOUNS = {"he": "PERSON", "she": "PERSON", "him": "PERSON", "her": "PERSON", "they": GROUP, "it": "ORG"}
RELATIVE_PRONOUNS = frozenset(("who", "which", "that"))
LABEL_PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}
DEFINITE = re.compile(r"^(?:the|this|that|[A-Z][\w.-]*'s|[A-Z][\w.-]*’s)\s+", re.I)
_POSSESSIVE = re.compile(r"([A-Z][\w.-]*)['’]s?")
LEADING_DETERMINER = re.compile(r"^(?:the|a|an)\b\s*", re.I)
PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|of|from|at|for|on|with|by|to|near|inside|outside|below|above|under|over|across|around|behind"
    r"|beyond|among|within|along)\s+(?:the\s+)?$",
    re.I,
)
# a weekday said after the source's name (not datelines' time words, which read "USA TODAY" as a time)
_TRAILING_DAY = re.compile(
    r"\s+(?:(?:early|late)\s+)?(?:on\s+)?(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?:\s+(?:morning|afternoon|evening|night))?$"
)
_CAMPAIGN_OF = re.compile(r"(his|her)\s+(?:presidential\s+)?campaign", re.I)
_NAME_WORD = re.compile(r"[^\W_]+")
_TITLE_DOT = re.compile(
    r"\b(Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Cmdr|Pres|Sec|Amb|Atty|Supt|Insp|Dr|Prof|Rev)\."
)
# What may stand between a name and the relative pronoun that hangs on it (``_relative_antecedent``)
_DESCRIBES_NAME = re.compile(
    r"[\s,—–-]*"  # nothing but punctuation
    r"|\s*,\s*(?:now\s+)?(?:the|a|an|his|her|its|their|[A-Z][\w.’'-]*)\b[^,;:!?\"“”()]{0,100}?,?\s*"  # apposition
    r"|\s+(?:of|from)\s+[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*\s*,?\s*"  # "of Vermont,"
    r"|\s*\([^()]{1,20}\)\s*,?\s*"  # "(R-Ky.),"
    r"|\s+(?:is|was)\s+(?:the|a|an|one\s+of\s+the)\b[^,;:!?\"“”()]{0,80}"  # "is the state attorney"
)
_INDEFINITE = re.compile(r"(?:an?|one|another)\s", re.IGNORECASE)
_OWNER_AFTER = re.compile(r"\s*['’]s?\b")
_TITLE_BEFORE = re.compile(r"(?:\b[A-Z][a-z]{1,3}\.\s*)+$")  # "to Mr. ", "of Dr. "
_DESCRIPTION = re.compile(r",|\s(?:who|whom|whose|which|that)\s", re.I)
_QUALIFIER = re.compile(r",|\s(?:for|of|at|who|whom|which|that|with|in|from|to)\s", re.I)
# Words that end a phrase short of the name ("Larry King and", "Minister of"), or only say "Mr."
ROLE_TAIL = frozenset(("and", "or", "of", "for", "the", "with", "to", "by", "from", "at", "in"))
HONORIFICS = frozenset(("mr", "mrs", "ms", "miss", "mx", "dr", "prof"))
MAX_ROLE_WORDS = 10
# Between a title the source stops at and the name it goes on to: a word or two of the title, no verb
# or pronoun ("Senator from Texas says he cannot allow Clinton …" is no title of Clinton's)
NAME_GAP_WORDS = 2
_NAME_GAP = re.compile(
    r"(?!(?:he|she|they|it|we|says|said|told|also|has|had|was|is|will|would)\b)[\w-]+", re.I
)
IT_REACH = 400  # characters from an organisation's statement within which "it" is that organisation


class Lookup(Protocol):
    def lookup(
        self, name: str, label: str | None = None, mentions: Sequence[EntityMention] = ()
    ) -> Entity | None: ...


@dataclass(slots=True)
class _Speaker:
    entity_id: str | None
    name: str | None
    label: str | None
    role: str | None
    gender: str | None = None


def statement_id(article_id: str, cue_start: int, content_start: int) -> str:
    return hashlib.sha1(f"{article_id}:{cue_start}:{content_start}".encode()).hexdigest()[:16]


def build_statements(
    article_id: str,
    text: str,
    attributions: Sequence[Attribution],
    mentions: Sequence[EntityMention],
    resolver: Lookup,
) -> list[Statement]:
    """Statements of one article, in text order, each with its canonical speaker when one is found."""
    ordered = sorted(attributions, key=lambda a: (a.cue.start, a.content.start))
    by_position = sorted(mentions, key=lambda m: m.start)
    roles = _roles_from_text(text, by_position)
    genders = _genders(text, by_position)
    subjects = _Subjects(text, by_position, genders)
    spoken: list[tuple[int, _Speaker]] = []  # (cue position, speaker) of earlier statements
    statements = []
    seen_ids: set[str] = set()
    previous: tuple[Attribution, _Speaker] | None = None
    for attribution in ordered:
        speaker = _resolve(attribution, text, by_position, spoken, roles, genders, subjects, resolver)
        if previous is not None and _relays(attribution, previous[0], text):
            speaker = previous[1]  # '"…," Lavrov said, according to TASS. "…"': Lavrov's words, TASS's report
        previous = (attribution, speaker)
        if speaker.entity_id and speaker.role:
            roles.setdefault(speaker.entity_id, speaker.role)
        if speaker.entity_id and not speaker.role:
            speaker.role = roles.get(speaker.entity_id)
        if speaker.entity_id or _unnamed_person(attribution.source) or speaker.label == GROUP:
            spoken.append((attribution.cue.start, speaker))
        if speaker.label in (None, "PERSON") and _plural(attribution.source, by_position):
            spoken.append((attribution.cue.start, _Speaker(None, None, GROUP, None)))  # what "they" is now
        sid = statement_id(article_id, attribution.cue.start, attribution.content.start)
        if sid in seen_ids:
            continue
        seen_ids.add(sid)
        source = attribution.source
        statements.append(
            Statement(
                id=sid,
                article_id=article_id,
                kind=attribution.kind,
                speaker=source.text if source else "",
                cue=attribution.cue.text,
                content=attribution.content.text,
                content_start=attribution.content.start,
                content_end=attribution.content.end,
                cue_start=attribution.cue.start,
                cue_end=attribution.cue.end,
                sentence_start=attribution.sentence.start,
                sentence_end=attribution.sentence.end,
                speaker_start=source.start if source else None,
                speaker_end=source.end if source else None,
                speaker_entity_id=speaker.entity_id,
                speaker_name=speaker.name,
                role=speaker.role,
                content_parts=parts_field([(p.start, p.end) for p in attribution.content_parts]),
            )
        )
    return statements


def _relays(attribution: Attribution, before: Attribution, text: str) -> bool:
    """Whether an "according to X" only names who reported the statement just before it, in the same
    sentence with nothing but a comma between ("Lavrov said, according to TASS")."""
    if attribution.kind != "according_to" or before.source is None:
        return False
    if not before.cue.end <= attribution.cue.start < before.sentence.end:
        return False
    return text[before.cue.end : attribution.cue.start].strip(" ,") == ""


def _resolve(
    attribution: Attribution,
    text: str,
    mentions: Sequence[EntityMention],
    spoken: list[tuple[int, _Speaker]],
    roles: dict[str, str],
    genders: dict[str, str],
    subjects: _Subjects,
    resolver: Lookup,
) -> _Speaker:
    source = attribution.source
    if source is None:
        return _Speaker(None, None, None, None)
    phrase = source.text.strip()
    lowered = phrase.casefold()
    if lowered in RELATIVE_PRONOUNS:  # "the Syrian government, which characterized it as …"
        return _relative_antecedent(source, attribution.sentence.start, text, mentions, genders)
    if lowered in PRONOUNS:
        wanted = PRONOUN_GENDER.get(lowered)
        found = _antecedent(source.start, PRONOUNS[lowered], wanted, mentions, spoken, genders)
        if wanted is None:
            return found
        # a quotation goes on with its speaker; what the text says of someone goes on with its subject
        cues = None if attribution.kind == "direct" else [position for position, _ in spoken]
        return (
            subjects.continued(source.start, wanted, found.gender == wanted, cues, found.name is not None)
            or found
        )
    head = _head_mention(source, mentions)
    role = None
    if head is None and (head := _name_after(source, text, mentions, attribution.cue)) is not None:
        # the title up to the name, unless the article gave the person a fuller one
        role = roles.get(head.entity_id or "") or _clean_role(text[source.start : head.start])
    if head is not None:
        role = role or _role_around(source, head)
        return _Speaker(head.entity_id, head.canonical, head.label, role, genders.get(head.entity_id))
    if owner := _CAMPAIGN_OF.fullmatch(phrase):  # "his campaign": the campaign of a candidate named before
        return _campaign(source.start, PRONOUN_GENDER.get(owner[1].casefold()), mentions, genders, resolver)
    if DEFINITE.match(phrase):
        words = phrase.split()
        noun = words[-1].casefold()
        if noun == "campaign" and len(words) == 2 and (owner := _POSSESSIVE.fullmatch(words[0])):
            # "Kasich's campaign": Kasich's, or no one where it is not known, never another's
            campaign = resolver.lookup(campaign_name(owner[1]), label="ORG")
            if campaign is None:
                return _Speaker(None, None, None, None)
            return _Speaker(campaign.id, campaign.name, campaign.type, None)
        if (
            noun == "campaign"
            and len(words) == 2
            and (found := _the_campaign(source.start, text, mentions, spoken, resolver))
        ):
            return found
        if (
            noun in word_set("organisation_nouns.txt") and len(words) == 2
        ):  # "the company", not "the city council"
            return _organisation(source.start, noun, mentions, spoken)
        if noun in _document_kinds() and len(words) == 2:  # "the poll", "the statement"
            return _author(source.start, noun, text, mentions)
        person_noun = (
            (noun,) in titles()
            or noun in word_set("person_nouns.txt")
            or noun in noun_table("role_synonyms.txt")
        )
        for _, earlier in reversed(spoken if person_noun else ()):  # "the state" is no Secretary of State
            if earlier.role and _role_fits(words, earlier.role):
                return _Speaker(earlier.entity_id, earlier.name, earlier.label, None, earlier.gender)
        for entity_id, role in roles.items() if person_noun else ():
            if _role_fits(words, role):
                before = (
                    m for m in reversed(mentions) if m.entity_id == entity_id and m.start < source.start
                )
                mention = next(before, None)
                if mention is not None:
                    return _Speaker(entity_id, mention.canonical, mention.label, None, genders.get(entity_id))
    # a description with a clause names no one by its last word ("the designer, who works for another
    # brand at G-III" is not G-III)
    described = _DESCRIPTION.search(phrase)
    entity = None if described else _lookup(LEADING_DETERMINER.sub("", phrase), mentions, resolver)
    if entity is not None and compatible(phrase_gender(phrase), genders.get(entity.id)):  # "Mr. Khan"
        return _Speaker(entity.id, entity.name, entity.type, None, genders.get(entity.id))
    if _unnamed_person(source):
        return _Speaker(None, None, "PERSON", None, phrase_gender(phrase))
    return _Speaker(None, None, None, None)


def _campaign(
    position: int,
    gender: str | None,
    mentions: Sequence[EntityMention],
    genders: dict[str, str],
    resolver: Lookup,
) -> _Speaker:
    """The campaign "his" or "her" owns: that of the latest person named before it, of a fitting gender,
    whose campaign is a known organisation ("Trump campaign"); the pronoun alone cannot say whose."""
    for mention in reversed(mentions):
        known = genders.get(mention.entity_id or "")
        if mention.end > position or mention.label != "PERSON" or not compatible(gender, known):
            continue
        campaign = resolver.lookup(campaign_name(mention.canonical), label="ORG")
        if campaign is not None:
            return _Speaker(campaign.id, campaign.name, campaign.type, None)
    return _Speaker(None, None, None, None)


def _the_campaign(
    position: int,
    text: str,
    mentions: Sequence[EntityMention],
    spoken: list[tuple[int, _Speaker]],
    resolver: Lookup,
) -> _Speaker | None:
    """ "The campaign": the campaign that spoke last, where it spoke just before (within ``IT_REACH``), else the campaign of a
    candidate who just spoke or opened a sentence just before, after that campaign spoke ("Hillary
    Clinton plans to call … The campaign says" is hers, though the Trump campaign spoke before; a
    candidate named in passing is not: "Trump's comments aren't a joke," the campaign wrote), else the
    campaign that spoke last. None where neither is known."""
    said = next(
        (
            (at, s)
            for at, s in reversed(spoken)
            if s.label == "ORG" and s.name and "campaign" in s.name.casefold().split()
        ),
        None,
    )
    if said is not None and position - said[0] <= IT_REACH:
        return _Speaker(said[1].entity_id, said[1].name, said[1].label, None)
    since = -1 if said is None else said[0]
    near = max(since, position - IT_REACH)
    people = [
        (m.start, m.canonical)
        for m in mentions
        if m.label == "PERSON" and near < m.start and m.end <= position and _opens_sentence(m.start, text)
    ]
    people += [(at, s.name) for at, s in spoken if s.label == "PERSON" and s.name and near < at < position]
    for _, name in sorted(people, reverse=True):
        if campaign := resolver.lookup(campaign_name(name), label="ORG"):
            return _Speaker(campaign.id, campaign.name, campaign.type, None)
    return None if said is None else _Speaker(said[1].entity_id, said[1].name, said[1].label, None)


_SENTENCE_OPENER = re.compile(
    r"(?:^|(?<![A-Z][a-z])(?<![A-Z][a-z]{2})[.!?][\"”’']?\s+|\n)(?:(?:but|and|so|yet)\s+)?(?:[A-Z][\w.’'-]*\s+)*$"
)


def _opens_sentence(start: int, text: str) -> bool:
    """Whether a name opens its sentence, after capitalised words at most ("But Vermont Sen. Bernie
    Sanders"; the period of a title ends no sentence): the subject, not a name in passing ("… out of
    Sanders' reach", "a challenge from Vermont Sen. Bernie Sanders")."""
    return _SENTENCE_OPENER.search(text[max(0, start - 80) : start]) is not None


def _lookup(phrase: str, mentions: Sequence[EntityMention], resolver: Lookup) -> Entity | None:
    """The entity a source phrase names as a whole, read against the article's mentions (a lone surname
    is the person of the article first); a pronoun or determiner ("I", "you", "this") names none."""
    if is_pronoun(phrase):
        return None
    return resolver.lookup(phrase, mentions=mentions)


def _role_fits(description: list[str], role: str) -> bool:
    """Whether a description ("the Florida senator") fits a role: its head noun is one of the role's words,
    or the role holds a title the noun stands for ("Russia's top diplomat" is the foreign minister, "the
    senator" is "Sen." Sanders: ``data/role_synonyms.txt``), and a place it names is the role's, where the
    role names one ("the Florida senator" is no "Vermont Senator")."""
    noun = description[-1].casefold()
    words = f" {' '.join(w.strip('.,') for w in role.casefold().split())} "
    synonyms = noun_table("role_synonyms.txt").get(noun, ())
    if f" {noun} " not in words and not any(f" {title} " in words for title in synonyms):
        return False
    named, held = _places(description[:-1]), _places(role.split())
    return not named or not held or any(_same_place(a, b) for a in named for b in held)


Place = tuple[str, str]  # a place's folded name and its country's


def _places(words: list[str]) -> set[Place]:
    """The places capitalised words name, a pair before its words ("New Jersey", not "Jersey"), a
    demonym as its country ("Russian": Russia)."""
    gazetteer, demonyms = load_gazetteer(), load_institutions().demonyms
    bare = [w.strip(".,’'").removesuffix("’s").removesuffix("'s") for w in words]
    found, taken = set(), set()
    for size in (2, 1):
        for i in range(len(bare) - size + 1):
            at = set(range(i, i + size))
            if at & taken or not all(w[:1].isupper() for w in bare[i : i + size]):
                continue
            name = fold(" ".join(bare[i : i + size]))
            if country := demonyms.get(name):
                found.add((fold(country), fold(country)))
            elif country := gazetteer.country_of(name):
                found.add((name, fold(country)))
            else:
                continue
            taken |= at
    return found


def _is_place(name: str) -> bool:
    """Whether the whole name is a place of the gazetteer or a demonym ("South Carolina", "Russian")."""
    folded = fold(name)
    return folded in load_institutions().demonyms or load_gazetteer().country_of(folded) is not None


def _same_place(a: Place, b: Place) -> bool:
    """The same place, or a country and a place in it ("American" fits "Vermont Senator")."""
    return a[0] == b[0] or (a[1] == b[1] and a[1] in (a[0], b[0]))


# In ``organisation_kinds.txt``: the noun may also be the latest organisation that spoke whose name makes
# it no other kind there
ANY_THAT_SPOKE = "*spoke"


@cache
def noun_table(resource: str) -> dict[str, tuple[str, ...]]:
    """A shipped table of description nouns (``data/<resource>``: a noun, a tab, words separated by "|"):
    ``role_synonyms.txt`` (the titles a noun stands for: "diplomat" → foreign minister…),
    ``organisation_kinds.txt`` (words whose presence in a name makes an organisation of that kind:
    "agency" → department, bureau…)."""
    return {
        noun: tuple(w.strip().casefold() for w in words.split("|")) for noun, words in _tab_rows(resource)
    }


def _tab_rows(resource: str) -> list[tuple[str, str]]:
    """The (key, value) rows of a shipped tab-separated table (``data/<resource>``, ``#`` comments)."""
    text = resources.files("narrascope").joinpath(f"data/{resource}").read_text("utf-8")
    pairs = (line.split("\t", 1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return [(key.strip(), value.strip()) for key, value in pairs]


def _relative_antecedent(
    source: Span, sentence_start: int, text: str, mentions: Sequence[EntityMention], genders: dict[str, str]
) -> _Speaker:
    """What "who", "which" or "that" stands for: the name the relative clause hangs on, in its sentence.
    That is the name just before it ("the Syrian government, which characterized …", "Trump, who said
    …"), or, past what only describes that name, the name before: an apposition ("Matt Duss, the president
    of the Foundation for Middle East Peace, who"), a place or party ("Senator Bernie Sanders of Vermont,
    who"; "Mitch McConnell (R-Ky.), who") or a copula ("Angela Corey is the state attorney who"). "who"
    takes a person only; "which" and "that" anything else. Else no one."""
    person = source.text.strip().casefold() == "who"
    before = [m for m in mentions if sentence_start <= m.start and m.end <= source.start]
    if before and not text[before[-1].end : source.start].strip(" ,\u00a0\n"):
        m = before[-1]
        if not person or m.label == "PERSON":
            return _Speaker(m.entity_id, m.canonical, m.label, None, genders.get(m.entity_id or ""))
    for m in reversed(before):
        if (m.label == "PERSON") != person:
            continue
        if _DESCRIBES_NAME.fullmatch(text[m.end : source.start]):
            return _Speaker(m.entity_id, m.canonical, m.label, None, genders.get(m.entity_id or ""))
        break  # only the nearest name of the right kind: one further back is another clause's
    return _Speaker(None, None, None, None)


def _plural(source: Span | None, mentions: Sequence[EntityMention]) -> bool:
    """Whether a source phrase names several people: a plural person noun ("show insiders", "McConnell
    aides", "top black lawmakers") or two people joined ("Mr. Grassley and Mr. Leahy")."""
    if source is None:
        return False
    people = [m for m in mentions if source.start <= m.start and m.end <= source.end and m.label == "PERSON"]
    if len(people) >= 2 and re.search(r"\band\b|&", source.text):
        return True
    head = _head_word(source)
    if not head.islower():
        return False
    return head == "people" or (head.endswith("s") and _describes_person_noun(head[:-1]))


def _unnamed_person(source: Span | None) -> bool:
    """Whether a source phrase brings in one person it does not name ("a spokesman for the company", "one
    senior official"); a definite one ("the minister", "Russia's top diplomat") is someone already met."""
    return source is not None and bool(_INDEFINITE.match(source.text.strip())) and _describes_person(source)


def _describes_person(source: Span) -> bool:
    """Whether a source phrase's head noun is one person's ("official", "spokeswoman", "minister")."""
    head = _head_word(source)
    return bool(head) and _describes_person_noun(head.casefold())


def _head_word(source: Span) -> str:
    """The last word of a source phrase before its qualifier ("spokesman" of "a spokesman for the
    company"), as written; "" when it has none."""
    words = re.findall(r"[^\W\d_]+", _QUALIFIER.split(source.text, maxsplit=1)[0])
    return words[-1] if words else ""


def _describes_person_noun(head: str) -> bool:
    return head in word_set("person_nouns.txt") or head in gendered_words() or (head,) in titles()


def _genders(text: str, mentions: Sequence[EntityMention]) -> dict[str, str]:
    """Each person's gender as the article tells it: honorifics before their mentions ("Mrs. Clinton"),
    else their given name; a person the text calls both is left out."""
    said: dict[str, set[str]] = {}
    for m in mentions:
        if m.label != "PERSON" or m.entity_id is None:
            continue
        told = mention_gender(text, m.start, m.end)
        if told:
            said.setdefault(m.entity_id, set()).add(told)
    for m in mentions:
        if m.label == "PERSON" and m.entity_id and m.entity_id not in said:
            given = given_name_gender(m.canonical)
            if given:
                said[m.entity_id] = {given}
    return {entity_id: found.pop() for entity_id, found in said.items() if len(found) == 1}


def _head_mention(source: Span, mentions: Sequence[EntityMention]) -> EntityMention | None:
    """The mention that names the source: a person anywhere in it; an organisation or place only where
    it ends the phrase or is the whole phrase ("SANA", "the Kremlin", but not the "US" of "a US official")."""
    inside = [m for m in mentions if m.start >= source.start and m.end <= source.end]
    if not inside:
        return None
    comma = source.text.find(",")
    head_zone = source.start + comma if comma > 0 else source.end  # "Name, role": the name is before it
    people = [
        m
        for m in inside
        if m.label == "PERSON"
        and m.start < head_zone
        and not _OWNER_AFTER.match(source.text, m.end - source.start)
        and not _after_preposition(source, m)
    ]  # not "Pagliano's lawyer" or "advisers to Mr. Obama": they name someone else
    if people:
        return people[-1]  # "Title Name": the name ends the head ("Velorian Deputy Minister Pavel Orlan")
    if comma > 0:  # "Her brother, Karl Ostra, a former director": the name in apposition to a description
        named = next((m for m in inside if m.label == "PERSON" and m.start >= head_zone), None)
        if named is not None and not source.text[comma + 1 : named.start - source.start].strip():
            return named
    tail = _TRAILING_DAY.sub("", source.text.rstrip(" ,.;:"))  # "The Sanders campaign on Monday"
    tail_end = source.start + len(tail)
    enders = [
        m
        for m in inside
        if (m.end >= tail_end - 1 or _before_apposition(source, m)) and not _after_preposition(source, m)
    ]
    if not enders:
        return None
    return min(enders, key=lambda m: (LABEL_PRIORITY.get(m.label, 9), -(m.end - m.start)))


def _name_after(
    source: Span, text: str, mentions: Sequence[EntityMention], cue: Span
) -> EntityMention | None:
    """A person named right after a title the source stops at ("US special representative for Syria |
    engagement James Jeffrey"): the source was cut short of its name. Not past the cue ("A staffer
    emailed Mills": Mills is who was emailed)."""
    if not _describes_person(source):
        return None
    for m in mentions:
        if source.end <= cue.start < m.end:
            return None
        if m.start >= source.end:
            gap = text[source.end : m.start].split()
            fits = (
                m.label == "PERSON"
                and len(gap) <= NAME_GAP_WORDS
                and all(_NAME_GAP.fullmatch(w) for w in gap)
            )
            return m if fits else None
    return None


def _after_preposition(source: Span, mention: EntityMention) -> bool:
    """ "advisers to Mr. Obama", "the embassy in Moscow": the name is the object of a preposition."""
    return bool(PREPOSITION_BEFORE.search(_TITLE_BEFORE.sub("", source.text[: mention.start - source.start])))


def _before_apposition(source: Span, mention: EntityMention) -> bool:
    """ "SANA, the state news agency": the name before a comma heads the phrase."""
    rest = source.text[mention.end - source.start :]
    return mention.start == source.start and rest.lstrip().startswith(",")


def _role_around(source: Span, head: EntityMention) -> str | None:
    """The words of the source phrase before the name ("Russian Foreign Minister"), or an apposition
    after it ("Sergei Ryabkov, Russia's deputy foreign minister")."""
    before = source.text[: head.start - source.start].strip(" ,")
    before = LEADING_DETERMINER.sub("", before).strip()
    after = source.text[head.end - source.start :].strip()
    after = LEADING_DETERMINER.sub("", after.strip(" ,")).strip() if after.startswith(",") else ""
    for candidate in (_clean_role(before), _clean_role(after)):
        if candidate and len(candidate.split()) <= MAX_ROLE_WORDS and re.search(r"[A-Za-z]", candidate):
            return candidate
    return None


def _clean_role(role: str) -> str:
    """A role without the sentence's words around it ("But Syrian Democratic Council spokeswoman" →
    "Syrian Democratic Council spokeswoman"); "" where the words before the name are another name ("Larry
    King and [Ed Schultz]") or an honorific alone ("Mr."), which says nothing of what the person does."""
    words = role.split()
    while words and _bare(words[-1]) in HONORIFICS:
        words.pop()  # "Both Mr. King and Mr. [Schultz]": the honorific is the name's, not a role
    if words and words[-1].casefold() in ("and", "or", "&"):
        return ""
    words = _after_other_person(words)
    while words and _bare(words[0]) in word_set("role_noise.txt"):
        words.pop(0)
    while words and _bare(words[0]) in ROLE_TAIL:
        words.pop(0)  # "[a speech] of President [Obama]", "[voted] for Sen. [Sanders]"
    words = _described(words)
    while words and (_bare(words[-1]) in ROLE_TAIL | HONORIFICS or not words[-1].strip(",.;:—–-")):
        words.pop()
    return " ".join(_abbreviations().get(w.casefold(), w) for w in words).strip(" ,;:")


def _after_other_person(words: list[str]) -> list[str]:
    """The words after "and" where another person is named before it: "Ambassador John Bolton and
    Breitbart News National Security editor [Aaron Klein]" → "Breitbart News National Security editor";
    "combat veteran and former CIA officer" stays whole. Nothing where the words end with another person's
    title and name ("Democratic presidential candidate Hillary Clinton['s daughter Chelsea]"); "spokeswoman
    for Donald Trump" is a role. A person is a given name and a capitalised word."""

    def person(i: int) -> bool:  # words[i - 2 : i] name someone: "Hillary Clinton", not "Ambassador John"
        return i >= 2 and words[i - 1][:1].isupper() and given_name_gender(words[i - 2]) is not None

    if person(len(words)) and (len(words) == 2 or _bare(words[-3]) not in ROLE_TAIL):
        return []
    for i in range(len(words) - 1, 1, -1):
        if words[i].casefold() == "and" and person(i):
            return words[i + 1 :]
    return words


# "who is now chairman of …": the clause's complement is the role; "who spent Saturday …" has none
_DESCRIBED = re.compile(
    r"^(?:is|was|has\s+been|had\s+been|will\s+be)\s+(?:now\s+|then\s+|also\s+)?(?:the\s+|an?\s+)?(\S.*)$",
    re.IGNORECASE,
)


def _described(words: list[str]) -> list[str]:
    """A relative clause as a role: what "who is …" says the person is, else nothing."""
    if not words or words[0].casefold() != "who":
        return words
    found = _DESCRIBED.match(" ".join(words[1:]))
    return found.group(1).split() if found else []


@cache
def _abbreviations() -> dict[str, str]:
    """``data/title_abbreviations.txt``: "sen." → "Senator"."""
    return {f"{short.casefold()}.": title for short, title in _tab_rows("title_abbreviations.txt")}


def _bare(word: str) -> str:
    return word.casefold().strip(",.;:")


def _roles_from_text(text: str, mentions: Sequence[EntityMention]) -> dict[str, str]:
    """Roles introduced before a person's name anywhere in the article ("US Secretary of State John Kerry")."""
    roles: dict[str, str] = {}
    for mention in mentions:
        if mention.label != "PERSON" or mention.entity_id in roles:
            continue
        bare = strip_titles(mention.text)
        prefix = mention.text[: len(mention.text) - len(bare)] if mention.text.endswith(bare) else ""
        window = text[max(0, mention.start - 80) : mention.start] + prefix  # NER's "President Obama"
        window = _TITLE_DOT.sub("\\1\u2024", window)  # "Sen. Bernie Sanders": no sentence ends at "Sen."
        window = re.split(r"[.;:!?\"“”()\n]|,\s", window)[-1].replace("\u2024", ".")
        words = window.split()
        # the trailing run of words that can make a title: capitalised words, title words, connectors
        run: list[str] = []
        vocabulary = _title_vocabulary()
        for word in reversed(words):
            if word[:1].isupper() or word.casefold().strip(".,") in vocabulary:
                run.append(word)
            else:
                break
        role = _clean_role(LEADING_DETERMINER.sub("", " ".join(reversed(run)).strip()))
        office = [w for w in role.casefold().split() if w.strip(".,") in vocabulary - ROLE_TAIL - HONORIFICS]
        capitalised = any(w[:1].isupper() for w in role.split())  # not "minister" cut from a lower-case title
        if office and capitalised and len(role.split()) <= MAX_ROLE_WORDS:  # "Meanwhile", "If": no office
            roles[mention.entity_id] = role
    return roles


@cache
def _title_vocabulary() -> frozenset[str]:
    """Every word of the shipped titles table ("deputy", "minister", "spokesperson"...), and connectors."""
    return frozenset(word for title in titles() for word in title) | {"of", "for", "and", "the"}


@cache
def _document_kinds() -> dict[str, tuple[str, ...]]:
    """Each document noun and the nouns that name the same document (``data/document_nouns.txt``)."""
    text = resources.files("narrascope").joinpath("data/document_nouns.txt").read_text("utf-8")
    kinds: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        nouns = tuple(w.strip().casefold() for w in line.split("#", 1)[0].split("|") if w.strip())
        for noun in nouns:
            kinds[noun] = tuple(dict.fromkeys(kinds.get(noun, ()) + nouns))
    return kinds


_ISSUED = (
    r"(?:(?:has|have|had|also|then|later|on\s+\w+)\s+)*"
    r"(?:issued|released|published|put\s+out|posted|sent|wrote|aired|ran|filed|unveiled|conducted|produced)"
    r"\s+(?:a|an|its|his|her|their)\s+(?:[\w-]+\s+){0,2}"
)
_FUNCTION_WORD = r"(?:a|an|the|and|or|as|at|by|for|from|in|into|of|on|to|with|that|which|who)\b"
_MODIFIER = re.compile(r"\b(?:of|for|at)\s+(?:the\s+)?(?:\w+['’]s\s+)?$")  # "The dean of Columbia's …"


@cache
def _author_patterns(noun: str) -> tuple[re.Pattern[str], ...]:
    """The ways an article names the author of a document of the noun's kind (see ``_author``): after the
    name, "<name> <noun>" and "<name> issued a <noun>"; before it, "<noun> by" and "In a <noun>, …"."""
    kinds = "|".join(re.escape(n) for n in _document_kinds()[noun])
    return (
        re.compile(rf"(?:['’]s)?(?:/[\w-]+)?\s+(?:(?!{_FUNCTION_WORD})[a-z-]+\s+)?(?:{kinds})s?\b"),
        re.compile(rf"\s+{_ISSUED}(?:{kinds})s?\b"),
        re.compile(rf"\b(?:{kinds})s?\s+(?:by|from)\s+(?:the\s+)?$"),
        re.compile(
            rf"(?:^|[.!?]\s+)(?:in|with)\s+(?:a|an|its|his|her|their)\s+(?:[\w-]+\s+)?"
            rf"(?:{kinds})s?\b[^.;:!?]{{0,80}},\s+(?:the\s+)?$"
        ),
    )


def _author(position: int, noun: str, text: str, mentions: Sequence[EntityMention]) -> _Speaker:
    """Who "the <noun>" of a document ("the poll", "the statement", "the report") speaks for: the latest
    entity named before it as the author of a document of that kind (``_document_kinds``: "A web video
    by the committee … The ad says" is the committee's): "<name> <noun>" ("the Rasmussen poll",
    "Reuters/Ipsos poll"), "<name> issued a <noun>" ("the Security Council issued a statement"), "<noun>
    by/from <name>" ("a statement from the ministry"), "In a <noun>, <name> <cue>" ("In a statement
    announcing the pick, the union called"). Not "Powell's office said in a statement" (the noun must
    follow the name), "The dean of the school published a letter" (the name is not the subject), "a poll
    of Nevada voters", "In the poll, Clinton leads", "South Carolina polls". Else no one: a document
    whose author is not named says nothing of who speaks."""
    named_before, issued, named_after, opened = _author_patterns(noun)
    cues = load_lexicon().forms
    # a place is where a document is about ("South Carolina polls"), not who wrote it; the model's
    # GPE label alone does not say so ("POLITICO's analysis")
    authors = [m for m in mentions if m.end <= position and not _is_place(m.canonical)]
    for mention in reversed(authors):
        after = text[mention.end : mention.end + 80].casefold()
        before = text[max(0, mention.start - 120) : mention.start].casefold()
        subject = not _MODIFIER.search(before)
        next_word = after.split(maxsplit=1)[0] if after.strip() else ""
        if (
            named_before.match(after)
            or (subject and issued.match(after))
            or named_after.search(before)
            or (opened.search(before) and next_word in cues)
        ):
            return _Speaker(mention.entity_id, mention.canonical, mention.label, None)
    return _Speaker(None, None, None, None)


def _organisation(
    position: int, noun: str, mentions: Sequence[EntityMention], spoken: list[tuple[int, _Speaker]]
) -> _Speaker:
    """Who "the <noun>" is: the latest organisation that spoke whose name holds the noun ("Kaldor's
    Foreign Ministry accused … The ministry said", though Vestria's defence ministry was named in
    between), else the latest one named ("the fund" after "the International Monetary Fund"). Nothing
    else: on PolNeAR dev, the latest organisation that spoke was the right one for about a quarter of the
    other descriptions ("the campaign")."""
    for _, earlier in reversed(spoken):
        if earlier.label == "ORG" and earlier.name and noun in earlier.name.casefold().split():
            return _Speaker(earlier.entity_id, earlier.name, earlier.label, None)
    named = [m for m in mentions if m.end <= position and m.label == "ORG"]
    for mention in reversed(named):
        if noun in mention.canonical.casefold().split():
            return _Speaker(mention.entity_id, mention.canonical, mention.label, None)
    kinds = noun_table("organisation_kinds.txt")
    kind = kinds.get(noun, ())
    for mention in reversed(named):
        if not _name_words(mention.canonical).isdisjoint(kind):
            return _Speaker(mention.entity_id, mention.canonical, mention.label, None)
    if ANY_THAT_SPOKE in kind:  # "the company": a business's name need not say so ("Bluewater Lines")
        other = {w for words in kinds.values() if ANY_THAT_SPOKE not in words for w in words}

        def of_no_kind(name: str) -> bool:
            return _name_words(name).isdisjoint(other)

        for at, earlier in reversed(spoken):
            if earlier.label == "ORG" and earlier.name and of_no_kind(earlier.name):
                # another such organisation named since makes it a guess ("… Procter & Gamble. The company")
                since = [m for m in named if m.start > at and m.entity_id != earlier.entity_id]
                if any(of_no_kind(m.canonical) for m in since):
                    break
                return _Speaker(earlier.entity_id, earlier.name, earlier.label, None)
    return _Speaker(None, None, None, None)


def _name_words(name: str) -> set[str]:
    return set(_NAME_WORD.findall(name.casefold()))


class _Subjects:
    """The person each sentence is about, for "he" and "she": the first person it names, where the text
    tells their gender, named outside a quotation and not as an owner ("Trump's"). A pronoun whose own
    sentence began with such a person is theirs ("Donald Trump is drawing criticism after he said"),
    though another spoke last; so is one whose sentence names no one, when the previous sentence began
    with such a person and either the last speaker's gender is not known to fit ("Rakeyia Scott can be
    heard yelling … "Don't shoot him," she says") or the statement is no quotation and the previous
    sentence reported none ("Just look at House Speaker Paul D. Ryan … In 2008, he wanted …"): a quotation
    goes on with its speaker, what the text tells of someone with its subject. A sentence that names its
    person only after the pronoun counts as naming no one, and that person is not the pronoun's ("He has
    declared Cruz …"), unless a clause opening the sentence holds the pronoun and the name opens the
    main clause ("Though she called it outrageous, Clinton restricted …"). A previous sentence led by a
    "he" or "she" is not about the first name in it ("She has gone public … his wife, Hillary Clinton").
    Measured on a hand-read key of PolNeAR's sources (``narrascope eval speakers``)."""

    def __init__(self, text: str, mentions: Sequence[EntityMention], genders: dict[str, str]) -> None:
        self.text = text
        self.starts = [s.start for s in split_sentences(text)] or [0]  # sentence starts, in order
        self.firsts: dict[int, tuple[int, _Speaker]] = {}  # sentence index -> (where, the person it is about)
        seen: set[int] = set()  # sentences whose first person was read
        self.pronoun_led: set[int] = set()  # sentences with a "he" or "she" before their first name
        for m in mentions:
            index = bisect.bisect_right(self.starts, m.start) - 1
            if m.label != "PERSON" or index in seen:
                continue
            seen.add(index)
            # "When she was a prosecutor, Loretta Lynch …" is about Loretta Lynch
            if _HE_OR_SHE.search(text, self.starts[index], m.start) and not _cataphora(
                text, self.starts[index], m.start
            ):
                self.pronoun_led.add(index)
            gender = genders.get(m.entity_id or "")
            if m.entity_id and gender and not _OWNER_AFTER.match(text, m.end) and not _quoted(text, m.start):
                self.firsts[index] = (m.start, _Speaker(m.entity_id, m.canonical, m.label, None, gender))

    def continued(
        self,
        position: int,
        gender: str,
        speaker_fits: bool,
        cues: Sequence[int] | None = None,
        speaker_known: bool = True,
    ) -> _Speaker | None:
        """The subject a "he"/"she" at ``position`` continues, if any (see the class); ``cues``: where the
        statements before it stand, in order (``None`` for a quotation); ``speaker_fits``: the last
        speaker is known to be of the pronoun's gender; ``speaker_known``: there is a last speaker who may
        be."""
        index = bisect.bisect_right(self.starts, position) - 1
        named_after = None  # the person the pronoun's own sentence names after it
        for back in (0, 1):
            first = self.firsts.get(index - back)
            if first is not None and back == 0 and first[0] > position:
                if _cataphora(self.text, self.starts[index], first[0]) and first[1].gender == gender:
                    return first[1]  # "Though she called it outrageous, Clinton restricted …"
                named_after = first[1].entity_id  # "He has declared Cruz …" is not Cruz
                continue
            if first is None or (
                back == 1 and (first[1].entity_id == named_after or index - 1 in self.pronoun_led)
            ):
                continue  # "She has gone public … his wife, Hillary Clinton …" is not about Hillary Clinton
            where, subject = first
            # the previous sentence reported no statement
            untold = back == 1 and cues is not None and not self._has_cue(index - 1, cues)
            # past a sentence that names someone after the pronoun, only where no one else may have spoken
            doubtful = not speaker_fits and (named_after is None or not speaker_known)
            if where < position and subject.gender == gender and (back == 0 or doubtful or untold):
                return subject
            return None
        return None

    def _has_cue(self, index: int, cues: Sequence[int]) -> bool:
        """Whether a statement's cue stands in sentence ``index`` (``cues`` in text order)."""
        i = bisect.bisect_left(cues, self.starts[index])
        return i < len(cues) and (index + 1 == len(self.starts) or cues[i] < self.starts[index + 1])


_SUBORDINATE = re.compile(r"\W*(?:though|although|while|when|after|before|as|because|if|since|once)\b", re.I)
_HE_OR_SHE = re.compile(r"\b(?:he|she)\b", re.I)
_MAIN_CLAUSE = re.compile(r",\s+(?:[A-Z][\w.’'-]*\s+)*$")  # "…, Clinton", "…, Sen. Ana Ruiz"


def _cataphora(text: str, sentence_start: int, name_start: int) -> bool:
    """Whether the sentence opens with a subordinate clause and the name opens its main clause, so a
    pronoun in the clause may stand for the name after it ("Though she called it outrageous, Clinton …")."""
    return bool(
        _SUBORDINATE.match(text, sentence_start)
        and _MAIN_CLAUSE.search(text, max(0, name_start - 80), name_start)
    )


def _quoted(text: str, position: int) -> bool:
    """Whether a quotation is open at ``position`` in its paragraph."""
    before = text[text.rfind("\n", 0, position) + 1 : position]
    opened = before.count("“") - before.count("”") + before.count('"') % 2 + before.count("''") % 2
    return opened > 0


def _antecedent(
    position: int,
    kind: str,
    gender: str | None,
    mentions: Sequence[EntityMention],
    spoken: list[tuple[int, _Speaker]],
    genders: dict[str, str],
) -> _Speaker:
    """Who a pronoun source refers to: the latest earlier speaker of the right kind and gender, else (for
    "he" and "she") the latest earlier person of a fitting gender mentioned; "they" only a group that
    spoke before (the latest organisation or place named was the wrong one twice as often as the right
    one on the speaker key); "it" only the organisation that made the statement just before."""
    if kind == "ORG":  # "it" is as often a report, a poll or a plan: only "X said … It added"
        last = spoken[-1] if spoken else None
        if last is not None and last[1].label == "ORG" and position - last[0] <= IT_REACH:
            return _Speaker(last[1].entity_id, last[1].name, last[1].label, None)
        return _Speaker(None, None, None, None)
    wanted = {"PERSON"} if kind == "PERSON" else {"ORG", "GPE", "NORP"}
    for _, speaker in reversed(spoken):
        if speaker.label == GROUP and kind == GROUP:  # people who spoke together: no one entity
            return _Speaker(None, None, GROUP, None)
        if speaker.label in wanted and compatible(gender, speaker.gender):
            return _Speaker(speaker.entity_id, speaker.name, speaker.label, None, speaker.gender)
    for mention in reversed(mentions if kind == "PERSON" else ()):
        known = genders.get(mention.entity_id or "")
        if mention.end <= position and mention.label in wanted and compatible(gender, known):
            return _Speaker(mention.entity_id, mention.canonical, mention.label, None, known)
    return _Speaker(None, None, None, None)
