"""Every worked example of the vendor's Alemba documents that is an API request, against
the mock, example by example (the browser pages and interactive single sign-on aside).

Named ``test_<document>__<section>[_<detail>]``: ``guide`` is the API Programmers' Guide,
``cookbook`` the Programmers' Cookbook, ``recipes`` the Cookbook's Recipes
(``/work/shared/reference/alemba/``). Each checks the status, the structure and the
values the document shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from apidouble.mock_server.alemba.demo import Demo

ANALYST_CALL = {"ShortDescription": "Email bounces", "IpkStatus": 4, "IpkStream": 0,
                "Partition": 1, "User": 21}


@pytest.fixture(scope="module")
def shared() -> Demo:
    return Demo.start()


@pytest.fixture
def demo(shared: Demo) -> Iterator[Demo]:
    shared.reset()
    shared.login("analyst")
    yield shared


def other(demo: Demo, role: str) -> Demo:
    second = Demo.start(demo.app)
    second.login(role)
    return second


def search(demo: Demo, path: str, **params: str) -> dict[str, Any]:
    query = "&".join(f"{key}={quote(value, safe='')}" for key, value in params.items())
    response = demo.get(f"{path}?{query}" if query else path)
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def refs(body: dict[str, Any]) -> list[int]:
    return [int(result["_self"].rsplit("/", 1)[1]) for result in body["results"]]


# --- Programmers' Guide: Authentication -------------------------------------------------

def test_guide__logging_in_password_and_refresh(demo: Demo) -> None:
    grant = demo.login("analyst")
    assert {"expires_in", "access_token", "refresh_token", "scope"} <= set(grant)
    assert grant["expires_in"] == 600 and grant["scope"] == "session-type:Analyst"
    form = {"client_id": demo.credentials["analyst"]["client_id"],
            "grant_type": "refresh_token", "scope": "session-type:Analyst",
            "refresh_token": grant["refresh_token"]}
    renewed = demo.post_login(form)
    assert renewed.status_code == 200 and renewed.json["refresh_token"] != grant["refresh_token"]
    assert demo.post_login(form).status_code in (400, 401)  # the old one is spent


def test_guide__logging_out(demo: Demo) -> None:
    grant = demo.login("analyst")
    logout = demo.client.post("/alemba.web/oauth/login", data={"token": grant["refresh_token"]},
                              headers=demo.headers(grant["access_token"]))
    assert logout.status_code == 200


# --- Programmers' Guide: A programmatically discoverable API ----------------------------

@pytest.mark.parametrize("url", ["/alemba.api/api?$metadata&$options", "/alemba.api",
                                 "/alemba.api/api", "/alemba.api/api/v1"])
def test_guide__discoverable_api_root(demo: Demo, url: str) -> None:
    body = demo.client.get(url, headers=demo.headers()).json
    assert body["_links"]["Approval"] == [{"_self": "api:v1/approval/$metadata"}]
    assert body["_links"]["Call"] == [{"_self": "api:v1/call/$metadata"}]
    assert body["description"].startswith("A description of the API")
    for links in body["_links"].values():  # every top-level entity is behind its link
        assert demo.get(links[0]["_self"].removeprefix("api:v1/")).status_code == 200


def test_guide__discoverable_api_approval_entity(demo: Demo) -> None:
    meta = demo.get("approval/$metadata").json
    assert meta["name"] == "Approval" and {"Approve", "Reject", "Search"} <= set(meta["_actions"])
    pending = search(demo, "approval", **{"$filter": 'Status=="Pending"&&Approver==@UserId'})
    ref = refs(pending)[0]
    assert set(demo.get(f"approval/{ref}").json["_actions"]) == {"Approve", "Reject"}
    decided = demo.put(f"approval/{ref}/approve", {"$action": {"Comments": "Fine"}})
    assert decided.status_code == 200 and decided.json["Status"] == "Approved"
    assert demo.put(f"approval/{ref}/reject").status_code == 403


def test_guide__discoverable_api_call_children_and_options(demo: Demo) -> None:
    meta = demo.get("call/$metadata").json
    assert {"_self": "api:v1/incident/$metadata"} in meta["children"]
    assert demo.get("call?$options").json == meta
    create = demo.client.get("/alemba.api/api/call/$create?$options", headers=demo.headers())
    assert create.status_code == 200 and create.json["href"] == "api:v1/call"


def test_guide__discovering_the_entity_actions(demo: Demo) -> None:
    forward = demo.get("call/1/forward?$options").json
    assert forward["href"] == "api:v1/call/1/forward" and forward["methods"]
    closed = search(demo, "call", **{"$filter": 'Status=="Closed"&&!@IsDeleted', "$top": "1"})
    ref = refs(closed)[0]
    assert "Reopen" in demo.get(f"call/{ref}").json["_actions"]


# --- Programmers' Guide: Searching, Paging, Selecting columns ---------------------------

def test_guide__searching_get_call(demo: Demo) -> None:
    body = search(demo, "call")
    assert body["_self"].endswith("$top=100")
    assert all({"_context", "_self"} <= set(result) for result in body["results"])
    assert {"api:v1/call/$metadata", "api:v1/incident/$metadata"} <= {
        result["_context"] for result in body["results"]}


def test_guide__paging(demo: Demo) -> None:
    assert len(search(demo, "call", **{"$top": "30"})["results"]) == 30
    ascending = refs(search(demo, "call", **{"$orderby": "Ref", "$top": "5"}))
    assert ascending == sorted(ascending)
    assert refs(search(demo, "call", **{"$orderby": "Ref asc", "$top": "5"})) == ascending
    descending = refs(search(demo, "call", **{"$orderby": "Ref desc", "$top": "5"}))
    assert descending == sorted(descending, reverse=True)
    first = refs(search(demo, "call", **{"$orderby": "Ref", "$top": "60"}))
    page = refs(search(demo, "call", **{"$orderby": "Ref", "$skip": "30", "$top": "30"}))
    assert page == first[30:60]
    counted = search(demo, "call", **{"$top": "30", "$inlinecount": "true"})
    assert counted["__count"] > 30 and len(counted["results"]) == 30


def test_guide__selecting_columns(demo: Demo) -> None:
    row = search(demo, "call", **{"$select": "Ref,Description", "$top": "1"})["results"][0]
    assert {"Ref", "Description", "_context", "_self"} == set(row)
    nested = search(demo, "call", **{"$select": "Ref,Description,Priority.Name",
                                     "$filter": "Priority==3", "$top": "1"})["results"][0]
    assert nested["Priority"] == {"Name": "Priority 3 - Medium",
                                  "_context": "api:v1/call-priority/$metadata",
                                  "_self": "api:v1/call-priority/3"}
    deep = search(demo, "call", **{"$select": "Ref,Description,Service.Location.Name",
                                   "$top": "1"})["results"][0]
    assert deep["Service"]["Location"]["_context"] == "api:v1/location/$metadata"
    assert deep["Service"]["_context"] == "api:v1/service/$metadata"
    alias = "Ref,Description,LocationName:Service.Location.Name"
    aliased = search(demo, "call", **{"$select": alias, "$top": "1"})["results"][0]
    assert aliased["LocationName"] == deep["Service"]["Location"]["Name"]
    state = search(demo, "call", **{"$select": "Ref,@AssignmentState", "$top": "1"})["results"][0]
    assert state["AssignmentState"] in ("Assigned to Me", "Assigned", "Unassigned")
    everything = search(demo, "call", **{"$select": "*", "$top": "1"})["results"][0]
    assert {"Ref", "ShortDescription", "DescriptionHtml", "ActualLogDate"} <= set(everything)


# --- Programmers' Guide: Filtering -------------------------------------------------------

def test_guide__filtering_equality_and_binary(demo: Demo) -> None:
    priority = search(demo, "call", **{"$filter": "Priority==1", "$select": "Priority"})
    assert priority["results"] and all(r["Priority"] == 1 for r in priority["results"])
    with_files = search(demo, "call", **{"$filter": "@IsDeleted||!@IsDeleted",
                                         "$select": "Ref", "$top": "400"})
    assert with_files["results"]
    attachment = demo.get("call/9/attachment?$filter=BinaryData!=null")
    assert attachment.status_code == 200 and attachment.json["results"]


def test_guide__filtering_booleans(demo: Demo) -> None:
    other(demo, "analyst2")  # somebody is logged in
    logged_in = refs(search(demo, "person", **{"$filter": "IsLoggedIn==true", "$top": "100"}))
    assert logged_in and refs(search(demo, "person", **{"$filter": "IsLoggedIn",
                                                         "$top": "100"})) == logged_in
    out = refs(search(demo, "person", **{"$filter": "IsLoggedIn==false", "$top": "100"}))
    assert out == refs(search(demo, "person", **{"$filter": "!IsLoggedIn", "$top": "100"}))
    assert not set(out) & set(logged_in)


@pytest.mark.parametrize("expression", [
    "CreatedDate>@DateTime(2017-01-01T00:00:00.000+1)",
    "CreatedDate==@Now",
    "CreatedDate>@NowOffset(0,-1,-30)",
    "CreatedDate>=@DateTime(2017-01-01T00:00:00.000+1)&&CreatedDate<=@NowOffset(0,0,-30)",
    'ShortDescription.Contains("email")',
    'ShortDescription.StartsWith("email")',
    'ShortDescription.EndsWith("email")',
    "Number1>=3",
    "((Number1>=3\u200b||Number2==1)&&(Priority==3||Priority==1))"
    "||(CreatedDate>@NowOffset(0,0,-30)\u200b\u200b\u200b&&@IsAssignedToMe)",
])
def test_guide__filtering_expressions(demo: Demo, expression: str) -> None:
    assert demo.get(f"call?$filter={quote(expression, safe='')}").status_code == 200


def test_guide__filtering_dates_select_the_right_calls(demo: Demo) -> None:
    everything = search(demo, "call", **{"$inlinecount": "true", "$top": "1"})["__count"]
    since = search(demo, "call", **{"$filter": "CreatedDate>@DateTime(2017-01-01T00:00:00.000+1)",
                                    "$inlinecount": "true", "$top": "1"})
    assert since["__count"] == everything
    ref = demo.post("call", ANALYST_CALL).json["Ref"]
    recent = refs(search(demo, "call", **{"$filter": "CreatedDate>@NowOffset(0,-1,-30)"}))
    assert ref in recent


def test_guide__filtering_url_encoded_example(demo: Demo) -> None:
    encoded = ("((Number1%3E%3D3%E2%80%8B%7C%7CNumber2%3D%3D1)%26%26(Priority%3D%3D3%7C%7C"
               "Priority%3D%3D1))%7C%7C(CreatedDate%3E%40NowOffset(0,0,-30)%E2%80%8B%E2%80%8B"
               "%E2%80%8B%26%26%40IsAssignedToMe)")
    assert demo.get(f"call?$filter={encoded}").status_code == 200


def test_guide__filtering_typo_in_the_or_example_is_a_400(demo: Demo) -> None:
    """The guide's ``hortDescription.Contains(...)`` names no property: a 400, not a 500."""
    typo = 'hortDescription.Contains("email")||ShortDescription.StartsWith("outlook")'
    response = demo.get(f"call?$filter={quote(typo, safe='')}")
    assert response.status_code == 400 and response.json["Message"]


