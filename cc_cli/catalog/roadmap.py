"""Learning paths as roadmaps: steps in order, options side by side, and what each credential leads to.

The framework's third aim is "transparent and easily recognizable credentialed learning paths". The YAML only
says which credentials a path lists; this module works out what a learner sees on a roadmap (each
credential's kind, level and time to earn, the next step it opens, the certification the path prepares
for) once, so the terminal view (`cc paths`), the site's SVG diagram and the JSON output all agree.

Core module: no typer, no rich. It never raises for a bad catalog (an unknown id becomes a stop marked
`known=False`), because `cc paths` is also how people look at a catalog that does not validate yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cc_cli.catalog.model import CLASSIFICATION_WORDS, LEVEL_WORDS, TYPE_WORDS, Catalog, Credential, LearningPath
from cc_cli.core.durations import describe
from cc_cli.core.problems import UsageError
from cc_cli.core.text import closest


@dataclass(frozen=True, slots=True)
class Stop:
    """One credential as a roadmap shows it."""

    id: str
    title: str
    known: bool  # False: the path names an id the catalog does not have
    classification: str | None = None
    kind: str = "unknown"  # the emblem kind ('skill-foundational', 'certification-associate', 'legacy'...)
    grade: str | None = None  # 'Foundational', 'Associate'... (type or level word), None for certificates
    time_to_earn: str | None = None  # ISO 8601 as written in the catalog
    status: str | None = None
    leads_to: tuple[str, ...] = ()  # ids of what this stop opens on this path

    @property
    def classification_words(self) -> str:
        """'skill badge', 'certificate', 'professional certification' (or 'unknown credential')."""
        return CLASSIFICATION_WORDS.get(self.classification or "", "unknown credential")

    @property
    def time_words(self) -> str | None:
        """'8 hours', '6 weeks': durations as people say them."""
        return describe(self.time_to_earn) if self.time_to_earn else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "known": self.known,
            "classification": self.classification,
            "grade": self.grade,
            "kind": self.kind,
            "status": self.status,
            "time_to_earn": self.time_to_earn,
            "time_to_earn_words": self.time_words,
            "leads_to": list(self.leads_to),
        }


@dataclass(frozen=True, slots=True)
class RoadmapStep:
    number: int  # 1-based
    one_of: bool  # True: the learner earns one of the options
    options: tuple[Stop, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.number, "one_of": self.one_of, "options": [stop.as_dict() for stop in self.options]}


@dataclass(frozen=True, slots=True)
class Roadmap:
    path: LearningPath
    steps: tuple[RoadmapStep, ...]
    goal: Stop | None  # the certification (or certificate) the path prepares for: recommended, never required

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.path.id,
            "title": self.path.title,
            "description": self.path.description,
            "audience": self.path.audience,
            "status": self.path.status,
            "steps": [step.as_dict() for step in self.steps],
            "leads_to": self.goal.as_dict() if self.goal else None,
        }


@dataclass(frozen=True, slots=True)
class PathSummary:
    """One row of `cc paths`."""

    id: str
    title: str
    audience: str | None
    status: str
    steps: int
    credentials: int
    leads_to: str | None
    leads_to_title: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "audience": self.audience,
            "status": self.status,
            "steps": self.steps,
            "credentials": self.credentials,
            "leads_to": self.leads_to,
            "leads_to_title": self.leads_to_title,
        }


@dataclass(slots=True)
class Relations:
    """Who points at whom, the reverse of `requires`, `components`, path steps and `leads_to`.

    A credential page shows what a credential opens ("required by", "part of") and the paths it is on;
    computing the reverse maps once keeps a 10,000-credential site linear.
    """

    required_by: dict[str, list[str]] = field(default_factory=dict)
    part_of: dict[str, list[str]] = field(default_factory=dict)
    on_paths: dict[str, list[str]] = field(default_factory=dict)


def grade(credential: Credential) -> str | None:
    """The type (skills) or level (certifications) as a word, None for certificates."""
    return TYPE_WORDS.get(credential.type or "") or LEVEL_WORDS.get(credential.level or "")


def stop(catalog: Catalog, credential_id: str, leads_to: tuple[str, ...] = ()) -> Stop:
    credential = catalog.credentials.get(credential_id)
    if credential is None:
        return Stop(id=credential_id, title=credential_id, known=False, leads_to=leads_to)
    return Stop(
        id=credential.id,
        title=credential.title,
        known=True,
        classification=credential.classification,
        kind=credential.kind,
        grade=grade(credential),
        time_to_earn=credential.time_to_earn,
        status=credential.status,
        leads_to=leads_to,
    )


def find_path(catalog: Catalog, path_id: str) -> LearningPath:
    """The path `path_id`, or a UsageError that names the closest id."""
    if path_id in catalog.paths:
        return catalog.paths[path_id]
    close = closest(path_id, sorted(catalog.paths))
    hint = f" (did you mean {close!r}?)" if close else ""  # quoted as cc paths quotes ids
    known = ", ".join(sorted(catalog.paths)) or "none"
    raise UsageError(f"no learning path {path_id!r} in the catalog{hint}; paths: {known}")


def roadmap(catalog: Catalog, path: LearningPath | str, relations: Relations | None = None) -> Roadmap:
    """The path as a roadmap: each option leads to every option of the next step, the last step to the goal,
    and the goal to what requires it. Pass `relations` when drawing many paths, to compute them once."""
    if isinstance(path, str):
        path = find_path(catalog, path)
    steps = [step for step in path.steps if step.options]
    built: list[RoadmapStep] = []
    for index, step in enumerate(steps):
        if index + 1 < len(steps):
            following = tuple(steps[index + 1].options)
        else:
            following = (path.leads_to,) if path.leads_to else ()
        options = tuple(stop(catalog, option, following) for option in step.options)
        built.append(RoadmapStep(number=index + 1, one_of=step.one_of and len(step.options) > 1, options=options))
    goal = None
    if path.leads_to:
        relations = relations or relations_of(catalog)
        goal = stop(catalog, path.leads_to, tuple(relations.required_by.get(path.leads_to, ())))
    return Roadmap(path=path, steps=tuple(built), goal=goal)


def summaries(catalog: Catalog) -> list[PathSummary]:
    """Every path, sorted by id, for the `cc paths` table."""
    rows = []
    for path_id in sorted(catalog.paths):
        path = catalog.paths[path_id]
        goal = catalog.credentials.get(path.leads_to or "")
        rows.append(
            PathSummary(
                id=path.id,
                title=path.title,
                audience=path.audience,
                status=path.status,
                steps=len([step for step in path.steps if step.options]),
                credentials=len(set(path.credential_ids())),
                leads_to=path.leads_to,
                leads_to_title=goal.title if goal else None,
            )
        )
    return rows


def relations_of(catalog: Catalog) -> Relations:
    """The reverse links of the whole catalog, each list sorted and without repeats."""
    relations = Relations()
    for credential in catalog.credentials.values():
        for required in credential.requires:
            relations.required_by.setdefault(required, []).append(credential.id)
        for component in credential.components:
            relations.part_of.setdefault(component, []).append(credential.id)
        if credential.path:  # a certificate's own prescriptive path: its steps are part of it
            path = catalog.paths.get(credential.path)
            for member in path.credential_ids() if path else ():
                relations.part_of.setdefault(member, []).append(credential.id)
    for path in catalog.paths.values():
        for member in [*path.credential_ids(), *([path.leads_to] if path.leads_to else [])]:
            relations.on_paths.setdefault(member, []).append(path.id)
    for table in (relations.required_by, relations.part_of, relations.on_paths):
        for key, values in table.items():
            table[key] = sorted(set(values))
    return relations
