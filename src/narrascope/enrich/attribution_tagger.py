"""The transformer attribution tagger: source, cue and content spans read by a fine-tuned MiniLM.

Each paragraph (a line of the article) is one sequence of wordpieces, as in CofeNet's PolNeAR data; a
paragraph longer than a window is read in overlapping windows, and each wordpiece takes its label from the
window where it sits most centrally. The encoder (``encoder.Encoder``, numpy) scores every wordpiece for
the BIO labels of ``source``, ``cue`` and ``content``; each word takes its first wordpiece's scores, and
Viterbi picks the best labelling that BIO allows. Labelled runs become character spans, and spans become
statements: a source joins the nearest cue of its sentence, else of its paragraph; a content the cue before
it in its sentences (else the one after); content in a paragraph without a cue (a quotation continued from
the paragraph before) joins the last cue before it. ``AttributionExtractor`` then lends the parse's
reading where one label per word cannot say it all, and keeps speaker labels ("PENCE: ...") and quotations
signed with a dash, which the tagger rarely saw in training.

The model, its tokenizer and its settings live in ``data/attribution_tagger/``, written by
``train/attribution_tagger.py``; the tokenizer is Hugging Face ``tokenizers`` (a Rust wheel, no torch).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

from narrascope.enrich.encoder import Encoder
from narrascope.sentences import Sentence

__all__ = [
    "KINDS",
    "LABELS",
    "TaggedSpan",
    "Tagger",
    "group_spans",
    "load_tagger",
    "paragraph_windows",
    "paragraphs",
    "spans_from_labels",
    "trim_content",
    "viterbi",
]

LABELS = ("O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content")
KINDS = ("source", "cue", "content")
_FOLDER = "attribution_tagger"
_CLS, _SEP = 101, 102


@dataclass(frozen=True, slots=True)
class TaggedSpan:
    kind: str  # source, cue or content
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Window:
    paragraph: int  # index into the text's paragraphs
    first: int  # the window's first wordpiece in its paragraph
    ids: list[int]  # with [CLS] and [SEP]


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line that is not blank."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def paragraph_windows(count: int, room: int, overlap: int) -> list[int]:
    """First positions of the windows over ``count`` wordpieces: one window where it fits, else windows
    of ``room`` that overlap by ``overlap``, the last one ending at the end."""
    if count <= room:
        return [0]
    step = room - overlap
    starts = list(range(0, count - overlap, step))
    if starts[-1] + room < count:
        starts.append(count - room)
    return starts


def spans_from_labels(labels: Sequence[int], offsets: Sequence[tuple[int, int]]) -> list[TaggedSpan]:
    """Character spans of the BIO runs (label indices into ``LABELS``). A ``B-`` that starts inside a word
    (no space before the wordpiece) continues the run, as a span never starts mid-word; a stray ``I-``
    starts a span."""
    out: list[TaggedSpan] = []
    run: list = []  # kind, start, end
    for j, label in enumerate(labels):
        if label == 0:
            if run:
                out.append(TaggedSpan(*run))
                run = []
            continue
        kind = KINDS[(label - 1) // 2]
        begins = (label - 1) % 2 == 0
        start, end = offsets[j]
        glued = j > 0 and offsets[j - 1][1] == start
        if run and run[0] == kind and (not begins or glued):
            run[2] = end
            continue
        if run:
            out.append(TaggedSpan(*run))
        run = [kind, start, end]
    if run:
        out.append(TaggedSpan(*run))
    return out


class Tagger:
    """Labels the paragraphs of many texts in length-sorted batches (padding kept small)."""

    def __init__(
        self, encoder: Encoder, tokenizer, *, max_length: int, overlap: int, batch_tokens: int = 2048
    ) -> None:
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.room = max_length - 2
        self.overlap = overlap
        # padded wordpieces per batch: bounds the attention scores (batch x heads x length²) and so memory
        self.batch_tokens = batch_tokens

    def spans(self, texts: Sequence[str]) -> list[list[TaggedSpan]]:
        """The tagged spans of each text, in text order."""
        rows: list[list[_Paragraph]] = []
        windows: list[tuple[int, _Window]] = []
        for t, text in enumerate(texts):
            paras = paragraphs(text)
            found = []
            if paras:
                encodings = self.tokenizer.encode_batch(
                    [text[a:b] for a, b in paras], add_special_tokens=False
                )
                for p, ((lo, _), enc) in enumerate(zip(paras, encodings, strict=True)):
                    found.append(_Paragraph(lo, enc))
                    for first in paragraph_windows(len(enc.ids), self.room, self.overlap):
                        ids = [_CLS, *enc.ids[first : first + self.room], _SEP]
                        windows.append((t, _Window(p, first, ids)))
            rows.append(found)
        for group in self._batches(sorted(windows, key=lambda tw: len(tw[1].ids))):
            width = len(group[-1][1].ids)
            ids = np.zeros((len(group), width), dtype=np.int64)
            mask = np.zeros((len(group), width), dtype=np.int64)
            for r, (_, w) in enumerate(group):
                ids[r, : len(w.ids)] = w.ids
                mask[r, : len(w.ids)] = 1
            logits = self.encoder.logits(ids, mask)
            for r, (t, w) in enumerate(group):
                rows[t][w.paragraph].take(w.first, logits[r, 1 : len(w.ids) - 1])
        return [
            [trim_content(text, span) for paragraph in found for span in paragraph.spans()]
            for text, found in zip(texts, rows, strict=True)
        ]

    def _batches(self, windows: list[tuple[int, _Window]]) -> Iterator[list[tuple[int, _Window]]]:
        """Runs of the length-sorted windows whose padded size stays within ``batch_tokens``."""
        group: list[tuple[int, _Window]] = []
        for item in windows:
            if group and (len(group) + 1) * len(item[1].ids) > self.batch_tokens:
                yield group
                group = []
            group.append(item)
        if group:
            yield group


# a content the tagger runs on into the clause's comma or dash: PolNeAR ends 0.5% of its contents so
_CONTENT_TAIL = ",;:-\u2013\u2014 \t"


def trim_content(text: str, span: TaggedSpan) -> TaggedSpan:
    """A content span without the trailing clause punctuation the tagger sometimes takes in."""
    if span.kind != "content":
        return span
    end = len(text[span.start : span.end].rstrip(_CONTENT_TAIL)) + span.start
    return TaggedSpan(span.kind, span.start, end) if end > span.start else span


class _Paragraph:
    """One paragraph's wordpieces and, per wordpiece, the scores of the window where it is most central."""

    def __init__(self, offset: int, encoding) -> None:
        self.offsets = [(a + offset, b + offset) for a, b in encoding.offsets]
        self.words = encoding.word_ids
        n = len(self.offsets)
        self.scores = np.zeros((n, len(LABELS)), dtype=np.float32)
        self.distance = np.full(n, np.inf)

    def take(self, first: int, logits: np.ndarray) -> None:
        n = len(logits)
        distance = np.abs(np.arange(n) - (n - 1) / 2)
        better = distance < self.distance[first : first + n]
        self.distance[first : first + n][better] = distance[better]
        self.scores[first : first + n][better] = logits[better]

    def spans(self) -> list[TaggedSpan]:
        """Labels per word (the scores of its first wordpiece), decoded as valid BIO, as spans."""
        firsts: list[int] = []
        ranges: list[tuple[int, int]] = []
        last_word = None
        for j, word in enumerate(self.words):
            if word is not None and word == last_word:
                ranges[-1] = (ranges[-1][0], self.offsets[j][1])
                continue
            firsts.append(j)
            ranges.append(self.offsets[j])
            last_word = word
        if not firsts:
            return []
        return spans_from_labels(viterbi(self.scores[firsts]), ranges)


