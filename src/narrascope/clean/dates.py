"""Publication dates: from metadata, else the URL, else an explicit date in the page text, else unknown.

The product rule is *never a guess*: a date is returned only when something states it as the page's date.
Metadata hints are parsed in any common format; URLs give a date only when the path holds year, month
and day; in text only a full date (day, month, year) counts, and only where pages put their own date —
after a label ("Published", "date", …; never "Updated" alone), in the furniture near the top, as a dateline, or as a
short line of its own. Dates in article prose ("on May 25, 2018, the regulation…", photo captions,
"since September 2014", "on Wednesday") are events, not publication dates, and are ignored.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

__all__ = ["find_date", "parse_date"]

EARLIEST = date(1800, 1, 1)  # news archives go back this far; anything older is a broken value
# Values CMSs emit when the real date is missing (Unix epoch zero, empty SQL dates).
PLACEHOLDER_DATES = frozenset({date(1970, 1, 1), date(1900, 1, 1)})
FUTURE_TOLERANCE = timedelta(days=1)  # a page dated "tomorrow" by a time zone ahead of ours

# Month names and abbreviations (lower case). Several languages, since outlets publish in many; only
# used inside full-date patterns, so short forms cannot fire on their own.
MONTHS: dict[str, int] = {
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "oktober": 10,
    "dezember": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
    # Spanish, Italian, Portuguese
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9,
    "ottobre": 10, "dicembre": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "dezembro": 12,
    # Russian (nominative and genitive)
    "январь": 1, "января": 1, "февраль": 2, "февраля": 2, "март": 3, "марта": 3, "апрель": 4,
    "апреля": 4, "май": 5, "мая": 5, "июнь": 6, "июня": 6, "июль": 7, "июля": 7, "август": 8,
    "августа": 8, "сентябрь": 9, "сентября": 9, "октябрь": 10, "октября": 10, "ноябрь": 11,
    "ноября": 11, "декабрь": 12, "декабря": 12,
}  # fmt: skip

WEEKDAYS = (
    "monday|mon|tuesday|tues|tue|wednesday|wed|thursday|thurs|thu|friday|fri|saturday|sat|sunday|sun|"
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|"
    "samedi|dimanche|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье"
)

# Labels that introduce a page's own date, by how much they say about *publication*.
PUBLISHED_LABELS = (
    "published", "first published", "originally published", "publication date", "date published",
    "posted", "posted on", "date", "dated", "released", "issued", "veröffentlicht", "publié le", "publié",
    "publicado", "pubblicato", "opublikowano", "опубликовано", "дата публикации",
)  # fmt: skip
UPDATED_LABELS = (
    "updated", "last updated", "last modified", "modified", "last update", "aktualisiert",
    "mis à jour", "actualizado", "aggiornato", "обновлено",
)  # fmt: skip
# Words before a date that make it an event in a sentence, not a dateline ("said on 3 May 2019").
PROSE_PREPOSITIONS = frozenset({
    "on", "since", "from", "until", "till", "before", "after", "by", "in", "of", "between", "and", "to",
    "at", "during", "through", "than", "as", "for", "with", "over", "about", "around", "per", "taken",
})  # fmt: skip

TOP_LINES = 15  # the furniture region at the top of a page, in non-blank lines
TOP_MAX_REST_WORDS = 5  # words besides the date that a furniture line near the top may hold
SHORT_MAX_REST_WORDS = 2  # ... and a line that stands as a date of its own, anywhere
LABELLED_MAX_WORDS = 14  # a label not at line start counts only in a short line (a byline)
# Bounds on the work per page. Every rule above puts an accepted date near the start of a short line or
# of a labelled one, so only each line's head is read; and a page's own date is not 5,000 lines down.
MAX_LINE_CHARS = 300
MAX_LINES = 5_000

# Candidate ranks: a publication label beats furniture at the top, which beats a lone date line lower
# down (often a comment time stamp). A date after an "Updated" label is no candidate at all: a page
# dated only by its last change stays undated.
RANK_PUBLISHED, RANK_TOP, RANK_SHORT, RANK_UPDATED = 3, 2, 1, 0

_MONTH_ALT = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:1[89]\d\d|2\d\d\d)"
_WD = rf"(?:(?:{WEEKDAYS})\.?,?\s+)?"
_ORD = r"(?:st|nd|rd|th|er|º)?"
DATE_PATTERN = re.compile(
    rf"""
    (?<![\w.+-])(?:
        (?P<iy>{_YEAR})(?P<isep>[-/.])(?P<im>0?[1-9]|1[0-2])(?P=isep)(?P<id>{_DAY})(?![\d])
      | {_WD}(?P<dd>{_DAY}){_ORD}\.?\s*(?:of\s+|de\s+)?(?P<dm>{_MONTH_ALT})\.?,?\s+(?:de\s+)?(?P<dy>{_YEAR})
      | {_WD}(?P<mm>{_MONTH_ALT})\.?\s+(?P<md>{_DAY}){_ORD},?\s+(?P<my>{_YEAR})
      | (?P<nd>{_DAY})(?P<nsep>[./])(?P<nm>0?[1-9]|1[0-2])(?P=nsep)(?P<ny>{_YEAR})
      | (?P<ud>\d{{1,2}})/(?P<um>\d{{1,2}})/(?P<uy>{_YEAR})
    )(?![\w]|\.\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)
