"""The thin command-line layer: typer commands that parse arguments, call the core and print."""
