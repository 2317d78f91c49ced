"""Driver side: the files a Spark run reads, kept and ordered as ``ingest.discover`` keeps and orders them.

Spark lists each input's files (on any Hadoop file system; it already leaves out names starting with
``.`` or ``_``). Here the files a local folder walk passes over (code, configuration, sidecar JSON) are
dropped, each ``.txt`` is paired with its sidecar, and the files are sorted as a sorted ``os.walk`` reads
them: a folder's own files before its subfolders'. Files rejected by their name or size alone (binary
types, whole files over ``--max-size``) become errors here and are never read.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from narrascope.ingest import IngestOptions
from narrascope.ingest.common import Rejected, failure
from narrascope.ingest.discover import walk_skips
from narrascope.ingest.reader import rejected_unread
from narrascope.ingest.text import companion_names, sidecar_names
from narrascope.model import IngestError

SPARK_MAX_FILE = 2**31 - 1  # Spark's binaryFile source holds a file in one byte array
PARQUET = ".parquet"
_GLOB_CHARS = frozenset("*?[{")
_FILE_SCHEME = re.compile(r"^file:(?://(?=/))?")


@dataclass(frozen=True, slots=True)
class Listed:
    """What Spark listed for one input as given: (URI, size) of each file; None when nothing matched."""

    given: str
    files: list[tuple[str, int]] | None


@dataclass(frozen=True, slots=True)
class InputFile:
    index: int  # place in reading order; with the record number it makes the item's ``seq``
    uri: str  # as Spark names it
    size: int
    sidecar: str | None = None  # URI of its sidecar JSON
    parquet: bool = False  # read as records through Spark, not as one file


def source_name(uri: str) -> str:
    """How a file is named in Documents and errors: a ``file:`` URI as the local path ingest reports."""
    return _FILE_SCHEME.sub("", uri)


def seq_of(file_index: int, item: int) -> int:
    """One number ordering every item of a run: the file's place, then the record's within the file."""
    return (file_index << 32) | item


def plan(
    listings: Sequence[Listed], options: IngestOptions
) -> tuple[list[InputFile], list[tuple[int, IngestError]]]:
    """The files to read in order, and (seq, error) for inputs that match nothing and for files rejected
    unread; the errors of inputs come first, as ``discover``'s do."""
    seen: set[str] = set()
    to_read: list[InputFile] = []
    missing: list[IngestError] = []
    rejected: list[tuple[int, IngestError]] = []
    for listed in listings:
        glob = bool(_GLOB_CHARS & set(listed.given))
        if listed.files is None:
            what = "glob matched no files" if glob else "no such file or folder"
            missing.append(IngestError(listed.given, "not-found", what))
            continue
        found = listed.files if _names_one_file(listed) else _walked(listed.files)
        if not found:
            what = "glob matched no files" if glob else "folder holds no files to read"
            missing.append(IngestError(listed.given, "not-found", what))
        names = {uri for uri, _ in listed.files}
        for uri, size in sorted(found, key=_walk_key):
            if uri in seen:
                continue
            index = len(seen)
            seen.add(uri)
            parquet = uri.lower().endswith(PARQUET)
            problem = None if parquet else _unread(uri, size, options)
            if problem is None:
                to_read.append(InputFile(index, uri, size, _sidecar(uri, names), parquet))
            else:
                rejected.append((seq_of(index, 0), failure(source_name(uri), problem)))
    return to_read, [(i - len(missing), e) for i, e in enumerate(missing)] + rejected


def _unread(uri: str, size: int, options: IngestOptions) -> Rejected | None:
    if size > SPARK_MAX_FILE:
        return Rejected(
            "too-large", "over Spark's 2 GiB limit on one file: split it or convert it to Parquet"
        )
    return rejected_unread(posixpath.basename(uri), size, options)


def _names_one_file(listed: Listed) -> bool:
    """Whether the input names a file (always read, like a file named to ``ingest``), not a folder."""
    if listed.files is None or len(listed.files) != 1:
        return False
    given = urlsplit(listed.given).path if "://" in listed.given else os.path.abspath(listed.given)
    return source_name(listed.files[0][0]).endswith(given.rstrip("/"))


def _walked(files: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The files a folder walk reads: not hidden, not code or configuration, not a ``.txt``'s sidecar."""
    names = {uri for uri, _ in files}
    return [
        (uri, size)
        for uri, size in files
        if not walk_skips(posixpath.basename(uri)) and not _is_sidecar(uri, names)
    ]


def _is_sidecar(uri: str, names: set[str]) -> bool:
    folder, name = posixpath.split(uri)
    return any(posixpath.join(folder, c) in names for c in companion_names(name))


def _sidecar(uri: str, names: set[str]) -> str | None:
    folder, name = posixpath.split(uri)
    return next((s for c in sidecar_names(name) if (s := posixpath.join(folder, c)) in names), None)


def _walk_key(item: tuple[str, int]) -> tuple[tuple[int, str], ...]:
    """Sorted ``os.walk`` order: at each level a folder's files (0) before its subfolders (1), by name."""
    *folders, name = item[0].split("/")
    return (*((1, part) for part in folders), (0, name))
