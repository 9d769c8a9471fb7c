"""One SMTP connection for a whole run (standard library smtplib), reopened when the server drops it.

Every failure is sorted into what the run does next:
- `Temporary`: a 4xx reply, a refused, timed-out or dropped connection: retry with backoff, then leave the
  message pending for the next run;
- `Permanent`: a 5xx reply for this message (recipient refused, content refused): mark it failed with the
  server's reply;
- `UsageError`: the settings cannot work (login refused, certificate not trusted, no STARTTLS): stop, exit 2.
The password is only ever passed to `login`; it is never part of a message, a reply or an error.
"""

from __future__ import annotations

import contextlib
import io
import smtplib
import ssl
from dataclasses import dataclass
from email.generator import NLCRE, BytesGenerator  # type: ignore[attr-defined]
from email.message import EmailMessage
from typing import Any

from cc_cli.core.problems import UsageError


class Temporary(Exception):
    """Worth retrying: a 4xx reply or a connection problem. `connecting`: the server could not be reached."""

    def __init__(self, reply: str, *, connecting: bool = False) -> None:
        super().__init__(reply)
        self.connecting = connecting


class Permanent(Exception):
    """A 5xx reply for this message: retrying will not help (until someone fixes the address)."""


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: str  # starttls | tls | none
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    timeout: float = 30.0

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}"


def _classify(code: int, message: bytes | str) -> Exception:
    reply = _reply(code, message)
    return Permanent(reply) if 500 <= code < 600 else Temporary(reply)


class FastGenerator(BytesGenerator):
    """The email package's BytesGenerator, writing the same bytes with fewer calls (flattening was half of
    the cost of a message):
    - a body is written in one piece, where the stock `_write_lines` writes each line and each line end
      separately (a base64 attachment is some 900 writes): `NL.join(lines)` is exactly what its loop writes,
      and so is replacing each \n with NL in a body that holds no \r;
    - a header that every message repeats (the parts' Content-Type, Content-Transfer-Encoding...: shared,
      immutable header objects, `compose._header`) is folded once per run, then reused: folding depends
      only on the header's class, name and value and on the policy, all part of the cache key.
    tests/test_notify_fast.py flattens messages of every kind with both generators and compares the bytes."""

    _NL: str  # set by Generator.flatten
    _fp: Any  # the output file, set by Generator.__init__

    def _write_lines(self, lines: str) -> None:
        if not lines:
            return
        if "\r" in lines:
            self.write(self._NL.join(NLCRE.split(lines)))
        else:  # only \n line ends (all that cc writes): the same as the split, without the regex
            self.write(lines.replace("\n", self._NL))

    def _write_headers(self, msg: Any) -> None:
        policy, out = self.policy, self._fp
        assert policy is not None  # set by flatten
        cache = _FOLDED.setdefault(_policy_key(policy), {})
        for name, value in msg.raw_items():
            if id(value) in _SHARED:
                key = (name, id(value))
                folded = cache.get(key)
                if folded is None:
                    folded = cache[key] = policy.fold_binary(name, value)
                out.write(folded)
            else:
                out.write(policy.fold_binary(name, value))
        self.write(self._NL)


def _policy_key(policy: Any) -> tuple[tuple[str, Any], ...]:
    """Everything a fold depends on in a policy (flatten works on a clone of it: identity will not do)."""
    return tuple(sorted(vars(policy).items()))


_SHARED: dict[int, Any] = {}  # id -> header object shared by every message (kept alive here, so ids stay unique)
_FOLDED: dict[tuple[tuple[str, Any], ...], dict[tuple[str, int], bytes]] = {}  # policy -> (name, id) -> bytes


def share_header(value: Any) -> Any:
    """Mark a header object as shared by many messages (never changed): it is folded once per policy."""
    _SHARED[id(value)] = value
    return value


def flatten(message: EmailMessage, policy: Any = None) -> bytes:
    """The message as SMTP sends it (CRLF line ends), with its own policy unless told otherwise."""
    buffer = io.BytesIO()
    FastGenerator(buffer, policy=policy or message.policy).flatten(message, linesep="\r\n")
    return buffer.getvalue()


