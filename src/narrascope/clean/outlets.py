"""Which outlet published a page: from metadata, else the URL, else the page naming itself.

Names are normalised through a shipped table (``data/outlets.csv``: name, domains, aliases, country,
kind), so "sputniknews.com", "Sputnik International" and "de.sputniknews.com" all give "Sputnik".

Without a URL, the text is read only where a page speaks about itself — the furniture at its top and
bottom and its short lines — and only in self-referential phrasing: "© 2018 Sputnik", "Comment via
Sputnik", "a Sputniknews.com account", "JNi.Media provides editors…", "Fact checked by The People's
Voice", a publisher's legal name ("People's Press Printing Society"), a contact address @ its domain.
A name merely cited ("Press TV reports:", "told CNN", "according to TASS") is no evidence at all.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from courlan import extract_domain

from narrascope.patterns import trie_regex

__all__ = ["Outlet", "find_outlet", "outlet_table"]


@dataclass(frozen=True, slots=True)
class Outlet:
    """One row of ``data/outlets.csv``."""

    name: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]
    country: str
    kind: str


# Phrases right before a name that make the page speak of itself ("Comment via Sputnik").
SELF_BEFORE = (
    "comment via", "comments via", "notifications from", "fact checked by", "fact-checked by",
    "subscribe to", "sign up for", "download the", "welcome to", "follow", "shares in", "brought to you by",
)  # fmt: skip
# ... and right after a name ("JNi.Media provides editors…", "a Sputniknews.com account"). Not "is a":
# "RT is a Kremlin-funded channel" closes many articles about RT.
SELF_AFTER = ("provides", "publishes", "account", "app", "newsletter", "push notifications")
# Words that mark a legal or publisher name, which only its own pages print ("… Printing Society").
LEGAL_WORDS = frozenset({
    "Society", "Company", "Corporation", "Corp", "Inc", "Ltd", "LLC", "GmbH", "Group", "Foundation",
    "Organization", "Organisation", "Trust", "Holdings", "Network", "Media",
})  # fmt: skip
COPYRIGHT = re.compile(r"(?:©|\(c\)|\bcopyright\b)", re.I)
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# After "© 2020": a run of capitalised words is the owner's name ("© 2020 Example Herald. All rights…").
# capitalised (Latin, Latin-1 or Cyrillic capital); inner dots as in "JNi.Media"
_OWNER_WORD = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w&'-]*(?:\.[A-Za-z][\w-]*)*"
COPYRIGHT_OWNER = re.compile(
    r"(?:©|\([cC]\)|[Cc]opyright|COPYRIGHT)\s*(?:©\s*)?(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*,?\s*"
    rf"(?:by\s+)?(?P<owner>{_OWNER_WORD}(?:\s+(?:{_OWNER_WORD}|of|the|and|&)){{0,5}})"
)
NOT_OWNER = re.compile(r"\s*\b(?:all rights reserved|all rights|rights reserved)\b.*$", re.I)
CREDIT_AFTER = re.compile(r"^\s*(?:photos?|images?|pictures?|video|/)", re.I)  # "© AP Photo / File"
EMAIL_DOMAIN = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@((?:[\w-]{1,63}\.){1,8}[a-z]{2,24})\b", re.I)
ARCHIVE_PREFIX = re.compile(r"^https?://(?:web\.)?archive\.org/web/\d+[a-z_]*/(?P<url>.+)$", re.I)
EDITION_SUFFIX = re.compile(r"\s*(?:\([^)]*\)|\s[-–—|]\s.*)$")  # "TASS - Russian", "RT Germany (old)"
# Language and country words of outlet editions: "Sputnik Poland", "RT Arabic" are Sputnik and RT.
EDITION_WORDS = frozenset({
    "English", "Russian", "German", "French", "Spanish", "Italian", "Arabic", "Polish", "Czech", "Serbian",
    "Greek", "Armenian", "Georgian", "Belarus", "Lithuania", "Latvia", "Estonia", "Moldova", "Azerbaijan",
    "Abkhazia", "Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "Ukraine", "Poland", "Germany",
    "France", "Spain", "Italy", "Italia", "Greece", "Serbia", "Armenia", "Georgia", "Czechia", "Japan",
    "China", "Mundo", "Brasil", "Brazil", "Deutschland", "Polska", "Türkiye", "Turkey", "Balkans",
    "International", "UK", "USA", "America", "Africa", "Latino", "Persian", "Farsi", "Turkish", "Chinese",
    "Japanese", "Portuguese", "Latin", "Cyrillic",
})  # fmt: skip

FURNITURE_EDGE_LINES = 12  # non-blank lines at the top and at the bottom of a page
SHORT_LINE_WORDS = 10  # a line this short is furniture wherever it stands
# Bounds on the work per page: self-references sit at a line's start or end and near the page's ends.
LINE_EDGE_CHARS = 500
MAX_LINES_PER_END = 2_000
WEIGHT_COPYRIGHT, WEIGHT_SELF, WEIGHT_LEGAL, WEIGHT_EMAIL = 3, 2, 2, 1
MAX_OWNER_WORDS = 5


@cache
def outlet_table() -> tuple[Outlet, ...]:
    """The shipped outlet table."""
    source = resources.files("narrascope").joinpath("data", "outlets.csv")
    with source.open(encoding="utf-8", newline="") as handle:
        return tuple(
            Outlet(
                name=row["name"].strip(),
                domains=tuple(row["domains"].lower().split()),
                aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
                country=row["country"].strip(),
                kind=row["kind"].strip(),
            )
            for row in csv.DictReader(handle)
        )


def _key(name: str) -> str:
    """Comparison key: case, typographic apostrophes, a leading "The" and the separators between words
    do not matter ("huff-post", "Huff Post" and "HuffPost"; "usa_today" and "USA Today")."""
    name = re.sub(r"[\s_-]+", " ", name.replace("’", "'").replace("`", "'")).strip(" \t\"'“”«»").casefold()
    return name.removeprefix("the ").removeprefix("www.").replace(" ", "")


@cache
def _by_name() -> dict[str, Outlet]:
    index: dict[str, Outlet] = {}
    for outlet in outlet_table():
        for name in (outlet.name, *outlet.aliases, *outlet.domains):
            index.setdefault(_key(name), outlet)
    return index


@cache
def _by_domain() -> dict[str, Outlet]:
    return {domain: outlet for outlet in outlet_table() for domain in outlet.domains}


def _host(url: str) -> str | None:
    inner = ARCHIVE_PREFIX.match(url)
    if inner:  # a Wayback Machine copy: the outlet is the archived page's
        url = inner["url"] if "://" in inner["url"] else f"http://{inner['url']}"
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname
    except ValueError:
        return None
    return host.rstrip(".").lower() if host else None


def _outlet_for_host(host: str) -> Outlet | None:
    """The table row for ``host`` or any domain it is a subdomain of."""
    labels = host.removeprefix("www.").split(".")
    table = _by_domain()
    for start in range(len(labels) - 1):
        outlet = table.get(".".join(labels[start:]))
        if outlet:
            return outlet
    return None


def _registered_domain(host: str) -> str | None:
    """``example-news.org`` for ``www.example-news.org``; None for IP addresses and localhost."""
    if "." not in host or host.replace(".", "").isdigit() or ":" in host:
        return None
    return extract_domain(f"http://{host}/") or host.removeprefix("www.")


def _from_hint(hint: str) -> Outlet | None:
    """Table row for a metadata name ("Sputnik International", "sputniknews.com", "Sputnik Poland")."""
    index = _by_name()
    for candidate in (hint, EDITION_SUFFIX.sub("", hint)):
        outlet = index.get(_key(candidate))
        if outlet:
            return outlet
        if re.fullmatch(r"(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?", candidate.strip()):
            host = _host(candidate.strip())
            outlet = _outlet_for_host(host) if host else None
            if outlet:
                return outlet
        head, _, last = candidate.strip().rpartition(" ")
        if head and last in EDITION_WORDS and _key(head) in index:
            return index[_key(head)]
    return None


@cache
def _name_pattern() -> re.Pattern[str]:
    """Every table name, alias and domain; names match case-sensitively (a page capitalises its own
    name, and "independent journalism" is not The Independent), domains in any case.

    Hundreds of names in one plain alternation cost milliseconds a line; as a trie they cost microseconds.
    """
    names: set[str] = set()
    for outlet in outlet_table():
        for name in (outlet.name, *outlet.aliases):
            names.add(name.replace("’", "'"))
            if name.startswith("The "):
                names.add(name[4:])
    domains = {d.lower() for o in outlet_table() for d in o.domains}
    return re.compile(rf"(?<![\w@.-])(?:{trie_regex(names)}|(?i:{trie_regex(domains)}))(?![\w]|\.\w)")


def _cue(phrases: tuple[str, ...], before: bool) -> re.Pattern[str]:
    alternatives = "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True)
    )
    if before:
        # no word boundary before: scraped furniture runs together ("Comment via FacebookComment via X")
        return re.compile(rf"(?:{alternatives})\s*(?:the\s+)?$", re.I)
    return re.compile(rf"^[\s'’s.,:]*(?:{alternatives})(?![\w])", re.I)


SELF_BEFORE_RE = _cue(SELF_BEFORE, before=True)
SELF_AFTER_RE = _cue(SELF_AFTER, before=False)


def _furniture_lines(text: str) -> list[str]:
    """The first and last non-blank lines, and every short line: where pages name themselves."""
    lines = [line.strip().replace("’", "'") for line in text.splitlines() if line.strip()]
    if len(lines) > 2 * MAX_LINES_PER_END:
        lines = lines[:MAX_LINES_PER_END] + lines[-MAX_LINES_PER_END:]
    edge = FURNITURE_EDGE_LINES
    return [
        line if len(line) <= 2 * LINE_EDGE_CHARS else f"{line[:LINE_EDGE_CHARS]}\n{line[-LINE_EDGE_CHARS:]}"
        for index, line in enumerate(lines)
        if index < edge or index >= len(lines) - edge or len(line.split()) <= SHORT_LINE_WORDS
    ]


def _evidence(lines: list[str]) -> tuple[Counter[str], Counter[str]]:
    """Score per outlet name (table names, or owners named in copyright lines), and strongest weight."""
    score: Counter[str] = Counter()
    strongest: Counter[str] = Counter()
    index = _by_name()

    def add(name: str, weight: int) -> None:
        score[name] += weight
        strongest[name] = max(strongest[name], weight)

    pattern = _name_pattern()
    for line in lines:
        copyright_line = bool(COPYRIGHT.search(line) and YEAR.search(line))
        named_in_copyright = False
        for m in pattern.finditer(line):
            outlet = index.get(_key(m.group()))
            if outlet is None:
                continue
            before, after = line[: m.start()], line[m.end() :]
            if copyright_line and COPYRIGHT.search(before) and not CREDIT_AFTER.match(after):
                add(outlet.name, WEIGHT_COPYRIGHT)
                named_in_copyright = True
            elif SELF_BEFORE_RE.search(before) or SELF_AFTER_RE.match(after):
                add(outlet.name, WEIGHT_SELF)
            elif len(m.group().split()) >= 2 and m.group().split()[-1] in LEGAL_WORDS:
                add(outlet.name, WEIGHT_LEGAL)
        if copyright_line and not named_in_copyright:
            owner = COPYRIGHT_OWNER.search(line)
            if owner and not CREDIT_AFTER.match(line[owner.end() :]):
                name = NOT_OWNER.sub("", owner["owner"]).strip(" .,&")
                if name and len(name.split()) <= MAX_OWNER_WORDS:
                    add(name, WEIGHT_COPYRIGHT)
        for domain in EMAIL_DOMAIN.findall(line):
            host = domain.lower()
            outlet = _outlet_for_host(host)
            if outlet:
                add(outlet.name, WEIGHT_EMAIL)
    return score, strongest


def outlet_from_text(text: str | None) -> str | None:
    """The outlet a page names as itself in its furniture; None when none or a tie."""
    if not text:
        return None
    score, strongest = _evidence(_furniture_lines(text))
    if not score:
        return None
    ranked = sorted(score, key=lambda name: (score[name], strongest[name]), reverse=True)
    best = ranked[0]
    if len(ranked) > 1 and (score[ranked[1]], strongest[ranked[1]]) == (score[best], strongest[best]):
        return None  # two outlets with equal evidence: say unknown rather than pick one
    return best


def find_outlet(*, outlet: str | None, url: str | None, text: str | None) -> str | None:
    """The page's outlet, by the first of: the metadata name found in the table; the URL host found in
    the table; the metadata name as given; the URL's registered domain; with neither, the page naming
    itself in its furniture. None when nothing names it.

    An unknown metadata name yields to a URL host the table knows: trafilatura's site name can be a
    stray Twitter handle or a city ("Nj" on nj.com pages), while the table's hosts are checked.
    """
    hint = re.sub(r"\s+", " ", outlet).strip() if outlet else ""
    known = _from_hint(hint) if hint else None
    if known:
        return known.name
    host = _host(url) if url else None
    if host:
        by_host = _outlet_for_host(host)
        if by_host:
            return by_host.name
    if hint and not re.match(r"(?i)^(?:https?:)?//", hint):  # an unknown page URL names no outlet
        return hint
    if host:
        domain = _registered_domain(host)
        if domain:
            return domain
    return outlet_from_text(text)
