"""Attribution measured on PolNeAR (political news attribution relations), the way CofeNet reports it.

CofeNet (Wang et al., COLING 2022; ``exe/eval/evaluation.py`` in cofe-ai/CofeNet) scores token BIO tags
per instance (a paragraph of CoreNLP tokens): every maximal ``B-x I-x ...`` run is one span of type
``source``, ``cue`` or ``content``. For each type:

- **exact**: a predicted span counts when a gold span of that type in the same instance has the same first
  and last token; precision, recall and F1 are micro-averaged over the split (sklearn binary scores over
  the matched / missed / spurious list);
- **jaccard** (their soft score): each gold span scores its best token-Jaccard with a predicted span, each
  predicted span that overlaps no gold span scores 0, partly matching predictions are not counted, and the
  score is the mean of those numbers.

We implement the same on raw text: paragraphs (lines) are the instances; tokens are ``\\w+`` runs and single
punctuation marks; the fragments of one gold span (brat's discontinuous spans) are joined where only
whitespace separates them and cut at line breaks, and each piece is one span: a quotation whose sentences
were annotated as separate fragments is one span, as in their BIO data (a token continues a span with
``I-`` when the token before it belongs to the same annotation: "“We're not going to stop. It's going to go
on every day.”" is one ``B-content I-content ...`` run in their copy of PolNeAR dev), while fragments
with other words between them stay separate spans. The ``content_parts`` of a prediction are joined the
same way; its ``cue`` and ``source`` are one span each (duplicates counted once). Differences from
theirs: our tokens are not CoreNLP's (only spans whose edges fall inside a CoreNLP token can differ), and
gold comes straight from the brat files (first annotator alphabetically where several annotated an
article; PolNeAR's loader picks one at random) instead of their converted copy. Besides their soft score
we report token-overlap precision/recall/F1: each prediction's best Jaccard with a gold span, averaged
over predictions (precision) and each gold span's best Jaccard, averaged over gold spans (recall).

``seconds`` times ``AttributionExtractor.extract`` alone (regions, parsing and rules), not model loading.

Where it fails (``span_errors``): each gold span is found exactly, found with other edges (a prediction
overlaps it) or missed (nothing overlaps it); a prediction that overlaps no gold span is spurious. The most
frequent missed and spurious cue and source texts say which words the extractor does not know or misreads.
"""

from __future__ import annotations

import bisect
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrascope.evaluate import BenchmarkError
from narrascope.evaluate.polnear import GoldAttribution, PolnearArticle, load_split

if TYPE_CHECKING:
    import spacy

    from narrascope.enrich.attribution import Attribution

__all__ = [
    "ANCHORS",
    "KINDS",
    "Agreement",
    "AttributionReport",
    "SpanErrors",
    "SpanScores",
    "annotator_agreement",
    "evaluate_attribution",
    "format_agreement",
    "format_errors",
    "format_table",
    "gold_fragments",
    "joined",
    "score_predictions",
    "score_spans",
    "span_errors",
    "spans_of",
]

ANCHORS = {
    "CofeNet (BERT), PolNeAR test": {"source": 83.2, "cue": 75.3, "content": 72.9},
    "Stanford CoreNLP quote attribution": {"source": 13.9, "cue": None, "content": 17.5},
}
KINDS = ("source", "cue", "content")
_TOKEN = re.compile(r"\w+|[^\w\s]")

# A span as scored: (article, paragraph, first token, last token + 1).
Key = tuple[int, int, int, int]


@dataclass
class SpanScores:
    kind: str
    exact_p: float
    exact_r: float
    exact_f1: float
    overlap_p: float
    overlap_r: float
    overlap_f1: float
    gold: int
    predicted: int
    jaccard: float = 0.0  # CofeNet's soft score


@dataclass
class SpanErrors:
    """How the gold spans of one type were missed, and which texts were missed or wrongly read most."""

    kind: str
    exact: int
    boundary: int  # a prediction overlaps the gold span, with other edges
    missed: int  # no prediction overlaps it
    spurious: int  # predictions that overlap no gold span
    top_missed: list[tuple[str, int]]
    top_spurious: list[tuple[str, int]]


