"""Run the Digital Credentials Consortium's verifier (tests/js/verify-dcc.mjs) on credential files.

Why a second peer: Digital Bazaar's libraries are what tests/js/verify.mjs is built from, and DCC's stack
(@digitalcredentials/vc, its own suites, loader and status check) is a fork with its own choices; issue 17
asks that cc accept nothing *either* rejects for its signature, dates or revocation. verifier-core runs as
published; the harness only serves the documents handed over instead of the network (see verify-dcc.mjs).
Installed with the Digital Bazaar verifier (same package.json, js_verifier.ensure_installed).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from js_verifier import JS_DIR, ensure_installed


def dcc_verify(
    paths: Iterable[Path | str],
    *,
    now: str | None = None,
    documents: Mapping[str, Path | str] | None = None,
) -> list[dict[str, object]]:
    """Verify each file with verifier-core; one dict per path, in order (keys as verify-dcc.mjs prints them).

    `now` (ISO date-time) pins the clock the dates are checked against; `documents` maps URLs (did:web
    documents, controller documents, status lists) to local files, the only URLs its fetch is answered for.
    """
    files = [str(p) for p in paths]
    ensure_installed()
    env = dict(os.environ)
    if now:
        env["CC_VERIFY_NOW"] = now
    with tempfile.TemporaryDirectory() as scratch:
        if documents is not None:
            served = Path(scratch) / "documents.json"
            served.write_text(json.dumps({url: str(Path(p).resolve()) for url, p in documents.items()}))
            env["CC_DOCUMENTS"] = str(served)
        proc = subprocess.run(
            ["node", "verify-dcc.mjs", *files],
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env=env,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"verify-dcc.mjs exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if [r["file"] for r in results] != files:
        raise RuntimeError(f"verify-dcc.mjs output does not match its input files: {proc.stdout!r}")
    return results
