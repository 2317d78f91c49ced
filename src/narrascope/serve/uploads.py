"""Uploaded files are hostile: their names never become paths. Each is written to a fresh temporary folder
under a name we make (keeping only a plain extension, which says how to read it), and recorded under
``upload:<sha256 prefix>/<sanitised name>``, so an article's source names the file it came from."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath
from typing import BinaryIO

_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")
_UNSAFE = re.compile(r"[^\w.\- ]+")  # controls, separators, bidirectional marks, quotes ...
MAX_NAME = 120
CHUNK = 1 << 20


def display_name(filename: str | None, fallback: str) -> str:
    """The file's own name (no folders), with anything but letters, digits, ``._- `` replaced by ``_``."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .")[:MAX_NAME]
    return base or fallback


def extension(name: str) -> str:
    """The last one or two plain suffixes (``.jsonl.gz``), the rest dropped."""
    kept = [s for s in PurePosixPath(name).suffixes[-2:] if _SUFFIX.match(s)]
    return "".join(kept)


def save(data: BinaryIO, filename: str | None, folder: Path, number: int) -> tuple[Path, str]:
    """Copy one upload into ``folder``: (its path there, the source name to record)."""
    name = display_name(filename, f"upload-{number}")
    path = folder / f"upload-{number}{extension(name)}"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return path, f"upload:{digest.hexdigest()[:12]}/{name}"
