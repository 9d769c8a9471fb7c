"""The fast paths of `cc notify` write exactly what the email package writes: `smtp.FastGenerator` (bodies in
one write, shared headers folded once) against the stock `email.generator.BytesGenerator`, the C base64
encoder against `email.base64mime.body_encode` and the quoted-printable line cache against
`email.quoprimime.body_encode`, byte for byte, on messages of every kind cc sends; and the composing process
sends what a composing thread sends."""

from __future__ import annotations

import base64
import email
import email.policy
import io
import multiprocessing
import os
import re
import shutil
from datetime import UTC, datetime
from email import base64mime, quoprimime
from email.generator import BytesGenerator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cc_cli.ledger.locate import open_ledger_at
from cc_cli.ledger.open_outbox import open_outbox
from cc_cli.notify import compose, run
from cc_cli.notify.compose import Composer, Job, qp_body
from cc_cli.notify.run import notify_settings
from cc_cli.notify.smtp import FastGenerator, flatten
from cc_cli.validate.engine import require_valid
from tests.smtp_server import Mailbox, serve
from tests.test_notify import issued, issued_once

__all__ = ["issued", "issued_once"]  # fixtures of test_notify, used here too


def stock(message: EmailMessage, policy: Any = None) -> bytes:
    buffer = io.BytesIO()
    BytesGenerator(buffer, policy=policy or message.policy).flatten(message, linesep="\r\n")
    return buffer.getvalue()


def fast(message: EmailMessage, policy: Any = None) -> bytes:
    buffer = io.BytesIO()
    FastGenerator(buffer, policy=policy or message.policy).flatten(message, linesep="\r\n")
    return buffer.getvalue()


def messages(catalog: Path, out: Path) -> list[EmailMessage]:
    """Award emails (baked and not, non-ASCII names, HTML to escape), renewal reminders, revocation
    notices and --to test copies, as the composer builds them."""
    found = require_valid(catalog).catalog
    composer = Composer(found, out, notify_settings(found))
    ledger = open_ledger_at(out / "ledger.sqlite3")
    try:
        rows = [row for row, _ in open_outbox(ledger, create=False).awards_with_state(None, [])]
    finally:
        ledger.close()
    now = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
    built = []
    for row in rows:
        built.append(composer.compose(Job(row), now))
        built.append(composer.compose(Job(row), now, "office@example.org"))
        built.append(composer.compose(Job(row, "renewal", "x/P60D", {"days_left": 40, "window": "P60D"}), now))
        built.append(composer.compose(Job(row, "revoked", "", {"reason": "a <mistake> & more"}), now))
    return built


def test_the_fast_generator_writes_what_the_email_package_writes(issued: tuple[Path, Path]) -> None:
    catalog, out = issued
    built = messages(catalog, out)
    assert len(built) == 12
    for message in built:
        expected = stock(message)
        assert fast(message) == expected and flatten(message) == expected
        assert fast(message) == expected, "again, from the fold cache"
        utf8 = message.policy.clone(utf8=True)  # type: ignore[attr-defined]
        assert fast(message, utf8) == stock(message, utf8)


