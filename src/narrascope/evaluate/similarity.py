"""Article similarity measured on SemEval-2022 Task 8 (multilingual news article similarity).

The metric is the task's own: Pearson between predicted and gold ``Overall`` (1–4, 1 = most similar),
also reported against ``Narrative``. Two predictors:

1. ``cosine baseline``: no training at all, the raw encoder cosine of the two whole texts (sign flipped
   so that, like the model, higher agreement means a positive Pearson);
2. ``model (5-fold CV)``: ``link.similarity``'s additive model refitted inside each fold on the other
   folds' pairs (numpy ridge, the shipped alpha) and scored on the held-out fold. Folds are grouped so
   an article text that appears in several pairs never sits on both sides of a split. A pair with a
   side that the clean stage rejects as a wall page (a captcha, a consent wall: ``clean.walls``) never
   reaches similarity in the pipeline; here it gets the training folds' mean score (nothing is known
   about it), and the report also gives the score on the other pairs.

The centring vectors (the mean news vector, label-free) are the shipped ones, computed by
``train/similarity.py`` on the texts of this same file; no gold score reaches a held-out prediction.
The published anchor is on the official test set, after training on the task's whole training set;
ours is cross-validation on the 1,283 pairs of the shared sample, so they are not the same test.
Each text is read as title (its first line, or what precedes a run of spaces, when that comes within
``TITLE_MAX_CHARS``) and body; with no such break the title is empty (similarity then uses the first
sentence).
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrascope.clean.walls import find_wall
from narrascope.evaluate import BenchmarkError
from narrascope.link.similarity import (
    ArticleSimilarity,
    ArticleText,
    SentenceEncoder,
    article_parts,
    fit_additive,
    predict_additive,
)

__all__ = [
    "ANCHORS",
    "CachingEncoder",
    "LanguageScore",
    "Pair",
    "SimilarityReport",
    "cross_validate",
    "evaluate_similarity",
    "format_report",
    "grouped_folds",
    "is_walled",
    "load_pairs",
    "pearson",
    "split_title",
]

ANCHORS = {"best published system (official test set)": 0.818}
FOLDS = 5
FOLD_SEED = 8
TITLE_MAX_CHARS = 300


@dataclass(frozen=True, slots=True)
class Pair:
    """One annotated pair: the two articles, their languages and gold scores (1 = most similar)."""

    pair_id: str
    lang1: str
    lang2: str
    first: ArticleText
    second: ArticleText
    overall: float
    narrative: float


@dataclass(frozen=True, slots=True)
class LanguageScore:
    """Pearson with gold ``Overall`` on the pairs of one language pair (``lang1-lang2``)."""

    languages: str
    pairs: int
    model: float
    baseline: float


@dataclass(frozen=True, slots=True)
class SimilarityReport:
    """Cross-validated and zero-training Pearson, overall and per language pair, and timings."""

    pairs: int
    folds: int
    model_overall: float
    model_narrative: float
    walled: int  # pairs with a side that is a wall page, not an article
    model_without_walls: float
    baseline_overall: float
    baseline_narrative: float
    by_language: tuple[LanguageScore, ...]
    feature_seconds: float
    fit_seconds: float

    @property
    def pairs_per_second(self) -> float:
        """Feature extraction (encoding included) rate; fitting and prediction are negligible."""
        return self.pairs / self.feature_seconds if self.feature_seconds else 0.0


class CachingEncoder:
    """Remembers every text's vector, so a second pass over the same texts costs nothing."""

    def __init__(self, encoder: SentenceEncoder) -> None:
        self._encoder = encoder
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if todo:
            self._cache.update(zip(todo, self._encoder.encode(todo), strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([self._cache[t] for t in texts])


def split_title(text: str, language: str | None = None) -> ArticleText:
    """The task gives one string per article; its title ends at the first line break or run of spaces."""
    text = text.strip()
    for index, char in enumerate(text[: TITLE_MAX_CHARS + 1]):
        if char == "\n" or (char.isspace() and text[index + 1 : index + 2].isspace()):
            return ArticleText(title=text[:index].strip(), text=text[index:].strip(), language=language)
    return ArticleText(title="", text=text, language=language)


COLUMNS = ("pair_id", "lang1", "lang2", "text1", "text2", "Overall", "Narrative")


def load_pairs(path: Path, limit: int | None = None) -> list[Pair]:
    """Pairs of ``pairs.csv`` in file order (the first ``limit`` when given). A file that is not UTF-8
    CSV, lacks the task's columns or holds a score that is no number is a ``BenchmarkError`` naming the
    file (and line)."""
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 27))  # whole articles sit in one field
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            return _read_pairs(path, csv.DictReader(handle), limit)
    except UnicodeDecodeError as exc:
        raise BenchmarkError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except csv.Error as exc:
        raise BenchmarkError(f"{path}: {exc}") from None


