"""Learning path rules (CC301-CC305): "transparent and easily recognizable credentialed learning paths"."""

from __future__ import annotations

from collections.abc import Iterator

from cc_cli.catalog import model
from cc_cli.core.problems import ERROR, Hit
from cc_cli.rules.context import Context
from cc_cli.rules.registry import rule


def _step_where(path: model.LearningPath, index: int, option: str | None = None) -> tuple[str | int, ...]:
    """Where step `index` (or, in a `one_of`, its `option`) is written."""
    step = path.steps[index]
    if not step.one_of:
        return ("steps", index, "credential")
    if option is not None and option in step.options:
        return ("steps", index, "one_of", step.options.index(option))
    return ("steps", index, "one_of")


@rule("CC301", ERROR, "path with fewer than 2 steps, or a credential repeated", "path")
def path_steps(path: model.LearningPath, ctx: Context) -> Iterator[Hit]:
    """A path is a sequence of learning experiences; one step is not a path, and a credential earned twice
    on the same path is a mistake.

    Passing:
        steps: [{credential: cloud-essentials}, {credential: cloud-app-developer}]
    Failing:
        steps: [{credential: cloud-essentials}, {credential: cloud-essentials}]
    """
    if len(path.steps) == 1:  # no steps at all is CC101's
        yield Hit(path.source, ("steps",), f"path has {len(path.steps)} step(s); a learning path needs at least 2")
    seen: set[str] = set()
    for index, step in enumerate(path.steps):
        for option in step.options:
            if option in seen:
                yield Hit(
                    path.source,
                    _step_where(path, index, option),
                    f"'{option}' appears earlier in this path; list each credential once",
                )
            seen.add(option)


def _step_rank(path: model.LearningPath, index: int, ctx: Context) -> tuple[int, str] | None:
    """The lowest skill level among the step's options, with the option that has it."""
    ranks = [
        (found.rank, found.id)
        for found in (ctx.credential(option) for option in path.steps[index].options)
        if found is not None and found.classification == "skill" and found.rank is not None
    ]
    return min(ranks) if ranks else None


@rule("CC302", ERROR, "skill level goes down along a path", "path")
def path_progression(path: model.LearningPath, ctx: Context) -> Iterator[Hit]:
    """Paths show skill progression: a foundational badge after an advanced one sends learners backwards.

    Passing: foundational, then intermediate, then advanced.
    Failing: intermediate, then foundational.
    """
    highest: tuple[int, int] | None = None  # (rank, step index)
    for index in range(len(path.steps)):
        lowest = _step_rank(path, index, ctx)
        if lowest is None:
            continue
        rank, option = lowest
        if highest is not None and rank < highest[0]:
            word = model.SKILL_TYPES[rank]
            yield Hit(
                path.source,
                _step_where(path, index, option),
                f"step {index + 1} is {word}, lower than step {highest[1] + 1}; order steps from foundational up",
            )
        elif highest is None or rank > highest[0]:
            highest = (rank, index)


@rule("CC303", ERROR, "path step whose prerequisites are not earlier in the path", "path")
def path_prerequisites(path: model.LearningPath, ctx: Context) -> Iterator[Hit]:
    """A learner following the path in order must hold each step's prerequisites (`requires`, and a
    certificate's `components`) when they reach it. An option of an earlier `one_of` does not count: the
    learner may have chosen another.

    Passing: cloud-essentials, then cloud-app-developer (which requires cloud-essentials).
    Failing: cloud-app-developer first.
    """
    earlier: set[str] = set()
    optional: dict[str, int] = {}  # credential -> the `one_of` step that offers it
    for index, step in enumerate(path.steps):
        for option in step.options:
            found = ctx.credential(option)
            needed = [*found.requires, *found.components] if found else []
            for required in dict.fromkeys(needed):
                if required in earlier or ctx.credential(required) is None:  # unknown ids are CC107's
                    continue
                where = _step_where(path, index, option)
                if required in optional:
                    message = f"'{option}' requires '{required}', which is only one option of step {optional[required] + 1}; make it a step of its own"
                else:
                    message = f"'{option}' requires '{required}', which is not an earlier step; add it before step {index + 1}"
                yield Hit(path.source, where, message)
        if step.one_of:
            optional.update((option, index) for option in step.options if option not in earlier)
        else:
            earlier.update(step.options)


@rule("CC304", ERROR, "`one_of` with fewer than 2 options", "path")
def one_of_options(path: model.LearningPath, ctx: Context) -> Iterator[Hit]:
    """`one_of` offers a choice; with one option write `credential: ID` instead.

    Passing:
        - one_of: [cloud-native-developer, serverless-developer]
    Failing:
        - one_of: [cloud-native-developer]
    """
    for index, step in enumerate(path.steps):
        if step.one_of and len(step.options) < 2:
            yield Hit(
                path.source,
                ("steps", index, "one_of"),
                "`one_of` needs at least 2 options; for a single one write `credential: ID`",
            )


@rule("CC305", ERROR, "`leads_to` not a certification or certificate", "path")
def leads_to_kind(path: model.LearningPath, ctx: Context) -> Iterator[Hit]:
    """Paths lead towards a certificate or a certification ("credentialed learning paths").

    Passing:
        leads_to: ibm-certified-cloud-developer
    Failing:
        leads_to: cloud-essentials       # a skill badge
    """
    found = ctx.credential(path.leads_to) if path.leads_to else None
    if found is not None and found.classification not in ("certification", "certificate"):
        yield Hit(
            path.source,
            ("leads_to",),
            f"'{path.leads_to}' is a {found.classification}; `leads_to` names a certification or certificate",
        )
