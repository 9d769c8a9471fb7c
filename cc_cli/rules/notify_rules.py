"""Rules over the `notify` settings of catalog.yaml (CC601-CC605): how `cc notify` emails awards.

The shape checks (CC101-CC106) already ensure `from` and `smtp.host` are there and well formed; these rules
catch settings that are well formed but would leak a password, point at a file that is not there, or
cannot connect.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

from cc_cli.catalog import model
from cc_cli.catalog.files import CATALOG_FILE
from cc_cli.catalog.suppress import read_suppressions
from cc_cli.core.problems import ERROR, WARNING, Hit
from cc_cli.rules.context import Context
from cc_cli.rules.registry import rule

LOOPBACK = ("localhost", "127.0.0.1", "::1")  # a relay on the same machine: nothing crosses a network


def _smtp(ctx: Context) -> model.Smtp | None:
    notify = ctx.catalog.info.notify
    return notify.smtp if notify is not None else None


@rule(
    "CC601", ERROR, "SMTP login (`notify.smtp.username`) over an unencrypted connection (`security: none`)", "catalog"
)
def login_in_clear(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """With `security: none` the SMTP password would cross the network in clear text. A login needs
    `starttls` or `tls`; only a relay on the same machine (localhost) may be reached without encryption.

    Passing:
        notify: {from: credentials@example.org, smtp: {host: smtp.example.org, security: starttls, username: badges}}
    Failing:
        notify: {from: credentials@example.org, smtp: {host: smtp.example.org, security: none, username: badges}}
    """
    smtp = _smtp(ctx)
    if smtp is None or smtp.security != "none" or not smtp.username or smtp.host.lower() in LOOPBACK:
        return
    yield Hit(
        CATALOG_FILE,
        ("notify", "smtp", "security"),
        f"security is none but username '{smtp.username}' logs in: the password would cross the network in clear "
        "text; use security: starttls (port 587) or tls (port 465)",
    )


@rule("CC602", ERROR, "`notify.suppress` or `notify.smtp.ca_file` missing, unreadable or malformed", "catalog")
def notify_file_problem(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """The suppression list must be readable, or people who asked never to be emailed would be emailed; a
    CA file that cannot be read would make every connection fail. Each suppression line is one address.

    Passing:
        notify: {from: credentials@example.org, suppress: suppressed.txt, smtp: {host: smtp.example.org}}
        # suppressed.txt: one address per line, `#` comments
    Failing:
        notify: {from: credentials@example.org, suppress: missing.txt, smtp: {host: smtp.example.org}}
    """
    notify = ctx.catalog.info.notify
    if notify is None:
        return
    if notify.suppress:
        yield from _suppress_file(ctx.root, notify.suppress)
    if notify.smtp.ca_file:
        yield from _ca_file(ctx.root, notify.smtp.ca_file)


def _suppress_file(root: Path, relative: str) -> Iterator[Hit]:
    where = ("notify", "suppress")
    try:
        found = read_suppressions(root / relative)
    except FileNotFoundError:
        yield Hit(CATALOG_FILE, where, f"suppression file '{relative}' not found in the catalog folder: create it")
        return
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        yield Hit(CATALOG_FILE, where, f"suppression file '{relative}' cannot be read ({reason})")
        return
    for line, text in found.bad_lines:
        message = f"'{text}' is not an email address: write one address per line (# starts a comment)"
        yield Hit(relative, (), message, position=(line, 1))


def _ca_file(root: Path, relative: str) -> Iterator[Hit]:
    where = ("notify", "smtp", "ca_file")
    try:
        ssl.create_default_context(cafile=str(root / relative))
    except FileNotFoundError:
        yield Hit(CATALOG_FILE, where, f"CA file '{relative}' not found in the catalog folder")
    except (OSError, ssl.SSLError, ValueError) as exc:
        message = (
            f"CA file '{relative}' holds no readable PEM certificate ({type(exc).__name__}): give the CA's PEM file"
        )
        yield Hit(CATALOG_FILE, where, message)


@rule("CC603", ERROR, "SMTP password in catalog.yaml (it comes from $CC_SMTP_PASSWORD only)", "catalog")
def password_in_catalog(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """A catalog lives in git, where every clone and every pull request would carry the password. cc
    reads the SMTP password from the environment variable CC_SMTP_PASSWORD only, and never prints it.

    Passing:
        smtp: {host: smtp.example.org, username: badges}     # export CC_SMTP_PASSWORD=...
    Failing:
        smtp: {host: smtp.example.org, username: badges, password: hunter2}
    """
    smtp = _smtp(ctx)
    if smtp is not None and smtp.password_given:
        yield Hit(
            CATALOG_FILE,
            ("notify", "smtp", "password"),
            "remove the password from catalog.yaml (and from its git history, and change it): cc reads it from the "
            "environment variable CC_SMTP_PASSWORD only",
            on_key=True,
        )


@rule("CC604", ERROR, "`notify.smtp.port` not a TCP port (a whole number from 1 to 65535)", "catalog")
def port_out_of_range(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """A port outside 1-65535 (or with a fraction) cannot be connected to.

    Passing:
        smtp: {host: smtp.example.org, port: 587}
    Failing:
        smtp: {host: smtp.example.org, port: 5870000}
    """
    smtp = _smtp(ctx)
    if smtp is None or smtp.port is None:
        return
    if not float(smtp.port).is_integer() or not 1 <= smtp.port <= 65535:
        yield Hit(
            CATALOG_FILE,
            ("notify", "smtp", "port"),
            f"port {smtp.port} is not a TCP port: give a whole number from 1 to 65535 (587 for starttls, 465 for tls)",
        )


@rule(
    "CC605", WARNING, "`notify.smtp.port` and `security` disagree (465 is implicit TLS, 587 and 25 STARTTLS)", "catalog"
)
def port_security_mismatch(ctx: Context, ids: list[tuple[str, str]]) -> Iterator[Hit]:
    """Port 465 speaks TLS from the first byte (`security: tls`); ports 587 and 25 start in clear text and
    upgrade (`starttls`). The wrong pair hangs or fails at the first message, after a cohort was issued.

    Passing:
        smtp: {host: smtp.example.org, port: 465, security: tls}
    Failing:
        smtp: {host: smtp.example.org, port: 465, security: starttls}
    """
    smtp = _smtp(ctx)
    if smtp is None or smtp.port is None:
        return
    if smtp.port == 465 and smtp.security != "tls":
        advice = "security: tls"
    elif smtp.port in (25, 587) and smtp.security == "tls":
        advice = "security: starttls, or port 465"
    else:
        return
    message = f"port {int(smtp.port)} does not speak security: {smtp.security}; use {advice}"
    yield Hit(CATALOG_FILE, ("notify", "smtp", "port"), message)
