"""The words of an email, in the credential's language, and the links an award email carries.

Every fixed word comes from cc's texts (`cc_cli.catalog.texts`, `cc_cli/data/texts/<language>.yaml`, keys
`email.*`, the classification names and the framework's own words), so an email reads in the catalog's
language (or the credential's own `language:`), with any word the catalog corrects in its `texts:` block;
no issuer's name is written here. Templates get `t` (the words: `t("email.greeting", name=...)`, and
`t.html(...)` for a sentence with markup in it), `lang` and `dir` for the HTML, and the sentences' parts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from cc_cli.catalog import model
from cc_cli.catalog.texts import Texts, alt_text, catalog_texts, grade_word

CLASSIFICATIONS = ("skill", "certificate", "certification")


def framework_words(words: Texts, credential: model.Credential) -> str:
    """What the framework says this kind of credential is (for a skill badge: its type), in cc's words."""
    if credential.classification == "skill":
        return words(f"framework.{credential.type or 'foundational'}.text")
    if credential.classification == "certificate":
        return words("framework.certificate.text")
    return words("framework.certification.text")


def renewal_words(words: Texts, credential: model.Credential) -> list[str]:
    """The renewal options in words: 'Continuing education (40 hours)', 'Proctored re-assessment'."""
    if credential.renewal is None:
        return []
    said = []
    for option in credential.renewal.options:
        text = words(f"renewal.{option.kind}")
        if option.hours:
            hours = int(option.hours) if float(option.hours).is_integer() else option.hours
            text = words("email.renewal_hours", option=text, hours=hours)
        said.append(text)
    return said


def strong(text: object) -> Markup:
    return Markup("<strong>{}</strong>").format(text)


def code(text: object) -> Markup:
    return Markup("<code>{}</code>").format(text)


def mailto(address: object) -> Markup:
    return Markup('<a href="mailto:{0}" style="color:#0f62fe;">{0}</a>').format(address)


def credential_words(info: Any, credential: model.Credential) -> dict[str, Any]:
    """The part of a template's context that depends only on the credential (made once per run)."""
    words = catalog_texts(info, credential)
    classification = credential.classification if credential.classification in CLASSIFICATIONS else "certificate"
    grade = grade_word(words, credential)
    title = credential.title
    return {
        "t": words,
        "lang": words.language,
        "dir": words.direction,
        "start": "right" if words.direction == "rtl" else "left",
        "classification": classification,
        "kind": words(f"email.kind.{classification}"),
        "level": grade or None,
        "credential_line": words("email.title_grade", title=title, grade=grade) if grade else title,
        "credential_html": words.html("email.title_grade", title=strong(title), grade=grade)
        if grade
        else strong(title),
        "alt": alt_text(words, credential),
        "framework": framework_words(words, credential),
        "renewal_options": renewal_words(words, credential),
        "strong": strong,
        "code": code,
        "mailto": mailto,
    }


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
