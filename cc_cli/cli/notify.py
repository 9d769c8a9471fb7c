"""`cc notify`: email every issued award to its holder, once, through the catalog's SMTP server."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import CATALOG_HELP, LEDGER_HELP, default_catalog, handle_errors, stderr_is_terminal


def register(app: typer.Typer) -> None:
    app.command("notify")(notify)


@handle_errors
def notify(
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    out: Path = typer.Option(Path("awards"), "--out", "-o", help="Output folder of `cc issue` (awards and ledger)."),
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    batch: int = typer.Option(None, "--batch", help="Only the awards of this `cc issue` batch.", show_default=False),
    credential: list[str] = typer.Option(
        None, "--credential", help="Only awards of this credential (repeatable).", show_default=False
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Send nothing: write each message to OUT/notify-preview/*.eml."
    ),
    preview: Path = typer.Option(
        None, "--preview", help="Send nothing: write each message as an .eml file into this folder.", show_default=False
    ),
    to: str = typer.Option(
        None, "--to", help="Send every message to this one test address; record nothing.", show_default=False
    ),
    rate: str = typer.Option(
        None, "--rate", help="At most this many messages per second, e.g. 5/s.", show_default=False
    ),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Also re-send messages that failed before."),
    suppress: list[str] = typer.Option(
        None, "--suppress", help="Never email this address again (repeatable); sends nothing.", show_default=False
    ),
    host: str = typer.Option(None, "--host", help="SMTP server (overrides notify.smtp.host).", show_default=False),
    port: int = typer.Option(None, "--port", help="SMTP port (overrides notify.smtp.port).", show_default=False),
    retries: int = typer.Option(3, "--retries", help="Retries of a message after a temporary failure, in this run."),
    backoff: float = typer.Option(1.0, "--backoff", help="Seconds before the first retry (doubled each time)."),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Email every issued award that was not delivered yet to the address in the ledger: plain text and
    HTML, the signed award JSON (and baked PNG) attached, the emblem inline, LinkedIn and site links.

    Settings come from catalog.yaml `notify:`; the SMTP password from $CC_SMTP_PASSWORD. Delivery state
    is kept in the ledger, so re-running sends nothing twice. Exit 0 when every message was delivered,
    1 when some failed or remain pending, 2 on usage errors.
    """
    from cc_cli.notify.run import NotifySettings, run_notify

    if output_format not in ("text", "json"):
        raise typer.BadParameter(f"'{output_format}' is not one of: text, json", param_hint="--format")
    settings = NotifySettings(
        catalog_root=catalog or default_catalog(),
        out=out,
        ledger_path=ledger,
        batch=batch,
        credentials=list(credential or []),
        dry_run=dry_run,
        preview=preview,
        to=to,
        rate=parse_rate(rate),
        retry_failed=retry_failed,
        host=host,
        port=port,
        retries=max(0, retries),
        backoff=max(0.0, backoff),
        now=datetime.now(UTC),
    )
    if suppress:
        _suppress(settings, suppress)
        return
    with Progress("sending") as advance:
        report = run_notify(settings, advance)
    show(report, output_format, "cc notify")
    raise typer.Exit(0 if report.complete else 1)


def parse_rate(text: str | None) -> float | None:
    """`--rate`: '5/s', '5', '300/min' as messages per second."""
    if text is None:
        return None
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute))?\s*", text)
    if not found or float(found.group(1)) <= 0:
        raise typer.BadParameter(f"'{text}': give messages per second, e.g. 5/s or 300/min", param_hint="--rate")
    per = 60.0 if (found.group(2) or "s").startswith("m") else 1.0
    return float(found.group(1)) / per


def _suppress(settings: Any, addresses: list[str]) -> None:
    from cc_cli.notify.suppress import add_suppressions

    for address, added in add_suppressions(settings, addresses):
        sys.stdout.write(f"{'suppressed' if added else 'already suppressed'} {address}: cc sends it no more mail\n")


class Progress:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not stderr_is_terminal():
            return None
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn(self.label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
            console=Console(stderr=True),
        )
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=None)
        return self.advance

    def advance(self, count: int, total: int | None) -> None:
        if total is not None:
            self.bar.update(self.task, total=total)
        self.bar.advance(self.task, count)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def settings_for(catalog: Path, out: Path, ledger: str | None) -> Any:
    """Notify settings for a command that emails as it goes (`cc issue/expiring/revoke --notify`), checked
    before that command changes anything: missing settings or password must not leave awards unsent."""
    from cc_cli.notify.run import NotifySettings, check_ready

    settings = NotifySettings(catalog_root=catalog, out=out, ledger_path=ledger, now=datetime.now(UTC))
    check_ready(settings)
    return settings


def after(report: Any, command: str, stream: Any) -> None:
    """The summary of the mail a command sent (`--notify`), in text, on `stream`."""
    show(report, "text", command, stream)


def show(report: Any, output_format: str, command: str, stream: Any = None) -> None:
    """The report as JSON on stdout, or a line per problem on stderr and a summary on stdout (or `stream`)."""
    if output_format == "json":
        sys.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    stream = stream or sys.stdout
    for outcome in report.outcomes:
        if outcome.state in ("failed", "pending") and outcome.reply != "not tried":
            sys.stderr.write(f"{command}: {outcome.state}: {outcome.email} ({outcome.award_id}): {outcome.reply}\n")
    if report.stopped:
        sys.stderr.write(f"{command}: stopped: {report.stopped}\n")
    c = report.counts()
    if report.preview_dir is not None:
        line = f"previewed {c['previewed']} message(s) in {report.preview_dir}: nothing was sent"
    else:
        line = f"sent {c['sent']}" + (f" to {report.test_address} (nothing recorded)" if report.test_address else "")
        line += f", already sent {c['already_sent']}, failed {c['failed']}, pending {c['pending']}"
    if c["suppressed"]:
        line += f", suppressed {c['suppressed']}"
    if report.preview_dir is not None and c["failed"]:
        line += f", failed {c['failed']}"
    stream.write(line + "\n" if command == "cc notify" else f"{command}: {line}\n")
