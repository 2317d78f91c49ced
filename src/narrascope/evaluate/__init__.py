"""Scorers for the public benchmarks in ``../shared/eval`` and for generated copies."""

from __future__ import annotations

__all__ = ["BenchmarkError"]


class BenchmarkError(ValueError):
    """A benchmark file that does not read (missing columns, broken offsets, not UTF-8, bad gzip); the
    message names the file, and the line where there is one."""
