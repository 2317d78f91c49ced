"""Surface forms of names and the keys they are matched by.

A *key* is what two spellings of one name share: case, diacritics, hyphens and spaces, the Arabic
article ("al-Assad" = "Al Assad" = "Assad"), a leading determiner and a possessive are folded away, and
common transliteration variants of Russian and Arabic names are folded together (Sergey = Sergei =
Serguei, Aleksandr = Alexander, Zakharova = Zaharova, Dmitriy = Dmitry = Dmitri, Assad = Asad,
Cyrillic = Latin). Keys are only ever compared with keys, so folding may over-normalise a little
("Kerry" -> "keri") as long as it does so the same way everywhere.

Titles and office words ("Minister", "Foreign Minister", "Secretary of State", "Mr") come from
``data/titles.txt``; :func:`strip_titles` cuts a person's name out of a titled phrase.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

from narrascope.patterns import word_set

__all__ = [
    "TOKEN",
    "acronym_definitions",
    "fold_token",
    "initials",
    "is_acronym",
    "is_pronoun",
    "key_tokens",
    "name_key",
    "nicknamed_names",
    "person_middle",
    "person_parts",
    "person_suffix",
    "strip_titles",
    "titles",
    "trim_span",
    "trim_text",
]

# A word: letters and digits, or an acronym written with periods ("U.S.", "U.N").
TOKEN = re.compile(r"[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W\d_])|[^\W_]+")

# The Arabic article, dropped from keys wherever it stands ("Jabhat al Fateh al Sham" = "Jabhat Fateh al-Sham").
PARTICLES = frozenset({"al", "el"})
# Its assimilated forms, dropped only where glued by a hyphen and not in capitals ("ash-Sham", "At-Tanf",
# but the "US" of "US-led" stays).
SUN_PARTICLES = frozenset({"ad", "an", "ar", "as", "ash", "at", "ath", "az"})
# Lowercase words between a given name and a surname that belong to the surname ("Stepan de Mistura").
NAME_PARTICLES = frozenset(
    {"al", "el", "bin", "ibn", "ben", "abu", "van", "von", "ter", "du", "la", "le"}
    | {"de", "del", "della", "der", "den", "di", "da", "do", "dos", "das"}
)
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# Particles that are given names when they open a name in capitals ("Ben Carson", "Van Jones"; but
# "Osama bin Laden", "Vincent van Gogh")
GIVEN_PARTICLES = frozenset({"ben", "van"})
# Words skipped when reading an acronym off a name ("Autonomous Area of North East Syria" -> AANES).
ACRONYM_STOPWORDS = frozenset(
    {"of", "the", "and", "for", "in", "on", "at", "to", "&", "de", "la", "du", "al", "el"}
)

# Russian and Ukrainian Cyrillic in the common English transliteration (the folds below even out the rest).
_CYRILLIC = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "yi",
        "є": "ye",
        "ґ": "g",
    }
)

# Transliteration folds, applied in order to a case-folded, diacritic-free Latin token.
FOLDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^ye", "e"),  # Yevgeny = Evgeny
        (r"kh", "h"),  # Mikhail = Mihail, Zakharova = Zaharova
        (r"ks", "x"),  # Aleksandr = Alexandr
        (r"gu(?=[ei])", "g"),  # Serguei = Sergei
        (r"ou", "u"),  # Iouri = Iuri
        (r"(?<=[bcdfghklmnpqrstvz])yo", "e"),  # Fyodor = Fedor = Фёдор, Pyotr = Petr
        (r"y", "i"),  # Sergey = Sergei, Yuri = Iuri, Dmitriy = Dmitrii
        (r"ij$", "i"),  # Sergij = Sergi
        (r"ndr$", "nder"),  # Alexandr = Alexander
        (r"(.)\1+", r"\1"),  # Assad = Asad, Dmitrii = Dmitri
    )
)

_LEADING_DETERMINER = re.compile(r"(?:the|The|THE|a|an|An)\s+")
_EDGE_JUNK = frozenset("\"'“”‘’«»()[]{}<>,;:!?*•·–—-/\\ \t\r\n")


@lru_cache(maxsize=65536)
def fold_token(token: str) -> str:
    """The matching form of one word: case, accents, periods and transliteration variants folded."""
    token = unicodedata.normalize("NFC", token.replace(".", "")).casefold()
    if any("\u0400" <= ch <= "\u04ff" for ch in token):
        token = token.translate(_CYRILLIC)
    token = "".join(ch for ch in unicodedata.normalize("NFKD", token) if not unicodedata.combining(ch))
    token = token.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("ł", "l").replace("ı", "i")
    for pattern, replacement in FOLDS:
        token = pattern.sub(replacement, token)
    return token


def trim_text(text: str) -> str:
    """``text`` without surrounding punctuation, a leading determiner or a trailing possessive."""
    start, end = trim_span(text, 0, len(text))
    return text[start:end]


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of ``text[start:end]`` narrowed to the name: "the Nusra Front" -> "Nusra Front",
    "al-Qaeda’s" -> "al-Qaeda", quotes, punctuation and invisible characters at the edges dropped. Periods
    stay ("U.S.")."""
    while start < end and _edge_junk(text[start]):
        start += 1
    if start < end and text[start] in "TtAa":
        match = _LEADING_DETERMINER.match(text, start, end)
        if match and match.end() < end:
            start = match.end()
    while end > start and _edge_junk(text[end - 1]):
        end -= 1
    if end - start > 2 and text[end - 1] == "s" and text[end - 2] in "'’" and text[end - 3].isalnum():
        end -= 2
        while end > start and _edge_junk(text[end - 1]):
            end -= 1
    return start, end


