"""`cc validate` core: load the catalog, run every rule, return sorted problems. Prints nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cc_cli.catalog.files import CATALOG_FILE
from cc_cli.core.problems import ERROR, WARNING, Hit, Problem, UsageError
from cc_cli.core.text import suggest
from cc_cli.rules.context import Context
from cc_cli.rules.registry import RULES, Rule
from cc_cli.validate.load import LoadResult, load_catalog

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


def validate_catalog(root: Path) -> Report:
    """Every problem of the catalog at `root`, sorted by file, line, column and code."""
    load = load_catalog(root)
    hits = list(load.hits)
    hits.extend(run_rules(load))
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


def run_rules(load: LoadResult) -> Iterable[tuple[str, Hit]]:
    """The hits of the credential, path and catalog rules ("file" rules run as the loader reads each file;
    "roster" rules check roster rows at `cc issue`, never a catalog)."""
    catalog = load.catalog
    ctx = Context(catalog, catalog.root)
    ids = load.ids
    for rule in all_rules():
        if rule.scope == "credential":
            for credential in catalog.credentials.values():
                yield from ((rule.code, hit) for hit in rule.check(credential, ctx))
        elif rule.scope == "path":
            for path in catalog.paths.values():
                yield from ((rule.code, hit) for hit in rule.check(path, ctx))
        elif rule.scope == "catalog":
            yield from ((rule.code, hit) for hit in rule.check(ctx, ids))


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
