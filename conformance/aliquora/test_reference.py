"""Reference data (AQ-25): the read-only lists, and projects and clients that can be written."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import Aliquora, body_of, marker, seen

LISTS = ["/test-definitions", "/material-types", "/storage-locations", "/projects", "/clients"]
DEFINITION_FIELDS = ("code", "unit", "specMin", "specMax")


@pytest.mark.rule("AQ-25")
@pytest.mark.parametrize("path", LISTS)
def test_reference_lists(api: Aliquora, path: str, target: Target) -> None:
    response = api.get(path)
    assert response.status_code == 200, f"AQ-25: GET {path} answered {seen(response)}"
    data = body_of(response).get("data")
    assert isinstance(data, list), f"AQ-25: GET {path} has no data list: {seen(response)}"
    no_id = [item for item in data if not isinstance(item, dict) or "id" not in item]
    assert not no_id, f"AQ-25: GET {path} lists records without an id: {no_id[:2]}"
    if path == "/test-definitions" and target.is_mock:  # codes, units and spec limits
        lacking = {name for item in data for name in DEFINITION_FIELDS if name not in item}
        assert not lacking, f"AQ-25: test definitions lack {sorted(lacking)}"


def find(api: Aliquora, path: str, record_id: Any) -> dict[str, Any]:
    return next((r for r in api.every(path) if r.get("id") == record_id), {})


def create_and_update(api: Aliquora, path: str, created: dict[str, Any],
                      change: dict[str, Any]) -> None:
    response = api.post(path, json=created)
    assert response.status_code in (200, 201), f"AQ-25: POST {path} answered {seen(response)}"
    record_id = body_of(response).get("id")
    assert record_id is not None, f"AQ-25: POST {path} returned no id: {seen(response)}"
    listed = find(api, path, record_id)
    assert listed.get("name") == created["name"], \
        f"AQ-25: the new record {record_id} is not listed by GET {path} with its name"
    response = api.patch(f"{path}/{record_id}", json=change)
    assert response.status_code == 200, f"AQ-25: PATCH {path}/{record_id} answered {seen(response)}"
    listed = find(api, path, record_id)
    differ = {k: listed.get(k) for k, v in change.items() if listed.get(k) != v}
    assert not differ, f"AQ-25: after PATCH {path}/{record_id} the list shows {differ}"


@pytest.mark.rule("AQ-25")
def test_projects_are_created_and_updated(api: Aliquora, target: Target) -> None:
    target.need_writes()
    tag = marker()
    create_and_update(api, "/projects",
                      {"name": f"Project {tag}", "code": "AD-" + tag[-8:].upper()},
                      {"description": f"updated {tag}"})


@pytest.mark.rule("AQ-25")
def test_clients_are_created_and_updated(api: Aliquora, target: Target) -> None:
    target.need_writes()
    tag = marker()
    create_and_update(api, "/clients",
                      {"name": f"Client {tag}", "contactName": "Dana Reyes"},
                      {"phone": "+1 555 0100"})
