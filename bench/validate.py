"""Benchmark `cc validate` on a generated catalog of 10,000 credentials and 500 paths.

First, `cc validate` against its floor (issue 19: at most 2x): a plain Python script that reads every one of
the same YAML files with `yaml.load(text, Loader=yaml.CSafeLoader)`, the bare C YAML read. Floor and cc run
alternately for `--rounds` rounds (the machine is shared), and the medians of wall and CPU time (user +
system of the process and its workers) are printed with the ratios cc / floor.

Then the wall time of `cc validate` on the valid catalog and on a variant with 1% broken files, next to
`check-jsonschema` with `cc schema`'s output on the same files (shape only), and `cc --help` start-up.

    .venv/bin/python bench/validate.py [--credentials 10000] [--paths 500] [--rounds 7] [--repeat 3]
    .venv/bin/python bench/validate.py --floor-only     # just the floor ratio
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
WORK = Path(__file__).resolve().parent / "_data" / "validate"

TYPES = ["foundational", "intermediate", "advanced"]
WORDS = [
    "Cloud",
    "Data",
    "Security",
    "Automation",
    "Integration",
    "Analytics",
    "Quantum",
    "Mainframe",
    "Storage",
    "Network",
    "AI",
    "Design",
]


def credential(index: int, rng: random.Random) -> tuple[str, str]:
    cid = f"cred-{index:05d}"
    topic = " ".join(rng.sample(WORDS, 2))
    kind = index % 10
    head = f"# yaml-language-server: $schema=credential.schema.json\nid: {cid}\n"
    common = (
        f"description: >-\n  Earners of {topic} {index} understand the concepts and can apply them in practice.\n"
        f"skills: [{topic}, Skill {index % 97}, Practice {index % 31}, Tooling]\n"
        f"introduced: 2021-{index % 12 + 1:02d}-{index % 28 + 1:02d}\n"
        f"url: https://www.example.com/training/badge/{cid}\n"
        "emblem:\n  business_unit: Example Cloud\n"
    )
    if kind < 6:  # skill badge; intermediate/advanced require the foundational badge of the same block
        level = TYPES[kind % 3]
        base = index - index % 10
        requires = f"requires: [cred-{base:05d}]\n" if level != "foundational" else ""
        return cid, (
            head
            + f"title: {topic} {level.title()} {index}\nclassification: skill\ntype: {level}\n"
            + common
            + "criteria:\n  - kind: course\n    description: Complete the course.\n"
            f"    url: https://www.example.com/training/course/{cid}\n"
            "  - kind: assessment\n    description: Pass the final quiz.\n"
            "time_to_earn: P8H\nexpires_after: P2Y\n" + requires
        )
    if kind < 8:  # certificate aggregating two badges of its block
        base = index - index % 10
        return cid, (
            head
            + f"title: {topic} Certificate {index}\nclassification: certificate\n"
            + common
            + "criteria:\n  - kind: project\n    description: Capstone project.\n"
            "  - kind: assessment\n    description: Final assessment.\n"
            f"components: [cred-{base:05d}, cred-{base + 1:05d}]\ntime_to_earn: P6W\naudience: newcomer\n"
        )
    level = ["associate", "professional"][kind - 8]
    requires = f"requires: [cred-{index - 1:05d}]\n" if level == "professional" else ""
    return cid, (
        head + f"title: Example Certified {topic} {level.title()} {index}\nclassification: certification\n"
        f"level: {level}\n"
        + common
        + "criteria:\n  - kind: exam\n    code: C1000-142\n    proctored: true\n    description: Pass the exam.\n"
        "job_roles: [Cloud Administrator]\n"
        + requires
        + "renewal:\n  valid_for: P3Y\n  options:\n    - {kind: continuing-education, hours: 40}\n"
        "alignment:\n  - {name: Software Developers, framework: O*NET-SOC, code: 15-1252.00}\n"
    )


def path(index: int) -> tuple[str, str]:
    pid = f"path-{index:04d}"
    base = (index * 20) % 10000
    return pid, (
        f"id: {pid}\ntitle: Path {index}\ndescription: From first steps to certification.\naudience: newcomer\n"
        f"steps:\n  - credential: cred-{base:05d}\n  - credential: cred-{base + 1:05d}\n"
        f"  - one_of: [cred-{base + 2:05d}, cred-{base + 5:05d}]\nleads_to: cred-{base + 8:05d}\n"
    )


def generate(root: Path, credentials: int, paths: int, broken: bool) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "credentials").mkdir(parents=True)
    (root / "paths").mkdir()
    (root / "catalog.yaml").write_text(
        "name: Bench\nissuer: {name: Example, url: https://example.com}\n"
        "base_url: https://credentials.example.com\nframework_date: 2020-01-01\n"
    )
    rng = random.Random(7)
    for index in range(credentials):
        cid, text = credential(index, rng)
        if broken and index % 100 == 50:
            text = text.replace("classification:", "clasification:").replace("P8H", "8 hours")
        (root / "credentials" / f"{cid}.yaml").write_text(text)
    for index in range(paths):
        pid, text = path(index)
        (root / "paths" / f"{pid}.yaml").write_text(text)


def timed(command: list[str], repeat: int) -> tuple[float, int, str]:
    best, code, out = float("inf"), 0, ""
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        best = min(best, time.perf_counter() - start)
        code, out = done.returncode, done.stdout
    return best, code, out


# The floor: every catalog file read and parsed by libyaml, nothing else (no positions, no checks).
FLOOR = """
import sys
from pathlib import Path

