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


def _run(code: str) -> list[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def test_modules_pyld_imports_but_cc_never_uses_are_put_off_until_first_use():
    """lxml.html, asyncio (pyld's aiohttp loader) and urllib.request (its file loader) are 40 ms of every start."""
    code = (
        "import sys, cc_cli.credentials.signing\n"
        "print(*[m in sys.modules for m in ('lxml', 'lxml.html', 'asyncio', 'ssl', 'urllib.request')])\n"
        "from cc_cli.credentials.pyldlib import pyld\n"
        "print(pyld._default_document_loader.__qualname__)\n"  # the dummy loader pyld settled for, as before
        "print(pyld.lxml.html.fromstring('<p>held</p>').text, 'lxml.html' in sys.modules)\n"  # pyld's HTML reader
        "import pyld as package\n"
        "print(type(package.FileDocumentLoader()).__module__, type(package.FileDocumentLoader()).__name__)\n"
        "import pyld.documentloader.aiohttp as real\n"
        "print(real.AioHttpDocumentLoader.__module__, 'asyncio' in sys.modules)\n"
    )
    out = _run(code)
    assert out[:5] == ["False"] * 5
    assert out[5] == "dummy_document_loader.<locals>.loader"
    assert out[6:8] == ["held", "True"]
    assert out[8:10] == ["pyld.documentloader.file", "FileDocumentLoader"]
    assert out[10:] == ["pyld.documentloader.aiohttp", "True"]


def test_nothing_is_put_off_once_lxml_or_asyncio_is_imported():
    code = (
        "import asyncio, lxml.html, sys, cc_cli.credentials.signing\n"
        "from cc_cli.credentials.pyldlib import pyld\n"
        "import pyld as package\n"
        "print(pyld.lxml is sys.modules['lxml'], package.FileDocumentLoader.__module__)\n"
    )
    assert _run(code) == ["True", "pyld.documentloader.file"]
