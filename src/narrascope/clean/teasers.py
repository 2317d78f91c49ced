"""Headline-shaped lines: the page's own title, and teasers for other articles.

A teaser is the headline of another article that a page embeds between its own paragraphs, usually
under a photo and its credit ("© AP Photo / File" then "US Not Seeking Regime Change ... - Envoy"),
behind a "Read more:" label, or as a link card whose headline and blurb the text rendering glued
together. Read as body, it puts another article's claims into this one.
"""

from __future__ import annotations

import re

MAX_HEADLINE_WORDS = 25
HEADLINE_RATIO = 0.75  # share of capitalised words (function words aside) in a title-case headline
SENTENCE_CASE_RATIO = 0.3  # a sentence-case headline needs this much, plus headline punctuation

_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SENTENCE_END = re.compile(r"[.!?。！？…:;]['\"”’»)\]]*$")
_CLOSERS = "'\"”’»)]"
# Markup typed into plain text ("... on Monday. <script>alert(1)</script>"): a script or style element
# (code, not words) or a tag. It is text, kept, but does not say where a sentence ends.
_MARKUP = re.compile(r"<(script|style)\b[^<>]*>[^<]*</\1\s*>|</?[A-Za-z][^<>]*>", re.IGNORECASE)
# Where a link card's headline meets its blurb: a word, a digit or closing punctuation directly followed
# by a capitalised word ("SteakhouseA party", "250,000The state", "Hospital\"Doctors said").
_GLUE = re.compile(r"(?:(?<=[a-z0-9)?!])|(?<=\S[\"”]))(?=(?:[A-Z][a-z]+|[AI])(?:[\s,.:;!?'’]|$))")
# The headline must end in a whole word (three letters or more) or in a digit or closing punctuation.
_GLUED_END = re.compile(r"(?:[^\W\d_]{3,}|[\d)?!\"”])$")


def ends_sentence(line: str) -> bool:
    """Whether the line ends as running prose does (full stop, question mark, colon, closing quote), markup
    at its end looked past."""
    if line.endswith(">"):
        line = _MARKUP.sub("", line).rstrip()
    return bool(_SENTENCE_END.search(line))


def title_case_ratio(line: str, minor: frozenset[str]) -> float:
    """Share of the line's words (function words aside) that start with a capital letter."""
    words = [w for w in _WORD.findall(line) if w.casefold() not in minor]
    if not words:
        return 0.0
    return sum(1 for w in words if w[0].isupper()) / len(words)


def headline_like(line: str, words: int, minor: frozenset[str]) -> bool:
    """A short line that does not end with a full stop and capitalises most of its words.

    Sentence-case headlines ("Nikki Haley: Trump 'does believe in climate change'") count when they
    carry headline punctuation: a colon or a trailing " - Source" attribution.
    """
    if not 3 <= words <= MAX_HEADLINE_WORDS or line.rstrip(_CLOSERS).endswith("."):
        return False
    ratio = title_case_ratio(line, minor)
    if ratio >= HEADLINE_RATIO:
        return True
    return ratio >= SENTENCE_CASE_RATIO and (":" in line or " - " in line or " – " in line)


def glued_card(line: str, minor: frozenset[str]) -> bool:
    """A link card flattened to one line: a title-case headline glued to its blurb.

    Camel-cased names ("WeWork", "McDonald", "iPhone") mostly fail the tests: too short a fragment
    before the capital, or no headline of four words or more before it. Callers still require cards
    to come in runs, since one such line alone is more likely prose naming "YouTube".
    """
    for match in _GLUE.finditer(line):
        head = line[: match.start()]
        words = len(head.split())
        if words > MAX_HEADLINE_WORDS:
            break
        if words >= 4 and _GLUED_END.search(head) and title_case_ratio(head, minor) >= HEADLINE_RATIO:
            return True
    return False
