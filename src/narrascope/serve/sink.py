"""The binary stream an export writes to, as the writers need it: buffered UTF-8 text, or bytes with a
position (pyarrow asks for one). The stream stays open: it belongs to the caller (a file, stdout, an HTTP
response body), and only ``write`` is asked of it."""

from __future__ import annotations

from typing import BinaryIO

FLUSH_CHARS = 1 << 16


class TextSink:
    """``write(str)`` encoded as UTF-8 and passed on in blocks of about ``FLUSH_CHARS`` characters. Lone
    surrogates, which UTF-8 cannot carry, become ``?``."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= FLUSH_CHARS:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self._parts:
            self.out.write("".join(self._parts).encode("utf-8", "replace"))
            self._parts.clear()
            self._size = 0


class ByteSink:
    """Bytes passed on to ``out``, counted, so that a writer may ask where it is (``tell``) even on a
    pipe or a response body."""

    closed = False

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.position = 0

    def write(self, data: bytes) -> int:
        self.out.write(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        """Nothing is held here; flushing ``out`` is its owner's business."""

    def writable(self) -> bool:
        return True