def _read_pairs(path: Path, reader: csv.DictReader, limit: int | None) -> list[Pair]:
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise BenchmarkError(f"{path} lacks the SemEval-2022 Task 8 columns {', '.join(missing)}")
    pairs = []
    for row in reader:
        if limit is not None and len(pairs) >= limit:
            break
        try:
            overall, narrative = float(row["Overall"]), float(row["Narrative"])
        except (TypeError, ValueError):
            raise BenchmarkError(
                f"{path} line {reader.line_num}: Overall and Narrative must be numbers"
            ) from None
        pairs.append(
            Pair(
                pair_id=row["pair_id"],
                lang1=row["lang1"],
                lang2=row["lang2"],
                first=split_title(row["text1"] or "", row["lang1"]),
                second=split_title(row["text2"] or "", row["lang2"]),
                overall=overall,
                narrative=narrative,
            )
        )
    return pairs


def grouped_folds(pairs: list[Pair], folds: int = FOLDS, seed: int = FOLD_SEED) -> np.ndarray:
    """Fold number per pair; pairs linked through a shared article text share a fold."""
    parent: dict[ArticleText, ArticleText] = {}

    def root(node: ArticleText) -> ArticleText:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for pair in pairs:
        parent[root(pair.first)] = root(pair.second)
    components = list(dict.fromkeys(root(pair.first) for pair in pairs))
    order = np.random.default_rng(seed).permutation(len(components))
    fold_of = {components[i]: rank % folds for rank, i in enumerate(order)}
    return np.array([fold_of[root(pair.first)] for pair in pairs], dtype=int)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's r; NaN when either side is constant or there are fewer than two values."""
    if len(a) < 2 or np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def cross_validate(
    features: np.ndarray,
    gold: np.ndarray,
    fold: np.ndarray,
    alpha: float,
    walled: np.ndarray | None = None,
) -> np.ndarray:
    """Held-out predictions: each fold predicted by the model fitted on the other folds; pairs marked in
    ``walled`` get the other folds' mean score."""
    predicted = np.zeros(len(gold))
    for k in np.unique(fold):
        test = fold == k
        predicted[test] = predict_additive(fit_additive(features[~test], gold[~test], alpha), features[test])
        if walled is not None:
            predicted[test & walled] = gold[~test].mean()
    return predicted


def is_walled(pair: Pair) -> bool:
    """Whether either article of the pair is a wall page (``clean.walls``), not an article."""
    return any(find_wall(f"{a.title}\n{a.text}") is not None for a in (pair.first, pair.second))


