"""The kill -9 sweep: `cc issue` on a 20,000-row roster, killed with SIGKILL at 19 points spread over the
run, each followed by a re-run into the same folder; after each, check what a programme manager relies on.

    .venv/bin/python bench/kill_sweep.py [--rows 20000] [--points 19] [--by files|time]

With `--by files` (the default) point i of 19 kills the run once i/20 of the award files are on disk, so
the points spread over the signing whatever the machine's load. With `--by time` they are fractions
1/20 ... 19/20 of an uninterrupted reference run's duration, so they also land in start-up, planning and
the final manifest and status lists, but a run that goes faster than the reference ends before the last
ones (reported). After each kill and re-run:

- no process of the killed run is left (its signing workers, recorded just before the kill);
- exactly once: the manifest maps the 20,000 roster lines to 20,000 distinct awards, the ledger holds
  20,000 awards, all issued, and the award files on disk are exactly the ledger's, each with the sha256
  the ledger recorded;
- no temporary file (`*.tmp`) anywhere in the output folder.

It prints a table and a summary line; it exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

# bench/issue.py, beside this script (Python puts the script's folder first on sys.path): the same
# generated catalog and roster as the issue benchmark.
from issue import BIN, generate

WORK = Path(__file__).resolve().parent / "_data" / "kill_sweep"


@dataclass
class Point:
    """One kill point and what the checks found."""

    index: int
    at: float  # seconds after start (--by time)
    files: int = 0  # award files on disk that trigger the kill (--by files)
    killed_at: float = 0.0  # seconds after start, when it was killed
    on_disk: int = 0  # award files the killed run left (counted 5 s after the kill)
    workers: int = 0  # worker processes it had
    finished: bool = False  # the run ended before the kill could land
    left: list[int] = field(default_factory=list)  # processes of the killed run still there 5 s later
    rerun: float = 0.0
    recovered: int = 0  # awards the re-run finished for the killed one
    problems: list[str] = field(default_factory=list)


def command(catalog: Path, roster: Path, key: Path, out: Path, workers: int) -> list[str]:
    extra = ["--workers", str(workers)] if workers else []
    cc = [str(BIN / "cc"), "issue", str(roster), "-c", str(catalog), "-o", str(out), "-k", str(key), "-f", "json"]
    return cc + extra


def descendants(root: int) -> dict[int, str]:
    """Every process below `root`, from /proc: {pid: start time} (the start time tells a process from a
    later one that reuses its pid)."""
    parents: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append((int(entry.name), fields[19]))
    found: dict[int, str] = {}
    stack = [root]
    while stack:
        for pid, started in parents.get(stack.pop(), []):
            found[pid] = started
            stack.append(pid)
    return found


def stat(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (state, ppid, ...), None once the process is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def still_running(processes: dict[int, str]) -> list[int]:
    """Those of `processes` that still run (a zombie is dead: it holds nothing and writes nothing)."""
    return [
        pid for pid, started in processes.items() if (f := stat(pid)) is not None and f[19] == started and f[0] != "Z"
    ]


def award_files(out: Path) -> list[Path]:
    return [p for p in out.glob("*/*.json") if p.parent.name != "status"]


def run_through(argv: list[str], log: Path) -> tuple[int, float, dict[str, object]]:
    """Run `cc issue` to the end; its exit code, duration and JSON report (to a file: 20,000 rows of JSON
    would fill a pipe)."""
    start = time.perf_counter()
    with log.open("w") as stream:
        process = subprocess.run(argv, stdout=stream, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    try:
        report = json.loads(log.read_text())
    except ValueError:
        report = {"stderr": process.stderr[-500:]}
    return process.returncode, seconds, report


def count_awards(out: Path) -> int:
    """Award files on disk, cheaply (a directory scan per credential folder, no stat)."""
    total = 0
    with contextlib.suppress(OSError), os.scandir(out) as folders:
        for folder in folders:
            if folder.is_dir() and folder.name != "status":
                with contextlib.suppress(OSError), os.scandir(folder.path) as entries:
                    total += sum(1 for e in entries if e.name.endswith(".json") and not e.name.startswith("."))
    return total


def kill_at(argv: list[str], out: Path, point: Point) -> None:
    """Start `cc issue`, SIGKILL it at the point (time or file count), then see whether any of its processes
    lives on."""
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    start = time.perf_counter()
    if point.files:
        while process.poll() is None and count_awards(out) < point.files:
            time.sleep(0.02)
    else:
        deadline = start + point.at
        while time.perf_counter() < deadline and process.poll() is None:
            time.sleep(min(0.01, max(0.0, deadline - time.perf_counter())))
    processes = descendants(process.pid)
    if process.poll() is not None:
        point.finished = True
    else:
        os.kill(process.pid, signal.SIGKILL)
    point.killed_at = time.perf_counter() - start
    process.wait()
    point.workers = len(processes)
    time.sleep(5)  # what the brief's user saw: workers still there long after
    point.left = still_running(processes)
    for pid in point.left:  # do not let one failure spoil the next points
        os.kill(pid, signal.SIGKILL)


def check(out: Path, rows: int, point: Point) -> None:
    """Exactly once, files as the ledger recorded them, no temporaries."""
    manifest = next(out.glob("*.manifest.csv"), None)
    if manifest is None:
        point.problems.append("no manifest")
    else:
        with manifest.open(encoding="utf-8") as stream:
            lines = list(csv.DictReader(stream))
        awarded = {line["award_id"] for line in lines if line["award_id"]}
        if len(lines) != rows or len(awarded) != rows:
            point.problems.append(f"manifest: {len(lines)} lines, {len(awarded)} distinct awards")
    with sqlite3.connect(out / "ledger.sqlite3") as db:
        ledger = db.execute("SELECT file, file_sha256, state FROM awards").fetchall()
    if len(ledger) != rows or any(state != "issued" for _, _, state in ledger):
        point.problems.append(f"ledger: {len(ledger)} awards, {sum(s != 'issued' for *_, s in ledger)} not issued")
    on_disk = {f"{p.parent.name}/{p.name}" for p in award_files(out)}
    if on_disk != {file for file, _, _ in ledger}:
        point.problems.append(f"{len(on_disk)} award files on disk for {len(ledger)} in the ledger")
    wrong = sum(
        1
        for file, digest, _ in ledger
        if file in on_disk and hashlib.sha256((out / file).read_bytes()).hexdigest() != digest
    )
    if wrong:
        point.problems.append(f"{wrong} files differ from the sha256 the ledger recorded")
    temporaries = [str(p.relative_to(out)) for p in out.rglob("*.tmp")]
    if temporaries:
        point.problems.append(f"temporary files left: {temporaries[:3]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--points", type=int, default=19)
    parser.add_argument("--credentials", type=int, default=20)
    parser.add_argument("--workers", type=int, default=0, help="cc issue --workers (default: one per core)")
    parser.add_argument("--by", choices=["files", "time"], default="files", help="how kill points are spread")
    args = parser.parse_args()
    catalog, roster = generate(args.rows, args.credentials, WORK)
    key = WORK / "issuer.key"
    subprocess.run([str(BIN / "cc"), "keys", "init", str(key)], check=True, capture_output=True)
    out = WORK / "awards"
    argv = command(catalog, roster, key, out, args.workers)
    code, reference, _ = run_through(argv, WORK / "reference.json")
    if code != 0:
        raise SystemExit(f"the reference run exited {code}")
    spread = "award files on disk" if args.by == "files" else "the reference run's duration"
    print(f"reference run: {args.rows:,} rows in {reference:.1f} s; {args.points} kill points by {spread}")
    print(f"{'#':>3} {'kill at':>8} {'awards':>7} {'workers':>7} {'left':>5} {'re-run':>7} {'recovered':>9}  result")
    fractions = [i / (args.points + 1) for i in range(1, args.points + 1)]
    points = [
        Point(i, reference * f, round(args.rows * f) if args.by == "files" else 0) for i, f in enumerate(fractions, 1)
    ]
    for point in points:
        shutil.rmtree(out, ignore_errors=True)
        kill_at(argv, out, point)
        point.on_disk = len(award_files(out)) if out.exists() else 0
        code, point.rerun, report = run_through(argv, WORK / "rerun.json")
        summary = report.get("summary")
        point.recovered = int(summary.get("recovered", 0)) if isinstance(summary, dict) else 0
        if code != 0:
            point.problems.append(f"re-run exited {code}: {report.get('stderr', '')}")
        else:
            check(out, args.rows, point)
        if point.left:
            point.problems.insert(0, f"{len(point.left)} process(es) of the killed run still running after 5 s")
        result = "ok" if not point.problems else "; ".join(point.problems)
        if point.finished:
            result += " (the run had ended before the kill)"
        print(
            f"{point.index:>3} {point.killed_at:>7.1f}s {point.on_disk:>7,} {point.workers:>7} {len(point.left):>5} "
            f"{point.rerun:>6.1f}s {point.recovered:>9,}  {result}",
            flush=True,
        )
    failed = [p for p in points if p.problems]
    killed = sum(not p.finished for p in points)
    print(
        f"summary: {len(points) - len(failed)}/{len(points)} kill points passed ({killed} killed mid-run): "
        f"exactly once ({args.rows:,} lines -> {args.rows:,} awards), files match the ledger, "
        f"{sum(len(p.left) for p in points)} processes left behind, "
        f"{sum(any('temporary' in x for x in p.problems) for p in points)} points with temporary files"
    )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
