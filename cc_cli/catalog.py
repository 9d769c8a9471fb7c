"""Load a catalog folder into the model, with every file's positions kept for precise problems.

`load_catalog` never raises for bad content: unreadable files, YAML problems and shape problems become
hits (code + position), and what could be read becomes typed model objects. Only a missing catalog
folder is a usage error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cc_cli import fields, model
from cc_cli.problems import UsageError
from cc_cli.rules.registry import Hit
from cc_cli.shape import ShapeChecker
from cc_cli.yamlload import Document, YamlProblem, load_yaml, parse_date

CATALOG_FILE = "catalog.yaml"
CREDENTIALS_DIR = "credentials"
PATHS_DIR = "paths"


@dataclass(slots=True)
class LoadResult:
    catalog: model.Catalog
    documents: dict[str, Document] = field(default_factory=dict)  # by catalog-relative path
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file looked at, for reports


def catalog_files(root: Path) -> list[str]:
    """catalog.yaml, then credentials/*.yaml and paths/*.yaml, as sorted catalog-relative paths."""
    found = [CATALOG_FILE]
    for folder in (CREDENTIALS_DIR, PATHS_DIR):
        try:
            with os.scandir(root / folder) as entries:
                names = sorted(entry.name for entry in entries if entry.is_file() and not entry.name.startswith("."))
        except FileNotFoundError:
            continue
        found.extend(f"{folder}/{name}" for name in names)
    return found


def read_document(root: Path, relative: str) -> Document:
    """Read and parse one file, raising YamlProblem (CC001-CC003) for anything unreadable."""
    try:
        raw = (root / relative).read_bytes()
    except FileNotFoundError:
        raise YamlProblem("CC001", 1, 1, f"{relative} not found; every catalog needs one") from None
    except OSError as exc:
        raise YamlProblem("CC001", 1, 1, f"cannot read the file: {exc.strerror or exc}") from None
    return load_yaml(raw, relative)


def load_catalog(root: Path) -> LoadResult:
    """Load every file of the catalog at `root`; see the module docstring."""
    if not root.is_dir():
        raise UsageError(f"catalog folder {root} not found (give one with --catalog)")
    result = LoadResult(catalog=model.Catalog(root=root, info=model.CatalogInfo()))
    for relative in catalog_files(root):
        result.files.append(relative)
        if not relative.endswith(".yaml"):
            hit = Hit(relative, (), "not part of the catalog: catalog files end in .yaml", position=(1, 1))
            result.hits.append(("CC001", hit))
            continue
        try:
            document = read_document(root, relative)
        except YamlProblem as problem:
            result.hits.append((problem.code, Hit(relative, (), problem.message, position=(problem.line, problem.column))))
            continue
        result.documents[relative] = document
        _add_document(result, document)
    return result


def spec_for(relative: str) -> dict[str, fields.Field]:
    if relative.startswith(CREDENTIALS_DIR + "/"):
        return fields.CREDENTIAL
    if relative.startswith(PATHS_DIR + "/"):
        return fields.PATH
    return fields.CATALOG


def _add_document(result: LoadResult, document: Document) -> None:
    checker = ShapeChecker(document.path)
    cleaned = checker.mapping(document.data, spec_for(document.path), ())
    result.hits.extend(checker.hits)
    stem = Path(document.path).stem
    catalog = result.catalog
    if document.path.startswith(CREDENTIALS_DIR + "/"):
        credential = credential_from(cleaned, document.path, stem)
        catalog.credentials.setdefault(credential.id, credential)
    elif document.path.startswith(PATHS_DIR + "/"):
        path = path_from(cleaned, document.path, stem)
        catalog.paths.setdefault(path.id, path)
    else:
        catalog.info = info_from(cleaned)


def credential_from(data: dict[str, Any], source: str, stem: str) -> model.Credential:
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
                options=[model.RenewalOption(**option) for option in renewal.get("options", []) if "kind" in option],
            )
            if renewal is not None
            else None
        ),
        expires_after=data.get("expires_after"),
        duplicates=data.get("duplicates", "deny"),
        emblem=model.Emblem(**emblem),
        url=data.get("url"),
    )


def path_from(data: dict[str, Any], source: str, stem: str) -> model.LearningPath:
    steps = []
    for step in data.get("steps", []):
        if "one_of" in step:
            steps.append(model.Step(options=list(step["one_of"]), one_of=True))
        elif "credential" in step:
            steps.append(model.Step(options=[step["credential"]]))
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
        base_url=data.get("base_url"),
        framework_date=parse_date(data["framework_date"]) if "framework_date" in data else None,
        # YAML 1.1 reads a bare `off` as false.
        rules={str(code): "off" if level is False else level for code, level in rules.items() if isinstance(level, str | bool)},
    )
