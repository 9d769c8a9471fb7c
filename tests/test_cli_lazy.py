"""The lazy `cc` group (cc_cli/cli/lazy.py) against the eager build it replaced: same help, same commands,
and no command module imported by `cc --help`."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from cc_cli.cli import app as app_module
from cc_cli.cli.lazy import COMMANDS

runner = CliRunner()


def _eager_app() -> typer.Typer:
    """The group as cc built it before issue 19: every module imported and registered up front."""
    eager = typer.Typer(
        name="cc",
        help=app_module.app.info.help,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=app_module.RICH_HELP,
        pretty_exceptions_show_locals=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    eager.callback()(app_module._root)
    for module, _ in COMMANDS.values():
        importlib.import_module(f"cc_cli.cli.{module}").register(eager)
    return eager


def _first_paragraph(text: str) -> str:
    end = text.find("\n\n")
    return text if end == -1 else text[:end]


def test_table_matches_the_modules_help() -> None:
    group = typer.main.get_command(_eager_app())
    assert list(group.commands) == list(COMMANDS)  # same names, same order
    for name, command in group.commands.items():
        assert command.short_help is None and not command.hidden and not command.deprecated
        assert _first_paragraph(command.help or "") == COMMANDS[name][1], name


@pytest.mark.parametrize("columns", ["80", "52", "200"])
@pytest.mark.parametrize("args", [["--help"], [], ["-h"], ["valdate"], ["bogus"], ["--version"]])
def test_top_level_output_is_the_eager_output(args: list[str], columns: str, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    lazy = runner.invoke(app_module.app, args, prog_name="cc")
    eager = runner.invoke(_eager_app(), args, prog_name="cc")
    assert (lazy.exit_code, lazy.output) == (eager.exit_code, eager.output)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_help_is_the_eager_help(name: str) -> None:
    lazy = runner.invoke(app_module.app, [name, "--help"], prog_name="cc")
    eager = runner.invoke(_eager_app(), [name, "--help"], prog_name="cc")
    assert lazy.exit_code == 0, lazy.output
    assert lazy.output == eager.output
    assert "Usage: cc " + name in lazy.output


def test_subcommands_of_groups_still_work() -> None:
    for args in (["ledger", "status", "--help"], ["keys", "--help"], ["import", "awards", "--help"]):
        lazy = runner.invoke(app_module.app, args, prog_name="cc")
        eager = runner.invoke(_eager_app(), args, prog_name="cc")
        assert lazy.exit_code == 0 and lazy.output == eager.output, args


def test_help_imports_no_command_module() -> None:
    probe = (
        "import sys\nfrom cc_cli.cli.app import main\nsys.argv = ['cc', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('cc_cli')), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"}
    )
    assert done.returncode == 0, done.stderr
    loaded = eval(done.stderr.strip().splitlines()[-1])
    assert loaded == ["cc_cli", "cc_cli.cli", "cc_cli.cli.app", "cc_cli.cli.lazy", "cc_cli.cli.signals"]
    assert done.stdout.startswith("Usage: cc [OPTIONS] COMMAND [ARGS]...")


def test_verify_reads_the_pin_without_the_catalog_model(tmp_path) -> None:
    """`cc verify` reads only catalog.yaml's issuer.did: the catalog model and its field tables (10 ms before
    any worker starts) stay unimported, while the pin is still read and enforced."""
    award = tmp_path / "award.json"
    award.write_text('{"type": ["VerifiableCredential"]}', encoding="utf-8")
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "catalog.yaml").write_text("issuer:\n  did: not-a-did\n", encoding="utf-8")
    probe = (
        "import sys\nfrom cc_cli.cli.app import main\n"
        f"sys.argv = ['cc', 'verify', {str(award)!r}, '--catalog', {str(catalog)!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    print('exit', exc.code, file=sys.stderr)\n"
        "print(sorted(m for m in sys.modules if m.startswith('cc_cli.catalog')), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    lines = done.stderr.strip().splitlines()
    assert "issuer.did is not a did:key" in done.stderr  # the pin was read from the file
    assert lines[-2] == "exit 2"
    loaded = eval(lines[-1])
    assert "cc_cli.catalog.model" not in loaded and "cc_cli.catalog.fields" not in loaded, loaded
    assert "cc_cli.catalog.yamlload" in loaded
