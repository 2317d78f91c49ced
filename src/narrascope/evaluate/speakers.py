"""Score who statements are given to, against a hand-read key of speakers over PolNeAR.

PolNeAR scores spans, not speakers: a source "he" is right as a span whoever we take him to be. The key
(``bench/keys/polnear_*_speakers.tsv``) names, for gold sources that need resolving (a lone "he" or "she";
"they", "it", "we"; a relative "who", "which", "that"; a definite description such as "the president" or
"the campaign"), the entity the article means, as a reader finds it. The articles are enriched as the
pipeline does it (entities, attribution, speakers) and each key row is looked up among our statements by
its source span:

- *right*: our canonical speaker is the key's entity (for people: the same surname and given names that
  do not differ; otherwise the same words, one name's words among the other's, or an acronym of it), or
  the key says it is never named and we name no one;
- *wrong*: we name another;
- *unresolved*: we found the statement but name no one;
- *missed*: no statement of ours has that source (an attribution miss, which PolNeAR's span scores count).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.enrich.gender import given_name_gender
from narrascope.enrich.names import name_key, person_parts, strip_titles
from narrascope.evaluate import BenchmarkError
from narrascope.evaluate.polnear import load_split
from narrascope.model import Article, Statement

UNNAMED = "-unnamed"
UNCLEAR = "-unclear"
KEY_COLUMNS = ("article", "start", "end", "source", "kind", "referent")
# the kinds of source a key row is, grouped as the report shows them
GROUPS = {
    "he": "he/she",
    "she": "he/she",
    "they": "they/it/we",
    "it": "they/it/we",
    "we": "they/it/we",
    "who": "who/which/that",
    "which": "who/which/that",
    "that": "who/which/that",
    "description": "description",
}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class KeyRow:
    article: str
    start: int
    end: int
    source: str
    kind: str
    referent: str


@dataclass(frozen=True, slots=True)
class Outcome:
    row: KeyRow
    verdict: str  # right | wrong | unresolved | missed
    ours: str | None
    context: str


@dataclass(slots=True)
class SpeakerReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def summary(self) -> dict[str, dict[str, float]]:
        """Per group of source kinds and overall: counts of each verdict, accuracy over all rows and over
        the rows whose statement we found."""
        groups = [g for g in dict.fromkeys(GROUPS.values()) if any(_group(o) == g for o in self.outcomes)]
        out = {}
        for group in [*groups, "all"]:
            c = Counter(o.verdict for o in self.outcomes if group in ("all", _group(o)))
            total = sum(c.values())
            found = total - c["missed"]
            out[group] = {
                "rows": total,
                **{v: c[v] for v in ("right", "wrong", "unresolved", "missed")},
                "accuracy": c["right"] / total if total else 0.0,
                "accuracy_found": c["right"] / found if found else 0.0,
            }
        return out


def _group(outcome: Outcome) -> str:
    return GROUPS.get(outcome.row.kind, outcome.row.kind)


def load_key(path: Path) -> list[KeyRow]:
    """The key's rows: a TSV with ``article start end source kind referent`` columns (``#`` lines are
    comments)."""
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchmarkError(f"cannot read the key {path}: {exc}") from exc
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in KEY_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise BenchmarkError(f"{path}: the key has no {', '.join(missing)} column")
    rows = []
    for number, rec in enumerate(reader, start=2):
        try:
            start, end = int(rec["start"]), int(rec["end"])
            rows.append(KeyRow(rec["article"], start, end, rec["source"], rec["kind"], rec["referent"]))
        except (TypeError, ValueError) as exc:
            raise BenchmarkError(f"{path}: row {number} does not read ({exc})") from exc
    return rows


def same_person(referent: str, ours: str) -> bool:
    """Whether our canonical name is the key's person: the same surname, and given names that do not
    differ where both are given ("Obama" is "Barack Obama"; "Heidi Cruz" is not "Ted Cruz")."""
    g_given, g_surname = person_parts(strip_titles(referent))
    o_given, o_surname = person_parts(strip_titles(ours))
    if not g_surname or g_surname != o_surname:
        return name_key(referent) == name_key(ours)
    return not g_given or not o_given or g_given == o_given


def _words(name: str) -> list[str]:
    return [w for w in _WORD.findall(name.casefold()) if w not in ("the", "of", "and")]


def same_entity(referent: str, ours: str) -> bool:
    """Whether our canonical name is the key's entity: the same person, or (organisations, places,
    groups) one name's words among the other's ("Quinnipiac University" and "Quinnipiac"), or one the
    other's acronym ("FBI", "Federal Bureau of Investigation")."""
    if same_person(referent, ours):
        return True
    key, mine = _words(referent), _words(ours)
    if not key or not mine:
        return False
    if set(key) <= set(mine) or set(mine) <= set(key):  # unless two people's given names differ
        return key[0] == mine[0] or not (given_name_gender(referent) and given_name_gender(ours))
    return "".join(w[0] for w in key) == "".join(mine) or "".join(w[0] for w in mine) == "".join(key)


