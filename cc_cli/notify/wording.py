"""The framework's words per classification, and the links an award email carries.

The sentences follow the Connected Credentials framework text (seed/connected-credentials-framework.txt),
without the IBM brand, so that any issuer's catalog reads right. Templates get them as `framework`.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

from cc_cli.catalog import model

SKILL_WORDS = {
    "foundational": "Foundational activities are geared toward learners who are new to the subject matter, to learn "
    "basic concepts and build foundational knowledge toward a working knowledge of the topic.",
    "intermediate": "Intermediate activities are for learners who have acquired some competence in the topic through "
    "training, education or work experience, and who build upon foundational knowledge, hone their skills and "
    "advance their understanding of the topic.",
    "advanced": "Advanced activities are for learners who have achieved a higher degree of technical competence "
    "through expanded training and work experience, and who build toward mastery in a specific technical area.",
    "thought-leader": "Thought Leader credentials are earned by subject matter experts who are frequently consulted for "
    "their mastery-level knowledge and skills, who apply them in the most challenging situations and coach and "
    "mentor others in doing the same. Thought Leader skill is validated by expert or board review, evidence "
    "submissions and verified experience.",
}
CERTIFICATE_WORDS = (
    "A certificate validates knowledge, skills and abilities achieved through the aggregation of multiple learning "
    "experiences, structured as a prescriptive learning pathway, with multiple and varied assessments along the "
    "way; it takes weeks or months to earn."
)
CERTIFICATION_WORDS = (
    "A professional certification validates knowledge, skills and abilities for essential job roles through a "
    "proctored examination and/or a performance-based test, independent of any educational event. It is kept "
    "current through re-certification or renewal."
)


def framework_words(credential: model.Credential) -> str:
    """What the framework says this kind of credential is, in one or two sentences."""
    if credential.classification == "skill":
        return SKILL_WORDS.get(credential.type or "foundational", SKILL_WORDS["foundational"])
    if credential.classification == "certificate":
        return CERTIFICATE_WORDS
    return CERTIFICATION_WORDS


def renewal_words(credential: model.Credential) -> list[str]:
    """The renewal options in words: 'Continuing education (40 hours)', 'Proctored re-assessment'."""
    if credential.renewal is None:
        return []
    words = []
    for option in credential.renewal.options:
        text = model.RENEWAL_WORDS.get(option.kind, option.kind)
        if option.hours:
            hours = int(option.hours) if float(option.hours).is_integer() else option.hours
            text += f" ({hours} hours)"
        words.append(text)
    return words


def site_url(base_url: str | None, credential_id: str) -> str | None:
    """The credential's page on the catalog site that `cc site` builds and base_url publishes."""
    if not base_url:
        return None
    return f"{base_url.rstrip('/')}/credentials/{quote(credential_id)}.html"


def linkedin_url(
    title: str, issuer: str, issued: datetime, expires: datetime | None, award_id: str, page: str | None
) -> str:
    """LinkedIn's add-to-profile link ("Add licence or certification"), filled in: name, organisation,
    issue and expiry month and year, credential id and URL."""
    params: dict[str, str | int] = {
        "startTask": "CERTIFICATION_NAME",
        "name": title,
        "organizationName": issuer,
        "issueYear": issued.year,
        "issueMonth": issued.month,
    }
    if expires is not None:
        params["expirationYear"] = expires.year
        params["expirationMonth"] = expires.month
    params["certId"] = award_id.removeprefix("urn:uuid:")
    if page:
        params["certUrl"] = page
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)
