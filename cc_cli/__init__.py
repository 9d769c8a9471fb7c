"""cc: a Connected Credentials programme as code.

The core modules (catalog loading, rules, emblems, issuing, ledger) know nothing of the terminal;
the command-line layer lives in ``cc_cli.cli`` and only parses arguments and prints.
"""

__version__ = "0.1.0"
