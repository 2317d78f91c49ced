"""Cleaning measured on the article-extraction benchmark (scrapinghub/article-extraction-benchmark).

The metric is the benchmark's own: each text becomes 4-token shingles (tokens are ``\\w+`` runs, case
kept; a text shorter than four tokens is one shingle), matched with their counts against the
ground-truth ``articleBody``. Each page's true/false positives and false negatives are normalised to sum
to one, so long pages do not weigh more; precision is averaged over the pages that predicted something
and recall over the pages whose truth is not empty (an empty prediction costs recall, not precision);
F1 is the harmonic mean of the two averages. A page whose prediction and truth are both empty counts in
neither average.

Paths compared, beside the published figures in ``ANCHORS`` (measured on all 181 pages; the shared copy
holds 92, so expect a few points of difference):

1. ``inscriptis (all text, ours measured)``: the page rendered to text with inscriptis, nothing removed;
2. ``text cleaner (ours)``: the same rendering (the realistic input for plain-text cleaning: every line
   of furniture still there) cleaned by ``clean_plain_text``, with lines repeated across pages of one
   host (``LineCounter``) as furniture;
3. ``html: trafilatura (ours)``: the HTML through ``narrascope.clean.html.extract_html``.

``seconds`` is the time of that path alone: rendering for (1), counting and cleaning for (2),
extraction for (3).
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from narrascope.clean.repetition import LineCounter
from narrascope.clean.text import clean_plain_text
from narrascope.evaluate import BenchmarkError
from narrascope.ingest.common import Rejected
from narrascope.ingest.decode import decode

__all__ = [
    "ANCHORS",
    "Page",
    "PathScore",
    "evaluate_cleaning",
    "find_benchmark",
    "format_table",
    "load_pages",
    "page_counts",
    "score",
]

ANCHORS = {
    "trafilatura (published)": 0.958,
    "readability (published)": 0.922,
    "justext (published)": 0.804,
    "inscriptis, all page text (published)": 0.679,
}
BENCHMARK_DIR = "article-extraction"
SHINGLE_TOKENS = 4
# The benchmark holds at most two pages per host, so a line on both pages of a host (two different
# articles) is that host's furniture; LineCounter still refuses lines shared only by copies.
BENCHMARK_MIN_DOCS = 2

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PathScore:
    """One path's benchmark result: averaged precision and recall, their F1, pages and time spent."""

    name: str
    precision: float
    recall: float
    f1: float
    pages: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Page:
    id: str
    url: str
    html: str
    truth: str


def find_benchmark(path: Path) -> Path:
    """The benchmark folder: ``path`` itself, or its ``article-extraction`` / ``eval/article-extraction``."""
    for candidate in (path, path / BENCHMARK_DIR, path / "eval" / BENCHMARK_DIR):
        if (candidate / "ground-truth.json").is_file() and (candidate / "html").is_dir():
            return candidate
    raise BenchmarkError(f"no article-extraction benchmark (ground-truth.json and html/) under {path}")


def _decode(data: bytes) -> str:
    """The page as ingest would decode it; a page it rejects (empty, binary) is scored as it comes."""
    try:
        return decode(data, markup=True).text
    except Rejected:
        return data.decode("utf-8", errors="replace")


def load_pages(path: Path, limit: int | None = None) -> list[Page]:
    """Benchmark pages in id order (the first ``limit`` when given) with their ground truth."""
    root = find_benchmark(path)
    truth_path = root / "ground-truth.json"
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BenchmarkError(f"{truth_path} is not JSON: {exc}") from None
    if not isinstance(truth, dict) or not all(isinstance(r, dict) for r in truth.values()):
        raise BenchmarkError(f"{truth_path} is not an object of page records")
    pages = []
    for page_id in sorted(truth)[:limit]:
        file = root / "html" / f"{page_id}.html.gz"
        if not file.is_file():
            continue
        try:
            html = _decode(gzip.decompress(file.read_bytes()))
        except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
            raise BenchmarkError(f"{file} is not a readable gzip file: {exc}") from None
        record = truth[page_id]
        pages.append(Page(page_id, record.get("url", ""), html, record.get("articleBody") or ""))
    return pages


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    n = SHINGLE_TOKENS
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def page_counts(truth: str, prediction: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page over shingles with their counts, normalised to sum to one."""
    true, pred = _shingles(truth), _shingles(prediction)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def score(counts: Iterable[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1): per-page precision and recall averaged, F1 of the two averages."""
    precisions, recalls = [], []
    for tp, fp, fn in counts:
        both_empty = fp == fn == 0
        if tp + fp > 0:
            precisions.append(1.0 if both_empty else tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(1.0 if both_empty else tp / (tp + fn))
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _timed(predict: Callable[[], list[str]]) -> tuple[list[str], float]:
    started = time.perf_counter()
    texts = predict()
    return texts, time.perf_counter() - started


def _result(name: str, pages: list[Page], texts: list[str], seconds: float) -> PathScore:
    precision, recall, f1 = score(page_counts(p.truth, text) for p, text in zip(pages, texts, strict=True))
    return PathScore(name, precision, recall, f1, len(pages), seconds)


def _render(pages: list[Page]) -> list[str]:
    from inscriptis import get_text

    return [get_text(page.html) for page in pages]


def _clean_texts(pages: list[Page], rendered: list[str]) -> list[str]:
    counter = LineCounter(min_docs=BENCHMARK_MIN_DOCS)
    groups = [(urlsplit(page.url).hostname or "").removeprefix("www.") for page in pages]
    for group, text in zip(groups, rendered, strict=True):
        counter.add(group, text)
    return [
        clean_plain_text(text, counter.furniture(group)).text
        for group, text in zip(groups, rendered, strict=True)
    ]


def _extract(pages: list[Page]) -> list[str]:
    from narrascope.clean.html import extract_html

    texts = []
    for page in pages:
        extracted = extract_html(page.html, url=page.url or None)
        texts.append(extracted.text if extracted is not None else "")
    return texts


def evaluate_cleaning(path: Path, limit: int | None = None) -> list[PathScore]:
    """Score the three cleaning paths on the benchmark under ``path`` (its first ``limit`` pages)."""
    pages = load_pages(Path(path), limit)
    rendered, render_seconds = _timed(lambda: _render(pages))
    cleaned, clean_seconds = _timed(lambda: _clean_texts(pages, rendered))
    extracted, extract_seconds = _timed(lambda: _extract(pages))
    return [
        _result("inscriptis (all text, ours measured)", pages, rendered, render_seconds),
        _result("text cleaner (ours)", pages, cleaned, clean_seconds),
        _result("html: trafilatura (ours)", pages, extracted, extract_seconds),
    ]


def format_table(scores: list[PathScore]) -> str:
    """Our paths and the published anchors as one plain-text table, best F1 first."""
    rows = [
        (s.name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.pages), f"{s.seconds:.1f}")
        for s in scores
    ]
    rows += [(name, "", "", f"{f1:.3f}", "181", "") for name, f1 in ANCHORS.items()]
    rows.sort(key=lambda row: float(row[3]), reverse=True)
    header = ("path", "precision", "recall", "F1", "pages", "seconds")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
