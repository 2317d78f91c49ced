"""Article similarity across languages: do two articles report the same story?

Each article is read as views encoded by the multilingual sentence encoder (``link.embed``): its title,
its lead (first sentences), its whole text and its first ``MAX_SENTENCES`` sentences. Vectors are
centred on the mean news vector shipped with the weights before the cosine: raw encoder cosines share a
large common component (every news text looks alike to it), and removing it separates stories better.
Pair features (cosines of the views, a soft sentence alignment, overlap of name-like tokens, lengths)
go through a small additive model (each feature expanded into a linear piece plus hinges at its training
quartiles, then ridge regression) that predicts SemEval-2022 Task 8's 1–4 ``Overall`` score (1 = same
story). Weights, knots and centres are in ``data/similarity_weights.json``, written by
``train/similarity.py``; inference is numpy only.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

import numpy as np

__all__ = [
    "FEATURES",
    "ArticleSimilarity",
    "ArticleText",
    "SentenceEncoder",
    "article_parts",
    "fit_additive",
    "load_weights",
    "predict_additive",
    "split_sentences",
]

FEATURES = (
    "title",
    "lead",
    "full",
    "title_x",
    "mean",
    "align",
    "align_top3",
    "entities",
    "words",
    "len_ratio",
    "log_len",
)
MAX_SENTENCES = 40  # bounds the cost: the sentences past the first 40 rarely change the story
LEAD_SENTENCES = 3
MIN_SENTENCE_CHARS = 3
WEIGHTS_RESOURCE = "similarity_weights.json"

# Sentence ends in Latin, Cyrillic, Arabic and CJK scripts; line breaks and runs of spaces also end one
# (titles, captions and list items are often glued to the body by them).
_SENTENCE_END = re.compile(r"(?<=[.!?;…؟])\s+|(?<=[。！？；])\s*|\n+|\s{2,}")
# Name-like tokens that survive translation: numbers, and capitalised words in Latin or Cyrillic script.
_NAME = re.compile(r"\b(?:\d{2,}|[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ][\w\-]{2,})")
_WORD = re.compile(r"\w{3,}")


class SentenceEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What similarity reads of an article; ``language`` is informational (the encoder needs none)."""

    title: str
    text: str
    language: str | None = None


@dataclass(frozen=True, slots=True)
class _Views:
    """An article's centred unit vectors and token sets, computed once per batch."""

    title: np.ndarray
    lead: np.ndarray
    full: np.ndarray
    sentences: np.ndarray  # (n, 512), at least one row
    names: frozenset[str]
    words: frozenset[str]
    length: int


def split_sentences(text: str) -> list[str]:
    """Sentences by punctuation and line breaks (no model: it has to work for every language)."""
    parts = (part.strip() for part in _SENTENCE_END.split(text))
    return [part for part in parts if len(part) >= MIN_SENTENCE_CHARS]


def article_parts(article: ArticleText) -> tuple[str, str, str, list[str]]:
    """What gets encoded: title (else the first sentence), lead, whole text, capped body sentences."""
    sentences = split_sentences(article.text)[:MAX_SENTENCES]
    title = article.title.strip() or (sentences[0] if sentences else "")
    lead = " ".join(sentences[:LEAD_SENTENCES])
    full = f"{article.title.strip()} {article.text.strip()}".strip()
    return title, lead, full, sentences


