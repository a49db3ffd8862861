"""Data types, legacy flags, verbs, errors and lengths (AL-22..AL-26)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import requests

from ..target import Target
from ._client import Session, body_of, brief, results_of
from ._fixtures import (
    NUMBER_TYPES,
    SCALAR_TYPES,
    TEXT_TYPES,
    CallFactory,
    Catalog,
    actions_of,
    marker,
)

SUB_STATUSES = {"None", "ResourceNotFound", "RecordNotFound", "LinkedRecordNotFound",
                "NotSupported", "NotImplemented", "NotAllowed"}
STATUSES = {200, 201, 304, 400, 401, 403, 404, 405, 415, 500}
EXTRA_TYPES = {"Guid"}  # the guide's @Guid augmenter implies Guid-valued properties


def value_fits(kind: str, value: Any) -> bool:
    if value is None:
        return True
    if kind == "Boolean":
        return isinstance(value, bool)
    if kind in ("Integer", "Long", "Short"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in NUMBER_TYPES:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "DateTime":
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return False
        return moment.tzinfo is not None
    if kind in (*TEXT_TYPES, "Binary", "Guid"):
        return isinstance(value, str)
    return isinstance(value, int | dict) and not isinstance(value, bool)  # a lookup


def assert_error_body(rule: str, response: requests.Response) -> dict[str, Any]:
    body = body_of(response)
    for name in ("Type", "SubStatus", "Message"):
        assert isinstance(body.get(name), str), \
            f"{rule}: an error carries {name} (Type, SubStatus, Message): {brief(response)}"
    assert body["SubStatus"] in SUB_STATUSES, \
        f"{rule}: SubStatus is one of the documented values: {body['SubStatus']!r}"
    return body


# ------------------------------------------------------------------- AL-22


@pytest.mark.rule("AL-22")
def test_metadata_data_types(catalog: Catalog) -> None:
    entities = set(catalog.resources())
    resources = ["call", "person", "call-priority"]
    for resource in resources:
        props = catalog.props(resource)
        assert props, f"AL-22: {resource}/$metadata lists properties"
        for name in props:
            kind = catalog.data_type(resource, name)
            assert kind in SCALAR_TYPES or kind in entities or kind in EXTRA_TYPES, \
                f"AL-22: {resource}.{name} has data type {kind!r}, neither a documented type " \
                f"nor an entity"


@pytest.mark.rule("AL-22")
def test_values_match_their_data_types(analyst: Session, catalog: Catalog) -> None:
    for resource in ("call", "person"):
        rows = results_of(analyst.get(f"/{resource}", **{"$top": 10, "$select": "*"}))
        assert rows, f"AL-22: {resource} has records"
        for row in rows:
            for name, value in row.items():
                kind = catalog.data_type(resource, name)
                if kind is None or name.startswith("_"):
                    continue
                assert value_fits(kind, value), \
                    f"AL-22: {resource}.{name} is {kind} but reads {value!r}"


# ------------------------------------------------------------------- AL-23


@pytest.mark.rule("AL-23")
def test_flags_read_as_booleans(analyst: Session, catalog: Catalog, target: Target) -> None:
    seen: set[bool] = set()
    checked = 0
    for resource in catalog.resources().values():
        flags = [n for n in catalog.props(resource) if catalog.data_type(resource, n) == "Boolean"]
        if not flags:
            continue
        rows = results_of(analyst.get(f"/{resource}", **{"$top": 100,
                                                         "$select": ",".join(["Ref", *flags])}))
        for row in rows:
            for flag in flags:
                value = row.get(flag)
                assert value is None or isinstance(value, bool), \
                    f"AL-23: {resource}.{flag} reads {value!r}, not a boolean"
                if isinstance(value, bool):
                    seen.add(value)
                    checked += 1
    assert checked, "AL-23: some Boolean properties have values"
    if target.is_mock:  # the fixtures store both spellings in every convention
        assert seen == {True, False}, f"AL-23: flags read as both true and false, saw {seen}"


@pytest.mark.rule("AL-23")
def test_booleans_round_trip(calls: CallFactory, catalog: Catalog) -> None:
    inputs = {e.get("property") for e in calls.create_metadata().get("inputs") or []
              if isinstance(e, dict) and not e.get("readonly")}
    flags = [n for n in catalog.props_of_type("call", "Boolean") if n in inputs]
    if not flags:
        pytest.skip("not checkable: the Call Create action takes no Boolean input")
    flag = flags[0]
    created = calls.new(**{flag: True})
    record = calls.get(created["Ref"])
    assert record.get(flag) is True, f"AL-23: {flag}=true is stored and read back as true: " \
        f"{record.get(flag)!r}"
    found = calls.session.results("/call", **{"$filter": f"Ref=={created['Ref']}&&{flag}",
                                              "$select": "Ref"})
    assert [r.get("Ref") for r in found] == [created["Ref"]], \
        f"AL-23: the stored flag is true to $filter too: {found}"
    updated = calls.session.api("PUT", f"/call/{created['Ref']}", json={flag: False})
    assert updated.status_code == 200, f"AL-24: a new call may be updated: {brief(updated)}"
    assert calls.get(created["Ref"]).get(flag) is False, f"AL-23: {flag}=false reads back false"


# ------------------------------------------------------------------- AL-24


@pytest.mark.rule("AL-24")
def test_get_and_put(calls: CallFactory) -> None:
    created = calls.new()
    ref, link = created.get("Ref"), str(created.get("_self", ""))
    assert isinstance(ref, int) and link.startswith("api:"), \
        f"AL-24: a create answers Ref and _self: {created}"
    assert "_context" in created and actions_of(created), \
        f"AL-24: a create answers _context and _actions: {sorted(created)}"
    record = calls.get(created["Ref"])
    assert record.get("Ref") == created["Ref"], "AL-24: GET reads the created record"
    text = marker()
    name = "Description" if "Description" in calls.catalog.props("call") else None
    if name is None:
        pytest.skip("not checkable: Call has no Description")
    updated = calls.act(record, "Update", {name: text}) if "Update" in actions_of(record) else \
        calls.session.api("PUT", f"/call/{created['Ref']}", json={name: text})
    assert updated.status_code == 200, f"AL-24: PUT updates: {brief(updated)}"
    assert calls.get(created["Ref"]).get(name) == text, "AL-24: the update is stored"


@pytest.mark.rule("AL-24")
def test_attachment_upload_and_delete(calls: CallFactory, target: Target) -> None:
    created = calls.new()
    upload = calls.session.api("POST", f"/call/{created['Ref']}/attachments",
                               files={"file": ("note.txt", b"apidouble attachment\n",
                                               "text/plain")})
    assert upload.status_code == 201, f"AL-24: a multipart upload creates an attachment: " \
        f"{brief(upload)}"
    attachment = body_of(upload)
    ref = attachment.get("Ref")
    assert isinstance(ref, int), f"AL-24: the attachment has a Ref: {attachment}"
    assert calls.session.get(f"/attachment/{ref}").status_code == 200, \
        "AL-24: the attachment can be read"
    deleted = calls.session.api("DELETE", f"/attachment/{ref}")
    assert deleted.status_code in (200, 204), f"AL-24: DELETE deletes an attachment: " \
        f"{brief(deleted)}"
    gone = calls.session.get(f"/attachment/{ref}")
    assert gone.status_code == 404, f"AL-24: a deleted attachment is gone: {brief(gone)}"
    if target.is_mock:
        refused = calls.session.api("DELETE", f"/call/{created['Ref']}")
        assert refused.status_code == 405, \
            f"AL-24: DELETE only where appropriate: a call answers 405: {brief(refused)}"


@pytest.mark.rule("AL-24")
def test_action_metadata_describes_methods(analyst: Session) -> None:
    for action in ("$submit", "$lock"):
        response = analyst.get(f"/call/{action}", **{"$options": ""})
        meta = body_of(response)
        assert response.status_code == 200, f"AL-24: call/{action}?$options answers: " \
            f"{brief(response)}"
        methods = meta.get("methods")
        assert isinstance(methods, list) and set(methods) <= {"GET", "POST", "PUT", "DELETE"} \
            and methods, f"AL-24: the action's metadata lists its methods: {methods!r}"


# ------------------------------------------------------------------- AL-25


@pytest.mark.rule("AL-25")
def test_not_found_tells_url_from_record(analyst: Session) -> None:
    no_resource = analyst.get("/apidouble-no-such-entity")
    assert no_resource.status_code == 404, f"AL-25: an unknown resource is 404: " \
        f"{brief(no_resource)}"
    assert assert_error_body("AL-25", no_resource)["SubStatus"] == "ResourceNotFound", \
        "AL-25: a bad URL is ResourceNotFound"
    no_record = analyst.get("/call/2147483000")
    assert no_record.status_code == 404, f"AL-25: a missing call is 404: {brief(no_record)}"
    assert assert_error_body("AL-25", no_record)["SubStatus"] == "RecordNotFound", \
        "AL-25: a missing record is RecordNotFound"


@pytest.mark.rule("AL-25")
def test_error_bodies_and_statuses(analyst: Session, alemba: Any) -> None:
    responses = {
        "bad filter": analyst.get("/call", **{"$filter": "Priority=="}),
        "bad top": analyst.get("/call", **{"$top": "many"}),
        "no token": alemba.api("GET", "/call", None),
        "wrong method": analyst.api("PATCH", "/call"),
        "not json": analyst.api("POST", "/call", data="x", headers={"Content-Type": "text/plain"}),
    }
    expected = {"bad filter": 400, "bad top": 400, "no token": 401, "wrong method": 405,
                "not json": 415}
    for what, response in responses.items():
        assert response.status_code in STATUSES, \
            f"AL-25: only the documented statuses are returned ({what}): {brief(response)}"
        assert response.status_code == expected[what] or (
            what == "not json" and response.status_code == 400), \
            f"AL-25: {what} answers {expected[what]}: {brief(response)}"
        assert_error_body("AL-25", response)


@pytest.mark.rule("AL-25")
def test_validation_failure_shape(calls: CallFactory) -> None:
    response = calls.session.api("POST", "/call", json={})
    assert response.status_code == 400, f"AL-25: an empty call is refused: {brief(response)}"
    body = body_of(response)
    assert body.get("Type") == "FieldValidationException", \
        f"AL-25: validation failures are FieldValidationException: {brief(response)}"
    errors = body.get("Errors")
    assert isinstance(errors, dict) and errors and all(
        isinstance(v, list) and all(isinstance(m, str) for m in v) for v in errors.values()), \
        f"AL-25: Errors maps each field to its messages: {errors!r}"


# ------------------------------------------------------------------- AL-26


@pytest.mark.rule("AL-26")
def test_text_length_is_enforced(calls: CallFactory) -> None:
    inputs = {e.get("property") for e in calls.create_metadata().get("inputs") or []
              if isinstance(e, dict) and not e.get("readonly")}
    props = calls.catalog.props("call")
    limited = [(n, p["length"]) for n, p in props.items() if n in inputs
               and calls.catalog.data_type("call", n) == "Text"
               and isinstance(p.get("length"), int) and 0 < p["length"] <= 4000]
    if not limited:
        pytest.skip("not checkable: the Call Create action has no Text input with a length")
    name, length = limited[0]
    fits = calls.create(**{name: "x" * length})
    assert fits.status_code == 201, f"AL-26: {name} of exactly {length} characters is accepted: " \
        f"{brief(fits)}"
    long = calls.create(**{name: "x" * (length + 1)})
    assert long.status_code == 400, f"AL-26: {name} longer than {length} is 400: {brief(long)}"
    errors = body_of(long).get("Errors")
    if isinstance(errors, dict):
        assert name in errors, f"AL-26: the error names {name}: {errors}"
