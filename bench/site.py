#!/usr/bin/env python3
"""Benchmark `cc site`: the sample catalog (target < 5 s) and a generated 10,000-credential catalog (< 60 s).

    .venv/bin/python bench/site.py [--credentials 10000] [--paths 500] [--repeat 1] [--cold]

Each figure is the wall time of the whole `cc site` process: start-up, loading and validating the catalog,
drawing the emblems, writing every page and cited document, and swapping the new site in. The generated
catalog is the one `bench/validate.py` builds (every classification, prerequisites, certificates, 500 paths).

Awards cite `emblems/<id>.png`, so the site publishes a 600 px PNG of every emblem, and rasterising it
(cairosvg, then libpng) is most of a cold build. A catalog repository keeps `cc render`'s output (checked in
CI by `cc render --check`), and `cc site` copies those PNGs where their SVG is unchanged; a rebuild copies
the previous site's. Measured here: the site with `--emblems` (the usual case), a rebuild over it, and with
`--cold` a first build with no PNG to reuse, beside `cc render` of the same catalog. The floor printed beside
them is copying the finished site folder (the same files written, no work): the ratio says what cc adds.
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

from bytecode import compile_cc  # noqa: E402
from validate import generate  # noqa: E402  (bench/validate.py: the same generated catalog)


def run(command: list[str], cwd: Path = ROOT) -> tuple[float, str]:
    """Wall time of one cc command and its last stderr line; exits on failure."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:2])} failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, (done.stderr.strip().splitlines() or [""])[-1]


def build(catalog: Path, out: Path, repeat: int, *extra: str, fresh: bool = True) -> tuple[float, str]:
    """Best wall time of `cc site` over `repeat` runs (each into an empty --out unless not `fresh`)."""
    best, said = float("inf"), ""
    for _ in range(repeat):
        if fresh:
            shutil.rmtree(out, ignore_errors=True)
        seconds, said = run([str(BIN / "cc"), "site", "--catalog", str(catalog), "--out", str(out), *extra], WORK)
        best = min(best, seconds)
    return best, said


def copy_floor(site: Path) -> float:
    """Copying the finished site: the same files written, none of cc's work."""
    target = site.with_name(site.name + "-copy")
    shutil.rmtree(target, ignore_errors=True)
    start = time.perf_counter()
    shutil.copytree(site, target)
    seconds = time.perf_counter() - start
    shutil.rmtree(target)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--credentials", type=int, default=10_000)
    parser.add_argument("--paths", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--cold", action="store_true", help="also a first build with no PNG to reuse (minutes)")
    args = parser.parse_args()
    compile_cc()  # see bench/bytecode.py
    WORK.mkdir(parents=True, exist_ok=True)
    sample, sample_said = build(ROOT / "catalog", WORK / "sample-site", args.repeat, "--emblems", str(ROOT / "emblems"))
    generated = WORK / "generated"
    generate(generated, args.credentials, args.paths, broken=False)
    rendered = WORK / "generated-emblems"
    site = WORK / "generated-site"
    n = f"{args.credentials:,} credentials"
    if args.cold:
        cold, cold_said = build(generated, site, 1)
        print(f"{n}, cold      {cold:7.2f} s  (no PNG to reuse)  {cold_said}")
    if not (rendered / ".cc-render.json").is_file():
        render_s, _ = run([str(BIN / "cc"), "render", "--catalog", str(generated), "--out", str(rendered)])
        print(f"cc render, {n}  {render_s:7.2f} s  (once; kept and checked in the catalog's repository)")
    large, large_said = build(generated, site, args.repeat, "--emblems", str(rendered))
    rebuild, _ = build(generated, site, args.repeat, "--emblems", str(rendered), fresh=False)
    floor = copy_floor(site)
    files = sum(1 for path in site.rglob("*") if path.is_file())
    size = sum(path.stat().st_size for path in site.rglob("*") if path.is_file())
    print(f"sample catalog      {sample:7.2f} s  (target < 5 s)   {sample_said}")
    print(f"{n}  {large:7.2f} s  (target < 60 s, --emblems)  {large_said}")
    print(f"rebuild over it     {rebuild:7.2f} s")
    print(
        f"floor: copy of the site {floor:6.2f} s; cc site / floor = {large / floor:.1f}x, rebuild / floor = {rebuild / floor:.1f}x"
    )
    print(f"generated site      {files:,} files, {size / 1e6:,.0f} MB")
    return 0 if sample < 5 and large < 60 else 1


if __name__ == "__main__":
    raise SystemExit(main())