def _allowed() -> np.ndarray:
    """allowed[a, b]: label b may follow label a (an I- only after its own B- or I-)."""
    out = np.ones((len(LABELS), len(LABELS)), dtype=bool)
    for b, name in enumerate(LABELS):
        if name.startswith("I-"):
            out[:, b] = False
            out[LABELS.index("B-" + name[2:]), b] = True
            out[b, b] = True
    return out


_ALLOWED = _allowed()
_STARTS = np.array([not name.startswith("I-") for name in LABELS])


def viterbi(logits: np.ndarray) -> list[int]:
    """The best label sequence under BIO's constraints, by summed log-probabilities per position."""
    shifted = logits - logits.max(-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))
    blocked = np.where(_ALLOWED, 0.0, -np.inf)
    score = np.where(_STARTS, logp[0], -np.inf)
    back = np.zeros(logp.shape, dtype=np.int64)
    for i in range(1, len(logp)):
        total = score[:, None] + blocked
        back[i] = total.argmax(0)
        score = total.max(0) + logp[i]
    path = [int(score.argmax())]
    for i in range(len(logp) - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


@lru_cache(maxsize=1)
def load_tagger() -> Tagger | None:
    """The shipped tagger, or None where its files or the ``tokenizers`` package are missing."""
    folder = resources.files("narrascope.data").joinpath(_FOLDER)
    weights = folder.joinpath("weights.npz")
    if not weights.is_file():
        return None
    try:
        from tokenizers import Tokenizer
    except ImportError:
        return None
    settings = json.loads(folder.joinpath("settings.json").read_text(encoding="utf-8"))
    with weights.open("rb") as f, np.load(f) as arrays:
        encoder = Encoder({k: arrays[k] for k in arrays.files}, heads=settings["heads"])
    tokenizer = Tokenizer.from_str(folder.joinpath("tokenizer.json").read_text(encoding="utf-8"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return Tagger(encoder, tokenizer, max_length=settings["max_length"], overlap=settings["overlap"])


def group_spans(
    text: str, spans: Sequence[TaggedSpan], sentences: Sequence[Sentence]
) -> list[tuple[tuple[int, int], list[tuple[int, int]], tuple[int, int] | None]]:
    """Statements as (cue, content parts, source) character ranges. A source joins the nearest cue of the
    sentences it touches, else of its paragraph; a content the cue before it there, else the nearest after;
    content in a paragraph without a cue joins the last cue before it; a source without a cue, or a cue
    without content, is no statement."""
    starts = [s.start for s in sentences]

    def sentence_of(pos: int) -> int:
        return max(bisect.bisect_right(starts, pos) - 1, 0)

    def paragraph_of(pos: int) -> int:
        return sentences[sentence_of(pos)].paragraph if sentences else 0

    cues = [s for s in spans if s.kind == "cue"]
    built: dict[TaggedSpan, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {c: ([], []) for c in cues}
    for span in spans:
        if span.kind == "cue":
            continue
        first, last = sentence_of(span.start), sentence_of(max(span.end - 1, span.start))
        near = [c for c in cues if first <= sentence_of(c.start) <= last]
        if not near:
            near = [c for c in cues if paragraph_of(c.start) == paragraph_of(span.start)]
        if near and span.kind == "content":
            # "A said X, but added Y": a content belongs to the cue before it; "“X,” he said": else after
            before = [c for c in near if c.end <= span.start]
            cue = before[-1] if before else min(near, key=lambda c: abs(c.start - span.end))
        elif near:
            cue = min(near, key=lambda c: max(c.start - span.end, span.start - c.end, 0))
        elif span.kind == "content":
            before = [c for c in cues if c.end <= span.start]
            if not before:
                continue
            cue = before[-1]
        else:
            continue
        parts, sources = built[cue]
        (parts if span.kind == "content" else sources).append((span.start, span.end))
    out = []
    for cue in cues:
        parts, sources = built[cue]
        if parts:
            source = min(sources, key=lambda s: max(cue.start - s[1], s[0] - cue.end, 0)) if sources else None
            out.append(((cue.start, cue.end), parts, source))
    return out
