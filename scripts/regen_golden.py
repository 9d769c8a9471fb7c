#!/usr/bin/env python3
"""Regenerate the golden emblem SVGs in tests/golden/emblems/ (the only way they should ever change).

    .venv/bin/python scripts/regen_golden.py            # rewrite what changed, refresh preview.png
    .venv/bin/python scripts/regen_golden.py --check    # exit 1 if anything would change

Every change to a golden file is a change to the drawing, and emblems already rendered into `emblems/`
are only redrawn when their input hash changes, which includes `DESIGN_VERSION`. So this script refuses
to rewrite goldens while `DESIGN_VERSION` in cc_cli/emblem/spec.py still equals the one they were made
with: bump it, rerun, then look at `preview.png` before committing.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "emblems"
sys.path.insert(0, str(ROOT))

from cc_cli.catalog.texts import texts_for  # noqa: E402
from cc_cli.emblem import spec  # noqa: E402
from cc_cli.emblem.draw import emblem_svg  # noqa: E402
from cc_cli.emblem.spec import EmblemSpec  # noqa: E402
from cc_cli.emblem.words import fixed_words  # noqa: E402


def cases() -> list[dict[str, object]]:
    return list(json.loads((GOLDEN / "cases.json").read_text(encoding="utf-8"))["cases"])


def draw(case: dict[str, object]) -> bytes:
    """One golden case's SVG (the tests call this too, so both always agree on what a case means).

    A case may set `language` (the fixed words and fonts follow it) and `issuer_line`."""
    title = str(case["title"])
    language = str(case.get("language", "en"))
    kicker, footer, level = fixed_words(spec.kind_of(str(case["kind"])), texts_for(language))
    emblem = EmblemSpec(
        id=str(case["name"]),
        kind=str(case["kind"]),
        title=title,
        alt=f"{title} - golden {case['kind']}",
        business_unit=str(case.get("business_unit", "")),
        issuer=str(case.get("issuer", "IBM")),
        issuer_line=str(case.get("issuer_line", "")),
        language=language,
        **({"kicker": kicker, "footer": footer, "level_word": level} if "language" in case else {}),
    )
    return emblem_svg(emblem, compact=bool(case.get("compact"))).encode("utf-8")


def review(drawn: dict[str, bytes], names: list[str]) -> None:
    """A 600 px PNG of each named case in tests/golden/emblems/review/, to look at one by one."""
    from cc_cli.emblem.jobs import to_png

    folder = GOLDEN / "review"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / f"{name}.png").write_bytes(to_png(drawn[name], 600))


def preview(drawn: dict[str, bytes]) -> bytes:
    """A PNG of every golden case side by side, for reviewing changes by eye in a pull request."""
    from cc_cli.emblem.jobs import to_png

    cell, columns = 200, 5
    rows = -(-len(drawn) // columns)
    images = []
    for i, svg in enumerate(drawn.values()):
        href = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
        x, y = (i % columns) * cell, (i // columns) * cell
        images.append(f'<image x="{x + 10}" y="{y + 10}" width="{cell - 20}" height="{cell - 20}" href="{href}"/>')
    width, height = columns * cell, rows * cell
    sheet = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>{"".join(images)}</svg>'
    )
    return to_png(sheet.encode("utf-8"), width)


def _current(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a golden would change")
    args = parser.parse_args()
    drawn = {str(case["name"]): draw(case) for case in cases()}
    changed = [name for name, svg in drawn.items() if _current(GOLDEN / f"{name}.svg") != svg]
    version_file = GOLDEN / "DESIGN_VERSION"
    recorded = version_file.read_text().strip() if version_file.exists() else None
    for name in changed:
        print(f"{'would change' if args.check else 'changed'}: tests/golden/emblems/{name}.svg")
    if args.check:
        return 1 if changed or recorded != spec.DESIGN_VERSION else 0
    if changed and recorded == spec.DESIGN_VERSION:
        print(
            f"the drawing changed but DESIGN_VERSION is still {spec.DESIGN_VERSION!r}: bump it in "
            "cc_cli/emblem/spec.py so rendered emblems are redrawn, then rerun",
            file=sys.stderr,
        )
        return 1
    for name in changed:
        (GOLDEN / f"{name}.svg").write_bytes(drawn[name])
    version_file.write_text(spec.DESIGN_VERSION + "\n")
    (GOLDEN / "preview.png").write_bytes(preview(drawn))
    review(drawn, [str(case["name"]) for case in cases() if case.get("review")])
    print(f"{len(changed)} golden file(s) rewritten; review tests/golden/emblems/preview.png by eye")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
