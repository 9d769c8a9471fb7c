"""Golden SVGs: the drawing of each case must stay byte for byte what was reviewed by eye.

When a change to the design is intended, bump `DESIGN_VERSION` in cc_cli/emblem/spec.py, run
`scripts/regen_golden.py`, and look at tests/golden/emblems/preview.png before committing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from cc_cli.emblem import spec

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "emblems"


def _script() -> ModuleType:
    loader = importlib.util.spec_from_file_location("regen_golden", ROOT / "scripts" / "regen_golden.py")
    assert loader is not None and loader.loader is not None
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module


REGEN = _script()
CASES = REGEN.cases()


@pytest.mark.parametrize("case", CASES, ids=[str(case["name"]) for case in CASES])
def test_emblem_matches_its_golden_svg(case: dict[str, object]) -> None:
    from cc_cli.emblem.scripts import missing_fonts

    needed = missing_fonts(str(case["title"]), "SemiBold", str(case.get("language", "en")))
    if needed:  # the CJK goldens were drawn with Debian's fonts-noto-cjk (scripts/dev.sh installs it)
        pytest.skip(f"{case['name']} needs `{needed[0][1].install}`")
    golden = GOLDEN / f"{case['name']}.svg"
    assert golden.exists(), f"{golden.name} missing: run scripts/regen_golden.py"
    assert REGEN.draw(case) == golden.read_bytes(), (
        f"the drawing of {case['name']!r} changed. If intended: bump DESIGN_VERSION in cc_cli/emblem/spec.py, "
        "run scripts/regen_golden.py and review tests/golden/emblems/preview.png"
    )


def test_goldens_were_made_with_the_current_design_version() -> None:
    assert (GOLDEN / "DESIGN_VERSION").read_text().strip() == spec.DESIGN_VERSION


def test_every_kind_has_a_golden() -> None:
    assert set(spec.KINDS) <= {str(case["kind"]) for case in CASES}
