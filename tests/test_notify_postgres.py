"""`cc notify` with one PostgreSQL ledger shared by several sending runs (as by several machines): every
award is received exactly once, whatever runs at the same time, and a run killed while it holds claims
neither blocks the others nor loses a message.

Real `cc notify` subprocesses, the throw-away PostgreSQL server of tests/pg.py, and aiosmtpd on 127.0.0.1
(tests/smtp_server.py) reading what it received; pause points (`cc_cli.core.testhooks`) set the order.
"""

from __future__ import annotations

import json
import os
import re
import signal
from collections import Counter
from pathlib import Path

from tests.pg import query as pg_query
from tests.smtp_server import Mailbox, serve
from tests.test_concurrency import Run
from tests.test_notify import issue, issued, issued_once, setup_catalog

__all__ = ["issued", "issued_once"]  # fixtures of test_notify, used here too

MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE | re.IGNORECASE)


def received_ids(mailbox: Mailbox) -> Counter[str]:
    found = [MESSAGE_ID.search(r.data.split(b"\r\n\r\n", 1)[0]) for r in mailbox.messages]
    assert all(found), "every message has a Message-ID"
    return Counter(match.group(1).decode() for match in found if match)


def expected_ids(url: str) -> set[str]:
    return {
        f"<{str(ident).removeprefix('urn:uuid:')}@example.org>" for (ident,) in pg_query(url, "SELECT id FROM awards")
    }


def notify_args(catalog: Path, out: Path, port: int, url: str) -> list[str]:
    return ["notify", "--catalog", str(catalog), "--out", str(out), "--port", str(port), "--ledger", url,
            "--format", "json"]  # fmt: skip


def issued_into(tmp_path: Path, base_catalog: Path, url: str, count: int) -> tuple[Path, Path]:
    catalog = setup_catalog(base_catalog)
    rows = [f"learner{i}@example.com,Learner {i},base-foundational,2024-02-01" for i in range(count)]
    os.environ["CC_LEDGER"] = url  # `issue` of tests/test_notify runs in this process
    try:
        out = issue(tmp_path, catalog, rows, bake=False)
    finally:
        del os.environ["CC_LEDGER"]
    return catalog, out


def test_two_runs_at_once_send_every_award_exactly_once(tmp_path: Path, base_catalog: Path, pg_url: str) -> None:
    catalog, out = issued_into(tmp_path, base_catalog, pg_url, 300)
    mailbox = Mailbox()
    with serve(mailbox) as port:
        runs = [
            Run(notify_args(catalog, out, port, pg_url), tmp_path / f"run-{n}", ("notify-selected", "notify-claimed"))
            for n in range(2)
        ]
        first, second = runs
        for run in runs:
            run.paused("notify-selected")  # both have read the outbox: each means to send all 300
        first.resume("notify-selected")
        first.paused("notify-claimed")  # the first holds the claims of its first chunk and has sent none
        second.resume("notify-claimed")
        second.resume("notify-selected")  # the second sends around the chunk the first holds...
        second.wait_until(lambda: len(mailbox.messages) > 0, "the second run sending")
        first.resume("notify-claimed")  # ...and waits for it while the first sends it
        reports = [json.loads(run.finish()[0]) for run in runs]
    counts = received_ids(mailbox)
    assert set(counts) == expected_ids(pg_url), "every award delivered"
    assert [ident for ident, seen in counts.items() if seen > 1] == [], "no award delivered twice"
    sent = [report["summary"]["sent"] for report in reports]
    already = [report["summary"]["already_sent"] for report in reports]
    assert sum(sent) == 300 and all(report["complete"] for report in reports), reports
    assert [s + a for s, a in zip(sent, already, strict=True)] == [300, 300], "each run accounts for every award"
    assert min(sent) > 0, f"both runs sent a share: {sent}"
    assert pg_query(pg_url, "SELECT state, attempts, COUNT(*) FROM outbox GROUP BY state, attempts") == [
        ("sent", 1, 300)
    ]


def test_a_run_killed_while_holding_claims_blocks_nothing_and_loses_nothing(
    tmp_path: Path, base_catalog: Path, pg_url: str
) -> None:
    catalog, out = issued_into(tmp_path, base_catalog, pg_url, 100)
    mailbox = Mailbox()
    with serve(mailbox) as port:
        holder = Run(notify_args(catalog, out, port, pg_url), tmp_path / "holder", ("notify-claimed",))
        holder.paused("notify-claimed")  # it holds the claims of the first messages and has sent none
        other = Run(notify_args(catalog, out, port, pg_url), tmp_path / "other")
        other.wait_until(lambda: len(mailbox.messages) >= 60, "the other run sending the unclaimed ones")
        assert other.process.poll() is None, "the other run waits for the held claims, it does not skip them"
        os.kill(holder.process.pid, signal.SIGKILL)
        holder.process.communicate()
        report = json.loads(other.finish()[0])
    assert report["summary"]["sent"] == 100 and report["complete"], report
    counts = received_ids(mailbox)
    assert set(counts) == expected_ids(pg_url) and max(counts.values()) == 1
    assert pg_query(pg_url, "SELECT state, COUNT(*) FROM outbox GROUP BY state") == [("sent", 100)]


def test_ledger_migrate_creates_the_outbox_idempotently_without_a_new_schema_version(pg_url: str) -> None:
    from typer.testing import CliRunner

    from cc_cli.cli.app import app

    for _ in range(2):
        result = CliRunner().invoke(app, ["ledger", "migrate", "--ledger", pg_url])
        assert result.exit_code == 0, result.stdout + result.stderr
    tables = {str(name) for (name,) in pg_query(pg_url, "SELECT table_name FROM information_schema.tables "
                                                       "WHERE table_schema = 'public'")}  # fmt: skip
    assert tables >= {"meta", "batches", "awards", "outbox", "suppressions"}
    from cc_cli.ledger.postgres import SCHEMA_VERSION

    assert pg_query(pg_url, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]


def test_a_ledger_copied_to_postgresql_keeps_its_outbox_and_sends_nothing_again(
    issued: tuple[Path, Path], pg_url: str, tmp_path: Path
) -> None:
    from tests.test_notify import invoke, notify

    catalog, out = issued
    laptop = out / "ledger.sqlite3"
    mailbox = Mailbox()
    with serve(mailbox) as port:
        assert notify(catalog, out, port)[0] == 0
        code, stdout, stderr = invoke(
            "notify", "--catalog", str(catalog), "--out", str(out), "--suppress", "x@example.com"
        )
        assert code == 0, stdout + stderr
        code, stdout, stderr = invoke("ledger", "copy", str(laptop), pg_url)
        assert code == 0, stdout + stderr
        code, stdout, stderr = notify(catalog, out, port, "--ledger", pg_url)
        assert code == 0 and "sent 0, already sent 3" in stdout, stdout + stderr
        back = tmp_path / "back.sqlite3"
        assert invoke("ledger", "copy", pg_url, str(back))[0] == 0
    assert len(mailbox.messages) == 3
    for location in (pg_url, back):
        assert pg_query(location, "SELECT email_lower FROM suppressions") == [("x@example.com",)]
    columns = "award_id, kind, occasion, recipient, message_id, state, attempts, last_reply, updated_at, sent_at"
    rows = [pg_query(where, f"SELECT {columns} FROM outbox ORDER BY award_id") for where in (laptop, pg_url, back)]
    assert rows[0] == rows[1] == rows[2] and len(rows[0]) == 3