def _verdict(row: KeyRow, statement: Statement | None) -> tuple[str, str | None]:
    if statement is None:
        return "missed", None
    ours = statement.speaker_name
    if row.referent == UNNAMED:
        return ("right" if ours is None else "wrong"), ours
    if ours is None:
        return "unresolved", None
    parts = [p.strip() for p in row.referent.split(" + ")]
    return ("right" if any(same_entity(p, ours) for p in parts) else "wrong"), ours


def _statement_at(statements: list[Statement], start: int, end: int) -> Statement | None:
    """The first statement whose source overlaps ``start``–``end``."""
    spans = ((s, s.speaker_start, s.speaker_end) for s in statements)
    return next((s for s, a, b in spans if a is not None and b is not None and a < end and start < b), None)


def evaluate_speakers(
    path: Path, key: Path, *, model: str | None = None, parse: str = "selective"
) -> SpeakerReport:
    """Enrich the key's articles of a PolNeAR split as the pipeline does and score each key row."""
    from narrascope.enrich.enricher import Enricher
    from narrascope.enrich.entities import EntityResolver

    rows = [r for r in load_key(key) if r.referent != UNCLEAR]
    names = {r.article for r in rows}
    articles = {a.name: a for a in load_split(Path(path), names=names)}
    absent = sorted(names - articles.keys())
    if absent:
        raise BenchmarkError(f"{path} has no article {absent[0]} (of {len(absent)} the key names)")
    for r in rows:
        said = " ".join(articles[r.article].text[r.start : r.end].split())
        if said.casefold() != " ".join(r.source.split()).casefold():
            raise BenchmarkError(f"{key}: {r.article} {r.start}-{r.end} reads {said!r}, not {r.source!r}")
    ordered = sorted(articles.values(), key=lambda a: a.name)
    records = [Article(a.name, a.name, a.text, a.name) for a in ordered]
    with Enricher(EntityResolver(), model=model, parse=parse) as enricher:
        found = {e.article_id: e.statements for e in enricher.enrich(records)}
    report = SpeakerReport()
    for r in rows:
        text = articles[r.article].text
        verdict, ours = _verdict(r, _statement_at(found[r.article], r.start, r.end))
        context = " ".join(text[max(0, r.start - 160) : r.end + 60].split())
        report.outcomes.append(Outcome(r, verdict, ours, context))
    return report


def format_report(report: SpeakerReport, errors: int = 0) -> str:
    lines = [
        f"{'source':15} {'rows':>5} {'right':>6} {'wrong':>6} {'unres.':>7} {'missed':>7} {'acc':>6}"
        f" {'acc found':>10}"
    ]
    for label, s in report.summary().items():
        lines.append(
            f"{label:15} {s['rows']:>5} {s['right']:>6} {s['wrong']:>6} {s['unresolved']:>7} {s['missed']:>7}"
            f" {100 * s['accuracy']:>6.1f} {100 * s['accuracy_found']:>10.1f}"
        )
    lines.append("acc: right over all key rows; acc found: right over the rows whose statement we found.")
    shown = [o for o in report.outcomes if o.verdict in ("wrong", "unresolved")][:errors]
    for o in shown:
        lines.append(
            f"\n{o.verdict}: {o.row.article} {o.row.start} {o.row.source!r} is {o.row.referent!r},"
            f" ours {o.ours!r}\n  …{o.context}"
        )
    return "\n".join(lines)
