"""Read a PolNeAR split (Newell et al., LREC 2018): raw article texts and brat standoff attributions.

A split folder holds ``text/<name>.txt`` and ``attributions/<name>_<annotator>.ann``. Each ``T`` line is
``Label start end[;start end...]`` (a fragment list: spans may be discontinuous) and each ``E`` line links one
``Attribution`` trigger to its ``Source``, ``Cue`` and ``Content``. ``Discard``/``Discuss`` marks are not
attributions and are skipped. The text column of a ``T`` line can span several lines (a fragment crossing a
paragraph break), so only the offsets are trusted.

Some articles were annotated by several annotators (``metadata.tsv`` lists them). PolNeAR's own loader
picks one at random when none is named; we take the first annotator in alphabetical order, so every run
scores against the same files, and keep the others to measure how far annotators agree.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from narrascope.evaluate import BenchmarkError

__all__ = ["GoldAttribution", "PolnearArticle", "load_split", "parse_ann"]

Fragments = tuple[tuple[int, int], ...]
ROLES = ("Source", "Cue", "Content")
_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t")
_T_START = re.compile(r"^T\d+\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One annotated attribution: the character fragments of each role (empty when the role is absent)."""

    source: Fragments
    cue: Fragments
    content: Fragments


@dataclass(frozen=True, slots=True)
class PolnearArticle:
    name: str
    annotator: str
    text: str
    attributions: tuple[GoldAttribution, ...]
    others: tuple[tuple[GoldAttribution, ...], ...] = ()  # the other annotators' files, in name order


def _fragments(ranges: str, number: int) -> Fragments:
    out = []
    for part in ranges.split(";"):
        bounds = part.split()
        if len(bounds) != 2 or int(bounds[0]) > int(bounds[1]):
            raise ValueError(f"line {number}: {part.strip()!r} is no 'start end' range")
        out.append((int(bounds[0]), int(bounds[1])))
    return tuple(out)


def parse_ann(ann: str) -> list[GoldAttribution]:
    """Attributions of one brat ``.ann`` file, in file order. A ``T`` line whose offsets do not read, or
    an ``E`` line naming a span the file lacks, is a ``ValueError`` with its line number: gold that is
    silently dropped would lower every score without a word (``load_split`` adds the file's path)."""
    spans: dict[str, tuple[str, Fragments]] = {}
    events: list[tuple[int, str]] = []
    for number, line in enumerate(ann.splitlines(), 1):
        if m := _T_LINE.match(line):
            spans[m.group(1)] = (m.group(2), _fragments(m.group(3), number))
        elif _T_START.match(line):
            raise ValueError(f"line {number}: a text-bound annotation without 'Label start end' offsets")
        elif m := _E_LINE.match(line):
            events.append((number, m.group(2)))
    out = []
    for number, event in events:
        roles: dict[str, Fragments] = {}
        for arg in event.split()[1:]:
            role, _, ref = arg.partition(":")
            role = role.rstrip("0123456789")
            if role in ROLES and ref not in spans:
                raise ValueError(f"line {number}: {role} {ref} is not annotated in this file")
            if role in ROLES:
                roles[role] = roles.get(role, ()) + spans[ref][1]
        if "Cue" in roles or "Content" in roles:
            out.append(
                GoldAttribution(roles.get("Source", ()), roles.get("Cue", ()), roles.get("Content", ()))
            )
    return out


def _read_ann(ann: Path, text: str, text_name: str) -> tuple[GoldAttribution, ...]:
    try:
        attributions = tuple(parse_ann(ann.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BenchmarkError(f"{ann}: {exc}") from None
    beyond = [f for a in attributions for f in (*a.source, *a.cue, *a.content) if f[1] > len(text)]
    if beyond:
        raise BenchmarkError(f"{ann}: span {beyond[0]} ends past the {len(text)} characters of {text_name}")
    return attributions


def load_split(
    path: Path, *, limit: int | None = None, names: Collection[str] | None = None
) -> list[PolnearArticle]:
    """Articles of one split folder in name order (only ``names``, when given), each with its first
    annotator's attributions and the other annotators' (``others``), where several annotated it."""
    path = Path(path)
    by_name: dict[str, list[Path]] = {}
    for ann in sorted((path / "attributions").glob("*.ann")):
        name, _, _annotator = ann.stem.rpartition("_")
        if names is None or name in names:
            by_name.setdefault(name, []).append(ann)
    articles = []
    for name in sorted(by_name):
        text_path = path / "text" / f"{name}.txt"
        if not text_path.exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        first, *rest = (_read_ann(ann, text, text_path.name) for ann in by_name[name])
        annotator = by_name[name][0].stem.rpartition("_")[2]
        articles.append(PolnearArticle(name, annotator, text, first, tuple(rest)))
        if limit is not None and len(articles) >= limit:
            break
    return articles
