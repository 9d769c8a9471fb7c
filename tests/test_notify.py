"""`cc notify`: every issued award emailed to its holder, once, through a real SMTP server on 127.0.0.1.

The server is aiosmtpd in this process (tests/smtp_server.py); the tests read what it received. Awards are
issued with `cc issue` on the small rule-test catalog, with `notify` settings pointing at 127.0.0.1 (the
port is given with --port, as a command-line override of the catalog).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cc_cli.cli.app import app
from cc_cli.ledger.locate import resolve
from tests.conftest import RULES_BASE, Backend
from tests.pg import query as ledger_query
from tests.smtp_server import Mailbox, free_port, serve
from tests.tls import self_signed_certificate

runner = CliRunner()
NOTIFY = """notify:
  from: credentials@example.org
  reply_to: help@example.org
  smtp: {host: 127.0.0.1, security: none}
"""
ROSTER = [
    "ana@example.com,Ana Lima,base-associate,2024-01-10",
    "zoe@example.com,Zoë Åström 田中,base-foundational,2024-02-01",
    'mal@example.com,"<script>alert(1)</script> & Co",base-foundational,2024-02-02',
]


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def write_roster(path: Path, rows: list[str]) -> Path:
    path.write_text("email,name,credential,issued_on\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def setup_catalog(catalog: Path, notify: str = NOTIFY) -> Path:
    path = catalog / "catalog.yaml"
    path.write_text(path.read_text(encoding="utf-8") + notify, encoding="utf-8")
    return catalog


def issue(tmp_path: Path, catalog: Path, rows: list[str], *extra: str, bake: bool = True) -> Path:
    """Issue `rows` into tmp_path/awards (baked PNGs too, unless not `bake`); the awards folder."""
    out, key = tmp_path / "awards", tmp_path / "issuer.key"
    if not key.exists():
        assert invoke("keys", "init", str(key))[0] == 0
    roster = write_roster(tmp_path / f"roster{len(list(tmp_path.glob('roster*')))}.csv", rows)
    code, stdout, stderr = invoke(
        "issue", str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key),
        *(["--bake", "png", "--workers", "1"] if bake else []), *extra,
    )  # fmt: skip
    assert code == 0, stdout + stderr
    return out


@pytest.fixture(scope="module")
def issued_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with catalog/ (notify settings) and awards/ (ROSTER issued and baked), made once."""
    root = tmp_path_factory.mktemp("issued")
    catalog = setup_catalog(Path(shutil.copytree(RULES_BASE, root / "catalog")))
    issue(root, catalog, ROSTER)
    return root


