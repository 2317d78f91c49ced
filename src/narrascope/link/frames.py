"""Claim frames (``data/frames.yaml``) and the stance a clause takes to them.

A frame is a predicate recurring narratives are built on ("partition", "regime change"). Its patterns
are data; a user file extends them. ``stance`` says whether a clause asserts the frame or denies it:
a negator before the match in the same clause ("is not looking for regime change", "no plans to break it
apart"), the clause calling it false ("the claim that … is false") or a denial cue ("denied that …")
flips it; a negator and a denial cue together cancel ("denied that there was no plan"), except in a
quotation, where the negation is the speaker's own words. A claim that names no frame denies only by its
cue or by calling something false (``claim_stance``); whether it says the negative (``negative``) matters
against the claims it is linked to.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from narrascope.errors import NarrascopeError
from narrascope.link.cues import negated_cue
from narrascope.patterns import PatternGroup, compile_groups, read_groups

ASSERTS = "asserts"
DENIES = "denies"

_NEGATOR = re.compile(
    r"\b(?:not(?!\s+only\b)|no(?!\s+(?:doubt|question|wonder|surprise)\b)|never|neither|nor|none|nothing|nobody|cannot|"
    r"не|нет|ни|никогда|nicht|kein\w*|nie|niemals|pas|jamais|aucun\w*|nunca|ningún|ninguna)\b|n['’]t\b",
    re.IGNORECASE,
)
_DENIAL_CUE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|dismiss\w*|refut\w*|rebut\w*|disput\w*|debunk\w*|"
    r"contradict\w*|rubbish\w*|deride[sd]?|ridicul\w*|опроверг\w*|отверг\w*|отрица\w*|dementi\w*|"
    r"bestr(?:eitet|itt|itten)|zurückgewiesen|wies\s+\w+\s+zurück|démen\w*|desmint\w*|neg(?:ó|aron|ar)\b)",
    re.IGNORECASE,
)
# Calling what was said false ("That story is false", "fabricated from start to finish").
_REFUTED = re.compile(
    r"\b(?:is|are|was|were|be|been|being)\s+(?:(?:\w+ly|pure|simply|just|nothing\s+but|an?|total|complete|utter)\s+){0,2}"
    r"(?:false|untrue|baseless|groundless|unfounded|fabricated|fake|fiction|a\s+lie|lies|a\s+hoax|nonsense|"
    r"absurd|debunked|disinformation|propaganda)\b|\bfabricat(?:ed|ion)\b|"
    r"\b(?:ha[sd]|have)\s+no\s+(?:plans?|intention)\b|\bno\s+intention\s+of\b|\b(?:no|without)\s+(?:any\s+)?"
    r"(?:evidence|proof|basis)\b|\b(?:ложь|фейк\w*|неправда|выдумк\w*|falsch|erfunden|faux|falso|falsa)\b",
    re.IGNORECASE,
)
_QUOTE_MARKS = "\"“”„«»‘’‹›'"
# A clause ends at these; a negator beyond one does not reach the frame.
_CLAUSE_BREAK = re.compile(
    r"[,;:.!?()\[\]—–]|\b(?:and|but|while|whereas|although|however|because|who|whom|whose|which)\b", re.I
)
# The main clause ends at punctuation or where a relative or subordinate clause begins: "support a ban
# on Muslims who are not citizens" says nothing negative
_FIRST_CLAUSE = re.compile(
    r"[,;:.!?()\[\]—–]|\s(?:who|whom|whose|which|where|when|if|unless|because|since|until|after|before|"
    r"while|although)\s",
    re.IGNORECASE,
)
_MAIN_CLAUSE_WORDS = 3  # a shorter first clause is a lead-in ("So far,", "In fact,")
_LEADING_THAT = re.compile(r"^(?:that|whether)\s+", re.IGNORECASE)
_NEGATION_REACH = 60  # characters before the match a negator may sit at


Frame = PatternGroup  # a claim frame: name, label, compiled patterns


@dataclass(frozen=True, slots=True)
class FrameHit:
    frame: str
    start: int
    end: int


@lru_cache(maxsize=8)
def load_frames(extra: Path | None = None) -> tuple[Frame, ...]:
    """The shipped frames, with a user file's frames added (same name: its patterns are appended)."""
    shipped = files("narrascope").joinpath("data/frames.yaml").read_text("utf-8")
    merged = read_groups(shipped, "frames.yaml", "frame")
    if extra is not None:
        try:
            user = read_groups(Path(extra).read_text("utf-8"), str(extra), "frame")
        except OSError as exc:
            raise NarrascopeError("E401", f"{extra}: cannot read frames file: {exc.strerror}") from exc
        for name, (label, patterns) in user.items():
            old_label, old = merged.get(name, (label, []))
            merged[name] = (old_label, old + patterns)
    return compile_groups(merged, "frames", "frame", prefix=r"\b")


