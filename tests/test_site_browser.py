"""`cc site` in a real browser: headless Chromium, driven over the DevTools protocol, on a local file server.

Every page loads with no console error and no broken link or image; the filters work from the keyboard; the
pages fit a phone; the site also works from file://; catalog HTML stays text. Screenshots of the index, a
credential page and a path page are written to a temporary folder (or to $CC_SCREENSHOTS, to look at them).

Chromium comes from Debian (`apt-get install chromium`, done here when missing and running as root). The
DevTools client below is a minimal RFC 6455 websocket client: no extra dependency for the test suite.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import socket
import struct
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from cc_cli.site import build_site
from cc_cli.validate.load import load_catalog
from tests.conftest import RULES_BASE, SAMPLE_CATALOG
from tests.i18n_catalog import write_catalog
from tests.test_site import HOSTILE_TITLE, crawl, hostile_catalog

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--hide-scrollbars", "--mute-audio", "--remote-debugging-port=0",
)  # fmt: skip


def chromium_binary() -> str:
    """Debian's chromium, installed when missing (CI runs as root); a skip that says why when impossible."""
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("chromium is not installed and cannot be installed here (needs root and apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            pytest.skip(f"cannot install chromium ({' '.join(command)}: {done.stderr.strip()[-200:]})")
    found = shutil.which("chromium")
    if not found:
        pytest.skip("apt-get installed chromium but no `chromium` binary is on PATH")
    return found


class DevTools:
    """One page target over the Chrome DevTools protocol: `call` a method, `events` received meanwhile."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        self.buffer = bytearray()
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        head, _, rest = bytes(self.buffer).partition(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n")[0], head
        self.buffer = bytearray(rest)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _send(self, payload: bytes, opcode: int = 0x1) -> None:
        header = bytearray([0x80 | opcode])
        size = len(payload)
        if size < 126:
            header.append(0x80 | size)
        elif size < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", size)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", size)
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def _receive(self) -> dict[str, Any]:
        message = b""
        while True:
            first, second = self._read(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(size)
            opcode = first & 0x0F
            if opcode == 0x9:
                self._send(payload, 0xA)
                continue
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the connection")
            message += payload
            if first & 0x80:
                return dict(json.loads(message))

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}).encode())
        while True:
            message = self._receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            self.events.append(message)

    def wait_for(self, method: str) -> dict[str, Any]:
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            self.events.append(self._receive())

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def key(self, key: str, code: int, shift: bool = False) -> None:
        for kind in ("rawKeyDown", "keyUp"):
            self.call(
                "Input.dispatchKeyEvent", type=kind, key=key, code=key, windowsVirtualKeyCode=code, modifiers=8 * shift
            )

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, failed loads and dialogs since the last call."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Page.javascriptDialogOpening":
                found.append(f"dialog: {params.get('message')}")
        self.events.clear()
        return found

    def load(self, url: str) -> list[str]:
        """Navigate, wait for the load event and every image (lazy ones too); return the page's problems."""
        self.problems()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")
        broken = self.js(
            """(async () => {
                const images = Array.from(document.images);
                images.forEach((image) => { image.loading = "eager"; });
                await Promise.all(images.map((image) => image.complete ? null : new Promise((done) => {
                    image.addEventListener("load", done); image.addEventListener("error", done); })));
                return images.filter((image) => !(image.naturalWidth > 0)).map((image) => image.getAttribute("src"));
            })()"""
        )
        return [f"broken image: {src}" for src in broken] + self.problems()

    def screenshot(self, path: Path, width: int, height: int | None = None, mobile: bool = False) -> None:
        """A PNG of the page at `width`; the whole page unless `height` is given."""

        def viewport(tall: int) -> None:
            self.call(
                "Emulation.setDeviceMetricsOverride", width=width, height=tall, deviceScaleFactor=1, mobile=mobile
            )

        viewport(height or 900)
        if height is None:
            viewport(min(int(self.js("document.documentElement.scrollHeight")), 6000))
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))


