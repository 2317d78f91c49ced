"""Shared fixtures. Data from ../shared (seeds, eval) is read in place, never copied into the repo.

``db_url`` runs a test once per back end: a SQLite file, and a database of its own on a PostgreSQL
server the session starts (``postgres_server.py``); the PostgreSQL run skips, with the reason, only
when no PostgreSQL binaries or no psycopg are installed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from postgres_server import PostgresServer, find_bin_dir

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"../shared is absent ({SHARED}): the seed and evaluation data are not available here")
    return SHARED


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[postgres]'")
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin")
    server = PostgresServer(bin_dir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, tmp_path: Path, monkeypatch) -> Iterator[str]:
    """A new, empty database; its vector index cache in the test's own directory."""
    name = postgres_server.create_database()
    monkeypatch.setenv("NARRASCOPE_INDEX_DIR", str(tmp_path / "index-cache"))
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database a store test runs against: a SQLite file path, or a ``postgresql://`` URL."""
    if request.param == "sqlite":
        return str(tmp_path / "test.db")
    return request.getfixturevalue("postgres_url")
