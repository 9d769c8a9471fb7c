"""pyld, imported without the HTTP client it loads for a default document loader that cc never uses.

Why: importing pyld builds a default document loader on requests (importing requests and urllib3: 40 to 55 ms)
or, failing that, on aiohttp. cc hands its own `documentLoader` (the bundled contexts, never the network) to
every pyld call, so that client is dead weight at the start of every `cc issue` and `cc verify`, before any
work can begin (54 ms of the 240 ms `cc issue` took to start). While pyld is imported, `requests` and `aiohttp`
are made unimportable, so pyld settles for its dummy loader; both are importable again afterwards. Where one
of them is already imported, nothing is blocked.
"""

from __future__ import annotations

import sys

_CLIENTS = ("requests", "aiohttp")
_blocked = [name for name in _CLIENTS if name not in sys.modules]
for _name in _blocked:
    sys.modules[_name] = None  # type: ignore[assignment]  # `import requests` raises ImportError meanwhile
try:
    from pyld import jsonld as pyld
    from pyld.canon import URDNA2015
    from pyld.nquads import XSD_STRING, escape
finally:
    for _name in _blocked:
        if sys.modules.get(_name, "") is None:
            del sys.modules[_name]

__all__ = ["URDNA2015", "XSD_STRING", "escape", "pyld"]