def test_guide__sorting(demo: Demo) -> None:
    def names(order: str) -> list[tuple[str, str]]:
        body = search(demo, "person", **{"$orderby": order, "$select": "FirstName,LastName",
                                         "$top": "100"})
        return [(r["FirstName"], r["LastName"]) for r in body["results"]]

    assert [f for f, _ in names("FirstName")] == sorted(f for f, _ in names("FirstName"))
    assert names("FirstName asc") == names("FirstName")
    desc = [f for f, _ in names("FirstName desc")]
    assert desc == sorted(desc, reverse=True)
    both = names("FirstName, LastName asc")
    assert both == sorted(both)


# --- Programmers' Guide: Joining ---------------------------------------------------------

def test_guide__joining_last_action(demo: Demo) -> None:
    join = "LastAction:CallHistory(TicketId==Ref && Order==LastHistoryOrder)"
    body = search(demo, "call", **{"$leftJoin": join, "$orderby": "Ref",
                                   "$select": "Ref,LastAction.Description,LastAction.Title",
                                   "$filter": 'Status=="Closed"', "$top": "3"})
    first = body["results"][0]
    assert first["LastAction"]["Title"] == "Call closed"
    assert first["LastAction"]["_context"] == "api:v1/call-history/$metadata"
    filtered = search(demo, "call", **{"$leftJoin": join,
                                       "$filter": 'LastAction.Title=="Call logged"',
                                       "$select": "Status", "$top": "400"})
    assert filtered["results"] and {r["Status"] for r in filtered["results"]} == {"Open"}


