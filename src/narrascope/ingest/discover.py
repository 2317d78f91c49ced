"""Inputs (files, folders, globs, URLs) -> the sources to read, in a deterministic order."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from narrascope.ingest.fetch import is_url
from narrascope.ingest.heuristics import WALK_SKIP_EXTENSIONS
from narrascope.ingest.text import is_sidecar
from narrascope.model import IngestError

_GLOB_CHARS = frozenset("*?[")


def discover(inputs: Sequence[str]) -> tuple[list[str], list[IngestError]]:
    """Sources in input order, each folder walked recursively in sorted order, each listed once.

    A file named explicitly is always kept. Files found by walking a folder or matching a glob skip hidden
    files and folders, sidecar ``.json`` files of ``.txt`` files, and code or configuration (CSS, scripts,
    YAML), text that sniffing would take for articles; binary files stay listed, for reading to report them.
    An input that matches nothing, or a folder holding nothing to read, is reported as ``not-found``; a file
    whose name is not UTF-8, which no store could record, as ``unreadable``.
    """
    sources: dict[str, None] = {}  # insertion-ordered set
    errors: list[IngestError] = []
    for given in inputs:
        if is_url(given):
            sources.setdefault(given)
            continue
        expanded = os.path.expanduser(given)
        if os.path.isfile(expanded):
            found = [expanded]
        elif os.path.isdir(expanded):
            found = list(_walk(expanded, errors))
        elif _GLOB_CHARS & set(expanded):
            found = [
                f for match in sorted(glob.glob(expanded, recursive=True)) for f in _expand(match, errors)
            ]
        elif os.path.exists(expanded):
            errors.append(IngestError(shown(given), "unreadable", "not a regular file or folder"))
            continue
        else:
            errors.append(IngestError(shown(given), "not-found", "no such file or folder"))
            continue
        if not found:
            what = "folder holds no files to read" if os.path.isdir(expanded) else "glob matched no files"
            errors.append(IngestError(shown(given), "not-found", what))
        for path in found:
            if shown(path) != path:
                errors.append(
                    IngestError(shown(path), "unreadable", "its name is not UTF-8 (rename it to read it)")
                )
            else:
                sources.setdefault(path)
    return list(sources), errors


def shown(path: str) -> str:
    """A path as it can be stored: bytes of its name that are not UTF-8, which Python holds as lone
    surrogates, written ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _expand(match: str, errors: list[IngestError]) -> Iterator[str]:
    if os.path.isdir(match):
        yield from _walk(match, errors)
    elif os.path.isfile(match) and _wanted(Path(match)):
        yield match


def _walk(top: str, errors: list[IngestError]) -> Iterator[str]:
    def unreadable(exc: OSError) -> None:
        errors.append(IngestError(shown(exc.filename or top), "unreadable", exc.strerror or str(exc)))

    for folder, dirnames, filenames in os.walk(top, onerror=unreadable):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = os.path.join(folder, name)
            if not name.startswith(".") and _wanted(Path(path)):
                yield path


def _wanted(path: Path) -> bool:
    return not walk_skips(path.name) and not is_sidecar(path)


def walk_skips(name: str) -> bool:
    """Files a folder walk passes over by name alone: hidden ones, and code or configuration."""
    return name.startswith(".") or Path(name).suffix.lower() in WALK_SKIP_EXTENSIONS