def _edge_junk(char: str) -> bool:
    """Punctuation, spaces, and what cannot be seen (zero-width characters, BOM, controls)."""
    return char in _EDGE_JUNK or not char.isprintable()


def key_tokens(name: str) -> tuple[str, ...]:
    """The folded words of a name, without a leading determiner, a possessive or Arabic articles."""
    name = trim_text(name)
    words = [(m.group(), m.end()) for m in TOKEN.finditer(name)]
    folded = []
    for word, end in words:
        lowered = word.casefold()
        glued = end < len(name) and name[end] in "-‐‑"
        if lowered in PARTICLES or (glued and lowered in SUN_PARTICLES and not word.isupper()):
            continue
        folded.append(fold_token(word))
    if not folded:  # a name that is only a particle ("Al") keeps it
        folded = [fold_token(word) for word, _ in words]
    return tuple(folded)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key two spellings of one name share: ``name_key("Al-Assad") == name_key("assad")``."""
    return " ".join(key_tokens(name))


def is_acronym(name: str) -> bool:
    """ "SDF", "U.S.", "AANES": one word of 2 to 8 capital letters (periods and '&' allowed)."""
    letters = name.replace(".", "").replace("&", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


def is_pronoun(name: str) -> bool:
    """ "I", "it", "You", "this": a pronoun or determiner (``data/pronouns.txt``), which names no entity;
    in capitals and two letters or more ("US", "IT") it is an acronym instead."""
    return trim_text(name).replace(".", "").casefold() in word_set("pronouns.txt") and not is_acronym(name)


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """ "Syrian Democratic Forces" -> "SDF"; "" for a name of fewer than two significant words."""
    words = [
        w for w in re.split(r"[\s\-‐‑]+", trim_text(name)) if w and w.casefold() not in ACRONYM_STOPWORDS
    ]
    if len(words) < 2:
        return ""
    return "".join(w[0] for w in words).upper()


@cache
def titles() -> frozenset[tuple[str, ...]]:
    """Titles and office words from ``data/titles.txt``, each as a tuple of lowercase words."""
    text = resources.files("narrascope").joinpath("data/titles.txt").read_text(encoding="utf-8")
    found = set()
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            found.add(tuple(_title_word(w) for w in line.split()))
    return frozenset(found)


def _title_word(word: str) -> str:
    return word.casefold().rstrip(".").replace("’", "'")


# A name with the nickname the person goes by in quotation marks: Robert C. "Bobby" Scott.
_NICKNAMED = re.compile(r"\b(?:[A-Z][\w'’-]*\.?\s+){1,3}[\"“]([A-Z][\w'’-]*)[\"”]\s+([A-Z][\w'’-]*\w)")


def nicknamed_names(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names someone with a nickname in quotation marks (Robert C. "Bobby" Scott)."""
    return [match.span() for match in _NICKNAMED.finditer(text)]


@lru_cache(maxsize=65536)
def strip_titles(name: str) -> str:
    """A person's name out of a titled phrase: "Minister Lavrov" -> "Lavrov", "Russian Deputy Foreign
    Minister Sergei Ryabkov" -> "Sergei Ryabkov", "US Secretary of State John Kerry" -> "John Kerry";
    a name given with a nickname is the name the person goes by: Rep. Robert C. "Bobby" Scott -> "Bobby
    Scott".

    Everything up to the last title that is followed by a capitalised, untitled word is cut, so a
    surname that is also a title ("John Major", "Stephen King") stays whole.
    """
    name = trim_text(name)
    if nicknamed := _NICKNAMED.search(name):
        return f"{nicknamed[1]} {nicknamed[2]}"
    words = name.split()
    if len(words) < 2:
        return name
    known = titles()
    longest = max(map(len, known), default=1)
    lowered = [_title_word(w) for w in words]
    cut = 0
    for i in range(len(words)):
        for size in range(1, longest + 1):
            after = i + size
            if after >= len(words) or tuple(lowered[i:after]) not in known:
                continue
            rest = words[after]
            if rest[:1].isupper() and (lowered[after],) not in known:
                cut = max(cut, after)
    return " ".join(words[cut:]) if cut else name


