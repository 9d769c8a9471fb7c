#!/usr/bin/env python3
"""Benchmark `cc site`: the sample catalog (target < 5 s) and a generated 10,000-credential catalog (< 60 s).

    .venv/bin/python bench/site.py [--credentials 10000] [--paths 500] [--repeat 1]

Each figure is the wall time of the whole `cc site` process: start-up, loading and validating the catalog,
drawing the emblems, writing every page, and swapping the new site in. The generated catalog is the one
`bench/validate.py` builds (every classification, prerequisites, certificates, 500 paths with options).

Emblems are published as SVG (exactly what `cc render` draws, about 1 ms each), not PNG: rasterising 10,000
PNGs with cairosvg alone takes over two minutes on two cores (see BENCHMARKS.md, `cc render`). Credential
pages and their emblems are written by worker processes while the main process writes the index and paths.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORK = Path(__file__).resolve().parent / "_data" / "site"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate import generate  # noqa: E402  (bench/validate.py: the same generated catalog)


def build(catalog: Path, out: Path, repeat: int) -> tuple[float, str]:
    """Best wall time of `cc site` over `repeat` runs, and its last stderr line."""
    best, said = float("inf"), ""
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run(
            [str(BIN / "cc"), "site", "--catalog", str(catalog), "--out", str(out)], capture_output=True, text=True
        )
        best = min(best, time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"cc site failed ({done.returncode}): {done.stderr.strip()}")
        said = done.stderr.strip().splitlines()[-1]
    return best, said


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--credentials", type=int, default=10_000)
    parser.add_argument("--paths", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    sample, sample_said = build(ROOT / "catalog", WORK / "sample-site", args.repeat)
    generated = WORK / "generated"
    generate(generated, args.credentials, args.paths, broken=False)
    large, large_said = build(generated, WORK / "generated-site", args.repeat)
    files = sum(1 for path in (WORK / "generated-site").rglob("*") if path.is_file())
    size = sum(path.stat().st_size for path in (WORK / "generated-site").rglob("*") if path.is_file())
    print(f"sample catalog      {sample:6.2f} s  (target < 5 s)   {sample_said}")
    print(f"{args.credentials:,} credentials {large:6.2f} s  (target < 60 s)  {large_said}")
    print(f"generated site      {files:,} files, {size / 1e6:,.0f} MB")
    return 0 if sample < 5 and large < 60 else 1


if __name__ == "__main__":
    raise SystemExit(main())
