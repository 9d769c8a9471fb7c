"""`cc revoke AWARD_ID... --reason TEXT`: revoke awards and publish the signed status lists."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer

from cc_cli.cli.common import CATALOG_HELP, LEDGER_HELP, default_catalog, handle_errors


def register(app: typer.Typer) -> None:
    app.command("revoke")(revoke)


@handle_errors
def revoke(
    award_ids: list[str] = typer.Argument(
        None, metavar="AWARD_ID", help="Award ids, with or without urn:uuid:.", show_default=False
    ),
    reason: str = typer.Option(
        "", "--reason", "-r", help="Why (kept in the ledger). Required to revoke.", show_default=False
    ),
    republish: bool = typer.Option(
        False,
        "--republish",
        help="Revoke nothing; sign every status list afresh (run it before status_list_valid_for runs out).",
    ),
    roster: Path = typer.Option(
        None, "--roster", help="Revoke the awards of every row of this roster.", show_default=False
    ),
    out: Path = typer.Option(
        Path("awards"), "--out", "-o", help="Output folder of `cc issue`: status lists go to OUT/status/."
    ),
    ledger: str = typer.Option(None, "--ledger", help=LEDGER_HELP, show_default=False),
    key: Path = typer.Option(
        None,
        "--key",
        "-k",
        help="Issuer key file, to sign the status lists. Default: $CC_ISSUER_KEY.",
        show_default=False,
    ),
    catalog: Path = typer.Option(None, "--catalog", "-c", help=CATALOG_HELP, show_default=False),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    notify: bool = typer.Option(
        False, "--notify", help="Email each holder that the award was revoked, and why (see cc notify)."
    ),
) -> None:
    """Mark awards revoked in the ledger, flip their status list bits, and write the signed lists to
    OUT/status/<n>.json for publishing where the awards point.

    All or nothing: if any id is unknown, nothing is revoked (exit 1). Revoking an award twice changes
    nothing (exit 0). With --roster, roster rows that never got an award are listed and skipped.
    """
    from cc_cli.lifecycle.revoke import RevokeSettings, run_revoke

    if output_format not in ("text", "json"):
        raise typer.BadParameter(f"'{output_format}' is not one of: text, json", param_hint="--format")
    settings = RevokeSettings(
        ids=list(award_ids or []),
        reason=reason,
        out=out,
        catalog_root=catalog or default_catalog(),
        roster=roster,
        ledger_path=ledger,
        key_path=key,
        now=datetime.now(UTC),
        republish=republish,
    )
    mail = None
    if notify:
        from cc_cli.cli.notify import settings_for

        mail = settings_for(settings.catalog_root, out, ledger)
    report = run_revoke(settings)
    delivered = None
    if mail is not None and report.revoked:
        from cc_cli.notify.run import run_revocation_notices

        delivered = run_revocation_notices(mail, report.revoked)
    if output_format == "json":
        data = _as_json(report)
        data["notify"] = delivered.as_dict() if delivered is not None else None
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_text(report)
        if delivered is not None:
            from cc_cli.cli.notify import after

            after(delivered, "cc revoke --notify", sys.stdout)
    raise typer.Exit(1 if report.failed or (delivered is not None and not delivered.complete) else 0)


def _as_json(report: Any) -> dict[str, Any]:
    return {
        "revoked": report.revoked,
        "already_revoked": [{"id": i, "revoked_at": at, "reason": why} for i, at, why in report.already],
        "unknown": report.unknown,
        "suggestions": report.suggestions,
        "unmatched": report.unmatched,
        "status_lists": [str(path) for path in report.status_files],
        "republished": report.republished,
    }


def _print_text(report: Any) -> None:
    err = sys.stderr
    for line in report.unmatched:
        err.write(f"cc: warning: roster {line}\n")
    if report.unknown:
        named = [
            f"{award_id} (did you mean {report.suggestions[award_id]}?)" if award_id in report.suggestions else award_id
            for award_id in report.unknown
        ]
        err.write(f"cc: error: unknown award id(s): {', '.join(named)}; nothing was revoked\n")
        return
    if not (report.revoked or report.already or report.republished):
        err.write("cc: error: no award matches the roster; nothing was revoked\n")
        return
    for award_id in report.revoked:
        sys.stdout.write(f"revoked {award_id}\n")
    for award_id, at, why in report.already:
        sys.stdout.write(f"already revoked {award_id} on {at} ({why}): nothing changed\n")
    for path in report.status_files:
        sys.stdout.write(f"wrote {path}\n")
