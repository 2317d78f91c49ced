"""The transformer attribution tagger: the numpy encoder, windows, BIO decoding, grouping, and the shipped
model on fictional articles."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from narrascope.enrich.attribution_tagger import (
    LABELS,
    TaggedSpan,
    group_spans,
    load_tagger,
    paragraph_windows,
    spans_from_labels,
    trim_content,
)
from narrascope.enrich.encoder import Encoder, dequantize, quantize
from narrascope.sentences import split_sentences

L = {name: i for i, name in enumerate(LABELS)}


def _tiny_bert(seed: int = 3, width: int = 8, layers: int = 2, vocab: int = 30, labels: int = 7) -> dict:
    rng = np.random.default_rng(seed)

    def m(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.5, shape).astype(np.float32)

    arrays = {
        "embeddings.word_embeddings.weight": m(vocab, width),
        "embeddings.position_embeddings.weight": m(16, width),
        "embeddings.token_type_embeddings.weight": m(2, width),
        "embeddings.LayerNorm.weight": 1 + m(width),
        "embeddings.LayerNorm.bias": m(width),
        "classifier.weight": m(labels, width),
        "classifier.bias": m(labels),
    }
    for n in range(layers):
        p = f"encoder.layer.{n}."
        for name in (
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ):
            arrays[p + name + ".weight"], arrays[p + name + ".bias"] = m(width, width), m(width)
        arrays[p + "intermediate.dense.weight"], arrays[p + "intermediate.dense.bias"] = (
            m(4 * width, width),
            m(4 * width),
        )
        arrays[p + "output.dense.weight"], arrays[p + "output.dense.bias"] = m(width, 4 * width), m(width)
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            arrays[p + name + ".weight"], arrays[p + name + ".bias"] = 1 + m(width), m(width)
    return arrays


def _reference(arrays: dict, ids: list[int], heads: int) -> np.ndarray:
    """BERT written out token by token and head by head, in float64 (GELU in the tanh form the encoder
    uses; its distance from the exact GELU is tested below)."""
    import math

    def ln(x, name):
        mu, var = x.mean(), x.var()
        return (x - mu) / math.sqrt(var + 1e-12) * arrays[name + ".weight"] + arrays[name + ".bias"]

    def lin(x, name):
        return arrays[name + ".weight"].astype(np.float64) @ x + arrays[name + ".bias"]

    xs = [
        ln(arrays["embeddings.word_embeddings.weight"][t] + arrays["embeddings.position_embeddings.weight"][i]
           + arrays["embeddings.token_type_embeddings.weight"][0], "embeddings.LayerNorm")
        for i, t in enumerate(ids)
    ]  # fmt: skip
    n = 0
    while f"encoder.layer.{n}.attention.self.query.weight" in arrays:
        p = f"encoder.layer.{n}."
        q = [lin(x, p + "attention.self.query") for x in xs]
        k = [lin(x, p + "attention.self.key") for x in xs]
        v = [lin(x, p + "attention.self.value") for x in xs]
        size = len(xs[0]) // heads
        new = []
        for i in range(len(xs)):
            context = []
            for h in range(heads):
                sl = slice(h * size, (h + 1) * size)
                s = np.array([q[i][sl] @ k[j][sl] / math.sqrt(size) for j in range(len(xs))])
                w = np.exp(s - s.max())
                w /= w.sum()
                context.append(sum(w[j] * v[j][sl] for j in range(len(xs))))
            a = ln(
                lin(np.concatenate(context), p + "attention.output.dense") + xs[i],
                p + "attention.output.LayerNorm",
            )
            hidden = lin(a, p + "intermediate.dense")
            hidden = np.array(
                [0.5 * h * (1 + math.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h**3))) for h in hidden]
            )
            new.append(ln(lin(hidden, p + "output.dense") + a, p + "output.LayerNorm"))
        xs = new
        n += 1
    return np.array([lin(x, "classifier") for x in xs])


def test_encoder_matches_bert_written_out_and_ignores_padding():
    arrays = _tiny_bert()
    encoder = Encoder(arrays, heads=2)
    short, long = [1, 5, 7, 2], [1, 9, 4, 4, 8, 11, 2]
    ids = np.zeros((2, len(long)), dtype=np.int64)
    mask = np.zeros_like(ids)
    ids[0, :4], mask[0, :4] = short, 1
    ids[1], mask[1] = long, 1
    batched = encoder.logits(ids, mask)
    assert np.allclose(batched[0, :4], _reference(arrays, short, 2), atol=1e-4)
    assert np.allclose(batched[1], _reference(arrays, long, 2), atol=1e-4)
    # the padded row reads as the short sequence alone
    alone = encoder.logits(np.array([short]), np.ones((1, 4), dtype=np.int64))
    assert np.allclose(batched[0, :4], alone[0], atol=1e-5)


def test_gelu_is_within_5e_4_of_the_exact_one():
    import math

    from narrascope.enrich.encoder import _gelu

    x = np.linspace(-8, 8, 4001, dtype=np.float32)
    exact = np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(float)])
    assert np.abs(_gelu(x.copy()) - exact).max() < 5e-4


def test_quantized_matrices_stay_within_half_a_step_per_row():
    matrix = np.random.default_rng(0).normal(0, 1, (50, 40)).astype(np.float32)
    matrix[3] = 0.0
    values, scales = quantize(matrix)
    assert values.dtype == np.int8
    back = dequantize(values, scales)
    assert np.all(np.abs(back - matrix) <= scales[:, None] / 2 + 1e-7)
    assert not back[3].any()
    arrays = _tiny_bert()
    packed = dict(arrays)
    for name in [k for k, v in arrays.items() if v.ndim == 2]:
        packed[name + ".q"], packed[name + ".scale"] = quantize(packed.pop(name))
    ids, mask = np.array([[1, 5, 7, 2]]), np.ones((1, 4), dtype=np.int64)
    exact, rounded = Encoder(arrays, heads=2).logits(ids, mask), Encoder(packed, heads=2).logits(ids, mask)
    assert np.array_equal(exact.argmax(-1), rounded.argmax(-1))


@pytest.mark.parametrize("count", [1, 254, 255, 400, 1000, 1017])
def test_windows_cover_every_wordpiece_and_overlap(count):
    room, overlap = 254, 64
    starts = paragraph_windows(count, room, overlap)
    covered = set()
    for s in starts:
        covered.update(range(s, min(s + room, count)))
    assert covered == set(range(count))
    assert starts == sorted(starts) and starts[0] == 0
    assert all(b - a <= room - overlap for a, b in itertools.pairwise(starts))


def test_labels_become_character_spans():
    text = "Lavrov told reporters the strikes were unacceptable."
    words = [(0, 6), (7, 11), (12, 21), (22, 25), (26, 33), (34, 38), (39, 51), (51, 52)]
    labels = [L["B-source"], L["B-cue"], L["I-cue"], L["B-content"], L["I-content"], L["I-content"],
              L["I-content"], L["O"]]  # fmt: skip
    spans = spans_from_labels(labels, words)
    assert [(s.kind, text[s.start : s.end]) for s in spans] == [
        ("source", "Lavrov"),
        ("cue", "told reporters"),
        ("content", "the strikes were unacceptable"),
    ]
    # a B- on a wordpiece glued to the one before continues the run; a stray I- starts one
    pieces = [(0, 3), (3, 6), (7, 11)]
    assert spans_from_labels([L["B-source"], L["B-source"], L["I-cue"]], pieces) == [
        TaggedSpan("source", 0, 6),
        TaggedSpan("cue", 7, 11),
    ]


def _at(text: str, kind: str, phrase: str, after: int = 0) -> TaggedSpan:
    start = text.index(phrase, after)
    return TaggedSpan(kind, start, start + len(phrase))


def test_spans_join_the_nearest_cue_of_their_sentence_and_quotes_go_on_across_paragraphs():
    text = (
        "Mayor Ines Bauer said the bridge was safe, and the engineer Tom Reyes warned it was not.\n"
        "“We found cracks in every pillar.\n"
        "“Nobody listened.”\n"
        "The council met later."
    )
    spans = [
        _at(text, "source", "Mayor Ines Bauer"),
        _at(text, "cue", "said"),
        _at(text, "content", "the bridge was safe"),
        _at(text, "source", "the engineer Tom Reyes"),
        _at(text, "cue", "warned"),
        _at(text, "content", "it was not"),
        _at(text, "content", "“We found cracks in every pillar."),
        _at(text, "content", "“Nobody listened.”"),
        _at(text, "source", "The council"),  # no cue in its paragraph: no statement
    ]
    grouped = group_spans(text, spans, split_sentences(text))
    read = [
        (text[c[0] : c[1]], [text[a:b] for a, b in parts], text[s[0] : s[1]] if s else None)
        for c, parts, s in grouped
    ]
    assert read == [
        ("said", ["the bridge was safe"], "Mayor Ines Bauer"),
        (
            "warned",
            ["it was not", "“We found cracks in every pillar.", "“Nobody listened.”"],
            "the engineer Tom Reyes",
        ),
    ]


def test_a_content_ends_before_the_clause_punctuation_it_ran_into():
    text = "Officials said the dam would hold, but residents left anyway."
    start = text.index("the dam")
    ran_on = TaggedSpan("content", start, text.index(" but"))  # "the dam would hold,"
    trimmed = trim_content(text, ran_on)
    assert text[trimmed.start : trimmed.end] == "the dam would hold"
    quoted = TaggedSpan("content", 0, len(text))  # ends in a full stop: kept
    assert trim_content(text, quoted) == quoted
    source = TaggedSpan("source", 0, text.index(" said") + 1)
    assert trim_content(text, source) == source  # sources may end in a comma ("Smith, 42,")
    assert trim_content("—", TaggedSpan("content", 0, 1)) == TaggedSpan("content", 0, 1)  # never emptied


def test_a_cue_without_content_is_no_statement():
    text = "The minister said."
    spans = [_at(text, "source", "The minister"), _at(text, "cue", "said")]
    assert group_spans(text, spans, split_sentences(text)) == []


tagger = load_tagger()
needs_model = pytest.mark.skipif(
    tagger is None, reason="the tagger's files or the tokenizers package are missing"
)


@needs_model
def test_shipped_tagger_reads_fictional_reports():
    text = (
        "Health Minister Lena Okafor said on Monday that the vaccine supply would last until spring.\n"
        "“We have enough doses for every adult,” she told reporters in Abuja.\n"
        "According to the opposition, the ministry has hidden shortages for months."
    )
    spans = {(s.kind, text[s.start : s.end]) for s in tagger.spans([text])[0]}
    assert ("cue", "said") in spans
    assert ("source", "Health Minister Lena Okafor") in spans
    assert ("content", "that the vaccine supply would last until spring") in spans  # PolNeAR keeps "that"
    assert ("source", "she") in spans
    assert ("content", "“We have enough doses for every adult,”") in spans
    assert ("source", "the opposition") in spans
