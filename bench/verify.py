"""Benchmark `cc verify`: N signed award files (default 100,000) across the sample catalog's credentials,
with a signed status list beside them (0.1% revoked), verified end to end through the CLI.

    .venv/bin/python bench/verify.py [--files 100000] [--runs 2] [--dir FOLDER] [--sample 200] [--no-peers]

The awards are generated like `cc issue` writes them (OUT/<credential>/<uuid>.json, OUT/status/0.json),
signed in a process pool with the fast canonicalizer; `--dir` verifies an existing folder instead (for
example bench/_data/issue/awards from bench/issue.py). Generation is reused when the file count matches.
Beside cc's figure, on a sample of the same files and in the same run (before and after cc): the naive pyld
verifier's and Digital Bazaar's rate per core, and the ratio "cc on 2 cores / (best peer per core x 2)"
(bench/peers.py); and the peak memory of cc verify and its workers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import peers
from bytecode import compile_cc

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = Path(__file__).resolve().parent / "_data" / "verify"
SEED = bytes(range(32))  # a fixed benchmark key: the generated files are reproducible
REVOKED_EVERY = 1000

_state: dict[str, Any] = {}


def _init() -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cc_cli.credentials import signing
    from cc_cli.credentials.canon import FastCanonicalizer
    from cc_cli.validate.load import load_catalog

    catalog = load_catalog(ROOT / "catalog").catalog
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    _state.update(
        catalog=catalog,
        credentials=sorted(catalog.credentials.values(), key=lambda c: c.id),
        key=key,
        did=signing.did_key(key.public_key()),
        method=signing.verification_method_id(key.public_key()),
        canon=FastCanonicalizer(),
    )


def _generate(indexes: range) -> int:
    from cc_cli.credentials import ob3, signing

    state = _state
    credentials = state["credentials"]
    for index in indexes:
        credential = credentials[index % len(credentials)]
        award_id = f"urn:uuid:{uuid.UUID(int=index + 1, version=4)}"
        document = ob3.build_award(
            award_id=award_id,
            credential=credential,
            info=state["catalog"].info,
            did=state["did"],
            email=f"learner{index}@example.com",
            name=f"Learner {index}",
            salt=f"{index:032x}",
            issued_at="2026-03-01T00:00:00Z",
            awarded_at="2026-03-01T00:00:00Z",
            valid_until="2029-03-01T00:00:00Z",
            status_index=index,
            evidence_url=None,
            evidence_narrative=None,
        )
        signed = signing.sign(document, state["key"], state["method"], "2026-03-01T00:00:00Z", canon=state["canon"])
        target = WORK / "awards" / credential.id / f"{award_id.removeprefix('urn:uuid:')}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(ob3.dumps(signed))
    return len(indexes)


def generate(files: int) -> Path:
    out = WORK / "awards"
    marker = WORK / "files.txt"
    if marker.exists() and marker.read_text().strip() == str(files):
        return out
    if WORK.exists():
        shutil.rmtree(WORK)
    out.mkdir(parents=True)
    start = time.perf_counter()
    step = 1000
    with ProcessPoolExecutor(initializer=_init) as pool:
        done = sum(pool.map(_generate, [range(i, min(i + step, files)) for i in range(0, files, step)]))
    _init()
    from cc_cli.credentials import status_list

    catalog = _state["catalog"]
    revoked = list(range(0, files, REVOKED_EVERY))
    status_list.write_status_lists(
        out, catalog.info.base_url, _state["key"], "2026-03-02T00:00:00Z", range(files), revoked
    )
    print(f"generated {done:,} signed awards in {time.perf_counter() - start:.1f} s ({len(revoked)} revoked)")
    marker.write_text(f"{files}\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--dir", type=Path, help="verify this existing folder instead of generating one")
    parser.add_argument("--sample", type=int, default=200, help="award files each peer verifies")
    parser.add_argument("--no-peers", action="store_true", help="measure cc only")
    args = parser.parse_args()
    compile_cc()  # see bench/bytecode.py
    folder = args.dir or generate(args.files)
    awards = sorted(p for p in folder.rglob("*.json") if "status" not in p.relative_to(folder).parts[:-1])
    awards = [p for p in awards if p.name != "files.txt"]
    count = len(awards)
    sample = awards[:: max(1, count // args.sample)][: args.sample]  # spread over every credential's folder
    print(f"cc verify over {count:,} files in {folder} on {os.cpu_count()} cores")
    before = [] if args.no_peers else [peers.pyld_verify(sample), peers.dbz_verify(sample)]
    best, peak = float("inf"), 0.0
    for label, extra in (("text, -q", ["-q"]), ("--format json", ["--format", "json"])):
        mine = float("inf")
        for _ in range(args.runs):
            command = [str(BIN / "cc"), "verify", str(folder), "--at", "2027-01-01", *extra]
            with (WORK.parent / "verify-output.txt").open("w") as log:
                seconds, memory, stderr, code = peers.run_sampled(command, log)
            mine, peak = min(mine, seconds), max(peak, memory)
            if code not in (0, 1):
                raise SystemExit(f"cc verify exited {code}: {stderr[-500:]}")
        best = min(best, mine)
        tail = (WORK.parent / "verify-output.txt").read_text().strip().splitlines()[-1]
        print(f"  {label}: best of {args.runs}: {mine:.2f} s, {count / mine:,.0f} files/s (exit {code}; {tail[:120]})")
    print(f"  peak RSS of cc verify and its workers together: {peak:.0f} MB (sampled every 0.1 s)")
    if not args.no_peers:
        after = [peers.pyld_verify(sample), peers.dbz_verify(sample)]
        peers.report("cc verify, best of the runs", count / best, before, after)


if __name__ == "__main__":
    main()
