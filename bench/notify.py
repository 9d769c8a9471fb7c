"""Benchmark `cc notify`: 10,000 issued awards emailed through one SMTP connection to a local aiosmtpd
server (a separate process on 127.0.0.1 that accepts and discards), end to end through the CLI, with the
messages per second and the peak memory of the `cc notify` process.

    .venv/bin/python bench/notify.py [--awards 10000] [--credentials 4]

The awards are issued first with `cc issue` (not timed). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
WORK = Path(__file__).resolve().parent / "_data" / "notify"
KINDS = ["type: foundational", "type: intermediate", "type: advanced", "type: foundational"]

SERVER = """
import resource, sys
from aiosmtpd.controller import Controller

class Discard:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Discard.count += 1
        return "250 2.0.0 Ok"

port = int(sys.argv[1])
controller = Controller(Discard(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
controller.stop()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(Discard.count, usage.ru_utime + usage.ru_stime, flush=True)
"""


def generate(awards: int, credentials: int) -> tuple[Path, Path, Path]:
    """A catalog with `credentials` skill badges and notify settings, and a roster of `awards` rows."""
    if WORK.exists():
        shutil.rmtree(WORK)
    catalog = WORK / "catalog"
    (catalog / "credentials").mkdir(parents=True)
    (catalog / "catalog.yaml").write_text(
        "name: Bench\nissuer: {name: Example, url: https://example.com, email: credentials@example.com}\n"
        "base_url: https://credentials.example.com\nframework_date: 2020-01-01\n"
        "notify:\n  from: credentials@example.com\n  smtp: {host: 127.0.0.1, security: none}\n",
        encoding="utf-8",
    )
    for index in range(credentials):
        (catalog / "credentials" / f"bench-{index:02d}.yaml").write_text(
            f"id: bench-{index:02d}\ntitle: Bench Badge {index}\nclassification: skill\n{KINDS[index % len(KINDS)]}\n"
            "description: Earners can do the benchmarked thing.\nskills: [Speed, Throughput, Reliability]\n"
            "criteria:\n  - {kind: project, description: Build the thing.}\n",
            encoding="utf-8",
        )
    roster = WORK / "roster.csv"
    lines = ["email,name,credential,issued_on"]
    lines += [f"learner{i}@example.com,Learner {i},bench-{i % credentials:02d},2024-03-01" for i in range(awards)]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    key = WORK / "issuer.key"
    subprocess.run([str(BIN / "cc"), "keys", "init", str(key)], check=True, capture_output=True)
    return catalog, roster, key


def peak_mib(usage: resource.struct_rusage) -> float:
    """Peak resident memory of one process (ru_maxrss is in KiB on Linux)."""
    return usage.ru_maxrss / 1024


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=10_000)
    parser.add_argument("--credentials", type=int, default=4)
    args = parser.parse_args()
    catalog, roster, key = generate(args.awards, args.credentials)
    out = WORK / "awards"
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "cc"), "issue", str(roster), "--catalog", str(catalog), "--out", str(out), "--key", str(key)],
        check=True,
        capture_output=True,
    )
    print(f"issued {args.awards} awards in {time.perf_counter() - started:.1f} s (not part of the measure)")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        started = time.perf_counter()
        command = [str(BIN / "cc"), "notify", "--catalog", str(catalog), "--out", str(out), "--port", str(port)]
        log = WORK / "notify.log"
        with log.open("w") as output:
            notify = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(notify.pid, 0)  # this one process's peak memory, not the issuing's
        elapsed = time.perf_counter() - started
    finally:
        received, _ = server.communicate("", timeout=60)
    stdout = log.read_text()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"cc notify failed ({os.waitstatus_to_exitcode(status)}): {stdout}")
    print(stdout.strip())
    count, server_cpu = received.split()
    print(f"server received {count} messages, using {float(server_cpu):.1f} s of cpu")
    print(
        f"cc notify: {args.awards} messages in {elapsed:.1f} s = {args.awards / elapsed:.0f} messages/s over one connection"
    )
    cpu = usage.ru_utime + usage.ru_stime
    print(
        f"cpu time of cc notify: {cpu:.1f} s = {cpu / args.awards * 1000:.2f} ms/message (the wall clock includes waiting)"
    )
    print(f"peak memory of cc notify: {peak_mib(usage):.0f} MiB")


if __name__ == "__main__":
    main()
