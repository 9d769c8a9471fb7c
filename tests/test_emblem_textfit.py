"""Title fitting: the one function shared by `cc render` and the CC401 rule of `cc validate`."""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pytest

from cc_cli.emblem import spec
from cc_cli.emblem.fonts import face, missing_glyphs, text_in_font_units, text_to_path
from cc_cli.emblem.textfit import TITLE_WEIGHT, fit_title, title_problem, undrawable


def test_short_title_is_one_line_at_40_px() -> None:
    layout = fit_title("IBM Cloud Essentials", "skill-foundational")
    assert layout is not None
    assert (layout.size, layout.lines) == (40, ("IBM Cloud Essentials",))


def test_longer_title_wraps_into_two_balanced_lines_at_36_px() -> None:
    layout = fit_title("Enterprise Design Thinking Co-Creator", "skill-advanced")
    assert layout is not None
    assert (layout.size, layout.lines) == (36, ("Enterprise Design", "Thinking Co-Creator"))


def test_long_title_wraps_into_three_lines_at_30_px() -> None:
    title = "IBM Certified Associate Developer - Quantum Computation using Qiskit"
    layout = fit_title(title, "certification-associate")
    assert layout is not None
    assert layout.size == 30
    assert layout.lines == ("IBM Certified Associate", "Developer - Quantum", "Computation using Qiskit")
    assert " ".join(layout.lines) == title


def test_very_long_title_shrinks_but_not_below_the_floor() -> None:
    title = "Advanced Hybrid Multicloud Infrastructure Automation and Observability Engineering Practitioner"
    layout = fit_title(title, "certificate")
    assert layout is not None
    assert spec.FLOOR <= layout.size < 30
    assert len(layout.lines) == 3


def test_title_that_never_fits_is_none_and_a_cc401_message() -> None:
    title = "Pneumonoultramicroscopicsilicovolcanoconiosis-Extended-Edition"
    assert fit_title(title, "skill-foundational") is None
    message = title_problem(title, "skill-foundational")
    assert message is not None
    assert "does not fit" in message
    assert "emblem.display_title" in message


def test_lines_fit_the_band_of_the_shape() -> None:
    title = "IBM Certified Solution Architect - Cloud Pak for Data v4.x"
    for kind in ("skill-advanced", "certificate", "certification-professional", "legacy"):
        layout = fit_title(title, kind)
        assert layout is not None
        room = spec.text_width(spec.kind_of(kind).shape, len(layout.lines), layout.size)
        assert max(layout.widths) <= room


def test_widths_are_what_gets_drawn() -> None:
    """The fitter and the renderer measure the same way, so a fitting title is drawn that wide."""
    layout = fit_title("Data Science Methodology", "skill-intermediate")
    assert layout is not None
    font = face(TITLE_WEIGHT)
    for line, width in zip(layout.lines, layout.widths, strict=True):
        assert font.measure(line) * layout.size / font.upem == pytest.approx(width)
        assert text_in_font_units(line, font)[1] * layout.size / font.upem == pytest.approx(width)


def test_kerning_is_applied() -> None:
    font = face(TITLE_WEIGHT)
    assert font.kern("A", "V") < 0
    assert font.measure("AV") < font.advance["A"] + font.advance["V"]
    assert font.kern("A", " ") == 0


def test_a_free_standing_dash_never_starts_a_line() -> None:
    layout = fit_title("Big Data Foundations - Level 1", "legacy")
    assert layout is not None
    assert not any(line.startswith(("-", "\u2013")) for line in layout.lines)


def test_wrapping_is_deterministic_and_ignores_extra_whitespace() -> None:
    a = fit_title("Data   Science\tMethodology", "skill-intermediate")
    b = fit_title("Data Science Methodology", "skill-intermediate")
    assert a == b


def test_accented_titles_fit_and_decomposed_accents_are_normalised() -> None:
    composed = fit_title("Gestão de Dados Avançada", "certificate")
    decomposed = fit_title("Gesta\u0303o de Dados Avanc\u0327ada", "certificate")
    assert composed is not None
    assert composed == decomposed
    assert missing_glyphs("Gesta\u0303o Avanc\u0327ada Ærøskøbing Straße") == []


def test_missing_glyphs_are_reported_never_drawn_as_boxes() -> None:
    assert missing_glyphs("Cloud 云计算 Ωmega") == ["云", "计", "算", "Ω"]  # the Latin typeface alone
    assert undrawable("Cloud 云计算 Ωmega") == ["Ω"]  # CJK comes from another script's font
    message = title_problem("Cloud \u0915\u094d\u0932\u093e\u0909\u0921", "skill-foundational")  # Devanagari
    assert message is not None
    assert "U+0915" in message


def test_markup_characters_are_ordinary_text() -> None:
    layout = fit_title("<script>alert(1)</script> & R&D", "skill-intermediate")
    assert layout is not None
    assert "&" in " ".join(layout.lines)
    assert title_problem("<b>R&D</b>", "certificate") is None


def test_empty_title_does_not_fit() -> None:
    assert fit_title("   ", "certificate") is None


def test_text_is_outlined_path_data() -> None:
    d = text_to_path("Hi", face("Regular"), 20, 100, 50, "middle")
    assert d.startswith("M") and d.endswith("Z")
    assert "<" not in d and "&" not in d


def test_fitting_10000_titles_is_fast() -> None:
    """`cc validate` fits every title; 10,000 must take well under 0.3 s (generous bound for slow CI)."""
    rnd = random.Random(7)
    words = [
        "IBM",
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
    ]
    kinds = list(spec.KINDS)
    titles = [
        (" ".join(rnd.choice(words) for _ in range(rnd.randint(2, 7))) + f" {i}", kinds[i % 9]) for i in range(10_000)
    ]
    fit_title("warm the font", "certificate")
    start = time.process_time()  # this process's CPU only: other sessions on the machine do not count
    for title, kind in titles:
        fit_title(title, kind)
    assert time.process_time() - start < 1.2  # 0.2 s on a quiet machine; a shared one inflates even CPU time


def test_importing_the_fitter_is_cheap() -> None:
    """The validator imports it: no Jinja2, no cairosvg, no font reading at import time."""
    code = (
        "import sys; import cc_cli.emblem.textfit; "
        "print(sorted(m for m in ('jinja2', 'cairosvg', 'fontTools.ttLib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