def evaluate_similarity(
    path: Path, limit: int | None = None, encoder: SentenceEncoder | None = None
) -> SimilarityReport:
    """Score the pairs at ``path`` (``pairs.csv``, or a folder holding it); see the module docstring."""
    path = Path(path)
    if path.is_dir():
        path = path / "pairs.csv"
    pairs = load_pairs(path, limit)
    if len(pairs) < FOLDS * 2:
        raise BenchmarkError(f"{len(pairs)} pairs in {path}: cross-validation needs at least {FOLDS * 2}")
    if encoder is None:
        from narrascope.link.embed import shared_encoder

        encoder = shared_encoder()
    cached = CachingEncoder(encoder)
    similarity = ArticleSimilarity(encoder=cached)
    started = time.perf_counter()
    features = similarity.feature_matrix([(p.first, p.second) for p in pairs])
    baseline = _baseline_cosines(cached, pairs)
    feature_seconds = time.perf_counter() - started

    started = time.perf_counter()
    overall = np.array([p.overall for p in pairs])
    narrative = np.array([p.narrative for p in pairs])
    walled = np.array([is_walled(p) for p in pairs])
    alpha = similarity.weights["model"]["alpha"]
    predicted = cross_validate(features, overall, grouped_folds(pairs), alpha, walled)
    fit_seconds = time.perf_counter() - started

    languages = np.array([f"{p.lang1}-{p.lang2}" for p in pairs])
    by_language = []
    for name in sorted(set(languages), key=lambda n: (-(languages == n).sum(), n)):
        mask = languages == name
        by_language.append(
            LanguageScore(
                languages=name,
                pairs=int(mask.sum()),
                model=pearson(-predicted[mask], -overall[mask]),
                baseline=pearson(baseline[mask], -overall[mask]),
            )
        )
    return SimilarityReport(
        pairs=len(pairs),
        folds=FOLDS,
        model_overall=pearson(predicted, overall),
        model_narrative=pearson(predicted, narrative),
        walled=int(walled.sum()),
        model_without_walls=pearson(predicted[~walled], overall[~walled]),
        baseline_overall=pearson(baseline, -overall),
        baseline_narrative=pearson(baseline, -narrative),
        by_language=tuple(by_language),
        feature_seconds=feature_seconds,
        fit_seconds=fit_seconds,
    )


def _baseline_cosines(encoder: CachingEncoder, pairs: list[Pair]) -> np.ndarray:
    """Raw cosine of the whole texts as ``ArticleSimilarity`` encodes them (already cached)."""
    first = encoder.encode([article_parts(p.first)[2] for p in pairs])
    second = encoder.encode([article_parts(p.second)[2] for p in pairs])
    norms = np.linalg.norm(first, axis=1) * np.linalg.norm(second, axis=1)
    return np.einsum("ij,ij->i", first, second) / np.maximum(norms, 1e-9)


def format_report(report: SimilarityReport) -> str:
    """A plain-text table: our numbers beside the published anchor, then per language pair."""
    lines = [
        f"SemEval-2022 Task 8: {report.pairs} pairs, Pearson with gold (higher is better)",
        f"{'predictor':<48} {'Overall':>8} {'Narrative':>10}",
        f"{'model, ' + str(report.folds) + '-fold grouped CV (ours)':<48} "
        f"{report.model_overall:>8.3f} {report.model_narrative:>10.3f}",
        f"{'cosine of whole texts, no training (ours)':<48} "
        f"{report.baseline_overall:>8.3f} {report.baseline_narrative:>10.3f}",
    ]
    lines += [f"{name:<48} {value:>8.3f} {'':>10}" for name, value in ANCHORS.items()]
    lines += [
        f"({report.walled} pairs have a side that is a wall page, not an article: a captcha, a consent or",
        f" paywall; the model gives them the mean score; on the other {report.pairs - report.walled} pairs: "
        f"{report.model_without_walls:.3f})",
        "(the anchor is on the official test set after training on the task's training set; ours is",
        " cross-validation on this sample: comparable in scale, not the same test)",
        "",
        f"{'languages':<12} {'pairs':>6} {'model':>7} {'cosine':>7}",
    ]
    lines += [
        f"{s.languages:<12} {s.pairs:>6} {s.model:>7.3f} {s.baseline:>7.3f}" for s in report.by_language
    ]
    lines += [
        "",
        f"features: {report.feature_seconds:.1f} s ({report.pairs_per_second:.1f} pairs/s, encoding included); "
        f"cross-validated fits: {report.fit_seconds:.2f} s",
    ]
    return "\n".join(lines)
