"""Emails in the catalog's language (issue 18): every fixed word of an award email, a renewal reminder and
a revocation notice comes from cc's texts (`cc_cli/data/texts`, `email.*`), in the catalog's language or the
credential's own, corrected by the catalog's `texts:` block; the HTML part says its `lang` and `dir`; and a
catalog by another issuer than the sample's gets no "IBM" anywhere. Sent for real through aiosmtpd.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from html import unescape
from pathlib import Path

import pytest

from cc_cli.catalog.texts import SHIPPED, shipped_words
from tests.i18n_catalog import write_catalog
from tests.smtp_server import Mailbox, serve
from tests.test_notify import NOTIFY, award_ids, by_recipient, invoke, issue, notify, with_port

OVERRIDE = 'email.greeting: "Salut {name} !"'


def english_fragments() -> list[str]:
    """Every fixed piece of English an email can hold: the email texts split at their placeholders, and the
    words of classifications, grades and renewal options (product names such as "Open Badges 3.0",
    "LinkedIn" and "Learner Credential Wallet" only occur inside longer fragments)."""
    english = shipped_words("en")
    pieces: set[str] = set()
    for key, text in english.items():
        if key.startswith(("email.", "type.", "level.", "renewal.", "framework.")) and not key.endswith(".heading"):
            for piece in re.split(r"\{[a-z_]+\}", text):
                piece = piece.strip(" .,:;()!")
                if len(re.findall(r"[A-Za-z]", piece)) >= 5 and piece not in ("LinkedIn",):
                    pieces.add(piece)
    return sorted(pieces)


def parts(message: EmailMessage) -> tuple[str, str, str]:
    """Subject, plain text, and HTML (its character references read: `&#39;` is an apostrophe)."""
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return str(message["Subject"]), text, unescape(html)


@pytest.fixture
def french(tmp_path: Path) -> tuple[Path, Path]:
    """The French catalog of another issuer (tests/i18n_catalog.py), awards of a skill badge, a
    certification (with renewal) and an Arabic skill badge issued, with notify settings."""
    catalog = write_catalog(tmp_path / "catalog")
    path = catalog / "catalog.yaml"
    text = path.read_text(encoding="utf-8").replace("texts:\n  fr:\n", f"texts:\n  fr:\n    {OVERRIDE}\n")
    path.write_text(text + NOTIFY, encoding="utf-8")
    issue(tmp_path, catalog, ["lea@example.com,Léa Tremblay,analyse-de-donnees,2024-02-01",
                              "sam@example.com,Samuel Roy,analyste-certifie,2024-02-01"])  # fmt: skip
    out = issue(tmp_path, catalog, ["lea@example.com,Léa Tremblay,ilm-al-bayanat,2024-03-01"])
    return catalog, out


def test_a_french_catalog_emails_in_french_and_an_arabic_credential_right_to_left(french: tuple[Path, Path]) -> None:
    catalog, out = french
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port)
    assert code == 0 and "sent 3" in stdout, stdout + stderr
    messages = {(r.rcpt_tos[0], r.message()["Subject"][:4]): r.message() for r in mailbox.messages}
    assert len(messages) == 3
    fragments = english_fragments()
    assert "You have earned the skill badge" in fragments and "Dear" not in fragments  # what is checked

    sam = parts(by_recipient(mailbox)["sam@example.com"])
    assert sam[0] == "Certification obtenue : Analyste de données certifié (Associé)"
    for part in sam[1:]:
        assert "Salut Samuel Roy !" in part, "the catalog's `texts:` corrects a word"
        assert "Vous avez obtenu la certification professionnelle" in part
        assert "Formation continue (30 heures)" in part and "Valable jusqu'au 2027-02-01" in sam[2]
        assert "Ajouter à mon profil LinkedIn" in part and "Comment conserver ce titre" in part
    french_messages = [m for m in mailbox.parsed() if not m["Subject"].startswith("حصلت")]
    assert len(french_messages) == 2
    for message in french_messages:
        subject, text, html = parts(message)
        assert '<html lang="fr" dir="ltr">' in html
        for piece in fragments:
            for where, part in (("subject", subject), ("text", text), ("html", html)):
                assert piece not in part, f"English '{piece}' in the {where} of {subject}"
        assert "Dear" not in text + html and "Congratulations" not in text + html
    lea = [m for m in mailbox.parsed() if m["To"].addresses[0].addr_spec == "lea@example.com"]
    arabic = next(m for m in lea if m["Subject"].startswith("حصلت"))
    subject, text, html = parts(arabic)
    assert subject == "حصلت على شارة المهارة أساسيات علم البيانات (متوسط)"
    assert '<html lang="ar" dir="rtl">' in html and "padding-right:20px" in html
    assert "تهانينا!" in text and "المهارات" in html
    for piece in fragments:
        assert piece not in subject + text + html, f"English '{piece}' in the Arabic message"


def test_a_catalog_by_another_issuer_sends_no_ibm_word(french: tuple[Path, Path]) -> None:
    catalog, out = french
    mailbox = Mailbox()
    with serve(mailbox) as port:
        with_port(catalog, port)
        assert notify(catalog, out, port)[0] == 0
        code, stdout, stderr = invoke(
            "expiring", "--catalog", str(catalog), "--out", str(out), "--at", "2026-12-31", "--within", "P60D",
            "--notify",
        )  # fmt: skip
        assert code == 0 and "sent 1" in stderr, stdout + stderr
        sam = award_ids(out)["sam@example.com"]
        args = ["revoke", sam, "--reason", "erreur de saisie", "--out", str(out), "--catalog", str(catalog)]
        code, stdout, stderr = invoke(*args, "--key", str(out.parent / "issuer.key"), "--notify")
        assert code == 0, stdout + stderr
    assert len(mailbox.messages) == 5
    for received in mailbox.messages:
        message = received.message()
        for part in message.walk():
            if part.get_content_maintype() == "text" or part.get_content_type() == "application/json":
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes) and b"IBM" not in payload, message["Subject"]
        headers = received.data.split(b"\r\n\r\n", 1)[0]
        assert b"IBM" not in headers
    reminder = next(m for m in mailbox.parsed() if m["Subject"].startswith("Renouvelez"))
    subject, text, html = parts(reminder)
    assert (
        subject
        == "Renouvelez votre certification professionnelle Analyste de données certifié : elle expire le 2027-02-01"
    )
    assert "expire le 2027-02-01, dans 32 jour(s)." in text and "Formation continue (30 heures)" in html
    revoked = next(m for m in mailbox.parsed() if "révoquée" in m["Subject"])
    subject, text, html = parts(revoked)
    assert subject == "Votre certification professionnelle Analyste de données certifié a été révoquée"
    assert "Motif : erreur de saisie" in text and "<strong>Motif</strong> : erreur de saisie" in html


@pytest.mark.parametrize("language", SHIPPED)
def test_every_shipped_language_has_every_email_word_with_its_placeholders(language: str) -> None:
    english = {key: text for key, text in shipped_words("en").items() if key.startswith("email.")}
    words = shipped_words(language)
    for key, text in english.items():
        assert words.get(key), f"{language}.yaml lacks {key}"
        wanted = set(re.findall(r"\{[a-z_]+\}", text))
        assert set(re.findall(r"\{[a-z_]+\}", words[key])) == wanted, f"{language}.yaml {key}: placeholders"


@pytest.mark.parametrize("language", SHIPPED)
def test_subjects_and_names_read_back_exactly_as_written(language: str) -> None:
    """Every subject cc writes, in every shipped language, with titles and names in several scripts, reads
    back exactly from the flattened message (as RFC 2047 and under SMTPUTF8), no line over 78 characters.
    Python 3.11's own folder fails this for "Analyste de données certifié" (it drops a space)."""
    import email
    import email.policy
    from email.header import decode_header, make_header
    from email.headerregistry import Address

    from cc_cli.catalog.texts import fill
    from cc_cli.notify.compose import POLICY, _mailbox, _unstructured
    from cc_cli.notify.smtp import flatten

    words = shipped_words(language)
    titles = ["Analyste de données certifié", "أساسيات علم البيانات", "クラウド・コンピューティングの基礎", "Base"]
    names = ["Zoë Åström 田中", "Université de Montréal — Faculté de l'éducation permanente", 'Ana "Q" Lima, Jr.']
    subjects = [
        fill(text, {"credential": title, "title": title, "date": "2027-02-01"})
        for key, text in words.items()
        if "_subject." in key
        for title in titles
    ]
    for subject, name in zip(subjects, names * len(subjects), strict=False):
        message = EmailMessage(policy=POLICY)
        message.set_raw("Subject", _unstructured("Subject", subject))
        message.set_raw("From", _mailbox("From", Address(name, addr_spec="credentials@example.org")))
        message.set_raw("To", _mailbox("To", Address(name + " " + subject[:20], addr_spec="zoe@example.com")))
        message.set_content("x")
        for raw in (flatten(message), flatten(message, POLICY.clone(utf8=True))):
            assert max(len(line) for line in raw.split(b"\r\n")) <= 78
            parsed = email.message_from_bytes(raw, policy=email.policy.default)
            assert parsed["Subject"] == subject
            assert parsed["From"].addresses[0].addr_spec == "credentials@example.org"
            assert parsed["To"].addresses[0].addr_spec == "zoe@example.com"
            # Display names as RFC 2047 decodes them (adjacent encoded words joined: `decode_header`); the
            # newer parser of Python 3.11 puts a space between adjacent encoded words of a phrase.
            for header, expected in (("From", name), ("To", name + " " + subject[:20])):
                legacy = email.message_from_bytes(raw, policy=email.policy.compat32)
                decoded = str(make_header(decode_header(str(legacy[header]))))
                assert decoded.rsplit(" <", 1)[0].strip('"').replace('\\"', '"') == expected
