"""`cc validate` core: load the catalog, run every rule, return sorted problems. Prints nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.catalog.files import CATALOG_FILE
from cc_cli.core.problems import ERROR, WARNING, Hit, Problem, UsageError
from cc_cli.core.text import suggest
from cc_cli.rules.context import Context
from cc_cli.rules.registry import RULES, Rule
from cc_cli.validate.load import Checker, LoadResult, load_catalog

SEVERITY_WORDS = ("off", WARNING, ERROR)
UNREADABLE = ("CC001", "CC002", "CC003")  # always errors: the file's content is unknown


@dataclass(slots=True)
class Report:
    problems: list[Problem]
    files: list[str]
    load: LoadResult | None = field(default=None, repr=False)

    @property
    def errors(self) -> int:
        return sum(problem.severity == ERROR for problem in self.problems)

    @property
    def warnings(self) -> int:
        return sum(problem.severity == WARNING for problem in self.problems)

    def summary(self) -> dict[str, int]:
        return {"files": len(self.files), "errors": self.errors, "warnings": self.warnings}


def validate_catalog(root: Path, *, models: bool = True) -> Report:
    """Every problem of the catalog at `root`, sorted by file, line, column and code.

    The per-file rules run on each credential as its file is read (in the loader's workers), the others
    after loading. `models=False`: the report's catalog holds slim credentials (see `slim_credential`),
    enough for `cc validate` itself and cheaper to load; commands that go on to use it need models."""
    load = load_catalog(root, check=per_file_checker, slim=not models)
    hits = list(load.hits)
    hits.extend(load.checked)
    hits.extend(run_rules(load, per_file=False))
    overrides, override_hits = severity_overrides(load)
    hits.extend(override_hits)
    problems = to_problems(hits, load, overrides)
    return Report(problems=sorted(set(problems)), files=load.files, load=load)


def require_valid(root: Path, *, draw: Iterable[str] | None = None) -> LoadResult:
    """The loaded catalog at `root`, or a UsageError that counts its errors and says what to run.

    Commands that publish or sign from the catalog (issue, site, export) need every rule to pass
    (`draw` None). Drawing emblems (`draw`: the ids of the credentials to draw, empty for all) needs only
    a well-formed `catalog.yaml` and credential files, which loading checks anyway, and no `rules:`
    override may switch that off: an emblem drawn from a misspelt classification would show the wrong
    shape. A cross-file rule (a prerequisite cycle, say) or a broken path file changes no drawing."""
    if draw is None:
        report = validate_catalog(root)
        load, errors = report.load, report.errors
    else:
        wanted = set(draw)
        load = load_catalog(root)
        drawn = [(code, hit) for code, hit in load.hits if _draws_from(hit.source, wanted)]
        errors = sum(problem.severity == ERROR for problem in to_problems(drawn, load, {}))
    if errors:
        raise UsageError(
            f"the catalog {root} has {errors} error(s): run `cc validate --catalog {root}` and fix them first"
        )
    assert load is not None
    return load


def _draws_from(source: str, wanted: set[str]) -> bool:
    """Whether an emblem drawing reads this catalog file: catalog.yaml, and the credentials drawn."""
    if source == CATALOG_FILE:
        return True
    folder, _, name = source.partition("/")
    return folder == "credentials" and (not wanted or name.removesuffix(".yaml") in wanted)


def run_rules(load: LoadResult, *, per_file: bool = True) -> Iterable[tuple[str, Hit]]:
    """The hits of the credential, path and catalog rules ("file" rules run as the loader reads each file;
    "roster" rules check roster rows at `cc issue`, never a catalog). `per_file=False`: without the
    per-file credential rules, which the loader's `check` ran (`per_file_checker`)."""
    from cc_cli.rules.emblem_rules import known_bands

    catalog = load.catalog
    ctx = Context(catalog, catalog.root)
    ids = load.ids
    if not per_file:
        known_bands(ctx, {source: band for source, (band,) in load.kept.items()})
    for rule in all_rules():
        if rule.scope == "credential" and (per_file or not rule.per_file):
            for credential in catalog.credentials.values():
                yield from ((rule.code, hit) for hit in rule.check(credential, ctx))
        elif rule.scope == "path":
            for path in catalog.paths.values():
                yield from ((rule.code, hit) for hit in rule.check(path, ctx))
        elif rule.scope == "catalog":
            yield from ((rule.code, hit) for hit in rule.check(ctx, ids))


class _Elsewhere(dict[str, Any]):
    """The other files' credentials and paths, which a per-file rule must not read: reading raises."""

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise RuntimeError("a per-file rule read another credential or path: it is not per-file")

    __getitem__ = __contains__ = __iter__ = __len__ = get = keys = values = items = _refuse


def per_file_checker(info: model.CatalogInfo, root: Path, forks: bool) -> Checker:
    """The per-file credential rules, for the loader to run on each credential as it reads the file; each
    also keeps its title band (`title_band`, in a 1-tuple) for CC406 and CC407, if it draws an emblem.
    `forks`: workers will fork from this process; the fonts are read first, once for all of them."""
    from cc_cli.rules.emblem_rules import draws_emblem, title_band, warm

    if forks:
        warm()

    catalog = model.Catalog(root=root, info=info, credentials=_Elsewhere(), paths=_Elsewhere())
    ctx = Context(catalog, root)
    rules = [rule for rule in all_rules() if rule.per_file]

    def check(credential: model.Credential) -> tuple[list[tuple[str, Hit]], Any]:
        found = [(rule.code, hit) for rule in rules for hit in rule.check(credential, ctx)]
        return found, (title_band(credential, ctx),) if draws_emblem(credential) else None

    return check


def severity_overrides(load: LoadResult) -> tuple[dict[str, str], list[tuple[str, Hit]]]:
    """`rules:` in catalog.yaml: {code: off|warning|error}; unknown codes and words are problems.

    Only the rules `cc validate` runs can be named: a roster rule (CC5xx) is, to `rules:`, an unknown rule
    (CC102), as it was before roster rules joined the registry; a row that fails one cannot be issued, so its
    severity is not the catalog's to change."""
    known = {code: found for code, found in RULES.items() if found.scope not in ("roster", "import")}
    document = load.document(CATALOG_FILE)
    raw = document.data.get("rules") if document else None
    overrides: dict[str, str] = {}
    hits: list[tuple[str, Hit]] = []
    if not isinstance(raw, dict):
        return overrides, hits
    for code, level in raw.items():
        word = "off" if level is False else level
        if code in UNREADABLE:
            message = f"{code} cannot be changed: a file cc cannot read would silently drop out of the catalog"
            hits.append(("CC103", Hit(CATALOG_FILE, ("rules", code), message)))
        elif code not in known:
            hits.append(
                (
                    "CC102",
                    Hit(
                        CATALOG_FILE, ("rules", code), f"unknown rule '{code}'{suggest(str(code), known)}", on_key=True
                    ),
                )
            )
        elif word not in SEVERITY_WORDS:
            hits.append(
                (
                    "CC103",
                    Hit(
                        CATALOG_FILE,
                        ("rules", code),
                        f"severity of {code} is '{level}', not one of: off, warning, error"
                        + suggest(str(level), SEVERITY_WORDS),
                    ),
                )
            )
        else:
            overrides[code] = word
    return overrides, hits


def to_problems(hits: Iterable[tuple[str, Hit]], load: LoadResult, overrides: dict[str, str]) -> list[Problem]:
    problems = []
    for code, hit in hits:
        severity = overrides.get(code, RULES[code].severity if code in RULES else ERROR)
        if severity == "off":
            continue
        line, column = load.locate(hit)
        problems.append(Problem(hit.source, line, column, code, severity, hit.message))
    return problems


def all_rules() -> list[Rule]:
    """Every rule, sorted by code; importing the rule modules registers them."""
    from cc_cli.rules import (  # noqa: F401
        catalog_rules,
        credential_rules,
        emblem_rules,
        import_rules,
        notify_rules,
        path_rules,
        roster_rules,
        shape_rules,
    )

    return [RULES[code] for code in sorted(RULES)]