@dataclass
class Agreement:
    """How far PolNeAR's annotators agree, on the articles several of them annotated, and how far we
    agree with each of them on the same articles: each pair of annotations is scored as gold and
    prediction, pooled over all pairs (so an article with six annotators weighs fifteen pairs)."""

    articles: int
    pairs: int
    annotators: list[SpanScores]
    ours: list[SpanScores]


@dataclass
class AttributionReport:
    scores: list[SpanScores]
    stats: dict[str, float]
    errors: list[SpanErrors]
    agreement: Agreement | None = None


class _Tokens:
    """Token offsets and paragraph numbers of one text, for mapping character spans to token spans."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.paragraphs: list[int] = []
        paragraph = 0
        last = 0
        for m in _TOKEN.finditer(text):
            paragraph += text.count("\n", last, m.start())
            last = m.start()
            self.starts.append(m.start())
            self.ends.append(m.end())
            self.paragraphs.append(paragraph)

    def spans(self, article: int, start: int, end: int) -> list[Key]:
        first = bisect.bisect_right(self.ends, start)
        last = bisect.bisect_left(self.starts, end)
        out: list[Key] = []
        for i in range(first, last):
            p = self.paragraphs[i]
            if out and out[-1][1] == p:
                out[-1] = (article, p, out[-1][2], i + 1)
            else:
                out.append((article, p, i, i + 1))
        return out


def spans_of(
    article: int, tokens: _Tokens, fragments: dict[str, Iterable[tuple[int, int]]]
) -> dict[str, set[Key]]:
    out: dict[str, set[Key]] = {k: set() for k in KINDS}
    for kind, frags in fragments.items():
        for start, end in frags:
            out[kind].update(tokens.spans(article, start, end))
    return out


def joined(text: str, fragments: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The fragments of one span, in text order, with those that only whitespace separates (or that
    overlap) joined into one."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(fragments):
        if out and (start <= out[-1][1] or text[out[-1][1] : start].isspace()):
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def gold_fragments(text: str, attributions: Iterable[GoldAttribution]) -> dict[str, list[tuple[int, int]]]:
    """Character ranges of the gold spans of each type, each annotation's fragments ``joined``."""
    out: dict[str, list[tuple[int, int]]] = {k: [] for k in KINDS}
    for a in attributions:
        out["source"].extend(joined(text, a.source))
        out["cue"].extend(joined(text, a.cue))
        out["content"].extend(joined(text, a.content))
    return out


def _predicted_fragments(text: str, attributions: Iterable[Attribution]) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {k: [] for k in KINDS}
    for a in attributions:
        if a.source is not None:
            out["source"].append((a.source.start, a.source.end))
        out["cue"].append((a.cue.start, a.cue.end))
        out["content"].extend(joined(text, ((p.start, p.end) for p in (a.content_parts or (a.content,)))))
    return out


def _jaccard(a: Key, b: Key) -> float:
    if a[:2] != b[:2]:
        return 0.0
    inter = min(a[3], b[3]) - max(a[2], b[2])
    if inter <= 0:
        return 0.0
    return inter / (max(a[3], b[3]) - min(a[2], b[2]))


def _by_paragraph(spans: Iterable[Key]) -> dict[tuple[int, int], list[Key]]:
    """Spans grouped by (article, paragraph): a span only ever overlaps spans of its own paragraph."""
    out: dict[tuple[int, int], list[Key]] = defaultdict(list)
    for span in spans:
        out[span[:2]].append(span)
    return out


def _best(span: Key, others: dict[tuple[int, int], list[Key]]) -> float:
    return max((_jaccard(span, o) for o in others.get(span[:2], ())), default=0.0)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_spans(kind: str, gold: set[Key], predicted: set[Key]) -> SpanScores:
    """Exact and overlap scores of one span type (see the module docstring)."""
    tp = len(gold & predicted)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(gold) if gold else 0.0
    by_para_gold, by_para_pred = _by_paragraph(gold), _by_paragraph(predicted)
    gold_best = [_best(g, by_para_pred) for g in gold]
    pred_best = [_best(s, by_para_gold) for s in predicted]
    op = sum(pred_best) / len(predicted) if predicted else 0.0
    orr = sum(gold_best) / len(gold) if gold else 0.0
    spurious = sum(1 for b in pred_best if b == 0.0)
    entries = len(gold) + spurious
    jac = sum(gold_best) / entries if entries else 0.0
    return SpanScores(kind, p, r, _f1(p, r), op, orr, _f1(op, orr), len(gold), len(predicted), jac)


