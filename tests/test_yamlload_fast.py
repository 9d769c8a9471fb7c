"""The fast paths of `cc_cli.catalog.yamlload` against the library they stand in for (issue 19).

- `_Loader.resolve` (the implicit tag of a node) equals PyYAML's `Resolver.resolve` of the safe loader, and
  composing with `_Loader` gives the same node tree, tags and marks as with PyYAML's `CSafeLoader`.
- A text in which `_MAYBE_NODE_PROPERTY` finds nothing has no anchor, alias or explicit tag in its parser
  events, so skipping the event scan for it changes no result.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cc_cli.catalog import yamlload
from cc_cli.catalog.yamlload import _MAYBE_NODE_PROPERTY, _BaseLoader, _Loader

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Scalars that hit every implicit resolver of YAML 1.1 (bool, int, float, null, timestamp, merge, value).
SPECIAL = [
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nul",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "true",
    "False",
    "0",
    "-12",
    "+3",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "1_000",
    "190:20:30",
    "1.5",
    "-.inf",
    ".NaN",
    "6.8523015e+5",
    "1e3",
    "2021-01-02",
    "2001-12-14t21:59:43.10-05:00",
    "2021-1-2",
    "<<",
    "=",
    "P8H",
    "C1000-142",
    "O*NET-SOC",
]
CHARS = st.sampled_from([*"aZ09 .-+_:~<=&*!?,[]{}#'\"|>%@`\t\né", "\n  ", ": ", "- ", "&a ", "*a", "!!str "])
TEXT = st.lists(CHARS, max_size=40).map("".join)


def _library(kind: Any, value: Any, implicit: Any) -> str:
    return str(_BaseLoader("").resolve(kind, value, implicit))


@SETTINGS
@given(value=st.one_of(st.sampled_from(SPECIAL), TEXT, st.text(max_size=20)), plain=st.booleans())
def test_resolve_equals_pyyaml(value: str, plain: bool) -> None:
    fast = _Loader("")
    for implicit in ((plain, not plain), (plain, plain)):
        assert fast.resolve(yaml.ScalarNode, value, implicit) == _library(yaml.ScalarNode, value, implicit)
    for kind in (yaml.SequenceNode, yaml.MappingNode):
        for implicit in (True, False):
            assert fast.resolve(kind, None, implicit) == _library(kind, None, implicit)


def _tree(node: yaml.Node | None) -> Any:
    if node is None:
        return None
    marks = (node.start_mark.line, node.start_mark.column, node.end_mark.line, node.end_mark.column)
    if isinstance(node, yaml.ScalarNode):
        return ("scalar", node.tag, node.value, node.style, marks)
    if isinstance(node, yaml.SequenceNode):
        return ("seq", node.tag, [_tree(item) for item in node.value], marks)
    return ("map", node.tag, [(_tree(key), _tree(value)) for key, value in node.value], marks)


def _document(values: list[str], keys: list[str]) -> str:
    lines = [f"k{index}{key}: {value}" for index, (key, value) in enumerate(zip(keys, values, strict=False))]
    lines.append("list: [" + ", ".join(values[:5]) + "]")
    lines.append("block:\n" + "".join(f"  - {value}\n" for value in values[:5]))
    return "\n".join(lines) + "\n"


@SETTINGS
@given(
    values=st.lists(st.one_of(st.sampled_from(SPECIAL), TEXT), min_size=1, max_size=8),
    keys=st.lists(st.sampled_from(["", "a", "_b", "-c"]), min_size=8, max_size=8),
)
def test_compose_equals_pyyaml(values: list[str], keys: list[str]) -> None:
    text = _document(values, keys)
    try:
        expected = _tree(yaml.compose(text, Loader=_BaseLoader))
    except yaml.YAMLError as exc:
        with pytest.raises(yaml.YAMLError) as raised:
            yaml.compose(text, Loader=_Loader)
        assert str(raised.value) == str(exc)
        return
    assert _tree(yaml.compose(text, Loader=_Loader)) == expected


def test_compose_equals_pyyaml_on_the_sample_catalog() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "catalog"
    files = sorted(root.rglob("*.yaml"))
    assert files
    for file in files:
        text = file.read_text(encoding="utf-8")
        assert _tree(yaml.compose(text, Loader=_Loader)) == _tree(yaml.compose(text, Loader=_BaseLoader)), file


def _properties(text: str) -> list[Any]:
    """Every anchor, alias and explicit tag among the parser events of `text` (up to a syntax error)."""
    found: list[Any] = []
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) or getattr(event, "tag", None):
                found.append(event)
    except yaml.YAMLError:
        pass
    return found


@SETTINGS
@given(text=st.one_of(TEXT, st.lists(st.one_of(TEXT, st.sampled_from(SPECIAL)), max_size=6).map("\n".join)))
def test_texts_the_precheck_lets_through_have_no_anchor_alias_or_tag(text: str) -> None:
    if _MAYBE_NODE_PROPERTY.search(text) is None:
        assert _properties(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",
        "&x a: 1\n",
        "a: !!str 1\n",
        "a: !custom 1\n",
        "- *x\n",
        "a: [*x]\n",
        "a: {b: &x c}\n",
        'a: "q"&x\n',
        "a:\n- !!int 1\n",
        "%TAG !e! tag:example.com,2000:\n--- !e!foo\na: 1\n",
        "*x\n",
    ],
)
def test_precheck_sends_real_node_properties_to_the_scan(text: str) -> None:
    assert _MAYBE_NODE_PROPERTY.search(text) is not None


@pytest.mark.parametrize("text", ["alignment: [{framework: O*NET-SOC}]\n", "url: https://x.com/?a=1&b=2\n"])
def test_precheck_skips_indicator_characters_inside_words(text: str) -> None:
    assert _MAYBE_NODE_PROPERTY.search(text) is None
    assert yamlload.load_yaml(text.encode(), "x.yaml").data


def _outcome(text: str, positions: bool) -> Any:
    try:
        document = yamlload.load_yaml(text.encode(), "x.yaml", positions=positions)
    except yamlload.YamlProblem as problem:
        return ("problem", problem.code, problem.line, problem.column, problem.message)
    return ("data", document.data)


NESTED = [
    "a: &x 1\nb: *x\n",
    "a: 1\na: 2\n",
    "a:\n  b: 1\n  b: 2\n",
    "? [a]\n: 1\n",
    "~: 1\n",
    "<<: {a: 1}\n",
    "a: !!binary aGk=\n",
    "a: !!set {x}\n",
    "a: " + "[" * 40 + "]" * 40 + "\n",
    "a: " + "[" * 32 + "]" * 32 + "\n",
    "a: {b: [1, 2.5, true, null, 2021-01-02, 'q']}\n",
    "- 1\n",
    "x\n",
    "",
]


@SETTINGS
@given(
    text=st.one_of(
        st.sampled_from(NESTED),
        st.builds(
            _document,
            st.lists(st.one_of(st.sampled_from(SPECIAL), TEXT), min_size=1, max_size=8),
            st.lists(st.sampled_from(["", "a", "_b", "-c"]), min_size=8, max_size=8),
        ),
    )
)
def test_load_without_positions_equals_load_with_them(text: str) -> None:
    """The same data, or the same problem at the same position, whether positions are recorded or not."""
    assert _outcome(text, positions=False) == _outcome(text, positions=True)


def test_a_document_without_positions_refuses_to_locate() -> None:
    document = yamlload.load_yaml(b"a: 1\n", "x.yaml", positions=False)
    assert document.data == {"a": 1}
    with pytest.raises(ValueError):
        document.at("a")
