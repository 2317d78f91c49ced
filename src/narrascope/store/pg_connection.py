"""psycopg 3 behind the small part of the sqlite3 connection interface the shared SQL is written for.

The store's SQL is written once, in SQLite's ``?`` style. This adapter translates it for PostgreSQL
(``?`` placeholders to ``%s``, ``GROUP_CONCAT`` to ``STRING_AGG``, ``%`` doubled), leaving string
literals alone, and returns rows that read like ``sqlite3.Row``: by position, by name, and ``dict(row)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg

_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|%|\bGROUP_CONCAT\(", re.IGNORECASE)


@lru_cache(maxsize=2048)
def pyformat(sql: str) -> str:
    """``sql`` in psycopg's placeholder style, with SQLite's ``GROUP_CONCAT`` as PostgreSQL's ``STRING_AGG``."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        return {"?": "%s", "%": "%%"}.get(token, "STRING_AGG(")

    return _TOKENS.sub(swap, sql)


class Row(tuple):
    """A result row read by position (``row[0]``), by column name (``row["id"]``) or as ``dict(row)``."""

    _names: tuple[str, ...]

    def __new__(cls, values: Sequence[Any], names: tuple[str, ...]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def keys(self) -> list[str]:
        return list(self._names)

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return super().__getitem__(self._names.index(key))
        return super().__getitem__(key)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = tuple(column.name for column in cursor.description or ())
    return lambda values: Row(values, names)


class PgConnection:
    """One autocommit psycopg connection; ``transaction()`` opens an explicit transaction on it."""

    def __init__(self, conninfo: str) -> None:
        self.raw: psycopg.Connection[Any] = psycopg.connect(
            conninfo, autocommit=True, row_factory=_row_factory
        )

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        # params always given: psycopg then reads %% as %, whether or not the query has placeholders
        return self.raw.execute(pyformat(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(pyformat(sql), [tuple(r) for r in rows])

    @contextmanager
    def transaction(self) -> Iterator[PgConnection]:
        """Commit on success; roll back on any exception (psycopg also copes with a broken connection)."""
        with self.raw.transaction():
            yield self

    def close(self) -> None:
        self.raw.close()
