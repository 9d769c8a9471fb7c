"""Composing one email per award: subject, plain text and HTML (multipart/alternative) from jinja2 templates,
the emblem inline, the signed award JSON and the baked PNG attached, a Message-ID derived from the award id.

Templates (cc_cli/templates/email/, each overridable by a file of the same name in the catalog's
templates/email/ folder): `<kind>.subject.j2`, `<kind>.txt.j2`, `<kind>.html.j2` for kind `award`,
`renewal` and `revoked`. They are compiled once per run, in a sandbox; HTML autoescapes everything, so a
name or title from the roster or the catalog is only ever text. The emblem is drawn once per credential.
"""

from __future__ import annotations

import base64
import email.policy
import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from email import quoprimime
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from cc_cli.catalog import model
from cc_cli.core.problems import UsageError
from cc_cli.core.stamps import parse_stamp
from cc_cli.ledger.sqlite import AwardRow
from cc_cli.notify.smtp import share_header
from cc_cli.notify.wording import credential_words, linkedin_url, site_url

BUILTIN_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
CATALOG_TEMPLATES = Path("templates") / "email"  # inside the catalog folder
KINDS = ("award", "renewal", "revoked")
EMBLEM_SIZE = 160  # px: the emblem as the message shows it (the baked PNG attachment is the full one)


POLICY = email.policy.SMTP  # CRLF line ends; non-ASCII headers as RFC 2047 (SMTPUTF8 is chosen when sending)


# One random token per run: `=_` never occurs in base64 or quoted-printable text, and the token keeps
# anything a roster says out of the boundaries, so no message body needs to be scanned for them.
_RUN_TOKEN = secrets.token_hex(12)


@functools.cache
def _header_class(name: str) -> Any:
    """The header class for `name`: the registry builds a new class on every lookup, so look once."""
    registry: Any = POLICY.header_factory  # a HeaderRegistry (typeshed types it as a plain callable)
    return registry[name]


def _parsed(name: str, value: str) -> Any:
    """A header object, as `policy.header_factory(name, value)` makes it."""
    return _header_class(name.lower())(name, value)


@functools.cache
def _header(name: str, value: str) -> Any:
    """A parsed header, made once and shared: header objects are immutable, and the generator reuses a
    parsed one as it is (parsing headers is most of the cost of composing and writing a message), and
    folds it once per run (`smtp.FastGenerator`)."""
    return share_header(_parsed(name, value))


def _unstructured(name: str, value: str) -> Any:
    """A Subject: parsed where it is ASCII; otherwise encoded (RFC 2047) and folded by the email package's
    `email.header.Header` and stored as it is. The newer folder of Python 3.11's email package drops the
    space between two adjacent encoded words and may add one elsewhere ("de  donnéescertifié"), so a
    French or German subject would not read back as written; `Header` keeps every space inside the
    encoded words. tests/test_notify_i18n.py reads the headers back in every shipped language."""
    if value.isascii():
        return _parsed(name, value)
    return Header(value, "utf-8", header_name=name).encode(linesep="\n")


def _mailbox(name: str, address: Address) -> Any:
    """An address header (From, To) with a display name: as `_unstructured`, the display name encoded by
    `Header` where it is not ASCII (an encoded word is a valid phrase, RFC 2047 section 5), the address on
    a line of its own, so no line is ever refolded."""
    if address.display_name.isascii():
        return _parsed(name, str(address))
    phrase = Header(address.display_name, "utf-8", header_name=name).encode(linesep="\n")
    return f"{phrase}\n <{address.addr_spec}>"


def _set(part: MIMEPart, name: str, value: Any) -> None:
    """Add a header object (parsed already) without `part[name] = value`'s per-call registry lookup;
    every header cc sets is set once per part."""
    part.set_raw(name, value)


def _multipart(subtype: str, parts: list[MIMEPart], into: MIMEPart | None = None) -> MIMEPart:
    """A multipart/<subtype> of `parts` (into an existing message's headers, for the outermost one)."""
    container = into if into is not None else MIMEPart(policy=POLICY)
    boundary = f"=_cc_{_RUN_TOKEN}_{subtype}"  # distinct per nesting level
    _set(container, "Content-Type", _header("Content-Type", f'multipart/{subtype}; boundary="{boundary}"'))
    container.set_payload(list(parts))
    return container


