"""pyld, imported without the HTTP client it loads for a default document loader that cc never uses.

Why: importing pyld builds a default document loader on requests (importing requests and urllib3: 40 to 55 ms)
or, failing that, on aiohttp. cc hands its own `documentLoader` (the bundled contexts, never the network) to
every pyld call, so that client is dead weight at the start of every `cc issue` and `cc verify`, before any
work can begin (54 ms of the 240 ms `cc issue` took to start). While pyld is imported, `requests` and `aiohttp`
are made unimportable, so pyld settles for its dummy loader; both are importable again afterwards. Where one
of them is already imported, nothing is blocked.

Two more modules pyld imports at its top are put off until first use: `lxml.html` (pyld reads JSON-LD out of
HTML with it, and cc's loader serves JSON only) and pyld's own aiohttp loader module, which imports asyncio
and ssl, and its file loader module, which imports urllib.request: 40 ms of every `cc verify` and `cc issue`
start together. While pyld is imported, a finder hands out
a stand-in for each; a stand-in imports the real module the first time one of its names is read (by then
the stand-in is out of `sys.modules`, so the real one loads), so pyld works as it did
(tests/test_pyldlib.py).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from typing import Any

_CLIENTS = ("requests", "aiohttp")
_AIOHTTP_LOADER = "pyld.documentloader.aiohttp"
# module -> the classes pyld's __init__ names from it; the file loader's module imports urllib.request
_LOADER_CLASSES = {_AIOHTTP_LOADER: "AioHttpDocumentLoader", "pyld.documentloader.file": "FileDocumentLoader"}
_PUT_OFF = ("lxml", "lxml.html", *_LOADER_CLASSES)


class _OnFirstUse(types.ModuleType):
    """A stand-in module: the real one is imported when a name it lacks is first read."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:  # still importing pyld: nothing of it is used meanwhile
            raise ImportError(f"{self.__name__} is put off while pyld is imported")
        return getattr(importlib.import_module(self.__name__), name)


def _class_on_first_use(module: str, name: str) -> type:
    """A stand-in for the class `name` of `module` (which pyld names at its top): making one imports the real
    module and makes the real class's object."""

    def make(cls: type, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return type(name, (), {"__new__": make, "__module__": __name__, "__doc__": f"{module}.{name}, imported when made"})


def _aiohttp_document_loader(**kwargs: Any) -> Any:
    """pyld's default-loader fallback: refused while pyld is imported (aiohttp is blocked then), else real."""
    if sys.modules.get("aiohttp", "") is None:
        raise ImportError("aiohttp is not imported while pyld is")
    return importlib.import_module(_AIOHTTP_LOADER).aiohttp_document_loader(**kwargs)


class _StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the put-off modules while pyld is imported, each as an `_OnFirstUse` stand-in."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name not in _PUT_OFF:
            return None
        return importlib.util.spec_from_loader(name, self, is_package=name == "lxml")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = _OnFirstUse(spec.name)
        if spec.name in _LOADER_CLASSES:
            name = _LOADER_CLASSES[spec.name]
            module.__dict__[name] = _class_on_first_use(spec.name, name)
        if spec.name == _AIOHTTP_LOADER:
            module.__dict__["aiohttp_document_loader"] = _aiohttp_document_loader
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


_blocked = [name for name in _CLIENTS if name not in sys.modules]
# put off only what is not imported yet (asyncio imported already: the loader module costs nothing more)
_finder = _StandIns() if not {"lxml", "asyncio", *_LOADER_CLASSES} & set(sys.modules) else None
for _name in _blocked:
    sys.modules[_name] = None  # type: ignore[assignment]  # `import requests` raises ImportError meanwhile
if _finder is not None:
    sys.meta_path.insert(0, _finder)
try:
    from pyld import jsonld as pyld
    from pyld.canon import URDNA2015
    from pyld.nquads import XSD_STRING, escape
finally:
    for _name in _blocked:
        if sys.modules.get(_name, "") is None:
            del sys.modules[_name]
    if _finder is not None:
        sys.meta_path.remove(_finder)
        for _name in _PUT_OFF:
            if isinstance(sys.modules.get(_name), _OnFirstUse):
                del sys.modules[_name]  # the next import of it is the real module

__all__ = ["URDNA2015", "XSD_STRING", "escape", "pyld"]
