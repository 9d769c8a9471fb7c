"""A real SMTP server for the `cc notify` tests and bench: aiosmtpd on 127.0.0.1, in this process.

`Mailbox` keeps every message it accepted (envelope and raw bytes) and can misbehave on purpose: answer
451 to the first DATA commands, refuse some recipients with 550, drop the connection instead of answering
a given message. `serve()` starts it on a free port (optionally STARTTLS-only, with a login) and stops it.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Mailbox:
    """The server's handler (aiosmtpd calls the handle_* hooks)."""

    messages: list[Received] = field(default_factory=list)
    tempfail_first: int = 0  # answer 451 to this many DATA commands first
    refuse: set[str] = field(default_factory=set)  # recipients answered 550
    drop_at: set[int] = field(default_factory=set)  # DATA commands (1-based) answered by closing the connection
    data_commands: int = 0
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        with self.lock:
            self.connections += 1
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_commands += 1
            count = self.data_commands
        if count <= self.tempfail_first:
            return "451 4.3.0 Temporary local problem, try again"
        if count in self.drop_at:
            server.transport.close()
            return "421 4.4.2 closing"  # never reaches the client: the connection is gone
        with self.lock:
            self.messages.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
        return "250 2.0.0 Ok: queued"

    def parsed(self) -> list[EmailMessage]:
        with self.lock:
            return [received.message() for received in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(
    mailbox: Mailbox, *, tls_context: Any = None, login: tuple[str, str] | None = None, smtputf8: bool = True
) -> Iterator[int]:
    """Run `mailbox` on 127.0.0.1 (a free port, yielded) until the block ends. With `tls_context` the
    server offers STARTTLS and requires it; with `login` it requires that user name and password; without
    `smtputf8` it does not offer SMTPUTF8."""
    kwargs: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
    if tls_context is not None:
        kwargs.update(tls_context=tls_context, require_starttls=True)
    if login is not None:

        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

        # AUTH LOGIN of aiosmtpd 1.4 waits for a second line where smtplib sends the user name at once: PLAIN only.
        kwargs.update(authenticator=authenticate, auth_required=True, auth_require_tls=tls_context is not None)
        kwargs.update(auth_exclude_mechanism=["LOGIN"])
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
