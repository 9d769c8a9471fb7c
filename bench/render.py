#!/usr/bin/env python3
"""Benchmark `cc render` against its floor, bare cairosvg (issue 19: at most 1.1x), and its unchanged re-render.

    .venv/bin/python bench/render.py [--count 1000] [--jobs N] [--rounds 3] [--again 7]

Figures printed:
- full render: SVG + 600 px PNG for every credential of a generated catalog, written with the manifest
  (`render_catalog` into an empty folder), against the floor: bare cairosvg, only the SVG -> PNG
  conversions of the same SVG bytes (`cairosvg.svg2png(bytestring=..., output_width=600)`), over the same
  number of worker processes. The two alternate for `--rounds` rounds (the machine is shared); medians of
  wall and CPU time (user + system of this process and its workers) and the ratios full / floor.
  Target: <= 1.10;
- unchanged re-render: `cc render` of the sample catalog (catalog/) into a folder it already drew, the
  real command in a fresh process, `--again` times alternating with the floor of any command,
  `python -c "import typer"`; medians. Target: < 0.5 s;
- second run and --check on the generated catalog, in this process (YAML load + manifest + file hashes).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CC = Path(sys.executable).with_name("cc")
sys.path.insert(0, str(ROOT))

from bytecode import compile_cc  # noqa: E402

from cc_cli.emblem.render import RenderResult, render_catalog  # noqa: E402
from cc_cli.validate.load import load_catalog  # noqa: E402

WORDS = [
    "Cloud",
    "Data",
    "Science",
    "Security",
    "Quantum",
    "Kubernetes",
    "Analytics",
    "Machine",
    "Learning",
    "Python",
    "Design",
    "Thinking",
    "Automation",
    "Integration",
    "Mainframe",
    "Hybrid",
    "Observability",
    "Networking",
    "Blockchain",
    "Storage",
    "Containers",
    "DevOps",
    "Foundations",
    "Essentials",
    "Practitioner",
    "Architect",
    "Developer",
    "Administrator",
    "Engineering",
    "Operations",
]
KINDS = [
    ("skill", "type: foundational"),
    ("skill", "type: intermediate"),
    ("skill", "type: advanced"),
    ("skill", "type: thought-leader"),
    ("certificate", ""),
    ("certification", "level: associate"),
    ("certification", "level: professional"),
    ("certification", "level: advanced"),
    ("skill", "type: foundational\nlegacy: true"),
]
UNITS = ["IBM Cloud", "IBM Data and AI", "IBM Security", "IBM Z", ""]


def write_catalog(root: Path, count: int) -> None:
    """A catalog folder of `count` credentials: every kind, 1 to 3 line titles, some business units."""
    rnd = random.Random(42)
    (root / "credentials").mkdir(parents=True)
    (root / "catalog.yaml").write_text("name: Bench Credentials\nissuer:\n  name: IBM\n  url: https://example.org\n")
    for i in range(count):
        classification, extra = KINDS[i % len(KINDS)]
        title = "IBM " + " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 6))) + f" {i}"
        unit = rnd.choice(UNITS)
        text = (
            f"id: bench-{i:04d}\ntitle: {title}\nclassification: {classification}\n{extra}\n"
            "description: Generated.\nskills: [A, B, C]\ncriteria:\n  - kind: exam\n    description: Pass.\n"
            + (f"emblem:\n  business_unit: {unit}\n" if unit else "")
        )
        (root / "credentials" / f"bench-{i:04d}.yaml").write_text(text)


def _convert(svg: bytes) -> int:
    import cairosvg

    return len(cairosvg.svg2png(bytestring=svg, output_width=600))


def cpu_seconds() -> float:
    """User + system time of this process and of its children that have ended (pool workers, cc)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds of `work()`."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    work()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def bare_cairosvg(svgs: list[bytes], workers: int) -> None:
    """The floor: the same SVG -> PNG conversions over `workers` processes, nothing else."""
    if workers == 1:
        for svg in svgs:
            _convert(svg)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_convert, svgs, chunksize=8))


