"""QATrack+ mock: no input to the perform endpoint (or a list filter) ever answers 500."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

UTC = "/api/qc/unittestcollections/10/"



@cache
def client() -> tuple[FlaskClient, dict[str, str]]:
    app = create_app("qatrack", Config(db_url="sqlite:///:memory:", rate_limits=False))
    test_client = app.test_client()
    creds = test_client.get("/__admin/credentials").get_json()["credentials"]
    token = next(c["token"] for c in creds if c["role"] == "admin")
    return test_client, {"Authorization": f"Token {token}"}


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
slugs = st.sampled_from(["number_1", "number_2", "sum_of_two", "conf_upload", "conf_choice",
                         "conf_constant", "conf_bool", "nope"])
entries = st.dictionaries(st.sampled_from(["value", "skipped", "comment", "filename",
                                           "encoding"]), values, max_size=4)
bodies = st.fixed_dictionaries({}, optional={
    "unit_test_collection": st.sampled_from([UTC, "/api/qc/unittestcollections/11/", 3, ""]),
    "work_started": st.sampled_from(["2018-07-6 10:00", "06 Jul 2018 10:00", "bad", 5]),
    "work_completed": scalars, "day": scalars, "in_progress": scalars, "user_key": scalars,
    "comment": scalars, "status": scalars, "attachments": values,
    "tests": st.dictionaries(slugs, entries | values, max_size=5) | values,
}) | values


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
def test_perform_never_answers_500(body: Any) -> None:
    test_client, headers = client()
    response = test_client.post("/api/qa/testlistinstances/", json=body, headers=headers)
    assert response.status_code in (201, 400), response.get_data(as_text=True)


@settings(max_examples=40, deadline=None)
@given(key=st.sampled_from(["number", "name__in", "unit__number", "work_completed_min",
                            "active", "limit", "offset", "ordering", "type"]),
       value=st.text(max_size=30))
def test_list_filters_never_answer_500(key: str, value: str) -> None:
    test_client, headers = client()
    response = test_client.get("/api/units/units/", query_string={key: value}, headers=headers)
    assert response.status_code in (200, 400)
