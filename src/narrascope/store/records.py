"""Records the store returns that are not pipeline records: batch results, sources, stored errors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class BatchResult:
    stored_ids: list[str] = field(default_factory=list)
    duplicate_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One place an article was read from (a syndicated or re-scraped text has several)."""

    source: str
    url: str | None
    seen_at: str


@dataclass(frozen=True, slots=True)
class StoredError:
    source: str
    reason: str
    detail: str
    run_id: str
    first_seen: str
    last_seen: str
