"""Wall pages: a bot check, a consent wall, a paywall, an ad-block wall, a widget or an error page that a
scraper was served instead of the article (phrases in ``data/walls.yaml``).

A page is a wall when the sentences holding a wall phrase are most of it: ``WALL_SHARE`` of its
characters, or, on a short page (a headline and a wall are all such a page has), ``SHORT_WALL_SHARE``
in at least two sentences (one quoted sentence does not make a short news item a wall).
Sentences, not lines: scraped text often glues a wall's sentences into one line. Characters, not words,
so that the same shares hold for Chinese as for English. A real article that quotes a wall phrase, or
keeps a consent line the cleaner missed, has far more prose than wall and stays an article.

The patterns are written in lower case and matched against lower-cased text: Python's ``re`` with
``IGNORECASE`` over a hundred alternatives is four times slower, and every page is checked. One search
over the whole page settles the common case (no wall phrase at all) before sentences are looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from narrascope.patterns import PatternGroup, PatternGroups, compile_group, compile_groups, read_groups

__all__ = ["Wall", "WallKind", "find_wall", "load_walls"]

WALL_SHARE = 0.5
SHORT_WALL_SHARE = 0.3
SHORT_PAGE_CHARS = 1000  # about 150 English words of non-space characters
EVIDENCE_CHARS = 80

# Sentence ends, also where scraping glued the next sentence on without a space ("registrieren!Sie").
_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


WallKind = PatternGroup  # a kind of wall: name, label, compiled (lower-case) patterns


@dataclass(frozen=True, slots=True)
class Wall:
    """Why a page is not an article: the kind of wall, the first phrase found, the wall's share."""

    kind: str
    label: str
    evidence: str
    share: float

    def describe(self) -> str:
        return f"{self.label}, not an article ({self.share:.0%} of the page; {self.evidence!r})"


@lru_cache(maxsize=1)
def load_walls() -> tuple[WallKind, ...]:
    """The shipped wall kinds, each with its (lower-case) patterns compiled into one alternation."""
    return compile_groups(_groups(), "walls.yaml", "wall", flags=0)


@lru_cache(maxsize=1)
def _any_wall() -> re.Pattern[str]:
    return compile_group(
        "any", [p for _, patterns in _groups().values() for p in patterns], "walls.yaml", "wall", flags=0
    )


@lru_cache(maxsize=1)
def _groups() -> PatternGroups:
    return read_groups(
        files("narrascope").joinpath("data/walls.yaml").read_text("utf-8"), "walls.yaml", "wall"
    )


def _weight(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def find_wall(text: str) -> Wall | None:
    """The wall ``text`` is, if it is one (see the module docstring); ``None`` for an article."""
    text = text.lower()
    if _any_wall().search(text) is None:
        return None
    kinds = load_walls()
    total = _weight(text)
    if not total:
        return None
    walled = sentences = 0
    first: tuple[WallKind, str] | None = None
    for sentence in _SENTENCE.finditer(text):
        for kind in kinds:
            found = kind.pattern.search(sentence.group())
            if found:
                walled += _weight(sentence.group())
                sentences += 1
                first = first or (kind, found.group())
                break
    if first is None:
        return None
    share = walled / total
    short = total <= SHORT_PAGE_CHARS and sentences >= 2 and share >= SHORT_WALL_SHARE
    if share >= WALL_SHARE or short:
        kind, phrase = first
        return Wall(kind.name, kind.label, " ".join(phrase.split())[:EVIDENCE_CHARS], round(share, 3))
    return None