def load_weights(path: Path | None = None) -> dict[str, Any]:
    """The shipped weights, or those at ``path``."""
    if path is None:
        return json.loads(files("narrascope.data").joinpath(WEIGHTS_RESOURCE).read_text(encoding="utf-8"))
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _basis(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Each feature column, then per knot row ``max(0, x - knot)`` and ``min(x, knot)``: all increasing in
    ``x``, so a non-negative combination is a monotone additive spline."""
    columns = [x]
    for row in knots:
        columns += [np.maximum(0.0, x - row), np.minimum(x, row)]
    return np.hstack(columns)


def _nonnegative_ridge(z: np.ndarray, t: np.ndarray, alpha: float, sweeps: int = 500) -> np.ndarray:
    """argmin ||z w - t||² + alpha ||w||² subject to w ≥ 0, by cyclic coordinate descent."""
    gram = z.T @ z + alpha * np.eye(z.shape[1])
    zt = z.T @ t
    w = np.zeros(z.shape[1])
    for _ in range(sweeps):
        before = w.copy()
        for j in range(len(w)):
            w[j] = max(0.0, w[j] + (zt[j] - gram[j] @ w) / gram[j, j])
        if np.max(np.abs(w - before)) < 1e-9:
            break
    return w


def fit_additive(
    x: np.ndarray, y: np.ndarray, alpha: float, quantiles: tuple[float, ...] = (0.25, 0.5, 0.75)
) -> dict[str, Any]:
    """Fit ``Overall`` (1–4, 1 = most similar) as a *monotone* function of the features: every feature
    can only raise the predicted similarity, so an article compared with itself or a copy scores highest
    (an unconstrained fit scored 0.78 in cross-validation but ranked copies below unrelated articles).
    Returns the model as plain lists (JSON-ready)."""
    knots = np.quantile(x, quantiles, axis=0)
    basis = _basis(x, knots)
    mean = basis.mean(axis=0)
    scale = basis.std(axis=0) + 1e-9
    z = (basis - mean) / scale
    similarity = 4.0 - y  # higher = more similar
    intercept = float(similarity.mean())
    coef = _nonnegative_ridge(z, similarity - intercept, alpha)
    return {
        "alpha": alpha,
        "knots": knots.tolist(),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": coef.tolist(),
        "intercept": intercept,
    }


def predict_additive(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Predicted ``Overall`` (1–4, 1 = same story), clipped to the scale."""
    z = (_basis(x, np.asarray(model["knots"])) - np.asarray(model["mean"])) / np.asarray(model["scale"])
    return np.clip(4.0 - (model["intercept"] + z @ np.asarray(model["coef"])), 1.0, 4.0)


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-9)


