"""QATrack+ mock: performing and editing test lists (QT-10..QT-17), every validation stage."""

from __future__ import annotations

import base64
import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from apidouble.mock_server.core import Config
from apidouble.mock_server.qatrack import serialize
from apidouble.mock_server.systems import create_app

PERFORM = "/api/qa/testlistinstances/"
KEYS = itertools.count(1)


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app("qatrack", Config(db_url="sqlite:///:memory:"))


@pytest.fixture(scope="module")
def env(app: Flask) -> dict[str, Any]:
    client = app.test_client()
    entries = client.get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["role"] == "performer")
    collections = client.get("/__admin/fixtures").get_json()["unit_test_collections"]
    return {"headers": {"Authorization": f"Token {token}"},
            **{c["kind"]: c["path"] for c in collections}}


@pytest.fixture()
def post(app: Flask, env: dict[str, Any]) -> Any:
    client: FlaskClient = app.test_client()

    def send(body: dict[str, Any], method: str = "POST", path: str = PERFORM) -> Any:
        return client.open(path, method=method, json=body, headers=env["headers"])

    return send


def full(env: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A complete submission for the conformance list."""
    tests = {
        "number_1": {"value": 1, "comment": "hello number 1"}, "number_2": {"value": 2},
        "conf_number": {"value": 10.5}, "conf_percent": {"value": 103},
        "conf_bool": {"value": True}, "conf_choice": {"value": "Minor"},
        "conf_string": {"value": "abc"},
        "conf_upload": {"filename": "pf.txt", "value": "hello text", "encoding": "text"},
    }
    tests.update(changes.pop("tests", {}))
    body = {"unit_test_collection": "http://localhost" + env["test_list"],
            "work_started": "2018-07-6 10:00", "work_completed": "2018-07-6 11:00",
            "user_key": f"key-{next(KEYS)}", "tests": tests}
    body.update(changes)
    return body


def errors(response: Any) -> Any:
    assert response.status_code == 400, response.get_json()
    return response.get_json()


def test_perform_computes_composites_and_judges(post: Any, env: dict) -> None:
    response = post(full(env))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == body["url"]
    assert list(body)[:4] == ["url", "work_completed", "comment", "tests"]
    assert body["work_started"] == "2018-07-06T10:00:00-04:00"
    assert body["unit_test_collection"] == "http://localhost" + env["test_list"]
    tests = body["tests"]
    assert tests["sum_of_two"]["value"] == 3.0 and tests["conf_composite"]["value"] == 23.5
    assert tests["number_1"]["pass_fail"] == ["no_tol", "No Tol Set"]
    assert tests["number_1"]["comment"] == "hello number 1"
    assert tests["conf_percent"]["pass_fail"] == ["tolerance", "Tolerance"]
    assert tests["conf_percent"]["diff_display"] == "3%"
    assert tests["conf_choice"]["value_display"] == "Minor"
    assert tests["conf_bool"]["value_display"] == "Yes"
    assert tests["number_1"]["url"].startswith("/api/qc/testinstances/")
    assert tests["number_1"]["status"] == "/api/qc/testinstancestatus/1/"
    assert tests["conf_upload"]["attachments"]


def test_limit_equal_to_seven_figures_is_inside(post: Any, env: dict) -> None:
    tests = post(full(env, tests={"conf_number": {"value": 11.0000001}})).get_json()["tests"]
    assert tests["conf_number"]["pass_fail"] == ["ok", "OK"]


def test_field_errors(post: Any, env: dict) -> None:
    assert errors(post({})) == {"tests": ["This field is required."],
                                "unit_test_collection": ["This field is required."],
                                "work_started": ["This field is required."]}
    bad = errors(post(full(env, unit_test_collection=5, work_started="6/7/2018")))
    assert bad["unit_test_collection"] == ["Incorrect type. Expected URL string, received int."]
    assert bad["work_started"][0].startswith("Datetime has wrong format. Use one of these "
                                             "formats instead: DD [Jan-Dec] YYYY hh:mm,")
    for url, message in (("/api/qc/unittestcollections/9999/", "Object does not exist."),
                         ("/api/units/units/1/", "Incorrect URL match."),
                         ("/nowhere/", "No URL match.")):
        assert errors(post(full(env, unit_test_collection=url)))["unit_test_collection"] == [
            f"Invalid hyperlink - {message}"]


def test_qa_and_qc_links_both_resolve(post: Any, env: dict) -> None:
    path = env["test_list"].replace("/api/qc/", "/api/qa/")
    assert post(full(env, unit_test_collection=path)).status_code == 201


def test_missing_and_wrong_values(post: Any, env: dict) -> None:
    # 3.1.1 computes composites first: a left-out dependency is the composite's NameError
    body = full(env)
    del body["tests"]["number_2"]
    assert errors(post(body))["non_field_errors"] == [
        "Error with sum_of_two test: Invalid Test Procedure: NameError: name 'number_2' is "
        "not defined"]
    # a test nothing depends on is missing data; {"value": null} is a wrong type
    body = full(env)
    del body["tests"]["conf_string"]
    body["tests"]["number_2"] = {"value": None}
    message = errors(post(body))["non_field_errors"][0]
    assert message.startswith("Missing data for tests: conf_string\nWrong value type "
                              "(number/string) for tests: number_2, sum_of_two")
    assert "{'tests': {'number_2': {'skipped': True}}}" in message
    # a string for a number reaches the composite first
    text = errors(post(full(env, tests={"number_2": {"value": "ten"}})))["non_field_errors"][0]
    assert text.startswith("Error with sum_of_two test: Invalid Test Procedure: TypeError")
    # test data that is not an object is a field error
    assert errors(post(full(env, tests={"number_2": 2}))) == {
        "tests": ['"number_2" field(s) have errors. Test data must be a dictionary ']}
    skipped = full(env, tests={"number_2": {"skipped": True}, "sum_of_two": {"skipped": True}})
    assert post(skipped).status_code == 201


def test_calculated_values_and_times(post: Any, env: dict) -> None:
    message = errors(post(full(env, tests={"sum_of_two": {"value": 3}},
                               work_completed="2018-07-6 09:00")))["non_field_errors"][0]
    assert message == ("The following tests are calculated automatically and should not have "
                       "values provided: sum_of_two\nwork_completed date must be after "
                       "work_started")


def test_constants_uploads_and_base64(post: Any, env: dict) -> None:
    constant = errors(post(full(env, tests={"conf_constant": {"value": 3}})))
    assert constant == {"non_field_errors": ["Incorrect constant value passed for conf_constant"]}
    no_name = errors(post(full(env, tests={"conf_upload": {"value": "x"}})))
    assert no_name == {"non_field_errors": ["conf_upload is missing the filename field"]}
    not_b64 = full(env, tests={"conf_upload": {"filename": "a.png", "value": "***",
                                               "encoding": "base64"}})
    assert errors(post(not_b64)) == {"non_field_errors": [
        "base64 encoding requested but content does not appear to be base64"]}


def test_uploads_and_attachments_are_served_back(app: Flask, post: Any, env: dict) -> None:
    png = base64.b64encode(b"\x89PNG binary").decode()
    body = full(env, tests={"conf_upload": {"filename": "pf.png", "value": png,
                                            "encoding": "base64"}},
                attachments=[{"filename": "report.txt", "value": "all good",
                              "encoding": "text"}])
    created = post(body).get_json()
    client = app.test_client()
    detail = client.get(created["url"], headers=env["headers"]).get_json()
    assert [a["label"] for a in detail["attachments"]] == ["report.txt"]
    assert client.get(detail["attachments"][0]["attachment"]).data == b"all good"
    upload = created["tests"]["conf_upload"]["attachments"][0]
    file_url = client.get(upload, headers=env["headers"]).get_json()["attachment"]
    assert client.get(file_url).data == b"\x89PNG binary"


@pytest.mark.parametrize("chunk", [serialize.GROUPED_CHUNK, 2])
def test_a_page_nests_each_lists_own_instances_attachments_and_comments(
        app: Flask, post: Any, env: dict, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page reads its lists' nested records for the whole page at once (in chunks of
    owners): each list on it still shows exactly its own, as its detail does."""
    monkeypatch.setattr(serialize, "GROUPED_CHUNK", chunk)
    year = 2100 + next(KEYS)  # the newest lists of the module's mock
    created = []
    for number in range(3):
        day = f"{year}-01-0{number + 1}"
        body = full(env, work_started=f"{day} 10:00", work_completed=f"{day} 11:00",
                    comment=f"list comment {number}", attachments=[
            {"filename": f"report-{number}-{n}.txt", "value": "ok", "encoding": "text"}
            for n in range(number + 1)])
        created.append(post(body).get_json()["url"])
    client = app.test_client()
    page = client.get(f"{PERFORM}?ordering=-work_completed&limit=3",
                      headers=env["headers"]).get_json()
    assert [item["url"] for item in page["results"]] == created[::-1]
    for item in page["results"]:
        assert item == client.get(item["url"], headers=env["headers"]).get_json()
    counts = [(len(item["attachments"]), len(item["comments"]),
               len({ti["test_list_instance"] for ti in item["test_instances"]}))
              for item in page["results"]]
    assert counts == [(3, 1, 1), (2, 1, 1), (1, 1, 1)]
    uploads = [ti["attachments"] for item in page["results"] for ti in item["test_instances"]
               if ti["attachments"]]
    assert len(uploads) == 3 and len({url for urls in uploads for url in urls}) == 3


def test_user_key_is_unique(post: Any, env: dict) -> None:
    first = post(full(env, user_key="same-key"))
    assert first.status_code == 201
    assert errors(post(full(env, user_key="same-key"))) == {
        "user_key": ["test list instance with this user key already exists."]}
    too_long = errors(post(full(env, user_key="k" * 256)))
    assert too_long == {"user_key": ["Ensure this field has no more than 255 characters."]}


def test_cycles_need_a_valid_day(post: Any, env: dict) -> None:
    base = {"unit_test_collection": env["cycle"], "work_started": "06 Jul 2018 10:00",
            "tests": {"number_1": {"value": 1}, "number_2": {"value": 2}}}
    assert errors(post(base)) == {"non_field_errors": [
        "You must include the 'day' key when performing a Test List Cycle"]}
    assert errors(post({**base, "day": 5})) == {"non_field_errors": [
        "'5' is not a valid day for this Test Collection.  Day must be between 0 & 1"]}
    done = post({**base, "day": 0})
    assert done.status_code == 201 and set(done.get_json()["tests"]) == {
        "number_1", "number_2", "sum_of_two"}
    second = post({**base, "day": 1, "tests": {"conf_number": {"value": 10},
                                               "conf_bool": {"value": False}}})
    assert second.get_json()["tests"]["conf_bool"]["pass_fail"] == ["action", "Action"]


def test_in_progress_allows_missing_values(post: Any, env: dict) -> None:
    body = full(env, in_progress=True, tests={"number_2": {"value": None}})
    created = post(body).get_json()
    assert created["in_progress"] is True
    assert created["tests"]["number_2"]["pass_fail"] == ["not_done", "Not Done"]
    left_out = full(env, in_progress=True)
    del left_out["tests"]["conf_string"]  # left out: missing even while in progress (3.1.1)
    assert errors(post(left_out)) == {"non_field_errors": ["Missing data for tests: conf_string"]}


def test_time_zone_and_formats(post: Any, env: dict) -> None:
    winter = post(full(env, work_started="2024-01-15 08:15:30.5",
                       work_completed="2024-01-15T09:00:00.000000Z")).get_json()
    assert winter["work_started"] == "2024-01-15T08:15:30.500000-05:00"
    assert winter["work_completed"] == "2024-01-15T09:00:00-05:00"
    utc_app = create_app("qatrack", Config(db_url="sqlite:///:memory:", time_zone="UTC"))
    client = utc_app.test_client()
    entries = client.get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["role"] == "performer")
    response = client.post(PERFORM, json=full(env), headers={"Authorization": f"Token {token}"})
    assert response.get_json()["work_started"] == "2018-07-06T10:00:00Z"


