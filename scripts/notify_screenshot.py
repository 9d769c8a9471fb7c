"""The README's picture of an award email: the sample catalog, one award issued into a temporary folder,
`cc notify --preview` (nothing is sent), and the HTML part rendered by headless Chromium.

    .venv/bin/python scripts/notify_screenshot.py [--credential cloud-essentials] [--out docs/screenshots/notify-award.png]

The inline emblem is referenced as `cid:` in the message; for the browser it becomes a data: URL.
Chromium comes from Debian (`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import shutil
import subprocess
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CC = str(Path(sys.executable).with_name("cc"))
NOTIFY = "notify:\n  from: credentials@example.com\n  smtp: {host: smtp.example.com}\n"


def run(*args: str) -> None:
    done = subprocess.run([CC, *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"cc {args[0]} failed: {done.stdout}{done.stderr}")


def html_with_inline_images(message: EmailMessage) -> str:
    """The HTML part, with each `cid:` image of the message as a data: URL a browser can show."""
    html_part = message.get_body(("html",))
    assert html_part is not None
    html = str(html_part.get_content())
    for part in message.walk():
        cid = part.get("Content-ID")
        if cid:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            data = f"data:{part.get_content_type()};base64,{base64.b64encode(payload).decode()}"
            html = html.replace(f"cid:{cid.strip('<>')}", data)
    return html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credential", default="ibm-certified-advocate-cloud-v2")
    parser.add_argument("--name", default="Zoë Åström")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "notify-award.png")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        catalog = work / "catalog"
        shutil.copytree(ROOT / "catalog", catalog)
        path = catalog / "catalog.yaml"
        path.write_text(path.read_text(encoding="utf-8") + NOTIFY, encoding="utf-8")
        roster = work / "roster.csv"
        roster.write_text(
            f"email,name,credential,issued_on\nzoe@example.com,{args.name},{args.credential},2026-01-12\n"
        )
        run("keys", "init", str(work / "issuer.key"))
        awards = work / "awards"
        run("issue", str(roster), "--catalog", str(catalog), "--out", str(awards), "--key", str(work / "issuer.key"))
        run("notify", "--catalog", str(catalog), "--out", str(awards), "--preview", str(work / "preview"))
        eml = next((work / "preview").glob("*.eml"))
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        page = work / "message.html"
        page.write_text(html_with_inline_images(message), encoding="utf-8")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-background-networking", "--window-size=680,1260", f"--screenshot={args.out.resolve()}",
            page.as_uri(),
        ]  # fmt: skip
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        print(f"wrote {args.out} (subject: {message['Subject']})")


if __name__ == "__main__":
    main()
