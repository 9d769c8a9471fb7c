"""Shared fixtures: the sample catalog, the rule-test base catalog, and the ledger backends (a throw-away
PostgreSQL server)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pg import Server, bin_dir
from tests.pg import query as pg_query

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CATALOG = ROOT / "catalog"
RULES_BASE = Path(__file__).resolve().parent / "rules" / "base"


@pytest.fixture
def base_catalog(tmp_path: Path) -> Path:
    """A copy of the small valid catalog that rule tests add files to."""
    target = tmp_path / "catalog"
    shutil.copytree(RULES_BASE, target)
    return target


def write_files(root: Path, files: dict[str, str | None]) -> None:
    """Write (or with None, delete) catalog-relative files."""
    for relative, content in files.items():
        target = root / relative
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


# PostgreSQL: one throw-away server per test process, a fresh database per test -----------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A throw-away PostgreSQL server (tests/pg.py); skipped where the machine has none, except in CI
    (CC_REQUIRE_POSTGRES=1, set by scripts/dev.sh test), where a missing server is a failure."""
    if bin_dir() is None:
        message = "no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql"
        if os.environ.get("CC_REQUIRE_POSTGRES", "") not in ("", "0"):
            pytest.fail(message + " (CC_REQUIRE_POSTGRES is set)")
        pytest.skip(message)
    server = Server()
    try:
        yield server
    finally:
        server.stop()


_databases = itertools.count()


@pytest.fixture
def pg_url(pg_server: Server) -> str:
    """The URL of a fresh, empty database on the throw-away server."""
    return pg_server.new_database(f"t{os.getpid()}_{next(_databases)}")


@dataclass
class Backend:
    """Which ledger a parametrised test's cc commands use: `sqlite` (OUT/ledger.sqlite3, the default) or
    `postgresql` (a fresh database, named through $CC_LEDGER so that every command line stays as it is)."""

    kind: str
    url: str | None = None

    def ledger(self, out: Path) -> str | Path:
        """Where the ledger of the awards in `out` is."""
        return self.url if self.url is not None else out / "ledger.sqlite3"

    def query(self, out: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return pg_query(self.ledger(out), sql, params)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """The same test against both ledger backends."""
    if request.param == "sqlite":
        monkeypatch.delenv("CC_LEDGER", raising=False)
        return Backend("sqlite")
    url = request.getfixturevalue("pg_url")
    monkeypatch.setenv("CC_LEDGER", url)
    return Backend("postgresql", url)
