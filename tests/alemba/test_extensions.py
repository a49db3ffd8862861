"""A tenant's extension properties and directory records from the data-file section:
declared, described in $metadata, validated, searchable, and used by a real client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
import yaml
from flask import Flask

from apidouble.conformance.selfcheck import served
from apidouble.mock_server import create_app
from apidouble.mock_server.alemba.data_section import (
    DataError,
    apply_data,
    data_schema,
    export_data,
)
from apidouble.mock_server.core import Config

#: the tenant of the data-files docs' example: extension fields, an office, an analyst
SECTION: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "leeds_service_desk.yaml").read_text())["alemba"]
API = "/alemba.api/api/v1"


def apply(app: Flask, section: dict[str, Any], mode: str = "extend") -> None:
    jsonschema.validate(section, data_schema())
    core = app.extensions["apidouble"]
    with core.storage.begin() as connection:
        apply_data(core, connection, section, mode)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    path = tmp_path_factory.mktemp("ext") / "al.sqlite3"
    made = create_app("alemba", Config(db_url=f"sqlite:///{path}"))
    apply(made, SECTION)
    return made


@pytest.fixture(scope="module")
def client(app: Flask) -> Iterator[tuple[str, requests.Session]]:
    with served(app) as base_url:
        session = requests.Session()
        grant = session.post(f"{base_url}/alemba.web/oauth/login", data={
            "client_id": "tenant-bridge", "client_secret": "bridge-secret",
            "grant_type": "password", "scope": "session-type:Analyst",
            "username": "alovelace", "password": "Analytical1"}, timeout=10)
        assert grant.status_code == 200, grant.text
        session.headers["Authorization"] = f"Bearer {grant.json()['access_token']}"
        yield base_url + API, session


def test_client_creates_attaches_and_submits(client: tuple[str, requests.Session]) -> None:
    base, http = client
    payload = {"ShortDescription": "Printer on fire", "Description": "Smoke on floor 2",
               "DescriptionHtml": "<p>Smoke on <b>floor 2</b></p>", "IpkStatus": 1,
               "IpkStream": 0, "Partition": 1, "Impact": "High", "Urgency": 1,
               "CustomString1": "ticket-7781"}
    created = http.post(f"{base}/call", json=payload, timeout=10)
    assert created.status_code == 201, created.text
    call = created.json()
    assert (call["Impact"], call["Urgency"], call["CustomString1"]) == ("High", 1, "ticket-7781")
    ref = call["Ref"]
    files = {"file": ("log.txt", b"smoke detected", "text/plain")}
    attached = http.post(f"{base}/call/{ref}/attachments", files=files, timeout=10)
    assert attached.status_code == 201, attached.text
    submitted = http.put(f"{base}/call/{ref}/submit", timeout=10)
    assert submitted.status_code == 200 and submitted.json()["Status"] == "Open"
    assert submitted.json()["Impact"] == "High"


def test_extensions_are_validated(client: tuple[str, requests.Session]) -> None:
    base, http = client
    body = {"IpkStatus": 1, "IpkStream": 0, "Partition": 1, "Impact": "x" * 21}
    refused = http.post(f"{base}/call", json=body, timeout=10).json()
    assert refused["Errors"]["Impact"][0].startswith("MaxLength")
    assert refused["Errors"]["Urgency"] == ["Required"]
    unknown = http.post(f"{base}/call", json={**body, "Impact": "Low", "Urgency": 2,
                                              "Nonsense": 1}, timeout=10).json()
    assert list(unknown["Errors"]) == ["Nonsense"]


def test_extensions_in_metadata_search_and_select(client: tuple[str, requests.Session]) -> None:
    base, http = client
    props = {p["name"]: p for p in http.get(f"{base}/call/$metadata", timeout=10)
             .json()["properties"]}
    assert props["Impact"]["type"]["class"] == "Extension" and props["Impact"]["length"] == 20
    assert "Urgency" in {p["name"] for p in http.get(f"{base}/incident/$metadata", timeout=10)
                         .json()["properties"]}
    inputs = {i["property"]: i for i in http.get(f"{base}/call/$create?$options", timeout=10)
              .json()["inputs"]}
    assert inputs["Urgency"].get("required") is True
    http.post(f"{base}/call", json={"IpkStatus": 2, "IpkStream": 0, "Partition": 1,
                                    "Impact": "Low", "Urgency": 3}, timeout=10)
    found = http.get(f"{base}/call", params={"$filter": 'Impact=="Low"&&Urgency>=3',
                                             "$select": "Impact,Urgency"}, timeout=10).json()
    assert [(r["Impact"], r["Urgency"]) for r in found["results"]] == [("Low", 3)]
    ordered = http.get(f"{base}/call", params={"$filter": "Urgency!=null",
                                               "$orderby": "Urgency desc",
                                               "$select": "Urgency"}, timeout=10).json()
    urgencies = [r["Urgency"] for r in ordered["results"]]
    assert urgencies == sorted(urgencies, reverse=True) and len(urgencies) >= 2
    leeds = http.put(f"{base}/location/50", json={"Floor": 3}, timeout=10).json()
    assert leeds["Floor"] == 3 and leeds["Name"] == "Leeds"


def test_semantic_errors_name_the_field(app: Flask) -> None:
    with pytest.raises(DataError) as error:
        apply(app, {"records": {"Person": [{"Name": "Nobody", "Location": 9999}]}})
    assert error.value.path == ["records", "Person", 0, "Location"]
    with pytest.raises(DataError):
        apply(app, {"extensionProperties": [{"entity": "Call", "name": "Status",
                                              "type": "Text"}]})


def test_export_import_export_is_stable(app: Flask, tmp_path: Path) -> None:
    core = app.extensions["apidouble"]
    with core.storage.connect() as connection:
        first = export_data(core, connection)
    jsonschema.validate(first, data_schema())
    copy = create_app("alemba", Config(db_url=f"sqlite:///{tmp_path / 'copy.sqlite3'}"))
    copy_core = copy.extensions["apidouble"]
    with copy_core.storage.begin() as connection:
        for entity in reversed(copy_core.storage.metadata.sorted_tables):
            if entity.name not in ("apidouble_meta",):
                connection.execute(entity.delete())
        apply_data(copy_core, connection, first, "replace")
    with copy_core.storage.connect() as connection:
        second = export_data(copy_core, connection)
    assert json.dumps(second, sort_keys=True) == json.dumps(first, sort_keys=True)


def test_a_declaration_is_seen_by_the_next_request(app: Flask,
                                                   client: tuple[str, requests.Session]) -> None:
    """Declarations are read again only when the data generation changed: a new one
    (a write like any other) shows in the very next $metadata."""
    base, http = client

    def call_properties() -> set[str]:
        return {p["name"] for p in http.get(f"{base}/call/$metadata", timeout=10)
                .json()["properties"]}

    assert "CustomString9" not in call_properties()
    assert "CustomString9" not in call_properties()  # the second read is the kept one
    apply(app, {"extensionProperties": [{"entity": "Call", "name": "CustomString9",
                                          "type": "Text", "length": 10}]})
    assert "CustomString9" in call_properties()


def test_a_declaration_reaches_a_search_prepared_before_it(
        app: Flask, client: tuple[str, requests.Session]) -> None:
    """A search is kept by its options (``prepared``); the entity's extension properties
    are part of its key, so ``$select=*`` after a declaration carries the new one."""
    base, http = client

    def star() -> set[str]:
        response = http.get(f"{base}/call", params={"$select": "*", "$top": "1"}, timeout=10)
        assert response.status_code == 200, response.text
        return set(response.json()["results"][0])

    assert "CustomFlag8" not in star()
    assert "CustomFlag8" not in star()  # the second run is the prepared one, on the driver
    apply(app, {"extensionProperties": [{"entity": "Call", "name": "CustomFlag8",
                                          "type": "Boolean"}]})
    assert "CustomFlag8" in star()
