"""Fit the article-similarity model (``narrascope.link.similarity``) on SemEval-2022 Task 8 pairs.

    python train/similarity.py /work/shared/eval/semeval2022-task8/pairs.csv \\
        --out src/narrascope/data/similarity_weights.json

Steps: encode every distinct text once (about 2 minutes on 2 cores for the 1,283 pairs); take the mean
whole-text vector and the mean sentence vector of all articles as the centres (label-free); compute the
pair features; pick the ridge ``alpha`` from ``--alphas`` by 5-fold cross-validated Pearson with gold
``Overall``, the folds grouped so that pairs sharing an article text stay in one fold
(``evaluate.similarity.grouped_folds``, fixed seed); fit on all pairs with it and write the JSON with the
features, centres, model, data description and the CV score. Deterministic: no randomness beyond the
seeded fold assignment, and the numbers are rounded to 6 decimals.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from narrascope.evaluate.similarity import CachingEncoder, cross_validate, grouped_folds, load_pairs, pearson
from narrascope.link.embed import encoder_version, shared_encoder
from narrascope.link.similarity import FEATURES, ArticleSimilarity, article_parts, fit_additive

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "narrascope" / "data" / "similarity_weights.json"


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", type=Path, help="SemEval-2022 Task 8 pairs.csv")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--alphas", type=float, nargs="+", default=[3.0, 10.0, 30.0, 100.0])
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pairs = load_pairs(args.pairs)
    encoder = CachingEncoder(shared_encoder())
    articles = list(dict.fromkeys(a for p in pairs for a in (p.first, p.second)))
    parts = [article_parts(a) for a in articles]
    doc_centre = encoder.encode([full for _, _, full, _ in parts]).mean(axis=0)
    sentence_centre = encoder.encode([s for *_, sentences in parts for s in sentences]).mean(axis=0)
    centres = {"doc_centre": doc_centre.tolist(), "sentence_centre": sentence_centre.tolist()}
    similarity = ArticleSimilarity(encoder=encoder, weights={"features": list(FEATURES), **centres})
    features = similarity.feature_matrix([(p.first, p.second) for p in pairs])
    print(f"{len(pairs)} pairs, {len(articles)} articles encoded in {time.perf_counter() - started:.0f} s")

    gold = np.array([p.overall for p in pairs])
    folds = grouped_folds(pairs)
    scores = {alpha: pearson(cross_validate(features, gold, folds, alpha), gold) for alpha in args.alphas}
    for alpha, score in scores.items():
        print(f"alpha {alpha:g}: 5-fold grouped CV Pearson (Overall) {score:.4f}")
    alpha = max(scores, key=lambda a: (scores[a], -a))
    weights = {
        "features": list(FEATURES),
        "model": fit_additive(features, gold, alpha),
        "cv_pearson_overall": scores[alpha],
        "cv": "5-fold, grouped by shared article text (evaluate.similarity.grouped_folds); alpha chosen on it",
        "training_data": (
            f"SemEval-2022 Task 8 (multilingual news article similarity), {len(pairs)} pairs of the shared "
            f"sample {args.pairs.name}; target Overall (1-4, 1 = most similar); {len(articles)} articles"
        ),
        "encoder": encoder_version(),
        **centres,
    }
    args.out.write_text(json.dumps(_rounded(weights), indent=1) + "\n", encoding="utf-8")
    print(f"alpha {alpha:g}, CV Pearson {scores[alpha]:.4f}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