def test_guide__joining_call_history_entity(demo: Demo) -> None:
    meta = demo.get("call-history/$metadata").json
    names = {prop["name"] for prop in meta["properties"]}
    assert {"TicketId", "Order", "Description"} <= names and "Search" in meta["_actions"]
    rows = search(demo, "call-history", **{"$filter": "TicketId==1",
                                            "$select": "TicketId,Order,Title"})
    assert [r["Order"] for r in rows["results"]] == list(range(1, len(rows["results"]) + 1))


# --- Programmers' Guide: Handling partitions ---------------------------------------------

def test_guide__handling_partitions(demo: Demo) -> None:
    filtered = search(demo, "call", **{"$filter": "Partition==1", "$select": "Partition",
                                       "$top": "400"})
    assert {r["Partition"] for r in filtered["results"]} == {1}
    partition = search(demo, "call", **{"$partition": "1", "$select": "Partition",
                                        "$top": "400"})
    assert refs(partition) == refs(filtered)
    assert search(demo, "person", **{"$filter": "Partition==1"})["results"] == []
    assert search(demo, "person", **{"$partition": "1"})["results"]


def test_guide__handling_partitions_assets(demo: Demo) -> None:
    body = search(demo, "asset", **{"$partition": "1", "$select": "Name,AssetType,Partition",
                                     "$top": "1000"})
    kinds = {r["_context"] for r in body["results"]}
    assert kinds == {"api:v1/service/$metadata", "api:v1/configuration-item/$metadata"}
    services = [r for r in body["results"] if r["AssetType"] == "Service"]
    assert services and {r["Partition"] for r in services} == {1}
    assert {c["_self"] for c in demo.get("asset/$metadata").json["children"]} == {
        "api:v1/service/$metadata", "api:v1/configuration-item/$metadata"}


