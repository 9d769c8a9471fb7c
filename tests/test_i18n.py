"""Issue 18, "any issuer, any language": no sample issuer's words in the product, and emblems, site, awards
and exports in the catalog's language (and each credential's own).

Most tests go through the CLI on `tests/i18n_catalog.py`: a French university's catalog with a Japanese and
an Arabic credential.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cc_cli.catalog import texts
from cc_cli.cli.app import app
from cc_cli.emblem import spec
from cc_cli.emblem.draw import emblem_svg
from cc_cli.emblem.jobs import emblem_spec
from cc_cli.emblem.spec import EmblemSpec
from cc_cli.emblem.textfit import font_problem, undrawable
from cc_cli.emblem.words import fixed_words
from cc_cli.validate.load import load_catalog
from tests.i18n_catalog import ISSUER, write_catalog

runner = CliRunner()
SAMPLE_ISSUER = re.compile(r"\bIBM\b")  # case-sensitive: font package names such as "ibm-plex" are not words


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_catalog(tmp_path_factory.mktemp("fep") / "catalog")


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _no_sample_issuer(where: str, text: str) -> None:
    found = SAMPLE_ISSUER.search(text)
    assert found is None, f"{where}: ...{text[max(0, found.start() - 80) : found.end() + 80]}..."


# --- 1. No sample issuer's words --------------------------------------------------------------------------
def test_another_issuers_catalog_shows_no_sample_issuer_words(catalog_dir: Path, tmp_path: Path) -> None:
    """Site, emblems, rule pages, schemas and exports of a university's catalog never say "IBM"."""
    assert cli("validate", "--catalog", str(catalog_dir), "--strict")[0] == 0
    site = tmp_path / "site"
    assert cli("site", "--catalog", str(catalog_dir), "--out", str(site))[0] == 0
    for page in sorted(site.rglob("*")):
        if page.suffix in (".html", ".css", ".js", ".svg"):
            _no_sample_issuer(str(page.relative_to(site)), page.read_text(encoding="utf-8"))
    emblems = tmp_path / "emblems"
    assert cli("render", "--catalog", str(catalog_dir), "--out", str(emblems))[0] == 0
    for svg in sorted(emblems.glob("*.svg")):  # lettering is outlined: the <title> and metadata are the text
        _no_sample_issuer(svg.name, svg.read_text(encoding="utf-8"))
    loaded = load_catalog(catalog_dir).catalog
    for credential in loaded.credentials.values():  # the source strings the outlines were drawn from
        emblem = emblem_spec(credential, loaded)
        drawn = [emblem.title, emblem.alt, emblem.issuer, emblem.issuer_line, emblem.kicker, emblem.footer]
        _no_sample_issuer(credential.id, " | ".join([*drawn, emblem.level_word]))
    code, listing, _ = cli("rules")
    assert code == 0
    _no_sample_issuer("cc rules", listing)
    for line in listing.splitlines():
        rule = line.split("\t", 1)[0]
        code, page, _ = cli("rules", rule)
        assert code == 0, rule
        _no_sample_issuer(f"cc rules {rule}", page)
    for kind in ("credential", "path", "catalog"):
        _no_sample_issuer(f"cc schema {kind}", cli("schema", kind)[1])
    for fmt in ("ob3", "ctdl", "credly-csv"):
        code, out, err = cli("export", "--catalog", str(catalog_dir), "--format", fmt)
        assert code == 0, err
        _no_sample_issuer(f"cc export --format {fmt}", out)


def test_the_framework_is_explained_in_neutral_words_with_the_issuers_name(catalog_dir: Path, tmp_path: Path) -> None:
    cli("site", "--catalog", str(catalog_dir), "--out", str(tmp_path / "site"))
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f"tous délivrés par {ISSUER}" in index.replace("&#39;", "'")
    page = (tmp_path / "site" / "credentials" / "analyste-certifie.html").read_text(encoding="utf-8")
    assert "Une certification professionnelle valide les connaissances" in page
    assert "<blockquote>" not in page  # cc's own words are not presented as a quotation


# --- 2. Languages ------------------------------------------------------------------------------------------
def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{([a-z_]+)\}", text))


@pytest.mark.parametrize("language", texts.SHIPPED)
def test_every_shipped_language_has_every_word_with_its_placeholders(language: str) -> None:
    english = texts.shipped_words("en")
    words = yaml.safe_load((texts.TEXTS_DIR / f"{language}.yaml").read_text(encoding="utf-8"))
    assert list(words) == list(english), "same keys, in the same order as en.yaml"
    for key, text in words.items():
        assert isinstance(text, str) and (text.strip() or key in ("framework.source", "duration.separator")), key
        if not key.startswith(("duration.", "count.", "path.step_count")):  # "1 an", "سنة واحدة": may drop {count}
            assert _placeholders(text) == _placeholders(english[key]), key
        else:
            assert _placeholders(text) <= _placeholders(english[key]), key


@pytest.mark.parametrize("language", texts.SHIPPED)
def test_every_fixed_word_of_every_language_draws_on_every_kind(language: str) -> None:
    """Each emblem word exists, every character has a glyph in the fonts used, and it fits its place."""
    words = texts.texts_for(language)
    for key in spec.KINDS:
        kind = spec.KINDS[key]
        kicker, footer, level = fixed_words(kind, words)
        for text in (kicker, footer, level):
            assert undrawable(text, "Medium", language) == [], (language, key, text)
            assert font_problem(text, "Medium", language) is None, (language, key, text)
        emblem = EmblemSpec(
            id=f"{language}-{key}",
            kind=key,
            title=words(f"kind.{'skill' if kind.shape in ('circle', 'legacy') else 'certificate'}"),
            alt="alt",
            issuer="Université de Montréal",
            language=language,
            kicker=kicker,
            footer=footer,
            level_word=level,
        )
        svg = emblem_svg(emblem)  # raises EmblemError if a word does not fit or cannot be set
        assert svg.count('class="lettering"') >= 4


