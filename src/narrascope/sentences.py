"""Sentences by regular expressions over the raw text, with character offsets into it.

Shared by the stages that need sentence boundaries without a parse (attribution regions, claims).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PARAGRAPH = re.compile(r"[^\n]+")
# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace and an
# upper-case letter, digit or opening quote; abbreviations are rejected afterwards.
_BOUNDARY = re.compile(r"[.!?]+[\"”’'»)\]]*\s+(?=[\"“‘'«(\[]*[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Prof|Rev|Hon|Pres|St|Jr|Sr|Inc|Corp|Co|Ltd|"
    r"No|Vol|vs|etc|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Ariz|Calif|Colo|Conn|Fla|Ill|Ind|Kan|Ky|La|"
    r"Mass|Md|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Penn|Tenn|Tex|Va|Vt|Wash|Wis|Wyo)|\b[A-Z]|"
    r"\b(?:[A-Za-z]\.){2,})\.$"
)


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Paragraphs are lines; sentences split at terminal punctuation that is not an abbreviation."""
    out: list[Sentence] = []
    for paragraph, m in enumerate(_PARAGRAPH.finditer(text)):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        cursor = start
        for b in _BOUNDARY.finditer(text, start, end):
            head = text[cursor : b.start() + 1]
            if _ABBREVIATION.search(head) and b.group().count(".") == 1 and b.group()[1:2].isspace():
                continue
            stop = b.end()
            while stop > cursor and text[stop - 1].isspace():
                stop -= 1
            out.append(Sentence(cursor, stop, paragraph))
            cursor = b.end()
        if cursor < end:
            out.append(Sentence(cursor, end, paragraph))
    return out
