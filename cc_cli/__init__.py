"""cc: a Connected Credentials programme as code.

The core modules (catalog loading, rules, emblems, issuing, ledger) know nothing of the terminal;
the command-line layer lives in ``cc_cli.cli`` and only parses arguments and prints.
"""

import os

__version__ = "0.1.0"

if os.environ.get("CC_PURE_PYTHON", "") not in ("", "0"):  # the sources, not the compiled modules (setup.py)
    from cc_cli.core import pure_python

    pure_python.install()