class Mailer:
    """Sends messages over one connection (opened on the first message, reopened after a drop)."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None
        self.connections = 0  # how many times a connection was opened (reports and tests)
        self._context: ssl.SSLContext | None = None

    def _ssl(self) -> ssl.SSLContext:
        """The system's trusted CAs plus the configured CA file; hostname and certificate always checked."""
        if self._context is None:
            try:
                self._context = ssl.create_default_context(cafile=self.config.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise UsageError(f"SMTP CA file {self.config.ca_file} cannot be used: {exc}") from None
        return self._context

    def _open(self) -> smtplib.SMTP:
        config = self.config
        try:
            if config.security == "tls":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout, context=self._ssl()
                )
            else:
                connection = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            connection.ehlo()
            if config.security == "starttls":
                if not connection.has_extn("starttls"):
                    connection.close()
                    raise UsageError(
                        f"the SMTP server {config.where} does not offer STARTTLS: use the port it encrypts on, or "
                        "security: tls (port 465)"
                    )
                connection.starttls(context=self._ssl())
                connection.ehlo()
            if config.username:
                connection.login(config.username, config.password or "")
        except ssl.SSLCertVerificationError as exc:
            raise UsageError(
                f"the SMTP server {config.where} presented a certificate that is not trusted ({exc.verify_message}): "
                "give its CA in notify.smtp.ca_file or $CC_SMTP_CA_FILE"
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise UsageError(
                f"the SMTP server {config.where} refused the login of '{config.username}' ({_reply(exc.smtp_code, exc.smtp_error)}): "
                "check notify.smtp.username and $CC_SMTP_PASSWORD"
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise Temporary(f"{config.where}: {_reply(exc.smtp_code, exc.smtp_error)}", connecting=True) from None
        except (OSError, smtplib.SMTPException) as exc:  # refused, unreachable, timed out, dropped at once
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            raise Temporary(f"cannot connect to {config.where}: {reason}", connecting=True) from None
        self.connections += 1
        return connection

    def send(self, message: EmailMessage | None, sender: str, recipient: str, data: bytes | None = None) -> None:
        """Send one message to one recipient (`data`: the message already flattened, for ASCII addresses;
        then `message` may be None); Temporary or Permanent when the server did not accept it."""
        if self.connection is None:
            self.connection = self._open()
        try:
            options: list[str] = []
            if data is None:
                assert message is not None
                data, options = self._flatten(self.connection, message, sender, recipient)
            self.connection.sendmail(sender, [recipient], data, options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise _classify(code, reply) from None
        except smtplib.SMTPSenderRefused as exc:
            failure = _classify(exc.smtp_code, exc.smtp_error)
            if isinstance(failure, Permanent):
                self.close()
                raise UsageError(
                    f"the SMTP server {self.config.where} refuses the sender {sender} ({failure}): check notify.from"
                ) from None
            raise failure from None
        except smtplib.SMTPNotSupportedError as exc:  # a non-ASCII address and a server without SMTPUTF8
            raise Permanent(f"the server cannot take this address ({exc})") from None
        except smtplib.SMTPResponseException as exc:  # DATA refused, or a 421 closing the connection
            if exc.smtp_code == 421:
                self._drop()
            raise _classify(exc.smtp_code, exc.smtp_error) from None
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            raise Temporary(f"connection to {self.config.where} lost ({exc or type(exc).__name__})") from None

    @staticmethod
    def _flatten(
        connection: smtplib.SMTP, message: EmailMessage, sender: str, recipient: str
    ) -> tuple[bytes, list[str]]:
        """The message as bytes, as `SMTP.send_message` makes them: with SMTPUTF8 (and UTF-8 headers) when an
        address is not ASCII and the server offers it, else ASCII with RFC 2047 headers."""
        policy: Any = message.policy  # an EmailPolicy (typeshed types `.policy` as the base class)
        options: list[str] = []
        if not (sender + recipient).isascii():
            if not connection.has_extn("smtputf8"):
                raise smtplib.SMTPNotSupportedError("the address needs SMTPUTF8, which the server does not offer")
            policy, options = policy.clone(utf8=True), ["SMTPUTF8", "BODY=8BITMIME"]
        return flatten(message, policy), options

    def _drop(self) -> None:
        """Forget a connection that is gone; the next message opens a new one."""
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.close()
        self.connection = None

    def close(self) -> None:
        """QUIT politely; a connection that is already gone is simply forgotten."""
        if self.connection is not None:
            with contextlib.suppress(Exception):
                self.connection.quit()
        self._drop()
