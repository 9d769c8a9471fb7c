"""The drawing of each kind: shape, colours, level marks, lettering as outlines, escaping, compact variant."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import cairosvg
import pytest
from PIL import Image

from cc_cli.emblem import spec
from cc_cli.emblem.draw import emblem_svg
from cc_cli.emblem.spec import EmblemError, EmblemSpec

NS = {"svg": "http://www.w3.org/2000/svg"}
SKILLS = ["skill-foundational", "skill-intermediate", "skill-advanced", "skill-thought-leader"]
CERTIFICATIONS = ["certification-associate", "certification-professional", "certification-advanced"]


def draw(kind: str, title: str = "IBM Cloud Essentials", compact: bool = False, **extra: object) -> ElementTree.Element:
    emblem = EmblemSpec(id="cloud-essentials", kind=kind, title=title, alt=f"{title} - alt", issuer="IBM", **extra)  # type: ignore[arg-type]
    return ElementTree.fromstring(emblem_svg(emblem, compact=compact))


def by_class(root: ElementTree.Element, cls: str) -> list[ElementTree.Element]:
    return [el for el in root.iter() if cls in (el.get("class") or "").split()]


def test_root_is_an_accessible_600px_image_with_the_alt_text_as_title() -> None:
    root = draw("skill-foundational")
    assert root.get("role") == "img"
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == ("600", "600", "0 0 600 600")
    title = root.find("svg:title", NS)
    assert title is not None and title.text == "IBM Cloud Essentials - alt"
    assert root.get("aria-labelledby") == title.get("id")


@pytest.mark.parametrize("kind", SKILLS)
def test_skill_badges_are_circles_with_band_colour_and_filled_squares(kind: str) -> None:
    root = draw(kind)
    band = spec.KINDS[kind].band
    assert by_class(root, "shape")[0].tag.endswith("circle")
    assert by_class(root, "frame")[0].get("stroke") == spec.GRAY_100
    assert by_class(root, "accent")[0].get("stroke") == band
    assert by_class(root, "band")[0].get("fill") == band
    filled, empty = by_class(root, "filled"), by_class(root, "empty")
    assert len(filled) == SKILLS.index(kind) + 1
    assert len(filled) + len(empty) == 4
    assert all(mark.get("fill") == band for mark in filled)
    assert all(mark.get("stroke") == spec.GRAY_50 for mark in empty)


def test_certificate_is_a_page_with_a_folded_corner_and_no_level_marks() -> None:
    root = draw("certificate")
    assert by_class(root, "shape")[0].tag.endswith("path")
    assert by_class(root, "fold")
    assert by_class(root, "band")[0].get("fill") == "#005d5d"
    assert not by_class(root, "mark")
    assert by_class(root, "seal")


@pytest.mark.parametrize("kind", CERTIFICATIONS)
def test_certifications_are_shields_with_one_to_three_chevrons(kind: str) -> None:
    root = draw(kind)
    band = spec.KINDS[kind].band
    assert by_class(root, "shape")[0].get("d", "").count("C") == 2  # straight sides, curved point
    assert by_class(root, "band")[0].get("fill") == band
    chevrons = by_class(root, "mark")
    assert len(chevrons) == CERTIFICATIONS.index(kind) + 1
    assert all(mark.get("fill") == band for mark in chevrons)


def test_legacy_without_artwork_is_a_neutral_cool_gray_circle_without_marks() -> None:
    root = draw("legacy")
    assert by_class(root, "shape")[0].get("fill") == spec.COOL_GRAY_10
    assert by_class(root, "frame")[0].get("stroke") == spec.COOL_GRAY_60
    assert by_class(root, "band")[0].get("fill") == spec.COOL_GRAY_60
    assert not by_class(root, "mark")


def test_every_band_colour_has_4_5_to_1_contrast_with_white() -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for kind in spec.KINDS.values():
        assert 1.05 / (luminance(kind.band) + 0.05) >= 4.5, kind.key


def test_all_lettering_is_outlined_never_text_elements() -> None:
    svg = emblem_svg(EmblemSpec(id="a", kind="certificate", title="Data Science", alt="x", issuer="IBM"))
    assert "<text" not in svg and "font-family" not in svg and "@font-face" not in svg
    assert len(by_class(ElementTree.fromstring(svg), "lettering")) >= 4  # kicker, issuer, title, footer


def test_markup_in_title_and_issuer_is_escaped_text() -> None:
    title = "<script>alert(1)</script> & R&D"
    emblem = EmblemSpec(id="x", kind="skill-intermediate", title=title, alt=title, issuer="A&B <Corp>")
    svg = emblem_svg(emblem)
    assert "<script" not in svg
    root = ElementTree.fromstring(svg)  # well-formed despite the markup characters
    assert root.find("svg:title", NS).text == title  # type: ignore[union-attr]


def test_business_unit_adds_a_line() -> None:
    without = len(by_class(draw("skill-advanced"), "lettering"))
    with_unit = len(by_class(draw("skill-advanced", business_unit="IBM Cloud"), "lettering"))
    assert with_unit == without + 1


def test_issuer_logo_is_used_only_when_supplied() -> None:
    logo = (
        "image/svg+xml",
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
    )
    root = draw("certification-associate", logo=logo)
    images = by_class(root, "issuer-logo")
    assert len(images) == 1 and images[0].get("href", "").startswith("data:image/svg+xml;base64,")
    assert not by_class(draw("certification-associate"), "issuer-logo")


@pytest.mark.parametrize("kind", ["skill-thought-leader", "certificate", "certification-advanced", "legacy"])
def test_compact_variant_keeps_shape_band_and_marks_and_drops_lettering(kind: str) -> None:
    full, compact = draw(kind), draw(kind, compact=True)
    assert not by_class(compact, "lettering")
    assert by_class(compact, "band") and by_class(compact, "frame")
    assert len(by_class(compact, "mark")) == len(by_class(full, "mark"))


def test_titles_that_cannot_be_drawn_raise_with_the_reason() -> None:
    with pytest.raises(EmblemError, match="U\\+03A9"):
        emblem_svg(EmblemSpec(id="x", kind="certificate", title="Ωmega", alt="x"))
    with pytest.raises(EmblemError, match="does not fit"):
        emblem_svg(EmblemSpec(id="x", kind="certificate", title="W" * 80, alt="x"))


def test_drawing_is_deterministic() -> None:
    emblem = EmblemSpec(id="x", kind="certification-professional", title="Cloud Pak for Data", alt="x", issuer="IBM")
    assert emblem_svg(emblem) == emblem_svg(emblem)


def test_png_is_transparent_outside_the_shape_and_opaque_inside() -> None:
    svg = emblem_svg(EmblemSpec(id="x", kind="skill-advanced", title="Cloud", alt="x", issuer="IBM"))
    image = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=svg.encode(), output_width=300)))
    assert image.size == (300, 300) and image.mode == "RGBA"
    assert image.getpixel((2, 2))[3] == 0  # corner: outside the circle
    assert image.getpixel((150, 60))[3] == 255  # inside, above the band: white
    assert image.getpixel((150, 60))[:3] == (255, 255, 255)
    assert image.getpixel((40, 157)) == (0x00, 0x43, 0xCE, 255)  # the band, left of the title: Blue 70
    assert image.getpixel((150, 5))[:3] == (0x16, 0x16, 0x16)  # the outer ring: Gray 100
