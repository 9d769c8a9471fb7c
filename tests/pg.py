"""A throw-away PostgreSQL server from the machine's own packages, for the tests and `bench/issue.py`.

`initdb` into a fresh temporary folder, `pg_ctl start` listening on 127.0.0.1 (a free port) and on a Unix
socket in that folder, stopped (and the folder removed) at the end, also when the run fails or is
interrupted (`atexit`). PostgreSQL refuses to run as root, so under root it runs as the `postgres` OS user
that the Debian package creates (`runuser`), and the folder is given to that user.

The superuser `postgres` connects without a password from 127.0.0.1 (trust); the role `clerk` must give
its password (`CLERK_PASSWORD`, SCRAM), so authentication failures can be tested for real.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CLERK_PASSWORD = "s3cret-clerk"


def bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl: `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin."""
    candidates: list[str] = []
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout)
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for candidate in candidates:
        folder = Path(candidate.strip())
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One running throw-away server; `url(db)` gives a URL for a database on it."""

    def __init__(self, *, durable: bool = False) -> None:
        """`durable`: keep PostgreSQL's fsync on (benchmarks); tests turn it off, as nothing must survive."""
        found = bin_dir()
        if found is None:
            raise RuntimeError("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
        self.bin = found
        self.as_postgres = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="cc-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.durable = durable
        self.running = False
        atexit.register(self.stop)
        try:
            self._init()
            self.start()
        except BaseException:
            self.stop()
            raise

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    def _check(self, *args: str) -> None:
        done = self._run(*args)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stdout}{done.stderr}")

    def _init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._check(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions", "--no-sync",
        )  # fmt: skip
        hba = self.data / "pg_hba.conf"
        # The superuser needs no password (the tests' own set-up); everyone else must give theirs.
        text = "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
        hba.write_text(text)
        speed = "" if self.durable else "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.root}'\n"
                f"max_connections = 100\nshared_buffers = 64MB\n{speed}"
            )

    def start(self) -> None:
        """Start (or start again after `halt`) and wait until it accepts connections."""
        self._check(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"), "-w", "start")
        self.running = True
        if not (self.root / ".clerk").exists():
            self.sql(f"CREATE ROLE clerk LOGIN PASSWORD '{CLERK_PASSWORD}' CREATEDB")
            (self.root / ".clerk").touch()

    def halt(self) -> None:
        """Stop the server now (fast shutdown: every session is ended), keeping its data."""
        if self.running:
            self._check(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.running = False

    def stop(self) -> None:
        """Stop the server and remove its folder (idempotent: also registered with atexit)."""
        if self.running:
            with contextlib.suppress(Exception):
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser; its rows (empty for a statement that returns none)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(statement)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str) -> str:
        """A fresh, empty database (owned by `clerk`, so both roles can use it); its superuser URL."""
        self.sql(f'CREATE DATABASE "{name}" OWNER clerk STRATEGY FILE_COPY')
        return self.url(name)


def wait_for(condition: object, what: str, timeout: float = 30.0) -> None:
    """Poll a callable until it returns true."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def query(location: str | Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Rows of one SQL statement on a ledger, SQLite (a path) or PostgreSQL (a URL): `?` placeholders."""
    if str(location).startswith("postgresql://"):
        import psycopg

        with psycopg.connect(str(location), autocommit=True) as connection:
            return [tuple(row) for row in connection.execute(sql.replace("?", "%s"), params).fetchall()]  # type: ignore[arg-type]
    import sqlite3

    db = sqlite3.connect(location)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()