def _text_part(text: str, subtype: str) -> MIMEPart:
    """A text part in UTF-8, quoted-printable: what `set_content(text, subtype, cte="quoted-printable")`
    makes, with the stdlib's own encoder, and the constant headers parsed once per run."""
    part = MIMEPart(policy=POLICY)
    _set(part, "Content-Type", _header("Content-Type", f'text/{subtype}; charset="utf-8"'))
    _set(part, "Content-Transfer-Encoding", _header("Content-Transfer-Encoding", "quoted-printable"))
    body = "\n".join(text.splitlines()) + "\n"  # one line-end convention; the generator writes CRLF
    part.set_payload(qp_body(body.encode("utf-8").decode("latin-1")))
    return part


def qp_body(body: str) -> str:
    """`quoprimime.body_encode(body, 76)` for a body whose only line ends are \n, a line at a time with the
    lines remembered: it encodes each line on its own (after a translation that keeps \n and \r as the only
    line ends) and joins them with \n, so the result is the same, and most lines of a message are the
    template's own words, the same in every message of a credential. Proven equal in
    tests/test_notify_fast.py (every kind of message, and arbitrary text)."""
    if "\r" in body:  # never from `_text_part`; the stdlib splits \r too
        return quoprimime.body_encode(body, 76)
    return "\n".join([_qp_line(line) for line in body.split("\n")])


@functools.lru_cache(maxsize=4096)
def _qp_line(line: str) -> str:
    """One line (no line end in it) quoted-printable: the stdlib's own encoder, once per distinct line."""
    return quoprimime.body_encode(line, 76)


def _file_part(data: bytes, content_type: str, filename: str, disposition: str = "attachment") -> MIMEPart:
    """A base64 file part (`filename` is a credential id: kebab-case ASCII, safe to quote as it is)."""
    part = MIMEPart(policy=POLICY)
    _set(part, "Content-Type", _header("Content-Type", content_type))
    _set(part, "Content-Transfer-Encoding", _header("Content-Transfer-Encoding", "base64"))
    _set(part, "Content-Disposition", _header("Content-Disposition", f'{disposition}; filename="{filename}"'))
    # What `base64mime.body_encode(data)` returns (76-character lines, each ending in \n), from the C encoder.
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    return part


def small_png(png: bytes) -> bytes:
    """The inline emblem with a palette of 256 colours (no dithering): an emblem is a few flat colours and
    their anti-aliased edges, so it looks the same, in about a quarter of the bytes (16 KB to 4 KB, half
    of a whole message): less to encode, send and receive for every message. The attached baked PNG is the
    full emblem, untouched. Without Pillow (which cairosvg brings), or if it is no smaller, the PNG as drawn."""
    try:
        import io

        from PIL import Image
    except ImportError:  # pragma: no cover - cairosvg depends on Pillow
        return png
    try:
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            quantized = image.convert("RGBA").quantize(
                colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
            )
        buffer = io.BytesIO()
        quantized.save(buffer, "PNG", optimize=True)
    except (OSError, ValueError):
        return png
    smaller = buffer.getvalue()
    return smaller if len(smaller) < len(png) else png


class ComposeError(Exception):
    """This one message cannot be composed (its award file is missing or changed): it fails, the run goes on."""


@dataclass(slots=True)
class Job:
    """One message to send: which award, what kind of message, and what else its template needs."""

    row: AwardRow
    kind: str = "award"  # award | renewal | revoked
    occasion: str = ""  # tells apart the renewal reminders of one award; '' otherwise
    extra: dict[str, Any] = field(default_factory=dict)  # renewal: window, days_left; revoked: reason


def environment(catalog_root: Path) -> Any:
    """jinja2: the catalog's templates/email/ first, then cc's own; autoescape for .html.j2. Sandboxed
    whenever the catalog supplies any template (its code runs, and cc's templates may extend or import
    it); cc's own templates alone are trusted code and run without the sandbox's checks on every
    attribute and call, a third of the cost of composing a message."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    own = catalog_root / CATALOG_TEMPLATES
    builtin = jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES))
    if own.is_dir() and any(own.iterdir()):
        kind: Any = SandboxedEnvironment
        loader: Any = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(own)), builtin])
    else:  # nothing of the catalog's can be loaded, even should a file appear there during the run
        kind, loader = jinja2.Environment, builtin
    return kind(
        loader=loader,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def message_domain(sender: str) -> str:
    """The right-hand side of Message-IDs: the sender's domain (IDNA-encoded, so the header stays ASCII)."""
    domain = sender.rpartition("@")[2].lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "cc.invalid"


