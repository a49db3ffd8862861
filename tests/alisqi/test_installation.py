"""The installation is data: schema, apply, export (round trip), a second installation,
and ``apidouble spec alisqi --data FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from apidouble.cli import main
from apidouble.fixtures import alisqi as fixture_data
from apidouble.mock_server import create_app
from apidouble.mock_server.alisqi import data_schema, export_data
from apidouble.mock_server.alisqi.installation import DataError, apply_data
from apidouble.mock_server.alisqi.seed import DOCUMENT_KEY
from apidouble.mock_server.core import Config


def app_with(section: dict[str, Any] | None) -> Any:
    extra = {DOCUMENT_KEY: section} if section is not None else {}
    return create_app("alisqi", Config(db_url="sqlite:///:memory:", rate_limits=False,
                                       extra=extra))


def exported(app: Any) -> dict[str, Any]:
    core = app.extensions["apidouble"]
    with core.storage.connect() as connection:
        return export_data(core, connection)


def test_seed_and_second_installation_fit_the_schema(second_section: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(data_schema())
    jsonschema.validate(fixture_data.load(), data_schema())
    jsonschema.validate(second_section, data_schema())


def test_export_import_export_is_identical(second_section: dict[str, Any]) -> None:
    first = exported(app_with(second_section))
    again = exported(app_with(first))
    assert first == again
    assert first["tokens"][0]["tokenHash"] and "token" not in first["tokens"][0]


def test_the_second_installation_replaces_the_seed(second_section: dict[str, Any]) -> None:
    app = app_with(second_section)
    client = app.test_client()
    credentials = client.get("/__admin/credentials").get_json()["credentials"]
    assert [c["tokenName"] for c in credentials] == [
        "demo-intake", "demo-intake-spare", "demo-reporting", "demo-intake-plant"]
    token = credentials[0]["token"]
    sets = client.get("/api/getAllSets", headers={"Authorization": f"Bearer {token}"})
    assert [s["name"] for s in sets.get_json()] == ["Milk intake", "Packaging check"]
    assert sets.headers["X-RateLimit-Limit"] == "40"


@pytest.mark.parametrize(("change", "path"), [
    (lambda s: s["tokens"].append({"name": "x", "userId": 99}), ["tokens", 4, "userId"]),
    (lambda s: s["sets"][1].update(indexField="nosuch_"), ["sets", 1, "indexField"]),
    (lambda s: s["results"].append({"setId": 10, "values": {"fat_": "lots"}}),
     ["results", 122, "values", "fat_"]),
    (lambda s: s["specifications"][0].update(setId=501), ["specifications", 0, "setId"]),
])
def test_semantic_errors_name_the_field(change: Any, path: list[Any],
                                        second_section: dict[str, Any]) -> None:
    broken = second_section
    change(broken)
    app = app_with(None)
    core = app.extensions["apidouble"]
    with pytest.raises(DataError) as raised, core.storage.begin() as connection:
        for table in reversed(core.storage.metadata.sorted_tables):
            connection.execute(table.delete())
        apply_data(core, connection, broken, "replace")
    assert raised.value.path == path


def test_spec_for_an_installation(second_document_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "alisqi", "--data", str(second_document_path)]) == 0
    spec = yaml.safe_load(capsys.readouterr().out)
    milk = spec["components"]["schemas"]["Result_10"]
    assert milk["properties"]["grade_"]["anyOf"][0]["enum"] == ["A", "B"]
    assert milk["x-alisqi-set"]["required"] == ["grade_", "tanker_"]
    assert "Zuivel" in spec["info"]["title"]
    capsys.readouterr()
    assert main(["spec", "alisqi", "--data", str(second_document_path), "--check"]) == 0
