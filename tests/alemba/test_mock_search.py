"""Alemba mock: search options, $filter through the translator, partitions, URL shapes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidouble.mock_server.alemba.demo import Demo


@pytest.fixture(scope="module")
def demo() -> Demo:
    demo = Demo.start()
    demo.login("analyst")
    return demo


def refs(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.json
    return [int(result["_self"].rsplit("/", 1)[1]) for result in response.json["results"]]


def test_default_top_is_100_and_hinted(demo: Demo) -> None:
    response = demo.get("call")
    assert len(response.json["results"]) == 100
    assert response.json["_self"] == "api:v1/call?$top=100"
    first = response.json["results"][0]
    assert set(first) == {"_context", "_self"}


def test_top_skip_orderby(demo: Demo) -> None:
    page = refs(demo.get("call?$top=5&$skip=5&$orderby=Ref desc"))
    everything = refs(demo.get("call?$top=10&$orderby=Ref desc"))
    assert page == everything[5:10] and page == sorted(page, reverse=True)
    ascending = refs(demo.get("call?$orderby=Ref asc&$top=3"))
    assert ascending == sorted(ascending) and ascending[0] < everything[-1]


def test_count_and_inlinecount(demo: Demo) -> None:
    count = demo.get("call?$count=true")
    assert count.mimetype == "text/plain" and int(count.text) > 300
    inline = demo.get("call?$top=2&$inlinecount=true")
    assert inline.json["__count"] == int(count.text) and len(inline.json["results"]) == 2


def test_select_paths_aliases_and_star(demo: Demo) -> None:
    body = demo.get("call?$top=1&$select=Ref,Priority.Name,LocationName:Service.Location.Name"
                    "&$filter=Priority==3").json["results"][0]
    assert body["Priority"]["Name"] == "Priority 3 - Medium"
    assert body["Priority"]["_self"] == "api:v1/call-priority/3"
    assert isinstance(body["LocationName"], str)
    star = demo.get("person?$top=1&$select=*").json["results"][0]
    assert {"Ref", "Name", "IsAnalyst", "Active"} <= set(star)
    assert isinstance(star["IsAnalyst"], bool)


def test_incidents_link_to_their_kind(demo: Demo) -> None:
    contexts = {r["_context"] for r in demo.get("call?$top=50").json["results"]}
    assert contexts == {"api:v1/call/$metadata", "api:v1/incident/$metadata"}
    incidents = demo.get("incident?$select=IpkStatus&$top=20").json["results"]
    assert {r["IpkStatus"] for r in incidents} == {1}


@pytest.mark.parametrize("text", [
    "Priority==1", "Priority.Level<=2&&Urgent", "!Urgent", "ShortDescription.Contains(\"VPN\")",
    "CreatedDate>@DateTime(2026-06-01T00:00:00Z)", "@IsDeleted", "!@IsDeleted",
    "User.Organization.Ref==@OrganizationId", "Officer==@UserId", "Partition==2",
    "ClosedDate==null", "TimeSpent>2.5", "@IsAssignedToMe||@SlmBreached",
])
def test_filters_run(demo: Demo, text: str) -> None:
    assert demo.get("call", query_string={"$filter": text, "$top": "500"}).status_code == 200


def test_filter_semantics(demo: Demo) -> None:
    deleted = refs(demo.get("call", query_string={"$filter": "@IsDeleted", "$top": "500"}))
    assert deleted and all(ref % 33 == 0 for ref in deleted)
    high = demo.get("call", query_string={"$filter": "Priority==1", "$select": "Priority",
                                          "$top": "500"}).json["results"]
    assert high and {r["Priority"] for r in high} == {1}


@pytest.mark.parametrize("text", ["Priority===1", "priority==1", "Nope==1", "Ref.Contains(\"1\")",
                                  "ShortDescription>3", "Ref==\"x\"", "(", ""])
def test_bad_filters_are_400(demo: Demo, text: str) -> None:
    response = demo.get("call", query_string={"$filter": text + ")" if text == "" else text})
    assert response.status_code == 400 and response.json["Type"] == "QueryParseException"


@pytest.mark.parametrize("query", ["$top=-1", "$top=x", "$skip=1.5", "$orderby=Ref DESC",
                                   "$orderby=ref", "$select=Nope", "$count=True", "$Top=3",
                                   "$leftJoin=Bad", "$innerJoin=X:Nope(Ref==Ref)"])
def test_bad_options_are_400(demo: Demo, query: str) -> None:
    assert demo.get(f"call?{query}").status_code == 400


def test_values_are_case_sensitive(demo: Demo) -> None:
    lower = demo.get("call", query_string={"$filter": 'Status=="open"'})
    assert lower.json["results"] == []
    assert demo.get("call", query_string={"$filter": 'Status=="Open"'}).json["results"]


def test_joins_with_aliases(demo: Demo) -> None:
    response = demo.get("call", query_string={
        "$innerJoin": "Owner:Person(Ref==Officer)", "$select": "Ref,Owner.Name",
        "$filter": "Owner.IsAnalyst", "$top": "3"})
    assert response.status_code == 200
    assert all(r["Owner"]["_context"] == "api:v1/person/$metadata"
               for r in response.json["results"])


def test_partitions_limit_results(demo: Demo) -> None:
    assert refs(demo.get("call?$partition=2&$top=500"))
    narrow = next(e for e in demo.credentials.values() if e["sessionType"] == "Analyst"
                  and e["grantType"] == "password" and e["loginEnabled"] and e["clientEnabled"]
                  and len(e["partitions"]) < 3)
    hidden = ({1, 2, 3} - set(narrow["partitions"])).pop()
    other = Demo.start(demo.app)
    other.login(narrow["name"])
    assert refs(other.get(f"call?$partition={hidden}")) == []
    seen = other.get("call?$top=500&$select=Partition").json["results"]
    assert seen and {r["Partition"] for r in seen} <= set(narrow["partitions"])
    assert demo.get("location?$filter=Partition==1").json["results"] == []


@pytest.mark.parametrize("prefix", ["/production/alemba.api/api/v1/", "/alemba.api/api/v2/",
                                    "/x/y/alemba.api/api/", "/ALEMBA.API/api/v1.0/"])
def test_prefixes_and_versions(demo: Demo, prefix: str) -> None:
    response = demo.client.get(prefix + "call?$top=1", headers=demo.headers())
    assert response.status_code == 200 and len(response.json["results"]) == 1


def test_unknown_urls_and_records(demo: Demo) -> None:
    nothing = demo.get("nothing-here")
    assert (nothing.status_code, nothing.json["SubStatus"]) == (404, "ResourceNotFound")
    missing = demo.get("call/999999")
    assert (missing.status_code, missing.json["SubStatus"]) == (404, "RecordNotFound")
    outside = demo.client.get("/not/an/api", headers=demo.headers())
    assert outside.status_code == 404 and outside.json["SubStatus"] == "ResourceNotFound"


TEXT = st.text(alphabet=st.sampled_from(list("RefPriority.Name=!&|()<>\"@ ,*:$0129-_aZ\\\u200b")),
               max_size=40)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(option=st.sampled_from(["$filter", "$select", "$orderby", "$leftJoin", "$top"]),
       text=TEXT | st.text(max_size=30))
def test_never_500(demo: Demo, option: str, text: str) -> None:
    response = demo.get("call", query_string={option: text})
    assert response.status_code in (200, 400), (option, text, response.data[:300])
    assert response.mimetype == "application/json"