def test_the_fast_generator_on_messages_cc_did_not_build() -> None:
    """Line ends of every kind in bodies (the regex path), headers set the usual way, a parsed message."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = "Grüße aus Köln, " * 6
    message["From"] = "Zoë <zoe@example.com>"
    message.set_content("line one\r\nline two\rline three\nend\n", cte="quoted-printable")
    message.add_alternative("<p>\n\n</p>\r\n", subtype="html")
    message.add_attachment(os.urandom(5000), maintype="application", subtype="octet-stream", filename="x.bin")
    expected = stock(message)
    assert fast(message) == expected
    parsed = email.message_from_bytes(expected, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert fast(parsed, email.policy.SMTP) == stock(parsed, email.policy.SMTP)


@pytest.mark.parametrize("size", [*range(0, 200), 1000, 4095, 4096, 33_000, 100_001])
def test_the_c_base64_encoder_gives_what_base64mime_gives(size: int) -> None:
    data = os.urandom(size)
    assert base64.encodebytes(data).decode("ascii") == base64mime.body_encode(data)


def test_the_inline_emblem_is_a_quarter_of_the_bytes_and_looks_the_same(issued: tuple[Path, Path]) -> None:
    import io as _io

    from PIL import Image, ImageChops, ImageStat

    from cc_cli.emblem.render import emblem_bytes
    from cc_cli.notify.compose import EMBLEM_SIZE

    catalog, out = issued
    message = messages(catalog, out)[0]
    inline = next(part for part in message.walk() if part.get("Content-ID"))
    sent = inline.get_payload(decode=True)
    found = require_valid(catalog).catalog
    credential = found.credentials[str(inline.get_filename()).removesuffix("-emblem.png")]
    drawn = emblem_bytes(found, credential, ("png",), EMBLEM_SIZE)["png"]
    assert isinstance(sent, bytes) and len(sent) * 2 < len(drawn)
    with Image.open(_io.BytesIO(sent)) as small, Image.open(_io.BytesIO(drawn)) as full:
        assert small.size == full.size
        difference = ImageChops.difference(small.convert("RGBA"), full.convert("RGBA"))
    assert max(ImageStat.Stat(difference).mean) < 1.0, "on average under one level of 255 per channel"


QP_TEXT = st.lists(st.sampled_from([*"ab .=\t\n\r\x00\x0b\x0c\x1c\x85", "é", "田", "\u2028", "x" * 7])).map("".join)


@settings(max_examples=2000, deadline=None)
@given(QP_TEXT, st.integers(0, 3))
def test_quoted_printable_a_line_at_a_time_gives_what_quoprimime_gives(text: str, widen: int) -> None:
    """`compose.qp_body` against the stdlib on any text, as `_text_part` hands it over (UTF-8 bytes as
    latin-1, \\n line ends) and as it is (a \\r takes the stdlib's own path); long lines and line ends in
    whitespace or in the middle of an escape are what the 76-column breaking is about."""
    text = text * (widen * 40 + 1)
    body = ("\n".join(text.splitlines()) + "\n").encode("utf-8").decode("latin-1")
    assert qp_body(body) == quoprimime.body_encode(body, 76)
    raw = text.encode("utf-8").decode("latin-1")
    assert qp_body(raw) == quoprimime.body_encode(raw, 76)
    assert qp_body(body) == quoprimime.body_encode(body, 76), "again, from the line cache"


def test_messages_with_the_line_cache_are_the_stdlib_encoders_messages(
    issued: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every kind of message cc sends (award, reminder, revocation, --to; non-ASCII names, HTML escaped),
    byte for byte as with `quoprimime.body_encode` itself."""
    catalog, out = issued
    fast_bytes = [stock(message) for message in messages(catalog, out)]
    monkeypatch.setattr(compose, "qp_body", lambda body: quoprimime.body_encode(body, 76))
    assert [stock(message) for message in messages(catalog, out)] == fast_bytes


def without_date(data: bytes) -> bytes:
    return re.sub(rb"\r\nDate: [^\r]*\r\n", b"\r\n", data, count=1)


def test_messages_composed_in_a_child_process_are_those_a_thread_composes(
    issued: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same bytes reach the server whether the messages were composed in the forked composer or in a
    thread of the sending process (but for the Date), and no composer process is left behind."""
    catalog, out = issued
    shutil.copytree(out, tmp_path / "again")
    received = {}
    for where, at_least, folder in (("process", 1, out), ("thread", 10**9, tmp_path / "again")):
        monkeypatch.setattr(run, "FORK_AT_LEAST", at_least)
        before = set(multiprocessing.active_children())
        mailbox = Mailbox()
        with serve(mailbox) as port:
            report = run.run_notify(run.NotifySettings(catalog_root=catalog, out=folder, port=port))
        assert report.counts()["sent"] == 3 and report.complete
        assert set(multiprocessing.active_children()) == before, "the composer process has ended"
        received[where] = sorted(without_date(r.data) for r in mailbox.messages)
    assert received["process"] == received["thread"]
