"""`cc notify` core: pick the messages to send, compose them, send them over one connection, record each.

The delivery guarantee comes from the order of work: a message is recorded `sent` in the ledger's outbox
(its own commit) only after the server accepted it. A run that dies at any instant leaves every message
it had not recorded as sent to the next run; only a message the server accepted in that very instant goes
out again, with the same Message-ID (mail clients show one message). Temporary failures are retried with
backoff inside the run and stay pending; permanent ones are recorded failed with the server's reply and
retried only with `--retry-failed`. Prints nothing; returns a NotifyReport.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.catalog.formats import EMAIL
from cc_cli.catalog.suppress import read_suppressions
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import utc_stamp
from cc_cli.core.testhooks import pause_point
from cc_cli.ledger.base import AwardLedger, AwardRow
from cc_cli.ledger.locate import Location, UsesLedger, open_ledger_at
from cc_cli.ledger.open_outbox import open_outbox
from cc_cli.ledger.outbox import Delivery, Key, MessageOutbox
from cc_cli.notify.compose import ComposeError, Composer, Job, message_id
from cc_cli.notify.smtp import Mailer, Permanent, SmtpConfig, Temporary, flatten

Progress = Callable[[int, int | None], None]  # (done since last call, total when known)

PASSWORD_ENV = "CC_SMTP_PASSWORD"
CA_FILE_ENV = "CC_SMTP_CA_FILE"


@dataclass(slots=True)
class NotifySettings(UsesLedger):
    """What `cc notify` was asked to do; `out` holds the awards (and the ledger, unless `ledger_path`)."""

    catalog_root: Path
    out: Path
    ledger_path: Location | None = None
    batch: int | None = None
    credentials: list[str] = field(default_factory=list)
    dry_run: bool = False
    preview: Path | None = None  # write .eml files here; connect to nothing
    to: str | None = None  # send everything to this one address; record nothing
    rate: float | None = None  # messages per second at most
    retry_failed: bool = False
    host: str | None = None  # overrides notify.smtp.host
    port: int | None = None  # overrides notify.smtp.port
    retries: int = 3  # further attempts of a message after a temporary failure, within the run
    backoff: float = 1.0  # seconds before the first retry; doubled each time
    timeout: float = 30.0  # seconds for each SMTP operation
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def previewing(self) -> bool:
        return self.dry_run or self.preview is not None

    @property
    def preview_dir(self) -> Path:
        return self.preview if self.preview is not None else self.out / "notify-preview"


@dataclass(slots=True)
class Outcome:
    award_id: str
    email: str
    credential_id: str
    kind: str
    state: str  # sent | failed | pending | suppressed | previewed | already-sent
    reply: str | None = None
    message_id: str | None = None
    unreachable: bool = False  # pending because the server could not be reached at all: the run stops

    def as_dict(self) -> dict[str, Any]:
        return {
            "award_id": self.award_id,
            "email": self.email,
            "credential": self.credential_id,
            "kind": self.kind,
            "state": self.state,
            "reply": self.reply,
            "message_id": self.message_id,
        }


STATES = ("sent", "already_sent", "failed", "pending", "suppressed", "previewed")


@dataclass(slots=True)
class NotifyReport:
    """What happened to every message of the run; `outcomes` lists all but the already sent ones."""

    outcomes: list[Outcome] = field(default_factory=list)
    already_sent: int = 0
    preview_dir: Path | None = None
    test_address: str | None = None
    stopped: str | None = None  # why the run stopped early (the server could not be reached)
    connections: int = 0

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATES, 0)
        found["already_sent"] = self.already_sent
        for outcome in self.outcomes:
            found[outcome.state.replace("-", "_")] += 1
        return found

    @property
    def complete(self) -> bool:
        """Every message delivered (or suppressed, or previewed): exit 0."""
        counts = self.counts()
        return counts["failed"] == 0 and counts["pending"] == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.counts(),
            "complete": self.complete,
            "stopped": self.stopped,
            "preview": str(self.preview_dir) if self.preview_dir else None,
            "to": self.test_address,
            "messages": [outcome.as_dict() for outcome in self.outcomes],
        }


def run_notify(settings: NotifySettings, progress: Progress | None = None) -> NotifyReport:
    """Email every issued award not delivered yet (see the module docstring)."""
    return deliver(settings, lambda outbox, report: award_jobs(outbox, settings, report), progress)


def award_jobs(outbox: MessageOutbox, settings: NotifySettings, report: NotifyReport) -> list[Job]:
    """The award emails to send: issued awards of the selection whose email is not sent (nor failed,
    unless --retry-failed). Failed ones left alone still count as failed: they were not delivered."""
    found = outbox.awards_with_state(settings.batch, settings.credentials)
    return [Job(row) for row, state in found if _to_send(Job(row), state, settings, report)]


def _to_send(job: Job, state: str | None, settings: NotifySettings, report: NotifyReport) -> bool:
    """Whether a message goes out in this run, given its outbox state (counting those that do not)."""
    if state in (None, "pending"):
        return True  # --to picks the same messages as a real run would: a test of exactly this run
    if state == "sent":
        report.already_sent += 1
        return False
    if settings.retry_failed:
        return True
    row = job.row
    report.outcomes.append(
        Outcome(row.id, row.email, row.credential_id, job.kind, "failed", "failed before: --retry-failed")
    )
    return False


def _unsent(
    jobs: list[Job], kind: str, outbox: MessageOutbox, settings: NotifySettings, report: NotifyReport
) -> list[Job]:
    """The jobs of one kind whose message is still to send (see `_to_send`)."""
    states = outbox.states(kind, [(job.row.id, job.occasion) for job in jobs])
    return [job for job in jobs if _to_send(job, states.get((job.row.id, job.occasion)), settings, report)]


def run_renewal_reminders(
    settings: NotifySettings, reminders: list[tuple[str, int]], window: str, progress: Progress | None = None
) -> NotifyReport:
    """`cc expiring --notify`: remind each holder of [(award id, days left)] to renew, at most once per
    award, expiry date and window (`P60D` and `P7D` are two reminders; running `P60D` daily is one)."""
    days_left = dict(reminders)

    def jobs(outbox: MessageOutbox, report: NotifyReport) -> list[Job]:
        rows = rows_by_id(outbox.ledger, [award_id for award_id, _ in reminders])
        wanted = [
            Job(row, "renewal", f"{row.valid_until}/{window}", {"days_left": days_left[row.id], "window": window})
            for row in rows
            if row.state == "issued"
        ]
        return _unsent(wanted, "renewal", outbox, settings, report)

    return deliver(settings, jobs, progress)


def run_revocation_notices(
    settings: NotifySettings, award_ids: list[str], progress: Progress | None = None
) -> NotifyReport:
    """`cc revoke --notify`: tell each holder that the award was revoked, and why (once per award)."""

    def jobs(outbox: MessageOutbox, report: NotifyReport) -> list[Job]:
        rows = rows_by_id(outbox.ledger, award_ids)
        wanted = [
            Job(row, "revoked", "", {"reason": row.revoked_reason or ""}) for row in rows if row.state == "revoked"
        ]
        return _unsent(wanted, "revoked", outbox, settings, report)

    return deliver(settings, jobs, progress)


JobSource = Callable[[MessageOutbox, NotifyReport], list[Job]]


def deliver(settings: NotifySettings, source: JobSource, progress: Progress | None = None) -> NotifyReport:
    """The machinery every kind of message shares: settings, ledger, suppression, compose, send, record."""
    from cc_cli.validate.engine import require_valid

    catalog = require_valid(settings.catalog_root).catalog
    notify = notify_settings(catalog)
    if settings.to is not None and not EMAIL.match(settings.to):
        raise UsageError(f"--to '{settings.to}' is not an email address")
    config = None if settings.previewing else smtp_config(notify, settings)
    ledger = open_ledger_at(settings.ledger_at)
    try:
        outbox = open_outbox(ledger, create=not settings.previewing)
        report = NotifyReport(test_address=settings.to)
        jobs = source(outbox, report)
        pause_point("notify-selected")  # tests: two runs that both picked the same pending messages
        suppressed = suppressions(catalog, notify) | outbox.suppressed()
        composer = Composer(catalog, settings.out, notify)
        if progress is not None:
            progress(0, len(jobs))
        if settings.previewing:
            report.preview_dir = settings.preview_dir
            _preview(jobs, composer, settings, suppressed, report, progress)
        else:
            assert config is not None
            with outbox.sending():
                _send_all(jobs, composer, Mailer(config), outbox, settings, suppressed, report, progress)
        return report
    finally:
        ledger.close()


def check_ready(settings: NotifySettings) -> None:
    """UsageError unless the catalog has notify settings and the environment the password they need: for
    commands that send mail after changing something (`cc issue --notify`), checked before that change."""
    from cc_cli.validate.load import load_catalog_model

    catalog = load_catalog_model(settings.catalog_root)
    smtp_config(notify_settings(catalog), settings)


def notify_settings(catalog: model.Catalog) -> model.Notify:
    notify = catalog.info.notify
    if notify is None:
        raise UsageError(
            f"{catalog.root / 'catalog.yaml'} has no notify settings: add `notify: {{from: ADDRESS, smtp: {{host: "
            "HOST}}}` (README, Delivering awards)"
        )
    return notify


def smtp_config(notify: model.Notify, settings: NotifySettings) -> SmtpConfig:
    """The server to send through: catalog.yaml, --host/--port, and the environment for secrets."""
    smtp = notify.smtp
    password = os.environ.get(PASSWORD_ENV) or None
    if smtp.username and password is None:
        raise UsageError(f"notify.smtp.username is '{smtp.username}': set the password in ${PASSWORD_ENV}")
    ca_file = os.environ.get(CA_FILE_ENV) or (str(settings.catalog_root / smtp.ca_file) if smtp.ca_file else None)
    port = settings.port or (int(smtp.port) if smtp.port else smtp.usual_port)
    return SmtpConfig(
        host=settings.host or smtp.host,
        port=port,
        security=smtp.security,
        username=smtp.username,
        password=password,
        ca_file=ca_file,
        timeout=settings.timeout,
    )


def suppressions(catalog: model.Catalog, notify: model.Notify) -> set[str]:
    """The addresses of the catalog's suppression file (CC602 has checked it; a vanished file is an error
    here, never "nobody is suppressed")."""
    if not notify.suppress:
        return set()
    path = catalog.root / notify.suppress
    try:
        return read_suppressions(path).addresses
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"suppression file {path} cannot be read ({exc}): nothing was sent") from None


def _suppressed(job: Job, suppressed: set[str], report: NotifyReport) -> bool:
    if job.row.email_lower not in suppressed:
        return False
    row = job.row
    report.outcomes.append(Outcome(row.id, row.email, row.credential_id, job.kind, "suppressed"))
    return True


def _preview(
    jobs: Iterable[Job],
    composer: Composer,
    settings: NotifySettings,
    suppressed: set[str],
    report: NotifyReport,
    progress: Progress | None,
) -> None:
    """--dry-run / --preview DIR: each message as an .eml file a mail client opens; nothing is sent."""
    from cc_cli.core.atomic import write_bytes

    folder = settings.preview_dir
    folder.mkdir(parents=True, exist_ok=True)
    for job in jobs:
        row = job.row
        if not _suppressed(job, suppressed, report):
            try:
                message = composer.compose(job, settings.now, settings.to)
            except ComposeError as exc:
                report.outcomes.append(Outcome(row.id, row.email, row.credential_id, job.kind, "failed", str(exc)))
            else:
                name = f"{job.kind}-{row.id.removeprefix('urn:uuid:')}.eml"
                utf8 = not (composer.notify.sender + (settings.to or row.email)).isascii()  # as it would be sent
                policy: Any = message.policy  # an EmailPolicy (typeshed types `.policy` as the base class)
                write_bytes(folder / name, flatten(message, policy.clone(utf8=True) if utf8 else None))
                ident = str(message["Message-ID"])
                report.outcomes.append(
                    Outcome(row.id, row.email, row.credential_id, job.kind, "previewed", None, ident)
                )
        if progress is not None:
            progress(1, None)


class _Pacer:
    """--rate N/s: message k goes out no earlier than start + k/N."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.next = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        delay = self.next - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next = max(self.next, time.monotonic() - self.interval) + self.interval