# --- Programmers' Guide: Augmenters ------------------------------------------------------

@pytest.mark.parametrize("expression", ["@SlmBreached", "@IsDeleted", "!@IsDeleted",
                                        "LoggedDate > @DateTime(2000-01-01T00:00:00.000Z)",
                                        "LoggedDate <= @Now",
                                        "LoggedDate > @NowOffset(-7,-2,-30)"])
def test_guide__augmenters_table(demo: Demo, expression: str) -> None:
    assert demo.get(f"call?$filter={quote(expression, safe='')}").status_code == 200


@pytest.mark.parametrize("expression", ["User == @UserId", "UserId == @UserId",
                                        "User.Ref == @UserId"])
def test_guide__augmenters_user_id(demo: Demo, expression: str) -> None:
    user = other(demo, "user")
    mine = search(user, "call", **{"$filter": expression, "$select": "User", "$top": "400"})
    assert mine["results"] and {r["User"] for r in mine["results"]} == {21}


@pytest.mark.parametrize("expression", ["User.OrganizationId == @OrganizationId",
                                        "User.Organization == @OrganizationId",
                                        "User.Organization.Ref == @OrganizationId"])
def test_guide__augmenters_organization_id(demo: Demo, expression: str) -> None:
    body = search(demo, "call", **{"$filter": expression, "$select": "User.Organization",
                                   "$top": "400"})
    assert body["results"]
    assert {r["User"]["Organization"] for r in body["results"]} == {1}  # analyst 3's


# --- Programmers' Guide: Error Handling --------------------------------------------------

def test_guide__error_handling(demo: Demo) -> None:
    missing = demo.get("call/999999")
    assert missing.status_code == 404 and missing.json["SubStatus"] == "RecordNotFound"
    bad_url = demo.get("no-such-thing")
    assert bad_url.status_code == 404 and bad_url.json["SubStatus"] == "ResourceNotFound"
    assert {"Message", "Type", "SubStatus"} <= set(missing.json)


# --- Cookbook: Lock before you update ----------------------------------------------------

