"""Benchmark `cc issue`: a 100,000-row roster across the sample catalog's credentials (catalog/credentials: every
classification, their real criteria, alignments, skills and renewal, titles and descriptions of real length),
issued, signed, ledgered and written, end to end through the CLI, with peak memory; beside it, on a sample of
the same award documents and in the same run, the naive pyld signer's and Digital Bazaar's rate per core, and
the ratio "cc on 2 cores / (best peer per core x 2)" (bench/peers.py).

    .venv/bin/python bench/issue.py [--rows 100000] [--credentials 38] [--sample 200] [--no-peers]
    .venv/bin/python bench/issue.py --check-js        # then every award written must verify in Digital Bazaar's
    .venv/bin/python bench/issue.py --ledger postgresql://user@host:port/dbname   # an empty database
    .venv/bin/python bench/issue.py --postgres        # a throw-away local server (tests/pg.py), fsync on
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import peers
from bytecode import compile_cc

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
WORK = Path(__file__).resolve().parent / "_data" / "issue"
SAMPLE_CATALOG = ROOT / "catalog"


def sample_credentials() -> list[Path]:
    return sorted((SAMPLE_CATALOG / "credentials").glob("*.yaml"))


def generate(rows: int, credentials: int, work: Path = WORK) -> tuple[Path, Path]:
    """A copy of the sample catalog in `work` (more credentials: copies of its credentials under new ids, the
    same content) and a roster of `rows` rows cycling through `credentials` of them."""
    if work.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        work.rename(TRASH / f"{time.time_ns()}")  # removed once the timing is done: see _settle_deletions
    _settle_deletions()
    catalog = work / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    sources = sample_credentials()
    ids = [path.stem for path in sources]
    for index in range(len(sources), credentials):
        source = sources[index % len(sources)]
        clone = f"{source.stem}-copy-{index // len(sources)}"
        text = re.sub(r"(?m)^id: .*$", f"id: {clone}", source.read_text(encoding="utf-8"), count=1)
        (catalog / "credentials" / f"{clone}.yaml").write_text(text, encoding="utf-8")
        ids.append(clone)
    ids, needs_evidence = issuable(catalog, ids[:credentials])
    roster = work / "roster.csv"
    with roster.open("w", encoding="utf-8") as stream:
        stream.write("email,name,credential,issued_on,evidence_url,evidence_narrative\n")
        for row in range(rows):
            person, cid = row // len(ids), ids[row % len(ids)]
            evidence = (
                f"https://evidence.example.com/{person}/{cid},Portfolio reviewed by the board"
                if cid in needs_evidence
                else ","
            )
            stream.write(
                f"learner{person}@example.com,Learner Número {person},{cid},2026-03-{1 + person % 28:02d},{evidence}\n"
            )
    return catalog, roster


TRASH = WORK.parent / "issue-trash"  # earlier runs' work folders, removed after this run's timing
DELETED_AT = WORK.parent / "issue-trash.deleted-at"  # when the last removal finished
RECENTLY_DELETED = 360  # seconds: RECENTCY_MIN (60) + RECENTCY_DIRTY (300) in fs/ext4/ialloc.c


def _settle_deletions() -> None:
    """Start no timed run while ext4 still treats an earlier run's removed award files as recently deleted.

    Why: ext4 does not hand out an inode freed less than 60 s ago (360 s while its inode table block is dirty,
    RECENTCY_MIN and RECENTCY_DIRTY in fs/ext4/ialloc.c), and to find another it reads inode tables
    (`recently_deleted` and `find_get_block_common`, 12% of a kernel profile of cc issue right after removing
    the last run's files). Then 20,000 rows took 4.5 to 5.1 s wall with 2.5 to 3.1 s of system time, against
    3.7 to 3.9 s and 1.2 to 1.4 s, same code: the cost of this benchmark's own clean-up, which an office
    issuing into its awards folder does not pay. So the last run's folder is moved aside (a rename frees no
    inode), removed after this run's timing, and a run that starts within 360 s of such a removal waits out
    the rest. Printed, never timed."""
    try:
        since = time.time() - DELETED_AT.stat().st_mtime
    except FileNotFoundError:
        return
    if since < RECENTLY_DELETED:
        wait = RECENTLY_DELETED - since
        print(f"waiting {wait:.0f} s: ext4 skips inodes freed less than 360 s ago (not timed)", flush=True)
        time.sleep(wait)


def _remove_trash() -> None:
    """Remove earlier runs' folders (after the timing), and note when, for the next run's `_settle_deletions`."""
    if TRASH.exists():
        shutil.rmtree(TRASH)
        os.sync()
        DELETED_AT.touch()


def issuable(catalog: Path, ids: list[str]) -> tuple[list[str], set[str]]:
    """The active, non-legacy credentials among `ids`, each after those it requires or is made of (a roster
    line may only award what the learner's earlier lines earned); and those whose awards need evidence."""
    sys.path.insert(0, str(ROOT))
    from cc_cli.validate.load import load_catalog

    found = load_catalog(catalog).catalog.credentials
    wanted = [cid for cid in ids if found[cid].status == "active" and not found[cid].legacy]
    order: list[str] = []

    def visit(cid: str, trail: tuple[str, ...] = ()) -> None:
        if cid in order or cid in trail or cid not in found:
            return
        for before in [*found[cid].requires, *found[cid].components]:
            visit(before, (*trail, cid))
        order.append(cid)

    for cid in wanted:
        visit(cid)
    order = [cid for cid in order if found[cid].status == "active" and not found[cid].legacy]
    return order, {cid for cid in order if found[cid].type == "thought-leader"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--credentials", type=int, default=len(sample_credentials()))
    parser.add_argument("--sample", type=int, default=200, help="award documents each peer signs")
    parser.add_argument("--no-peers", action="store_true", help="measure cc only")
    parser.add_argument("--check-js", action="store_true", help="verify every award written in Digital Bazaar's")
    parser.add_argument("--ledger", help="a PostgreSQL URL (an empty database): the ledger of the run")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL server for the ledger")
    args = parser.parse_args()
    compile_cc()  # see bench/bytecode.py
    server = None
    if args.postgres:
        sys.path.insert(0, str(ROOT))
        from tests.pg import Server

        server = Server(durable=True)  # fsync on, as the SQLite ledger's synchronous=FULL
        args.ledger = server.new_database("bench")
    try:
        run(args)
    finally:
        if server is not None:
            server.stop()


def run(args: argparse.Namespace) -> None:
    catalog, roster = generate(args.rows, args.credentials)
    key = WORK / "issuer.key"
    subprocess.run([str(BIN / "cc"), "keys", "init", str(key)], check=True, capture_output=True)
    out = WORK / "awards"
    command = [
        str(BIN / "cc"),
        "issue",
        str(roster),
        "--catalog",
        str(catalog),
        "--out",
        str(out),
        "--key",
        str(key),
        "--format",
        "json",
        *(["--ledger", args.ledger] if args.ledger else []),
    ]
    before, after = [], []
    if not args.no_peers:
        documents = peers.award_documents(catalog, args.sample)
        before = [peers.pyld_sign(documents), peers.dbz_sign(documents)]
    with (WORK / "issue-output.json").open("w") as log:  # a file, not a pipe: 100,000 rows of JSON fill a pipe
        seconds, peak, stderr, code = peers.run_sampled(command, log)
    if code != 0:
        print(stderr[-2000:], (WORK / "issue-output.json").read_text()[-2000:])
        raise SystemExit(f"cc issue exited {code}")
    if not args.no_peers:
        after = [peers.pyld_sign(documents), peers.dbz_sign(documents)]
    files = sorted(p for p in out.glob("*/*.json") if p.parent.name != "status")
    print(
        f"cc issue ({'PostgreSQL' if args.ledger else 'SQLite'} ledger), {args.credentials} credentials: {args.rows:,} rows -> {len(files):,} award files in {seconds:.1f} s; "
        f"peak RSS of cc and its workers together {peak:.0f} MB (sampled every 0.1 s)"
    )
    peers.report("cc issue, end to end", args.rows / seconds, before, after)
    start = time.perf_counter()
    again = subprocess.run(command, capture_output=True, text=True)
    print(f"re-run of the same roster: {time.perf_counter() - start:.1f} s, exit {again.returncode} (issues nothing)")
    if args.check_js:
        check_js(files)
    _remove_trash()


def check_js(files: list[Path], chunk: int = 500) -> None:
    """Every award file verified by Digital Bazaar's verifier (tests/js_verifier.py); exits on the first refusal."""
    from js_verifier import js_verify

    start = time.perf_counter()
    for first in range(0, len(files), chunk):
        for result in js_verify(files[first : first + chunk]):
            if not result["verified"]:
                raise SystemExit(f"Digital Bazaar refuses {result['file']}: {result['error']}")
    print(f"Digital Bazaar's verifier: all {len(files):,} award files verified ({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
