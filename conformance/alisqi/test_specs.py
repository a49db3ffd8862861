"""Specifications: read and written for transactional sets only (AS-05)."""

from __future__ import annotations

import json

import pytest

from apidouble.conformance.target import Target

from ._client import AlisQI, error_of, json_of, marker, seen
from ._model import Installation


@pytest.mark.rule("AS-05")
def test_specifications_of_an_analysis_set_are_read(api: AlisQI,
                                                    installation: Installation) -> None:
    info = installation.need_set()
    response = api.get("getSpecificationVersion", setId=info.id)
    assert response.status_code == 200 and json_of(response) is not None, \
        f"AS-05: getSpecificationVersion answered {seen(response)}"


@pytest.mark.rule("AS-05")
def test_a_selection_list_has_no_specifications(api: AlisQI,
                                                installation: Installation) -> None:
    list_id = installation.need_list()
    response = api.get("getSpecificationVersion", setId=list_id)
    assert 400 <= response.status_code < 500 and isinstance(error_of(response), str), \
        f"AS-05: getSpecificationVersion of list {list_id} answered {seen(response)}"


@pytest.mark.rule("AS-05")
def test_a_stored_version_answers_true_and_reads_back(api: AlisQI, installation: Installation,
                                                      target: Target) -> None:
    target.need_writes()
    info = installation.need_set()
    number = installation.need_field("number", "number_field")
    index_value = marker()
    specs = {number: {"lsl": 1.0, "target": 2.0, "usl": 3.0}}
    response = api.post("storeSpecificationVersion", {
        "setId": info.id, "specs": json.dumps(specs), "indexValue": index_value,
        "startDateTime": "2025-01-01 00:00:00", "reason": "apidouble conformance"})
    assert response.status_code == 200 and response.text.strip() == "true", \
        f"AS-05: storeSpecificationVersion answered {seen(response)}, expected 'true'"
    assert response.headers.get("Content-Type", "").startswith("text/plain"), \
        f"AS-05: 'true' came as {response.headers.get('Content-Type')!r}, expected text/plain"
    if not target.is_mock:
        return  # the answer's shape is our choice
    body = json_of(api.get("getSpecificationVersion", setId=info.id, indexValue=index_value))
    assert isinstance(body, list) and len(body) == 1 and body[0]["specs"] == specs, \
        f"AS-05: the stored version reads back as {body}"[:300]


@pytest.mark.rule("AS-05")
def test_a_selection_list_takes_no_specifications(api: AlisQI, installation: Installation,
                                                  target: Target) -> None:
    target.need_writes()
    list_id = installation.need_list()
    response = api.post("storeSpecificationVersion", {
        "setId": list_id, "specs": json.dumps({"name_": {"lsl": 1, "usl": 2}}),
        "indexValue": marker()})
    assert 400 <= response.status_code < 500, \
        f"AS-05: storeSpecificationVersion on list {list_id} answered {seen(response)}"