def test_cookbook__lock_before_you_update(demo: Demo) -> None:
    open_call = search(demo, "call", **{"$filter": 'Status=="Open"&&!@IsDeleted', "$top": "1"})
    ref = refs(open_call)[0]
    assert set(demo.get(f"call/{ref}").json["_actions"]) == {"Lock"}
    mine = demo.put(f"call/{ref}/lock").json["_actions"]
    assert "Unlock" in mine and "Lock" not in mine and "Update" in mine
    rival = other(demo, "analyst2")
    refused = rival.put(f"call/{ref}/lock")
    assert refused.status_code == 403
    assert refused.json == {"Message": "Record locked by Elaine Jones", "SubStatus": "None",
                            "Type": "HttpStatusException"}
    deferred = demo.put(f"call/{ref}/defer", {"$action": {"Description": {"Title": "Note"}}})
    assert deferred.status_code == 200 and set(deferred.json["_actions"]) == {"Lock"}


# --- Recipes: Choosing a Call type -------------------------------------------------------

def test_recipes__ipk_statuses_and_streams_options(demo: Demo) -> None:
    enabled = demo.get("ipk-status-stream-to-type?$options")
    disabled = demo.get("ipk-status-stream-type-to-type?$options")
    assert enabled.status_code == disabled.status_code == 200
    assert "Search" in enabled.json["_actions"] and "Search" not in disabled.json["_actions"]
    assert demo.get("ipk-status-stream-type-to-type").status_code == 404
    assert demo.get("ipk-status-stream-type-to-type").json["SubStatus"] == "ResourceNotFound"


def test_recipes__ipk_statuses_and_streams_example(demo: Demo) -> None:
    body = search(demo, "ipk-status-stream-to-type",
                  **{"$select": "IpkStatus.Name,IpkStream.Name",
                     "$filter": "IpkStatus==1&&IpkStream==0&&InfraEntityType==7"})
    assert body["results"] == [{
        "IpkStatus": {"Name": "Incident", "_context": "api:v1/ipk-status/$metadata",
                      "_self": "api:v1/ipk-status/1"},
        "IpkStream": {"Name": "Standard", "_context": "api:v1/ipk-stream/$metadata",
                      "_self": "api:v1/ipk-stream/0"},
        "_context": "api:v1/ipk-status-stream-to-type/$metadata",
        "_self": "api:v1/ipk-status-stream-to-type?$select=IpkStatus,IpkStream&$filter="
                 "(IpkStatus%3d%3d1%26%26IpkStream%3d%3d0%26%26InfraEntityType%3d%3d7)",
        "_actions": {"Create": [{
            "_self": "api:v1/incident/$Create", "href": "api:v1/incident",
            "description": "The resource that should be used to create a call of this type. "
                           "IpkStatus and IpkStream from this result should be set in the new "
                           "call."}]}}]
    following = demo.get(body["results"][0]["_self"].removeprefix("api:v1/"))
    assert following.status_code == 200 and len(following.json["results"]) == 1
    create = body["results"][0]["_actions"]["Create"][0]
    made = demo.post(create["href"].removeprefix("api:v1/"),
                     {"IpkStatus": 1, "IpkStream": 0, "Partition": 1, "ShortDescription": "x"})
    assert made.status_code == 201 and made.json["_context"] == "api:v1/incident/$metadata"


def test_recipes__call_templates(demo: Demo) -> None:
    body = search(demo, "call-template", **{"$select": "Ref,Name", "$filter": "Ref==96"})
    assert body["results"] == [{
        "Ref": 96, "Name": "Default", "_context": "api:v1/call-template/$metadata",
        "_self": "api:v1/call-template/96",
        "_actions": {"Create": [{
            "_self": "api:v1/call/$Create", "href": "api:v1/call",
            "description": "The resource that should be used to create a call of this type. "
                           "The Template property in the new call should be set to the Ref of "
                           "this result."}]}}]
    assert search(other(demo, "user"), "call-template")["results"]


def test_recipes__creating_a_call_object_empty(demo: Demo) -> None:
    refused = demo.post("call", {})
    assert refused.status_code == 400
    assert refused.json["Message"] == "The request is invalid"
    assert refused.json["Type"] == "FieldValidationException"
    assert refused.json["Errors"] == {
        "IpkStatus": ["Required: IpkStatus must be set when Template is null"],
        "IpkStream": ["Required: IpkStream must be set when Template is null"],
        "Partition": ["Required"],
    }


