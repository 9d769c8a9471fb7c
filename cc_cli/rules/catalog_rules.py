"""Rules over the whole catalog (CC105, CC107, CC213, CC214, CC220): ids, references and the prerequisite graph."""

from __future__ import annotations

from collections.abc import Iterator

from cc_cli.catalog import model
from cc_cli.catalog.files import owns
from cc_cli.core.problems import ERROR, Hit
from cc_cli.core.text import suggest
from cc_cli.rules.context import Context
from cc_cli.rules.registry import rule

# owner's status, source, where, referenced id, "credential" | "path"
Ref = tuple[str, str, tuple[str | int, ...], str, str]


def references(catalog: model.Catalog) -> Iterator[Ref]:
    """Every id that a credential or path names, with where it is named."""
    for credential in catalog.credentials.values():
        for name in ("requires", "components"):
            for index, target in enumerate(getattr(credential, name)):
                yield credential.status, credential.source, (name, index), target, "credential"
        if credential.path:
            yield credential.status, credential.source, ("path",), credential.path, "path"
    for path in catalog.paths.values():
        for index, step in enumerate(path.steps):
            for option_index, option in enumerate(step.options):
                where = ("steps", index, "one_of", option_index) if step.one_of else ("steps", index, "credential")
                yield path.status, path.source, where, option, "credential"
        if path.leads_to:
            yield path.status, path.source, ("leads_to",), path.leads_to, "credential"


@rule("CC105", ERROR, "duplicate id in the catalog", "catalog")
def duplicate_id(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """Ids are unique across the catalog (credentials and paths alike): awards, ledgers and URLs name
    credentials by id, so two files with one id would make every award ambiguous.

    Passing: credentials/cloud-essentials.yaml with `id: cloud-essentials`, and no other file with that id.
    Failing: credentials/cloud-basics.yaml also saying `id: cloud-essentials`.
    """
    claims: dict[str, list[str]] = {}
    for source, declared in ids:
        claims.setdefault(declared, []).append(source)
    for declared, sources in claims.items():
        if len(sources) < 2:
            continue
        owner = next((source for source in sources if owns(source, declared)), sources[0])
        for source in sources:
            if source != owner:
                yield Hit(source, ("id",), f"id '{declared}' is already used by {owner}; ids must be unique")


@rule("CC107", ERROR, "reference to an unknown credential or path (suggest the closest id)", "catalog")
def unknown_reference(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """Every prerequisite, component, path step and `leads_to` must name a credential (or a path) of this
    catalog, or learners would be sent to something that does not exist.

    Passing:
        requires: [cloud-essentials]
    Failing:
        requires: [cloud-esentials]      # did you mean "cloud-essentials"?
    """
    catalog = ctx.catalog
    for _, source, where, target, kind in references(catalog):
        known = catalog.credentials if kind == "credential" else catalog.paths
        if target in known:
            continue
        if kind == "credential" and target in catalog.paths:
            yield Hit(source, where, f"'{target}' is a learning path, not a credential; name a credential here")
        else:
            yield Hit(source, where, f"unknown {kind} '{target}'{suggest(target, known)}")


@rule("CC213", ERROR, "prerequisite cycle (name every credential in it)", "catalog")
def prerequisite_cycle(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """Nobody can earn a credential that (through other credentials) requires itself.

    Passing: a requires b, b requires c.
    Failing: a requires b, b requires a (or a requires a).
    """
    credentials = ctx.catalog.credentials
    graph = {cid: [t for t in (*c.requires, *c.components) if t in credentials] for cid, c in credentials.items()}
    for cycle in _cycles(graph):
        start = min(cycle)
        order = cycle[cycle.index(start) :] + cycle[: cycle.index(start)]
        first = credentials[start]
        following = order[1] if len(order) > 1 else start
        name = "requires" if following in first.requires else "components"
        index = getattr(first, name).index(following)
        chain = " -> ".join([*order, start])
        yield Hit(first.source, (name, index), f"prerequisite cycle: {chain}; remove one of these prerequisites")


def _cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """One cycle per strongly connected component that has one (iterative Tarjan, then a walk in it)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    yield _walk_cycle(graph, set(component))


def _walk_cycle(graph: dict[str, list[str]], members: set[str]) -> list[str]:
    """A simple cycle through the smallest member, following edges inside the component."""
    start = min(members)
    path, seen, node = [start], {start}, start
    while True:
        following = min(t for t in graph[node] if t in members)
        if following in seen:
            return path[path.index(following) :]
        path.append(following)
        seen.add(following)
        node = following


@rule("CC214", ERROR, "active credential or path depending on a draft or retired credential", "catalog")
def depends_on_inactive(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """Learners must be able to earn today everything an active credential or path asks of them.

    Passing: an active credential requiring an active one.
    Failing:
        status: active
        requires: [retired-badge]     # status: retired
    """
    catalog = ctx.catalog
    for owner_status, source, where, target, kind in references(catalog):
        found = catalog.credentials.get(target) if kind == "credential" else None
        if owner_status == "active" and found is not None and found.status != "active":
            yield Hit(
                source,
                where,
                f"'{target}' is {found.status}; an active credential or path can only depend on active credentials",
            )


@rule("CC220", ERROR, "`credly_template_id` used by two credentials", "catalog")
def shared_credly_template_id(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """A Credly roster names each award by its badge template id alone: a template id two credentials claim
    would leave `cc issue` to guess which one a row awards. Ids compare in any case, as UUIDs do.

    Passing: each credential with its own `credly_template_id`, or none.
    Failing:
        # credentials/cloud-essentials.yaml
        credly_template_id: 5f0c1b4e-3d2a-4c8e-9b7f-1a2b3c4d5e6f
        # credentials/cloud-basics.yaml
        credly_template_id: 5F0C1B4E-3D2A-4C8E-9B7F-1A2B3C4D5E6F
    """
    claims: dict[str, list[model.Credential]] = {}
    for key in sorted(ctx.catalog.credentials):
        credential = ctx.catalog.credentials[key]
        if isinstance(credential.credly_template_id, str) and credential.credly_template_id.strip():
            claims.setdefault(credential.credly_template_id.strip().lower(), []).append(credential)
    for template, holders in claims.items():
        first = holders[0]
        for other in holders[1:]:
            yield Hit(
                other.source,
                ("credly_template_id",),
                f"credly_template_id {template} is already {first.id}'s ({first.source}): a template is one "
                "credential; remove it here or correct it",
            )
