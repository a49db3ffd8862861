"""The data-file section: schema-valid input applies; export -> replace -> export is stable."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from flask import Flask

from apidouble.mock_server.qses.data import DataError, apply_data, data_schema, export_data

from .conftest import API, token_for

SECTION = {
    "accounts": [{"username": "Crm.Bot", "password": "S3cret-Pass", "description": "bot",
                  "endpoints": ["GET courses", "GET courses/{id}"]}],
    "throttles": [{"endpoint": "GET courses", "limits": {"Second": 50}}],
    "courses": [{"Code": "MDS9001", "Name": "Master of Data Storytelling", "FacultyId": 5}],
    "contacts": [{"Name": "Aiko", "Surname": "Tanaka", "EmailAddress": "aiko@example.jp",
                  "CountryOfCitizenship": "JP"}],
}


def core_of(app: Flask) -> Any:
    return app.extensions["apidouble"]


def empty_tables(core: Any, connection: Any) -> None:
    for table in reversed(core.storage.metadata.sorted_tables):
        if not table.name.startswith("qses_core_"):
            connection.execute(table.delete())


def test_a_section_extends_the_world(app: Flask) -> None:
    jsonschema.Draft202012Validator(data_schema()).validate(SECTION)
    core = core_of(app)
    with core.storage.begin() as connection:
        apply_data(core, connection, SECTION, "extend")
    client = app.test_client()
    token = token_for(client, "crm.bot", "S3cret-Pass")
    found = client.get(f"{API}/courses?code=mds9001", headers={"Authorization": f"Bearer {token}"})
    assert found.get_json()["Data"][0]["Name"] == "Master of Data Storytelling"
    assert client.get(f"{API}/contacts", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401


def test_semantic_errors_name_the_field(app: Flask) -> None:
    core = core_of(app)
    bad = {"contacts": [{"Name": "A", "Surname": "B", "Courses": [{"CourseId": 99999}]}]}
    with pytest.raises(DataError) as raised, core.storage.begin() as connection:
        apply_data(core, connection, bad, "extend")
    assert raised.value.path[:2] == ["contacts", 0]
    twice = {"courses": [{"Code": "X1", "Name": "x"}, {"Code": "X1", "Name": "y"}]}
    with pytest.raises(DataError), core.storage.begin() as connection:
        apply_data(core, connection, twice, "extend")


def test_export_import_export_is_the_identity(app: Flask) -> None:
    core = core_of(app)
    with core.storage.connect() as connection:
        first = export_data(core, connection)
    jsonschema.Draft202012Validator(data_schema()).validate(first)
    assert all(a["passwordHash"].startswith("pbkdf2:") for a in first["accounts"])
    with core.storage.begin() as connection:
        empty_tables(core, connection)
        apply_data(core, connection, first, "replace")
    with core.storage.connect() as connection:
        assert export_data(core, connection) == first