def unchanged_rerender(rounds: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """Wall and CPU of `cc render` of the sample catalog when nothing changed, and of `import typer`."""
    out = Path(tempfile.mkdtemp(prefix="cc-bench-rerender-"))
    command = [str(CC), "render", "--catalog", str(ROOT / "catalog"), "--out", str(out)]
    floor = [sys.executable, "-c", "import typer"]
    try:
        subprocess.run(command, check=True, capture_output=True)  # the first, drawing run
        walls: list[float] = []
        cpus: list[float] = []
        floor_walls: list[float] = []
        floor_cpus: list[float] = []
        for _ in range(rounds):
            wall, cpu = timed(lambda: subprocess.run(floor, check=True, capture_output=True))
            floor_walls.append(wall)
            floor_cpus.append(cpu)
            result: list[subprocess.CompletedProcess[str]] = []
            wall, cpu = timed(lambda: result.append(subprocess.run(command, capture_output=True, text=True)))  # noqa: B023
            assert result[0].returncode == 0 and ": 0 drawn, 0 file(s) written" in result[0].stderr, result[0]
            walls.append(wall)
            cpus.append(cpu)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return walls, cpus, floor_walls, floor_cpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of full render and floor")
    parser.add_argument("--again", type=int, default=7, help="rounds of the unchanged re-render")
    args = parser.parse_args()
    compile_cc()  # see bench/bytecode.py
    work = Path(tempfile.mkdtemp(prefix="cc-bench-render-"))
    full: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    load = os.getloadavg()[0]
    try:
        write_catalog(work / "catalog", args.count)
        catalog = load_catalog(work / "catalog").catalog
        svgs: list[bytes] = []
        for round_ in range(args.rounds):
            out = work / f"emblems-{round_}"
            results: list[RenderResult] = []
            full.append(timed(lambda: results.append(render_catalog(catalog, out, jobs=args.jobs))))  # noqa: B023
            assert not results[0].failures, results[0].failures[:3]
            if not svgs:
                svgs = [path.read_bytes() for path in sorted(out.glob("*.svg"))]
            bare.append(timed(lambda: bare_cairosvg(svgs, args.jobs)))  # noqa: B023
            if round_:
                shutil.rmtree(out)
        out = work / "emblems-0"
        start = time.perf_counter()
        again = render_catalog(load_catalog(work / "catalog").catalog, out, jobs=args.jobs)
        second = time.perf_counter() - start
        assert again.drawn == 0 and not again.changed
        start = time.perf_counter()
        checked = render_catalog(load_catalog(work / "catalog").catalog, out, check=True)
        check = time.perf_counter() - start
        assert not checked.changed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    walls, cpus, floor_walls, floor_cpus = unchanged_rerender(args.again)
    load = max(load, os.getloadavg()[0])
    full_wall, full_cpu = (statistics.median(x) for x in zip(*full, strict=True))
    bare_wall, bare_cpu = (statistics.median(x) for x in zip(*bare, strict=True))
    ratio_wall, ratio_cpu = full_wall / bare_wall, full_cpu / bare_cpu
    rerender = statistics.median(walls)
    print(f"credentials        {args.count} ({args.jobs} worker processes, cpu_count={os.cpu_count()})")
    print(f"rounds             {args.rounds} (full render and floor alternately; medians)")
    print(f"full render        {full_wall:7.2f} s wall, {full_cpu:6.2f} s CPU  (SVG + 600 px PNG + files + manifest)")
    print(
        f"floor              {bare_wall:7.2f} s wall, {bare_cpu:6.2f} s CPU  (bare cairosvg, same SVGs, {args.jobs} processes)"
    )
    print(f"full / floor       {ratio_wall:7.2f} wall,  {ratio_cpu:6.2f} CPU    (target <= 1.10)")
    print(
        "  per round        "
        + ", ".join(f"{f[0] / b[0]:.2f}/{f[1] / b[1]:.2f}" for f, b in zip(full, bare, strict=True))
        + "  (wall/CPU)"
    )
    print(
        f"unchanged cc render {rerender:6.3f} s wall, {statistics.median(cpus):.3f} s CPU  (sample catalog, "
        f"{len(walls)} runs, median; target < 0.5 s)"
    )
    print(
        f"  floor            {statistics.median(floor_walls):7.3f} s wall, {statistics.median(floor_cpus):.3f} s CPU  "
        '(python -c "import typer", alternately)'
    )
    print(f"second run         {second:7.2f} s  (generated catalog, nothing changed, in-process)")
    print(f"--check            {check:7.2f} s  (nothing changed, in-process)")
    print(f"load average       up to {load:.2f} (1 min) on {os.cpu_count()} cores")
    return 0 if ratio_cpu <= 1.1 and rerender < 0.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
