"""Runs the enrich stage over batches of articles.

Two model passes, each doing only what it must (the sm model's NER has its own embedding, while tagger
and parser share ``tok2vec``):
1. NER alone over every text, for entities;
2. tagger + parser (no NER) only on the regions where statements can be (``AttributionExtractor``).
Analysis is pure per article and can run in worker processes (``processes > 1``, the model loaded once
per worker). Entity resolution and speaker resolution then run in this process, because one entity
registry is shared by all articles.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from narrascope import __version__
from narrascope.enrich.attribution import Attribution, AttributionExtractor
from narrascope.enrich.blas import one_blas_thread
from narrascope.enrich.entities import EntityResolver
from narrascope.enrich.nlp import load_nlp, model_meta, model_version
from narrascope.enrich.speakers import build_statements
from narrascope.model import Article, Enrichment, Mention

if TYPE_CHECKING:
    from spacy.language import Language

NerSpans = list[tuple[int, int, str]]
Analysis = tuple[NerSpans, list[Attribution], str | None]  # NER spans, attributions, error if it failed


class Analyzer:
    """The per-article model work (NER spans and attributions); picklable by name for worker processes."""

    def __init__(self, model: str | None = None, parse: str = "selective") -> None:
        self.nlp: Language = load_nlp(model)
        self.extractor = AttributionExtractor(self.nlp, parse=parse)
        self._ner_only = [name for name in self.nlp.pipe_names if name != "ner"]

    def analyse(self, texts: Sequence[str], batch_size: int = 16) -> list[Analysis]:
        """Analyse a chunk; if that fails, each text alone, so one bad article fails by itself."""
        texts = [defuse_long_runs(t) for t in texts]
        try:
            return self._analyse(texts, batch_size)
        except Exception as exc:  # one hostile article must not end the run: find it and fail it alone
            if len(texts) == 1:
                return [([], [], f"{type(exc).__name__}: {exc}")]
        return [result for text in texts for result in self.analyse([text], batch_size)]

    def _analyse(self, texts: list[str], batch_size: int) -> list[Analysis]:
        pieces = [
            (i, start, text[start:end]) for i, text in enumerate(texts) for start, end in ner_chunks(text)
        ]
        docs = self.nlp.pipe((p[2] for p in pieces), disable=self._ner_only, batch_size=batch_size)
        ner: list[NerSpans] = [[] for _ in texts]
        for (i, offset, _), doc in zip(pieces, docs, strict=True):
            ner[i].extend((offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents)
        attributions = self.extractor.extract(texts, batch_size=batch_size)
        return [(spans, found, None) for spans, found in zip(ner, attributions, strict=True)]


NER_CHUNK = 100_000  # characters the NER reads at once: spaCy refuses texts over 1M (memory), books exist


def ner_chunks(text: str, size: int = NER_CHUNK) -> list[tuple[int, int]]:
    """``text`` cut into stretches of at most ``size`` characters, at line breaks where it has them (else at
    a space), so that a name is never cut in two; one stretch for any text of news length."""
    spans, start = [], 0
    while len(text) - start > size:
        end = text.rfind("\n", start + 1, start + size)
        if end <= start:
            end = text.rfind(" ", start + 1, start + size)
        if end <= start:
            end = start + size
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


LONG_RUN = re.compile(
    r"\S{200,}"
)  # no word, name or cue is this long; spaCy's tokenizer is quadratic on them


def defuse_long_runs(text: str) -> str:
    """``text`` with every run of 200+ non-space characters blanked, keeping every offset unchanged."""
    return LONG_RUN.sub(lambda m: " " * len(m.group()), text)


_WORKER: Analyzer | None = None


def _init_worker(model: str | None, parse: str) -> None:
    global _WORKER
    one_blas_thread()
    _WORKER = Analyzer(model, parse)


def _work(texts: list[str]) -> list[Analysis]:
    assert _WORKER is not None
    return _WORKER.analyse(texts)


class Enricher:
    def __init__(
        self,
        resolver: EntityResolver,
        *,
        model: str | None = None,
        parse: str = "selective",
        processes: int = 1,
        chunk_size: int = 16,
    ) -> None:
        self.resolver = resolver
        self.model = model
        self.parse = parse
        self.processes = max(1, processes)
        self.chunk_size = chunk_size
        self._analyzer: Analyzer | None = None
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> Enricher:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close(cancel=exc_type is not None)

    def close(self, *, cancel: bool = False) -> None:
        """Stop the worker processes (they load the model once and serve every batch until then); with
        ``cancel`` at once, dropping what they are still analysing (the run failed or was interrupted)."""
        if self._pool is not None:
            if cancel:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None

    @property
    def pipeline(self) -> str:
        """Names what produced the results, stored with each article so re-runs can skip what is done."""
        return f"narrascope-{__version__}/{model_version(self.model)}/{self.parse}"

    def enrich(
        self, articles: Sequence[Article], progress: Callable[[int], None] | None = None
    ) -> Iterator[Enrichment]:
        """Enrich articles in order, yielding one ``Enrichment`` per article.

        An article in another language than the model's gets an empty one: an English parser reads
        Russian text as noise, and that noise would become entities. Articles of unknown language are read.
        """
        readable = [a for a in articles if self.reads(a)]
        chunks = [readable[i : i + self.chunk_size] for i in range(0, len(readable), self.chunk_size)]
        results: dict[str, Enrichment] = {}
        for chunk, analysed in zip(
            chunks, self._analyse_chunks([[a.text for a in c] for c in chunks]), strict=True
        ):
            for article, analysis in zip(chunk, analysed, strict=True):
                results[article.id] = self.resolve(article, analysis)
            if progress:
                progress(len(chunk))
        if progress and len(readable) < len(articles):
            progress(len(articles) - len(readable))
        for article in articles:
            yield results.get(article.id) or Enrichment(article.id, [], [])

    def reads(self, article: Article) -> bool:
        """Whether the model reads the article's language (unknown languages are read)."""
        return article.language in (None, str(model_meta(self.model).get("lang", "")))

    def resolve(self, article: Article, analysis: Analysis) -> Enrichment:
        """The corpus-wide step for one analysed article: its canonical entities and statements. Runs in
        article order, in one process, because every article updates the one entity registry."""
        ner, attributions, error = analysis
        if error:
            return Enrichment(article.id, [], [], error)
        found = self.resolver.resolve(article.text, ner)
        mentions = [Mention(article.id, m.entity_id, m.start, m.end, m.text, m.label) for m in found]
        statements = build_statements(article.id, article.text, attributions, found, self.resolver)
        return Enrichment(article.id, mentions, statements)

    def _analyse_chunks(self, chunks: list[list[str]]) -> Iterator[list[Analysis]]:
        if self.processes == 1 or (self._pool is None and len(chunks) < 2):
            if self._analyzer is None:
                self._analyzer = Analyzer(self.model, self.parse)
            for texts in chunks:
                yield self._analyzer.analyse(texts)
            return
        if self._pool is None:  # started once and kept for every later batch: each worker loads the model
            context = multiprocessing.get_context("spawn")  # no fork of a loaded model or open database
            self._pool = context.Pool(
                self.processes, initializer=_init_worker, initargs=(self.model, self.parse)
            )
        yield from self._pool.imap(_work, chunks)
