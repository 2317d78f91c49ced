"""Executor side of enrich: the model's work, per partition, with one model per Python worker.

The model (NER, parsing, the attribution tagger) is nearly all of enrich's cost and its output for an
article does not depend on the other articles (nor on how they are batched: checked on PolNeAR), so it
runs anywhere, in chunks of ``Enricher.chunk_size`` as locally. Entity resolution is corpus-wide and
runs later, in order (``replay.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from narrascope.enrich.blas import one_blas_thread
from narrascope.enrich.enricher import Analysis, Analyzer, Enricher
from narrascope.model import Article

Analysed = tuple[int, Analysis | None]  # (seq of the article, its analysis; None: a language not read)

_ANALYZERS: dict[tuple[str | None, str], Analyzer] = {}


def analyzer(model: str | None, parse: str) -> Analyzer:
    """This Python worker's model, loaded on first use: Spark reuses its Python workers from task to
    task (``spark.python.worker.reuse``), so the model loads once per worker, not per partition."""
    key = (model, parse)
    if key not in _ANALYZERS:
        one_blas_thread()  # Spark runs one task per core: BLAS threads would only compete with them
        _ANALYZERS[key] = Analyzer(model, parse)
    return _ANALYZERS[key]


def analyse(articles: Iterable[tuple[int, int, Article]], enricher: Enricher) -> Iterator[Analysed]:
    """The analyses of a partition's (ordinal, seq, article), in chunks of ``enricher.chunk_size``."""
    chunk: list[tuple[int, Article]] = []
    for _, seq, article in articles:
        if not enricher.reads(article):
            yield seq, None
            continue
        chunk.append((seq, article))
        if len(chunk) == enricher.chunk_size:
            yield from _analyse(chunk, enricher)
            chunk = []
    yield from _analyse(chunk, enricher)


def _analyse(chunk: list[tuple[int, Article]], enricher: Enricher) -> Iterator[Analysed]:
    if not chunk:
        return
    found = analyzer(enricher.model, enricher.parse).analyse([a.text for _, a in chunk])
    for (seq, _), analysis in zip(chunk, found, strict=True):
        yield seq, analysis