@pytest.fixture
def issued(issued_once: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(catalog, awards folder): a fresh copy of `issued_once` for each test (SQLite ledger)."""
    shutil.copytree(issued_once, tmp_path, dirs_exist_ok=True)
    return tmp_path / "catalog", tmp_path / "awards"


@pytest.fixture
def issued_on(issued: tuple[Path, Path], backend: Backend) -> tuple[Path, Path]:
    """`issued`, its ledger in the `backend`: for PostgreSQL, copied (`cc ledger copy`) into a fresh database
    that $CC_LEDGER names, the SQLite file removed, so every command of the test uses the PostgreSQL one."""
    catalog, out = issued
    if backend.url is not None:
        sqlite_file = out / "ledger.sqlite3"
        code, stdout, stderr = invoke("ledger", "copy", str(sqlite_file), backend.url)
        assert code == 0, stdout + stderr
        for path in out.glob("ledger.sqlite3*"):
            path.unlink()
    return catalog, out


def notify(catalog: Path, out: Path, port: int, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    return invoke(
        "notify", "--catalog", str(catalog), "--out", str(out), "--port", str(port), "--backoff", "0.01", *args, env=env
    )


def outbox(out: Path) -> list[tuple[Any, ...]]:
    """The outbox of the ledger the commands use: OUT/ledger.sqlite3, or $CC_LEDGER (the `backend` fixture)."""
    if not outbox_present(out):
        return []
    return ledger_query(resolve(None, out), "SELECT a.email, o.state, o.attempts, o.last_reply, o.message_id "
                        "FROM outbox o JOIN awards a ON a.id = o.award_id ORDER BY a.email")  # fmt: skip


def outbox_present(out: Path) -> bool:
    where = resolve(None, out)
    if isinstance(where, str):
        found = ledger_query(where, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'outbox'")
    else:
        found = ledger_query(where, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox'")
    return bool(found[0][0])


def award_ids(out: Path) -> dict[str, str]:
    return {str(email): str(ident) for email, ident in ledger_query(resolve(None, out), "SELECT email, id FROM awards")}


def by_recipient(mailbox: Mailbox) -> dict[str, EmailMessage]:
    return {received.rcpt_tos[0]: received.message() for received in mailbox.messages}


def attachments(message: EmailMessage) -> dict[str, bytes]:
    found = {}
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = payload
    return found


def test_every_award_is_emailed_once_with_its_files(issued_on: tuple[Path, Path], tmp_path: Path) -> None:
    catalog, out = issued_on
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port)
        assert code == 0, stdout + stderr
        assert "sent 3, already sent 0, failed 0, pending 0" in stdout
        again = notify(catalog, out, port, "--format", "json")
    assert again[0] == 0
    summary = json.loads(again[1])["summary"]
    assert summary["sent"] == 0 and summary["already_sent"] == 3
    assert len(mailbox.messages) == 3, "a re-run sends nothing twice"
    assert mailbox.connections == 1, "one connection for the batch (the re-run sent nothing, so opened none)"
    assert sorted(r.rcpt_tos[0] for r in mailbox.messages) == ["ana@example.com", "mal@example.com", "zoe@example.com"]
    assert {r.mail_from for r in mailbox.messages} == {"credentials@example.org"}
    ids = award_ids(out)
    messages = by_recipient(mailbox)

    ana = messages["ana@example.com"]
    assert ana["Subject"] == "You are now certified: Base Certified Associate (Associate)"
    assert ana["From"] == "Example Org <credentials@example.org>"
    assert ana["Reply-To"] == "help@example.org"
    assert ana["Message-ID"] == f"<{ids['ana@example.com'].removeprefix('urn:uuid:')}@example.org>"
    text = ana.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = ana.get_body(("html",)).get_content()  # type: ignore[union-attr]
    for part in (text, html):
        assert "Dear Ana Lima" in part and "Base Certified Associate" in part
        assert "proctored exam" in part  # the framework's words for a certification (cc_cli/data/texts)
        assert "Continuing education (40 hours)" in part and "2027-01-10" in part  # renewal: when and how
        assert "Learner Credential Wallet" in part and "cc verify" in part
        assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in part
        assert "https://credentials.example.org/credentials/base-associate.html" in part
    assert "expirationYear=2027" in text and "expirationMonth=1" in text and "issueYear=2024" in text
    assert ana.get_body(("plain",)) is not None and ana.get_content_type() == "multipart/mixed"
    assert [part.defects for part in ana.walk()] == [[]] * len(list(ana.walk())), "well-formed MIME, no defect"
    assert [part.get_content_type() for part in ana.walk()] == [
        "multipart/mixed", "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png",
        "application/json", "image/png",
    ]  # fmt: skip

    files = attachments(ana)
    assert set(files) == {"base-associate.json", "base-associate.png"}
    award_file = next(out.glob("base-associate/*.json"))
    assert files["base-associate.json"] == award_file.read_bytes()
    assert json.loads(files["base-associate.json"])["id"] == ids["ana@example.com"]
    inline = [part for part in ana.walk() if part.get("Content-ID")]
    assert len(inline) == 1 and inline[0].get_content_type() == "image/png"
    assert f"cid:{inline[0]['Content-ID'].strip('<>')}" in html

    baked = tmp_path / "received.png"
    baked.write_bytes(files["base-associate.png"])
    code, stdout, stderr = invoke("verify", str(baked), "--catalog", str(catalog), "--format", "json")
    assert code == 0, stdout + stderr
    assert json.loads(stdout)["files"][0]["valid"] is True

    assert [state for _, state, *_ in outbox(out)] == ["sent", "sent", "sent"]


def test_non_ascii_names_and_html_escaping(issued: tuple[Path, Path]) -> None:
    catalog, out = issued
    mailbox = Mailbox()
    with serve(mailbox) as port:
        assert notify(catalog, out, port)[0] == 0
    raw = {r.rcpt_tos[0]: r.data for r in mailbox.messages}
    assert b"=?utf-8?" in raw["zoe@example.com"].split(b"\r\n\r\n", 1)[0], "RFC 2047 encoded To: header"
    zoe = by_recipient(mailbox)["zoe@example.com"]
    assert zoe["To"].addresses[0].display_name == "Zoë Åström 田中"
    assert zoe["Subject"] == "You have earned the skill badge Base Foundational (Foundational)"
    assert "Dear Zoë Åström 田中" in zoe.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "new to the subject" in zoe.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    mal = by_recipient(mailbox)["mal@example.com"]
    html = mal.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<script>alert(1)</script> & Co" in mal.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_catalog_template_overrides_the_shipped_one(issued: tuple[Path, Path]) -> None:
    catalog, out = issued
    folder = catalog / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "award.subject.j2").write_text(
        "Well done, {{ learner.name }}: {{ credential.title }}\n", encoding="utf-8"
    )
    (folder / "award.html.j2").write_text("<p>Bravo {{ learner.name }}</p>\n", encoding="utf-8")
    mailbox = Mailbox()
    with serve(mailbox) as port:
        assert notify(catalog, out, port)[0] == 0
    mal = by_recipient(mailbox)["mal@example.com"]
    assert mal["Subject"] == "Well done, <script>alert(1)</script> & Co: Base Foundational"
    html = mal.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert html.strip() == "<p>Bravo &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</p>"
    assert "Congratulations!" in mal.get_body(("plain",)).get_content()  # type: ignore[union-attr]  # not overridden


def test_a_broken_override_is_a_usage_error_naming_the_file(issued: tuple[Path, Path]) -> None:
    catalog, out = issued
    folder = catalog / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "award.txt.j2").write_text("Hello\n{% if learner.name %}\n", encoding="utf-8")
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, _stdout, stderr = notify(catalog, out, port)
    assert code == 2 and "award.txt.j2:" in stderr and "Traceback" not in stderr
    assert mailbox.messages == []


def test_a_451_is_retried_and_then_accepted(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on
    mailbox = Mailbox(tempfail_first=2)
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port)
    assert code == 0, stdout + stderr
    assert mailbox.data_commands == 5 and len(mailbox.messages) == 3
    assert [attempts for _, _, attempts, *_ in outbox(out)] == [1, 1, 1]  # one recorded outcome each


def test_a_451_that_persists_stays_pending_for_the_next_run(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on
    mailbox = Mailbox(tempfail_first=100)
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port, "--retries", "1")
        assert code == 1 and "pending 3" in stdout and "451 4.3.0" in stderr
        assert {state for _, state, *_ in outbox(out)} == {"pending"}
        mailbox.tempfail_first = 0
        code, stdout, stderr = notify(catalog, out, port)
    assert code == 0 and "sent 3" in stdout, stdout + stderr
    assert len(mailbox.messages) == 3


def test_a_550_fails_that_recipient_only(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on
    mailbox = Mailbox(refuse={"zoe@example.com"})
    with serve(mailbox) as port:
        code, stdout, _stderr = notify(catalog, out, port, "--format", "json")
        assert code == 1
        report = json.loads(stdout)
        assert report["summary"]["sent"] == 2 and report["summary"]["failed"] == 1
        failed = [m for m in report["messages"] if m["state"] == "failed"]
        assert failed[0]["email"] == "zoe@example.com" and failed[0]["reply"].startswith("550 5.1.1")
        assert [(email, state) for email, state, *_ in outbox(out)] == [
            ("ana@example.com", "sent"), ("mal@example.com", "sent"), ("zoe@example.com", "failed"),
        ]  # fmt: skip
        code, stdout, _ = notify(catalog, out, port)  # not retried unless asked
        assert code == 1 and "sent 0, already sent 2, failed 1" in stdout
        mailbox.refuse.clear()
        code, stdout, _ = notify(catalog, out, port, "--retry-failed")
    assert code == 0 and "sent 1, already sent 2, failed 0" in stdout
    assert sorted(r.rcpt_tos[0] for r in mailbox.messages) == ["ana@example.com", "mal@example.com", "zoe@example.com"]


def test_a_dropped_connection_is_reopened_and_the_batch_resumed(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on
    mailbox = Mailbox(drop_at={2})
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port)
    assert code == 0, stdout + stderr
    assert mailbox.connections == 2
    assert sorted(r.rcpt_tos[0] for r in mailbox.messages) == ["ana@example.com", "mal@example.com", "zoe@example.com"]


def test_an_unreachable_server_leaves_everything_pending(issued: tuple[Path, Path]) -> None:
    catalog, out = issued
    code, stdout, stderr = notify(catalog, out, free_port(), "--retries", "1")
    assert code == 1, stdout + stderr
    assert "cannot connect to 127.0.0.1" in stderr and "pending 3" in stdout and "Traceback" not in stderr


def test_preview_and_dry_run_write_eml_files_and_connect_to_nothing(
    issued_on: tuple[Path, Path], tmp_path: Path
) -> None:
    catalog, out = issued_on
    sqlite_file = out / "ledger.sqlite3"
    before = sqlite_file.read_bytes() if sqlite_file.exists() else None
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port, "--preview", str(tmp_path / "preview"))
        assert code == 0, stdout + stderr
        assert "previewed 3 message(s)" in stdout and "nothing was sent" in stdout
        code, stdout, stderr = notify(catalog, out, port, "--dry-run")
        assert code == 0, stdout + stderr
    assert mailbox.messages == [] and mailbox.connections == 0
    files = sorted((tmp_path / "preview").glob("*.eml"))
    assert len(files) == 3 and len(list((out / "notify-preview").glob("award-*.eml"))) == 3
    import email
    import email.policy

    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] and parsed.get_body(("html",)) is not None
    assert not outbox_present(out), "a preview records nothing (not even an empty outbox)"
    if before is not None:
        assert sqlite_file.read_bytes() == before, "a preview changes nothing in the ledger"


def test_to_sends_every_message_to_one_address_and_records_nothing(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port, "--to", "office@example.org")
        assert code == 0 and "sent 3 to office@example.org (nothing recorded)" in stdout, stdout + stderr
        assert [r.rcpt_tos for r in mailbox.messages] == [["office@example.org"]] * 3
        assert outbox(out) == []
        code, stdout, _ = notify(catalog, out, port)
    assert code == 0 and "sent 3, already sent 0" in stdout


def test_filters_by_batch_and_credential(tmp_path: Path, base_catalog: Path, backend: Backend) -> None:
    catalog = setup_catalog(base_catalog)
    out = issue(tmp_path, catalog, ROSTER[:2])
    issue(tmp_path, catalog, ROSTER[2:])
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, stdout, _ = notify(catalog, out, port, "--batch", "2")
        assert code == 0 and "sent 1, already sent 0" in stdout
        code, stdout, _ = notify(catalog, out, port, "--credential", "base-associate")
        assert code == 0 and "sent 1, already sent 0" in stdout
    assert [r.rcpt_tos[0] for r in mailbox.messages] == ["mal@example.com", "ana@example.com"]


def test_missing_settings_and_password_are_usage_errors(tmp_path: Path, base_catalog: Path) -> None:
    out = issue(tmp_path, base_catalog, ROSTER[:1])
    code, _, stderr = invoke("notify", "--catalog", str(base_catalog), "--out", str(out))
    assert code == 2 and "no notify settings" in stderr
    setup_catalog(base_catalog, NOTIFY.replace("security: none}", "username: badges}"))
    code, _, stderr = invoke("notify", "--catalog", str(base_catalog), "--out", str(out), env={"CC_SMTP_PASSWORD": ""})
    assert code == 2 and "CC_SMTP_PASSWORD" in stderr


def test_starttls_with_a_login_trusts_only_the_ca_it_is_given(tmp_path: Path, base_catalog: Path) -> None:
    catalog = setup_catalog(base_catalog, NOTIFY.replace("security: none}", "security: starttls, username: badges}"))
    out = issue(tmp_path, catalog, ROSTER[:2])
    cert_file, key_file = self_signed_certificate(tmp_path, "smtp", "cc test smtp")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    secret = "s3cret-pa55word"
    mailbox = Mailbox()
    with serve(mailbox, tls_context=context, login=("badges", secret)) as port:
        code, stdout, stderr = notify(catalog, out, port, env={"CC_SMTP_PASSWORD": secret})
        assert code == 2 and "not trusted" in stderr and "CC_SMTP_CA_FILE" in stderr, stdout + stderr
        assert mailbox.messages == []
        env = {"CC_SMTP_PASSWORD": "wrong", "CC_SMTP_CA_FILE": str(cert_file)}
        code, stdout, stderr = notify(catalog, out, port, env=env)
        assert code == 2 and "refused the login of 'badges'" in stderr and "wrong" not in stderr
        env["CC_SMTP_PASSWORD"] = secret
        code, stdout, stderr = notify(catalog, out, port, "--format", "json", env=env)
    assert code == 0, stdout + stderr
    assert secret not in stdout + stderr
    assert sorted(r.rcpt_tos[0] for r in mailbox.messages) == ["ana@example.com", "zoe@example.com"]
    assert all(secret.encode() not in r.data for r in mailbox.messages)


CC = str(Path(sys.executable).with_name("cc"))
MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>]+>)", re.MULTILINE | re.IGNORECASE)


def children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc; none known elsewhere)."""
    try:
        return [int(found) for found in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def ended(pid: int, wait: float = 10.0) -> bool:
    """Whether process `pid` ends (or is a zombie) within `wait` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.02)
    return False


def settled_count(mailbox: Mailbox, quiet: float = 0.5) -> int:
    """How many messages the server holds once it has taken in all a killed client sent: a message whose data
    reached the server's socket before the kill is handled by the server's thread after the kill, and counted
    only then (CI saw it land after the count was read: the repeated message at `before`, not `before - 1`)."""
    count, since = len(mailbox.messages), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.02)
        if len(mailbox.messages) != count:
            count, since = len(mailbox.messages), time.monotonic()
    return count


def test_kill_9_mid_batch_then_a_rerun_delivers_every_award(
    tmp_path: Path, base_catalog: Path, backend: Backend
) -> None:
    """2,000 awards; `cc notify` is killed with SIGKILL while sending; the next run delivers the rest. Every
    award arrives; at most the one message in flight at the kill arrives twice, with the same Message-ID."""
    catalog = setup_catalog(base_catalog)
    rows = [f"learner{i}@example.com,Learner {i},base-foundational,2024-02-01" for i in range(2000)]
    out = issue(tmp_path, catalog, rows, bake=False)
    mailbox = Mailbox()
    with serve(mailbox) as port:
        command = [CC, "notify", "--catalog", str(catalog), "--out", str(out), "--port", str(port)]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while len(mailbox.messages) < 150:
            assert child.poll() is None and time.monotonic() < deadline, "cc notify ended before it could be killed"
            time.sleep(0.005)
        composers = children(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        before = settled_count(mailbox)
        assert all(ended(pid) for pid in composers), "the composing process ends with the one it composed for"
        assert before < 2000
        # A process of its own, as the killed one: the server's thread keeps this process's interpreter.
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    received = [MESSAGE_ID.search(r.data.split(b"\r\n\r\n", 1)[0]) for r in mailbox.messages]
    ids = [found.group(1).decode() for found in received if found]
    expected = {f"<{award_id.removeprefix('urn:uuid:')}@example.org>" for award_id in award_ids(out).values()}
    assert len(ids) == len(mailbox.messages) and set(ids) == expected, "every award delivered"
    twice = [ident for ident in set(ids) if ids.count(ident) > 1]
    assert len(ids) - len(expected) <= 1 and len(twice) <= 1, f"only the message in flight may repeat: {twice}"
    if twice:
        assert ids.index(twice[0]) == before - 1, "the repeated one is the last accepted before the kill"
    states = [state for _, state, *_ in outbox(out)]
    assert len(states) == 2000 and set(states) == {"sent"}


def with_port(catalog: Path, port: int) -> None:
    """Commands that email as they go (`--notify`) take the port from catalog.yaml."""
    path = catalog / "catalog.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("security: none}", f"security: none, port: {port}}}"))


def test_issue_notify_emails_the_new_batch(tmp_path: Path, base_catalog: Path, backend: Backend) -> None:
    catalog = setup_catalog(base_catalog)
    out = issue(tmp_path, catalog, ROSTER[:1])
    mailbox = Mailbox()
    with serve(mailbox) as port:
        with_port(catalog, port)
        out = issue(tmp_path, catalog, ROSTER[1:], "--notify")
    assert sorted(r.rcpt_tos[0] for r in mailbox.messages) == ["mal@example.com", "zoe@example.com"]  # not ana's
    assert [email for email, state, *_ in outbox(out)] == ["mal@example.com", "zoe@example.com"]


def test_issue_notify_without_settings_issues_nothing(tmp_path: Path, base_catalog: Path) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROSTER)
    key = tmp_path / "issuer.key"
    assert invoke("keys", "init", str(key))[0] == 0
    out = tmp_path / "awards"
    code, _, stderr = invoke(
        "issue", str(roster), "--catalog", str(base_catalog), "--out", str(out), "--key", str(key), "--notify"
    )
    assert code == 2 and "no notify settings" in stderr
    assert not out.exists(), "checked before anything was issued"


def test_suppressed_addresses_get_no_mail(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on
    (catalog / "suppressed.txt").write_text("# asked on 2024-05-01\nZOE@example.com\n", encoding="utf-8")
    path = catalog / "catalog.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  reply_to:", "  suppress: suppressed.txt\n  reply_to:"))
    code, stdout, stderr = invoke(
        "notify", "--catalog", str(catalog), "--out", str(out), "--suppress", "Mal@Example.com"
    )
    assert code == 0 and "suppressed Mal@Example.com" in stdout, stdout + stderr
    code, stdout, _ = invoke("notify", "--catalog", str(catalog), "--out", str(out), "--suppress", "not-an-address")
    assert code == 2
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port, "--format", "json")
    assert code == 0, stdout + stderr
    assert json.loads(stdout)["summary"]["suppressed"] == 2
    assert [r.rcpt_tos[0] for r in mailbox.messages] == ["ana@example.com"]


def test_expiring_notify_reminds_each_holder_once_per_window(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on  # ana's certification is valid until 2027-01-10: 40 days after 2026-12-01
    args = ["expiring", "--catalog", str(catalog), "--out", str(out), "--at", "2026-12-01", "--notify"]
    mailbox = Mailbox()
    with serve(mailbox) as port:
        with_port(catalog, port)
        code, stdout, stderr = invoke(*args, "--within", "P60D")
        assert code == 0 and "ana@example.com" in stdout and "cc expiring --notify: sent 1" in stderr, stdout + stderr
        code, stdout, stderr = invoke(*args, "--within", "P60D", "--format", "json")
        assert code == 0 and "sent 0, already sent 1" in stderr and json.loads(stdout)["awards"], stdout + stderr
        code, stdout, stderr = invoke(*args, "--within", "P45D")  # another window: another reminder
        assert code == 0 and "sent 1" in stderr
    assert [r.rcpt_tos[0] for r in mailbox.messages] == ["ana@example.com"] * 2
    reminder = mailbox.parsed()[0]
    assert (
        reminder["Subject"]
        == "Renew your professional certification Base Certified Associate: it expires on 2027-01-10"
    )
    text = reminder.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "in 40 day(s)" in text and "Continuing education (40 hours)" in text
    assert list(reminder.iter_attachments()) == []
    assert len({m["Message-ID"] for m in mailbox.parsed()}) == 2


def test_revoke_notify_tells_the_holder_why(issued_on: tuple[Path, Path]) -> None:
    catalog, out = issued_on
    zoe = award_ids(out)["zoe@example.com"]
    mailbox = Mailbox()
    with serve(mailbox) as port:
        with_port(catalog, port)
        args = ["revoke", zoe, "--reason", "issued to the wrong person", "--out", str(out), "--catalog", str(catalog)]
        code, stdout, stderr = invoke(*args, "--key", str(out.parent / "issuer.key"), "--notify")
        assert code == 0 and "cc revoke --notify: sent 1" in stdout, stdout + stderr
        code, stdout, stderr = notify(catalog, out, port)  # cc notify never emails a revoked award
    assert code == 0
    notices = [m for m in mailbox.parsed() if m["To"].addresses[0].addr_spec == "zoe@example.com"]
    assert len(notices) == 1 and "has been revoked" in notices[0]["Subject"]
    assert "Reason: issued to the wrong person" in notices[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert sorted(m["To"].addresses[0].addr_spec for m in mailbox.parsed()) == [
        "ana@example.com",
        "mal@example.com",
        "zoe@example.com",
    ]


def test_a_non_ascii_address_goes_as_smtputf8_where_the_server_offers_it(tmp_path: Path, base_catalog: Path) -> None:
    catalog = setup_catalog(base_catalog)
    out = issue(tmp_path, catalog, ["田中@example.com,田中 さくら,base-foundational,2024-02-01", ROSTER[0]], bake=False)
    mailbox = Mailbox()
    with serve(mailbox, smtputf8=False) as port:
        code, stdout, stderr = notify(catalog, out, port)
        assert code == 1 and "SMTPUTF8" in stderr and "sent 1" in stdout, stdout + stderr
    assert [r.rcpt_tos for r in mailbox.messages] == [["ana@example.com"]]
    with serve(mailbox) as port:
        code, stdout, stderr = notify(catalog, out, port, "--retry-failed")
    assert code == 0, stdout + stderr
    received = mailbox.messages[-1]
    assert received.rcpt_tos == ["田中@example.com"]
    assert 'To: "田中 さくら" <田中@example.com>'.encode() in received.data, "UTF-8 headers under SMTPUTF8"


def test_rate_spaces_the_messages(issued: tuple[Path, Path]) -> None:
    catalog, out = issued
    mailbox = Mailbox()
    with serve(mailbox) as port:
        started = time.monotonic()
        code, stdout, stderr = notify(catalog, out, port, "--rate", "10/s")
        elapsed = time.monotonic() - started
    assert code == 0 and len(mailbox.messages) == 3, stdout + stderr
    assert elapsed >= 0.2, "three messages at 10 per second take at least 0.2 s"
    assert invoke("notify", "--catalog", str(catalog), "--out", str(out), "--rate", "fast")[0] == 2


def test_one_sending_run_per_ledger_at_a_time(issued: tuple[Path, Path]) -> None:
    import fcntl

    catalog, out = issued
    mailbox = Mailbox()
    with serve(mailbox) as port, open(out / "ledger.sqlite3.notify-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a run that is sending holds it
        code, _, stderr = notify(catalog, out, port)
        assert code == 2 and "another cc notify is sending" in stderr
        fcntl.flock(lock, fcntl.LOCK_UN)
        assert notify(catalog, out, port)[0] == 0
    assert len(mailbox.messages) == 3


def test_a_catalog_template_runs_in_the_sandbox(issued: tuple[Path, Path]) -> None:
    """cc's own templates alone run without the sandbox (trusted code, and faster); as soon as the catalog
    supplies any template, every template of the run is sandboxed: no way to reach Python internals."""
    from jinja2.sandbox import SandboxedEnvironment

    from cc_cli.notify.compose import environment

    catalog, out = issued
    assert not isinstance(environment(catalog), SandboxedEnvironment)
    folder = catalog / "templates" / "email"
    folder.mkdir(parents=True)
    (folder / "_base.html.j2").write_text("{{ learner.__class__.__mro__ }}{% block body %}{% endblock %}\n")
    assert isinstance(environment(catalog), SandboxedEnvironment)
    mailbox = Mailbox()
    with serve(mailbox) as port:
        code, _stdout, stderr = notify(catalog, out, port)
    assert code == 2 and "email template" in stderr and "unsafe" in stderr and "Traceback" not in stderr, stderr
    assert mailbox.messages == []
