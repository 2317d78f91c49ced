"""Media citations: which outlets an article says it got its news from ("Press TV reports:", "according
to TASS", "told CNN", "(AFP) —"). Who cites whom, and how often, shows how a story travels between
outlets even when the text was rewritten and no near-duplicate links the two.

A media name counts only next to a cue, in one of three shapes:

- cue before the name: "according to", "told", "in an interview with", "cited by", "wrote in",
  "Source:", "first appeared on", … with at most four describing words between ("according to
  Russia's state news agency TASS"); coordinated names share the cue ("told CNN and the BBC");
- cue after the name: "reported", "reports:", "quoted", "has learned", … possibly after a describing
  noun ("TASS news agency reported") or an appositive between commas ("TASS, the state agency, said");
- a dateline: "MOSCOW (Reuters) -", "(AFP) —", "/TASS/.".

Names are matched case-sensitively as written in the list, never inside a word, so "ap" in "map", "rt"
in "part" and "AP" in "CAP" are not names. Short names (three characters or fewer: AP, RT, CNN, dpa)
take no describing words before them except a media noun ("broadcaster RT", "news agency AFP"). With
a cue before it, a name followed by another capitalised word is taken as part of a longer name that is
not a medium ("according to the Reuters Institute", "Time Warner"), weekdays, months and "TV"/"Radio"
aside ("told CNN Sunday"). After-cues leave out "said": "CNN said it stands by its reporting" is an
outlet speaking of itself, and "Bloomberg said" is usually the man.

Every pattern has bounded repetitions only, so the cost is linear in the text. One citation is kept
per (outlet, sentence): the first.
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import product
from pathlib import Path

from narrascope.patterns import trie_regex

__all__ = ["MediaCitation", "MediaList", "citation_edges", "find_citations", "load_media"]

SHORT_NAME = 3  # names this short take no describing words before them but a media noun

# Cues before a name, in a small notation: {a|b} one of, [a|b] optionally one of. Matched in lower case,
# with a capital first letter, or in capitals; any whitespace between words.
CUES_BEFORE = (
    "according to", "told", "telling", "citing", "quoting", "per", "via", "source:", "sources:",
    "{said|says|saying|speaking|spoke|talking|talked|explained|confirmed|revealed|admitted|complained} {to|with}",
    "{said|says|speaking|spoke|appearing|appeared|appears|interviewed|remarks|comments} on",
    "{wrote|writes|writing|written} {in|for}",
    "{op-ed|column|editorial|piece|article|story|report|reports|investigation|poll|survey} {in|for|by|from}",
    "[in] [a|an] [exclusive] {interview|interviews} {with|to|on|for}",
    "interviewed by",
    "in [a|an|his|her|their|its] {statement|comments|remarks} to",
    "{quoted|cited|reported|published|broadcast|aired|carried|obtained|seen|reviewed|shown} {by|in|on}",
    "[as] [first] reported {by|in|on}",
    "[originally|first] {appeared|published|posted|ran} {in|on|by}",
    "{republished|reprinted|translated} {from|by}", "{republished|reprinted} with permission from",
    "courtesy [of]", "with permission {from|of}",
)  # fmt: skip
# Cues after a name (case-insensitive), after optional auxiliaries and adverbs; participles only right
# after the name ("RIA Novosti, citing a source"), as after an appositive they belong to someone else.
CUES_AFTER = (
    "reported", "reports", "quoted", "quotes", "cited", "cites", "wrote", "writes", "learned", "learnt",
    "revealed", "reveals", "published", "publishes", "claimed", "claims", "obtained", "has seen",
)  # fmt: skip
PARTICIPLES = ("reporting", "quoting", "citing")
AUXILIARIES = (
    "has", "have", "had", "was", "also", "earlier", "first", "later", "previously", "exclusively",
    "recently", "then", "further", "separately", "already", "reportedly", "originally", "once",
)  # fmt: skip
# Nouns that say the next name is a medium ("broadcaster RT") or follow one ("TASS news agency reported").
MEDIA_NOUNS = (
    "agency", "news", "newspaper", "paper", "daily", "weekly", "tabloid", "magazine", "journal",
    "broadcaster", "television", "tv", "channel", "radio", "network", "station", "outlet", "website",
    "site", "portal", "wire", "service", "media", "publication",
)  # fmt: skip
# Lower-case words that may describe a medium before its name ("the state-run IRNA news agency").
DESCRIBING = (
    "the", "a", "an", "its", "their", "state", "state-run", "state-owned", "state-controlled",
    "state-funded", "state-backed", "state-affiliated", "government-run", "government-owned",
    "government-controlled", "pro-government", "pro-kremlin", "kremlin-funded", "kremlin-backed",
    "semi-official", "semiofficial", "official", "public", "independent", "opposition", "private",
    "leading", "local", "national", "regional", "international", "major", "popular", "online",
    "conservative", "liberal", "right-wing", "left-wing", "business", "financial", "english-language",
    "news", "satellite", "broadcast", "cable", "wire", "newswire",
)  # fmt: skip
# Capitalised words that may follow a name cited before ("told CNN Sunday") without making it longer.
FOLLOWERS = frozenset((
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "TV", "Television", "Radio", "Online",
))  # fmt: skip

_END_OF_NAME = r"(?![\w-])"


def _expand(cue: str) -> list[str]:
    """All phrases of one cue in the notation of ``CUES_BEFORE``."""
    slots = []
    for part in cue.split():
        options = part.strip("[]{}").split("|")
        slots.append([*options, ""] if part.startswith("[") else options)
    return [" ".join(word for word in words if word) for words in product(*slots)]


def _spaced(words: Iterable[str]) -> str:
    """A trie regex over ``words``, their spaces standing for a bounded run of whitespace (bounded, so
    that a failing match backtracks over a few characters, not over a megabyte of blanks)."""
    return trie_regex(words).replace("\\ ", _SPACE)


def _cue_regex(cues: Iterable[str]) -> str:
    """A case-sensitive trie over the cues' phrases, capitalised and in capitals too: a literal first
    character lets the regex engine skip most positions without trying the cue at all."""
    phrases = {phrase for cue in cues for phrase in _expand(cue)}
    return _spaced(
        {v for phrase in phrases for v in (phrase, phrase[:1].upper() + phrase[1:], phrase.upper())}
    )


_SPACE = r"\s{1,20}"
_MEDIA_NOUN = rf"(?i:{trie_regex(MEDIA_NOUNS)})(?![\w-])"
# A describing word, or a capitalised one: "U.S.", "Gov." and "Russia's" but not "Smith." (a sentence end)
_GAP_WORD = (
    rf"(?:{trie_regex({*DESCRIBING, *MEDIA_NOUNS})}(?![\w'’-])"
    r"|[A-Z](?:\.[A-Z])+\.?|[A-Z][a-z]{0,3}\.|[A-Z][\w'’-]{0,40})"
)
_NEXT_CAPITAL = re.compile(r"\s{1,20}([A-Z][\w-]*)")
_SINGLE_WORD = re.compile(r"[A-Z][a-z]+")  # a capitalised word: a person's name may precede it


@dataclass(frozen=True, slots=True)
class MediaCitation:
    """A medium cited by an article: its canonical name, the cue, where the name and its sentence are."""

    outlet: str
    cue: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


class MediaList:
    """Media names and aliases (surface form → canonical name) with the patterns built from them."""

    def __init__(self, forms: Mapping[str, str]) -> None:
        self.forms = dict(forms)
        self.names = sorted(set(self.forms.values()))
        long = [f for f in self.forms if len(f) > SHORT_NAME]
        any_name = rf"(?:{trie_regex(self.forms)}){_END_OF_NAME}" if self.forms else "(?!)"
        long_name = rf"(?:{trie_regex(long)}){_END_OF_NAME}" if long else "(?!)"
        name_before = rf"(?<![\w@#.-]){any_name}"
        sp = _SPACE
        self.before = re.compile(
            rf"(?<![\w-])(?P<cue>{_cue_regex(CUES_BEFORE)}){sp}"
            rf"(?:(?:(?:the|an?|The|An?){sp})?(?:(?:{_GAP_WORD}{sp}){{0,3}}?{_MEDIA_NOUN}{sp})?(?P<near>{any_name})"
            rf"|(?:{_GAP_WORD}{sp}){{0,4}}?(?P<far>{long_name}))"
        )
        self.coordinated = re.compile(
            rf"(?:\s{{0,20}},\s{{0,20}}(?:and{sp}|or{sp})?|{sp}(?:and|or|as{sp}well{sp}as){sp})(?:(?:the|The){sp})?"
            rf"(?P<name>{name_before})"
        )
        auxiliaries = rf"(?i:{trie_regex(AUXILIARIES)}){sp}"
        appositive = r"\s{0,20},\s{0,20}[^,.;:!?\n]{1,80}?,"
        self.after = re.compile(
            rf"(?P<name>{name_before})(?:{sp}{_MEDIA_NOUN}){{0,3}}"
            rf"(?:(?:{appositive})?[\s,]{{1,20}}(?P<cue>(?:{auxiliaries}){{0,3}}(?i:{_spaced(CUES_AFTER)}))"
            rf"|\s{{0,20}},?\s{{1,20}}(?P<participle>(?i:{trie_regex(PARTICIPLES)}))){_END_OF_NAME}"
        )
        # "MOSCOW (Reuters) -", "(AFP) —"; "MOSCOW, May 5. /TASS/." but not "/AFP/Getty Images", "NBC/WSJ/Marist"
        self.dateline = re.compile(
            rf"(?P<cue>\((?P<name>{trie_regex(self.forms)})\)\s{{0,20}}(?:-{{1,2}}|[–—])"
            rf"|(?<![^\s(])/(?P<slashed>{trie_regex(self.forms)})/(?=[\s.,:;–—-]|$))"
        )

    def __len__(self) -> int:
        return len(self.names)

    def canonical(self, form: str) -> str | None:
        """The canonical name of a surface form, or None."""
        return self.forms.get(form)


def _rows(lines: Iterable[str], source: str) -> Iterator[tuple[str, list[str]]]:
    reader = csv.DictReader(lines)
    if not reader.fieldnames or "name" not in reader.fieldnames:
        raise ValueError(f"{source}: a media list needs a header with the columns name,aliases")
    for row in reader:
        name = (row.get("name") or "").strip()
        if name:
            aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
            yield name, aliases


@cache
def _shipped() -> tuple[tuple[str, tuple[str, ...]], ...]:
    text = resources.files("narrascope").joinpath("data/media.csv").read_text(encoding="utf-8")
    return tuple((name, tuple(aliases)) for name, aliases in _rows(text.splitlines(), "data/media.csv"))


@cache
def _media(extra: Path | None, _mtime: int) -> MediaList:
    rows: list[tuple[str, Iterable[str]]] = list(_shipped())
    if extra is not None:
        with open(extra, encoding="utf-8-sig", newline="") as handle:
            rows += list(_rows(handle, str(extra)))
    forms: dict[str, str] = {}
    for name, aliases in rows:  # a later row (the user's) wins a form both lists claim
        forms[name] = name
        forms.update(dict.fromkeys(aliases, name))
    return MediaList(forms)


def load_media(extra: Path | None = None) -> MediaList:
    """The shipped media list (``data/media.csv``: name, ``|``-separated aliases), extended by ``extra``,
    a CSV with the same columns; a name or alias given there overrides the shipped one."""
    if extra is None:
        return _media(None, 0)
    path = Path(extra).resolve()
    return _media(path, path.stat().st_mtime_ns)


# Sentence ends: ., ! or ? (closing quotes or brackets allowed) before a space and a non-lower-case
# character; a blank line. Not after an abbreviation or an initial ("Mr.", "U.S.", "J. Smith").
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]+[\"”’')\]]*\s+(?=[^\s\w]*[^\W_a-z])|\n\s*\n")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "st",
        "jr",
        "sr",
        "inc",
        "corp",
        "co",
        "ltd",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "rev",
        "hon",
        "pres",
    ]
)


def _sentences(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the sentences, trailing space excluded from the ends."""
    starts, ends = [0], []
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith("."):
            before = text[max(0, match.start() - 40) : match.start()].split()
            token = before[-1].lstrip("\"“‘'(").lower() if before else ""
            if token in _ABBREVIATIONS or len(token.replace(".", "")) <= 1 or "." in token:
                continue
        ends.append(match.start() + len(match.group().rstrip()))
        starts.append(match.end())
    ends.append(len(text.rstrip()))
    return starts, ends


