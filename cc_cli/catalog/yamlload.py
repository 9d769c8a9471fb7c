"""Read one YAML file safely, keeping the line and column of every key and value.

PyYAML's default loaders accept duplicate keys (the last one silently wins), expand aliases (a
"billion laughs" file eats all memory) and construct arbitrary tags. A catalog is reviewed by people in
pull requests, so what the file says must be exactly what `cc` reads: we compose the node graph with the C
parser (`CSafeLoader`) when present, then turn nodes into plain values ourselves, refusing duplicate keys,
anchors, aliases, custom tags and absurd nesting (CC003) with the exact position.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from cc_cli.catalog.files import CatalogFileError, read_inside

try:  # the C parser is about 10 times faster; fall back to pure Python where libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000  # a credential file is a few KB; anything this large is a mistake or an attack
MAX_DEPTH = 32

Key = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_SCALAR_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP}
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
_constructor = SafeConstructor()

# Where an anchor (&), alias (*) or tag (!) can begin: a node starts at the start of the text or after a
# character that ends a token (white space, an indicator, a quote), never right after a letter or digit,
# where the character is part of a plain scalar ("O*NET-SOC", "?a=1&b=2"). Only a file with such a
# character is scanned event by event (tests/test_yamlload_fast.py proves that the others have none).
_MAYBE_NODE_PROPERTY = re.compile(r"(?:^|[^A-Za-z0-9])[&*!]")


class _Loader(_BaseLoader):
    """The C parser with a faster resolver of implicit tags, equal to PyYAML's for the safe loader.

    PyYAML's `Resolver.resolve` is Python and runs once per node (half a million times for a catalog of
    10,000 credentials); path resolvers are never registered on the safe loader, so the resolution is a
    lookup by first character and a regex match (tests/test_yamlload_fast.py compares it with PyYAML's)."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


def _implicit_resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    table = _BaseLoader.yaml_implicit_resolvers
    if None in table or _BaseLoader.yaml_path_resolvers:  # pragma: no cover - not PyYAML's safe loader
        raise RuntimeError("unexpected YAML resolvers")
    return {first: list(resolvers) for first, resolvers in table.items() if first is not None}


_IMPLICIT = _implicit_resolvers()


class YamlProblem(Exception):
    """A file that cannot be read as a catalog document: code CC001, CC002 or CC003."""

    def __init__(self, code: str, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.line = line
        self.column = column
        self.message = message


@dataclass(slots=True)
class Document:
    """A loaded YAML mapping plus the 1-based (line, column) of every key and value in it."""

    path: str
    data: Any
    values: dict[Key, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Key, tuple[int, int]] = field(default_factory=dict)
    positioned: bool = True  # False: loaded with `positions=False`, `values` and `keys` are empty

    def at(self, *where: str | int) -> tuple[int, int]:
        """Position of the value at `where`, or of its closest ancestor that exists in the file."""
        if not self.positioned:
            raise ValueError(f"{self.path} was loaded without positions")
        key: Key = tuple(where)
        while key:
            position = self.values.get(key)
            if position:
                return position
            key = key[:-1]
        return self.values.get((), (1, 1))

    def key_at(self, *where: str | int) -> tuple[int, int]:
        """Position of the mapping key at `where` (where an unknown field is best pointed at)."""
        return self.keys.get(tuple(where)) or self.at(*where)


def decode(raw: bytes) -> str:
    """UTF-8 (a BOM is tolerated) or YamlProblem CC001 naming the line and byte of the first bad byte."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            "CC001", 1, 1, f"file is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit: make it smaller"
        )
    for bom, name in ((b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"), (b"\x00\x00\xfe\xff", "UTF-32")):
        if raw.startswith(bom):
            raise YamlProblem("CC001", 1, 1, f"file is {name}, not UTF-8; save it as UTF-8")
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        line, column = _byte_position(raw, offset)
        raise YamlProblem("CC001", line, column, "file is binary (NUL byte), not a YAML text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        raise YamlProblem(
            "CC001",
            line,
            column,
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as editors count) of the byte at `offset`."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[line_start:offset].decode("utf-8", errors="replace")
    return raw.count(b"\n", 0, offset) + 1, len(before) + 1


def load_yaml(raw: bytes, path: str, *, positions: bool = True) -> Document:
    """Parse `raw` into a Document whose top level is a mapping, or raise YamlProblem.

    With `positions=False` the Document has the same data but no positions (`at` and `key_at` refuse):
    for a file that turns out to have no problem, recording where every key and value is costs as much
    as composing it. Any problem found on the way is raised with its exact position all the same."""
    text = decode(raw)
    if ("&" in text or "*" in text or "!" in text) and _MAYBE_NODE_PROPERTY.search(text):
        _refuse_anchors_and_tags(text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None
    except yaml.YAMLError as exc:
        raise YamlProblem("CC002", 1, 1, f"YAML syntax error: {exc}") from None
    if node is None:
        raise YamlProblem("CC003", 1, 1, "file is empty; expected a mapping of fields such as `id: ...`")
    if not isinstance(node, yaml.MappingNode):
        what = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        line, column = _mark(node)
        raise YamlProblem("CC003", line, column, f"top level is {what}; expected a mapping of fields")
    document = Document(path=path, data=None, positioned=positions)
    if not positions:
        try:
            document.data = _plain(node, 0, set())
            return document
        except (YamlProblem, _Refused):
            document.positioned = True  # the positioned build below raises the problem at its position
    document.data = _Builder(document).build(node, (), 0)
    return document


class _Refused(Exception):
    """Raised by `_plain` where `_Builder.build` raises a YamlProblem (which `load_yaml` then lets it do)."""


def _plain(node: yaml.Node, depth: int, seen: set[int]) -> Any:
    """`_Builder.build` without the positions: the same value, and an exception wherever it raises."""
    if depth > MAX_DEPTH or id(node) in seen:
        raise _Refused
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR else _scalar(node)
    depth += 1
    if isinstance(node, yaml.SequenceNode):
        if node.tag != _SEQ:
            raise _Refused
        return [_plain(item, depth, seen) for item in node.value]
    if node.tag != _MAP:
        raise _Refused
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _NULL:
            raise _Refused
        name = key_node.value
        if name == "<<" or name in result:
            raise _Refused
        result[name] = _plain(value_node, depth, seen)
    return result


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "syntax error"
    lines = text.splitlines()
    bad_line = lines[line - 1] if 0 < line <= len(lines) else ""
    hint = "; indent with spaces, not tabs" if "tab" in problem or "\t" in bad_line[: column + 1] else ""
    if "maximum nesting depth" in problem:
        return YamlProblem("CC003", line, column, f"nested more than {MAX_DEPTH} levels deep")
    context = f" {exc.context}" if exc.context else ""
    opened = exc.context_mark
    if opened is not None and (opened.line + 1, opened.column + 1) != (line, column):
        context += f" (started at line {opened.line + 1}, column {opened.column + 1})"
    return YamlProblem("CC002", line, column, f"YAML syntax error:{context} {problem}{hint}".replace("  ", " "))


def _refuse_anchors_and_tags(text: str) -> None:
    """Scan parser events for anchors, aliases and explicit tags; only files with & * ! get here."""
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line, column = _event_position(event)
            if isinstance(event, yaml.AliasEvent):
                raise YamlProblem("CC003", line, column, f"alias *{event.anchor} is not allowed; write the value out")
            anchor = getattr(event, "anchor", None)
            if anchor:
                raise YamlProblem("CC003", line, column, f"anchor &{anchor} is not allowed; write the value out")
            tag = getattr(event, "tag", None)
            if tag and tag not in _SCALAR_TAGS | {_MAP, _SEQ, "!"}:
                raise YamlProblem("CC003", line, column, f"custom tag {tag} is not allowed; remove it")
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, text) from None


def _event_position(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Builder:
    """Turns a composed node tree into plain values, recording positions in the Document."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, key: Key, depth: int) -> Any:
        if depth > MAX_DEPTH:
            line, column = _mark(node)
            raise YamlProblem("CC003", line, column, f"nested more than {MAX_DEPTH} levels deep")
        # The C composer shares one node object for an alias; meeting a node twice means an alias.
        if id(node) in self.seen:
            line, column = _mark(node)
            raise YamlProblem("CC003", line, column, "aliases are not allowed; write the value out")
        self.seen.add(id(node))
        self.document.values[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            _check_tag(node, _SEQ)
            return [self.build(item, (*key, index), depth + 1) for index, item in enumerate(node.value)]
        _check_tag(node, _MAP)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                line, column = _mark(key_node)
                raise YamlProblem("CC003", line, column, "a mapping key must be a plain word")
            name = key_node.value
            if key_node.tag == _NULL or name == "<<":
                line, column = _mark(key_node)
                raise YamlProblem("CC003", line, column, f"key {name!r} is not allowed")
            if name in result:
                line, column = _mark(key_node)
                first = self.document.keys[(*key, name)][0]
                raise YamlProblem("CC003", line, column, f"duplicate key '{name}' (first on line {first}); keep one")
            self.document.keys[(*key, name)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[name] = self.build(value_node, (*key, name), depth + 1)
        return result


def _check_tag(node: yaml.Node, expected: str) -> None:
    if node.tag != expected:
        line, column = _mark(node)
        raise YamlProblem("CC003", line, column, f"custom tag {node.tag} is not allowed; remove it")


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOLS[value.lower()]
    if tag == _TIMESTAMP:
        # Keep dates as written: the rules check the YYYY-MM-DD format, the model parses them.
        return value
    if tag in (_INT, _FLOAT):
        return _constructor.construct_object(node)
    line, column = _mark(node)
    raise YamlProblem("CC003", line, column, f"custom tag {tag} is not allowed; remove it")


def parse_date(value: str) -> dt.date | None:
    """A strict YYYY-MM-DD date, or None."""
    if len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_document(root: Path, relative: str) -> Document:
    """Read and parse one file, raising YamlProblem (CC001-CC003) for anything unreadable.

    Reading goes through `read_inside`: a link out of the catalog, a FIFO or a device is refused before
    it is read, and no more than MAX_FILE_BYTES is ever read."""
    return load_yaml(read_raw(root, relative), relative)


def read_raw(root: Path, relative: str) -> bytes:
    """The bytes of one catalog file (see `read_document`), or YamlProblem CC001."""
    try:
        return read_inside(root, relative, MAX_FILE_BYTES)
    except CatalogFileError as exc:
        if exc.missing:
            raise YamlProblem("CC001", 1, 1, f"{relative} not found; every catalog needs one") from None
        raise YamlProblem("CC001", 1, 1, f"file {exc.reason}") from None