def test_recipes__call_create_metadata(demo: Demo) -> None:
    body = demo.get("call/$create?$options").json
    assert (body["_context"], body["_self"], body["href"], body["methods"]) == (
        "api:v1/call/$metadata", "api:v1/call/$Create", "api:v1/call", ["POST"])
    assert body["description"] == "Create a new record of this type" and body["status"] == "GA"
    inputs = {entry["property"]: entry for entry in body["inputs"]}
    assert inputs["Partition"]["required"] is True and inputs["Priority"].get("readonly") is None
    assert "required" not in inputs["IpkStatus"]
    assert inputs["Description"]["relations"] == [{"behaviors": [{"type": 11, "scope": 1}],
                                                   "source": "Description",
                                                   "target": "DescriptionHtml"}]
    assert inputs["DescriptionHtml"]["relations"][0]["behaviors"] == [{"type": 14, "scope": 1}]
    template = {(r["target"], tuple(b["type"] for b in r["behaviors"]))
                for r in inputs["Template"]["relations"]}
    assert {("IpkStatus", (16, 17)), ("IpkStream", (16, 17))} <= template
    assert inputs["IpkStatus"]["relations"][0]["target"] == "IpkStream"
    assert {r["target"] for r in inputs["Partition"]["relations"]} >= {
        "ConfigurationItem", "User", "Priority"}
    assert all(r["behaviors"] == [{"type": 15}] for r in inputs["Partition"]["relations"])


def test_recipes__call_create_response_from_template(demo: Demo) -> None:
    user = other(demo, "user")
    created = user.post("call", {"Template": 96})
    assert created.status_code == 201, created.json
    body = created.json
    ref = body["Ref"]
    assert body["Template"] == 96 and body["ActualLogDate"].endswith(".0000000Z")
    assert (body["_context"], body["_self"]) == ("api:v1/call/$metadata", f"api:v1/call/{ref}")
    assert body["_actions"]["Submit"][0]["_self"] == "api:v1/call/$Submit"
    assert body["_actions"]["Submit"][0]["href"] == f"api:v1/call/{ref}/submit"
    assert body["_actions"]["Update"][0] == {**body["_actions"]["Update"][0],
                                             "_self": "api:v1/call/$Update",
                                             "href": f"api:v1/call/{ref}"}
    assert set(body["_actions"]) == {"Submit", "Update"}
    assert (body["IpkStatus"], body["IpkStream"], body["Partition"]) == (4, 0, 1)
    assert user.put(f"call/{ref}/submit").json["Status"] == "Open"
    clash = user.post("call", {"Template": 96, "IpkStatus": 1})
    assert clash.status_code == 400 and "IpkStatus" in clash.json["Errors"]


def test_recipes__description_html(demo: Demo) -> None:
    created = demo.post("call", {**ANALYST_CALL, "Description": "Line one",
                                 "DescriptionHtml": "<p>Line <b>one</b></p>"})
    assert created.status_code == 201
    assert created.json["DescriptionHtml"] == "<p>Line <b>one</b></p>"
    computed = demo.post("call", {**ANALYST_CALL, "Description": "a < b"}).json
    assert computed["DescriptionHtml"] == "<p>a &lt; b</p>"
    alone = demo.post("call", {**ANALYST_CALL, "DescriptionHtml": "<p>x</p>"})
    assert alone.status_code == 400 and "Description" in alone.json["Errors"]


def test_recipes__replicating_behavior_of_self_service(demo: Demo) -> None:
    """The API does not fill Location and Organization from the User; a client does."""
    created = demo.post("call", ANALYST_CALL).json
    assert created["User"] == 21 and created["Location"] is None
    assert created["Organization"] is None
    person = demo.get("person/21").json
    fixed = demo.put(f"call/{created['Ref']}", {"Location": person["Location"],
                                                "Organization": person["Organization"]})
    assert fixed.status_code == 200 and fixed.json["Location"] == person["Location"]


def test_recipes__initial_assignment_create_then_defer(demo: Demo) -> None:
    created = demo.post("call", ANALYST_CALL).json
    assert "Defer" in created["_actions"]
    deferred = demo.put(f"call/{created['Ref']}/defer", {"$action": {"Officer": 7}})
    assert deferred.status_code == 200 and deferred.json["Officer"] == 7
    assert demo.put(f"call/{created['Ref']}/submit").json["Status"] == "Open"


