"""Samples: listing filters, detail, creation, updates, status and bulk receive (AQ-09 to AQ-17)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import Aliquora, body_of, marker, parse_time, seen, slug
from ._data import STATUSES, Catalog, SampleFactory

TRACKING_ID = re.compile(r"^S-\d{4}-\d{6}$")


def can_write(target: Target) -> bool:
    return target.is_mock or target.allow_writes


def listed_samples(api: Aliquora) -> list[dict[str, Any]]:
    samples = api.items("/samples", limit=100)
    if not samples:
        pytest.skip("not checkable: the organisation lists no samples")
    return samples


def received_sample(api: Aliquora, make_sample: SampleFactory) -> dict[str, Any]:
    """A sample with a ``receivedAt``: a listed one, or one we create and receive."""
    for sample in api.items("/samples", limit=100):
        if parse_time(sample.get("receivedAt")):
            return sample
    created = make_sample(tests=0, fetch_tests=False)
    make_sample.walk(created.id, "received")
    return body_of(api.get(f"/samples/{created.id}"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + \
        f"{moment.microsecond // 1000:03d}Z"


@pytest.mark.rule("AQ-09")
@pytest.mark.parametrize("name", ["status", "materialTypeId", "projectId", "trackingId"])
def test_samples_filter_by_field(api: Aliquora, name: str) -> None:
    value = next((s[name] for s in listed_samples(api) if s.get(name) is not None), None)
    if value is None:
        pytest.skip(f"not checkable: no listed sample has a {name}")
    response = api.get("/samples", params={name: value, "limit": 100})
    assert response.status_code == 200, f"AQ-09: ?{name}={value} answered {seen(response)}"
    found = body_of(response).get("data") or []
    assert found, f"AQ-09: ?{name}={value} found nothing, but a listed sample has it"
    wrong = [s.get("id") for s in found if s.get(name) != value]
    assert not wrong, f"AQ-09: ?{name}={value} also returned samples {wrong[:5]}"


def filtered(api: Aliquora, **params: Any) -> list[dict[str, Any]]:
    response = api.get("/samples", params={**params, "limit": 100})
    assert response.status_code == 200, f"AQ-09: ?{params} answered {seen(response)}"
    return list(body_of(response).get("data") or [])


@pytest.mark.rule("AQ-09")
def test_since_and_until_bound_the_received_date(api: Aliquora,
                                                 make_sample: SampleFactory) -> None:
    sample = received_sample(api, make_sample)
    moment = parse_time(sample.get("receivedAt"))
    assert moment is not None, \
        f"AQ-09: received sample {sample.get('id')} has receivedAt {sample.get('receivedAt')!r}"
    tid, ms = sample.get("trackingId"), timedelta(milliseconds=1)
    for params, included in (({"since": iso(moment)}, True), ({"until": iso(moment + ms)}, True),
                             ({"since": iso(moment + ms)}, False),
                             ({"until": iso(moment - ms)}, False)):
        ids = [s.get("id") for s in filtered(api, trackingId=tid, **params)]
        assert (sample["id"] in ids) == included, \
            f"AQ-09: a sample received {sample['receivedAt']} is " \
            f"{'missing from' if included else 'returned by'} ?{params}"
    for bound, keep in (("since", lambda t: t >= moment), ("until", lambda t: t <= moment)):
        outside = [s.get("id") for s in filtered(api, **{bound: iso(moment)})
                   if not (parse_time(s.get("receivedAt")) and keep(parse_time(s["receivedAt"])))]
        assert not outside, f"AQ-09: ?{bound}={iso(moment)} returned samples {outside[:5]}"


@pytest.mark.rule("AQ-09")
def test_date_only_bounds_on_our_mock(api: Aliquora, make_sample: SampleFactory,
                                      target: Target) -> None:
    target.need_mock("our choice 3: date-only bounds cover whole days; pending never matches")
    sample = received_sample(api, make_sample)
    day = sample["receivedAt"][:10]
    for params in ({"since": day}, {"until": day}, {"since": day, "until": day}):
        ids = [s["id"] for s in filtered(api, trackingId=sample["trackingId"], **params)]
        assert sample["id"] in ids, f"AQ-09: ?{params} misses a sample received on {day}"
    assert all(s.get("receivedAt") for s in filtered(api, since="2000-01-01")), \
        "AQ-09: ?since returned a sample that was never received"
    response = api.get("/samples", params={"since": "yesterday"})
    assert response.status_code == 400 and slug(response) == "invalid_body", \
        f"AQ-09: ?since=yesterday answered {seen(response)}, expected 400 invalid_body"


def scheduled_ids(detail: dict[str, Any], expected: set[int]) -> set[int] | None:
    """The ids of the tests a sample detail carries (``tests`` in our spec; any list field)."""
    candidates = [detail.get("tests")] + [v for k, v in detail.items() if k != "tests"]
    for value in candidates:
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            ids = {v.get("id") for v in value}
            if ids == expected or value is detail.get("tests"):
                return ids
    return None


@pytest.mark.rule("AQ-10")
def test_a_sample_comes_with_its_scheduled_tests(api: Aliquora, target: Target,
                                                 make_sample: SampleFactory) -> None:
    if can_write(target):
        sample_id = make_sample(tests=2, fetch_tests=False).id
    else:  # a sample that has a test, if tests say which sample they belong to
        tests = api.items("/sample-tests", limit=1)
        sample_id = tests[0]["sampleId"] if tests and tests[0].get("sampleId") \
            else listed_samples(api)[0]["id"]
    expected = {t["id"] for t in api.every("/sample-tests", sampleId=sample_id)}
    response = api.get(f"/samples/{sample_id}")
    assert response.status_code == 200, f"AQ-10: GET /samples/{sample_id} answered {seen(response)}"
    found = scheduled_ids(body_of(response), expected)
    assert found == expected, \
        f"AQ-10: sample {sample_id} carries tests {found}, its scheduled tests are {expected}"
    if can_write(target):
        assert len(expected) == 2, f"AQ-10: a sample created with 2 tests has {len(expected)}"


@pytest.mark.rule("AQ-11")
def test_creating_a_sample_schedules_its_tests(api: Aliquora, catalog: Catalog,
                                               make_sample: SampleFactory, target: Target) -> None:
    target.need_writes()
    definitions = catalog.definition_ids(2)
    sent = make_sample.body(definitions)
    response = api.post("/samples", json=sent)
    expected_status = (201,) if target.is_mock else (200, 201)
    assert response.status_code in expected_status, \
        f"AQ-11: POST /samples answered {seen(response)}"
    body = body_of(response)
    assert TRACKING_ID.match(str(body.get("trackingId"))), \
        f"AQ-11: trackingId is {body.get('trackingId')!r}, expected S-YYYY-NNNNNN"
    differ = [f"{k}={body[k]!r}" for k, v in sent.items()
              if k in body and k != "testDefinitionIds" and body[k] != v]
    assert not differ, f"AQ-11: the created sample does not echo what was sent: {differ}"
    tests = api.every("/sample-tests", sampleId=body["id"])
    assert len(tests) == len(definitions), \
        f"AQ-11: {len(definitions)} testDefinitionIds scheduled {len(tests)} sample tests"
    if all("testDefinitionId" in t for t in tests):
        scheduled = Counter(t["testDefinitionId"] for t in tests)
        assert scheduled == Counter(definitions), \
            f"AQ-11: scheduled definitions {dict(scheduled)}, sent {definitions}"
    if target.is_mock:  # our choice 13
        expected = f"S-{datetime.now(UTC).year}-{body['id']:06d}"
        assert body["trackingId"] == expected and body["status"] == "pending", \
            f"AQ-11: new sample is {body['trackingId']} {body['status']}, " \
            f"expected {expected} pending"


@pytest.mark.rule("AQ-12")
@pytest.mark.parametrize("name", ["materialTypeId", "projectId", "testDefinitionIds"])
def test_unknown_references_are_refused(api: Aliquora, catalog: Catalog,
                                        make_sample: SampleFactory, name: str) -> None:
    api.target.need_writes()
    unknown = 987654321
    value = [unknown] if name == "testDefinitionIds" else unknown
    response = api.post("/samples", json=make_sample.body(catalog.definition_ids(1),
                                                           **{name: value}))
    assert response.status_code == 400 and slug(response) == "invalid_reference", \
        f"AQ-12: {name} {unknown} answered {seen(response)}, expected 400 invalid_reference"


def composite_project(api: Aliquora, catalog: Catalog) -> dict[str, Any]:
    """A project of our own that uses composite identifiers (else a listed one)."""
    code = "AD-" + marker()[-8:].upper()
    response = api.post("/projects", json={"name": f"apidouble composite {code}", "code": code,
                                           "usesCompositeIdentifier": True})
    created = body_of(response)
    if response.status_code in (200, 201) and created.get("usesCompositeIdentifier") is True:
        return created
    project = catalog.composite_project()
    if project is None:
        pytest.skip("not checkable: no project that uses composite identifiers could be found "
                    "or created")
    return project


@pytest.mark.rule("AQ-13")
def test_composite_identifier_projects_require_a_plant_location(
        api: Aliquora, catalog: Catalog, make_sample: SampleFactory, target: Target) -> None:
    target.need_writes()
    project = composite_project(api, catalog)
    body = make_sample.body(catalog.definition_ids(1), projectId=project["id"])
    body.pop("plantLocation")
    response = api.post("/samples", json=body)
    assert response.status_code == 400, \
        f"AQ-13: a composite-identifier sample without plantLocation answered {seen(response)}"
    if target.is_mock:
        assert slug(response) == "invalid_body", f"AQ-13: the 400 has error {slug(response)!r}"
    response = api.post("/samples", json={**body, "plantLocation": "North basin"})
    assert response.status_code in (200, 201), \
        f"AQ-13: the same sample with plantLocation answered {seen(response)}"
    created = body_of(response)
    if target.is_mock:  # our choice 13
        expected = f"{project['code']}-North basin-{created['id']:06d}"
        assert created.get("sampleIdentifier") == expected, \
            f"AQ-13: sampleIdentifier is {created.get('sampleIdentifier')!r}, expected {expected}"


@pytest.mark.rule("AQ-15")
def test_the_general_update_never_changes_status(api: Aliquora, make_sample: SampleFactory,
                                                 target: Target) -> None:
    sample = make_sample(tests=0, fetch_tests=False)
    response = api.patch(f"/samples/{sample.id}", json={"status": "verified", "notes": "moved"})
    allowed = (400,) if target.is_mock else (200, 400)
    assert response.status_code in allowed, \
        f"AQ-15: PATCH with a status answered {seen(response)}, expected one of {allowed}"
    if response.status_code == 400:
        assert slug(response) == "invalid_body", f"AQ-15: the 400 has error {slug(response)!r}"
    after = body_of(api.get(f"/samples/{sample.id}"))
    assert after.get("status") == sample.body.get("status"), \
        f"AQ-15: PATCH /samples/:id moved the status to {after.get('status')!r}"
    if target.is_mock:  # our choice 4: a refused body changes nothing
        assert after.get("notes") == sample.body.get("notes"), \
            "AQ-15: a refused PATCH changed notes"
    change = {"notes": "updated", "clientName": "apidouble updated"}
    response = api.patch(f"/samples/{sample.id}", json=change)
    assert response.status_code == 200, f"AQ-15: a valid PATCH answered {seen(response)}"
    after = body_of(api.get(f"/samples/{sample.id}"))
    unchanged = {k: after.get(k) for k, v in change.items() if after.get(k) != v}
    assert not unchanged and after.get("status") == sample.body.get("status"), \
        f"AQ-15: after PATCH {change} the sample shows {unchanged}, status {after.get('status')!r}"


@pytest.mark.rule("AQ-16")
def test_status_takes_exactly_the_five_statuses(api: Aliquora, make_sample: SampleFactory,
                                                target: Target) -> None:
    sample = make_sample(tests=0, fetch_tests=False)
    path = f"/samples/{sample.id}/status"
    for wrong in ("reported", "cancelled", "RECEIVED", "", None, 2):
        response = api.patch(path, json={"status": wrong})
        assert response.status_code == 400, \
            f"AQ-16: status {wrong!r} answered {seen(response)}, expected 400"
    now = body_of(api.get(f"/samples/{sample.id}")).get("status")
    assert now == "pending", f"AQ-16: refused statuses left the sample {now!r}"
    for status in STATUSES:
        response = api.patch(path, json={"status": status})
        if status == "pending" and not target.is_mock:
            assert response.status_code != 400, f"AQ-16: 'pending' answered {seen(response)}"
            continue
        assert response.status_code == 200, f"AQ-16: status {status!r} answered {seen(response)}"
        assert body_of(api.get(f"/samples/{sample.id}")).get("status") == status, \
            f"AQ-16: after PATCH status {status!r} the sample is not {status!r}"


@pytest.mark.rule("AQ-17")
def test_receive_takes_every_listed_sample(api: Aliquora, make_sample: SampleFactory,
                                           target: Target) -> None:
    first, second = (make_sample(tests=0, fetch_tests=False) for _ in range(2))
    ahead = make_sample(tests=0, fetch_tests=False)
    make_sample.walk(ahead.id, "processing")
    ids = [first.id, second.id, ahead.id]
    response = api.post("/samples/receive", json={"sampleIds": ids})
    assert response.status_code == 200, f"AQ-17: POST /samples/receive answered {seen(response)}"
    for sample in (first, second):
        after = body_of(api.get(f"/samples/{sample.id}"))
        assert after.get("status") == "received" and after.get("receivedAt"), \
            f"AQ-17: sample {sample.id} is {after.get('status')!r}, receivedAt " \
            f"{after.get('receivedAt')!r} after receive"
    if target.is_mock:  # our choice 6
        listed = [(s["id"], s["status"]) for s in body_of(response)["data"]]
        expected = [(first.id, "received"), (second.id, "received"), (ahead.id, "processing")]
        assert listed == expected, f"AQ-17: receive answered {listed}, expected {expected}"
