"""The peers cc is measured against, on the same award documents and in the same run (issue 19).

- the naive pyld signer and verifier: `cc_cli.credentials.signing.sign` / `verify` with pyld's canonicalisation
  for every document (`signing.canonicalize`), the straightforward Python implementation;
- Digital Bazaar's `vc` stack (tests/js/bench.mjs), what many wallets and verifiers run.

Each peer runs in one process on a sample of the documents: its rate is per core. The ratio that counts is
"cc on 2 cores / (best peer per core x 2)": cc's end-to-end rate with both cores against what the best peer
would do with both, were it parallelised perfectly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JS_DIR = ROOT / "tests" / "js"
SEED = bytes(range(32))  # a fixed benchmark key: the generated documents are reproducible
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


@dataclass(frozen=True, slots=True)
class Rate:
    name: str
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


def award_documents(catalog_dir: Path, count: int, did: str | None = None) -> list[dict[str, Any]]:
    """`count` unsigned awards as `cc issue` builds them, cycling through the catalog's credentials."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cc_cli.credentials import ob3, signing
    from cc_cli.validate.load import load_catalog

    catalog = load_catalog(catalog_dir).catalog
    credentials = sorted(catalog.credentials.values(), key=lambda c: c.id)
    did = did or signing.did_key(Ed25519PrivateKey.from_private_bytes(SEED).public_key())
    documents = []
    for index in range(count):
        credential = credentials[index % len(credentials)]
        documents.append(
            ob3.build_award(
                award_id=f"urn:uuid:{uuid.UUID(int=index + 1, version=4)}",
                credential=credential,
                info=catalog.info,
                did=did,
                email=f"learner{index}@example.com",
                name=f"Learner Número {index}",
                salt=f"{index:032x}",
                issued_at="2026-03-01T00:00:00Z",
                awarded_at="2026-03-01T00:00:00Z",
                valid_until=("2029-03-01T00:00:00Z" if ob3.expiry_duration(credential) else None),
                status_index=index,
                evidence_url=None,
                evidence_narrative=None,
            )
        )
    return documents


def pyld_sign(documents: list[dict[str, Any]]) -> Rate:
    """The naive pyld signer, in this process: full pyld canonicalisation of every document."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cc_cli.credentials import signing

    key = Ed25519PrivateKey.from_private_bytes(SEED)
    method = signing.verification_method_id(key.public_key())
    for document in documents[:5]:  # warm: contexts parsed, caches filled
        signing.sign(document, key, method, "2026-03-01T00:00:00Z")
    start = time.perf_counter()
    for document in documents:
        signing.sign(document, key, method, "2026-03-01T00:00:00Z")
    return Rate("naive pyld signer", len(documents), time.perf_counter() - start)


def pyld_verify(files: list[Path]) -> Rate:
    """The naive pyld verifier, in this process: parse, then full pyld canonicalisation per file."""
    from cc_cli.credentials import signing

    credentials = [json.loads(path.read_bytes()) for path in files]
    for credential in credentials[:5]:
        signing.verify(credential)
    start = time.perf_counter()
    ok = sum(signing.verify(credential).ok for credential in credentials)
    seconds = time.perf_counter() - start
    if ok != len(credentials):
        raise SystemExit(f"the pyld verifier refused {len(credentials) - ok} of {len(credentials)} files")
    return Rate("naive pyld verifier", len(credentials), seconds)


def _node(*args: str) -> dict[str, Any]:
    from js_verifier import ensure_installed

    ensure_installed()
    done = subprocess.run(["node", "bench.mjs", *args], cwd=JS_DIR, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench.mjs exited {done.returncode}: {done.stderr[-1000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["ok"] != result["count"]:
        raise SystemExit(f"Digital Bazaar {args[0]}: only {result['ok']} of {result['count']} succeeded")
    return result


def dbz_sign(documents: list[dict[str, Any]]) -> Rate:
    """Digital Bazaar's `vc.issue` with eddsa-rdfc-2022, in one node process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as stream:
        json.dump(documents, stream, ensure_ascii=False)
        stream.flush()
        result = _node("sign", SEED.hex(), stream.name)
    return Rate("Digital Bazaar vc (JS)", result["count"], result["seconds"])


def dbz_verify(files: list[Path]) -> Rate:
    """Digital Bazaar's `vc.verifyCredential` with eddsa-rdfc-2022, in one node process."""
    result = _node("verify", *(str(path.resolve()) for path in files))
    return Rate("Digital Bazaar vc (JS)", result["count"], result["seconds"])


def report(cc_label: str, cc_rate: float, before: list[Rate], after: list[Rate], cores: int = 2) -> None:
    """Print the peers (measured before and after cc, averaged) and the ratio to the best of them."""
    print(f"  {cc_label}: {cc_rate:,.0f} /s on {cores} cores")
    if not before:
        return  # --no-peers
    best = 0.0
    for first, second in zip(before, after, strict=True):
        rate = (first.per_second + second.per_second) / 2
        best = max(best, rate)
        print(
            f"  {first.name}: {rate:,.1f} /s per core (before cc {first.per_second:,.1f}, after {second.per_second:,.1f};"
            f" {first.count} documents)"
        )
    print(f"  ratio cc on {cores} cores / (best peer per core x {cores}): {cc_rate / (best * cores):.1f}x")


def tree_rss_mb(root: int) -> float:
    """Resident memory of `root` and its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry.name)
        children.setdefault(int(fields.get("PPid", "0").strip() or 0), []).append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 1024


def run_sampled(command: list[str], stdout: Any) -> tuple[float, float, str, int]:
    """Run `command`, sampling the memory of it and its workers: (seconds, peak MB, stderr, exit code)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
    _, stderr = process.communicate()
    return time.perf_counter() - start, peak, stderr, process.returncode