def test_recipes__recording_actions_defer(demo: Demo) -> None:
    meta = demo.get("call/$defer?$options").json
    inputs = {entry["property"] for entry in meta["inputs"]}
    assert {"$action.Description.Description", "$action.Description.DescriptionHtml",
            "$action.Description.Title", "$action.ActionType", "$action.Officer"} <= inputs
    ref = refs(search(demo, "call", **{"$filter": 'Status=="Open"&&!@IsDeleted', "$top": "1"}))[0]
    assert demo.put(f"call/{ref}/defer").status_code == 403  # not locked: not offered
    demo.put(f"call/{ref}/lock")
    assert "Defer" in demo.get(f"call/{ref}").json["_actions"]
    action = {"Description": {"Description": "Rang the user", "Title": "Phoned",
                              "DescriptionHtml": "<p>Rang the user</p>"}, "ActionType": 2}
    done = demo.put(f"call/{ref}/defer", {"$action": action})
    assert done.status_code == 200
    order = done.json["LastHistoryOrder"]
    entry = search(demo, "call-history", **{"$filter": f"TicketId=={ref}&&Order=={order}",
                                            "$select": "Title,Description,ActionType"})
    assert [(r["Title"], r["Description"], r["ActionType"]) for r in entry["results"]] == [
        ("Phoned", "Rang the user", 2)]
    demo.put(f"call/{ref}/lock")
    bad = demo.put(f"call/{ref}/defer", {"$action": {"ActionType": "phone"}})
    assert bad.status_code == 400 and "$action.ActionType" in bad.json["Errors"]


def test_recipes__creating_a_service_order(demo: Demo) -> None:
    user = other(demo, "user")
    for entity in ("service-order", "service-order-item"):
        meta = user.get(f"{entity}/$create?$options").json
        assert meta["href"] == f"api:v1/{entity}" and meta["methods"] == ["POST"]
    item_meta = user.get("service-order-item/$create?$options").json
    inputs = {i["property"]: i for i in item_meta["inputs"]}
    assert inputs["ServiceAction"]["required"] and inputs["Quantity"]["required"]
    order = user.post("service-order/$create", {"Description": "New starter"})
    assert order.status_code == 201 and order.json["Status"] == "New"
    actions = search(user, "service-action", **{"$select": "Name,Cost,Template",
                                                "$filter": "Ref==1||Ref==4"})["results"]
    for action in actions:
        ref = int(action["_self"].rsplit("/", 1)[1])
        item = user.post("service-order-item/$create", {
            "ServiceOrder": order.json["Ref"], "ServiceAction": ref, "Quantity": 2})
        assert item.status_code == 201, item.json
        create = action["_actions"]["Create"][0]
        call = user.post(create["href"].removeprefix("api:v1/"), {
            "Template": action["Template"], "ServiceOrderItem": item.json["Ref"]})
        assert call.status_code == 201 and call.json["Status"] == "New"
    submitted = user.put(f"service-order/{order.json['Ref']}/submit")
    assert submitted.status_code == 200 and submitted.json["Status"] == "Submitted"
    assert submitted.json["OrderTotal"] == 2 * 950.0 + 2 * 180.0
    of_order = f"ServiceOrderItem.ServiceOrder=={order.json['Ref']}"
    tickets = search(user, "call", **{"$filter": of_order, "$select": "Status"})
    assert [r["Status"] for r in tickets["results"]] == ["Open", "Open"]
    assert user.put(f"service-order/{order.json['Ref']}/submit").status_code == 403


@pytest.mark.parametrize("expression", ["Id = @Guid(75f7a7d5-652f-4e30-bd92-dc6e9594b28b)",
                                        "Id == @Guid(75F7A7D5-652F-4E30-BD92-DC6E9594B28B)"])
def test_guide__augmenters_guid(demo: Demo, expression: str) -> None:
    body = search(demo, "attachment", **{"$filter": expression, "$select": "Id"})
    assert [r["Id"] for r in body["results"]] == ["75f7a7d5-652f-4e30-bd92-dc6e9594b28b"]
