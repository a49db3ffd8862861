"""QT-10 to QT-12, QT-14, QT-16, QT-17: performing a test list.

Test list instances cannot be deleted: these tests need --allow-writes (or our
mock) and use only the unit test collection the user named. The suite creates
one instance on it (``performed``) and asks nothing else to be created, except
one more on our mock.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

import pytest

from apidouble.conformance.qatrack._api import (
    CALCULATED,
    USER_KEY_EXISTS,
    Api,
    Collection,
    messages,
    record_id,
    simple_composite,
)
from apidouble.conformance.qatrack.fixtures import ATTACHMENTS, Performed, payload, work_times
from apidouble.conformance.target import Target

PERFORM = "/api/qa/testlistinstances/"
TEST_FIELDS = {"url", "value", "value_display", "string_value", "skipped", "comment",
               "reference", "tolerance", "pass_fail", "diff_display", "status", "attachments"}
INSTANCE_FIELDS = {"url", "site_url", "test_list", "unit_test_collection", "created_by",
                   "work_started", "work_completed", "in_progress", "reviewed", "all_reviewed",
                   "day", "due_date", "tests"}
PASS_FAIL = {"not_done": "Not Done", "ok": "OK", "tolerance": "Tolerance", "action": "Action",
             "no_tol": "No Tol Set"}


def _created(performed: Performed, rule: str) -> dict[str, Any]:
    assert performed.response.status_code == 201, (
        f"{rule}: performing answered {performed.response.status_code}: "
        f"{performed.response.text[:300]}")
    return performed.body


@pytest.mark.rule("QT-10")
def test_perform_test_list(target: Target, api: Api, collection: Collection,
                           performed: Performed) -> None:
    target.need_writes()
    body = _created(performed, "QT-10")
    sent = performed.sent
    assert record_id(body["unit_test_collection"]) == record_id(collection.url), (
        f"QT-10: the instance's unit_test_collection is {body['unit_test_collection']}")
    _, _, day = work_times()
    started = datetime.fromisoformat(body["work_started"])
    completed = datetime.fromisoformat(body["work_completed"])
    assert (started.date(), started.hour, started.minute) == (day, 10, 0), (
        f"QT-10: work_started {sent['work_started']!r} came back as {body['work_started']!r}")
    assert (completed.date(), completed.hour) == (day, 11), (
        f"QT-10: work_completed {sent['work_completed']!r} came back as {body['work_completed']!r}")
    assert started.utcoffset() is not None, f"QT-10: {body['work_started']!r} has no offset"
    assert body["in_progress"] is False, "QT-10: in_progress is not false"
    assert body["include_for_scheduling"] is False, "QT-10: include_for_scheduling was not kept"
    assert body["day"] == 0, f"QT-10: day is {body['day']!r}"
    if "user_key" in body:
        assert body["user_key"] == sent["user_key"], f"QT-10: user_key is {body['user_key']!r}"
    location = performed.response.headers.get("Location")
    assert location in (None, body["url"]), f"QT-10: Location {location!r} is not {body['url']}"
    again = api.json(body["url"], "QT-10")
    assert again["url"] == body["url"], "QT-10: the created instance does not read back"


@pytest.mark.rule("QT-10")
def test_dates_in_other_documented_formats(target: Target, api: Api,
                                           collection: Collection) -> None:
    # A wrong format is refused before anything is created.
    target.need_writes()
    response = api.post(PERFORM, json=payload(collection, work_started="2018/07/06 10:00"))
    assert response.status_code == 400, f"QT-10: work_started 2018/07/06 answered " \
                                        f"{response.status_code}"
    assert list(response.json()) == ["work_started"], f"QT-10: body {response.text[:300]}"
    assert response.json()["work_started"][0].startswith("Datetime has wrong format."), (
        f"QT-10: body {response.text[:300]}")


@pytest.mark.rule("QT-11")
def test_composites_are_calculated(target: Target, collection: Collection,
                                   performed: Performed) -> None:
    target.need_writes()
    composites = collection.of_type(*CALCULATED)
    if not composites:
        pytest.skip("not checkable: the unit test collection has no composite tests")
    body = _created(performed, "QT-11")
    numbers = {slug: v["value"] for slug, v in performed.sent["tests"].items()
               if isinstance(v.get("value"), int | float) and not isinstance(v["value"], bool)}
    for test in composites:
        result = body["tests"].get(test.slug)
        assert result is not None, f"QT-11: composite {test.slug} is missing from the response"
        assert result["value"] is not None or result.get("string_value"), (
            f"QT-11: composite {test.slug} was not calculated: {result}")
        expected = simple_composite(test.calculation_procedure, test.slug, numbers)
        if expected is not None:
            assert result["value"] == pytest.approx(expected), (
                f"QT-11: {test.slug} = {test.calculation_procedure!r} gave {result['value']}, "
                f"expected {expected}")


@pytest.mark.rule("QT-11")
def test_composites_must_not_be_sent(target: Target, api: Api, collection: Collection) -> None:
    target.need_writes()
    composites = collection.of_type("composite")
    if not composites:
        pytest.skip("not checkable: the unit test collection has no composite tests")
    body = payload(collection)
    body["tests"][composites[0].slug] = {"value": 1}
    response = api.post(PERFORM, json=body)
    assert response.status_code == 400, (
        f"QT-11: a value for composite {composites[0].slug} answered {response.status_code}")
    assert any(line.startswith("The following tests are calculated automatically")
               and composites[0].slug in line for line in messages(response.json())), (
        f"QT-11: body {response.text[:300]}")


@pytest.mark.rule("QT-12")
def test_response_echoes_every_test(target: Target, collection: Collection,
                                    performed: Performed) -> None:
    target.need_writes()
    body = _created(performed, "QT-12")
    missing = INSTANCE_FIELDS - set(body)
    assert not missing, f"QT-12: the instance lacks {sorted(missing)}"
    absent = set(collection.tests) - set(body["tests"])
    assert not absent, f"QT-12: the response lacks tests {sorted(absent)}"
    for slug, result in body["tests"].items():
        lacking = TEST_FIELDS - set(result)
        assert not lacking, f"QT-12: test {slug} lacks {sorted(lacking)}"
        code, display = result["pass_fail"]
        assert PASS_FAIL.get(code) == display, f"QT-12: {slug} pass_fail {result['pass_fail']}"


@pytest.mark.rule("QT-12")
def test_pass_fail_against_reference_and_tolerance(target: Target, collection: Collection,
                                                   performed: Performed) -> None:
    target.need_writes()
    body = _created(performed, "QT-12")
    judged = 0
    for slug, test in collection.tests.items():
        result = body["tests"][slug]
        if test.type in CALCULATED or test.type in ("upload", "string", "date", "datetime"):
            continue
        if test.reference is None and test.tolerance is None:
            assert result["pass_fail"] == ["no_tol", "No Tol Set"], (
                f"QT-12: {slug} has no reference or tolerance but pass_fail {result['pass_fail']}")
            judged += 1
        elif test.type in ("simple", "boolean") and test.reference is not None and test.tolerance:
            assert result["pass_fail"][0] == "ok", (
                f"QT-12: {slug} submitted at its reference is {result['pass_fail']}")
            judged += 1
    if not judged:
        pytest.skip("not checkable: no test of the collection has a predictable pass/fail")


@pytest.mark.rule("QT-12")
def test_value_outside_action_limits(target: Target, api: Api, collection: Collection) -> None:
    target.need_mock("would record an Action-level result on a real server")
    judged = [t for t in collection.tests.values() if t.type == "simple" and t.reference
              and t.tolerance and t.tolerance.get("act_high") is not None]
    if not judged:
        pytest.skip("not checkable: no numeric test with an action limit")
    test, tolerance = judged[0], judged[0].tolerance or {}
    act_high = float(tolerance["act_high"])
    reference = float(test.reference or 0)
    value = (reference + act_high + max(1.0, abs(act_high)) if tolerance.get("type") != "percent"
             else reference * (1 + (act_high + 10) / 100))
    sent = payload(collection)
    sent["tests"][test.slug] = {"value": value}
    response = api.post(PERFORM, json=sent)
    assert response.status_code == 201, f"QT-12: performing answered {response.status_code}"
    result = response.json()["tests"][test.slug]
    assert result["pass_fail"] == ["action", "Action"], (
        f"QT-12: {test.slug}={value} (reference {reference}, act_high {act_high}) is "
        f"{result['pass_fail']}")
    assert result["diff_display"], f"QT-12: {test.slug} has no diff_display"


def _depended_on(collection: Collection) -> set[str]:
    """Slugs some composite's procedure names (the server computes composites first)."""
    names: set[str] = set()
    for test in collection.of_type(*CALCULATED):
        names |= set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", test.calculation_procedure))
    return names


