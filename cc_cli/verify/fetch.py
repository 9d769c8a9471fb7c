"""`cc verify --online`: fetch one JSON document (a DID document, a controller document, a status list) from
the URL a credential cites, treating the answer as hostile input.

Why so guarded: a verifier runs where its user is, often inside a network an attacker cannot reach, and the
URLs come from the credential, which anyone can write. So: https only (a document read in clear could be
swapped on the way), no private, loopback, link-local or otherwise special address unless `allow_local`
(tests, or a user who means it), the address that was vetted is the one connected to (no second DNS answer
in between), a few redirects at most (each vetted again), a timeout on every read and a deadline for the
whole exchange, and a size cap. Certificates are checked with the system's trust store (SSL_CERT_FILE
works, as for any OpenSSL client).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from urllib.parse import urljoin, urlsplit

MAX_BYTES = 1 << 20  # 1 MiB: a DID document is a few KB, a 131,072-entry status list about 20 KB compressed
TIMEOUT = 5.0  # seconds for connecting and for each read
DEADLINE = 15.0  # seconds for the whole exchange, redirects included: a slow drip must end too
MAX_REDIRECTS = 3
ACCEPT = "application/did+ld+json, application/ld+json, application/json;q=0.9"


class FetchError(ValueError):
    """Why a document could not be fetched, in words fit for a verdict."""


def fetch(url: str, *, allow_local: bool = False) -> bytes:
    """The body of `url` (https, 200), after at most MAX_REDIRECTS redirects; FetchError otherwise."""
    started = time.monotonic()
    seen: list[str] = []
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if current in seen:
            raise FetchError(f"{url}: redirect loop at {current}")
        seen.append(current)
        status, location, body = _get(current, allow_local, started)
        if status in (301, 302, 303, 307, 308):
            if not location:
                raise FetchError(f"{current}: redirect ({status}) without a Location")
            current = urljoin(current, location)
            continue
        if status != 200:
            raise FetchError(f"{current}: the server answered HTTP {status}")
        return body
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _get(url: str, allow_local: bool, started: float) -> tuple[int, str | None, bytes]:
    """One GET, to the vetted address of the URL's host: (status, Location, body)."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise FetchError(f"{url}: only https URLs are fetched (a document read in clear could be swapped)")
    host = parts.hostname
    if not host:
        raise FetchError(f"{url}: no host in the URL")
    try:
        port = parts.port or 443
    except ValueError:
        raise FetchError(f"{url}: the port is not a number") from None
    address = _vetted_address(host, port, allow_local)
    connection = _PinnedHTTPSConnection(host, port, address, timeout=TIMEOUT)
    # A server dripping a byte every few seconds never trips the read timeout: a watchdog shuts the
    # connection down at the deadline, which ends any read under way (headers included).
    watchdog = threading.Timer(max(0.0, DEADLINE - (time.monotonic() - started)), connection.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={"Accept": ACCEPT, "User-Agent": "cc-verify"})
        response = connection.getresponse()
        if response.status in (301, 302, 303, 307, 308):
            return response.status, response.getheader("Location"), b""
        length = response.getheader("Content-Length")
        if length and length.isdigit() and int(length) > MAX_BYTES:
            raise FetchError(f"{url}: the document is {int(length):,} bytes, over the {MAX_BYTES:,} bytes cc reads")
        body = bytearray()
        while not connection.aborted and (chunk := response.read1(16384)):  # read1: one socket read at most
            body += chunk
            if len(body) > MAX_BYTES:
                raise FetchError(f"{url}: the document is over the {MAX_BYTES:,} bytes cc reads")
        if connection.aborted or time.monotonic() - started > DEADLINE:
            raise FetchError(f"{url}: no complete answer within {DEADLINE:.0f} s")
        return response.status, None, bytes(body)
    except TimeoutError:
        if connection.aborted:
            raise FetchError(f"{url}: no complete answer within {DEADLINE:.0f} s") from None
        raise FetchError(f"{url}: no answer within {TIMEOUT:.0f} s") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if connection.aborted:
            raise FetchError(f"{url}: no complete answer within {DEADLINE:.0f} s") from None
        if isinstance(exc, ssl.SSLError):
            raise FetchError(f"{url}: TLS failed: {exc.reason or exc}") from None
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
    finally:
        watchdog.cancel()
        connection.finish()


def _vetted_address(host: str, port: int, allow_local: bool) -> str:
    """The first address of `host` that is public (or any, with allow_local); FetchError when none is.
    Every address is vetted, not only the first: a host answering one public and one private address
    could be steered to the private one."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: the name does not resolve ({exc})") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_local:
        for address in addresses:
            why = special_address(address)
            if why:
                raise FetchError(
                    f"{host} resolves to {address}, a {why} address: cc verify --online does not reach into "
                    "local networks (--allow-local lets it)"
                )
    if not addresses:
        raise FetchError(f"{host}: the name has no address")
    return addresses[0]


def special_address(address: str) -> str | None:
    """What kind of non-public address `address` is (loopback, private...), or None for a public one."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, hit in (
        ("loopback", ip.is_loopback),  # the most telling name first: Python counts these as private too
        ("link-local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    ):
        if hit:
            return kind
    return None if ip.is_global else "non-global"


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a given address, with the certificate checked against the URL's host name (SNI too)."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address
        self.aborted = False
        self._fileno: int | None = None  # kept: http.client drops self.sock once the response owns it
        self._lock = threading.Lock()

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        with self._lock:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]
            self._fileno = self.sock.fileno()
            if self.aborted:  # the deadline passed during the handshake
                raise TimeoutError

    def abort(self) -> None:
        """From the watchdog thread: end whatever read is under way. Shutting the connection down (through
        a duplicate of its descriptor: the response may hold the only socket object) wakes a blocked recv."""
        with self._lock:
            self.aborted = True
            if self._fileno is None:
                return
            with contextlib.suppress(OSError), socket.socket(fileno=os.dup(self._fileno)) as duplicate:
                duplicate.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        """Close for good; after this the watchdog has no descriptor to touch (it could be reused)."""
        with self._lock:
            self._fileno = None
        self.close()