# ISO 8601 at the start of a metadata value: "2018-11-24", "2018-11-24T15:45:00+03:00", "20181124".
ISO_START = re.compile(rf"^\s*(?P<y>{_YEAR})(?:-(?P<m>\d\d)-(?P<d>\d\d)|(?P<m2>\d\d)(?P<d2>\d\d))(?![\d])")
EPOCH = re.compile(r"^\s*(\d{9,10}|\d{12,13})(?:\.\d+)?\s*$")  # Unix time stamps in JSON dumps

URL_PATTERNS = (
    re.compile(rf"(?<!\d)({_YEAR})[/_.-](0?[1-9]|1[0-2])[/_.-]({_DAY})(?!\d)"),  # /2019/11/18/ /2019-11-18
    re.compile(rf"(?<!\d)({_YEAR})(0[1-9]|1[0-2])({_DAY})(?!\d)"),  # /20191118/
)

_LABEL_ALT = "|".join(
    sorted(map(re.escape, PUBLISHED_LABELS + UPDATED_LABELS), key=len, reverse=True)
).replace(r"\ ", r"\s+")
LABEL_BEFORE = re.compile(
    rf"(?<![\w])(?P<label>{_LABEL_ALT})\s*(?:[:|·•–—-]\s*)?(?:on\s+|at\s+|le\s+)?$", re.I
)
LABEL_AT_START = re.compile(rf"^[\s|·•*–—:-]*(?:{_LABEL_ALT})\b", re.I)
LINE_LEAD = re.compile(r"^[\s|·•*–—:-]*")  # bullets and separators a line may start with
LABEL_SEPARATORS = "|·•–—-/"  # what separates a date label from a byline before it
TIME_OR_ZONE = re.compile(
    r"\b\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?|\b(?:GMT|UTC|[ECMP][SD]T|MSK|CET|CEST|BST)\b"
    r"(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|[+-]\d{1,4}\b",
    re.I,
)
DATELINE = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ .'-]+,\s*(?:[A-Z][\w.]*\s*,?\s*)?(?:\([^)]*\)\s*)?)?$")
DATELINE_AFTER = re.compile(r"^\s*(?:\([^)]*\)\s*)?[—–-]")
WORD = re.compile(r"[^\W\d_]{2,}")


def _valid(y: int, m: int, d: int) -> date | None:
    """A real calendar date that is neither implausibly old, a CMS placeholder, nor in the future."""
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    if value < EARLIEST or value in PLACEHOLDER_DATES:
        return None
    if value > date.today() + FUTURE_TOLERANCE:
        return None
    return value


