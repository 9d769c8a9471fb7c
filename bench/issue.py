"""Benchmark `cc issue`: a generated 100,000-row roster across 20 credentials, issued, signed, ledgered
and written, end to end through the CLI, with peak memory.

    .venv/bin/python bench/issue.py [--rows 100000] [--credentials 20]
    .venv/bin/python bench/issue.py --ledger postgresql://user@host:port/dbname   # an empty database
    .venv/bin/python bench/issue.py --postgres        # a throw-away local server (tests/pg.py), fsync on
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
WORK = Path(__file__).resolve().parent / "_data" / "issue"
KINDS = [
    ("skill", "type: foundational"),
    ("skill", "type: intermediate"),
    ("certificate", ""),
    ("certification", "level: associate"),
]


def credential(index: int) -> str:
    cid = f"bench-{index:02d}"
    classification, extra = KINDS[index % len(KINDS)]
    text = (
        f"id: {cid}\ntitle: Bench Credential {index}\nclassification: {classification}\n{extra}\n"
        "description: Earners can do the benchmarked thing.\nskills: [Speed, Throughput, Reliability]\n"
    )
    if classification == "certification":
        return text + (
            "criteria:\n  - {kind: exam, proctored: true, description: Pass the exam.}\n"
            "job_roles: [Operator]\nrenewal: {valid_for: P3Y, options: [{kind: proctored-reassessment}]}\n"
        )
    if classification == "certificate":
        return text + (
            "criteria:\n  - {kind: project, description: Capstone.}\n  - {kind: assessment, description: Final.}\n"
            "time_to_earn: P6W\npath: bench-path\n"
        )
    return text + "criteria:\n  - {kind: course, description: Complete the course.}\nexpires_after: P2Y\n"


def generate(rows: int, credentials: int, work: Path = WORK) -> tuple[Path, Path]:
    """A fresh catalog of `credentials` credentials and a roster of `rows` rows in `work`."""
    if work.exists():
        shutil.rmtree(work)
    catalog = work / "catalog"
    (catalog / "credentials").mkdir(parents=True)
    (catalog / "paths").mkdir()
    (catalog / "catalog.yaml").write_text(
        "name: Bench\nissuer: {name: Example, url: https://example.com}\n"
        "base_url: https://credentials.example.com\nframework_date: 2020-01-01\n"
    )
    for index in range(credentials):
        (catalog / "credentials" / f"bench-{index:02d}.yaml").write_text(credential(index))
    steps = "  - credential: bench-00\n  - credential: bench-01\n"  # foundational, then intermediate
    (catalog / "paths" / "bench-path.yaml").write_text(
        f"id: bench-path\ntitle: Bench\ndescription: Bench path.\nsteps:\n{steps}"
    )
    roster = work / "roster.csv"
    with roster.open("w", encoding="utf-8") as stream:
        stream.write("email,name,credential,issued_on\n")
        for row in range(rows):
            person = row // credentials
            stream.write(
                f"learner{person}@example.com,Learner Número {person},bench-{row % credentials:02d},2026-03-{1 + person % 28:02d}\n"
            )
    return catalog, roster


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--credentials", type=int, default=20)
    parser.add_argument("--ledger", help="a PostgreSQL URL (an empty database): the ledger of the run")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL server for the ledger")
    args = parser.parse_args()
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
    start = time.perf_counter()
    log = (WORK / "issue-output.json").open("w")  # a file, not a pipe: 100,000 rows of JSON would fill a pipe
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    while process.poll() is None:  # sample the RSS of cc and its worker processes together
        peak_tree = max(peak_tree, tree_rss_mb(process.pid))
        time.sleep(0.2)
    _, stderr = process.communicate()
    log.close()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if process.returncode != 0:
        print(stderr[-2000:])
        raise SystemExit(f"cc issue exited {process.returncode}")
    files = sum(1 for p in out.glob("*/*.json") if p.parent.name != "status")
    print(
        f"cc issue ({'PostgreSQL' if args.ledger else 'SQLite'} ledger): {args.rows:,} rows -> {files:,} award files in {seconds:.1f} s ({args.rows / seconds:,.0f} awards/s); "
        f"peak RSS: largest process {peak:.0f} MB, all processes together {peak_tree:.0f} MB (sampled)"
    )
    start = time.perf_counter()
    again = subprocess.run(command, capture_output=True, text=True)
    print(f"re-run of the same roster: {time.perf_counter() - start:.1f} s, exit {again.returncode} (issues nothing)")


if __name__ == "__main__":
    main()
