"""Sample tests and results: filters, locking, verification, bulk entry (AQ-20 to AQ-23)."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import TIMESTAMP_MS, Aliquora, body_of, seen, slug
from ._data import SampleFactory


def results_of(api: Aliquora, sample_id: int) -> dict[int, Any]:
    return {t["id"]: t.get("result") for t in api.every("/sample-tests", sampleId=sample_id)}


@pytest.mark.rule("AQ-20")
def test_sample_tests_filter_by_sample_and_status(api: Aliquora) -> None:
    listed = api.items("/sample-tests", limit=100)
    if not listed or not all("sampleId" in t and "status" in t for t in listed):
        pytest.skip("not checkable: no sample tests with sampleId and status are listed")
    checks = [{"sampleId": listed[0]["sampleId"]}]
    checks += [{"status": status} for status in sorted({t["status"] for t in listed})[:3]]
    for params in checks:
        response = api.get("/sample-tests", params={**params, "limit": 100})
        assert response.status_code == 200, f"AQ-20: ?{params} answered {seen(response)}"
        found = body_of(response).get("data") or []
        assert found, f"AQ-20: ?{params} found nothing, but a listed test matches"
        (name, value), = params.items()
        wrong = [t.get("id") for t in found if t.get(name) != value]
        assert not wrong, f"AQ-20: ?{params} also returned tests {wrong[:5]}"


@pytest.mark.rule("AQ-20")
def test_filters_combine_on_a_new_sample(api: Aliquora, make_sample: SampleFactory) -> None:
    sample = make_sample(tests=2)
    entered = make_sample.enter(sample.test_ids[0], "1.5")
    found = {t["id"] for t in api.every("/sample-tests", sampleId=sample.id)}
    assert found == set(sample.test_ids), \
        f"AQ-20: ?sampleId={sample.id} found {sorted(found)}, expected {sample.test_ids}"
    status = entered.get("status")
    if status is None:
        pytest.skip("not checkable: sample tests carry no status")
    found = {t["id"] for t in api.every("/sample-tests", sampleId=sample.id, status=status)}
    assert found == {sample.test_ids[0]}, \
        f"AQ-20: ?sampleId={sample.id}&status={status} found {sorted(found)}, " \
        f"expected [{sample.test_ids[0]}]"


def verified_test_id(api: Aliquora, make_sample: SampleFactory,
                     target: Target) -> tuple[int, int | None, Any]:
    """(test id, its sample id or None, stored result) of a verified test."""
    if target.is_mock or target.allow_writes:
        sample = make_sample(tests=1)
        make_sample.enter(sample.test_ids[0], "7.25")
        make_sample.verify(sample.test_ids[0])
        return sample.test_ids[0], sample.id, "7.25"
    test_id = int(target.need("verified_sample_test_id", "a verified sample test"))
    for test in api.every("/sample-tests", status="verified", max_pages=4):
        if test.get("id") == test_id:
            return test_id, test.get("sampleId"), test.get("result")
    pytest.skip(f"not checkable: verified sample test {test_id} is not listed as verified")


@pytest.mark.rule("AQ-21")
def test_a_verified_result_is_locked(api: Aliquora, make_sample: SampleFactory,
                                     target: Target) -> None:
    test_id, sample_id, stored = verified_test_id(api, make_sample, target)
    # Without write permission we only send the stored value again: a no-op if not locked.
    edits = [{"result": "8.5"}, {"notes": "edited"}, {"result": None}] \
        if target.is_mock or target.allow_writes else [{"result": stored}]
    for edit in edits:
        response = api.patch(f"/sample-tests/{test_id}", json=edit)
        assert response.status_code == 409 and slug(response) == "test_verified_locked", \
            f"AQ-21: editing verified test {test_id} with {edit} answered {seen(response)}, " \
            "expected 409 test_verified_locked"
    if sample_id is not None:
        now = results_of(api, sample_id).get(test_id)
        assert now == stored, f"AQ-21: the locked result is {now!r}, was {stored!r}"


@pytest.mark.rule("AQ-22")
def test_verify_verifies_the_result(api: Aliquora, make_sample: SampleFactory,
                                    target: Target) -> None:
    sample = make_sample(tests=1)
    test_id = sample.test_ids[0]
    if target.is_mock:  # our choice 15: nothing to verify yet
        response = api.post(f"/sample-tests/{test_id}/verify")
        assert response.status_code == 409 and slug(response) == "result_missing", \
            f"AQ-22: verifying a test without result answered {seen(response)}"
    make_sample.enter(test_id, "3.5")
    response = api.post(f"/sample-tests/{test_id}/verify")
    assert response.status_code == 200, f"AQ-22: verify answered {seen(response)}"
    locked = api.patch(f"/sample-tests/{test_id}", json={"result": "4.5"})
    assert locked.status_code == 409, f"AQ-22: a verified result accepted an edit: {seen(locked)}"
    if target.is_mock:  # our spec: status, who and when; verifying twice is refused
        assert_verified_on_our_mock(api, sample.id, test_id)


def assert_verified_on_our_mock(api: Aliquora, sample_id: int, test_id: int) -> None:
    test = {t["id"]: t for t in api.every("/sample-tests", sampleId=sample_id)}[test_id]
    user_id = body_of(api.get("/whoami")).get("userId")
    seen_fields = (test.get("status"), test.get("verifiedBy"), test.get("result"))
    assert seen_fields == ("verified", user_id, "3.5") and \
        TIMESTAMP_MS.match(str(test.get("verifiedAt"))), \
        f"AQ-22: after verify (status, verifiedBy, result) is {seen_fields}, verifiedAt " \
        f"{test.get('verifiedAt')!r}; expected ('verified', {user_id}, '3.5') and a timestamp"
    again = api.post(f"/sample-tests/{test_id}/verify")
    assert again.status_code == 409 and slug(again) == "test_verified_locked", \
        f"AQ-22: verifying twice answered {seen(again)}"


def foreign_test(target: Target, request: pytest.FixtureRequest) -> tuple[int, int, Any]:
    """(test id, sample id, client) of the second organisation, else an id nobody has."""
    if target.credentials.get("second_api_key"):
        other = request.getfixturevalue("make_other_sample")(tests=1)
        return other.test_ids[0], other.id, request.getfixturevalue("other_api")
    return 987654321, 0, None


@pytest.mark.rule("AQ-23")
def test_bulk_results_never_change_locked_or_foreign_tests(
        api: Aliquora, make_sample: SampleFactory, target: Target,
        request: pytest.FixtureRequest) -> None:
    sample = make_sample(tests=3)
    first, second, locked = sample.test_ids
    make_sample.enter(locked, "5.5")
    make_sample.verify(locked)
    foreign, foreign_sample, other_api = foreign_test(target, request)
    updates = [{"sampleTestId": test_id, "result": result} for test_id, result in
               ((first, "1.1"), (second, "2.2"), (locked, "9.9"), (foreign, "3.3"))]
    response = api.post("/sample-tests/bulk-results", json={"updates": updates})
    assert response.status_code < 500, f"AQ-23: bulk results answered {seen(response)}"
    results = results_of(api, sample.id)
    assert results[locked] == "5.5", \
        f"AQ-23: a bulk call changed a locked result to {results[locked]!r}"
    if other_api is not None:
        theirs = results_of(other_api, foreign_sample)
        assert theirs.get(foreign) is None, "AQ-23: a bulk call changed another organisation's test"
    applied = (results[first], results[second])
    assert applied in (("1.1", "2.2"), (None, None)), \
        f"AQ-23: the valid rows were applied partly: {applied}"
    if target.is_mock:  # our choice 8: each row on its own
        assert_per_row_outcomes(response, applied, [first, second, locked, foreign])


def assert_per_row_outcomes(response: Any, applied: tuple[Any, Any], ids: list[int]) -> None:
    body = body_of(response)
    assert response.status_code == 200 and applied == ("1.1", "2.2"), \
        f"AQ-23: bulk results answered {seen(response)} with valid rows {applied}"
    outcomes = [(r.get("sampleTestId"), r.get("ok"), r.get("error")) for r in body["results"]]
    expected = [(ids[0], True, None), (ids[1], True, None),
                (ids[2], False, "test_verified_locked"), (ids[3], False, "invalid_reference")]
    assert outcomes == expected and (body["updated"], body["failed"]) == (2, 2), \
        f"AQ-23: row outcomes {outcomes}, counts {body['updated']}/{body['failed']}"
