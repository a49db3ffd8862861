"""Data files against the systems: section errors, extend vs replace, reset, export/import,
the shipped schemas (in-process apps)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask

from apidouble.mock_server.core import Config
from apidouble.mock_server.core.datafile import (
    DataFileError,
    apply_document,
    check_section,
    document_schema,
    dump,
    export_document,
    read_document,
    read_file,
)
from apidouble.mock_server.systems import SYSTEMS, create_app, profile

ROOT = Path(__file__).resolve().parents[2]
LAKESIDE = ROOT / "tests/aliquora/data/lakeside.yaml"
MRI = ROOT / "tests/qatrack/data/mri_site.yaml"
LAKESIDE_KEY = "lk_LakesideDairyBridgeKey0000000000000000001"
EXPORTING = [name for name in SYSTEMS if profile(name).export_data is not None]


def memory_app(system: str, *files: Path) -> Flask:
    return create_app(system, Config(db_url="sqlite:///:memory:", data_files=files))


def apply_text(app: Flask, text: str, source: str = "w.yaml") -> None:
    with app.test_request_context():
        apply_document(app.extensions["apidouble"], read_document(text, source))


def section_error(system: str, text: str) -> str:
    document = read_document(f"system: {system}\nversion: 1\n{system}:\n{text}", "w.yaml")
    with pytest.raises(DataFileError) as caught:
        check_section(document, profile(system))
    return str(caught.value)


def test_schema_errors_name_line_and_field() -> None:
    text = "  users:\n    - organization: 1\n      name: A\n      email: a@x\n      role: boss\n"
    assert section_error("aliquora", text).startswith(
        "w.yaml:8: $.aliquora.users[0].role: must be one of")
    typo = "  tests:\n    - {name: A, slug: a, type: simple, catgory: x}\n"
    assert section_error("qatrack", typo) == \
        "w.yaml:5: $.qatrack.tests[0].catgory: unknown field (not in the schema)"
    missing = "  units:\n    - number: 9\n"
    assert section_error("qatrack", missing) == \
        "w.yaml:5: $.qatrack.units[0]: 'name' is a required property"


@pytest.fixture(scope="module")
def aliquora() -> Flask:
    return memory_app("aliquora")


def test_semantic_errors_name_line_and_field(aliquora: Flask) -> None:
    text = ("system: aliquora\nversion: 1\naliquora:\n  users:\n"
            "    - {organization: Nowhere Labs, name: A, email: a@x, role: analyst}\n")
    with pytest.raises(DataFileError) as caught:
        apply_text(aliquora, text)
    assert str(caught.value) == ("w.yaml:5: $.aliquora.users[0].organization: "
                                 "no organizations record named 'Nowhere Labs'")
    duplicate = ("system: aliquora\nversion: 1\naliquora:\n  organizations:\n"
                 "    - {id: 1, name: Again, plan: api, monthlySampleAllowance: 1}\n")
    with pytest.raises(DataFileError, match=r"w.yaml:5: \$.aliquora.organizations\[0\].id: "
                                            "organizations id 1 already exists"):
        apply_text(aliquora, duplicate)
    demo = ("system: aliquora\nversion: 1\naliquora:\n  apiKeys:\n    - organization: 1\n"
            "      user: 1\n      name: demo-mine\n      key: lk_x\n")
    with pytest.raises(DataFileError, match=r"w.yaml:7: \$.aliquora.apiKeys\[0\].name: "):
        apply_text(aliquora, demo)


def whoami(app: Flask, key: str) -> int:
    response = app.test_client().get("/api/v1/whoami", headers={"Authorization": f"Bearer {key}"})
    return response.status_code


def test_extend_adds_a_tenant_whose_qc_gates_hold() -> None:
    app = memory_app("aliquora")
    seeded = next(c["apiKey"] for c in app.test_client().get("/__admin/credentials")
                  .get_json()["credentials"] if c["plan"] == "api")
    apply_text(app, LAKESIDE.read_text(), str(LAKESIDE))
    assert whoami(app, LAKESIDE_KEY) == 200 and whoami(app, seeded) == 200
    client, headers = app.test_client(), {"Authorization": f"Bearer {LAKESIDE_KEY}"}
    sample = client.get("/api/v1/samples?trackingId=LD-2026-0001", headers=headers)
    sample_id = sample.get_json()["data"][0]["id"]
    report = client.post(f"/api/v1/samples/{sample_id}/report", headers=headers)
    assert report.status_code == 409, report.get_json()
    gates = {g["name"]: g["passed"] for g in report.get_json()["gates"]}
    assert gates == {"results_verified": True, "within_spec": False, "lab_qc_checks": True}


def test_replace_leaves_only_the_file() -> None:
    app = memory_app("aliquora")
    seeded = next(c["apiKey"] for c in app.test_client().get("/__admin/credentials")
                  .get_json()["credentials"])
    apply_text(app, LAKESIDE.read_text().replace("mode: extend", "mode: replace"))
    section = export_document(app.extensions["apidouble"])["aliquora"]
    assert [o["name"] for o in section["organizations"]] == ["Lakeside Dairy QC Lab"]
    assert [o["id"] for o in section["organizations"]] == [1]
    assert whoami(app, LAKESIDE_KEY) == 200 and whoami(app, seeded) == 401


def test_reset_restores_the_seed_and_the_start_files() -> None:
    app = memory_app("qatrack", MRI)
    client = app.test_client()

    def units() -> list[str]:
        return [u["name"] for u in client.get("/__admin/data").get_json()["qatrack"]["units"]]

    assert "MR1" in units() and "TB1" in units()
    extra = "system: qatrack\nversion: 1\nqatrack:\n  units: [{number: 102, name: MR2}]\n"
    posted = client.post("/__admin/data", data=extra, content_type="application/yaml")
    assert posted.status_code == 200 and "MR2" in units()
    client.post("/__admin/reset")
    assert "MR1" in units() and "TB1" in units() and "MR2" not in units()


@pytest.mark.parametrize("system", EXPORTING)
def test_export_import_export_is_exact(system: str) -> None:
    app = memory_app(system)
    core = app.extensions["apidouble"]
    first = export_document(core)
    assert first["mode"] == "replace" and first["system"] == system
    apply_text(app, dump(first, "json"), "export.json")
    second = export_document(core)
    assert second == first
    if system == "qatrack":  # YAML too, where the export is small
        apply_text(app, dump(second, "yaml"), "export.yaml")
        assert export_document(core) == first


@pytest.mark.parametrize("system", [n for n in SYSTEMS if profile(n).data_schema is not None])
def test_shipped_schema_is_the_profiles(system: str) -> None:
    shipped = json.loads((ROOT / "spec/data" / f"{system}.schema.json").read_text())
    assert shipped == document_schema(profile(system)), (
        f"regenerate: python -c 'import json; from apidouble.mock_server.systems import "
        f"profile; from apidouble.mock_server.core.datafile import document_schema; "
        f"print(json.dumps(document_schema(profile(\"{system}\")), indent=2, "
        f"ensure_ascii=False))' > spec/data/{system}.schema.json")
    jsonschema.Draft202012Validator.check_schema(shipped)


@pytest.mark.parametrize("path", [LAKESIDE, MRI])
def test_example_files_match_the_shipped_schema(path: Path) -> None:
    document = read_file(path)
    shipped = json.loads((ROOT / "spec/data" / f"{document.system}.schema.json").read_text())
    jsonschema.validate(document_as_json(document), shipped)


def document_as_json(document: Any) -> dict[str, Any]:
    return {"system": document.system, "version": 1, "mode": document.mode,
            document.system: document.section}


#: the complete example data-files.md shows for each system
DOC_EXAMPLES = {"aliquora": LAKESIDE, "qatrack": MRI,
                "alemba": ROOT / "tests/alemba/data/leeds_service_desk.yaml",
                "alisqi": ROOT / "tests/alisqi/data/dairy_intake.yaml",
                "qses": ROOT / "tests/qses/data/riverside_university.yaml"}


def test_docs_publish_the_examples_and_every_collection() -> None:
    docs = (ROOT / "docs/data-files.md").read_text()
    assert set(DOC_EXAMPLES) == set(SYSTEMS), "every system needs an example in the docs"
    for system, example in DOC_EXAMPLES.items():
        assert example.read_text() in docs, f"docs/data-files.md must show {example.name}"
        for collection in profile(system).data_schema()["properties"]:
            assert f"| `{collection}` |" in docs, f"{system}.{collection} is not documented"


@pytest.mark.parametrize("system", sorted(DOC_EXAMPLES))
def test_each_docs_example_loads_as_serve_data_loads_it(system: str) -> None:
    """What a reader copies from the docs works: the example seeds a fresh mock."""
    app = create_app(system, Config(db_url="sqlite:///:memory:", rate_limits=False,
                                    data_files=(str(DOC_EXAMPLES[system]),)))
    exported = app.test_client().get("/__admin/data").get_json()
    assert exported["system"] == system and exported[system]
