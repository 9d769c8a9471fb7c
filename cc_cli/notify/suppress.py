"""`cc notify --suppress ADDRESS`: addresses that asked never to be emailed, kept in the ledger beside the
catalog's own suppression file (`notify.suppress`). Both lists apply to every kind of message."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cc_cli.catalog.formats import EMAIL
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.ledger.locate import open_ledger_at
from cc_cli.ledger.open_outbox import open_outbox


def add_suppressions(settings: Any, addresses: list[str]) -> list[tuple[str, bool]]:
    """Add each address to the ledger's suppression list; [(address, newly added)]. All are checked first:
    one that is not an address and none is added."""
    cleaned = [address.strip() for address in addresses]
    for address in cleaned:
        if not EMAIL.match(address):
            raise UsageError(f"--suppress '{address}' is not an email address; nothing was added")
    ledger = open_ledger_at(settings.ledger_at)
    try:
        outbox = open_outbox(ledger)
        at = utc_stamp(datetime.now(UTC))
        return [(address, outbox.suppress(address.lower(), at)) for address in cleaned]
    finally:
        ledger.close()