@lru_cache(maxsize=65536)
def person_parts(name: str) -> tuple[str, str]:
    """(first given name key, surname key) of a person's name; the given name is "" when there is none.

    ``person_parts("Bashar al-Assad") == ("bashar", "asad")``; ``person_parts("de Mistura") == ("", "mistura")``.
    """
    words = trim_text(name).split()
    while len(words) > 1 and _title_word(words[-1]) in SUFFIXES:
        words.pop()
    if not words:
        return "", ""
    surname = name_key(words[-1])
    given = _given_words(words)
    return (name_key(given[0]) if given else ""), surname


@lru_cache(maxsize=65536)
def person_suffix(name: str) -> str:
    """The generational suffix of a person's name ("jr" for "Donald Trump Jr."), else "": part of who
    someone is, since a father and son share every other name."""
    words = trim_text(name).split()
    last = _title_word(words[-1]) if len(words) > 1 else ""
    return last if last in SUFFIXES else ""


@lru_cache(maxsize=65536)
def person_middle(name: str) -> str:
    """The initials of a person's middle names, lowercase ("hw" for "George H.W. Bush", "George HW Bush"
    and "George Herbert Walker Bush"; "" for "George Bush"): two names whose middles differ are two
    people ("George W. Bush" is not "George P. Bush")."""
    words = trim_text(name).split()
    while len(words) > 1 and _title_word(words[-1]) in SUFFIXES:
        words.pop()
    given = _given_words(words)
    return "".join(_initials_of(word) for word in given[1:])


def _given_words(words: list[str]) -> list[str]:
    """The words before the surname that are given names: particles belong to the surname, except a
    capitalised "Ben" or "Van" that opens the name."""
    return [
        w
        for i, w in enumerate(words[:-1])
        if w.casefold() not in NAME_PARTICLES
        or (i == 0 and w[:1].isupper() and w.casefold() in GIVEN_PARTICLES)
    ]


def _initials_of(word: str) -> str:
    """The initials one middle-name word stands for: "H.W." and "HW" -> "hw", "Walker" -> "w"."""
    letters = "".join(ch for ch in word if ch.isalpha())
    spelled = "." in word or (letters.isupper() and len(letters) <= 3)
    return (letters if spelled else letters[:1]).casefold()


_DEFINITION = re.compile(r"\(\s*([A-Z][A-Za-z&.\-]{0,10}[A-Z]\.?)\s*\)")
_DEFINITION_WORD = re.compile(r"[^\W\d_][\w'’.&]*")


def acronym_definitions(text: str) -> dict[str, tuple[int, int]]:
    """Acronyms defined in ``text`` ("Syrian Democratic Forces (SDF)"), mapped to the long form's offsets.

    The acronym's capitals are matched right to left with the initials of the words before the
    parenthesis, skipping small words ("Autonomous Area of North East Syria (AANES)"); hyphenated
    words give one initial a part. The first definition of an acronym wins.
    """
    found: dict[str, tuple[int, int]] = {}
    if "(" not in text:
        return found
    for match in _DEFINITION.finditer(text):
        acronym = match.group(1)
        key = name_key(acronym)
        if key in found:
            continue
        letters = [ch for ch in acronym if ch.isupper()]
        window_start = max(0, match.start() - 160)
        window = text[window_start : match.start()]
        window = re.split(r"[\n.;:!?\"“”()]", window)[-1]
        offset = match.start() - len(window)
        words = [(m.start() + offset, m.group()) for m in _DEFINITION_WORD.finditer(window)]
        parts = [
            (pos + sub.start(), sub.group()) for pos, word in words for sub in re.finditer(r"[^\-‐‑]+", word)
        ]
        start = _match_initials(letters, parts)
        if start is not None:
            end = match.start()
            while end > start and text[end - 1].isspace():
                end -= 1
            found[key] = (start, end)
    return found


def _match_initials(letters: list[str], parts: list[tuple[int, str]]) -> int | None:
    """Where the words spelling ``letters`` start, reading ``parts`` backwards; None if they do not."""
    need = len(letters) - 1
    start = None
    used = 0
    for pos, word in reversed(parts):
        if need < 0:
            break
        if word[0].upper() == letters[need] and word[0].isupper():
            need -= 1
            start = pos
            used += 1
        elif word.casefold() in ACRONYM_STOPWORDS and used:
            continue
        else:
            return None
    return start if need < 0 and used >= 2 else None
