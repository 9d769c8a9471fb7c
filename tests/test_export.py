"""`cc export`: OB 3.0 Achievements (checked against the 1EdTech schema), CTDL JSON-LD, Credly's roster layout."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from cc_cli.catalog.model import Catalog
from cc_cli.cli.app import app
from cc_cli.export.formats import CREDLY_COLUMNS, CTDL_CONTEXT, export_credly_csv, export_ctdl, export_ob3
from cc_cli.validate.load import load_catalog
from tests.conftest import SAMPLE_CATALOG, write_files

runner = CliRunner()
STANDARDS = Path("/work/shared/standards/ob_v3p0/achievementcredential.json")
BUNDLED = Path(__file__).resolve().parents[1] / "cc_cli" / "data" / "schema" / "ob_v3p0_achievementcredential.json"


@pytest.fixture(scope="module")
def sample() -> Catalog:
    return load_catalog(SAMPLE_CATALOG).catalog


def achievement_validator() -> jsonschema.protocols.Validator:
    """The `Achievement` definition of the 1EdTech OB 3.0 AchievementCredential schema, for a list of them."""
    source = STANDARDS if STANDARDS.exists() else BUNDLED
    schema = json.loads(source.read_text(encoding="utf-8"))
    wrapper = {
        "$schema": schema.get("$schema", "https://json-schema.org/draft/2019-09/schema#"),
        "type": "array",
        "minItems": 1,
        "items": {"$ref": "#/$defs/Achievement"},
        "$defs": schema["$defs"],
    }
    cls = jsonschema.validators.validator_for(wrapper)
    return cls(wrapper, format_checker=cls.FORMAT_CHECKER)


def test_ob3_validates_against_the_achievement_schema(sample: Catalog) -> None:
    data = json.loads(export_ob3(sample, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"))
    errors = sorted(achievement_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    ids = [item["humanCode"] for item in data]
    assert ids == sorted(ids) and len(ids) == sum(c.status != "draft" for c in sample.credentials.values())
    kinds = {item["humanCode"]: item["achievementType"] for item in data}
    assert kinds["cloud-essentials"] == "Badge"
    assert kinds["full-stack-cloud-developer-certificate"] == "Certificate"
    assert kinds["ibm-certified-associate-analyst-qradar-siem-v7-5"] == "Certification"
    assert data[0]["creator"]["id"].startswith("did:key:")


def test_ob3_is_what_awards_embed(sample: Catalog) -> None:
    from cc_cli.credentials.ob3 import achievement, issuer_profile

    data = json.loads(export_ob3(sample, "did:key:z6Mk"))
    credential = sample.credentials["cloud-essentials"]
    expected = achievement(credential, sample.info, issuer_profile(sample.info, "did:key:z6Mk"))
    assert next(item for item in data if item["humanCode"] == "cloud-essentials") == expected


def graph_of(catalog: Catalog) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    document = json.loads(export_ctdl(catalog))
    nodes = {node["ceterms:ctid"]: node for node in document["@graph"]}
    return document, nodes


def by_name(nodes: dict[str, dict[str, Any]], title: str) -> dict[str, Any]:
    return next(node for node in nodes.values() if node["ceterms:name"]["en"] == title)


def test_ctdl_has_the_context_and_the_right_types(sample: Catalog) -> None:
    document, nodes = graph_of(sample)
    assert document["@context"] == CTDL_CONTEXT
    types = [node["@type"] for node in document["@graph"]]
    assert types[0] == "ceterms:CredentialOrganization"
    assert set(types[1:]) == {"ceterms:Badge", "ceterms:Certificate", "ceterms:Certification"}
    for node in document["@graph"]:
        assert node["ceterms:ctid"].startswith("ce-") and node["@id"].endswith(node["ceterms:ctid"])
    badge = by_name(nodes, "IBM Cloud Essentials")
    assert badge["@type"] == "ceterms:Badge"
    assert badge["ceterms:estimatedDuration"] == [{"@type": "ceterms:DurationProfile", "ceterms:exactDuration": "PT8H"}]
    assert badge["ceterms:credentialStatusType"]["ceterms:targetNode"] == "credentialStat:Active"
    assert badge["ceterms:ownedBy"] == [document["@graph"][0]["@id"]]
    # CTDL's expirationDate means "no longer offered", never an award's expiry: the catalog has no such date
    assert all("ceterms:expirationDate" not in node for node in document["@graph"])
    assert export_ctdl(sample) == export_ctdl(sample)  # stable CTIDs


def test_ctdl_requires_names_target_credentials_and_renewal(sample: Catalog) -> None:
    _, nodes = graph_of(sample)
    professional = by_name(nodes, "IBM Certified Deployment Professional - Security QRadar SIEM V7.5")
    associate = by_name(nodes, "IBM Certified Associate Analyst - Security QRadar SIEM V7.5")
    (requires,) = professional["ceterms:requires"]
    assert requires["@type"] == "ceterms:ConditionProfile"
    assert requires["ceterms:targetCredential"] == [associate["@id"]]
    assert associate["ceterms:renewalFrequency"] == "P2Y"
    (renewal,) = associate["ceterms:renewal"]
    assert renewal["@type"] == "ceterms:ConditionProfile"
    assert "Continuing education: 16 hours" in renewal["ceterms:condition"]["en"]
    certificate = by_name(nodes, "Data Science Professional Certificate")
    assert certificate["@type"] == "ceterms:Certificate"
    step = by_name(nodes, "Machine Learning with Python")
    assert step["ceterms:isPreparationFor"][0]["ceterms:targetCredential"] == [certificate["@id"]]


def test_ctdl_marks_retired_credentials_deprecated(base_catalog: Path) -> None:
    text = (base_catalog / "credentials" / "base-foundational.yaml").read_text()
    write_files(
        base_catalog,
        {"credentials/base-old.yaml": text.replace("id: base-foundational", "id: base-old") + "status: retired\n"},
    )
    _, nodes = graph_of(load_catalog(base_catalog).catalog)
    retired = [
        n
        for n in nodes.values()
        if n.get("ceterms:credentialStatusType", {}).get("ceterms:targetNode") == "credentialStat:Deprecated"
    ]
    assert len(retired) == 1 and "ceterms:expirationDate" not in retired[0]


def test_credly_csv_header_and_rows(sample: Catalog) -> None:
    text = export_credly_csv(sample, dt.date(2025, 3, 9))
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CREDLY_COLUMNS
    assert rows[0][:6] == [
        "Badge Template ID",
        "Recipient Email",
        "Issued To First Name",
        "Issued To Middle Name",
        "Issued To Last Name",
        "Issued at",
    ]
    active = sorted(key for key, c in sample.credentials.items() if c.status == "active")
    order = [row[0] for row in rows[1:]]
    assert sorted(order) == active
    for position, cid in enumerate(order):  # prerequisites first, so the template dry-runs clean (issue 16)
        credential = sample.credentials[cid]
        needed = [*credential.requires, *(credential.components if credential.classification == "certificate" else [])]
        assert all(order.index(other) < position for other in needed if other in order), cid
    assert all(len(row) == len(CREDLY_COLUMNS) for row in rows)
    by_id = {row[0]: dict(zip(CREDLY_COLUMNS, row, strict=True)) for row in rows[1:]}
    certification = by_id["ibm-certified-associate-analyst-qradar-siem-v7-5"]
    assert (certification["Issued at"], certification["Expires at"]) == ("03/09/25", "03/09/27")  # valid_for P2Y
    assert by_id["cloud-essentials"]["Expires at"] == ""
    assert text.endswith("\r\n") and not text.startswith("\ufeff")


def test_credly_csv_cells_are_formula_safe(base_catalog: Path) -> None:
    catalog = load_catalog(base_catalog).catalog
    catalog.credentials["base-foundational"].id = "=HYPERLINK(1)"  # what a hostile id would do
    catalog.credentials["=HYPERLINK(1)"] = catalog.credentials.pop("base-foundational")
    rows = list(csv.reader(io.StringIO(export_credly_csv(catalog, dt.date(2025, 1, 1)))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=HYPERLINK(1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_cli_writes_each_format(tmp_path: Path) -> None:
    for name in ("ob3", "ctdl", "credly-csv"):
        target = tmp_path / f"out.{name}"
        result = runner.invoke(app, ["export", "-f", name, "-c", str(SAMPLE_CATALOG), "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert target.read_text(encoding="utf-8").strip()
        assert f"{name} written to" in result.stderr
    listing = json.loads((tmp_path / "out.ob3").read_text())
    assert listing[0]["creator"]["id"] == "https://www.ibm.com/training"  # no key: the issuer's url


def test_cli_ob3_uses_the_issuer_did_with_a_key(tmp_path: Path) -> None:
    from cc_cli.credentials.keys import create_key

    info = create_key(tmp_path / "issuer.key")
    result = runner.invoke(
        app, ["export", "-f", "ob3", "-c", str(SAMPLE_CATALOG), "--key", str(tmp_path / "issuer.key")]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["creator"]["id"] == info.did


def test_cli_refuses_a_catalog_with_errors_and_unknown_formats(base_catalog: Path) -> None:
    write_files(base_catalog, {"credentials/base-foundational.yaml": "id: base-foundational\ntitle: X\n"})
    result = runner.invoke(app, ["export", "-f", "ctdl", "-c", str(base_catalog)])
    assert result.exit_code == 2 and "error(s)" in result.stderr
    result = runner.invoke(app, ["export", "-f", "xml", "-c", str(SAMPLE_CATALOG)])
    assert result.exit_code == 2


def test_an_output_path_that_cannot_be_a_file_names_the_users_path(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    result = runner.invoke(app, ["export", "--format", "ob3", "--catalog", str(SAMPLE_CATALOG), "--out", str(folder)])
    assert result.exit_code == 2
    assert result.stderr == f"cc: error: {folder} is a folder, not a file: give a file name\n"
    missing = tmp_path / "no-such-folder" / "ob3.json"
    result = runner.invoke(app, ["export", "--format", "ob3", "--catalog", str(SAMPLE_CATALOG), "--out", str(missing)])
    assert result.exit_code == 2 and result.stderr == f"cc: error: No such file or directory: {missing}\n"
    assert list(folder.iterdir()) == [] and not missing.parent.exists()
    dash = runner.invoke(app, ["export", "--format", "ob3", "--catalog", str(SAMPLE_CATALOG), "--out", "-"])
    assert dash.exit_code == 0 and dash.stdout.startswith("[") and not Path("-").exists()


def test_outputs_never_replace_a_ledger_or_a_key(tmp_path: Path) -> None:
    from cc_cli.credentials import keys

    key_file = tmp_path / "issuer.key"
    keys.create_key(key_file)
    ledger = tmp_path / "ledger.sqlite3"
    sqlite3.connect(ledger).execute("CREATE TABLE t (x)").connection.commit()
    pem = tmp_path / "old.pem"
    pem.write_text("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n")
    with_bom = tmp_path / "bom.key"
    with_bom.write_bytes(b"\xef\xbb\xbf" + key_file.read_bytes())
    for target in (key_file, ledger, pem, with_bom):
        before = target.read_bytes()
        result = runner.invoke(
            app, ["export", "--format", "ob3", "--catalog", str(SAMPLE_CATALOG), "--out", str(target)]
        )
        assert result.exit_code == 2 and target.read_bytes() == before
        assert result.stderr.startswith(f"cc: error: {target} is a") and "cc will not replace it" in result.stderr
    earlier = tmp_path / "ob3.json"  # an earlier export is replaced, as users expect
    earlier.write_text('{"secretKeyMultibase": "only a word in a big export"}' + " " * 9000)
    result = runner.invoke(app, ["export", "--format", "ob3", "--catalog", str(SAMPLE_CATALOG), "--out", str(earlier)])
    assert result.exit_code == 0 and "secretKeyMultibase" not in earlier.read_text()


def test_a_file_where_a_folder_is_needed_is_named(tmp_path: Path) -> None:
    in_the_way = tmp_path / "roster.csv"
    in_the_way.write_text("email,name,credential\n")
    result = runner.invoke(app, ["schema", "--out", str(in_the_way)])
    assert result.exit_code == 2
    assert result.stderr == f"cc: error: {in_the_way} is a file, but cc needs a folder there: choose another path\n"
    inside = in_the_way / "ob3.json"
    result = runner.invoke(app, ["export", "--format", "ob3", "--catalog", str(SAMPLE_CATALOG), "--out", str(inside)])
    assert result.exit_code == 2
    assert result.stderr == f"cc: error: {inside}: a folder on this path is a file: choose another path\n"
    assert in_the_way.read_text() == "email,name,credential\n"


def test_outputs_never_write_into_a_catalogs_sources(tmp_path: Path) -> None:
    import shutil

    catalog = tmp_path / "catalog"
    shutil.copytree(SAMPLE_CATALOG, catalog)
    credential = catalog / "credentials" / "cloud-essentials.yaml"
    before = credential.read_bytes()
    result = runner.invoke(app, ["export", "--format", "ctdl", "--catalog", str(catalog), "--out", str(credential)])
    assert result.exit_code == 2 and "is part of a catalog; cc will not write there" in result.stderr
    assert credential.read_bytes() == before
    sheet = runner.invoke(app, ["render", "--catalog", str(catalog), "--sheet", str(catalog / "catalog.yaml")])
    assert sheet.exit_code == 2 and "name the file .png" in sheet.stderr
    sheet = runner.invoke(app, ["render", "--catalog", str(catalog), "--sheet", str(catalog / "credentials" / "x.png")])
    assert sheet.exit_code == 2 and "--sheet" in sheet.stderr and "is part of a catalog" in sheet.stderr
    into = runner.invoke(app, ["render", "--catalog", str(catalog), "--out", str(catalog / "credentials")])
    assert into.exit_code == 2 and "is a catalog folder" in into.stderr
    schemas = runner.invoke(app, ["schema", "--out", str(catalog / "paths")])
    assert schemas.exit_code == 2 and sorted(p.suffix for p in (catalog / "paths").iterdir()) == [".yaml"] * 3
    assert runner.invoke(app, ["validate", "--catalog", str(catalog)], env={"GITHUB_ACTIONS": "false"}).exit_code == 0
