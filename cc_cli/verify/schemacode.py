"""The compiled form of a JSON Schema: Python source written once per process, one function per subschema
(equal subschemas share one), each compiled when first called.

Why: the award's schema check was a sixth of `cc verify`'s time as a tree of closures, one call per keyword
per value. Written out as source, a subschema's keywords become plain `if` statements in one function, and a
property whose schema is a lone `type`, `enum` or `pattern` is checked inline, without a call: the same
verdict and finding, about a third of the time (BENCHMARKS.md). tests/test_verify.py compares the verdicts
with jsonschema's on hundreds of mutated awards.

Nothing of the schema is written into the source as code: property names are `repr` literals, and every other
value (enum sets, regular expressions, messages) is a constant handed to the compiled module by name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeAlias

SchemaError: TypeAlias = tuple[tuple[str, ...], str]  # (path in the document, message)
SchemaCheck: TypeAlias = Callable[[Any], SchemaError | None]  # a compiled (sub)schema, applied to a JSON value
IGNORED = frozenset({"$schema", "$id", "$defs", "$comment", "title", "description", "format", "examples", "default"})
# each JSON type as a test of `{v}`, true when the value is of that type (jsonschema's rules: a bool is no number)
TYPE_TESTS = {
    "string": "isinstance({v}, str)",
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "boolean": "isinstance({v}, bool)",
    "null": "{v} is None",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "integer": "((isinstance({v}, int) and not isinstance({v}, bool)) or (isinstance({v}, float) and {v}.is_integer()))",
}
_INLINE = frozenset({"type", "enum", "const", "pattern"})  # keywords a property's check may hold to be inlined


class UnsupportedSchema(ValueError):
    """The schema uses something the compiler does not implement; jsonschema alone judges then."""


def short(value: Any) -> str:
    """A value as a finding quotes it: its repr, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Writer:
    """Writes the functions of one schema; `compile` runs them and returns the root's."""

    def __init__(self, root: dict[str, Any], memoised: frozenset[str], memo: Callable[[SchemaCheck], SchemaCheck]):
        self.root = root
        self.memoised = memoised
        self.memo = memo
        self.sources: dict[str, str] = {}  # function name -> its source
        self.constants: dict[str, Any] = {"_short": short}
        self.refs: dict[str, str] = {}  # pointer -> the name its function is called by
        self.written = 0  # functions named so far
        self.shared: dict[str, str] = {}  # a subschema's JSON text -> its function's name
        self.wrapped: list[str] = []  # names whose function is wrapped by `memo` once compiled

    def constant(self, value: Any) -> str:
        name = f"_k{len(self.constants)}"
        self.constants[name] = value
        return name

    def ref(self, pointer: str) -> str:
        if pointer not in self.refs:
            if not pointer.startswith("#/"):
                raise UnsupportedSchema(f"$ref {pointer}")
            target: Any = self.root
            for part in pointer[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            name = self.refs[pointer] = f"_r{len(self.refs)}"  # named before writing: references may recurse
            self.function(target, name)
            if pointer in self.memoised:
                self.wrapped.append(name)
        return self.refs[pointer]

    def function(self, schema: Any, name: str | None = None) -> str:
        """Write the function checking `schema`; its name. Equal subschemas share one function (the 1EdTech
        schemas repeat many): compiling the source is most of the first award's schema check."""
        key = json.dumps(schema, sort_keys=True) if name is None else None
        if key is not None and key in self.shared:
            return self.shared[key]
        if name is None:
            self.written += 1
            name = f"_s{self.written}"
        if key is not None:
            self.shared[key] = name
        body: list[str] = []
        if isinstance(schema, bool):
            if not schema:
                body.append("return ((), 'no value is allowed here')")
        elif isinstance(schema, dict):
            for keyword, value in schema.items():
                if keyword not in IGNORED:
                    body.extend(self.keyword(keyword, value, schema))
        else:
            raise UnsupportedSchema(repr(schema)[:60])
        self.sources[name] = "\n".join([f"def {name}(x):", *("    " + line for line in [*body, "return None"]), ""])
        return name

    def keyword(self, keyword: str, value: Any, schema: dict[str, Any]) -> list[str]:
        """The statements of one keyword, on the value `x`: each failure returns (path, message)."""
        if keyword in ("type", "enum", "const", "pattern"):
            test, message = self.leaf(keyword, value, "x")
            return [f"if {test}:", f"    return ((), {message})"]
        if keyword == "properties":
            return self.properties(value)
        if keyword == "required":
            lines = ["if isinstance(x, dict):"]
            for name in value:
                words = f"{name!r} is a required property"
                lines += [f"    if {name!r} not in x:", f"        return ((), {words!r})"]
            return lines if value else []
        if keyword == "additionalProperties":
            return self.additional_properties(value, schema)
        if keyword == "items":
            return self.items(value)
        if keyword == "additionalItems":
            if not isinstance(schema.get("items"), list) or value is True:
                return []  # without tuple-form `items`, `additionalItems` does nothing
            check, start = self.function(value), len(schema["items"])
            return [
                "if isinstance(x, list):",
                f"    for i in range({start}, len(x)):",
                f"        e = {check}(x[i])",
                "        if e is not None:",
                "            return ((str(i), *e[0]), e[1])",
            ]
        if keyword == "minItems":
            words = f"fewer than {value} items"
            bound = self.constant(value)  # the schema's number as it is, not a text of it
            return [f"if isinstance(x, list) and len(x) < {bound}:", f"    return ((), {words!r})"]
        if keyword == "contains":
            check = self.function(value)
            return [
                f"if isinstance(x, list) and all({check}(i) for i in x):",
                "    return ((), 'no item matches `contains`')",
            ]
        if keyword in ("allOf", "anyOf", "oneOf"):
            return self.combined(keyword, value)
        if keyword == "$ref":
            check = self.ref(value)
            return [f"e = {check}(x)", "if e is not None:", "    return e"]
        raise UnsupportedSchema(f"keyword {keyword!r}")

    def leaf(self, keyword: str, value: Any, v: str) -> tuple[str, str]:
        """(a test of the variable `v` true when it fails, the message's expression) for a leaf keyword."""
        if keyword == "type":
            names = value if isinstance(value, list) else [value]
            try:
                tests = [TYPE_TESTS[name].format(v=v) for name in names]
            except (KeyError, TypeError):
                raise UnsupportedSchema(f"type {value!r}") from None
            words = " is not of type " + ", ".join(names)
            return f"not ({' or '.join(tests)})", f"_short({v}) + {words!r}"
        if keyword == "pattern":
            regex = self.constant(re.compile(value))  # jsonschema also uses Python's re.search
            words = f" does not match {value!r}"
            return f"isinstance({v}, str) and not {regex}.search({v})", f"_short({v}) + {words!r}"
        allowed = value if isinstance(value, list) else [value]  # enum, or const
        if not all(isinstance(a, str) for a in allowed):
            raise UnsupportedSchema("non-string enum")  # jsonschema's equality rules for numbers and booleans
        options = self.constant(frozenset(allowed))
        words = f" is not one of {sorted(set(allowed))[:4]}"
        return f"not (isinstance({v}, str) and {v} in {options})", f"_short({v}) + {words!r}"

    def properties(self, value: dict[str, Any]) -> list[str]:
        lines = ["if isinstance(x, dict):"]
        for name, sub in value.items():
            lines.append(f"    if {name!r} in x:")
            keywords = [k for k in sub if k not in IGNORED] if isinstance(sub, dict) else None
            if keywords is not None and len(keywords) == 1 and keywords[0] in _INLINE:
                test, message = self.leaf(keywords[0], sub[keywords[0]], "v")
                lines += [
                    f"        v = x[{name!r}]",
                    f"        if {test}:",
                    f"            return (({name!r},), {message})",
                ]
            elif sub is True or keywords == []:
                lines.append("        pass")
            else:
                check = self.function(sub)
                lines += [
                    f"        e = {check}(x[{name!r}])",
                    "        if e is not None:",
                    f"            return (({name!r}, *e[0]), e[1])",
                ]
        return lines if len(lines) > 1 else []

    def additional_properties(self, value: Any, schema: dict[str, Any]) -> list[str]:
        if "patternProperties" in schema:
            raise UnsupportedSchema("patternProperties")
        if value is True:
            return []
        known = self.constant(frozenset(schema.get("properties", {})))
        lines = ["if isinstance(x, dict):", "    for name, item in x.items():", f"        if name not in {known}:"]
        if value is False:
            return [*lines, "            return ((name,), f'additional property {name!r}')"]
        check = self.function(value)
        return [
            *lines,
            f"            e = {check}(item)",
            "            if e is not None:",
            "                return ((name, *e[0]), e[1])",
        ]

    def items(self, value: Any) -> list[str]:
        if isinstance(value, list):  # tuple form: `additionalItems` covers the rest
            lines = ["if isinstance(x, list):"]
            for index, sub in enumerate(value):
                check = self.function(sub)
                lines += [
                    f"    if len(x) > {index}:",
                    f"        e = {check}(x[{index}])",
                    "        if e is not None:",
                    f"            return (({str(index)!r}, *e[0]), e[1])",
                ]
            return lines if value else []
        check = self.function(value)
        return [
            "if isinstance(x, list):",
            "    for i, item in enumerate(x):",
            f"        e = {check}(item)",
            "        if e is not None:",
            "            return ((str(i), *e[0]), e[1])",
        ]

    def combined(self, keyword: str, value: list[Any]) -> list[str]:
        """allOf, anyOf, oneOf: the verdict stops at the first schema that decides it; the finding counts them
        all, as it always did."""
        checks = [self.function(sub) for sub in value]
        count = f"sum(1 for c in ({''.join(c + ', ' for c in checks)}) if c(x) is None)"
        words = f" of the {keyword[:-2]}Of schemas"
        message = f"_short(x) + ' matches ' + str({count}) + {words!r}"
        if keyword == "allOf":
            failed = " or ".join(f"{c}(x) is not None" for c in checks) or "False"
        elif keyword == "anyOf":
            failed = " and ".join(f"{c}(x) is not None" for c in checks) or "True"
        else:
            failed = f"{count} != 1"
        return [f"if {failed}:", f"    return ((), {message})"]

    def compile(self) -> SchemaCheck:
        """The root's check. Each function is compiled when first called: most subschemas of the 1EdTech
        schema (addresses, results, rubrics) are never reached by an award, and compiling all of them took
        15 ms of the first award, before any worker starts."""
        root = self.function(self.root, "_root")
        namespace = dict(self.constants)
        for name, source in self.sources.items():
            namespace[name] = self._on_first_call(name, source, namespace)
        return lambda x: namespace[root](x)

    def _on_first_call(self, name: str, source: str, namespace: dict[str, Any]) -> SchemaCheck:
        """A stand-in for function `name`: compiles it, puts it (memoised where asked) in its place, runs it."""
        memo = self.memo if name in self.wrapped else None

        def first_call(x: Any) -> SchemaError | None:
            if namespace[name] is first_call:
                # our own source (see the module docstring), compiled once
                exec(compile(source, f"<cc compiled schema: {name}>", "exec"), namespace)
                if memo is not None:
                    namespace[name] = memo(namespace[name])  # the functions call it by this global name
            check: SchemaCheck = namespace[name]
            return check(x)

        return first_call


def compile_source(
    root: dict[str, Any], memoised: frozenset[str], memo: Callable[[SchemaCheck], SchemaCheck]
) -> SchemaCheck:
    """The root schema's compiled check; `memoised` pointers' functions wrapped by `memo`."""
    return _Writer(root, memoised, memo).compile()