def message_id(job: Job, domain: str) -> str:
    """Stable per message: the award's uuid (and kind, and occasion), so a re-sent message is the same
    message to every mail client."""
    uuid = job.row.id.removeprefix("urn:uuid:")
    if job.kind == "award":
        return f"<{uuid}@{domain}>"
    if job.kind == "revoked":
        return f"<{uuid}.revoked@{domain}>"
    occasion = hashlib.sha256(job.occasion.encode("utf-8")).hexdigest()[:12]
    return f"<{uuid}.{job.kind}-{occasion}@{domain}>"


class Composer:
    """Builds the messages of one run; templates compiled and emblems drawn once, then reused."""

    def __init__(self, catalog: model.Catalog, out: Path, notify: model.Notify) -> None:
        self.catalog = catalog
        self.out = out
        self.notify = notify
        self.domain = message_domain(notify.sender)
        self.env = environment(catalog.root)
        self._templates: dict[str, Any] = {}
        self._emblems: dict[str, bytes | None] = {}
        self._emblem_parts: dict[str, MIMEPart] = {}
        self._words: dict[str, dict[str, Any]] = {}
        try:
            sender = Address(display_name=catalog.info.issuer.name, addr_spec=notify.sender)
        except (ValueError, IndexError) as exc:
            raise UsageError(f"catalog.yaml notify.from '{notify.sender}' is not a usable address ({exc})") from None
        # Parsed once per run: a header object is stored as it is, never parsed again for each message.
        self._from = share_header(_mailbox("From", sender))
        self._reply_to = share_header(_parsed("Reply-To", notify.reply_to)) if notify.reply_to else None

    def template(self, name: str) -> Any:
        """A compiled template; a broken override is a usage error naming its file and line."""
        if name not in self._templates:
            import jinja2

            try:
                self._templates[name] = self.env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                where = exc.filename or name
                raise UsageError(f"email template {where}:{exc.lineno}: {exc.message}") from None
            except jinja2.TemplateNotFound:
                raise UsageError(f"email template {name} not found (cc ships it: reinstall cc)") from None
        return self._templates[name]

    def render(self, name: str, context: dict[str, Any]) -> str:
        import jinja2

        try:
            return str(self.template(name).render(context))
        except jinja2.TemplateError as exc:
            override = self.catalog.root / CATALOG_TEMPLATES / name
            where = override if override.is_file() else name
            raise UsageError(f"email template {where}: {exc}") from None

    def emblem(self, credential: model.Credential) -> bytes | None:
        """The credential's emblem as PNG, drawn once per run (None when it cannot be drawn)."""
        if credential.id not in self._emblems:
            from cc_cli.emblem.render import emblem_bytes

            drawn = emblem_bytes(self.catalog, credential, ("png",), EMBLEM_SIZE).get("png")
            self._emblems[credential.id] = small_png(drawn) if drawn else None
        return self._emblems[credential.id]

    def words(self, credential: model.Credential) -> dict[str, Any]:
        """What the templates get for one credential in its language (`cc_cli.catalog.texts`: the catalog's
        or the credential's `language:`, the catalog's `texts:` overrides): made once per credential."""
        if credential.id not in self._words:
            self._words[credential.id] = credential_words(self.catalog.info, credential)
        return self._words[credential.id]

    def context(self, job: Job, credential: model.Credential) -> dict[str, Any]:
        """What every template gets (documented in the README, "Delivering awards")."""
        row, info = job.row, self.catalog.info
        issued = parse_stamp(row.issued_at)
        expires = parse_stamp(row.valid_until) if row.valid_until else None
        page = site_url(info.base_url, credential.id)
        return {
            **self.words(credential),
            "learner": {"name": row.name, "email": row.email},
            "credential": credential,
            "issuer": info.issuer,
            "programme": info.name,
            "award": {
                "id": row.id,
                "issued_on": issued.strftime("%Y-%m-%d"),
                "valid_until": expires.strftime("%Y-%m-%d") if expires else None,
            },
            "links": {
                "site": page,
                "linkedin": linkedin_url(credential.title, info.issuer.name, issued, expires, row.id, page),
                "issuer": info.issuer.url,
                "verify": "cc verify",
            },
            "reply_to": self.notify.reply_to,
            **job.extra,
        }

    def compose(self, job: Job, now: datetime, to: str | None = None) -> EmailMessage:
        """The whole message for one job; ComposeError when its award file is missing or changed."""
        row = job.row
        credential = self.catalog.credentials.get(row.credential_id)
        if credential is None:
            raise ComposeError(f"credential '{row.credential_id}' is no longer in the catalog")
        context = self.context(job, credential)
        attachments = self._attachments(job) if job.kind == "award" else []
        context["attachments"] = [name for name, _, _ in attachments]
        emblem = self.emblem(credential)
        context["emblem_cid"] = f"emblem.{credential.id}@{self.domain}" if emblem else None
        message = EmailMessage(policy=POLICY)
        subject = " ".join(self.render(f"{job.kind}.subject.j2", context).split())
        _set(message, "Subject", _unstructured("Subject", subject))
        _set(message, "From", self._from)
        recipient = self._recipient(row, to)
        _set(message, "To", _mailbox("To", recipient) if isinstance(recipient, Address) else _parsed("To", recipient))
        if self._reply_to is not None:
            _set(message, "Reply-To", self._reply_to)
        message.set_raw("Date", format_datetime(now))
        message.set_raw("Message-ID", message_id(job, self.domain) if to is None else self._test_id(job, now))
        _set(message, "Auto-Submitted", _header("Auto-Submitted", "auto-generated"))
        _set(message, "MIME-Version", _header("MIME-Version", "1.0"))
        text = _text_part(self.render(f"{job.kind}.txt.j2", context), "plain")
        html = _text_part(self.render(f"{job.kind}.html.j2", context), "html")
        if emblem:
            html = _multipart("related", [html, self._emblem_part(credential, emblem, context["emblem_cid"])])
        files = [_file_part(data, f"{maintype}/{subtype}", name) for name, (maintype, subtype), data in attachments]
        if files:
            _multipart("mixed", [_multipart("alternative", [text, html]), *files], message)
        else:
            _multipart("alternative", [text, html], message)
        return message

    def _emblem_part(self, credential: model.Credential, emblem: bytes, cid: str) -> MIMEPart:
        """The inline emblem, encoded once per credential and shared by its messages (never modified)."""
        if credential.id not in self._emblem_parts:
            part = _file_part(emblem, "image/png", f"{credential.id}-emblem.png", "inline")
            _set(part, "Content-ID", share_header(_parsed("Content-ID", f"<{cid}>")))
            self._emblem_parts[credential.id] = part
        return self._emblem_parts[credential.id]

    def _recipient(self, row: AwardRow, to: str | None) -> Address | str:
        name, address = (row.name if to is None else ""), (to or row.email)
        try:
            return Address(display_name=name, addr_spec=address)
        except (ValueError, IndexError) as exc:
            if not address.isascii() and "@" in address:
                # An internationalised address (RFC 6531): `Address` refuses a non-ASCII local part, the header
                # keeps it as written; it can only be sent as SMTPUTF8, which the sending checks.
                quoted = name.replace("\\", "\\\\").replace('"', '\\"')
                return f'"{quoted}" <{address}>' if name else address
            raise ComposeError(f"'{address}' is not an address mail can be sent to ({exc})") from None

    def _test_id(self, job: Job, now: datetime) -> str:
        """`--to`: a Message-ID of its own per run, so test copies never shadow the real message."""
        real = message_id(job, self.domain)
        return real.replace("@", f".test-{int(now.timestamp())}@", 1)

    def _attachments(self, job: Job) -> list[tuple[str, tuple[str, str], bytes]]:
        """The signed award JSON (checked against the ledger's sha256) and the baked PNG where there is one."""
        row = job.row
        path = self.out / row.file
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ComposeError(f"award file {path} cannot be read ({exc.strerror or exc})") from None
        if row.file_sha256 and hashlib.sha256(data).hexdigest() != row.file_sha256:
            raise ComposeError(f"award file {path} is not the file the ledger recorded: not sent")
        found = [(f"{row.credential_id}.json", ("application", "json"), data)]
        baked = path.with_suffix(".png")
        if baked.is_file():
            found.append((f"{row.credential_id}.png", ("image", "png"), baked.read_bytes()))
        return found
