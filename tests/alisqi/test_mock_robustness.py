"""No request of any shape gets a 500 or a traceback, and concurrent keyed upserts never
duplicate a key (the set's row lock)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=True)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=12,
)
FIELDS = ["date", "product_", "batchnumber_", "line_", "meltindex_", "density_", "visual_ok_",
          "defects_", "remarks_", "certificate_", "nosuch_"]
RESULTS = st.lists(st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6), max_size=4)
PARAMS = ["setId", "limit", "offset", "sort", "filter", "fields", "includeId", "groups",
          "indexValue", "onlyActiveFields", "names", "keyField", "editOnly"]
OPS = ["getAllSets", "getResults", "getSetDefinition", "getStatistics",
       "getSpecificationEvaluation", "getSpecificationVersion"]
FUZZ = settings(max_examples=120, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_answered(response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400 and response.status_code != 429:
        body = response.get_json()
        assert isinstance(body, dict) and isinstance(body.get("error"), str), body


@FUZZ
@given(results=RESULTS | JSON, key=st.sampled_from([None, "batchnumber_", "remarks_", "x"]),
       set_id=st.sampled_from(["1", "2", "101", "0", "x", ""]))
def test_any_store_results_is_answered(api: Any, results: Any, key: Any, set_id: str) -> None:
    form = {"setId": set_id, "results": json.dumps(results), "addListOptions": "1"}
    if key:
        form["keyField"] = key
    assert_answered(api.post("/api/storeResults", data=form))


@FUZZ
@given(op=st.sampled_from(OPS), params=st.dictionaries(
    st.sampled_from(PARAMS), st.text(max_size=30) | JSON.map(json.dumps), max_size=5))
def test_any_query_is_answered(api: Any, op: str, params: dict[str, str]) -> None:
    assert_answered(api.get(f"/api/{op}", query_string={"setId": "1", **params}))


@FUZZ
@given(specs=JSON, start=st.text(max_size=25), set_id=st.sampled_from(["1", "101", "9"]))
def test_any_specification_is_answered(api: Any, specs: Any, start: str, set_id: str) -> None:
    response = api.post("/api/storeSpecificationVersion", data={
        "setId": set_id, "specs": json.dumps(specs), "startDateTime": start})
    assert_answered(response)


@FUZZ
@given(raw=st.binary(max_size=200), content_type=st.sampled_from(
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain",
     "application/json", ""]))
def test_any_bytes_are_answered(api: Any, raw: bytes, content_type: str) -> None:
    assert_answered(api.post("/api/storeResults?setId=1", data=raw, content_type=content_type))


def test_concurrent_keyed_upserts_keep_one_result(tmp_path: Path) -> None:
    app = create_app("alisqi", Config(db_url=f"sqlite:///{tmp_path / 'race.sqlite3'}",
                                      rate_limits=False))
    token = app.test_client().get("/__admin/credentials").get_json()["credentials"][0]["token"]
    answers: list[Any] = []

    def upsert(n: int) -> None:
        results = json.dumps([{"product_": "PE-80 Film", "batchnumber_": "RACE-1",
                               "thickness_": n}])
        answers.append(app.test_client().post(
            "/api/storeResults", data={"setId": 1, "results": results,
                                       "keyField": "batchnumber_"},
            headers={"Authorization": f"Bearer {token}"}).get_json())

    threads = [threading.Thread(target=upsert, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [[""]] * 8
    rows = app.test_client().get("/api/getResults", query_string={
        "setId": 1, "filter": json.dumps({"batchnumber_": "RACE-1"})},
        headers={"Authorization": f"Bearer {token}"}).get_json()
    assert len(rows) == 1