def _send_all(
    jobs: list[Job],
    composer: Composer,
    mailer: Mailer,
    outbox: MessageOutbox,
    settings: NotifySettings,
    suppressed: set[str],
    report: NotifyReport,
    progress: Progress | None,
) -> None:
    pacer = _Pacer(settings.rate)
    sender = composer.notify.sender
    wanted = [job for job in jobs if not _suppressed(job, suppressed, report)]
    if progress is not None and len(wanted) < len(jobs):
        progress(len(jobs) - len(wanted), None)
    claims = _Claims(outbox, wanted, settings, report)

    def one(job: Job, message: Composed, data: bytes | None) -> Outcome:
        outcome = _send_one(job, message, data, mailer, pacer, settings, sender, composer.domain)
        report.outcomes.append(outcome)
        if settings.to is None:
            _record(outbox, job, outcome, settings)
        return outcome

    try:
        for index, (job, message, data) in enumerate(_prepared(wanted, composer, settings)):
            verdict = claims.go(index)
            outcome = one(job, message, data) if verdict == _SEND else None
            if progress is not None and verdict != _LATER:
                progress(1, None)
            if outcome is not None and outcome.unreachable:
                claims.stop(wanted[index + 1 :], outcome)
                break
        else:
            claims.release()
            while claims.deferred:  # the messages another live run held: claimed once it lets go
                job = claims.deferred.popleft()
                state = claims.wait(job)
                try:
                    if state == _BUSY or not _to_send(job, state, settings, report):
                        outcome = None
                    else:
                        outcome = one(job, *_composed(job, composer, settings))
                finally:
                    claims.release()
                if progress is not None:
                    progress(1, None)
                if outcome is not None and outcome.unreachable:
                    claims.stop([], outcome)
                    break
    finally:
        with contextlib.suppress(UsageError):  # the ledger's connection may be what failed
            claims.release()
        report.connections = mailer.connections
        mailer.close()


