#!/usr/bin/env python3
"""Benchmark `cc render` on a generated catalog of 1,000 credentials.

    .venv/bin/python bench/render.py [--count 1000] [--jobs N]

Figures printed:
- full render: SVG + 600 px PNG for every credential, written with the manifest (`render_catalog`);
- bare cairosvg: only the SVG -> PNG conversions of the same SVGs, divided over the same number of worker
  processes; the floor any renderer built on cairosvg can reach. Target: full <= 1.3 x bare;
- second run: nothing changed, through the real command path (YAML catalog loaded, manifest checked,
  every output file hashed). Target: < 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cc_cli.emblem.render import render_catalog  # noqa: E402
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


def bare_cairosvg(svgs: list[bytes], workers: int) -> float:
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_convert, svgs, chunksize=8))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cc-bench-render-"))
    try:
        write_catalog(work / "catalog", args.count)
        catalog = load_catalog(work / "catalog").catalog
        out = work / "emblems"
        start = time.perf_counter()
        result = render_catalog(catalog, out, jobs=args.jobs)
        full = time.perf_counter() - start
        assert not result.failures, result.failures[:3]
        svgs = [path.read_bytes() for path in sorted(out.glob("*.svg"))]
        bare = bare_cairosvg(svgs, args.jobs)
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
    print(f"credentials        {args.count} ({args.jobs} worker processes, cpu_count={os.cpu_count()})")
    print(f"full render        {full:7.2f} s  ({full / args.count * 1000:.1f} ms per emblem, SVG + 600 px PNG)")
    print(f"bare cairosvg      {bare:7.2f} s  (same SVGs -> PNG only, over {args.jobs} processes)")
    print(f"full / bare        {full / bare:7.2f}    (target <= 1.30)")
    print(f"second run         {second:7.2f} s  (nothing changed; YAML load + manifest + file hashes; target < 1 s)")
    print(f"--check            {check:7.2f} s  (nothing changed)")
    return 0 if full / bare <= 1.3 and second < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
