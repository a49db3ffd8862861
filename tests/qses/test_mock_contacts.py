"""Contacts and communications on the mock: envelopes, POST/PUT, Web API 2 errors."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .conftest import API, person


def test_collection_and_single_envelopes(api: Any) -> None:
    page = api.get("/courses?limit=5&offset=2").get_json()
    assert set(page) == {"Data", "Meta"} and len(page["Data"]) == 5
    assert page["Meta"] == {"Offset": 2, "Limit": 5, "HasMore": True, "TotalCount": None}
    counted = api.get("/courses?limit=5&returnTotal=true").get_json()["Meta"]
    assert isinstance(counted["TotalCount"], int) and counted["TotalCount"] > 5
    one = api.get(f"/courses/{page['Data'][0]['Id']}").get_json()
    assert one["Meta"] == {} and one["Data"]["Id"] == page["Data"][0]["Id"]
    assert api.get("/courses?limit=500").get_json()["Meta"]["Limit"] == 50
    calls = api.get("/contacts/100001/phonecommunications?limit=400").get_json()["Meta"]
    assert calls["Limit"] == 250


def test_course_filters_match_as_written(api: Any) -> None:
    """Each filter's value is bound into a statement kept per set of filters given."""
    every = api.get("/courses?limit=50").get_json()["Data"]
    course = every[0]
    part = course["Name"][3:9].upper()
    for query, wanted in (
            (f"nameContains={part}", [c for c in every if part.lower() in c["Name"].lower()]),
            (f"code={course['Code'].lower()}", [course]),
            (f"facultyId={course['FacultyId']}&nameContains={part}",
             [c for c in every if part.lower() in c["Name"].lower()
              and c["FacultyId"] == course["FacultyId"]]),
            ("nameContains=%25", []), ("nameContains=_", []), ("codeContains=/", [])):
        found = api.get(f"/courses?limit=50&{query}").get_json()["Data"]
        assert [c["Id"] for c in found] == [c["Id"] for c in wanted], query


def test_search_by_email_ignores_case(api: Any) -> None:
    contact = api.get("/contacts?limit=1").get_json()["Data"][0]
    found = api.get(f"/contacts?EMAILADDRESS={contact['EmailAddress'].upper()}").get_json()
    assert [c["CrmNumber"] for c in found["Data"]] == [contact["CrmNumber"]]


def test_post_answers_201_with_location_and_put_nulls_left_out_fields(api: Any) -> None:
    created = api.post("/contacts", json=person(MiddleName="Thi", tags=["webinar"]))
    assert created.status_code == 201
    record = created.get_json()["Data"]
    assert created.headers["Location"].endswith(f"{API}/contacts/{record['CrmNumber']}")
    assert record["MiddleName"] == "Thi" and record["Tags"] == ["webinar"]  # names any case
    body = {k: v for k, v in record.items() if k not in ("MiddleName", "Tags")}
    body.update(CrmNumber=1, CreatedDate="2000-01-01T00:00:00Z", Intake="2027 Semester 1")
    replaced = api.put(f"/contacts/{record['CrmNumber']}", json=body).get_json()["Data"]
    assert replaced["MiddleName"] is None and replaced["Tags"] is None
    assert replaced["Intake"] == "2027 Semester 1"
    assert replaced["CrmNumber"] == record["CrmNumber"]
    assert replaced["CreatedDate"] == record["CreatedDate"]


def test_model_state_errors(api: Any) -> None:
    response = api.post("/contacts", json={"Name": "", "Gender": "Q", "DateOfBirth": "soon",
                                            "Courses": [{"CourseId": 99999}]})
    body = response.get_json()
    assert response.status_code == 400 and body["Message"] == "The request is invalid."
    assert set(body["ModelState"]) == {"contact.Name", "contact.Surname", "contact.Gender",
                                       "contact.DateOfBirth", "contact.Courses"}
    malformed = api.post("/contacts", data=b"{nope", content_type="application/json")
    assert malformed.status_code == 400 and "contact" in malformed.get_json()["ModelState"]


def test_415_for_bodies_that_are_not_json(api: Any) -> None:
    for path in ("/contacts", "/processes/upsertcontact", "/othercommunications"):
        response = api.post(path, data=b"<Contact/>", content_type="application/xml")
        body = response.get_json()
        assert response.status_code == 415
        assert body["ExceptionType"] == "System.Net.Http.UnsupportedMediaTypeException"
        assert "'application/xml'" in body["Message"] and body["StackTrace"]
    accepted = api.post("/processes/preprocessupsertcontacts", data=b"[]",
                        content_type="text/json")
    assert accepted.status_code == 200


def test_json_with_charset_whatever_accept(api: Any, app: Flask) -> None:
    for accept in ("application/xml", "text/html"):
        for response in (api.get("/courses", headers={"Accept": accept}),
                         app.test_client().get(f"{API}/courses", headers={"Accept": accept}),
                         api.get("/no/such/route", headers={"Accept": accept})):
            assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_unknown_ids_routes_and_methods(api: Any) -> None:
    assert api.get("/contacts/9").get_json() == {
        "Message": "No contact was found with CrmNumber 9."}
    unknown = api.get("/nothing").get_json()
    assert unknown["Message"].startswith("No HTTP resource was found") and \
        "MessageDetail" in unknown
    assert api.delete("/contacts/100001").get_json() == {
        "Message": "The requested resource does not support http method 'DELETE'."}


def test_doubled_slashes_and_route_case(api: Any) -> None:
    assert api.get("//Contacts/100001").status_code == 200
    assert api.get("/contacts//100001/ContactAddresses").status_code == 200


def test_no_cors_and_preflights_refused(app: Flask, api: Any) -> None:
    preflight = app.test_client().options(f"{API}/contacts", headers={
        "Origin": "https://x.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 405
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Origin" not in api.get(
        "/courses", headers={"Origin": "https://x.example"}).headers


def test_other_communication_answers_the_new_id_bare(api: Any) -> None:
    response = api.post("/othercommunications", json={
        "crmnumber": 100001, "Incoming": False, "CommunicationTypeID": 1,
        "communicationCategoryId": 2, "SubChannelId": 3, "Headline": "Offer sent",
        "Id": 5, "Labels": ["offer"]})
    new_id = response.get_json()
    assert response.status_code == 201 and isinstance(new_id, int) and new_id != 5
    assert response.headers["Location"].endswith(f"/othercommunications/{new_id}")
    record = api.get(f"/othercommunications/{new_id}").get_json()["Data"]
    assert record["CommunicationTypeId"] == 1 and record["Labels"] == ["offer"]
    content = api.put(f"/othercommunications/{new_id}/communicationcontent",
                      json={"content": "<p>Hi</p>"}).get_json()["Data"]
    assert content == {"OtherCommunicationId": new_id, "Content": "<p>Hi</p>",
                       "ContentType": None}
    too_long = api.post("/othercommunications", json={
        "CrmNumber": 100001, "Incoming": True, "CommunicationTypeId": 1,
        "CommunicationCategoryId": 1, "SubChannelId": 1, "Headline": "x" * 401})
    assert "communication.Headline" in too_long.get_json()["ModelState"]
    unknown = api.post("/othercommunications", json={
        "CrmNumber": 2147483647, "Incoming": True, "CommunicationTypeId": 1,
        "CommunicationCategoryId": 1, "SubChannelId": 1})
    assert unknown.status_code == 400
