"""A narrative as an analyst reads it: first appearance, timeline, speakers, outlets, denials, evidence.

Built from the store's evidence rows (one per claim, in time order); pure, so the CLI, the API and the
exports show the same thing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from narrascope.model import Narrative

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Evidence:
    claim_id: str
    stance: str
    score: float
    via: str
    claim: str
    sentence: str
    claim_start: int
    claim_end: int
    speaker: str | None
    speaker_entity_id: str | None
    statement_id: str | None
    cue: str | None
    role: str | None
    article_id: str
    outlet: str | None
    published: str | None
    title: str | None
    url: str | None
    story_id: str | None
    copy_of: str | None


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    date: str | None  # None gathers the undated evidence
    outlet: str | None
    asserts: int
    denies: int


@dataclass(frozen=True, slots=True)
class NarrativeDetail:
    """Timeline, speakers and outlets count every claim of the narrative; ``evidence`` and ``denials`` are
    one page of them (``evidence_offset`` onwards; ``narrative.claim_count`` and ``denial_count`` say how
    many there are in all)."""

    narrative: Narrative
    first: Evidence | None
    timeline: tuple[TimelinePoint, ...]
    speakers: tuple[tuple[str, int, int], ...]  # (speaker, asserts, denies)
    outlets: tuple[tuple[str, int], ...]  # (outlet, claims)
    denials: tuple[Evidence, ...]
    evidence: tuple[Evidence, ...]
    evidence_offset: int = 0


def first_appearance(asserting: T | None, denying: T | None, dated: Callable[[T], bool]) -> T | None:
    """A narrative's first appearance, from its earliest assertion and earliest denial (dated ones
    first): the assertion if dated, else the denial if dated (the narrative was about by then), else the
    assertion, else the denial. One rule for the CLI, the API and the web page."""
    for found in (asserting, denying):
        if found is not None and dated(found):
            return found
    return asserting if asserting is not None else denying


def narrative_detail(
    narrative: Narrative,
    *,
    first: Mapping[str, object] | None,
    timeline: Iterable[tuple[str | None, str | None, int, int]],
    speakers: Iterable[tuple[str | None, int, int]],
    outlets: Iterable[tuple[str | None, int]],
    denials: Iterable[Mapping[str, object]],
    evidence: Iterable[Mapping[str, object]],
    evidence_offset: int = 0,
) -> NarrativeDetail:
    """Put the store's aggregates and evidence rows in the order an analyst reads them."""
    by_speaker: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for speaker, asserts, denies in speakers:
        counts = by_speaker[speaker or "(unattributed)"]
        counts[0] += asserts
        counts[1] += denies
    by_outlet: Counter[str] = Counter()
    for outlet, claims in outlets:
        by_outlet[outlet or "(unknown outlet)"] += claims
    return NarrativeDetail(
        narrative=narrative,
        first=to_evidence(first) if first is not None else None,
        timeline=tuple(
            TimelinePoint(day, outlet, asserts, denies)
            for day, outlet, asserts, denies in sorted(
                timeline, key=lambda t: (t[0] is None, t[0] or "", t[1] or "")
            )
        ),
        speakers=tuple(
            sorted(((s, c[0], c[1]) for s, c in by_speaker.items()), key=lambda t: (-(t[1] + t[2]), t[0]))
        ),
        outlets=tuple(sorted(by_outlet.items(), key=lambda t: (-t[1], t[0]))),
        denials=tuple(to_evidence(r) for r in denials),
        evidence=tuple(to_evidence(r) for r in evidence),
        evidence_offset=evidence_offset,
    )


def to_evidence(row: Mapping[str, object]) -> Evidence:
    """One evidence row of the store as a record."""
    r = dict(row)
    return Evidence(
        claim_id=r["claim_id"],
        stance=r["stance"],
        score=r["score"],
        via=r["via"],
        claim=r["text"],
        sentence=r["sentence"] or r["text"],
        claim_start=r["text_start"],
        claim_end=r["text_end"],
        speaker=r["speaker"],
        speaker_entity_id=r["speaker_entity_id"],
        statement_id=r["statement_id"],
        cue=r["cue"],
        role=r["role"],
        article_id=r["article_id"],
        outlet=r["outlet"],
        published=r["published"],
        title=r["title"],
        url=r["url"],
        story_id=r["story_id"],
        copy_of=r["copy_of"],
    )
