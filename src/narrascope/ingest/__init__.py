"""ingest: files, folders, globs and URLs -> Document (or IngestError, recorded; the batch goes on).

Contract (used by ``narrascope.app`` and ``narrascope.pipeline``):

- ``discover(inputs) -> (sources, errors)``: expands folders (recursive, sorted) and globs (``**``) into
  file paths, passes ``http(s)://`` URLs through, skips hidden files, sidecar JSON and page assets found
  while walking, and reports inputs that match nothing (``not-found``). Order is deterministic.
- ``read_source(source, options) -> Iterator[Document | IngestError]``: reads one file or URL; a container
  (JSONL, JSON, CSV, WARC, feed) yields one Document per record, with a locator in ``source``
  (``#line-N``, ``#record-N``, ``#row-N``, ``#item-N``). Never raises for bad input.
- ``parse_field_map("text=body,url=link") -> dict``: the ``--field-map`` option; ``NarrascopeError`` on
  a malformed entry or unknown field.
- ``IngestOptions``: ``max_bytes`` (per file, fetched page, or record of a streamed JSONL/CSV/WARC),
  ``field_map``, ``timeout`` (per URL), ``follow_feed_links``.

Formats by extension (case-insensitive, ``.gz`` looked through): ``.html/.htm`` -> html; ``.txt`` ->
text with YAML front matter and/or sidecar JSON hints; ``.jsonl``, ``.json``, ``.csv/.tsv`` -> records
through the field map; ``.warc(.gz)`` -> archived HTML pages; ``.rss/.atom`` and feed-like ``.xml`` ->
entries; anything else is sniffed (feed, HTML, text) unless it is a known binary type. Decoding rules are
in ``decode.py``; every list of extensions, synonyms and thresholds is in ``heuristics.py``.
"""

from narrascope.ingest.common import IngestOptions
from narrascope.ingest.discover import discover
from narrascope.ingest.reader import read_source
from narrascope.ingest.records import parse_field_map

__all__ = ["IngestOptions", "discover", "parse_field_map", "read_source"]
