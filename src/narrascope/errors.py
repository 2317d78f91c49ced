"""Error codes in one place: every recorded bad input and every user-facing failure uses one of these."""

from __future__ import annotations

# Reasons an input is rejected; stored with each IngestError and shown by `narrascope errors`.
REASONS: dict[str, str] = {
    "not-found": "the path or glob matched nothing",
    "unreadable": "the file could not be read (permissions, I/O error)",
    "empty": "the input holds no content",
    "binary": "the input is binary, not text or HTML",
    "undecodable": "no text encoding decodes the input",
    "too-large": "the input is over the size limit",
    "malformed": "the container (gzip, JSON, CSV, WARC, feed) or a text file's front matter is broken",
    "unsupported": "the file type is not one narrascope reads",
    "fetch-failed": "the URL could not be fetched",
    "no-content": "cleaning left no article text",
    "not-an-article": "the page is a wall (bot check, consent, paywall, ad-block, widget, error page)",
    "clean-failed": "the cleaner raised an error on this input",
    "enrich-failed": "the models or rules raised an error on this article (it is stored, not enriched)",
}


class NarrascopeError(Exception):
    """A failure caused by the user's input or settings; the CLI prints it as one line, no traceback."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
