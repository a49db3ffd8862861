"""The operations are served as JSON (AS-01) and describe the installation (AS-03)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from apidouble.conformance.target import Target

from ._client import AlisQI, error_of, json_of, seen
from ._model import Installation, understand

READS = ("getAllSets", "getSetDefinition", "getResults", "getSpecificationVersion",
         "getStatistics", "getSpecificationEvaluation")
WRITES = ("storeResults", "storeSpecificationVersion")


@pytest.mark.rule("AS-01")
@pytest.mark.parametrize("op", READS)
def test_every_read_operation_answers_json(api: AlisQI, installation: Installation,
                                           op: str) -> None:
    info = installation.need_set()
    params = {"setId": info.id}
    if op in ("getStatistics", "getSpecificationEvaluation"):
        params["fields"] = installation.need_field("number", "number_field")
    response = api.get(op, **params)
    assert response.status_code == 200, f"AS-01: {op} answered {seen(response)}, expected 200"
    assert response.headers.get("Content-Type", "").startswith("application/json"), \
        f"AS-01: {op} answered {response.headers.get('Content-Type')!r}, expected JSON"
    assert json_of(response) is not None, f"AS-01: {op} answered no JSON: {seen(response)}"


@pytest.mark.rule("AS-01")
@pytest.mark.parametrize("op", WRITES)
def test_every_write_operation_is_served(api: AlisQI, installation: Installation,
                                         op: str) -> None:
    """Without its payload a write is refused as a bad request, never 'no such operation'."""
    info = installation.need_set()
    response = api.post(op, {"setId": info.id})
    assert response.status_code in (400, 422), \
        f"AS-01: {op} without its payload answered {seen(response)}, expected 400"
    assert isinstance(error_of(response), str), \
        f"AS-01: {op}'s error is not {{\"error\": ...}}: {seen(response)}"


@pytest.mark.rule("AS-01")
def test_the_api_is_served_over_https(api: AlisQI, target: Target) -> None:
    if urlparse(target.base_url).scheme != "https":
        pytest.skip("not checkable: base URL is not https")
    response = api.get("getAllSets")
    assert response.status_code == 200, f"AS-01: getAllSets over HTTPS: {seen(response)}"


@pytest.mark.rule("AS-03")
def test_get_all_sets_lists_several_sets(api: AlisQI) -> None:
    response = api.get("getAllSets")
    body = json_of(response)
    assert response.status_code == 200 and isinstance(body, list), \
        f"AS-03: getAllSets answered {seen(response)}, expected a JSON array"
    for item in body:
        assert isinstance(item, dict) and "id" in item and "name" in item, \
            f"AS-03: a getAllSets entry lacks id or name: {item!r}"[:300]
    lists = json_of(api.get("getAllSets", groups="Selection lists"))
    assert isinstance(lists, list), "AS-03: getAllSets?groups=Selection lists is not an array"


@pytest.mark.rule("AS-03")
def test_get_set_definition_describes_every_listed_set(api: AlisQI,
                                                       installation: Installation) -> None:
    ids = [str(s["id"]) for s in installation.sets][:8]
    if not ids:
        pytest.skip("not checkable: getAllSets lists no set for this token")
    for set_id in ids:
        response = api.get("getSetDefinition", setId=set_id)
        assert response.status_code == 200 and isinstance(json_of(response), dict), \
            f"AS-03: getSetDefinition?setId={set_id} answered {seen(response)}"


@pytest.mark.rule("AS-03")
def test_our_definitions_list_typed_fields(api: AlisQI, installation: Installation,
                                           target: Target) -> None:
    target.need_mock("the definition's shape is our documented choice")
    for item in installation.sets:
        body = json_of(api.get("getSetDefinition", setId=item["id"]))
        info = understand(str(item["id"]), body)
        assert info is not None, f"AS-03: set {item['id']}'s definition lists no typed fields"
        assert body["type"] in ("analysis", "list"), f"AS-03: set {item['id']} has no type"
        assert item.get("fields") == body["fields"], \
            f"AS-03: getAllSets and getSetDefinition disagree on set {item['id']}"


@pytest.mark.rule("AS-03", "AS-05")
def test_lists_and_sets_are_told_apart(installation: Installation, target: Target) -> None:
    target.need_mock("the 'type' of a definition is our documented choice")
    kinds = {s.get("type") for s in installation.sets}
    assert {"analysis"} <= kinds, f"AS-03: no analysis set among {kinds}"