def _centred(matrix: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Unit rows after subtracting ``centre``; an empty text's zero row stays zero (it matches nothing)."""
    empty = ~matrix.any(axis=-1, keepdims=True)
    return np.where(empty, 0.0, _unit(matrix - centre)).astype(np.float32)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


class ArticleSimilarity:
    """Scores article pairs; one instance holds the encoder and the weights (thread-safe to read)."""

    def __init__(
        self, encoder: SentenceEncoder | None = None, weights: dict[str, Any] | Path | None = None
    ) -> None:
        if encoder is None:
            from narrascope.link.embed import shared_encoder

            encoder = shared_encoder()
        self.encoder = encoder
        self.weights = weights if isinstance(weights, dict) else load_weights(weights)
        if tuple(self.weights["features"]) != FEATURES:
            raise ValueError(
                f"similarity weights are for features {self.weights['features']}, not {FEATURES}"
            )
        self._doc_centre = np.asarray(self.weights["doc_centre"], dtype=np.float32)
        self._sentence_centre = np.asarray(self.weights["sentence_centre"], dtype=np.float32)

    def features(self, a: ArticleText, b: ArticleText) -> dict[str, float]:
        """The named pair features (cosines are of centred vectors, so they can be negative)."""
        va, vb = self._views([a, b])
        return dict(zip(FEATURES, self._pair_features(va, vb).tolist(), strict=True))

    def predict_overall(self, a: ArticleText, b: ArticleText) -> float:
        """SemEval's ``Overall`` scale: 1 = the same story, 4 = unrelated."""
        return float(self.predict_overall_pairs([(a, b)])[0])

    def score(self, a: ArticleText, b: ArticleText) -> float:
        """Similarity in [0, 1], higher = closer (a linear map of ``predict_overall``); symmetric."""
        return float(self.score_pairs([(a, b)])[0])

    def score_pairs(self, pairs: list[tuple[ArticleText, ArticleText]]) -> np.ndarray:
        """``score`` for many pairs, encoding each distinct text once."""
        return (4.0 - self.predict_overall_pairs(pairs)) / 3.0

    def predict_overall_pairs(self, pairs: list[tuple[ArticleText, ArticleText]]) -> np.ndarray:
        """``predict_overall`` for many pairs, encoding each distinct text once."""
        if not pairs:
            return np.zeros(0)
        return predict_additive(self.weights["model"], self.feature_matrix(pairs))

    def feature_matrix(self, pairs: list[tuple[ArticleText, ArticleText]]) -> np.ndarray:
        """``(len(pairs), len(FEATURES))``; both orders of a pair give the same row."""
        articles = list(dict.fromkeys(article for pair in pairs for article in pair))
        views = dict(zip(articles, self._views(articles), strict=True))
        rows = [self._pair_features(views[a], views[b]) for a, b in pairs]
        return np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))

    def article_vectors(self, articles: list[ArticleText]) -> np.ndarray:
        """One centred unit vector per article (whole text plus title) for nearest-neighbour search.

        Only the title and the whole text are encoded (two encodings an article, not one per sentence).
        """
        parts = [article_parts(article) for article in articles]
        if not parts:
            return np.zeros((0, self._doc_centre.shape[0]), dtype=np.float32)
        encoded, row = self._encode({s for title, _, full, _ in parts for s in (title, full)})
        encoded = _centred(encoded, self._doc_centre)
        return _unit(np.vstack([encoded[row[title]] + encoded[row[full]] for title, _, full, _ in parts]))

    def _encode(self, strings: set[str]) -> tuple[np.ndarray, dict[str, int]]:
        """Each distinct string once, shortest first: a batch is padded to its longest text, so batches
        of similar lengths encode several times faster than mixed ones."""
        ordered = sorted(strings, key=lambda s: (len(s), s))
        return self.encoder.encode(ordered), {s: i for i, s in enumerate(ordered)}

    def _views(self, articles: list[ArticleText]) -> list[_Views]:
        split = [article_parts(article) for article in articles]
        strings = list(
            dict.fromkeys(
                s for title, lead, full, sentences in split for s in (title, lead, full, *sentences)
            )
        )
        encoded = self.encoder.encode(strings)
        row = {s: i for i, s in enumerate(strings)}
        out = []
        for title, lead, full, sentences in split:
            docs = _centred(encoded[[row[title], row[lead], row[full]]], self._doc_centre)
            sentence_rows = encoded[[row[s] for s in sentences]] if sentences else encoded[[row[full]]]
            out.append(
                _Views(
                    title=docs[0],
                    lead=docs[1],
                    full=docs[2],
                    sentences=_centred(sentence_rows, self._sentence_centre),
                    names=frozenset(m.group(0).lower() for m in _NAME.finditer(full)),
                    words=frozenset(_WORD.findall(full.lower())),
                    length=len(full),
                )
            )
        return out

    @staticmethod
    def _pair_features(a: _Views, b: _Views) -> np.ndarray:
        sims = a.sentences @ b.sentences.T
        align = (sims.max(axis=1).mean() + sims.max(axis=0).mean()) / 2
        top = np.sort(sims, axis=None)[-3:].mean()
        shorter, longer = sorted((a.length, b.length))
        return np.array(
            [
                a.title @ b.title,
                a.lead @ b.lead,
                a.full @ b.full,
                (a.title @ b.full + b.title @ a.full) / 2,
                float(_unit(a.sentences.mean(axis=0)) @ _unit(b.sentences.mean(axis=0))),
                align,
                top,
                _jaccard(a.names, b.names),
                _jaccard(a.words, b.words),
                shorter / longer if longer else 0.0,
                math.log1p(a.length) + math.log1p(b.length),
            ],
            dtype=np.float64,
        )