def _candidates(text: str, media: MediaList) -> Iterator[tuple[str, str, int, int, int]]:
    """(surface form, cue, name start, name end, cue start) for every cued name."""
    for match in media.before.finditer(text):
        group = "near" if match.group("near") is not None else "far"
        following = _NEXT_CAPITAL.match(text, match.end(group))
        if following and following.group(1) not in FOLLOWERS:
            continue
        cue = match.group("cue")
        yield match.group(group), cue, match.start(group), match.end(group), match.start("cue")
        position = match.end()
        while coordinated := media.coordinated.match(text, position):
            yield (
                coordinated.group("name"),
                cue,
                coordinated.start("name"),
                coordinated.end("name"),
                match.start(),
            )
            position = coordinated.end()
    for match in media.after.finditer(text):
        form, cue = match.group("name"), match.group("cue") or match.group("participle")
        if _SINGLE_WORD.fullmatch(form):
            previous = text[max(0, match.start() - 40) : match.start()].split()
            if previous and _SINGLE_WORD.fullmatch(previous[-1]):  # "Michael Bloomberg wrote"
                continue
        yield form, cue, match.start("name"), match.end("name"), match.start()
    for match in media.dateline.finditer(text):
        group = "name" if match.group("name") is not None else "slashed"
        yield match.group(group), match.group("cue"), match.start(group), match.end(group), match.start()


def find_citations(text: str, media: MediaList) -> list[MediaCitation]:
    """Media cited in ``text``, one per (outlet, sentence), in text order."""
    if not text:
        return []
    starts, ends = _sentences(text)
    found: dict[tuple[str, int], MediaCitation] = {}
    for form, cue, start, end, _ in sorted(_candidates(text, media), key=lambda c: (c[2], c[4])):
        outlet = media.forms[form]
        index = bisect_right(starts, start) - 1
        if (outlet, index) not in found:
            sentence_end = max(ends[index], end)
            found[outlet, index] = MediaCitation(
                outlet, " ".join(cue.split()), start, end, starts[index], sentence_end
            )
    return sorted(found.values(), key=lambda c: c.start)


def citation_edges(pairs: Iterable[tuple[str | None, str]]) -> list[tuple[str, str, int]]:
    """(citing outlet, cited outlet, count) over (citing, cited) pairs, most frequent first (then by
    name); a pair without a citing outlet, or an outlet citing itself, is left out."""
    counts = Counter((citing, cited) for citing, cited in pairs if citing and citing != cited)
    return sorted(((a, b, n) for (a, b), n in counts.items()), key=lambda edge: (-edge[2], edge[0], edge[1]))
