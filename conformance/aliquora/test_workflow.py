"""Reporting behind QC gates (AQ-18) and approval records (AQ-19)."""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import TIMESTAMP_MS, Aliquora, body_of, seen, slug
from ._data import Catalog, SampleFactory, out_of_spec, state


def is_reported(sample: dict[str, Any]) -> bool:
    return bool(sample.get("reportedAt")) or sample.get("status") == "reported"


@pytest.mark.rule("AQ-18")
def test_a_verified_sample_is_reported(api: Aliquora, make_sample: SampleFactory,
                                       target: Target) -> None:
    sample, _ = make_sample.verified_sample()
    response = api.post(f"/samples/{sample.id}/report")
    if response.status_code == 409 and not target.is_mock:
        pytest.skip(f"not checkable: the target's QC gates refused our sample ({seen(response)})")
    assert response.status_code == 200 if target.is_mock else 200 <= response.status_code < 300, \
        f"AQ-18: reporting a verified sample answered {seen(response)}"
    after = body_of(api.get(f"/samples/{sample.id}"))
    assert is_reported(after), "AQ-18: after the report the sample shows no reportedAt"
    if target.is_mock:  # our choice 7: a timestamp, not a status; reporting again is a no-op
        assert TIMESTAMP_MS.match(str(after["reportedAt"])) and after["status"] == "verified", \
            f"AQ-18: reported sample has reportedAt {after['reportedAt']!r}, status " \
            f"{after['status']!r}"
        again = api.post(f"/samples/{sample.id}/report")
        assert again.status_code == 200 and body_of(again)["reportedAt"] == after["reportedAt"], \
            f"AQ-18: reporting twice answered {seen(again)}"


def qc_failing_sample(api: Aliquora, make_sample: SampleFactory, catalog: Catalog,
                      target: Target) -> int:
    """Ours: a verified result outside its spec limits (our within_spec gate)."""
    if not target.is_mock:
        sample_id = int(target.need("qc_failing_sample_id", "a sample whose QC gate fails"))
        target.need_writes()  # a broken target would report the user's sample
        return sample_id
    definition = catalog.with_limits()
    if definition is None:
        pytest.skip("not checkable: no test definition with spec limits")
    sample, _ = make_sample.verified_sample(result=out_of_spec(definition))
    return sample.id


@pytest.mark.rule("AQ-18")
def test_an_unsatisfied_qc_gate_blocks_the_report(api: Aliquora, make_sample: SampleFactory,
                                                  catalog: Catalog, target: Target) -> None:
    sample_id = qc_failing_sample(api, make_sample, catalog, target)
    before = state(body_of(api.get(f"/samples/{sample_id}")))
    response = api.post(f"/samples/{sample_id}/report")
    assert response.status_code == 409 and slug(response) == "qc_failed", \
        f"AQ-18: reporting a QC-failing sample answered {seen(response)}, expected 409 qc_failed"
    after = state(body_of(api.get(f"/samples/{sample_id}")))
    assert after == before, "AQ-18: a refused report changed the sample"
    if target.is_mock:  # our choice 7: every gate with its outcome
        gates = {g.get("name"): g.get("passed") for g in body_of(response).get("gates", [])}
        expected = {"results_verified": True, "within_spec": False, "lab_qc_checks": True}
        assert gates == expected, f"AQ-18: gates are {gates}, expected {expected}"


@pytest.mark.rule("AQ-18")
def test_unverified_results_are_not_reported(api: Aliquora, make_sample: SampleFactory,
                                             target: Target) -> None:
    sample = make_sample(tests=1, fetch_tests=False)
    response = api.post(f"/samples/{sample.id}/report")
    assert not 200 <= response.status_code < 300, \
        f"AQ-18: reporting a sample without results answered {seen(response)}"
    if target.is_mock:  # our choice 7: the results_verified gate
        assert response.status_code == 409 and slug(response) == "qc_failed", \
            f"AQ-18: reporting a sample without results answered {seen(response)}"
    after = body_of(api.get(f"/samples/{sample.id}"))
    assert not is_reported(after), "AQ-18: a sample without results was marked reported"


@pytest.mark.rule("AQ-19")
def test_approvals_are_listed_per_sample(api: Aliquora) -> None:
    samples = api.items("/samples", limit=1)
    if not samples:
        pytest.skip("not checkable: the organisation lists no samples")
    response = api.get(f"/samples/{samples[0]['id']}/approvals")
    assert response.status_code == 200, \
        f"AQ-19: GET /samples/{samples[0]['id']}/approvals answered {seen(response)}"
    assert isinstance(body_of(response).get("data"), list), \
        f"AQ-19: the approvals answer has no data list: {seen(response)}"


@pytest.mark.rule("AQ-19")
def test_an_approval_record_is_updated(api: Aliquora, make_sample: SampleFactory,
                                       target: Target) -> None:
    sample = make_sample(tests=1, fetch_tests=False)
    records = api.items(f"/samples/{sample.id}/approvals")
    if target.is_mock:  # our choice 16: one pending record per step
        steps = sorted((r.get("step"), r.get("status")) for r in records)
        assert steps == [("qa_approval", "pending"), ("technical_review", "pending")], \
            f"AQ-19: a new sample's approval records are {steps}"
    if not records:
        pytest.skip("not checkable: a new sample has no approval records")
    record_id = records[0]["id"]
    response = api.patch(f"/approval-records/{record_id}",
                         json={"status": "approved", "comment": "apidouble: reviewed"})
    assert response.status_code == 200, \
        f"AQ-19: PATCH /approval-records/{record_id} answered {seen(response)}"
    if target.is_mock:  # the guide names no fields of an approval record; our spec does
        assert_decided_on_our_mock(api, sample.id, record_id)


def assert_decided_on_our_mock(api: Aliquora, sample_id: int, record_id: int) -> None:
    updated = {r["id"]: r for r in api.items(f"/samples/{sample_id}/approvals")}.get(record_id, {})
    user_id = body_of(api.get("/whoami")).get("userId")
    fields = (updated.get("status"), updated.get("comment"), updated.get("approverUserId"))
    expected = ("approved", "apidouble: reviewed", user_id)
    assert fields == expected and TIMESTAMP_MS.match(str(updated.get("decidedAt"))), \
        f"AQ-19: (status, comment, approverUserId) is {fields}, decidedAt " \
        f"{updated.get('decidedAt')!r}; expected {expected} and a timestamp (choice 16)"
