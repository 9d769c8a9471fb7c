"""`cc schema`: print the JSON Schema of credential or path files, for editors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from cc_cli.cli.common import handle_errors


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)


@handle_errors
def schema(
    kind: str = typer.Argument("credential", metavar="KIND", help="credential, path or catalog."),
    out: Path = typer.Option(None, "--out", "-o", help="Write the three schemas into this folder instead."),
) -> None:
    """Print the JSON Schema of credential (default), path or catalog files.

    Point yaml-language-server at it with a first line such as
    `# yaml-language-server: $schema=../schema/credential.schema.json`.
    """
    from cc_cli.catalog.schema import KINDS, schema_for
    from cc_cli.core.atomic import write_text

    if kind not in KINDS:
        raise typer.BadParameter(f"'{kind}' is not one of: {', '.join(KINDS)}", param_hint="KIND")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for name in KINDS:
            write_text(out / f"{name}.schema.json", json.dumps(schema_for(name), indent=2) + "\n")
            sys.stderr.write(f"wrote {out / f'{name}.schema.json'}\n")
        return
    sys.stdout.write(json.dumps(schema_for(kind), indent=2) + "\n")