def test_patch_keeps_omitted_fields_and_recomputes(app: Flask, post: Any, env: dict) -> None:
    created = post(full(env)).get_json()
    patched = post({"tests": {"number_1": {"value": 5}}, "comment": "redone"}, "PATCH",
                   created["url"])
    assert patched.status_code == 200
    body = patched.get_json()
    assert body["tests"]["sum_of_two"]["value"] == 7.0
    assert body["tests"]["number_1"]["url"] == created["tests"]["number_1"]["url"]
    assert body["work_started"] == created["work_started"] and body["comment"] == "redone"
    detail = app.test_client().get(created["url"], headers=env["headers"]).get_json()
    assert [c["comment"] for c in detail["comments"]] == ["redone"]
    taken = post(full(env)).get_json()["user_key"]
    assert errors(post({"user_key": taken}, "PATCH", created["url"])) == {
        "user_key": ["test list instance with this user key already exists."]}


def test_performing_moves_the_collection_schedule(app: Flask, post: Any, env: dict) -> None:
    """The collection's last instance, due date (work completed + the frequency's nominal
    interval) and, for a cycle, next day move on; an in-progress list moves nothing."""
    client = app.test_client()

    def collection(path: str) -> Any:
        return client.get(path, headers=env["headers"]).get_json()

    interval = client.get(collection(env["test_list"])["frequency"],
                          headers=env["headers"]).get_json()["nominal_interval"]
    before = collection(env["test_list"])
    post(full(env, in_progress=True))
    assert collection(env["test_list"]) == before
    done = post(full(env, work_completed="2024-03-01 12:00")).get_json()
    after = collection(env["test_list"])
    assert after["last_instance"] == done["url"]
    assert after["due_date"].startswith(
        str(datetime(2024, 3, 1, 12) + timedelta(days=float(interval)))[:10])
    base = {"unit_test_collection": env["cycle"], "work_started": "06 Jul 2018 10:00",
            "tests": {"number_1": {"value": 1}, "number_2": {"value": 2}}}
    start = collection(env["cycle"])["next_day"]
    post({**base, "day": start})
    assert collection(env["cycle"])["next_day"] == (start + 1) % 2
