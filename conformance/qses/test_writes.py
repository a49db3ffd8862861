"""POST creates from the GET DTO with Location (QS-10); PUT replaces the record (QS-11).

Every request here writes: against anything but our mock only with
``--allow-writes``, and then only records this run creates.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pytest

from apidouble.conformance.target import Target

from ._client import Crms, body_of, marker, seen

SERVER_FIELDS = ("CrmNumber", "CreatedDate", "ModifiedDate")


def new_contact_body(template: dict[str, Any]) -> dict[str, Any]:
    """The GET DTO of an existing contact, made into someone new."""
    tag = marker()
    return {**template, "Name": "Apidouble", "Surname": f"Conformance {tag[-8:]}",
            "EmailAddress": f"{tag}@apidouble.invalid", "StudentInstitutionId": None,
            "Mobile": "+61 400 000 000", "MiddleName": "Middle"}


def create(target: Target, crms: Crms, template: dict[str, Any]) -> tuple[Any, dict]:
    body = new_contact_body(template)
    response = crms.post("/contacts", json=body)
    assert 200 <= response.status_code < 300, f"QS-10: POST contacts answered {seen(response)}"
    if target.is_mock:
        assert response.status_code == 201, f"QS-10: POST contacts answered {seen(response)}"
    return response, body


@pytest.mark.rule("QS-10")
def test_post_a_contact_from_the_get_dto(target: Target, crms: Crms,
                                         some_contact: dict[str, Any]) -> None:
    target.need_writes()
    response, body = create(target, crms, some_contact)
    location = response.headers.get("Location")
    assert location, f"QS-10: POST contacts answered without Location: {seen(response)}"
    again = crms.get(urljoin(response.url, location))
    record = body_of(again).get("Data") or {}
    assert again.status_code == 200 and record.get("EmailAddress") == body["EmailAddress"], \
        f"QS-10: GET {location} answered {seen(again)}"


@pytest.mark.rule("QS-10")
def test_post_an_other_communication(target: Target, crms: Crms,
                                     some_contact: dict[str, Any]) -> None:
    target.need_writes()
    created, _ = create(target, crms, some_contact)
    number = (body_of(created).get("Data") or {}).get("CrmNumber")
    response = crms.post("/othercommunications", json={
        "CrmNumber": number, "Incoming": True, "CommunicationTypeId": 1,
        "CommunicationCategoryId": 1, "SubChannelId": 1, "Headline": marker()})
    assert 200 <= response.status_code < 300 and response.headers.get("Location"), \
        f"QS-10: POST othercommunications answered {seen(response)} " \
        f"(Location {response.headers.get('Location')!r})"
    if target.is_mock:
        assert response.status_code == 201 and isinstance(response.json(), int), \
            f"QS-10: expected 201 and the new id, bare: {seen(response)}"


@pytest.mark.rule("QS-11")
def test_put_writes_null_for_left_out_fields(target: Target, crms: Crms,
                                             some_contact: dict[str, Any]) -> None:
    target.need_writes()
    created, _ = create(target, crms, some_contact)
    record = dict(body_of(created).get("Data") or {})
    number = record.get("CrmNumber")
    assert record.get("MiddleName") == "Middle", f"QS-11: setup: created {record}"
    body = {k: v for k, v in record.items() if k not in ("MiddleName", "Mobile")}
    body["Intake"] = "2027 Semester 2"
    response = crms.put(f"/contacts/{number}", json=body)
    assert 200 <= response.status_code < 300, f"QS-11: PUT answered {seen(response)}"
    stored = body_of(crms.get(f"/contacts/{number}")).get("Data") or {}
    assert stored.get("MiddleName") is None and stored.get("Mobile") is None, \
        f"QS-11: fields left out of the PUT kept their values: MiddleName " \
        f"{stored.get('MiddleName')!r}, Mobile {stored.get('Mobile')!r}"
    assert stored.get("Intake") == "2027 Semester 2", f"QS-11: PUT did not write: {stored}"


@pytest.mark.rule("QS-11")
def test_our_mock_ignores_server_fields_on_put(target: Target, crms: Crms,
                                               some_contact: dict[str, Any]) -> None:
    target.need_mock("which fields are ignored on PUT is documented in our spec")
    created, _ = create(target, crms, some_contact)
    record = dict(body_of(created).get("Data") or {})
    number = record["CrmNumber"]
    body = {**record, "CrmNumber": 1, "CreatedDate": "2001-01-01T00:00:00.000Z"}
    response = crms.put(f"/contacts/{number}", json=body)
    stored = body_of(response).get("Data") or {}
    assert response.status_code == 200 and stored.get("CrmNumber") == number and \
        stored.get("CreatedDate") == record["CreatedDate"], \
        f"QS-11: CrmNumber/CreatedDate on PUT were not ignored: {seen(response)}"