import yaml

root = Path(sys.argv[1])
files = [root / "catalog.yaml", *sorted((root / "credentials").glob("*.yaml")), *sorted((root / "paths").glob("*.yaml"))]
for file in files:
    yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
print(len(files))
"""


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child and its waited-for descendants) of one run."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu


def against_floor(root: Path, rounds: int) -> None:
    """`cc validate` and the bare C YAML read of the same files, alternately; medians and ratios."""
    floor_cmd = [sys.executable, "-c", FLOOR, str(root)]
    cc_cmd = [str(BIN / "cc"), "validate", "--catalog", str(root), "--format", "json"]
    run_once(floor_cmd)  # warm the page cache and the .pyc files
    run_once(cc_cmd)
    floor: list[tuple[float, float]] = []
    cc: list[tuple[float, float]] = []
    loads = [os.getloadavg()[0]]
    for _ in range(rounds):
        floor.append(run_once(floor_cmd))
        cc.append(run_once(cc_cmd))
        loads.append(os.getloadavg()[0])
    floor_wall, cc_wall = statistics.median(w for w, _ in floor), statistics.median(w for w, _ in cc)
    floor_cpu, cc_cpu = statistics.median(c for _, c in floor), statistics.median(c for _, c in cc)
    print(f"rounds             {rounds} (floor and cc alternately; medians)")
    print(f"floor              {floor_wall:6.2f} s wall, {floor_cpu:6.2f} s CPU  (yaml.load CSafeLoader, one process)")
    print(f"cc validate        {cc_wall:6.2f} s wall, {cc_cpu:6.2f} s CPU  (workers: {os.cpu_count()} cores)")
    print(f"cc / floor         {cc_wall / floor_wall:6.2f} wall, {cc_cpu / floor_cpu:6.2f} CPU  (target <= 2.00)")
    print(f"load average       {min(loads):.2f} to {max(loads):.2f} (1 min) on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--credentials", type=int, default=10_000)
    parser.add_argument("--paths", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds of floor and cc")
    parser.add_argument("--floor-only", action="store_true", help="only cc validate against its floor")
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    args = parser.parse_args()
    from bytecode import compile_cc  # here: tests import this file for its generator, without bench/ on the path

    compile_cc()  # see bench/bytecode.py
    total = args.credentials + args.paths
    cc = str(BIN / "cc")
    generate(WORK / "valid", args.credentials, args.paths, False)
    against_floor(WORK / "valid", args.rounds)
    if args.floor_only:
        return
    results = {}
    for name, broken in (("valid", False), ("broken-1pct", True)):
        root = WORK / name
        generate(root, args.credentials, args.paths, broken)
        seconds, code, out = timed([cc, "validate", "--catalog", str(root), "--format", "json"], args.repeat)
        summary = json.loads(out)["summary"]
        results[name] = seconds
        print(
            f"cc validate ({name}): {total} files in {seconds:.2f} s ({total / seconds:,.0f} files/s), exit {code}, {summary}"
        )
    if not args.skip_check_jsonschema:
        schemas = WORK / "schema"
        subprocess.run([cc, "schema", "--out", str(schemas)], check=True, capture_output=True)
        root = WORK / "valid"
        files = sorted(str(p) for p in (root / "credentials").glob("*.yaml"))
        paths = sorted(str(p) for p in (root / "paths").glob("*.yaml"))
        checker = str(BIN / "check-jsonschema")
        start = time.perf_counter()
        first = subprocess.run(
            [checker, "--schemafile", str(schemas / "credential.schema.json"), *files], capture_output=True, text=True
        )
        second = subprocess.run(
            [checker, "--schemafile", str(schemas / "path.schema.json"), *paths], capture_output=True, text=True
        )
        jsonschema_seconds = time.perf_counter() - start
        print(
            f"check-jsonschema (shape only): {total} files in {jsonschema_seconds:.2f} s, exit {first.returncode}/{second.returncode}"
        )
        print(f"cc validate is {jsonschema_seconds / results['valid']:.1f}x faster than check-jsonschema")
    seconds, _, _ = timed([cc, "--help"], 5)
    print(f"cc --help: {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
