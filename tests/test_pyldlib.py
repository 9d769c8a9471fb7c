"""pyld comes without its HTTP client (cc_cli/credentials/pyldlib.py), and the client stays importable."""

from __future__ import annotations

import subprocess
import sys


def test_signing_imports_no_http_client_and_leaves_it_importable():
    code = (
        "import sys, cc_cli.credentials.signing\n"
        "print('requests' in sys.modules, sys.modules.get('requests', 'absent') is None)\n"
        "import importlib.util\n"
        "print(importlib.util.find_spec('requests') is not None or 'no requests installed')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "False False"  # not imported, and not left blocked
    assert out[1] in ("True", "no requests installed")