def _names_missing(lines: list[str], slug: str) -> bool:
    """``Missing data for tests: <slug>``; or, for a test a composite needs, the composite's
    error naming it (3.1.1 validates composites first: ``Error with c test: ... '<slug>' ...``)."""
    return f"Missing data for tests: {slug}" in lines or any(
        line.startswith("Error with ") and f"'{slug}'" in line for line in lines)


@pytest.mark.rule("QT-14")
def test_missing_value_names_the_test(target: Target, api: Api, collection: Collection,
                                      instance_count: Any) -> None:
    target.need_writes()
    body = payload(collection)
    plain = [slug for slug, value in body["tests"].items()
             if "value" in value and collection.tests[slug].type not in ("upload",)]
    if not plain:
        pytest.skip("not checkable: the unit test collection has no test to leave out")
    needed = _depended_on(collection)
    left_out = next((slug for slug in plain if slug not in needed), plain[0])
    body["user_key"] = f"apidouble-qt14-{uuid.uuid4().hex}"
    del body["tests"][left_out]
    response = api.post(PERFORM, json=body)
    assert response.status_code == 400, (
        f"QT-14: leaving out {left_out} answered {response.status_code}")
    lines = messages(response.json())
    if left_out in needed:
        assert _names_missing(lines, left_out), f"QT-14: body {response.text[:300]}"
    else:
        assert f"Missing data for tests: {left_out}" in lines, f"QT-14: body {response.text[:300]}"
    assert instance_count(body["user_key"]) == 0, (
        "QT-14: the refused submission created an instance")


