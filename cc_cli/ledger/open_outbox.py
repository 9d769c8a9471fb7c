"""Opening a ledger's outbox: the one place that knows both backends' outboxes (kept apart from
`outbox`, which both backends import, so that no import circle forms)."""

from __future__ import annotations

from cc_cli.ledger.base import AwardLedger
from cc_cli.ledger.outbox import MessageOutbox


def open_outbox(ledger: AwardLedger, *, create: bool = True) -> MessageOutbox:
    """The outbox of an open ledger; with `create`, its tables are made when missing. Without, a ledger
    without them reads as an outbox with nothing in it (a preview must not change the ledger)."""
    if ledger.backend == "postgresql":
        from cc_cli.ledger.postgres import PostgresLedger
        from cc_cli.ledger.postgres_outbox import PostgresOutbox

        assert isinstance(ledger, PostgresLedger)
        return PostgresOutbox(ledger, create=create)
    from cc_cli.ledger.sqlite import Ledger, Outbox

    assert isinstance(ledger, Ledger)
    return Outbox(ledger, create=create)
