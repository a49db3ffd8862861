"""Tenant isolation (AQ-08): another organisation's records are invisible and untouchable."""

from __future__ import annotations

from typing import Any

import pytest

from ._client import Aliquora, body_of, seen, slug
from ._data import Catalog, SampleFactory, state


def assert_not_found(response: Any, what: str) -> None:
    assert response.status_code == 404 and slug(response) == "not_found", \
        f"AQ-08: {what} answered {seen(response)}, expected 404 not_found"


@pytest.mark.rule("AQ-08")
def test_another_tenants_sample_looks_like_no_sample(api: Aliquora, other_api: Aliquora) -> None:
    theirs = other_api.items("/samples", limit=1)
    if not theirs:
        pytest.skip("not checkable: the second organisation lists no samples")
    sample = theirs[0]
    response = api.get(f"/samples/{sample['id']}")
    if response.status_code == 200:  # ids might be per tenant: then it must be our own record
        assert body_of(response).get("trackingId") != sample.get("trackingId"), \
            f"AQ-08: a key reads another organisation's sample {sample['id']}"
    else:
        assert_not_found(response, f"GET /samples/{sample['id']} of another organisation")
    listed = api.items("/samples", trackingId=sample.get("trackingId"))
    assert all(item.get("id") != sample["id"] for item in listed), \
        f"AQ-08: another organisation's sample {sample['id']} appears in the sample list"


@pytest.mark.rule("AQ-08")
def test_another_tenants_records_cannot_be_changed(api: Aliquora, other_api: Aliquora,
                                                  make_other_sample: SampleFactory) -> None:
    theirs = make_other_sample(tests=1)
    test_id = theirs.test_ids[0]
    before = state(body_of(other_api.get(f"/samples/{theirs.id}")))
    attempts = [
        ("PATCH", f"/samples/{theirs.id}", {"notes": "changed by another tenant"}),
        ("PATCH", f"/samples/{theirs.id}/status", {"status": "received"}),
        ("POST", f"/samples/{theirs.id}/report", None),
        ("GET", f"/samples/{theirs.id}/approvals", None),
        ("PATCH", f"/sample-tests/{test_id}", {"result": "1"}),
        ("POST", f"/sample-tests/{test_id}/verify", None),
    ]
    for method, path, body in attempts:
        assert_not_found(api.request(method, path, json=body),
                         f"{method} {path} of another organisation")
    response = api.post("/samples/receive", json={"sampleIds": [theirs.id]})
    assert response.status_code == 400 and slug(response) == "invalid_reference", \
        f"AQ-08: receiving another organisation's sample answered {seen(response)}, " \
        "expected 400 invalid_reference"
    after = state(body_of(other_api.get(f"/samples/{theirs.id}")))
    assert after == before, "AQ-08: another organisation's sample changed"
    assert not api.items("/sample-tests", sampleId=theirs.id), \
        "AQ-08: another organisation's sample tests appear in the list"


@pytest.mark.rule("AQ-08")
def test_another_tenants_ids_in_a_body_are_invalid_references(
        api: Aliquora, other_api: Aliquora, catalog: Catalog, make_sample: SampleFactory) -> None:
    api.target.need_writes()
    other = Catalog.discover(other_api)
    fields = {"materialTypeId": (catalog.material_types, other.material_types, False),
              "projectId": (catalog.projects, other.projects, False),
              "testDefinitionIds": (catalog.definitions, other.definitions, True)}
    checked = 0
    for name, (mine, theirs, as_list) in fields.items():
        own = {record.get("id") for record in mine}
        foreign = [record["id"] for record in theirs if record.get("id") not in own]
        if not foreign:
            continue
        value = [foreign[0]] if as_list else foreign[0]
        response = api.post("/samples", json=make_sample.body(catalog.definition_ids(1),
                                                               **{name: value}))
        assert response.status_code == 400 and slug(response) == "invalid_reference", \
            f"AQ-08: {name} of another organisation answered {seen(response)}, " \
            "expected 400 invalid_reference"
        checked += 1
    if not checked:
        pytest.skip("not checkable: the second organisation has no ids the first lacks")