def test_a_catalog_corrects_a_word_and_supplies_a_language(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "catalog")
    loaded = load_catalog(root).catalog
    legacy = emblem_spec(loaded.credentials["ancien-badge"], loaded)
    assert legacy.footer == "Badge d'avant le cadre"  # the catalog's own word
    assert emblem_spec(loaded.credentials["analyse-de-donnees"], loaded).kicker == "Badge de compétence • Fondamental"
    italian = texts.texts_for("it", {"it": {"kind.skill": "Badge di competenza"}})
    assert italian("kind.skill") == "Badge di competenza"
    assert italian("kind.certificate") == "Certificate"  # not supplied: English
    assert texts.missing_words("it", {"it": {"kind.skill": "x"}})[:1] == ["kind.certificate"]


def test_texts_and_language_are_validated_and_in_the_schema(tmp_path: Path) -> None:
    root = write_catalog(tmp_path / "catalog")
    text = (root / "catalog.yaml").read_text(encoding="utf-8")
    text = text.replace("language: fr", "language: French").replace("emblem.legacy_footer:", "emblem.legacy_foter:")
    (root / "catalog.yaml").write_text(text, encoding="utf-8")
    code, out, _ = cli("validate", "--catalog", str(root), "--format", "json")
    assert code == 1
    problems = {(p["code"], p["line"]): p["message"] for p in json.loads(out)["problems"]}
    assert "not a BCP 47 language tag" in problems[("CC106", 2)]
    assert "emblem.legacy_footer" in problems[("CC102", 12)]  # did you mean
    schema = json.loads(cli("schema", "catalog")[1])
    words = schema["properties"]["texts"]["additionalProperties"]["properties"]
    assert set(words) == set(texts.keys())
    assert schema["properties"]["language"]["pattern"].startswith("^[a-z]{2,4}")
    assert "issuer_line" in schema["properties"]["emblem"]["properties"]


def test_ctdl_language_maps_follow_the_catalog_and_each_credential(catalog_dir: Path) -> None:
    graph = json.loads(cli("export", "--catalog", str(catalog_dir), "--format", "ctdl")[1])["@graph"]
    by_name = {next(iter(node["ceterms:name"].values())): node for node in graph}
    french = by_name["Analyse de données"]
    assert french["ceterms:name"] == {"fr": "Analyse de données"} and french["ceterms:inLanguage"] == ["fr"]
    assert french["ceterms:requires"][0]["ceterms:description"] == {"fr": "Comment obtenir Analyse de données."}
    assert by_name["クラウド・コンピューティングの基礎"]["ceterms:inLanguage"] == ["ja"]
    assert by_name["أساسيات علم البيانات"]["ceterms:keyword"] == {"ar": ["البيانات", "الإحصاء", "بايثون"]}
    assert "en-US" not in json.dumps(graph)


def test_awards_and_ob3_achievements_carry_in_language(catalog_dir: Path) -> None:
    from tests.test_export import achievement_validator

    achievements = json.loads(cli("export", "--catalog", str(catalog_dir), "--format", "ob3")[1])
    assert not list(achievement_validator().iter_errors(achievements))
    by_id = {item["humanCode"]: item for item in achievements}
    assert by_id["analyse-de-donnees"]["inLanguage"] == "fr"
    assert by_id["cloud-kiso"]["inLanguage"] == "ja"
    assert by_id["ilm-al-bayanat"]["image"]["caption"] == "أساسيات علم البيانات - شارة مهارة، متوسط"


# --- 3. Site pages: lang and dir --------------------------------------------------------------------------
def test_site_pages_have_the_right_lang_and_dir(catalog_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    cli("site", "--catalog", str(catalog_dir), "--out", str(site))
    assert '<html lang="fr" dir="ltr">' in (site / "index.html").read_text(encoding="utf-8")
    arabic = (site / "credentials" / "ilm-al-bayanat.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "كيفية الحصول عليه" in arabic  # "How to earn it", in the page's language
    japanese = (site / "credentials" / "cloud-kiso.html").read_text(encoding="utf-8")
    assert '<html lang="ja" dir="ltr">' in japanese and "取得方法" in japanese
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="card-title" lang="ar" dir="rtl"' in index  # a card whose title is not in French
    assert "Badges de compétence" in index and "Skill badges" not in index


# --- 5. Emblems in other scripts ----------------------------------------------------------------------------
ONLY = ("--only", "cloud-kiso", "--only", "ilm-al-bayanat", "--size", "96")


def test_emblems_in_other_scripts_are_byte_identical_across_runs(catalog_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        subprocess.run(
            [sys.executable, "-m", "cc_cli", "render", "--catalog", str(catalog_dir), "--out", str(out), *ONLY],
            check=True,
            capture_output=True,
        )
        outs.append({p.name: p.read_bytes() for p in sorted(out.glob("*.svg"))})
    assert outs[0] == outs[1]
    assert {"cloud-kiso.svg", "ilm-al-bayanat.svg"} <= set(outs[0])


def test_validate_names_the_font_package_when_a_title_needs_a_missing_font(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CC_FONT_DIRS", "/nonexistent-font-folder")
    code, out, _ = cli("validate", "--catalog", str(catalog_dir))
    assert code == 1
    assert "credentials/cloud-kiso.yaml:2:8: error CC405" in out
    assert "apt-get install fonts-noto-cjk" in out
    code, _, err = cli("render", "--catalog", str(catalog_dir), "--out", str(catalog_dir.parent / "emblems"))
    assert code == 1 and "apt-get install fonts-noto-cjk" in err
