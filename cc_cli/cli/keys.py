"""`cc keys init` / `cc keys show`: the issuer's Ed25519 key, kept outside the catalog and out of git."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cc_cli.cli.common import default_catalog, fail, handle_errors

if TYPE_CHECKING:
    from cc_cli.credentials.keys import KeyInfo

keys_app = typer.Typer(help="Create or show the issuer's Ed25519 signing key (did:key).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")


def _key_path(path: Path | None) -> Path:
    from cc_cli.credentials.keys import issuer_key_path

    found = issuer_key_path(path)
    if found is not None:
        return found
    raise typer.BadParameter("give the key file, or set CC_ISSUER_KEY", param_hint="FILE")


@keys_app.command("init")
@handle_errors
def init(
    path: Path = typer.Argument(
        None, metavar="FILE", help="Where to create the key (mode 0600). Default: $CC_ISSUER_KEY."
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Create a new issuer key file readable only by you; refuses to overwrite an existing one.

    Keep it outside the catalog and out of git; pass it to `cc issue` with --key or CC_ISSUER_KEY.
    """
    from cc_cli.credentials.keys import create_key

    target = _key_path(path)
    catalog = default_catalog().resolve()
    if target.resolve().is_relative_to(catalog):
        raise fail(f"{target} is inside the catalog folder {catalog}: keep the private key out of the catalog and git")
    info = create_key(target)
    _show(target, info, output_format, created=True)


@keys_app.command("show")
@handle_errors
def show(
    path: Path = typer.Argument(None, metavar="FILE", help="The key file. Default: $CC_ISSUER_KEY."),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
) -> None:
    """Show the key's did:key and public key (never the private key)."""
    from cc_cli.credentials.keys import describe_key

    target = _key_path(path)
    _show(target, describe_key(target), output_format, created=False)


def _show(path: Path, info: KeyInfo, output_format: str, created: bool) -> None:
    did, public, method = info.did, info.public_key_multibase, info.verification_method
    if output_format == "json":
        payload = {"file": str(path), "did": did, "verificationMethod": method, "publicKeyMultibase": public}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    if created:
        sys.stderr.write(
            f"created {path} (mode 0600); keep it out of git and back it up safely\n"
            f"pin it in catalog.yaml so that no other key can issue or pass cc verify:\n"
            f"  issuer:\n    did: {did}\n"
        )
    sys.stdout.write(f"did:               {did}\nverificationMethod: {method}\npublicKeyMultibase: {public}\n")
