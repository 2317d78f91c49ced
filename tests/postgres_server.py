"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary directory, ``pg_ctl start``
listening on a Unix socket there only (no TCP port to collide on), fsync off, one database per test.

initdb refuses to run as root, so under root (as in CI) the server runs as the ``postgres`` system user
that Debian's package creates (else ``nobody``), owning its temporary directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

PORT = 5432  # only names the socket file: the server listens on no TCP address
USER = "narrascope"  # the superuser initdb creates; local connections are trusted


def find_bin_dir() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl``: on PATH, else Debian's newest versioned one."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


class PostgresServer:
    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="narrascope-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.run_as: dict[str, Any] = {}
        if os.geteuid() == 0:
            name = "postgres" if _user_exists("postgres") else "nobody"
            entry = pwd.getpwnam(name)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.run_as = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}

    def start(self) -> None:
        for locale in ("--locale=C.UTF-8", "--no-locale"):  # code point order, like SQLite's
            done = self._run(
                "initdb", "-D", self.data, "-U", USER, "--auth=trust", "-E", "UTF8", locale, "-N"
            )
            if done.returncode == 0:
                break
        else:
            raise RuntimeError(f"initdb failed:\n{done.stdout}")
        options = f"-c listen_addresses='' -k {self.root} -p {PORT} -c fsync=off -c synchronous_commit=off"
        options += " -c full_page_writes=off"
        done = self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}\n{log}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@/{database}?host={quote(str(self.root), safe='')}&port={PORT}"

    def create_database(self, template: str | None = None) -> str:
        """A new database (a copy of ``template`` when given); returns its name."""
        name = "test_" + uuid.uuid4().hex[:12]
        self._admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE {name} WITH (FORCE)")  # its connections left open end too

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)

    def _run(self, program: str, *args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin_dir / program), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=self.root,
            **self.run_as,
        )


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
