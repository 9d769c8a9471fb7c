"""A catalog by an issuer that is not the sample's, in French, with a Japanese and an Arabic credential.

The tests of issue 18 ("any issuer, any language") build it in a temporary folder: a university's
continuing-education faculty with a long name, every kind of credential, a learning path, and its own
wording for one of cc's words.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_files

ISSUER = "Université de Montréal — Faculté de l'éducation permanente"

CATALOG_YAML = f"""\
name: Titres numériques de la FEP
language: fr
issuer:
  name: {ISSUER}
  url: https://fep.example.org
base_url: https://titres.example.org
framework_date: 2020-01-01
emblem:
  issuer_line: Université de Montréal
texts:
  fr:
    emblem.legacy_footer: Badge d'avant le cadre
"""

_CRITERIA = """\
criteria:
  - kind: course
    description: Suivre le cours.
  - kind: assessment
    description: Réussir le questionnaire.
"""
_CERTIFICATION = """\
criteria:
  - kind: exam
    proctored: true
    description: Réussir l'examen surveillé.
job_roles: [Analyste de données]
renewal:
  valid_for: P3Y
  options:
    - {kind: continuing-education, hours: 30}
"""


def _skill(key: str, title: str, type_: str, extra: str = "", requires: str = "") -> str:
    return (
        f"id: {key}\ntitle: {title}\nclassification: skill\ntype: {type_}\n"
        f"description: Les personnes titulaires maîtrisent {title.lower()}.\n"
        "skills: [Données, Analyse, Python]\ntime_to_earn: PT12H\n" + _CRITERIA + requires + extra
    )


FILES: dict[str, str | None] = {
    "catalog.yaml": CATALOG_YAML,
    "credentials/analyse-de-donnees.yaml": _skill(
        "analyse-de-donnees",
        "Analyse de données",
        "foundational",
        "emblem:\n  business_unit: Faculté de l'éducation permanente\n",
    ),
    "credentials/visualisation-avancee.yaml": _skill(
        "visualisation-avancee",
        "Visualisation avancée des données",
        "intermediate",
        requires="requires: [analyse-de-donnees]\n",
    ),
    "credentials/apprentissage-automatique.yaml": _skill(
        "apprentissage-automatique",
        "Apprentissage automatique appliqué",
        "advanced",
        requires="requires: [visualisation-avancee]\n",
    ),
    "credentials/cloud-kiso.yaml": (
        "id: cloud-kiso\ntitle: クラウド・コンピューティングの基礎\nlanguage: ja\nclassification: skill\n"
        "type: foundational\ndescription: クラウドの基本的な概念を理解しています。\n"
        "skills: [クラウド, 仮想化, ネットワーク]\ntime_to_earn: P2W\n"
        "criteria:\n  - kind: course\n    description: 講座を修了します。\n"
        "  - kind: assessment\n    description: 確認テストに合格します。\n"
    ),
    "credentials/ilm-al-bayanat.yaml": (
        "id: ilm-al-bayanat\ntitle: أساسيات علم البيانات\nlanguage: ar\nclassification: skill\n"
        "type: intermediate\ndescription: يفهم الحاصلون عليها أساسيات علم البيانات.\n"
        "skills: [البيانات, الإحصاء, بايثون]\ntime_to_earn: P3W\nrequires: [analyse-de-donnees]\n"
        "criteria:\n  - kind: course\n    description: إتمام الدورة.\n"
        "  - kind: assessment\n    description: اجتياز الاختبار القصير.\n"
    ),
    "credentials/science-des-donnees.yaml": (
        "id: science-des-donnees\ntitle: Certificat en science des données\nclassification: certificate\n"
        "description: Un programme complet en science des données.\nskills: [Données, Analyse, Python]\n"
        "time_to_earn: P12W\ncomponents: [analyse-de-donnees, visualisation-avancee]\n"
        "criteria:\n  - kind: project\n    description: Réaliser un projet final.\n"
        "  - kind: assessment\n    description: Réussir les évaluations.\n"
    ),
    "credentials/analyste-certifie.yaml": (
        "id: analyste-certifie\ntitle: Analyste de données certifié\nclassification: certification\n"
        "level: associate\ndescription: Les analystes certifiés analysent des données réelles.\n"
        "skills: [Données, Analyse, Statistique]\n" + _CERTIFICATION
    ),
    "credentials/analyste-professionnel.yaml": (
        "id: analyste-professionnel\ntitle: Analyste de données professionnel\nclassification: certification\n"
        "level: professional\ndescription: Les analystes professionnels mènent des projets de données.\n"
        "skills: [Données, Analyse, Statistique]\nrequires: [analyste-certifie]\n" + _CERTIFICATION
    ),
    "credentials/ancien-badge.yaml": (
        "id: ancien-badge\ntitle: Initiation aux données\nclassification: skill\ntype: foundational\nlegacy: true\n"
        "introduced: 2018-05-01\ndescription: Un badge d'avant le cadre.\nskills: [Données, Analyse, Tableurs]\n"
        + _CRITERIA
    ),
    "paths/parcours-donnees.yaml": (
        "id: parcours-donnees\ntitle: Parcours en science des données\ndescription: Des bases au certificat.\n"
        "audience: newcomer\nsteps:\n  - credential: analyse-de-donnees\n  - credential: visualisation-avancee\n"
        "  - credential: science-des-donnees\nleads_to: analyste-certifie\n"
    ),
}


def write_catalog(root: Path) -> Path:
    """Write the catalog into `root` (created) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, FILES)
    return root
