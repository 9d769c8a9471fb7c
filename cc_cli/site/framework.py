"""The framework's own words for each classification, type and level, quoted on the site's credential pages.

The issue asks the site to say what a classification means "in the framework's words": these are verbatim
sentences from the framework text (`seed/connected-credentials-framework.txt`, IBM's post "IBM Connected
Credentials: Evolving the IBM Skills Recognition Framework"), attributed where they are shown. They are
quotations, so they keep the framework's own wording (including "IBM"); the test suite checks that each one
still appears word for word in the source, so an edit here cannot silently put words in the framework's mouth.
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_TITLE = "IBM Connected Credentials: Evolving the IBM Skills Recognition Framework"


@dataclass(frozen=True, slots=True)
class Quote:
    heading: str  # the framework's own heading for the passage
    paragraphs: tuple[str, ...]
    points: tuple[str, ...] = ()  # the passage's bullet points, if any


CLASSIFICATIONS: dict[str, Quote] = {
    "skill": Quote(
        "IBM Skill Progression",
        (
            "IBM recognizes the importance of providing learners with credentials reflecting and detailing achievement of important skill progression milestones and essential discrete level expertise acquired incrementally throughout the learning journey.",
        ),
    ),
    "certificate": Quote(
        "IBM Certificate",
        (
            "Validation of knowledge, skills and abilities achieved through the aggregation of multiple learning experiences structured as a prescriptive learning pathway supporting skill development within a more comprehensive area of study",
        ),
        (
            "Recognizes learning outcomes associated with a series of structured learning experiences",
            "Multiple and varied assessment processes occurring throughout the learning program",
            "Time to earn measured in weeks or months – sometimes longer",
            "Can be established for programs targeting both newcomers and experienced professionals",
        ),
    ),
    "certification": Quote(
        "IBM Professional Certification",
        (
            "IBM Professional Certification provides validation of IBM technology-oriented knowledge, skills and abilities for essential job-roles through administration of proctored examination and/or performance-based testing. The certification assessment is independent of any specific educational event or related learning opportunities. Certification is also intended to measure or enhance continued competence through re-certification or renewal requirements. Re-certification may require mandatory continuing education hours, proctored re-assessment, non-proctored re-assessment or a combination thereof.",
        ),
    ),
}

# Skill badge types have a passage each; certification levels share one.
_LEVELS = Quote(
    "Certification levels",
    (
        "Three levels of potential achievement represent progressive levels of competency and experience, which includes Associate, Professional and Advanced respectively. What each level represents is uniquely defined for each certification offering based on subject matter complexity and related job role expectations.",
    ),
)
GRADES: dict[str, Quote] = {
    "foundational": Quote(
        "Foundational",
        (
            "Foundational activities are geared toward learners who are new to the subject matter and seeking to learn basic concepts and build foundational knowledge in support of efforts to gain a working knowledge of the topic. These credentials are typically issued to individuals with little or no prior knowledge and experience with the subject matter represented by the credential.",
        ),
    ),
    "intermediate": Quote(
        "Intermediate",
        (
            "Intermediate level activities are geared toward learners who have acquired some degree of competence in the covered topic resulting from prior training, education and/or work experience. Intermediate level activities are for learners who seek to build upon foundational knowledge, refine and better hone their skills, and advance their understanding of the topic.",
        ),
    ),
    "advanced": Quote(
        "Advanced",
        (
            "Advanced activities are tailored toward learners who have already achieved a higher degree of technical competence in the subject matter resulting from expanded training and supplemental work experience. Advanced level activities are for learners who wish to build upon intermediate knowledge and field experience toward the achievement of mastery in a specific technical area.",
        ),
    ),
    "thought-leader": Quote(
        "Thought Leader",
        (
            "Thought Leader credentials are earned by subject matter experts who are frequently consulted for their mastery level knowledge and skills. They are able to apply those skills in the most challenging situations and are highly effective at coaching and mentoring others in doing the same. A Thought Leader is an innovator and respected authority on the related subject matter. Thought Leader skill demonstration is typically validated by SME, Board review, evidence submissions, and verified experiential activities.",
        ),
    ),
}

LEGACY = Quote(
    "Credentials earned before the framework",
    (
        "Although no plans are in place to apply the new design language retroactively, it’s important to know that prior achievements recognized through the IBM badging program remain as relevant and important as ever.",
    ),
)


def quotes_for(classification: str, type_: str | None, level: str | None, legacy: bool) -> list[Quote]:
    """What the framework says about a credential of this kind: its classification, then its type or level."""
    found = [CLASSIFICATIONS[classification]] if classification in CLASSIFICATIONS else []
    if classification == "skill" and type_ in GRADES:
        found.append(GRADES[type_])
    elif classification == "certification" and level:
        found.append(_LEVELS)
    if legacy:
        found.append(LEGACY)
    return found


def all_quotes() -> list[Quote]:
    """Every quotation, for the test that checks them against the framework text."""
    return [*CLASSIFICATIONS.values(), *GRADES.values(), _LEVELS, LEGACY]