CLAIM_CHUNK = 32  # messages claimed at a time where several runs send from one ledger (PostgreSQL)
_BUSY = "busy"  # another live run held the message's claim for longer than the wait
_SEND, _SKIP, _LATER = "send", "skip", "later"  # what to do with a message, once claimed (or not)


def _key(job: Job) -> Key:
    return (job.row.id, job.kind, job.occasion)


class _Claims:
    """Where several runs send from one ledger at once (PostgreSQL), each message is claimed, a chunk at a
    time, before it goes out, and its state read again under the claim (`cc_cli.ledger.outbox`): one that
    another run sent meanwhile is counted, not sent. Messages another live run holds are put off to the end
    of the run, then claimed one by one once that run lets go. With SQLite (one sending run per ledger) and
    with --to (nothing recorded) every message is this run's."""

    def __init__(self, outbox: MessageOutbox, jobs: list[Job], settings: NotifySettings, report: NotifyReport):
        self.outbox, self.jobs, self.settings, self.report = outbox, jobs, settings, report
        self.active = outbox.concurrent and settings.to is None
        self.upto = 0  # jobs[:upto] have been claimed (or put off)
        self.held: list[Key] = []
        self.verdicts: dict[int, str] = {}
        self.deferred: collections.deque[Job] = collections.deque()

    def go(self, index: int) -> str:
        """What to do with jobs[index] now: _SEND it, _SKIP it (counted: another run sent it meanwhile), or
        put it off till _LATER (another live run holds it)."""
        if not self.active:
            return _SEND
        if index >= self.upto:
            self.release()  # the previous chunk's outcomes are recorded
            chunk = self.jobs[index : index + CLAIM_CHUNK]
            keys = [_key(job) for job in chunk]
            states = self.outbox.claim(keys)
            self.held = list(states)
            pause_point("notify-claimed")  # tests: a run that holds claims and has sent none of them
            for offset, (job, key) in enumerate(zip(chunk, keys, strict=True)):
                if key in states:
                    sending = _to_send(job, states[key], self.settings, self.report)
                    self.verdicts[index + offset] = _SEND if sending else _SKIP
                else:
                    self.verdicts[index + offset] = _LATER
                    self.deferred.append(job)
            self.upto = index + len(chunk)
        return self.verdicts.pop(index)

    def wait(self, job: Job) -> str | None:
        """Claim a put-off message (waiting for the run that holds it); its state now, or _BUSY (counted
        pending) when that run held it past the wait."""
        key = _key(job)
        claimed, state = self.outbox.wait_claim(key)
        if not claimed:
            row = job.row
            self.report.outcomes.append(
                Outcome(
                    row.id, row.email, row.credential_id, job.kind, "pending", "another cc notify run is sending it"
                )
            )
            return _BUSY
        self.held = [key]
        return state

    def release(self) -> None:
        if self.held:
            held, self.held = self.held, []
            self.outbox.release(held)

    def stop(self, rest: list[Job], outcome: Outcome) -> None:
        """The server cannot be reached: every message not tried (and every one put off) stays pending."""
        left = [*self.deferred, *rest]
        self.deferred.clear()
        self.report.stopped = f"{outcome.reply}; {len(left)} more message(s) left pending"
        self.report.outcomes.extend(
            Outcome(r.row.id, r.row.email, r.row.credential_id, r.kind, "pending", "not tried") for r in left
        )


