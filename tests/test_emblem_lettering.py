"""No text touches another: every piece of an emblem's lettering is drawn on its own, rasterised, and checked
against every other piece and against the title band (the title itself sits inside the band).

Cases are the hard ones of issue 18: a long issuer name with and without its issuer line, a long business
unit, every kind, and the fixed words of French, German, Japanese and Arabic.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageChops, ImageFilter

from cc_cli.catalog.texts import texts_for
from cc_cli.emblem import spec
from cc_cli.emblem.draw import emblem_svg
from cc_cli.emblem.jobs import to_png
from cc_cli.emblem.spec import EmblemSpec, IssuerTooLong
from cc_cli.emblem.words import fixed_words

LONG_ISSUER = "Université de Montréal — Faculté de l'éducation permanente"
CASES = [
    # (kind, title, issuer, issuer line, business unit, language)
    ("skill-intermediate", "Analyse de données", LONG_ISSUER, "", "Faculté de l'éducation permanente", "fr"),
    ("skill-thought-leader", "Leadership en gouvernance des données massives", LONG_ISSUER, "UdeM", "", "fr"),
    ("legacy", "Initiation aux données", LONG_ISSUER, "Université de Montréal", "", "fr"),
    ("certificate", "Certificat en science des données", LONG_ISSUER, "", "Service de la formation continue", "fr"),
    ("certification-professional", "Analyste de données professionnel", LONG_ISSUER, "", "", "de"),
    ("certification-advanced", "Architecte infonuagique avancé", "Hochschule für Technik", "", "Weiterbildung", "de"),
    ("skill-foundational", "クラウド・コンピューティングの基礎", "東京工業大学", "", "工学院", "ja"),
    ("certification-associate", "データアナリスト認定", "東京工業大学", "", "", "ja"),
    ("skill-advanced", "أساسيات علم البيانات للمبتدئين", "جامعة القاهرة", "", "كلية الحاسبات", "ar"),
    ("certificate", "شهادة في تحليل البيانات", "جامعة القاهرة", "", "", "ar"),
]
PATH = re.compile(r'<path class="(lettering|band)" fill="[^"]*"(?: transform="([^"]*)")? d="([^"]*)"/>')


def _mask(d: str, transform: str) -> Image.Image:
    """One piece of the drawing alone, as a 600 x 600 alpha mask, grown by 2 px (what "touching" means)."""
    attribute = f' transform="{transform}"' if transform else ""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600"><path fill="#000"{attribute} d="{d}"/></svg>'
    )
    alpha = Image.open(io.BytesIO(to_png(svg.encode(), 600))).getchannel("A")
    return alpha.point(lambda value: 255 if value > 40 else 0).filter(ImageFilter.MaxFilter(5))


def _touch(a: Image.Image, b: Image.Image) -> bool:
    return ImageChops.multiply(a, b).getbbox() is not None


def _emblem(case: tuple[str, str, str, str, str, str]) -> EmblemSpec:
    kind, title, issuer, issuer_line, unit, language = case
    kicker, footer, level = fixed_words(spec.kind_of(kind), texts_for(language))
    return EmblemSpec(
        id="case",
        kind=kind,
        title=title,
        alt=title,
        business_unit=unit,
        issuer=issuer,
        issuer_line=issuer_line,
        language=language,
        kicker=kicker,
        footer=footer,
        level_word=level,
    )


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[5]}" for c in CASES])
def test_no_lettering_touches_other_lettering_or_the_band(case: tuple[str, str, str, str, str, str]) -> None:
    pieces = PATH.findall(emblem_svg(_emblem(case)))
    band = next(_mask(d, t) for cls, t, d in pieces if cls == "band")
    masks = [_mask(d, transform) for cls, transform, d in pieces if cls == "lettering"]
    # The title's lines lie wholly inside the band; everything else must keep clear of it and of each other.
    outside = [mask for mask in masks if ImageChops.multiply(mask, band).getbbox() != mask.getbbox()]
    assert len(outside) >= 3, "kicker, issuer and footer at least"
    for mask in outside:
        assert not _touch(mask, band), "lettering runs into the title band"
    for i, a in enumerate(outside):
        for b in outside[i + 1 :]:
            assert not _touch(a, b), "two pieces of lettering touch"


def test_a_name_too_long_even_for_two_lines_is_refused_not_shrunk_to_nothing() -> None:
    too_long = LONG_ISSUER + " et des études supérieures en administration publique"
    with pytest.raises(IssuerTooLong, match=r"emblem\.issuer_line"):
        emblem_svg(_emblem(("skill-advanced", "Titre", too_long, "", "", "fr")))
    drawn = emblem_svg(_emblem(("skill-advanced", "Titre", too_long, "UdeM", "", "fr")))
    assert drawn.count('class="lettering"') >= 4