def _pooled(
    articles: Sequence[PolnearArticle], predicted: Sequence[Sequence[Attribution]]
) -> tuple[dict[str, set[Key]], dict[str, set[Key]], list[_Tokens]]:
    """Gold and predicted spans of each type, pooled over all articles, and each article's tokens."""
    gold_all: dict[str, set[Key]] = {k: set() for k in KINDS}
    pred_all: dict[str, set[Key]] = {k: set() for k in KINDS}
    tokens_of = []
    for i, (article, found) in enumerate(zip(articles, predicted, strict=True)):
        tokens = _Tokens(article.text)
        tokens_of.append(tokens)
        for kind, spans in spans_of(i, tokens, gold_fragments(article.text, article.attributions)).items():
            gold_all[kind] |= spans
        for kind, spans in spans_of(i, tokens, _predicted_fragments(article.text, found)).items():
            pred_all[kind] |= spans
    return gold_all, pred_all, tokens_of


def annotator_agreement(
    articles: Sequence[PolnearArticle], predicted: Sequence[Sequence[Attribution]]
) -> Agreement | None:
    """``Agreement`` over the articles with more than one annotator's file; ``None`` if there are none."""
    human = ({k: set() for k in KINDS}, {k: set() for k in KINDS})
    ours = ({k: set() for k in KINDS}, {k: set() for k in KINDS})
    n_articles = pairs = 0
    key = 0  # one key space per scored pair: the spans of two pairs never meet
    for article, found in zip(articles, predicted, strict=True):
        files = (article.attributions, *article.others)
        if len(files) < 2:
            continue
        n_articles += 1
        tokens = _Tokens(article.text)
        gold = [spans_of(0, tokens, gold_fragments(article.text, f)) for f in files]
        mine = spans_of(0, tokens, _predicted_fragments(article.text, found))
        couples = [(a, b, human) for i, a in enumerate(gold) for b in gold[i + 1 :]]
        couples += [(g, mine, ours) for g in gold]
        for truth, guess, into in couples:
            key += 1
            for kind in KINDS:
                into[0][kind] |= {(key, *span[1:]) for span in truth[kind]}
                into[1][kind] |= {(key, *span[1:]) for span in guess[kind]}
        pairs += len(gold) * (len(gold) - 1) // 2
    if not n_articles:
        return None
    return Agreement(
        n_articles,
        pairs,
        [score_spans(k, human[0][k], human[1][k]) for k in KINDS],
        [score_spans(k, ours[0][k], ours[1][k]) for k in KINDS],
    )


def score_predictions(
    articles: Sequence[PolnearArticle], predicted: Sequence[Sequence[Attribution]]
) -> list[SpanScores]:
    """Scores of each span type over a split: gold and predicted spans pooled over all articles (micro)."""
    gold_all, pred_all, _ = _pooled(articles, predicted)
    return [score_spans(k, gold_all[k], pred_all[k]) for k in KINDS]


def span_errors(
    articles: Sequence[PolnearArticle], predicted: Sequence[Sequence[Attribution]], top: int = 10
) -> list[SpanErrors]:
    """Where each span type fails (see the module docstring); ``top`` texts each of the missed and
    spurious cues and sources (content spans are too long to count as texts)."""
    gold_all, pred_all, tokens_of = _pooled(articles, predicted)

    def text(key: Key) -> str:
        tokens = tokens_of[key[0]]
        raw = articles[key[0]].text[tokens.starts[key[2]] : tokens.ends[key[3] - 1]]
        return " ".join(raw.lower().split())

    def touching(spans: set[Key], others: set[Key]) -> set[Key]:
        by_para = _by_paragraph(others)
        return {s for s in spans if _best(s, by_para) > 0.0}

    out = []
    for kind in KINDS:
        gold, pred = gold_all[kind], pred_all[kind]
        exact = gold & pred
        near = touching(gold - exact, pred)
        missed = gold - exact - near
        spurious = pred - touching(pred, gold)
        counts = top if kind != "content" else 0
        out.append(
            SpanErrors(
                kind,
                len(exact),
                len(near),
                len(missed),
                len(spurious),
                Counter(text(k) for k in missed).most_common(counts),
                Counter(text(k) for k in spurious).most_common(counts),
            )
        )
    return out