class _Sent:
    """What the sender needs of a message composed in the child: its Message-ID (the bytes travel beside)."""

    __slots__ = ("ident",)

    def __init__(self, ident: str) -> None:
        self.ident = ident

    def __getitem__(self, name: str) -> str:
        assert name == "Message-ID"
        return self.ident


Composed = EmailMessage | _Sent | ComposeError  # _Sent: composed in the child, sent as its bytes
Prepared = tuple[Job, Composed, bytes | None]
AHEAD = 64  # messages composed ahead of the one being sent
_END = object()


def _prepared(jobs: list[Job], composer: Composer, settings: NotifySettings) -> Iterator[Prepared]:
    """The jobs with their messages, composed and flattened in order ahead of the sending, so that work
    overlaps the waits for the server's replies. In a forked process where the system has fork: a thread
    there would hold the GIL while the sender's socket reads return, delaying each of a message's four
    round trips (measured: BENCHMARKS.md, `cc notify`). Only composing runs there; sending and recording
    stay in the caller's thread, one message at a time, so the delivery guarantee does not change."""
    if len(jobs) >= FORK_AT_LEAST and "fork" in multiprocessing.get_all_start_methods():
        yield from _prepared_in_process(jobs, composer, settings)
    else:
        yield from _prepared_in_thread(jobs, composer, settings)


