"""Load a catalog folder into the model, with every file's positions kept for precise problems.

`load_catalog` never raises for bad content: unreadable files, YAML problems and shape problems become
hits (code + position), and what could be read becomes typed model objects. Only a missing catalog
folder is a usage error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cc_cli.catalog import fields, model
from cc_cli.catalog.files import (
    CATALOG_FILE,
    CREDENTIALS_DIR,
    PATHS_DIR,
    catalog_files,
    owns,
)
from cc_cli.catalog.yamlload import (  # read_document and read_raw: there, so `cc verify` needs no model
    Document,
    YamlProblem,
    load_yaml,
    parse_date,
    read_document,
    read_raw,
)
from cc_cli.core.problems import Hit, UsageError
from cc_cli.core.workers import workers_for
from cc_cli.validate.shape import ShapeChecker


@dataclass(slots=True)
class LoadResult:
    catalog: model.Catalog
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file looked at, for reports
    ids: list[tuple[str, str]] = field(default_factory=list)  # (file, id it declares), in file order
    # With a `check` (cc validate): the hits of the per-file rules on the credentials of the catalog (a
    # duplicate that lost its id is not checked, as before), and what each credential's check kept for the
    # cross-file rules (source -> value; see `Checker`).
    checked: list[tuple[str, Hit]] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict)
    _documents: dict[str, Document | None] = field(default_factory=dict)

    def document(self, relative: str) -> Document | None:
        """The parsed file with its positions, read again on demand: only files with problems need them,
        and shipping every document back from the worker processes would cost more than parsing twice."""
        if relative not in self._documents:
            try:
                self._documents[relative] = read_document(self.catalog.root, relative)
            except YamlProblem:
                self._documents[relative] = None
        return self._documents[relative]

    def locate(self, hit: Hit) -> tuple[int, int]:
        """The 1-based (line, column) a hit points at."""
        if hit.position is not None:
            return hit.position
        document = self.document(hit.source)
        return locate(hit, document) if document is not None else (1, 1)


def locate(hit: Hit, document: Document) -> tuple[int, int]:
    if hit.position is not None:
        return hit.position
    return document.key_at(*hit.where) if hit.on_key else document.at(*hit.where)


# Below this many files a process pool costs more than it saves.
PARALLEL_FROM = 600

# (file, its hits, model object, declared id, its check's hits, what its check kept)
Loaded = tuple[str, list[tuple[str, Hit]], Any, str | None, list[tuple[str, Hit]], Any]

# What `cc validate` runs on each credential as its file is read: a credential's per-file rule hits, and a
# value kept for the rules that run after loading. `MakeChecker(info, root, forks)` makes it once per
# process from catalog.yaml's settings (read first, before the other files); `forks`: worker processes
# will fork from this one (and should find what they all need already loaded).
Checker = Callable[[model.Credential], tuple[list[tuple[str, Hit]], Any]]
MakeChecker = Callable[[model.CatalogInfo, Path, bool], Checker]

_checker: Checker | None = None  # in a pool worker: made by _start_worker


def load_catalog(
    root: Path, workers: int | None = None, *, check: MakeChecker | None = None, slim: bool = False
) -> LoadResult:
    """Load every file of the catalog at `root`; see the module docstring.

    Large catalogs are parsed and shape-checked in a process pool (YAML parsing is CPU-bound and the GIL
    keeps threads from helping); the results are merged in file order, so output never depends on it.
    `check` runs on every credential as it is read (in the workers; see `Checker`). `slim`: credentials
    read in the workers keep only the fields that the rules after loading read (`slim_credential`), which
    is all `cc validate` needs, and cheaper to send back; no other command may use such a catalog.
    """
    if not root.is_dir():
        if root.exists():
            raise UsageError(f"--catalog {root} is a file: give the catalog folder (the one with catalog.yaml)")
        hint = "; this folder has a catalog.yaml: use --catalog ." if Path(CATALOG_FILE).is_file() else ""
        raise UsageError(f"catalog folder {root} not found (give one with --catalog){hint}")
    result = LoadResult(catalog=model.Catalog(root=root, info=model.CatalogInfo()))
    files = catalog_files(root)
    result.files = files
    workers = workers_for(workers or 0)
    loaded: list[Loaded] = []
    checker: Checker | None = None
    rest = files
    if check is not None:  # catalog.yaml (always the first file) first: the checks read its settings
        loaded.append(_load_one(root, files[0]))
        first = loaded[0][2]
        pooled = workers > 1 and len(files) >= PARALLEL_FROM
        checker = check(first if isinstance(first, model.CatalogInfo) else model.CatalogInfo(), root, pooled)
        rest = files[1:]
    if workers > 1 and len(files) >= PARALLEL_FROM:
        from cc_cli.core.workers import fewer_collections, process_pool

        chunk = max(1, len(rest) // (workers * 8))
        start = (_start_worker, (check, loaded[0][2], root)) if check is not None else (None, ())
        with fewer_collections(), process_pool(workers, *start) as pool:
            loaded.extend(pool.map(_load_pooled, [root] * len(rest), rest, [slim] * len(rest), chunksize=chunk))
    else:  # in one process, nothing is sent between processes: a slim credential would save nothing
        loaded.extend(_load_one(root, relative, checker) for relative in rest)
    checked: dict[str, list[tuple[str, Hit]]] = {}
    for relative, hits, item, declared, found, kept in loaded:
        result.hits.extend(hits)
        if declared is not None:
            result.ids.append((relative, declared))
        if isinstance(item, tuple):
            item = credential_from_slim(item)
        _add_item(result.catalog, item)
        if found:
            checked[relative] = found
        if kept is not None:
            result.kept[relative] = kept
    for credential in result.catalog.credentials.values():
        result.checked.extend(checked.get(credential.source, ()))
    return result


def _start_worker(check: MakeChecker, info: Any, root: Path) -> None:
    global _checker
    _checker = check(info if isinstance(info, model.CatalogInfo) else model.CatalogInfo(), root, False)


def _load_pooled(root: Path, relative: str, slim: bool) -> Loaded:
    return _load_one(root, relative, _checker, slim)


def _load_one(root: Path, relative: str, checker: Checker | None = None, slim: bool = False) -> Loaded:
    """Read, parse and shape-check one file; returns its hits (located), model object and declared id."""
    if relative.endswith("/"):
        folder = relative.split("/", 1)[0]
        hit = Hit(relative, (), f"sub-folders are not read: move its files into {folder}/", position=(1, 1))
        return relative, [("CC001", hit)], None, None, [], None
    if not relative.endswith(".yaml"):
        hit = Hit(relative, (), "not part of the catalog: catalog files end in .yaml", position=(1, 1))
        return relative, [("CC001", hit)], None, None, [], None
    try:
        raw = read_raw(root, relative)
        document = load_yaml(raw, relative, positions=False)  # positions only if a problem needs them
    except YamlProblem as problem:
        hit = Hit(relative, (), problem.message, position=(problem.line, problem.column))
        return relative, [(problem.code, hit)], None, None, [], None
    shape = ShapeChecker(relative)
    cleaned = shape.mapping(document.data, spec_for(relative), ())
    declared = document.data.get("id")
    declared = declared if isinstance(declared, str) and relative != CATALOG_FILE else None
    if declared is not None:
        from cc_cli.rules.shape_rules import id_not_kebab_case

        shape.hits.extend(("CC104", hit) for hit in id_not_kebab_case(relative, document.data))
    stem = Path(relative).stem
    item: Any
    invalid = frozenset(name for name in document.data if name not in cleaned)
    if relative.startswith(CREDENTIALS_DIR + "/"):
        item = credential_from(cleaned, relative, stem, invalid)
    elif relative.startswith(PATHS_DIR + "/"):
        item = replace(path_from(cleaned, relative, stem), invalid_fields=invalid)
    else:
        item = info_from(cleaned)
    found: list[tuple[str, Hit]] = []
    kept = None
    if checker is not None and isinstance(item, model.Credential):
        found, kept = checker(item)
    positioned = shape.hits or any(hit.position is None and hit.source == relative for _, hit in found)
    if positioned:
        document = load_yaml(raw, relative)  # the same bytes again, now with every position
    hits = [(code, replace(hit, position=locate(hit, document))) for code, hit in shape.hits]
    found = [
        (code, replace(hit, position=locate(hit, document)) if positioned and hit.source == relative else hit)
        for code, hit in found
    ]
    if slim and isinstance(item, model.Credential):
        item = slim_credential(item)
    return relative, hits, item, declared, found, kept


def _add_item(catalog: model.Catalog, item: Any) -> None:
    # The file named after the id owns it (else the first in sorted order); CC105 reports the others.
    if isinstance(item, model.Credential | model.LearningPath):
        table: dict[str, Any] = catalog.credentials if isinstance(item, model.Credential) else catalog.paths
        current = table.get(item.id)
        if current is None or (owns(item.source, item.id) and not owns(current.source, current.id)):
            table[item.id] = item
    elif isinstance(item, model.CatalogInfo):
        catalog.info = item


def spec_for(relative: str) -> dict[str, fields.Field]:
    if relative.startswith(CREDENTIALS_DIR + "/"):
        return fields.CREDENTIAL
    if relative.startswith(PATHS_DIR + "/"):
        return fields.PATH
    return fields.CATALOG


def credential_from(
    data: dict[str, Any], source: str, stem: str, invalid: frozenset[str] = frozenset()
) -> model.Credential:
    """Build a Credential from shape-checked data (every present value has the right type)."""
    renewal = data.get("renewal")
    emblem = data.get("emblem", {})
    return model.Credential(
        id=data.get("id", stem),
        title=data.get("title", ""),
        classification=data.get("classification", ""),
        source=source,
        type=data.get("type"),
        level=data.get("level"),
        status=data.get("status", "active"),
        legacy=data.get("legacy", False),
        introduced=parse_date(data["introduced"]) if "introduced" in data else None,
        description=data.get("description", ""),
        skills=data.get("skills", []),
        criteria=[model.Criterion(**criterion) for criterion in data.get("criteria", []) if "kind" in criterion],
        time_to_earn=data.get("time_to_earn"),
        requires=data.get("requires", []),
        components=data.get("components", []),
        path=data.get("path"),
        audience=data.get("audience"),
        job_roles=data.get("job_roles", []),
        alignment=[model.Alignment(**entry) for entry in data.get("alignment", []) if "name" in entry],
        renewal=(
            model.Renewal(
                valid_for=renewal.get("valid_for"),
                window=renewal.get("window"),
                options=[model.RenewalOption(**option) for option in renewal.get("options", []) if "kind" in option],
            )
            if renewal is not None
            else None
        ),
        expires_after=data.get("expires_after"),
        # Issuing a certification again is its renewal: the earlier award is not revoked (issue 13).
        duplicates=data.get("duplicates", "renew" if data.get("classification") == "certification" else "deny"),
        emblem=model.Emblem(**emblem),
        url=data.get("url"),
        language=data.get("language"),
        credly_template_id=data.get("credly_template_id"),
        invalid_fields=invalid,
    )


SlimCredential = tuple[Any, ...]


def slim_credential(credential: model.Credential) -> SlimCredential:
    """The fields of a credential that the rules run after loading read (catalog, path and cross-file
    credential rules, CC405, CC406), as a tuple (cheap to send between processes); criteria by kind only."""
    emblem = credential.emblem
    return (
        credential.id,
        credential.title,
        credential.classification,
        credential.source,
        credential.type,
        credential.level,
        credential.status,
        credential.legacy,
        tuple(criterion.kind for criterion in credential.criteria),
        credential.requires,
        credential.components,
        credential.path,
        (emblem.display_title, emblem.business_unit, emblem.artwork),
        credential.language,
        credential.credly_template_id,
        credential.invalid_fields,
    )


def credential_from_slim(slim: SlimCredential) -> model.Credential:
    """A Credential with the fields of `slim_credential`; every other field keeps its default."""
    cid, title, classification, source, kind, level, status, legacy, kinds, requires, components, path = slim[:12]
    display_title, business_unit, artwork = slim[12]
    return model.Credential(
        id=cid,
        title=title,
        classification=classification,
        source=source,
        type=kind,
        level=level,
        status=status,
        legacy=legacy,
        criteria=[model.Criterion(kind=name) for name in kinds],
        requires=requires,
        components=components,
        path=path,
        emblem=model.Emblem(display_title=display_title, business_unit=business_unit, artwork=artwork),
        language=slim[13],
        credly_template_id=slim[14],
        invalid_fields=slim[15],
    )


def path_from(data: dict[str, Any], source: str, stem: str) -> model.LearningPath:
    steps = []
    for step in data.get("steps", []):
        # A malformed step (CC1xx says why) stays as an empty placeholder, so that every later step keeps
        # its index and the rules point at the line it is really on.
        if isinstance(step, dict) and isinstance(step.get("one_of"), list):
            steps.append(model.Step(options=[o for o in step["one_of"] if isinstance(o, str)], one_of=True))
        elif isinstance(step, dict) and isinstance(step.get("credential"), str):
            steps.append(model.Step(options=[step["credential"]]))
        else:
            steps.append(model.Step(options=[]))
    return model.LearningPath(
        id=data.get("id", stem),
        title=data.get("title", ""),
        source=source,
        description=data.get("description", ""),
        audience=data.get("audience"),
        status=data.get("status", "active"),
        steps=steps,
        leads_to=data.get("leads_to"),
    )


def info_from(data: dict[str, Any]) -> model.CatalogInfo:
    issuer = data.get("issuer", {})
    rules = data.get("rules", {})
    return model.CatalogInfo(
        name=data.get("name", ""),
        issuer=model.Issuer(**issuer),
        language=data.get("language", "en"),
        texts=data.get("texts", {}),
        emblem=model.CatalogEmblem(**data.get("emblem", {})),
        base_url=data.get("base_url"),
        framework_date=parse_date(data["framework_date"]) if "framework_date" in data else None,
        status_list_valid_for=data.get("status_list_valid_for"),
        # YAML 1.1 reads a bare `off` as false.
        rules={str(code): "off" if level is False else str(level) for code, level in rules.items()},
        notify=notify_from(data["notify"]) if "notify" in data else None,
    )


def notify_from(data: dict[str, Any]) -> model.Notify:
    """`notify` settings from shape-checked data (a password, refused by CC603, is never kept)."""
    smtp = data.get("smtp", {})
    return model.Notify(
        sender=data.get("from", ""),
        reply_to=data.get("reply_to"),
        suppress=data.get("suppress"),
        smtp=model.Smtp(
            host=smtp.get("host", ""),
            port=smtp.get("port"),
            security=smtp.get("security", "starttls"),
            username=smtp.get("username"),
            ca_file=smtp.get("ca_file"),
            password_given="password" in smtp,
        ),
    )


def load_catalog_model(root: Path) -> model.Catalog:
    """The catalog as loaded for every command; problems in it are `cc validate`'s business, not ours."""
    from cc_cli.validate.load import load_catalog

    return load_catalog(root).catalog