@pytest.mark.rule("QT-16")
def test_attachments_appear_on_the_instance(target: Target, api: Api,
                                            performed: Performed) -> None:
    target.need_writes()
    body = _created(performed, "QT-16")
    instance = api.json(body["url"], "QT-16")
    attachments = instance.get("attachments")
    assert isinstance(attachments, list), "QT-16: the instance has no attachments list"
    text = repr(attachments)
    for sent in ATTACHMENTS:
        stem = sent["filename"].rsplit(".", 1)[0]
        assert stem in text, f"QT-16: attachment {sent['filename']} is not on the instance"


@pytest.mark.rule("QT-17")
def test_duplicate_user_key(target: Target, api: Api, collection: Collection,
                            performed: Performed, instance_count: Any) -> None:
    target.need_writes()
    _created(performed, "QT-17")
    user_key = performed.sent["user_key"]
    assert instance_count(user_key) == 1, "QT-17: the first instance with the key is not listed"
    response = api.post(PERFORM, json=payload(collection, user_key=performed.sent["user_key"]))
    assert response.status_code == 400, (
        f"QT-17: a duplicate user_key answered {response.status_code}")
    errors = response.json().get("user_key")
    assert isinstance(errors, list) and errors and errors[0].rstrip(".") == (
        USER_KEY_EXISTS.rstrip(".")), f"QT-17: body {response.text[:300]}"
    if target.is_mock:
        assert errors == [USER_KEY_EXISTS], f"QT-17: body {response.text[:300]}"
    assert instance_count(user_key) == 1, "QT-17: the duplicate created an instance"


@pytest.mark.rule("QT-17")
def test_user_key_at_most_255(target: Target, api: Api, collection: Collection) -> None:
    target.need_writes()
    response = api.post(PERFORM, json=payload(collection, user_key="k" * 256))
    assert response.status_code == 400, (
        f"QT-17: a 256-character user_key answered {response.status_code}")
    assert "user_key" in response.json(), f"QT-17: body {response.text[:300]}"
