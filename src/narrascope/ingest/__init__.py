"""ingest: files, folders, globs and URLs -> Document (or IngestError, recorded; the batch goes on).

Contract (used by ``narrascope.app``):

- ``discover(inputs) -> (sources, errors)``: expands folders (recursive) and globs into file paths, passes
  URLs through, reports inputs that match nothing.
- ``read_source(source, options) -> Iterator[Document | IngestError]``: reads one file or URL; a container
  (JSONL, CSV, WARC, feed) yields one Document per record. Never raises for bad input.
"""
