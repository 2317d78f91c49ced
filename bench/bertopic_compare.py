"""Story clustering against BERTopic on SemEval-2022 Task 8 pairs: time per article, memory, pair quality.

    python bench/bertopic_compare.py [--bertopic-python /tmp/bt/bin/python] [--no-link]

BERTopic is *not* a narrascope dependency. It runs in its own virtual environment, called as a subprocess:

    python -m venv /tmp/bt
    /tmp/bt/bin/pip install --no-deps bertopic
    /tmp/bt/bin/pip install umap-learn hdbscan pandas scikit-learn plotly tqdm llvmlite pyyaml

(the light install: without sentence-transformers BERTopic's default embedder is TF-IDF + SVD; its usual
sentence-transformers models would come from the Hugging Face hub.)

Texts: every distinct article text of ``../shared/eval/semeval2022-task8/pairs.csv`` (1,283 pairs in ten
languages, ``Overall`` 1-4 with 1 the most similar), in the order they first appear. Gold: a pair is the
same event when ``Overall`` <= 1.5. Each method clusters all the texts; a pair is predicted "same" when
both texts land in one cluster (a BERTopic outlier, topic -1, is a cluster of its own). Methods, each in a
fresh process so that its peak RSS is its own:
  - narrascope ``Narrascope.link()``: the texts ingested and enriched for real, then linked; stories are
    read back from ``article_links``. Time: the linker's story step (``Linker._story``, with the copy check
    ``Linker._original``) per article; the whole link (claims and all) is shown beside it.
  - narrascope's story rule alone: the same greedy incremental rule (``NEIGHBOURS`` nearest in an HNSW
    index, join the first story at cosine >= ``story_threshold`` of the two texts' languages and, in one
    language, shared-word cosine >= ``STORY_WORDS``, else start
    one) over the same vectors.
  - BERTopic with the same USE vectors passed in (``embedding_model=None``), with its default topic size
    (10) and with the smallest (2); and BERTopic's own default embedder (light install: TF-IDF + SVD).
Every clustering time excludes the USE encoding of the title + lead, which both sides share, and
BERTopic's one-off numba compilation (a warm-up fit first); both are shown apart.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

PAIRS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "semeval2022-task8" / "pairs.csv"
SAME_EVENT = 1.5  # Overall <= this: the same event
SEED = 42


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_pairs(path: Path) -> tuple[list[str], list[str], list[tuple[int, int, float]]]:
    """Distinct texts (first-seen order), their languages, and the pairs as (item, item, Overall). Some
    article ids come with two different texts (re-scrapes, translations): each distinct text is an item."""
    csv.field_size_limit(1 << 30)
    items: dict[str, int] = {}
    languages: list[str] = []
    pairs = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            ends = []
            for text, language in ((row["text1"], row["lang1"]), (row["text2"], row["lang2"])):
                if text not in items:
                    items[text] = len(items)
                    languages.append(language)
                ends.append(items[text])
            pairs.append((ends[0], ends[1], float(row["Overall"])))
    return list(items), languages, pairs


def score(labels: list[int], pairs: list[tuple[int, int, float]]) -> dict[str, float]:
    tp = fp = fn = 0
    for a, b, overall in pairs:
        gold, same = overall <= SAME_EVENT, labels[a] == labels[b]
        tp += gold and same
        fp += same and not gold
        fn += gold and not same
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    clusters = len(set(labels))
    sizes: dict[int, int] = {}
    for label in labels:
        sizes[label] = sizes.get(label, 0) + 1
    return {"precision": precision, "recall": recall, "f1": f1, "clusters": clusters,
            "singletons": sum(1 for s in sizes.values() if s == 1), "largest": max(sizes.values())}  # fmt: skip


def run_phase(python: str, name: str, **kwargs: object) -> dict:
    """One phase in a fresh process (``python`` may be another venv's); its last stdout line is JSON."""
    cmd = [python, __file__, "--phase", name, json.dumps(kwargs)]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- phases (narrascope side: the project's python) -------------------------------------------------------
def phase_embed(work: str) -> dict:
    """USE vectors of each text's title + lead, as the linker computes them (``lead_text``)."""
    import numpy as np

    from narrascope.link.embed import shared_encoder
    from narrascope.link.linker import lead_text
    from narrascope.model import Article

    texts = json.loads((Path(work) / "texts.json").read_text())
    encoder = shared_encoder()
    encoder.encode(["warm up"])
    leads = [lead_text(Article("x", "x", t, "x")) for t in texts]
    start = time.perf_counter()
    vectors = encoder.encode(leads)
    seconds = time.perf_counter() - start
    np.save(Path(work) / "use.npy", vectors)
    return {"seconds": seconds, "rss_mb": peak_rss_mb()}


def phase_rule(work: str) -> dict:
    """The linker's story rule over the saved vectors, without a store (no dates: every story is open; the
    word check with the threshold for articles a day apart or undated)."""
    from collections import Counter

    import numpy as np

    from narrascope.link import lexical
    from narrascope.link.linker import (
        NEIGHBOURS,
        STORY_SIMILARITY_ACROSS_LANGUAGES,
        STORY_WORDS,
        STORY_WORDS_MIN_ARTICLES,
        story_threshold,
    )
    from narrascope.store.vectors import VectorIndex

    vectors = np.load(Path(work) / "use.npy")
    languages = json.loads((Path(work) / "languages.json").read_text())
    texts = json.loads((Path(work) / "texts.json").read_text())
    start = time.perf_counter()
    index = VectorIndex(None, lambda: iter(()), 0)
    labels: list[int] = []
    words: list[Counter[str]] = []
    df: Counter[str] = Counter()
    for i, vector in enumerate(vectors):
        words.append(lexical.terms(texts[i]))
        df.update(words[i].keys())
        story = None
        for seq, cosine in index.search(vector, NEIGHBOURS):
            if cosine < STORY_SIMILARITY_ACROSS_LANGUAGES:
                break
            if cosine < story_threshold(languages[i], languages[seq]):
                continue
            checked = languages[i] == languages[seq] and i + 1 >= STORY_WORDS_MIN_ARTICLES
            if checked and lexical.cosine(words[i], words[seq], df, i + 1) < STORY_WORDS:
                continue
            story = labels[seq]
            break
        labels.append(i if story is None else story)
        index.add([i], vector[None, :])
    return {"labels": labels, "seconds": time.perf_counter() - start, "rss_mb": peak_rss_mb()}


def phase_pairwise(work: str) -> dict:
    """Reference, not a clustering: each pair judged alone by its cosine against the story threshold."""
    import numpy as np

    from narrascope.link.linker import story_threshold

    vectors = np.load(Path(work) / "use.npy")
    pairs = json.loads((Path(work) / "pairs.json").read_text())
    languages = json.loads((Path(work) / "languages.json").read_text())
    same = [bool(vectors[a] @ vectors[b] >= story_threshold(languages[a], languages[b])) for a, b, _ in pairs]
    return {"same": same}


def phase_ingest(work: str, db: str) -> dict:
    """Ingest the texts (one .txt file each) and enrich them, as a user would."""
    from narrascope.app import Narrascope

    start = time.perf_counter()
    with Narrascope(db) as nar:
        ingested = nar.ingest([str(Path(work) / "texts")])
        middle = time.perf_counter()
        enriched = nar.enrich(processes=2)
    return {"stored": ingested.stored, "duplicates": ingested.duplicates, "errors": len(ingested.errors),
            "ingest_s": middle - start, "enrich_s": time.perf_counter() - middle,
            "enriched": enriched.articles, "rss_mb": peak_rss_mb()}  # fmt: skip


def phase_link(work: str, db: str) -> dict:
    """``Narrascope.link()``; the story step (``_story`` + ``_original``) and the encoder timed apart."""
    from narrascope.app import Narrascope
    from narrascope.link import linker as linker_module
    from narrascope.link.embed import shared_encoder

    encoder = shared_encoder()
    encoder.encode(["warm up"])
    seconds: dict[str, float] = {"story": 0.0, "encoder": 0.0}

    def timed(owner: object, name: str, label: str) -> None:
        original: Callable = getattr(owner, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[label] += time.perf_counter() - t

        setattr(owner, name, wrapper)

    timed(linker_module.Linker, "_story", "story")
    timed(linker_module.Linker, "_original", "story")
    timed(encoder, "encode", "encoder")
    with Narrascope(db) as nar:
        start = time.perf_counter()
        report = nar.link()
        total = time.perf_counter() - start
        rows = nar.store.conn.execute(
            "SELECT s.source, l.story_id FROM article_sources s JOIN article_links l ON l.article_id = s.article_id"
        ).fetchall()
    stories = {Path(source).name: story for source, story in rows}
    return {"stories": stories, "total_s": total, "story_s": seconds["story"], "encoder_s": seconds["encoder"],
            "articles": report.articles, "claims": report.claims, "copies": report.copies,
            "rss_mb": peak_rss_mb()}  # fmt: skip


# -- phase (BERTopic side: its own venv, no narrascope import) --------------------------------------------
def phase_bertopic(work: str, variant: str) -> dict:
    import numpy as np
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    texts = json.loads((Path(work) / "texts.json").read_text())
    size = 2 if variant == "use-min2" else 10
    # BERTopic's own defaults, with a fixed UMAP seed so that runs repeat:
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=SEED)
    hdbscan = HDBSCAN(min_cluster_size=size, metric="euclidean", cluster_selection_method="eom",
                      prediction_data=True)  # fmt: skip
    # Warm-up on random data: numba compiles UMAP's kernels once per process (tens of seconds), which is
    # not a per-article cost; it is reported apart.
    warm = time.perf_counter()
    rng = np.random.default_rng(SEED)
    UMAP(n_neighbors=15, n_components=5, metric="cosine", random_state=SEED).fit_transform(
        rng.standard_normal((300, 64))
    )
    warm = time.perf_counter() - warm
    start = time.perf_counter()
    if variant == "default":  # its own embedder (light install: TF-IDF + SVD)
        model = BERTopic(umap_model=umap, hdbscan_model=hdbscan)
        topics, _ = model.fit_transform(texts)
    else:
        vectors = np.load(Path(work) / "use.npy")
        model = BERTopic(embedding_model=None, umap_model=umap, hdbscan_model=hdbscan, min_topic_size=size)
        topics, _ = model.fit_transform(texts, embeddings=vectors)
    seconds = time.perf_counter() - start
    labels = [int(t) if t != -1 else -(i + 1) for i, t in enumerate(topics)]  # an outlier is alone
    return {"labels": labels, "seconds": seconds, "rss_mb": peak_rss_mb(),
            "note": f"numba warm-up (once per process, not counted): {warm:.1f} s"}  # fmt: skip


PHASES: dict[str, Callable[..., dict]] = {
    "embed": phase_embed,
    "rule": phase_rule,
    "pairwise": phase_pairwise,
    "ingest": phase_ingest,
    "link": phase_link,
    "bertopic": phase_bertopic,
}


def _file(i: int) -> str:
    return f"item-{i:05d}.txt"


def write_texts(folder: Path, texts: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / _file(i)).write_text(text, encoding="utf-8")


def rows(texts: list[str], pairs: list, work: Path, args: argparse.Namespace) -> Iterator[tuple[str, dict]]:
    """(label, result with labels, seconds, rss_mb) per method; printed as they come."""
    py = sys.executable
    n = len(texts)
    if not args.no_link:
        db = str(work / "semeval.db")
        ing = run_phase(py, "ingest", work=str(work), db=db)
        print(f"ingest {ing['ingest_s']:.0f} s ({ing['stored']} stored, {ing['duplicates']} duplicates,"
              f" {ing['errors']} errors), enrich {ing['enrich_s']:.0f} s")  # fmt: skip
        res = run_phase(py, "link", work=str(work), db=db)
        labels = [res["stories"].get(_file(i), f"missing-{i}") for i in range(n)]
        ids = {s: k for k, s in enumerate(dict.fromkeys(labels))}
        res["labels"] = [ids[s] for s in labels]
        res["seconds"] = res["story_s"]
        res["note"] = (f"whole link(): {1000 * (res['total_s'] - res['encoder_s']) / n:.1f} ms/article without"
                       f" the encoder, {res['claims']} claims, {res['copies']} copies")  # fmt: skip
        yield "narrascope Narrascope.link() stories", res
    yield "narrascope story rule, same vectors", run_phase(py, "rule", work=str(work))
    bt = args.bertopic_python
    if bt and Path(bt).exists():
        yield (
            "BERTopic, USE vectors, min_topic_size=10",
            run_phase(bt, "bertopic", work=str(work), variant="use"),
        )
        yield (
            "BERTopic, USE vectors, min_topic_size=2",
            run_phase(bt, "bertopic", work=str(work), variant="use-min2"),
        )
        yield (
            "BERTopic default (TF-IDF+SVD embedder)",
            run_phase(bt, "bertopic", work=str(work), variant="default"),
        )
    else:
        print(
            f"\nBERTopic skipped: no {bt}. Install it in its own venv (see this file's docstring).",
            file=sys.stderr,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--bertopic-python", default="/tmp/bt/bin/python", help="a python with bertopic")
    parser.add_argument("--no-link", action="store_true", help="skip the full ingest/enrich/link run")
    parser.add_argument("--keep", type=Path, help="keep the work folder here")
    parser.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, kwargs = args.phase
        print(json.dumps(PHASES[name](**json.loads(kwargs))))
        return
    texts, languages, pairs = load_pairs(args.pairs)
    work = args.keep or Path(tempfile.mkdtemp(prefix="narrascope-bertopic-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "texts.json").write_text(json.dumps(texts))
    (work / "pairs.json").write_text(json.dumps(pairs))
    (work / "languages.json").write_text(json.dumps(languages))
    write_texts(work / "texts", texts)
    digest = hashlib.sha256(args.pairs.read_bytes()).hexdigest()[:12]
    gold = sum(1 for *_, o in pairs if o <= SAME_EVENT)
    print(f"{len(pairs)} pairs ({gold} same event, Overall <= {SAME_EVENT}), {len(texts)} distinct texts;"
          f" {args.pairs.name} sha256 {digest}")  # fmt: skip
    try:
        embed = run_phase(sys.executable, "embed", work=str(work))
        n = len(texts)
        print(f"USE title+lead vectors (shared by all but BERTopic default): {1000 * embed['seconds'] / n:.1f}"
              f" ms/article, peak RSS {embed['rss_mb']:.0f} MB\n")  # fmt: skip
        print(f"{'method':<42} {'P':>5} {'R':>5} {'F1':>5} {'clusters':>8} {'single':>6} {'max':>4}"
              f" {'ms/article':>10} {'RSS MB':>7}")  # fmt: skip
        pairwise = run_phase(sys.executable, "pairwise", work=str(work))["same"]
        tp = sum(1 for s, (*_, o) in zip(pairwise, pairs, strict=True) if s and o <= SAME_EVENT)
        fp, fn = sum(pairwise) - tp, gold - tp
        p, r = tp / (tp + fp), tp / (tp + fn)
        print(
            f"{'(reference: each pair alone, no clusters)':<42} {p:>5.2f} {r:>5.2f} {2 * p * r / (p + r):>5.2f}"
        )
        for label, res in rows(texts, pairs, work, args):
            s = score(res["labels"], pairs)
            print(f"{label:<42} {s['precision']:>5.2f} {s['recall']:>5.2f} {s['f1']:>5.2f} {s['clusters']:>8}"
                  f" {s['singletons']:>6} {s['largest']:>4} {1000 * res['seconds'] / n:>10.2f}"
                  f" {res['rss_mb']:>7.0f}")  # fmt: skip
            if res.get("note"):
                print(f"{'':<4}{res['note']}")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
