"""Run the independent Digital Bazaar verifier in tests/js on credential files.

Why: passing our own `verify` proves little about interoperability, since a bug in our canonicalization
would be shared by signer and verifier. tests/js/verify.mjs uses @digitalbazaar/vc and the contexts
bundled in npm packages, i.e. what real wallets and verifiers run.

The first call installs tests/js/node_modules from package-lock.json (``npm ci``) and records the lock
file's hash, so later runs (and other pytest-xdist workers, serialized by a file lock) reuse it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

JS_DIR = Path(__file__).parent / "js"
_MARKER = JS_DIR / "node_modules" / ".cc-package-lock.sha256"
REQUIRE_ENV = "CC_REQUIRE_JS_VERIFIER"


class JsVerifierUnavailable(RuntimeError):
    """node/npm missing or the install failed; tests skip unless CC_REQUIRE_JS_VERIFIER=1."""


def required() -> bool:
    """Whether an unavailable verifier must fail the run (CI) rather than skip (a laptop without node)."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def _lock_hash() -> str:
    lock = JS_DIR / "package-lock.json"
    return hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else ""


def ensure_installed() -> None:
    """Install node_modules once per package-lock.json version."""
    if not (shutil.which("node") and shutil.which("npm")):
        raise JsVerifierUnavailable("node and npm are needed for the independent verifier")
    with open(JS_DIR / ".install.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        wanted = _lock_hash()
        if wanted and _MARKER.exists() and _MARKER.read_text().strip() == wanted:
            return
        command = ["npm", "ci"] if wanted else ["npm", "install"]
        proc = subprocess.run(
            [*command, "--no-audit", "--no-fund"],
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise JsVerifierUnavailable(f"{' '.join(command)} failed: {' | '.join(tail)}")
        _MARKER.write_text(_lock_hash() + "\n")


def js_verify(
    paths: Iterable[Path | str],
    *,
    now: str | None = None,
    status_lists: Mapping[str, Path | str] | None = None,
    documents: Mapping[str, Path | str] | None = None,
) -> list[dict[str, object]]:
    """Verify each credential file; one ``{file, verified, error}`` dict per path, in order.

    `now` (ISO date-time) pins the instant that validFrom/validUntil are checked against. `status_lists`
    maps status list URLs to local files: with it, revocation is checked too (and a credential whose list
    is not in the map fails); without it, credentialStatus is ignored. `documents` maps DID and controller
    document URLs (a did:web DID, an https issuer) to local files, served to the verifier as a resolver would.
    """
    files = [str(p) for p in paths]
    ensure_installed()
    env = dict(os.environ)
    if now:
        env["CC_VERIFY_NOW"] = now
    with tempfile.TemporaryDirectory() as scratch:
        if status_lists is not None:
            mapping = Path(scratch) / "status-lists.json"
            mapping.write_text(json.dumps({url: str(Path(p).resolve()) for url, p in status_lists.items()}))
            env["CC_STATUS_LISTS"] = str(mapping)
        if documents is not None:
            served = Path(scratch) / "documents.json"
            served.write_text(json.dumps({url: str(Path(p).resolve()) for url, p in documents.items()}))
            env["CC_DOCUMENTS"] = str(served)
        proc = subprocess.run(
            ["node", "verify.mjs", *files],
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=env,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"verify.mjs exited {proc.returncode}: {proc.stderr.strip()}")
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if [r["file"] for r in results] != files:
        raise RuntimeError(f"verify.mjs output does not match its input files: {proc.stdout!r}")
    return results


def ensure_or_skip() -> None:
    """Install the verifier, or skip the calling test when node/npm are missing (unless required())."""
    import pytest

    try:
        ensure_installed()
    except JsVerifierUnavailable as exc:
        if required():
            raise
        pytest.skip(str(exc))
