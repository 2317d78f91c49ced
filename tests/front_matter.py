"""Writing small fictional articles as front-matter text files, the way `narrascope ingest` reads them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_articles(folder: Path, articles: Mapping[str, tuple[str, str, str]]) -> Path:
    """``articles``: file name → (outlet, published day, text). Returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (outlet, day, text) in articles.items():
        (folder / name).write_text(
            f"---\noutlet: {outlet}\npublished: {day}\n---\n{text}\n", encoding="utf-8"
        )
    return folder