FORK_AT_LEAST = 2  # a single message is composed in a thread: not worth a process


def _prepared_in_thread(jobs: list[Job], composer: Composer, settings: NotifySettings) -> Iterator[Prepared]:
    ahead: queue.Queue[Any] = queue.Queue(maxsize=AHEAD)
    stop = threading.Event()

    def work() -> None:
        try:
            for job in jobs:
                if stop.is_set():
                    return
                ahead.put((job, *_composed(job, composer, settings)))
            ahead.put(_END)
        except BaseException as exc:  # a broken template: raised again in the sending thread
            ahead.put(exc)

    thread = threading.Thread(target=work, name="cc-notify-compose", daemon=True)
    thread.start()
    try:
        while (item := ahead.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                ahead.get_nowait()
            thread.join(0.01)


def _warm(jobs: list[Job], composer: Composer, settings: NotifySettings) -> None:
    """Compose one message of each credential and kind in this process before forking: templates compiled,
    emblems drawn and every module imported here, once, so the forked composer inherits them and never
    imports (a lock another thread held at the fork would never be released in the child)."""
    seen: set[tuple[str, str]] = set()
    for job in jobs:
        key = (job.row.credential_id, job.kind)
        if key not in seen:
            seen.add(key)
            _composed(job, composer, settings)


def _prepared_in_process(jobs: list[Job], composer: Composer, settings: NotifySettings) -> Iterator[Prepared]:
    """`_prepared` in a forked child, which sends back, per job in order, (Message-ID, bytes) or the
    ComposeError; a message that goes out as SMTPUTF8 (a non-ASCII address) is composed again here, where
    the connection tells how to flatten it. The child ends when the jobs do, or when this process goes away
    (its pipe breaks): after a kill -9 of cc notify nothing of it is left running."""
    _warm(jobs, composer, settings)
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    _widen(writer)
    child = context.Process(target=_compose_child, args=(jobs, composer, settings, reader, writer), daemon=True)
    child.start()
    writer.close()
    try:
        for job in jobs:
            item = reader.recv()
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, ComposeError):
                yield job, item, None
            elif item is None:
                yield (job, *_composed(job, composer, settings))
            else:
                yield job, _Sent(item[0]), item[1]
    finally:
        reader.close()  # the child's next send breaks, and it ends
        child.join(5)
        if child.is_alive():  # pragma: no cover - only if it hangs
            child.kill()
            child.join()