def evaluate_attribution(
    path: Path,
    *,
    limit: int | None = None,
    parse: str = "selective",
    nlp: spacy.Language | None = None,
    top: int = 10,
) -> AttributionReport:
    """Runs the extractor over a PolNeAR split folder and scores it: scores, speed figures and errors."""
    from narrascope.enrich.attribution import AttributionExtractor

    if nlp is None:
        from narrascope.enrich.nlp import load_nlp

        nlp = load_nlp()
    articles = load_split(Path(path), limit=limit)
    if not articles:
        raise BenchmarkError(f"no PolNeAR articles (text/*.txt with attributions/*.ann) under {path}")
    extractor = AttributionExtractor(nlp, parse=parse)
    texts = [a.text for a in articles]
    started = time.perf_counter()
    predicted = extractor.extract(texts)
    seconds = time.perf_counter() - started
    scores = score_predictions(articles, predicted)
    words = sum(len(t.split()) for t in texts)
    stats = {
        "articles": float(len(articles)),
        "seconds": seconds,
        "articles/s": len(articles) / seconds if seconds else 0.0,
        "words/s": words / seconds if seconds else 0.0,
    }
    return AttributionReport(
        scores, stats, span_errors(articles, predicted, top), annotator_agreement(articles, predicted)
    )


def format_table(scores: Sequence[SpanScores], stats: dict[str, float]) -> str:
    lines = [
        f"{'span':8} {'exact P':>8} {'exact R':>8} {'exact F1':>9} {'ovl P':>7} {'ovl R':>7} {'ovl F1':>7}"
        f" {'jaccard':>8} {'gold':>6} {'pred':>6}"
    ]
    for s in scores:
        lines.append(
            f"{s.kind:8} {100 * s.exact_p:8.1f} {100 * s.exact_r:8.1f} {100 * s.exact_f1:9.1f}"
            f" {100 * s.overlap_p:7.1f} {100 * s.overlap_r:7.1f} {100 * s.overlap_f1:7.1f}"
            f" {100 * s.jaccard:8.1f} {s.gold:6d} {s.predicted:6d}"
        )
    lines.append("")
    lines.append("published exact F1 (PolNeAR test):")
    for name, anchor in ANCHORS.items():
        cells = ", ".join(f"{k} {'–' if v is None else f'{v:.1f}'}" for k, v in anchor.items())
        lines.append(f"  {name}: {cells}")
    lines.append(
        f"{int(stats['articles'])} articles in {stats['seconds']:.1f} s: "
        f"{stats['articles/s']:.1f} articles/s, {stats['words/s']:.0f} words/s"
    )
    return "\n".join(lines)


def format_agreement(agreement: Agreement) -> str:
    """Exact F1 of annotator against annotator, and of ours against each annotator, on the same articles."""
    lines = [
        f"agreement on the {agreement.articles} articles several annotators annotated "
        f"({agreement.pairs} annotator pairs), exact F1:",
    ]
    for name, scores in (
        ("annotator vs annotator", agreement.annotators),
        ("ours vs each annotator", agreement.ours),
    ):
        cells = ", ".join(f"{s.kind} {100 * s.exact_f1:.1f}" for s in scores)
        lines.append(f"  {name}: {cells}")
    return "\n".join(lines)


def format_errors(errors: Sequence[SpanErrors]) -> str:
    lines = [
        f"{'span':8} {'exact':>7} {'edges':>7} {'missed':>7} {'spurious':>9}   (gold spans; predictions)"
    ]
    for e in errors:
        lines.append(f"{e.kind:8} {e.exact:7d} {e.boundary:7d} {e.missed:7d} {e.spurious:9d}")
    for e in errors:
        for label, top in (("missed", e.top_missed), ("spurious", e.top_spurious)):
            if top:
                cells = ", ".join(f"{t!r} {n}" for t, n in top)
                lines.append(f"most {label} {e.kind}s: {cells}")
    return "\n".join(lines)