class _Handler(SimpleHTTPRequestHandler):
    statuses: list[tuple[str, int]]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.statuses.append((self.path, int(code) if str(code).isdigit() else 0))

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(load_catalog(SAMPLE_CATALOG).catalog, out)
    hostile = tmp_path_factory.mktemp("hostile") / "catalog"
    shutil.copytree(RULES_BASE, hostile)
    build_site(load_catalog(hostile_catalog(hostile)).catalog, out.parent / "hostile")
    fep = write_catalog(tmp_path_factory.mktemp("fep") / "catalog")  # French, with ja and ar credentials
    build_site(load_catalog(fep).catalog, out.parent / "fep")
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    """The built sites over HTTP on 127.0.0.1 (a random port), with every request's status recorded."""
    statuses: list[tuple[str, int]] = []
    handler = type("Handler", (_Handler,), {"statuses": statuses})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site.parent)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", statuses
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTools]:
    binary = chromium_binary()
    profile = tmp_path_factory.mktemp("chromium-profile")
    process = subprocess.Popen(
        [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stderr or []], daemon=True).start()
    try:
        while "DevTools listening on" not in (line := lines.get(timeout=30)):
            pass
        port = urlsplit(line.split("listening on", 1)[1].strip()).port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.load(response)
        page = next(target for target in targets if target["type"] == "page")
        tools = DevTools(page["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            tools.call(f"{domain}.enable")
        yield tools
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get("CC_SCREENSHOTS")
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_page_loads_cleanly_with_no_broken_link_or_image(
    site: Path, server: tuple[str, list[tuple[str, int]]], browser: DevTools
) -> None:
    base, statuses = server
    pages, broken = crawl(site)
    assert not broken, broken[:10]
    assert len(pages) >= 40
    problems = {}
    for page in pages:
        found = browser.load(base + "site/" + page.relative_to(site).as_posix())
        if found:
            problems[page.name] = found
    assert not problems, problems
    failed = sorted({path for path, status in statuses if status >= 400})
    assert not failed, failed[:10]


def test_filters_work_by_keyboard(server: tuple[str, list[tuple[str, int]]], browser: DevTools) -> None:
    base, _ = server
    assert browser.load(base + "site/index.html") == []
    total = browser.js("document.querySelectorAll('#cards li.card').length")
    for _ in range(60):  # Tab from the top of the page to the classification select
        browser.key("Tab", 9)
        if browser.js("document.activeElement.id") == "filter-classification":
            break
    assert browser.js("document.activeElement.id") == "filter-classification", "the select is not reachable by Tab"
    assert browser.js("document.activeElement.matches(':focus-visible')")
    for _ in range(5):
        browser.key("ArrowDown", 40)
        if browser.js("document.activeElement.value") == "certification":
            break
    visible = browser.js(
        "Array.from(document.querySelectorAll('#cards li.card')).filter((c) => !c.hidden)"
        ".map((c) => [c.dataset.classification, c.getBoundingClientRect().height > 0])"
    )
    assert visible and all(kind == "certification" and shown for kind, shown in visible), visible
    assert (
        browser.js("document.getElementById('filter-count').textContent")
        == f"Showing {len(visible)} of {total} credentials"
    )
    for _ in range(3):  # type, level, then the search field
        browser.key("Tab", 9)
    assert browser.js("document.activeElement.id") == "filter-text"
    browser.call("Input.insertText", text="qradar")
    titles = browser.js(
        "Array.from(document.querySelectorAll('#cards li.card:not([hidden]) h3')).map((h) => h.textContent)"
    )
    assert titles and all("QRadar" in title for title in titles), titles
    browser.key("Tab", 9)
    assert browser.js("document.activeElement.textContent") == "Clear filters"
    browser.call(
        "Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter", windowsVirtualKeyCode=13, text="\r"
    )
    browser.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13)
    # the reset event fires before the fields are cleared, so the page re-filters on the next tick
    shown = "new Promise((done) => setTimeout(() => done(document.querySelectorAll('#cards li.card:not([hidden])').length), 50))"
    assert browser.js(shown) == total
    assert browser.js("document.getElementById('filter-classification').value") == ""
    assert browser.problems() == []


def test_pages_fit_a_phone_and_screenshots(
    site: Path, server: tuple[str, list[tuple[str, int]]], browser: DevTools, shots: Path
) -> None:
    base, _ = server
    pages = {
        "index": "index.html",
        "credential": "credentials/ibm-certified-associate-analyst-qradar-siem-v7-5.html",
        "path": "paths/data-scientist.html",
    }
    for name, page in pages.items():
        assert browser.load(base + "site/" + page) == []
        browser.screenshot(shots / f"{name}-full.png", 1280)
        browser.screenshot(shots / f"{name}.png", 1280, 1000)
        browser.screenshot(shots / f"{name}-phone.png", 390, mobile=True)
        overflow = browser.js("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page} is {overflow}px wider than a phone"
        browser.call("Emulation.clearDeviceMetricsOverride")
    for name in pages:
        assert (shots / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_site_works_from_file_urls(site: Path, browser: DevTools) -> None:
    for page in ("index.html", "paths/cloud-developer.html", "credentials/cloud-essentials.html"):
        assert browser.load((site / page).as_uri()) == [], page
    assert browser.js("document.querySelectorAll('img').length") > 0
    browser.load((site / "index.html").as_uri())
    assert browser.js("document.getElementById('filters').hidden") is False  # the script ran


def test_catalog_html_stays_text_in_the_browser(server: tuple[str, list[tuple[str, int]]], browser: DevTools) -> None:
    base, _ = server
    assert browser.load(base + "hostile/credentials/base-foundational.html") == []  # no dialog, no error
    assert browser.js("document.querySelector('h1').textContent") == HOSTILE_TITLE
    assert browser.js("document.querySelectorAll('main script, main img[src=x], main b').length") == 0
    assert browser.load(base + "hostile/index.html") == []
    assert HOSTILE_TITLE in browser.js("document.body.textContent")


def _left(browser: DevTools, selector: str) -> float:
    return float(browser.js(f"document.querySelector({json.dumps(selector)}).getBoundingClientRect().left"))


def test_arabic_pages_read_right_to_left_and_japanese_pages_left_to_right(
    server: tuple[str, list[tuple[str, int]]], browser: DevTools, shots: Path
) -> None:
    """Issue 18: per-page lang and dir. The Arabic credential page is laid out as a mirror image (emblem on
    the right, text right-aligned), the Japanese one left to right; both fit a phone. Screenshots:
    credential-ar.png and credential-ja.png (docs/screenshots/ has the reviewed ones)."""
    base, _ = server
    for name, page, direction in (
        ("credential-ar", "credentials/ilm-al-bayanat.html", "rtl"),
        ("credential-ja", "credentials/cloud-kiso.html", "ltr"),
    ):
        assert browser.load(base + "fep/" + page) == [], page
        assert browser.js("document.documentElement.lang") == name.rsplit("-", 1)[1]
        assert browser.js("getComputedStyle(document.querySelector('main')).direction") == direction
        emblem, title = _left(browser, ".credential-emblem"), _left(browser, "h1")
        assert (emblem > title) if direction == "rtl" else (emblem < title), (page, emblem, title)
        aside = browser.js("getComputedStyle(document.querySelector('.credential-aside')).borderRightWidth")
        assert (aside != "0px") == (direction == "rtl")  # the accent border is on the reading side
        browser.screenshot(shots / f"{name}.png", 1280, 1000)
        browser.screenshot(shots / f"{name}-phone.png", 390, mobile=True)
        assert browser.js("document.documentElement.scrollWidth - window.innerWidth") <= 0, page
        browser.call("Emulation.clearDeviceMetricsOverride")
    assert browser.load(base + "fep/index.html") == []
    assert browser.js("document.documentElement.lang") == "fr"
    count = browser.js("document.getElementById('filter-count').textContent")
    assert count.endswith(" titres"), count  # the filter script speaks the page's language