def frames_digest(frames: Sequence[Frame]) -> str:
    """A short digest of the frames' names and patterns: what was linked or watched under other frames is
    read again."""
    return hashlib.sha256(repr([(f.name, f.pattern.pattern) for f in frames]).encode()).hexdigest()[:8]


def find_frames(text: str, frames: tuple[Frame, ...]) -> list[FrameHit]:
    """The first match of each frame in ``text``, in text order."""
    hits = []
    for frame in frames:
        m = frame.pattern.search(text)
        if m:
            hits.append(FrameHit(frame.name, m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def stance(clause: str, hit_start: int, cue: str = "") -> str:
    """Whether ``clause`` asserts or denies what starts at ``hit_start``, given the statement's cue."""
    window_start = max(0, hit_start - _NEGATION_REACH)
    before = clause[window_start:hit_start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end() :]
    negated = bool(_NEGATOR.search(before)) or bool(_REFUTED.search(clause, hit_start))
    return _combine(clause, negated, cue)


def claim_stance(text: str, cue: str = "") -> str:
    """Whether a claim that names no frame denies: a denial cue ("denied that …"), or the claim calling
    something false ("That story is false", "fabricated"). A plain negation is no denial on its own ("We
    will not stop", "Nobody builds a lab to vaccinate sheep" accuse): see ``negative``."""
    return _combine(text, bool(_REFUTED.search(text)), cue)


def negative(text: str, stance: str) -> bool:
    """Whether a claim (with its ``claim_stance``) says the negative of what it is about: it denies, or a
    negator stands in its first clause ("grain is not being shipped"); a denial of a negation cancels out,
    but not in a quotation, where the negation is the speaker's own. Two claims the linker finds alike
    (the vectors barely see a "not") disagree when one is negative and the other is not."""
    first = _main_clause(text)
    negated = bool(_NEGATOR.search(first)) and not _REFUTED.search(text)
    if stance == DENIES and is_quotation(text):
        return True
    return negated != (stance == DENIES)


def _main_clause(text: str) -> str:
    """The claim's first clause of some length: a lead-in ("So far, I cannot believe …", "No, …") is not
    where its negation is."""
    clauses = _FIRST_CLAUSE.split(_LEADING_THAT.sub("", text.strip(_QUOTE_MARKS + " ")))
    return next((c for c in clauses if len(c.split()) >= _MAIN_CLAUSE_WORDS), clauses[0])


def opposite(stance: str) -> str:
    return ASSERTS if stance == DENIES else DENIES


def is_denial_cue(cue: str) -> bool:
    """Whether the cue alone says the speaker denies what follows ("denied", "rejected", "опроверг")."""
    return bool(_DENIAL_CUE.search(cue))


def cue_denies(cue: str) -> bool:
    """Whether the cue denies what follows: a denial cue ("denied") or a negated one ("did not recommend
    that she face charges", "isn't recommending an indictment"), but not both ("did not deny")."""
    return is_denial_cue(cue) != negated_cue(cue)


def _combine(text: str, negated: bool, cue: str) -> str:
    denial = cue_denies(cue)
    if negated and denial and is_quotation(text):
        return DENIES  # '"There is no plan," he denied': the speaker's words, not a double negation
    return DENIES if negated != denial else ASSERTS


def is_quotation(text: str) -> bool:
    """Whether a claim (or a content's piece) is a quotation: its negation is the speaker's own words."""
    return text.lstrip()[:1] in _QUOTE_MARKS
