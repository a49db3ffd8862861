"""Alemba mock: metadata (AL-09..AL-13), create and the call life cycle, locks, validation,
flags (AL-23), attachments, and the error envelope (AL-25)."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import pytest

from apidouble.mock_server.alemba.demo import Demo

PROPERTY_FIELDS = {"name", "displayName", "type", "description", "usage", "isKey", "noSearch",
                   "defaultValue", "length", "uppercase"}
NEW_CALL = {"ShortDescription": "Laptop will not boot", "IpkStatus": 1, "IpkStream": 0,
            "Partition": 1, "Priority": 3, "User": 40}


@pytest.fixture(scope="module")
def shared() -> Demo:
    return Demo.start()


@pytest.fixture
def demo(shared: Demo) -> Iterator[Demo]:
    shared.reset()
    shared.login("analyst")
    yield shared


def test_root_metadata_for_any_unqualified_url(demo: Demo) -> None:
    for url in ("/alemba.api", "/alemba.api/api", "/alemba.api/api/v1",
                "/alemba.api/api?$metadata&$options"):
        body = demo.client.get(url, headers=demo.headers()).json
        assert body["_links"]["Call"] == [{"_self": "api:v1/call/$metadata"}]


def test_entity_metadata_shape(demo: Demo) -> None:
    body = demo.get("call/$metadata").json
    assert {"children", "description", "name", "properties", "status", "_actions", "_context",
            "_links", "_self"} <= set(body)
    assert body["children"] == [{"_self": "api:v1/incident/$metadata"}]
    assert all(set(prop) == PROPERTY_FIELDS for prop in body["properties"])
    short = next(p for p in body["properties"] if p["name"] == "ShortDescription")
    assert short["length"] == 80 and short["type"]["dataType"] == "Text"
    service = next(p for p in body["properties"] if p["name"] == "Service")
    assert service["type"]["dataType"] == "Service" and "Lookup" in service["type"]["displayTypes"]
    assert demo.get("call?$options").json == body
    assert demo.get("incident/$metadata").json["_context"] == "api:v1/call/$metadata"


def test_action_metadata(demo: Demo) -> None:
    for url in ("call/$create?$options", "call/$Create"):
        body = demo.get(url).json
        assert body["href"] == "api:v1/call" and body["methods"] == ["POST"]
        inputs = {i["property"]: i for i in body["inputs"]}
        assert inputs["Partition"]["required"] is True and inputs["Status"]["readonly"] is True
        assert "required" not in inputs["Description"]
    forward = demo.get("call/3/forward?$options").json
    assert forward["href"] == "api:v1/call/3/forward"
    assert forward["inputs"][0]["property"] == "$action.Officer"


def test_create_submit_and_actions_by_state(demo: Demo) -> None:
    created = demo.post("call", NEW_CALL)
    assert created.status_code == 201
    ref = created.json["Ref"]
    assert created.json["_self"] == f"api:v1/incident/{ref}"
    assert set(created.json["_actions"]) == {"Submit", "Update", "Defer"}
    assert created.json["_actions"]["Submit"][0]["href"] == f"api:v1/incident/{ref}/submit"
    submitted = demo.put(f"call/{ref}/submit")
    assert submitted.json["Status"] == "Open" and set(submitted.json["_actions"]) == {"Lock"}
    locked = demo.put(f"call/{ref}/lock")
    assert set(locked.json["_actions"]) == {"Update", "Forward", "Defer", "Close", "Unlock"}
    forwarded = demo.put(f"call/{ref}/forward", {"$action": {"Officer": 7}})
    assert forwarded.json["Officer"] == 7 and set(forwarded.json["_actions"]) == {"Lock"}
    demo.put(f"call/{ref}/lock")
    closed = demo.put(f"call/{ref}/close", {"$action": {"Resolution": "Fixed"}})
    assert closed.json["Status"] == "Closed" and set(closed.json["_actions"]) == {"Reopen"}
    reopened = demo.put(f"call/{ref}/reopen")
    assert reopened.json["Status"] == "Open" and reopened.json["ClosedDate"] is None


def test_unsubmitted_call_is_visible_only_to_its_creator(demo: Demo) -> None:
    ref = demo.post("call", NEW_CALL).json["Ref"]
    other = Demo.start(demo.app)
    other.login("analyst2")
    assert other.get(f"call/{ref}").status_code == 404


def test_each_reader_gets_only_what_they_may_see(demo: Demo) -> None:
    """A Get runs one statement per kind of reader (``records.load``), compiled at the
    first Get: whoever reads next, with their own person, still gets their own answer."""
    user = Demo.start(demo.app)
    user.login("user")
    other = Demo.start(demo.app)
    other.login("analyst2")
    users_new_call = user.post("call", {**NEW_CALL, "User": None}).json["Ref"]
    analysts_new_call = demo.post("call", NEW_CALL).json["Ref"]
    for _ in range(2):
        assert user.get(f"call/{users_new_call}").status_code == 200
        assert user.get(f"call/{analysts_new_call}").status_code == 404
        assert demo.get(f"call/{users_new_call}").status_code == 404
        assert demo.get(f"call/{analysts_new_call}").status_code == 200
        assert other.get(f"call/{analysts_new_call}").status_code == 404


def test_actions_not_offered_are_refused(demo: Demo) -> None:
    open_ref = demo.get("call?$filter=Status==\"Open\"&&!@IsDeleted&$top=1").json["results"][0]
    ref = int(open_ref["_self"].rsplit("/", 1)[1])
    refused = demo.put(f"call/{ref}/reopen")
    assert (refused.status_code, refused.json["SubStatus"]) == (403, "NotAllowed")
    assert demo.put(f"call/{ref}", {"Urgent": True}).status_code == 403
    demo.put(f"call/{ref}/lock")
    other = Demo.start(demo.app)
    other.login("analyst2")
    blocked = other.put(f"call/{ref}/lock")
    assert blocked.status_code == 403
    assert blocked.json["Message"].startswith("Record locked by ")
    assert blocked.json == {"Type": "HttpStatusException", "SubStatus": "None",
                            "Message": blocked.json["Message"]}
    assert set(other.get(f"call/{ref}").json["_actions"]) == {"Lock"}


def test_lock_lapses_with_its_session(demo: Demo) -> None:
    ref = demo.get("call?$filter=Status==\"Open\"&&!@IsDeleted&$top=1").json["results"][0]
    ref = int(ref["_self"].rsplit("/", 1)[1])
    demo.put(f"call/{ref}/lock")
    session = demo.client.get("/__admin/sessions").json["sessions"][0]["session"]
    demo.client.delete(f"/__admin/sessions/{session}")
    demo.login("analyst2")
    assert demo.put(f"call/{ref}/lock").status_code == 200


def test_validation_errors(demo: Demo) -> None:
    response = demo.post("call", {"ShortDescription": "x" * 81, "Priority": 99, "Nope": 1})
    assert response.status_code == 400
    body = response.json
    assert body["Type"] == "FieldValidationException"
    assert body["Message"] == "The request is invalid"
    errors = body["Errors"]
    assert {"ShortDescription", "Priority", "Nope", "IpkStatus", "IpkStream",
            "Partition"} <= set(errors)
    assert errors["ShortDescription"][0].startswith("MaxLength")
    assert demo.post("call", {**NEW_CALL, "Partition": 3}).status_code == 201


def test_flags_read_as_booleans_and_write_back_in_their_convention(demo: Demo) -> None:
    person = demo.get("person/30").json
    assert person["Active"] is True and person["IsAnalyst"] is False
    assert demo.put("person/30", {"Active": False}).json["Active"] is False
    storage = demo.app.extensions["apidouble"].storage
    with storage.connect() as connection:
        stored = connection.execute(storage["persons"].select().where(
            storage["persons"].c.ref == 30)).one()
    assert stored.active == "I" and stored.is_analyst == "N"
    location = demo.put("location/2", {"Active": False}).json
    assert location["Active"] is False
    with storage.connect() as connection:
        row = connection.execute(storage["locations"].select().where(
            storage["locations"].c.ref == 2)).one()
    assert row.active == "FALSE"


def test_uppercase_text_is_capitalised(demo: Demo) -> None:
    created = demo.post("organization", {"Name": "Initech", "Code": "init"})
    assert created.status_code == 201 and created.json["Code"] == "INIT"


def test_attachments(demo: Demo) -> None:
    ref = demo.post("call", NEW_CALL).json["Ref"]
    upload = demo.client.post(f"/alemba.api/api/v1/call/{ref}/attachments",
                              data={"file": (BytesIO(b"hello"), "note.txt", "text/plain")},
                              headers=demo.headers(), content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.json["Size"] == 5
    listed = demo.get(f"call/{ref}/attachment?$filter=BinaryData!=null&$select=FileName")
    assert [r["FileName"] for r in listed.json["results"]] == ["note.txt"]
    attachment = upload.json["Ref"]
    assert demo.get(f"attachment/{attachment}/content").data == b"hello"
    assert demo.delete(f"attachment/{attachment}").status_code == 200
    assert demo.get(f"attachment/{attachment}").status_code == 404
    wrong = demo.post(f"call/{ref}/attachments", {"x": 1})
    assert wrong.status_code == 415


def test_methods_and_media_types(demo: Demo) -> None:
    assert demo.delete("call/3").status_code == 405
    assert demo.client.patch("/alemba.api/api/v1/call", headers=demo.headers()).status_code == 405
    raw = demo.client.post("/alemba.api/api/v1/call", data="x", content_type="text/plain",
                           headers=demo.headers())
    assert raw.status_code == 415
    broken = demo.client.post("/alemba.api/api/v1/call", data="{", headers=demo.headers(),
                              content_type="application/json")
    assert broken.status_code == 400 and broken.json["SubStatus"] == "None"


def test_user_session_sees_only_own_calls(demo: Demo) -> None:
    user = Demo.start(demo.app)
    user.login("user")
    me = user.credentials["user"]["personRef"]
    results = user.get("call?$select=User,CreatedBy&$top=500").json["results"]
    assert all(me in (r["User"], r["CreatedBy"]) for r in results)
    created = user.post("call", {**NEW_CALL, "User": None})
    assert created.status_code == 201 and created.json["User"] == me
