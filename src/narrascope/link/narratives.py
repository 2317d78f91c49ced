"""A narrative as an analyst reads it: first appearance, timeline, speakers, outlets, denials, evidence.

Built from the store's evidence rows (one per claim, in time order); pure, so the CLI, the API and the
exports show the same thing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from narrascope.link.frames import DENIES
from narrascope.model import Narrative


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
    narrative: Narrative
    first: Evidence | None
    timeline: tuple[TimelinePoint, ...]
    speakers: tuple[tuple[str, int, int], ...]  # (speaker, asserts, denies)
    outlets: tuple[tuple[str, int], ...]  # (outlet, claims)
    denials: tuple[Evidence, ...]
    evidence: tuple[Evidence, ...]


def narrative_detail(narrative: Narrative, rows: Iterable[Mapping[str, object]]) -> NarrativeDetail:
    evidence = tuple(_evidence(r) for r in rows)
    points: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0, 0])
    speakers: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    outlets: Counter[str] = Counter()
    for e in evidence:
        denies = e.stance == DENIES
        points[(e.published, e.outlet)][denies] += 1
        speakers[e.speaker or "(unattributed)"][denies] += 1
        outlets[e.outlet or "(unknown outlet)"] += 1
    first = _first_appearance(evidence)
    timeline = tuple(
        TimelinePoint(day, outlet, counts[0], counts[1])
        for (day, outlet), counts in sorted(
            points.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "", kv[0][1] or "")
        )
    )
    return NarrativeDetail(
        narrative=narrative,
        first=first,
        timeline=timeline,
        speakers=tuple(
            sorted(((s, c[0], c[1]) for s, c in speakers.items()), key=lambda t: (-(t[1] + t[2]), t[0]))
        ),
        outlets=tuple(sorted(outlets.items(), key=lambda t: (-t[1], t[0]))),
        denials=tuple(e for e in evidence if e.stance == DENIES),
        evidence=evidence,
    )


def _first_appearance(evidence: tuple[Evidence, ...]) -> Evidence | None:
    """The earliest dated assertion; else the earliest dated claim; else the first claim found."""
    for pool in ([e for e in evidence if e.stance != DENIES], list(evidence)):
        dated = [e for e in pool if e.published]
        if dated:
            return min(dated, key=lambda e: e.published or "")
    asserting = [e for e in evidence if e.stance != DENIES]
    return (asserting or list(evidence) or [None])[0]


def _evidence(row: Mapping[str, object]) -> Evidence:
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
