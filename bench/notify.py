"""Benchmark `cc notify`: 10,000 issued awards emailed through one SMTP connection to a local aiosmtpd
server (a separate process on 127.0.0.1 that accepts and discards), end to end through the CLI, with the
messages per second and the peak memory of the `cc notify` process.

    .venv/bin/python bench/notify.py [--awards 10000] [--credentials 4] [--compare OTHER_CC] [--rounds N]

With --compare, another cc (an older checkout's) sends the same awards too, alternating with this one in
the same run, and the ratio is printed.

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

from bytecode import compile_cc

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


def run_notify(cc: str, catalog: Path, issued: Path, count: int) -> dict[str, float]:
    """One `cc notify` of the awards in `issued` (a fresh copy of them: nothing sent yet) to a fresh server."""
    out = WORK / "run"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(issued, out)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        started = time.perf_counter()
        command = [cc, "notify", "--catalog", str(catalog), "--out", str(out), "--port", str(port)]
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
    got, server_cpu = received.split()
    if int(got) != count:
        sys.exit(f"the server received {got} messages, not {count}: {stdout}")
    cpu = usage.ru_utime + usage.ru_stime
    return {
        "rate": count / elapsed,
        "elapsed": elapsed,
        "cpu_ms": cpu / count * 1000,
        "server_ms": float(server_cpu) / count * 1000,
        "peak_mib": peak_mib(usage),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=10_000)
    parser.add_argument("--credentials", type=int, default=4)
    parser.add_argument(
        "--compare",
        metavar="CC",
        help="another cc executable (an older checkout) to run on the same awards, alternating with this one",
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs of each cc (alternating when comparing)")
    args = parser.parse_args()
    compile_cc()  # see bench/bytecode.py
    catalog, roster, key = generate(args.awards, args.credentials)
    issued = WORK / "awards"
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "cc"), "issue", str(roster), "--catalog", str(catalog), "--out", str(issued), "--key", str(key)],
        check=True,
        capture_output=True,
    )
    print(f"issued {args.awards} awards in {time.perf_counter() - started:.1f} s (not part of the measure)")
    variants = [("before", args.compare), ("after", str(BIN / "cc"))] if args.compare else [("cc", str(BIN / "cc"))]
    results: dict[str, list[dict[str, float]]] = {name: [] for name, _ in variants}
    for round_ in range(args.rounds):
        for name, cc in variants:
            found = run_notify(cc, catalog, issued, args.awards)
            results[name].append(found)
            print(
                f"round {round_ + 1} {name}: {args.awards} messages in {found['elapsed']:.1f} s = {found['rate']:.0f} "
                f"messages/s over one connection; cc notify cpu {found['cpu_ms']:.2f} ms/message, server cpu "
                f"{found['server_ms']:.2f} ms/message, peak memory {found['peak_mib']:.0f} MiB",
                flush=True,
            )
    best = {name: {k: min(r[k] for r in runs) if k != "rate" else max(r[k] for r in runs) for k in runs[0]}
            for name, runs in results.items()}  # fmt: skip
    for name, figures in best.items():
        print(
            f"{name} (best of {args.rounds}): {figures['rate']:.0f} messages/s, {figures['cpu_ms']:.2f} ms cpu/message, "
            f"peak {figures['peak_mib']:.0f} MiB"
        )
    if args.compare:
        before, after = best["before"], best["after"]
        print(
            f"after/before: {after['rate'] / before['rate']:.2f}x messages/s, "
            f"{before['cpu_ms'] / after['cpu_ms']:.2f}x less cpu per message in cc notify"
        )


if __name__ == "__main__":
    main()
