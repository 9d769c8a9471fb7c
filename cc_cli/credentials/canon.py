"""Fast RDFC-1.0 canonicalization for many documents of one shape (a batch of awards).

Why: `cc_cli.credentials.jsonld.canonical_nquads` runs a full pyld expansion and URDNA2015 per document (~4 ms),
too slow for 100,000 awards a minute. Awards of one run share their shape: the same keys, contexts and
types, with different strings (names, dates, ids, hashes). So `FastCanonicalizer` compiles each shape
once into quad templates with *slots* for those strings, and per document only fills the slots and
canonicalizes the resulting quads.

Soundness, rather than speed, is the design constraint; the output must equal `canonical_nquads` byte
for byte (tests prove it on many random documents):

- A shape is compiled from a real document that first passes the strict `jsonld.expand` guard, and the
  compiled template must reproduce that document's canonical N-Quads exactly, or the shape stays slow.
- Only strings that land *verbatim* as a literal or as a whole IRI become slots. Values of ``type`` and
  ``@context``, and any string that JSON-LD interprets (``@vocab`` values, compact IRIs, anything that
  does not appear verbatim), stay fixed: a document whose fixed strings differ gets its own template.
- Per document, literal slots are checked with the same rules as the guard, and IRI slots must be
  absolute, safe and have the compiled value's scheme (so no prefix or base expansion can apply).
  Anything else falls back to the slow path, which raises the guard's error if there is one.
- Canonical labels: when every blank node has a unique first-degree hash (RDFC-1.0 §4.4 step 5, the
  usual case), labels are issued in hash order here; otherwise pyld's URDNA2015 runs on the quads.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cc_cli.core.jsontext import exact_text
from cc_cli.credentials import jsonld
from cc_cli.credentials.pyldlib import URDNA2015, XSD_STRING, escape, pyld

# what pyld's N-Quads `escape` replaces: a literal without any of these is written as it is (one search, not
# five replaces: most literals of an award hold none; tests/test_fastcanon_properties.py draws every one)
_TO_ESCAPE = re.compile(r'[\\\t\n\r"]')

_FIXED_KEYS = frozenset({"@context", "type", "@type"})
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_MAX_TEMPLATES_PER_SHAPE = 8

# Terms: ("I", iri) | ("B", label) | ("L", value, datatype, language) | ("SI", slot) | ("SL", slot, dt, lang)
Term = tuple[Any, ...]
Quad = tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class _Template:
    quads: tuple[Quad, ...]
    fixed: dict[int, str]  # slot -> the only value this template accepts
    iri_schemes: dict[int, str]  # IRI slot -> the scheme its values must have
    shared: tuple[int, ...]  # the slots under an "achievement" or "issuer": the same in every award of a credential
    plans: dict[tuple[object, ...], _Plan | None]  # the values of `shared` -> the template specialised to them


_SHARED_KEYS = frozenset({"achievement", "issuer"})
_MAX_PLANS = 256


class _Plan:
    """What of a template's canonical form is the same for every document it serves, worked out once.

    Why: in an award most quads hold no slot (the achievement, the issuer, the contexts' types): per award only
    the quads with a slot are filled, rendered and sorted, then merged with the fixed quads' lines.
    Sound because (RDFC-1.0 4.6) a blank node's first-degree hash depends only on the quads that mention it:
    a blank node that no slotted quad mentions ("static") has the same hash in every document of the
    template. Its canonical label still depends on where its hash falls among all blank nodes' hashes, so
    the fixed lines that mention blank nodes are rendered per label assignment (cached: few assignments recur).
    """

    __slots__ = (
        "by_labels",
        "dynamic_nodes",
        "dynamic_static_lines",
        "ground",
        "iri_schemes",
        "literal_slots",
        "named_nodes",
        "recipes",
        "slotted",
        "static",
        "static_hashes",
        "static_keys",
        "static_nodes",
        "static_set",
    )

    def __init__(self, quads: list[Quad], iri_schemes: dict[int, str]) -> None:
        self.iri_schemes = iri_schemes
        slotted = [q for q in quads if any(t[0] in ("SI", "SL") for t in q)]
        self.slotted: list[Quad] = list(dict.fromkeys(slotted))
        slotted_set = set(slotted)
        self.static: list[Quad] = list(dict.fromkeys(q for q in quads if q not in slotted_set))
        self.static_set = frozenset(self.static)
        self.literal_slots = sorted({t[1] for q in self.slotted for t in q if t[0] == "SL"})
        dynamic = {n for q in self.slotted for n in _nodes(q)}
        mentions = _mentions(self.static)
        self.static_nodes = sorted(set(mentions) - dynamic)
        self.named_nodes = sorted(mentions)  # every blank node a fixed quad names, slotted ones too
        self.static_hashes = {n: _first_degree(n, mentions[n]) for n in self.static_nodes}
        self.dynamic_nodes = sorted(dynamic)
        # the fixed quads' lines each slotted blank node's hash starts from (masked for that node)
        self.dynamic_static_lines = {
            n: [_line(q, _Mask({n: "_:a"})) for q in mentions.get(n, [])] for n in self.dynamic_nodes
        }
        self.ground = sorted([_line(q, {}) for q in self.static if not _nodes(q)])
        self.by_labels: dict[tuple[str, ...], list[str]] = {}
        # How to write each slotted quad's line from a document's strings, worked out once (see `_Recipe`); None
        # when a quad is not of the form the recipes cover (a predicate that is not a fixed IRI: to_rdf makes
        # none), and then `_specialise` leaves the template to the slow path.
        recipes = [_recipe(q) for q in self.slotted]
        self.recipes: list[_Recipe] | None = None if None in recipes else recipes  # type: ignore[assignment]
        self.static_keys = frozenset(_key(q) for q in self.static)

    def fixed_lines(self, labels: Mapping[str, str]) -> list[str]:
        """The sorted lines of the fixed quads under these labels."""
        key = tuple([labels[n] for n in self.named_nodes])  # a fixed quad may name a slotted quad's node
        lines = self.by_labels.get(key)
        if lines is None:
            if len(self.by_labels) >= 512:
                self.by_labels.clear()
            named = [_line(q, labels) for q in self.static if _nodes(q)]
            lines = self.by_labels[key] = sorted(self.ground + named)
        return lines


class FastCanonicalizer:
    """A `cc_cli.credentials.signing.Canonicalizer` equal to `cc_cli.credentials.signing.canonicalize`, faster in batches.

    Keep one instance per batch: it caches a compiled template per document shape (`max_shapes`).
    `fast_hits` and `slow_calls` count how documents were served, for benchmarks and tests.
    """

    def __init__(
        self, *, strict: bool = True, max_shapes: int = 64, frozen_shared: bool = False, parsed_json: bool = False
    ) -> None:
        self.strict = strict
        self.max_shapes = max_shapes
        self._templates: dict[Any, list[_Template | None]] = {}
        self.fast_hits = 0
        self.slow_calls = 0
        # frozen_shared: the caller promises never to modify an object under an "achievement" or "issuer" key once
        # it was canonicalised (`ob3.build_award` shares those of a credential between its awards, and the award
        # writer never modifies them). Each such object's shape and strings are then walked once, not once per
        # award: the walk was half the time of canonicalising an award. Off by default (`cc verify`: foreign
        # documents, nothing shared).
        self._memo: dict[tuple[int, bool], tuple[Any, _Token, tuple[str, ...]]] | None = {} if frozen_shared else None
        # parsed_json (`cc verify`): every document is a value parsed from JSON (dicts, lists, strings, numbers,
        # booleans, null). The achievement and issuer of one credential's awards are then equal values from
        # file to file, new objects each time: their shape and strings are remembered by their exact JSON text
        # (`exact_text`), which costs a fraction of walking them.
        self._by_text: dict[tuple[bytes, bool], tuple[_Token, tuple[str, ...]]] | None = {} if parsed_json else None
        self._tokens: dict[Any, _Token] = {}

    def __call__(self, document: Mapping[str, Any]) -> str:
        leaves: list[str] = []
        walk = _skeleton if self._memo is None and self._by_text is None else self._skeleton
        shape = walk(document, leaves, False)
        template = self._template_for(shape, leaves, document)
        if template is not None:
            text = _canonical_planned(template, leaves, self.strict)
            if text is not None:
                self.fast_hits += 1
                return text
        self.slow_calls += 1
        return _slow(document, self.strict)

    def _skeleton(self, obj: Any, leaves: list[str], fixed: bool) -> Any:
        """`_skeleton`, with the shape of each object under a `_SHARED_KEYS` key replaced by a token that stands
        for it (one token per distinct shape, so equal shapes still meet the same template), and its strings
        appended from the memo, in the order `_skeleton` appends them."""
        if isinstance(obj, dict):
            items: list[tuple[str, Any]] = []
            for k, v in obj.items():
                kind = type(v)
                if kind is str:  # as in `_skeleton`: most values, without a call
                    if fixed or k in _FIXED_KEYS:
                        items.append((k, ("s", v)))
                    else:
                        leaves.append(v)
                        items.append((k, "$"))
                elif kind is dict and k in _SHARED_KEYS:
                    items.append((k, self._shared(v, leaves, fixed or k in _FIXED_KEYS)))
                else:
                    items.append((k, self._skeleton(v, leaves, fixed or k in _FIXED_KEYS)))
            return ("d", tuple(items))
        if isinstance(obj, list):
            return ("l", tuple([self._skeleton(v, leaves, fixed) for v in obj]))
        return _skeleton(obj, leaves, fixed)

    def _shared(self, obj: dict[str, Any], leaves: list[str], fixed: bool) -> Any:
        memo = self._memo
        if memo is None:
            return self._shared_by_text(obj, leaves, fixed)
        entry = memo.get((id(obj), fixed))
        if entry is None or entry[0] is not obj:
            own: list[str] = []
            token = self._token_for(_skeleton(obj, own, fixed))
            if len(memo) >= 1024:
                memo.clear()
            entry = memo[(id(obj), fixed)] = (obj, token, tuple(own))  # holds `obj`: its id is not reused
        leaves.extend(entry[2])
        return entry[1]

    def _shared_by_text(self, obj: dict[str, Any], leaves: list[str], fixed: bool) -> Any:
        """`_shared` for parsed JSON (`parsed_json`): the object's token and strings remembered by its exact text;
        its plain `_skeleton` when it has none (a NaN in it, say)."""
        memo = self._by_text
        assert memo is not None
        text = exact_text(obj)
        if text is None:
            return _skeleton(obj, leaves, fixed)
        entry = memo.get((text, fixed))
        if entry is None:
            own: list[str] = []
            token = self._token_for(_skeleton(obj, own, fixed))
            if len(memo) >= 1024:
                memo.clear()
            entry = memo[(text, fixed)] = (token, tuple(own))
        leaves.extend(entry[1])
        return entry[0]

    def _token_for(self, shape: Any) -> _Token:
        """The token standing for `shape` (one per distinct shape, so that equal shapes meet one template)."""
        token = self._tokens.get(shape)
        if token is None:
            if len(self._tokens) >= 4096:
                self._tokens.clear()  # a token made afresh only costs a template compiled afresh
            token = self._tokens[shape] = _Token()
        return token

    def _template_for(self, shape: Any, leaves: list[str], document: Mapping[str, Any]) -> _Template | None:
        candidates = self._templates.get(shape)
        if candidates is None:
            if len(self._templates) >= self.max_shapes:
                self._templates.pop(next(iter(self._templates)))  # oldest shape
            candidates = self._templates[shape] = []
        for candidate in candidates:
            if candidate is None:  # this shape cannot be templated
                return None
            if _fits(candidate, leaves):
                return candidate
        if len(candidates) >= _MAX_TEMPLATES_PER_SHAPE:  # fixed strings or IRI schemes vary too much
            return None
        compiled = _compile(document, leaves, self.strict)  # raises the guard's error if refused
        candidates.append(compiled)
        return compiled


def _fits(template: _Template, leaves: list[str]) -> bool:
    """Whether these strings meet the template: its fixed strings equal, its IRI slots of the same scheme
    (loops, not all() of a generator: this runs for every document)."""
    for i, value in template.fixed.items():
        if leaves[i] != value:
            return False
    for i, scheme in template.iri_schemes.items():  # noqa: SIM110 - a loop: see the docstring
        if leaves[i].partition(":")[0] != scheme:
            return False
    return True


class _Token:
    """Stands for one shape in a skeleton (compared by identity: it equals no other shape)."""

    __slots__ = ()


def _slow(document: Mapping[str, Any], strict: bool) -> str:
    from cc_cli.credentials import signing  # here, not at the top: signing may import this module one day

    return signing.canonicalize(document, strict=strict)


def _skeleton(obj: Any, leaves: list[str], fixed: bool) -> Any:
    """A hashable shape of `obj`; appends slot-able strings to `leaves` in a deterministic order."""
    if isinstance(obj, str):
        if fixed:
            return ("s", obj)
        leaves.append(obj)
        return "$"
    if isinstance(obj, dict):
        items: list[tuple[str, Any]] = []
        for k, v in obj.items():
            if type(v) is str:  # most values: their shape here, without a call (a str subclass takes the call)
                if fixed or k in _FIXED_KEYS:
                    items.append((k, ("s", v)))
                else:
                    leaves.append(v)
                    items.append((k, "$"))
            else:
                items.append((k, _skeleton(v, leaves, fixed or k in _FIXED_KEYS)))
        return ("d", tuple(items))
    if isinstance(obj, list):
        return ("l", tuple([_skeleton(v, leaves, fixed) for v in obj]))
    return (type(obj).__name__, obj)


def _substitute(obj: Any, values: list[str], fixed: bool, pos: list[int]) -> Any:
    """Rebuild `obj` with its slot-able strings replaced by `values`, in `_skeleton` order."""
    if isinstance(obj, str):
        if fixed:
            return obj
        pos[0] += 1
        return values[pos[0] - 1]
    if isinstance(obj, dict):
        return {k: _substitute(v, values, fixed or k in _FIXED_KEYS, pos) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_substitute(v, values, fixed, pos) for v in obj]
    return obj


def _compile(document: Mapping[str, Any], leaves: list[str], strict: bool) -> _Template | None:
    """A template reproducing `document`'s canonical N-Quads exactly, or None (shape stays slow)."""
    expected = _slow(document, strict)  # runs the guard first: a refused document raises here
    fixed: dict[int, str] = {}
    for _attempt in range(3):
        result = _try_compile(document, leaves, fixed)
        if result is None:
            return None
        if isinstance(result, set):  # strings that must stay fixed; retry with them in place
            fixed.update({i: leaves[i] for i in result})
            continue
        filled = _fill(result, leaves, strict)
        if filled is not None and _canonical(filled) == expected == _canonical_planned(result, leaves, strict):
            return result
        if not result.iri_schemes:
            return None
        fixed.update({i: leaves[i] for i in result.iri_schemes})  # be conservative and retry
    return None


def _try_compile(document: Mapping[str, Any], leaves: list[str], fixed: dict[int, str]) -> _Template | set[int] | None:
    nonce = secrets.token_hex(8)
    markers = [leaves[i] if i in fixed else f"urn:x-cc-slot:{nonce}:{i}" for i in range(len(leaves))]
    slot_of = {m: i for i, m in enumerate(markers) if i not in fixed}
    dropped: list[Any] = []
    try:
        expanded = pyld.expand(
            _substitute(document, markers, False, [0]),
            {"documentLoader": jsonld.document_loader, "base": None},
            on_property_dropped=dropped.append,
        )
        dataset = pyld.to_rdf(expanded, {"documentLoader": jsonld.document_loader})
    except pyld.JsonLdError:
        return None
    if dropped or set(dataset) - {"@default"}:
        return None
    seen: set[int] = set()
    entangled: set[int] = set()
    quads = tuple(
        tuple(_term(triple[k], slot_of, nonce, seen, entangled) for k in ("subject", "predicate", "object"))
        for triple in dataset.get("@default", [])
    )
    must_fix = entangled | (set(slot_of.values()) - seen)
    if must_fix:
        return must_fix
    schemes = {t[1]: leaves[t[1]].partition(":")[0] for q in quads for t in q if t[0] == "SI"}
    marks: list[bool] = []
    _shared_leaves(document, marks, False, False)
    shared = tuple(i for i, mark in enumerate(marks) if mark and i not in fixed)
    return _Template(quads, dict(fixed), schemes, shared, {})


def _term(component: dict[str, Any], slot_of: dict[str, int], nonce: str, seen: set[int], entangled: set[int]) -> Term:
    kind, value = component["type"], component["value"]
    datatype, language = component.get("datatype"), component.get("language")
    if kind == "blank node":
        return ("B", value)
    slot = slot_of.get(value)
    others = [datatype or "", language or ""] + ([value] if slot is None else [])
    for text in others:  # a marker inside a larger string: JSON-LD interpreted that value
        if nonce in text:
            entangled.update(i for marker, i in slot_of.items() if marker in text)
    if slot is not None:
        seen.add(slot)
    if kind == "IRI":
        return ("I", value) if slot is None else ("SI", slot)
    return ("L", value, datatype, language) if slot is None else ("SL", slot, datatype, language)


def _fill(template: _Template, leaves: list[str], strict: bool) -> list[Quad] | None:
    """The template's quads with this document's strings, or None when a value needs the slow path."""
    for i, scheme in template.iri_schemes.items():
        iri = leaves[i]
        if iri.partition(":")[0] != scheme or not jsonld.ABSOLUTE_IRI.match(iri) or jsonld.IRI_DIVERGENT.search(iri):
            return None
    literal_guard = jsonld.LITERAL_DIVERGENT_STRICT if strict else jsonld.LITERAL_DIVERGENT
    filled: list[Quad] = []
    for quad in template.quads:
        terms: list[Term] = []
        for term in quad:
            if term[0] == "SI":
                term = ("I", leaves[term[1]])
            elif term[0] == "SL":
                if literal_guard.search(leaves[term[1]]):
                    return None
                term = ("L", leaves[term[1]], term[2], term[3])
            terms.append(term)
        filled.append(tuple(terms))
    return filled


def _canonical_planned(template: _Template, leaves: list[str], strict: bool) -> str | None:
    """`_canonical(_fill(template, leaves, strict))` computed from the template's plan, or None when a value
    needs the slow path. Proven equal to `_canonical` by tests/test_fastcanon_properties.py."""
    key = tuple([leaves[i] for i in template.shared])
    key_strict = (*key, strict)
    try:
        plan = template.plans[key_strict]
    except KeyError:
        plan = _specialise(template, leaves, strict)
        if len(template.plans) >= _MAX_PLANS:
            template.plans.clear()
        template.plans[key_strict] = plan
    if plan is None:
        return None
    for i, scheme in plan.iri_schemes.items():
        iri = leaves[i]
        if iri.partition(":")[0] != scheme or not jsonld.ABSOLUTE_IRI.match(iri) or jsonld.IRI_DIVERGENT.search(iri):
            return None
    literal_guard = jsonld.LITERAL_DIVERGENT_STRICT if strict else jsonld.LITERAL_DIVERGENT
    for i in plan.literal_slots:
        if literal_guard.search(leaves[i]):
            return None
    return _canonical_by_recipes(plan, leaves)


# A slotted quad's line, as (subject kind, value, predicate text, object kind, value, literal suffix). Kinds:
# 0 a fixed term (value: its N-Quads text), 1 a blank node (value: its label in the template), 2 an IRI slot,
# 3 a literal slot (value: the slot; the suffix is its datatype or language as N-Quads writes them).
_Recipe = tuple[int, Any, str, int, Any, str]


def _recipe(quad: Quad) -> _Recipe | None:
    subject, predicate, value = quad
    if predicate[0] != "I":
        return None
    subject_kind, subject_value = _part(subject)
    if subject_kind == 3:
        return None  # a literal subject: not RDF, never made by to_rdf
    value_kind, value_value = _part(value)
    suffix = _suffix(value[2], value[3]) if value[0] == "SL" else ""
    return (subject_kind, subject_value, _render_term(predicate), value_kind, value_value, suffix)


def _part(term: Term) -> tuple[int, Any]:
    kind = term[0]
    if kind == "B":
        return 1, term[1]
    if kind == "SI":
        return 2, term[1]
    if kind == "SL":
        return 3, term[1]
    return 0, _render_term(term)


def _suffix(datatype: str, language: str | None) -> str:
    """What follows a literal's quoted text in N-Quads, as `_render_term` writes it."""
    if datatype == _RDF_LANGSTRING:
        return f"@{language}" if language else ""
    return "" if datatype == XSD_STRING else f"^^<{datatype}>"


def _key(quad: Quad) -> tuple[str, str, str]:
    """A fixed quad as the recipes name a filled one: blank nodes by their template label, other terms by their
    N-Quads text (one to one: a label starts with "_:", an IRI with "<", a literal with a quote)."""
    return tuple([t[1] if t[0] == "B" else _render_term(t) for t in quad])  # type: ignore[return-value]


def _canonical_by_recipes(plan: _Plan, leaves: list[str]) -> str:
    """The canonical form of a plan's quads filled with `leaves` (its slot values already checked): each
    slotted quad is written straight to its line's text from its recipe, without building terms, and the
    quads that name no blank node (most of an award's) are written once, their line the same under any labels;
    the fixed quads' lines come sorted from the plan, and timsort merges the two runs."""
    static_keys = plan.static_keys
    seen: set[tuple[str, str, str]] = set()
    ground: list[str] = []
    blank: list[tuple[str, bool, str, str, bool]] = []  # (subject, is a node, predicate, object, is a node)
    for subject_kind, subject, predicate, value_kind, value, suffix in plan.recipes:  # type: ignore[union-attr]
        if subject_kind == 2:
            subject = f"<{leaves[subject]}>"
        if value_kind == 2:
            value = f"<{leaves[value]}>"
        elif value_kind == 3:
            text = leaves[value]
            value = f'"{escape(text) if _TO_ESCAPE.search(text) else text}"{suffix}'
        key = (subject, predicate, value)
        if key in seen or key in static_keys:  # a dataset is a set: a quad equal to another is that one
            continue
        seen.add(key)
        if subject_kind == 1 or value_kind == 1:
            blank.append((subject, subject_kind == 1, predicate, value, value_kind == 1))
        else:
            ground.append(f"{subject} {predicate} {value} .\n")
    hashes = dict(plan.static_hashes)
    for node in plan.dynamic_nodes:  # RDFC-1.0 4.6: the node's quads, itself _:a and every other blank node _:z
        lines = plan.dynamic_static_lines[node][:]
        for subject, subject_node, predicate, value, value_node in blank:
            if (subject_node and subject == node) or (value_node and value == node):
                masked_subject = ("_:a" if subject == node else "_:z") if subject_node else subject
                masked_value = ("_:a" if value == node else "_:z") if value_node else value
                lines.append(f"{masked_subject} {predicate} {masked_value} .\n")
        lines.sort()
        hashes[node] = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    if len(set(hashes.values())) < len(hashes):
        return _urdna2015(plan.static + _filled_quads(plan, leaves))  # shared hashes: the n-degree algorithm
    labels = {node: f"_:c14n{n}" for n, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
    lines = plan.fixed_lines(labels) + ground
    for subject, subject_node, predicate, value, value_node in blank:
        lines.append(
            f"{labels[subject] if subject_node else subject} {predicate} {labels[value] if value_node else value} .\n"
        )
    lines.sort()
    return "".join(lines)


def _filled_quads(plan: _Plan, leaves: list[str]) -> list[Quad]:
    """The plan's slotted quads with this document's strings, less those equal to a fixed one (for URDNA2015)."""
    filled: dict[Quad, None] = {}
    for quad in plan.slotted:
        terms = tuple(
            [
                ("I", leaves[t[1]]) if t[0] == "SI" else ("L", leaves[t[1]], t[2], t[3]) if t[0] == "SL" else t
                for t in quad
            ]
        )
        if terms not in plan.static_set:
            filled[terms] = None
    return list(filled)


def _specialise(template: _Template, leaves: list[str], strict: bool) -> _Plan | None:
    """The template with its shared slots filled by these values (checked once here, as `_fill` would check
    them), or None when one of them needs the slow path."""
    shared = set(template.shared)
    literal_guard = jsonld.LITERAL_DIVERGENT_STRICT if strict else jsonld.LITERAL_DIVERGENT
    for i in shared & set(template.iri_schemes):
        iri = leaves[i]
        scheme = template.iri_schemes[i]
        if iri.partition(":")[0] != scheme or not jsonld.ABSOLUTE_IRI.match(iri) or jsonld.IRI_DIVERGENT.search(iri):
            return None
    quads: list[Quad] = []
    for quad in template.quads:
        terms: list[Term] = []
        for term in quad:
            if term[0] in ("SI", "SL") and term[1] in shared:
                if term[0] == "SL" and literal_guard.search(leaves[term[1]]):
                    return None
                term = ("I", leaves[term[1]]) if term[0] == "SI" else ("L", leaves[term[1]], term[2], term[3])
            terms.append(term)
        quads.append(tuple(terms))
    plan = _Plan(quads, {i: v for i, v in template.iri_schemes.items() if i not in shared})
    return plan if plan.recipes is not None else None  # a quad the recipes cannot write: the slow path


def _shared_leaves(obj: Any, out: list[bool], fixed: bool, shared: bool) -> None:
    """For each leaf `_skeleton` appends, in its order: whether it lies under a `_SHARED_KEYS` key."""
    if isinstance(obj, str):
        if not fixed:
            out.append(shared)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _shared_leaves(v, out, fixed or k in _FIXED_KEYS, shared or k in _SHARED_KEYS)
    elif isinstance(obj, list):
        for v in obj:
            _shared_leaves(v, out, fixed, shared)


def _nodes(quad: Quad) -> list[str]:
    return [t[1] for t in (quad[0], quad[2]) if t[0] == "B"]


def _mentions(quads: list[Quad]) -> dict[str, list[Quad]]:
    """Blank node -> the quads that mention it (RDFC-1.0 4.6 step 2), each once, in one pass."""
    mentions: dict[str, list[Quad]] = {}
    for quad in quads:
        subject, value = quad[0], quad[2]
        if subject[0] == "B":
            mentions.setdefault(subject[1], []).append(quad)
        if value[0] == "B" and not (subject[0] == "B" and subject[1] == value[1]):
            mentions.setdefault(value[1], []).append(quad)
    return mentions


def _first_degree(node: str, mentioning: list[Quad]) -> str:
    """RDFC-1.0 4.6 Hash First Degree Quads."""
    mask = _Mask({node: "_:a"})
    return hashlib.sha256("".join(sorted([_line(q, mask) for q in mentioning])).encode("utf-8")).hexdigest()


def _render(term: Term, labels: Mapping[str, str]) -> str:
    if term[0] == "B":
        return labels[term[1]]
    text = _RENDERED.get(term)
    if text is None:
        if len(_RENDERED) >= _MAX_RENDERED:
            _RENDERED.clear()
        text = _RENDERED[term] = _render_term(term)
    return text


# IRIs and literals as N-Quads write them: most recur in every award of a credential (the achievement's
# strings, the issuer, the contexts' IRIs), and a dict look-up costs a tenth of escaping and formatting.
_RENDERED: dict[Term, str] = {}
_MAX_RENDERED = 50_000


def _render_term(term: Term) -> str:
    if term[0] == "I":
        return f"<{term[1]}>"
    text = f'"{escape(term[1])}"'
    if term[2] == _RDF_LANGSTRING:
        return f"{text}@{term[3]}" if term[3] else text
    return text if term[2] == XSD_STRING else f"{text}^^<{term[2]}>"


def _line(quad: Quad, labels: Mapping[str, str]) -> str:
    return f"{_render(quad[0], labels)} {_render(quad[1], labels)} {_render(quad[2], labels)} .\n"


class _Mask(dict[str, str]):
    """The labels of RDFC-1.0 4.6: the reference blank node is _:a, every other one _:z."""

    def __missing__(self, key: str) -> str:
        return "_:z"


def _canonical(quads: list[Quad]) -> str:
    """RDFC-1.0 canonical N-Quads of a default-graph dataset, as pyld's URDNA2015 writes them."""
    quads = list(dict.fromkeys(quads))  # a dataset is a set: same-id nodes merge in JSON-LD
    mentions = _mentions(quads)
    if not mentions:
        return "".join(sorted([_line(q, {}) for q in quads]))
    hashes = {node: _first_degree(node, mentioning) for node, mentioning in mentions.items()}
    if len(set(hashes.values())) < len(hashes):
        return _urdna2015(quads)  # shared first-degree hashes need the n-degree algorithm
    labels = {node: f"_:c14n{n}" for n, node in enumerate(sorted(hashes, key=hashes.__getitem__))}
    return "".join(sorted([_line(q, labels) for q in quads]))


def _urdna2015(quads: list[Quad]) -> str:
    def component(term: Term) -> dict[str, Any]:
        if term[0] == "I":
            return {"type": "IRI", "value": term[1]}
        if term[0] == "B":
            return {"type": "blank node", "value": term[1]}
        literal = {"type": "literal", "value": term[1], "datatype": term[2]}
        return {**literal, "language": term[3]} if term[3] else literal

    triples = [{"subject": component(s), "predicate": component(p), "object": component(o)} for s, p, o in quads]
    result: str = URDNA2015().main({"@default": triples}, {"format": "application/n-quads"})
    return result