def _from_match(m: re.Match[str]) -> date | None:
    g = m.groupdict()
    if g["iy"]:
        return _valid(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["dy"]:
        return _valid(int(g["dy"]), MONTHS[g["dm"].lower()], int(g["dd"]))
    if g["my"]:
        return _valid(int(g["my"]), MONTHS[g["mm"].lower()], int(g["md"]))
    if g["ny"]:  # dotted or slashed day-month-year with a day over 12, or the dotted European form
        day, month = int(g["nd"]), int(g["nm"])
        if g["nsep"] == "/" and day <= 12 and day != month:
            return None  # 03/04/2018: day-month or month-day? Unknown, so no date.
        return _valid(int(g["ny"]), month, day)
    first, second = int(g["ud"]), int(g["um"])  # slashed, month first (US): only when unambiguous
    if first > 12 >= second:
        return _valid(int(g["uy"]), second, first)
    if second > 12 >= first or first == second:
        return _valid(int(g["uy"]), first, second)
    return None


def parse_date(value: str | None) -> date | None:
    """Parse a metadata date value (ISO 8601, RFC 822, "24 November 2018", "November 24, 2018", ...).

    The whole value is meant to be a date, so the first full date in it is taken. Year-only or
    year-month values give None: a day is never invented.
    """
    if not value:
        return None
    value = value.strip()[:200]
    iso = ISO_START.match(value)
    if iso:
        return _valid(int(iso["y"]), int(iso["m"] or iso["m2"]), int(iso["d"] or iso["d2"]))
    epoch = EPOCH.match(value)
    if epoch:
        seconds = int(epoch[1]) / (1000 if len(epoch[1]) > 10 else 1)
        stamp = datetime.fromtimestamp(seconds, tz=timezone.utc).date()
        return _valid(stamp.year, stamp.month, stamp.day)
    for m in DATE_PATTERN.finditer(value):
        found = _from_match(m)
        if found:
            return found
    return None


def date_from_url(url: str | None) -> date | None:
    """A full date in the URL path (/2019/11/18/, /2019-11-18-slug, /20191118/), else None."""
    if not url:
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    for pattern in URL_PATTERNS:
        for m in pattern.finditer(path):
            found = _valid(int(m[1]), int(m[2]), int(m[3]))
            if found:
                return found
    return None


def _rest_words(line: str, start: int, end: int) -> int:
    """Words in ``line`` besides the date at ``start:end`` (times, zones and numbers do not count)."""
    return len(WORD.findall(TIME_OR_ZONE.sub(" ", f"{line[:start]} {line[end:]}")))


def _label_rank(line: str, before: str) -> int | None:
    """Rank of a label right before the date, if it reads as page furniture rather than prose.

    The label must start the line, follow a separator ("By Jane Doe | Published 3 May 2019") or be
    capitalised mid-line, and a mid-line label only counts in a short line: "the report, published
    on 3 May 2019, said" is a sentence.
    """
    label = LABEL_BEFORE.search(before)
    if not label:
        return None
    lead = LINE_LEAD.sub("", before[: label.start()]).rstrip()
    furniture = not lead or lead[-1] in LABEL_SEPARATORS or label["label"][0].isupper()
    if not furniture or (lead and len(line.split()) > LABELLED_MAX_WORDS):
        return None
    name = re.sub(r"\s+", " ", label["label"].lower())
    return RANK_UPDATED if name in UPDATED_LABELS else RANK_PUBLISHED


def _rank(line: str, m: re.Match[str], top: bool) -> int | None:
    """How strongly the date ``m`` in ``line`` presents itself as the page's date; None if it does not."""
    before = line[: m.start()]
    labelled = _label_rank(line, before)
    if labelled is not None:
        return labelled
    preceding = WORD.findall(before)
    if not (preceding and preceding[-1].lower() in PROSE_PREPOSITIONS):
        rest = _rest_words(line, m.start(), m.end())
        if top and rest <= TOP_MAX_REST_WORDS:
            return RANK_TOP
        if rest <= SHORT_MAX_REST_WORDS:
            return RANK_SHORT
    if top and DATELINE.match(before) and DATELINE_AFTER.match(line[m.end() :]):
        return RANK_TOP  # "MOSCOW, 24 November 2018 — Russia's foreign minister said…"
    return None


def date_from_text(text: str | None) -> date | None:
    """An explicit date the page gives as its own (see the module docstring), else None."""
    if not text:
        return None
    best: tuple[int, int] | None = None
    found: date | None = None
    nonblank = 0
    for index, raw in enumerate(text.splitlines()):
        line = raw.strip()[:MAX_LINE_CHARS]
        if not line:
            continue
        nonblank += 1
        if nonblank > MAX_LINES:
            break
        top = nonblank <= TOP_LINES
        if not any(ch.isdigit() for ch in line):
            continue
        if not top and len(line.split()) > LABELLED_MAX_WORDS and not LABEL_AT_START.match(line):
            continue  # a long line below the top: only a label starting it can date the page
        for m in DATE_PATTERN.finditer(line):
            value = _from_match(m)
            if value is None:
                continue
            rank = _rank(line, m, top=top)
            if rank == RANK_PUBLISHED:
                return value  # nothing later can outrank the first publication label
            if rank is not None and rank > RANK_UPDATED and (best is None or (rank, -index) > best):
                best, found = (rank, -index), value
    return found


def find_date(*, published: str | None, url: str | None, text: str | None) -> tuple[str | None, str | None]:
    """The page's publication date as (ISO date, source) with source metadata, url or text; else (None, None)."""
    found = parse_date(published)
    if found is not None:
        return found.isoformat(), "metadata"
    found = date_from_url(url)
    if found is not None:
        return found.isoformat(), "url"
    found = date_from_text(text)
    if found is not None:
        return found.isoformat(), "text"
    return None, None