PIPE_BYTES = 1 << 20  # Linux's default most for an unprivileged process: some 60 messages composed ahead


def _widen(end: Connection) -> None:
    """Let the child run further ahead than a 64 KiB pipe (three or four messages) would, so it rides out
    a moment without a core; where the system cannot, the pipe stays as it is."""
    with contextlib.suppress(OSError, AttributeError):  # F_SETPIPE_SZ: Linux only
        import fcntl

        fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _compose_child(
    jobs: list[Job], composer: Composer, settings: NotifySettings, reader: Connection, writer: Connection
) -> None:
    reader.close()  # only the parent reads: when it is gone, sending fails and this process ends
    try:
        for job in jobs:
            message, data = _composed(job, composer, settings)
            if isinstance(message, ComposeError):
                writer.send(message)
            elif data is None:
                writer.send(None)  # SMTPUTF8: composed again by the sender
            else:
                writer.send((str(message["Message-ID"]), data))
    except (BrokenPipeError, EOFError, OSError):
        return
    except BaseException as exc:  # a broken template: raised again in the sending process
        with contextlib.suppress(Exception):
            writer.send(exc)
    finally:
        writer.close()


def _composed(
    job: Job, composer: Composer, settings: NotifySettings
) -> tuple[EmailMessage | ComposeError, bytes | None]:
    """The job's message (or why it cannot be composed), flattened to bytes where it goes out as ASCII."""
    try:
        message = composer.compose(job, datetime.now(UTC), settings.to)
    except ComposeError as exc:
        return exc, None
    ascii_only = (composer.notify.sender + (settings.to or job.row.email)).isascii()
    return message, flatten(message) if ascii_only else None


def _send_one(
    job: Job,
    message: Composed,
    data: bytes | None,
    mailer: Mailer,
    pacer: _Pacer,
    settings: NotifySettings,
    sender: str,
    domain: str,
) -> Outcome:
    """Send one composed message, retrying temporary failures with backoff; the outcome to record."""
    row = job.row
    if isinstance(message, ComposeError):
        return Outcome(row.id, row.email, row.credential_id, job.kind, "failed", str(message), message_id(job, domain))
    recipient = settings.to or row.email
    ident = str(message["Message-ID"])
    delay = settings.backoff
    for attempt in range(settings.retries + 1):
        pacer.wait()
        try:
            mailer.send(message if isinstance(message, EmailMessage) else None, sender, recipient, data)
        except Permanent as exc:
            return Outcome(row.id, row.email, row.credential_id, job.kind, "failed", str(exc), ident)
        except Temporary as exc:
            if attempt == settings.retries:
                return Outcome(
                    row.id, row.email, row.credential_id, job.kind, "pending", str(exc), ident, exc.connecting
                )
            time.sleep(delay)
            delay *= 2
        else:
            return Outcome(row.id, row.email, row.credential_id, job.kind, "sent", None, ident)
    raise AssertionError("unreachable")  # pragma: no cover


def _record(outbox: MessageOutbox, job: Job, outcome: Outcome, settings: NotifySettings) -> None:
    """One commit per message, right after the server's answer (the guarantee of the module docstring)."""
    outbox.record(
        Delivery(
            award_id=job.row.id,
            kind=job.kind,
            occasion=job.occasion,
            recipient=job.row.email,
            message_id=outcome.message_id or "",
            state=outcome.state,
            reply=outcome.reply,
            at=utc_stamp(datetime.now(UTC)),
        )
    )


def rows_by_id(ledger: AwardLedger, award_ids: Iterable[str]) -> list[AwardRow]:
    """The ledger rows of these awards, in the order given (unknown ids are skipped)."""
    rows = []
    for award_id in award_ids:
        row = ledger.award(award_id)
        if row is not None:
            rows.append(row)
    return rows
