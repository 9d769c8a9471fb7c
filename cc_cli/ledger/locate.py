"""Which ledger a command uses, and the one place every command opens it (`open_ledger_at`).

A location is a path (an SQLite file, the embedded default) or a `postgresql://` / `postgres://` URL (one
ledger shared by a whole office: `cc_cli.ledger.postgres`). It comes from, first to last:
`--ledger`, `$CC_LEDGER`, `ledger:` in the catalog's catalog.yaml, else `OUT/ledger.sqlite3`, where
`cc issue` keeps it beside the awards it records.

A password never comes from the command line (every user of the machine sees it in `ps`) nor from
catalog.yaml (it is committed to git: rule CC108): only from `$CC_LEDGER`, or libpq's own `PGPASSWORD` and
`~/.pgpass`. Messages show a URL through `masked`, its password replaced by `***`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cc_cli.core.problems import UsageError
from cc_cli.ledger.urls import is_url, masked, url_password

if TYPE_CHECKING:
    from cc_cli.ledger.base import AwardLedger, StandingSource

LEDGER_FILE = "ledger.sqlite3"
ENV = "CC_LEDGER"

Location = str | Path  # a URL (str) or an SQLite path


def catalog_ledger(catalog_root: Path | None) -> str | None:
    """`ledger:` of the catalog's catalog.yaml, or None (no catalog, none set, or a file `cc validate`
    would refuse: the command reports its own catalog problems). A password there is refused (CC108)."""
    if catalog_root is None:
        return None
    from cc_cli.catalog.files import CATALOG_FILE

    path = catalog_root / CATALOG_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    if "ledger" not in text:  # most catalogs: no YAML parse on the way to the ledger
        return None
    import yaml

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    value = data.get("ledger") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    if url_password(value) is not None:
        raise UsageError(
            f"{path}: `ledger` carries a password (CC108): catalog.yaml is shared, so remove it and give the "
            "password in PGPASSWORD or ~/.pgpass"
        )
    return value.strip()


def resolve(explicit: Location | None, out: Path, catalog_root: Path | None = None) -> Location:
    """The ledger a command uses (see the module docstring for the order)."""
    if explicit is not None and str(explicit) != "":
        if is_url(explicit) and url_password(str(explicit)) is not None:
            raise UsageError(
                f"--ledger {masked(explicit)}: a password on the command line is visible to every user of this "
                f"machine; give it in PGPASSWORD or ~/.pgpass, or put the whole URL in ${ENV}"
            )
        return str(explicit) if is_url(explicit) else Path(explicit)
    from_env = os.environ.get(ENV, "").strip()
    if from_env:
        return from_env if is_url(from_env) else Path(from_env)
    from_catalog = catalog_ledger(catalog_root)
    if from_catalog is not None:
        return from_catalog if is_url(from_catalog) else Path(from_catalog)
    return out / LEDGER_FILE


def env_ledger() -> Location | None:
    """`$CC_LEDGER`, when set: for `cc verify`, which has no OUT folder to default to."""
    from_env = os.environ.get(ENV, "").strip()
    if not from_env:
        return None
    return from_env if is_url(from_env) else Path(from_env)


class UsesLedger:
    """A mixin for the settings of a command that reads or writes the ledger (`ledger_path` from --ledger,
    `out` from --out, `catalog_root` from --catalog): `ledger_at` is where that ledger is, by `resolve`."""

    __slots__ = ()
    ledger_path: Location | None
    out: Path
    catalog_root: Path

    @property
    def ledger_at(self) -> Location:
        return resolve(self.ledger_path, self.out, self.catalog_root)


def ledger_exists(location: Location) -> bool:
    """Whether there is a ledger (or some other database cc must refuse) at `location`: a dry run of a
    first roster needs none. A PostgreSQL database with no table at all does not count."""
    if not is_url(location):
        return Path(location).exists()
    from cc_cli.ledger.postgres import database_has_tables

    return database_has_tables(str(location))


def open_ledger_at(location: Location, *, create: bool = False) -> AwardLedger:
    """Open the ledger at `location`: SQLite for a path, PostgreSQL for a URL. With `create`, make it (its
    tables) when missing and upgrade an older schema; without, refuse to open anything but a cc ledger."""
    if is_url(location):
        from cc_cli.ledger.postgres import PostgresLedger

        return PostgresLedger(str(location), create=create)
    from cc_cli.ledger.sqlite import Ledger

    return Ledger(Path(location), create=create)


def open_reader_at(location: Location) -> StandingSource:
    """A read-only look at the ledger, for `cc verify`: it never writes to (or creates) one."""
    if is_url(location):
        from cc_cli.ledger.postgres import PostgresLedger

        return PostgresLedger(str(location), create=False, read_only=True)
    from cc_cli.ledger.sqlite import LedgerReader

    return LedgerReader(Path(location))


def check_ledger_at(location: Location) -> None:
    """UsageError unless `location` is a cc ledger this cc reads; changes nothing."""
    if is_url(location):
        open_reader_at(location).close()
        return
    from cc_cli.ledger.sqlite import check_ledger_file

    check_ledger_file(Path(location))
