"""Plain-text files: optional YAML front matter and/or a sidecar JSON file give the metadata hints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from narrascope.ingest.common import (
    IngestOptions,
    Rejected,
    as_text,
    failure,
    make_document,
    normalise_text,
    read_file,
)
from narrascope.ingest.decode import decode
from narrascope.ingest.heuristics import (
    FRONT_MATTER,
    FRONT_MATTER_KEY,
    FRONT_MATTER_MAX_CHARS,
    GZIP_EXTENSION,
    HINT_FIELDS,
    HINT_MAX_CHARS,
)
from narrascope.ingest.records import map_columns
from narrascope.model import Document, IngestError

_TXT = ".txt"
_JSON = ".json"


def read_text(
    source: str, path: Path, data: bytes, options: IngestOptions
) -> Iterator[Document | IngestError]:
    """One text Document; hints from the front matter win over the sidecar's. A broken sidecar is
    reported against the sidecar's own path, broken front matter against the file, and the text is still
    read."""
    decoded = decode(data)
    meta, body, problem = split_front_matter(normalise_text(decoded.text))
    hints: dict[str, Any] = {}
    sidecar = sidecar_of(path)
    if sidecar is not None:
        try:
            hints.update(_hints(_read_sidecar(sidecar, options)))
        except Rejected as exc:
            yield failure(str(sidecar), exc)
    if problem is not None:
        detail = (
            f"front matter is not valid YAML ({problem}); the file was read as text, without its metadata"
        )
        yield IngestError(source, "malformed", detail)
    hints.update(_hints(meta))
    for name, value in list(hints.items()):
        if len(as_text(value) or "") > HINT_MAX_CHARS:
            del hints[name]
            detail = f"metadata field {name!r} is over {HINT_MAX_CHARS} characters long; it was left out"
            yield IngestError(source, "malformed", detail)
    yield make_document(source, "text", body, decoded.encoding, hints)


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a few hundred bytes of nested aliases expand to gigabytes. Dates
    stay strings, so that an impossible one (``2024-02-30``) leaves the article undated instead of failing
    it, as a quoted one or a sidecar's does."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases are not allowed", problem_mark=event.start_mark
            )
        return super().compose_node(parent, index)  # type: ignore[arg-type]


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


class FrontMatter(NamedTuple):
    meta: dict[str, Any]
    body: str
    problem: str | None = None  # why a block meant as front matter (it opens with "key:") was not read


def split_front_matter(text: str) -> FrontMatter:
    """Text whose ``---`` block is not a YAML mapping keeps it as text: prose that merely starts with a rule
    must not lose its first lines."""
    match = FRONT_MATTER.match(text[:FRONT_MATTER_MAX_CHARS])
    if not match:
        return FrontMatter({}, text)
    try:
        meta = yaml.load(match.group(1), Loader=_FrontMatterLoader)  # a SafeLoader subclass
    except (yaml.YAMLError, RecursionError) as exc:
        return FrontMatter({}, text, _yaml_problem(exc) if FRONT_MATTER_KEY.match(match.group(1)) else None)
    if not isinstance(meta, dict):
        return FrontMatter({}, text)
    return FrontMatter(meta, text[match.end() :])


def _yaml_problem(exc: Exception) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem and exc.problem_mark:
        return f"{exc.problem} at line {exc.problem_mark.line + 2}"  # the block starts on the second line
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc).split("\n", 1)[0]


def sidecar_names(name: str) -> list[str]:
    """The names a ``.txt`` (or ``.txt.gz``) file's sidecar JSON may have, preferred first
    (``x.txt.json``, ``x.json``); none for other files. Names only, for listings without a file system."""
    base = name[: -len(GZIP_EXTENSION)] if name.lower().endswith(GZIP_EXTENSION) else name
    if not base.lower().endswith(_TXT):
        return []
    return list(dict.fromkeys((name + _JSON, base + _JSON, base[: -len(_TXT)] + _JSON)))


def companion_names(name: str) -> list[str]:
    """The names of the ``.txt`` files that a ``.json`` file named ``name`` would be the sidecar of."""
    if not name.lower().endswith(_JSON):
        return []
    stem = name[: -len(_JSON)]
    companions = [stem] if stem.lower().endswith((_TXT, _TXT + GZIP_EXTENSION)) else []
    return [*companions, stem + _TXT, stem + _TXT + GZIP_EXTENSION]


def sidecar_of(path: Path) -> Path | None:
    """The sidecar JSON of a ``.txt`` (or ``.txt.gz``) file: ``x.txt.json`` or ``x.json``, if present."""
    for candidate in sidecar_names(path.name):
        sidecar = path.with_name(candidate)
        if sidecar.is_file():
            return sidecar
    return None


def is_sidecar(path: Path) -> bool:
    """True for ``x.txt.json`` / ``x.json`` next to a ``x.txt`` (or ``x.txt.gz``): metadata, not an input."""
    return any(path.with_name(c).is_file() for c in companion_names(path.name))


def _read_sidecar(path: Path, options: IngestOptions) -> dict[str, Any]:
    try:
        value = json.loads(read_file(path, options.max_bytes))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise Rejected("malformed", f"sidecar JSON is not valid: {exc}") from exc
    if not isinstance(value, dict):
        raise Rejected("malformed", "sidecar JSON is not an object")
    return value


def _hints(meta: dict[str, Any]) -> dict[str, Any]:
    columns = map_columns(map(str, meta), {})
    by_name = {str(key): value for key, value in meta.items()}
    return {ours: by_name[key] for ours, key in columns.items() if ours in HINT_FIELDS}
