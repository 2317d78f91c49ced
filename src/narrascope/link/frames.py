"""Claim frames (``data/frames.yaml``) and the stance a clause takes to them.

A frame is a predicate recurring narratives are built on ("partition", "regime change"). Its patterns
are data; a user file extends them. ``stance`` says whether a clause asserts the frame or denies it:
a negator before the match in the same clause ("is not looking for regime change", "no plans to break it
apart") or a denial cue ("denied that …") flips it; both together cancel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from narrascope.errors import NarrascopeError
from narrascope.patterns import PatternGroup, compile_groups, read_groups

ASSERTS = "asserts"
DENIES = "denies"

_NEGATOR = re.compile(
    r"\b(?:not|no|never|neither|nor|none|nothing|nobody|cannot|without|"
    r"не|нет|ни|никогда|nicht|kein\w*|nie|niemals|pas|jamais|aucun\w*|nunca|ningún|ninguna)\b|n['’]t\b",
    re.IGNORECASE,
)
_DENIAL_CUE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|dismiss\w*|refut\w*|rebut\w*|disput\w*|debunk\w*|"
    r"contradict\w*|rubbish\w*|deride[sd]?|ridicul\w*|опроверг\w*|отверг\w*|отрица\w*|dementi\w*|"
    r"bestr(?:eitet|itt|itten)|zurückgewiesen|wies\s+\w+\s+zurück|démen\w*|desmint\w*|neg(?:ó|aron|ar)\b)",
    re.IGNORECASE,
)
# A clause ends at these; a negator beyond one does not reach the frame.
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]—–]|\b(?:and|but|while|whereas|although|however|because)\b", re.I)
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
    negated = bool(_NEGATOR.search(before))
    denial = bool(_DENIAL_CUE.search(cue))
    return DENIES if negated != denial else ASSERTS
