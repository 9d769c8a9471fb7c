"""Credential rules (CC201-CC219): what each classification, type and level must be, per the framework."""

from __future__ import annotations

from collections.abc import Iterator

from cc_cli.catalog import model
from cc_cli.catalog.formats import UUID
from cc_cli.core.durations import approximate_days
from cc_cli.core.problems import ERROR, WARNING, Hit
from cc_cli.rules.context import ASSESSMENT_KINDS, THOUGHT_LEADER_VALIDATION, Context
from cc_cli.rules.registry import rule


@rule("CC201", ERROR, "skill badge without a `type`, or with a `level`", "credential", per_file=True)
def skill_type(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Skill badges mark incremental milestones of a skill progression: foundational, intermediate, advanced
    or thought leader. Levels (associate, professional, advanced) belong to certifications.

    Passing:
        classification: skill
        type: intermediate
    Failing:
        classification: skill
        level: professional
    """
    if credential.classification != "skill":
        return
    if credential.type is None:
        yield Hit(
            credential.source,
            ("classification",),
            "skill badge needs a `type`: foundational, intermediate, advanced or thought-leader",
        )
    if credential.level is not None:
        yield Hit(
            credential.source, ("level",), "skill badges take a `type`, not a `level`: remove `level`", on_key=True
        )


@rule("CC202", ERROR, "certification without a `level`, or with a `type`", "credential", per_file=True)
def certification_level(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Professional certifications have three levels of competency and experience: associate,
    professional and advanced.

    Passing:
        classification: certification
        level: associate
    Failing:
        classification: certification
        type: advanced
    """
    if credential.classification != "certification":
        return
    if credential.level is None:
        yield Hit(
            credential.source, ("classification",), "certification needs a `level`: associate, professional or advanced"
        )
    if credential.type is not None:
        yield Hit(
            credential.source, ("type",), "certifications take a `level`, not a `type`: remove `type`", on_key=True
        )


@rule("CC203", ERROR, "certificate with a `type` or `level`", "credential", per_file=True)
def certificate_unlevelled(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """A certificate recognises a whole programme of learning; the framework gives it no type or level.

    Passing:
        classification: certificate
    Failing:
        classification: certificate
        type: advanced
    """
    if credential.classification != "certificate":
        return
    for name in ("type", "level"):
        if getattr(credential, name) is not None:
            yield Hit(credential.source, (name,), f"certificates have no `{name}`: remove it", on_key=True)


@rule(
    "CC204",
    ERROR,
    "Thought Leader not validated by sme-review, board-review, evidence or experience",
    "credential",
    per_file=True,
)
def thought_leader_validation(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """ "Thought Leader skill demonstration is typically validated by SME, Board review, evidence submissions,
    and verified experiential activities" - not by completing a course.

    Passing:
        type: thought-leader
        criteria: [{kind: board-review, description: Board review of published work.}]
    Failing:
        type: thought-leader
        criteria: [{kind: course, description: Complete the course.}]
    """
    if credential.classification != "skill" or credential.type != "thought-leader":
        return
    if not any(criterion.kind in THOUGHT_LEADER_VALIDATION for criterion in credential.criteria):
        kinds = ", ".join(THOUGHT_LEADER_VALIDATION)
        yield Hit(
            credential.source,
            ("criteria",),
            f"Thought Leader badges are validated by review, not courses: add a criterion of kind {kinds}",
        )


def learning_experiences(credential: model.Credential, ctx: Context) -> list[list[str]]:
    """A certificate's learning experiences: each component, and each step of its path (options grouped)."""
    groups = [[component] for component in dict.fromkeys(credential.components)]  # a repeat counts once
    seen = set(credential.components)
    path = ctx.catalog.paths.get(credential.path) if credential.path else None
    for step in path.steps if path else []:
        options = [option for option in step.options if option != credential.id]
        if options and not set(options) <= seen:
            groups.append(options)
            seen.update(options)
    return groups


@rule(
    "CC205", ERROR, "certificate aggregating fewer than 2 learning experiences (components or path steps)", "credential"
)
def certificate_aggregates(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """A certificate is earned through several learning experiences, taken along a prescribed learning path,
    that together cover a broader area of study.

    Passing:
        classification: certificate
        components: [data-science-methodology, python-for-data-science]
    Failing:
        classification: certificate
        components: [python-for-data-science]
    """
    if credential.classification != "certificate":
        return
    count = len(learning_experiences(credential, ctx))
    if count < 2:
        where = ("components",) if credential.components else ("classification",)
        yield Hit(
            credential.source,
            where,
            f"certificate aggregates {count} learning experience(s); list at least 2 in `components` or give a `path`",
        )


@rule("CC206", ERROR, "certificate with fewer than 2 assessments (its own or its components')", "credential")
def certificate_assessments(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """The framework asks for "multiple and varied assessment processes occurring throughout the learning
    program": assessments, exams, performance tests or projects, in the certificate or its components.

    Passing:
        criteria: [{kind: project, description: Capstone.}, {kind: assessment, description: Final quiz.}]
    Failing:
        criteria: [{kind: course, description: Complete the courses.}]
    """
    if credential.classification != "certificate":
        return
    count = sum(criterion.kind in ASSESSMENT_KINDS for criterion in credential.criteria)
    for group in learning_experiences(credential, ctx):
        counts = [
            sum(c.kind in ASSESSMENT_KINDS for c in found.criteria)
            for found in (ctx.credential(option) for option in group)
            if found is not None
        ]
        count += min(counts, default=0)  # an option the learner may skip cannot be counted on
    if count < 2:
        kinds = ", ".join(ASSESSMENT_KINDS)
        yield Hit(
            credential.source,
            ("criteria",),
            f"certificate has {count} assessment(s) across it and its components; add criteria of kind {kinds} to reach 2",
        )


@rule("CC207", ERROR, "certificate `time_to_earn` shorter than one week, or missing", "credential", per_file=True)
def certificate_time_to_earn(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """A certificate's "time to earn [is] measured in weeks or months - sometimes longer".

    Passing:
        time_to_earn: P6W
    Failing:
        time_to_earn: P20H
    """
    if credential.classification != "certificate":
        return
    if credential.time_to_earn is None:
        if "time_to_earn" in credential.invalid_fields:
            return  # malformed: CC106 said so
        yield Hit(
            credential.source, ("classification",), "certificate needs a `time_to_earn` of at least one week, e.g. P6W"
        )
        return
    days = approximate_days(credential.time_to_earn)
    if days is not None and days < 7:
        yield Hit(
            credential.source,
            ("time_to_earn",),
            f"`time_to_earn` {credential.time_to_earn} is under a week; certificates take weeks or months",
        )


@rule("CC208", ERROR, "certification without a proctored exam or a performance-test", "credential", per_file=True)
def certification_assessed(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Certification validates skills "through administration of proctored examination and/or
    performance-based testing".

    Passing:
        criteria: [{kind: exam, code: C1000-142, proctored: true, description: Pass the exam.}]
    Failing:
        criteria: [{kind: exam, proctored: false, description: Pass the online quiz.}]
    """
    if credential.classification != "certification":
        return
    if not any((c.kind == "exam" and c.proctored) or c.kind == "performance-test" for c in credential.criteria):
        yield Hit(
            credential.source,
            ("criteria",),
            "certification needs a proctored exam (`kind: exam`, `proctored: true`) or a `performance-test`",
        )


@rule(
    "CC209",
    ERROR,
    "certification tied to an educational event: a `course` criterion, or `requires` naming anything but certifications",
    "credential",
)
def certification_independent(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """ "The certification assessment is independent of any specific educational event or related learning
    opportunities": no course criterion, and prerequisites only of other certifications.

    Passing:
        classification: certification
        requires: [ibm-certified-associate-developer]
    Failing:
        classification: certification
        requires: [cloud-essentials]      # a skill badge, i.e. a course
    """
    if credential.classification != "certification":
        return
    for index, criterion in enumerate(credential.criteria):
        if criterion.kind == "course":
            yield Hit(
                credential.source,
                ("criteria", index, "kind"),
                "certifications are independent of courses: remove the `course` criterion (list it on a learning path instead)",
            )
    for index, required in enumerate(credential.requires):
        found = ctx.credential(required)
        if found is not None and found.classification != "certification":
            yield Hit(
                credential.source,
                ("requires", index),
                f"certification requires '{required}', a {found.classification}; certifications may only require certifications (recommend it on a path instead)",
            )


@rule(
    "CC210",
    ERROR,
    "certification without `renewal` (`valid_for` and at least one option; continuing-education needs hours > 0)",
    "credential",
    per_file=True,
)
def certification_renewal(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Certification "is also intended to measure or enhance continued competence through re-certification
    or renewal requirements": continuing education hours, proctored or unproctored re-assessment.

    Passing:
        renewal: {valid_for: P3Y, options: [{kind: continuing-education, hours: 40}]}
    Failing:
        renewal: {valid_for: P3Y, options: [{kind: continuing-education}]}
    """
    if credential.classification != "certification":
        return
    renewal = credential.renewal
    if renewal is None:
        yield Hit(
            credential.source,
            ("classification",),
            "certification needs `renewal` with `valid_for` (e.g. P3Y) and at least one option",
        )
        return
    for index, option in enumerate(renewal.options):
        if option.kind == "continuing-education" and not (option.hours and option.hours > 0):
            yield Hit(
                credential.source,
                ("renewal", "options", index),
                "continuing-education renewal needs `hours` greater than 0",
            )


@rule("CC211", WARNING, "certification without `job_roles`", "credential", per_file=True)
def certification_job_roles(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Certifications "are being aligned more tightly to industry standard job-roles".

    Passing:
        job_roles: [Cloud Administrator]
    Failing: a certification with no `job_roles`.
    """
    if credential.classification == "certification" and not credential.job_roles:
        yield Hit(
            credential.source,
            ("classification",),
            "certification lists no `job_roles`: name the industry job roles it is aligned to",
        )


@rule("CC212", ERROR, "prerequisite of a higher level than the credential", "credential")
def prerequisite_level(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Skill progression runs foundational < intermediate < advanced < thought-leader, certification
    associate < professional < advanced; a credential cannot require a higher step of its own ladder.

    Passing:
        type: advanced
        requires: [cloud-intermediate]
    Failing:
        type: intermediate
        requires: [cloud-advanced]
    """
    rank = credential.rank
    if rank is None:
        return
    for index, required in enumerate(credential.requires):
        found = ctx.credential(required)
        if found is None or found.classification != credential.classification or found.rank is None:
            continue
        if found.rank > rank:
            mine, theirs = credential.type or credential.level, found.type or found.level
            yield Hit(
                credential.source,
                ("requires", index),
                f"'{required}' is {theirs}, higher than this {mine} credential; require a lower level or swap them",
            )


@rule("CC215", WARNING, "foundational badge with prerequisites", "credential", per_file=True)
def foundational_prerequisites(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Foundational activities are for "individuals with little or no prior knowledge and experience"; a
    prerequisite keeps newcomers out.

    Passing: a foundational badge with no `requires`.
    Failing:
        type: foundational
        requires: [other-badge]
    """
    if credential.classification == "skill" and credential.type == "foundational" and credential.requires:
        yield Hit(
            credential.source,
            ("requires",),
            "foundational badges are for newcomers: remove `requires` or raise the type",
            on_key=True,
        )


@rule("CC216", ERROR, "legacy credential introduced on or after `framework_date`", "credential", per_file=True)
def legacy_before_framework(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Legacy credentials are those earned before the framework; anything introduced since follows it.

    Passing:
        legacy: true
        introduced: 2018-05-01      # framework_date 2020-01-01
    Failing:
        legacy: true
        introduced: 2021-05-01
    """
    framework = ctx.catalog.info.framework_date
    if credential.legacy and credential.introduced and framework and credential.introduced >= framework:
        yield Hit(
            credential.source,
            ("introduced",),
            f"introduced {credential.introduced}, on or after the framework date {framework}: remove `legacy: true`",
        )


@rule("CC217", WARNING, "fewer than 3 skills", "credential", per_file=True)
def enough_skills(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Credentials "connect learners to the skills and competencies most valued within the industry";
    skills are what employers search for.

    Passing:
        skills: [Cloud Computing, Virtual Machines, IaaS]
    Failing:
        skills: [Cloud]
    """
    if len(credential.skills) < 3 and "skills" not in credential.invalid_fields:
        yield Hit(
            credential.source,
            ("skills",),
            f"lists {len(credential.skills)} skill(s); name at least 3 so the credential can be found",
        )


ONLY_FOR = {
    "components": "certificate",
    "path": "certificate",
    "renewal": "certification",
    "job_roles": "certification",
}


@rule(
    "CC218",
    ERROR,
    "field that only one classification takes (`components`, `path`, `renewal`, `job_roles`...) used on another",
    "credential",
    per_file=True,
)
def classification_fields(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """Components and paths make a certificate; renewal and job roles belong to certifications; awards of a
    certification expire through `renewal.valid_for`, not `expires_after`. A field on the wrong
    classification would be ignored, so it is an error.

    Passing:
        classification: certification
        renewal: {valid_for: P3Y, options: [{kind: proctored-reassessment}]}
    Failing:
        classification: skill
        renewal: {valid_for: P3Y, options: [{kind: proctored-reassessment}]}
    """
    for name, owner in ONLY_FOR.items():
        if getattr(credential, name) and credential.classification not in ("", owner):
            yield Hit(
                credential.source,
                (name,),
                f"`{name}` is only for {owner}s, not a {credential.classification}: remove it",
                on_key=True,
            )
    if credential.classification == "certification" and credential.expires_after:
        yield Hit(
            credential.source,
            ("expires_after",),
            "certifications expire through `renewal.valid_for`: remove `expires_after`",
            on_key=True,
        )


@rule("CC219", ERROR, "`credly_template_id` not a UUID", "credential", per_file=True)
def credly_template_id(credential: model.Credential, ctx: Context) -> Iterator[Hit]:
    """An office moving from Credly keeps naming its credentials by the ids of their Credly badge templates:
    a roster downloaded from Credly's bulk issue names each award by its `Badge Template ID`, which `cc issue`
    resolves through `credly_template_id`. Credly's template ids are UUIDs (Credly: Developers, Template IDs);
    anything else (a template's name, its URL, a truncated copy) would match no roster row.

    Passing:
        credly_template_id: 5f0c1b4e-3d2a-4c8e-9b7f-1a2b3c4d5e6f
    Failing:
        credly_template_id: https://www.credly.com/org/acme/badge/cloud-essentials
    """
    value = credential.credly_template_id
    if isinstance(value, str) and not UUID.match(value.strip()):
        yield Hit(
            credential.source,
            ("credly_template_id",),
            f"credly_template_id '{value[:80]}' is not a UUID: copy the template's ID from Credly (Developers, "
            "Template IDs), e.g. 5f0c1b4e-3d2a-4c8e-9b7f-1a2b3c4d5e6f",
        )
