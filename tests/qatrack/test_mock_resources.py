"""QATrack+ mock: roots, links (also under a mount), pagination, filters, formats, 404s."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app("qatrack", Config(db_url="sqlite:///:memory:"))


@pytest.fixture(scope="module")
def headers(app: Flask) -> dict[str, str]:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["role"] == "read_only")
    return {"Authorization": f"Token {token}"}


@pytest.fixture()
def get(app: Flask, headers: dict[str, str]) -> Any:
    client = app.test_client()

    def fetch(path: str, **kw: Any) -> Any:
        return client.get(path, headers={**headers, **kw.pop("extra", {})}, **kw)

    return fetch


def test_api_root_and_app_roots(get: Any) -> None:
    root = get("/api/").get_json()
    assert list(root) == ["auth", "attachments", "contenttypes", "faults", "units", "qa",
                          "servicelog", "schema"]
    assert root["qa"] == "http://localhost/api/qc"
    qa = get("/api/qa/").get_json()
    assert qa["testlistinstances"] == "http://localhost/api/qc/testlistinstances/"
    assert get("/api/qc/").get_json() == qa
    assert get("/api/units/").get_json()["units"] == "http://localhost/api/units/units/"


def test_links_follow_the_mount(get: Any) -> None:
    body = get("/api/units/units/1/", base_url="http://example.org:8080/qatrack").get_json()
    assert body["url"] == "http://example.org:8080/qatrack/api/units/units/1/"
    assert body["type"].startswith("http://example.org:8080/qatrack/api/units/unittypes/")
    moved = get("/api/units/units", base_url="http://example.org/qatrack",
                query_string={"number": "1"})
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/qatrack/api/units/units/?number=1"


def test_unit_representation(get: Any) -> None:
    unit = get("/api/units/units/1/").get_json()
    listed = get("/api/units/units/?limit=1").get_json()["results"][0]
    # as 3.1.1 answers: no ``restricted``; ``modalities`` only on the detail
    assert list(listed) == ["url", "name", "number", "site", "type", "serial_number",
                            "location", "install_date", "date_acceptance", "active",
                            "is_serviceable"]
    assert list(unit) == [*listed, "modalities"]
    assert "id" not in unit
    assert all(link.startswith("http://localhost/api/units/modalities/")
               for link in unit["modalities"])


def test_each_collection_names_its_next_test_list(app: Flask, get: Any) -> None:
    """A page of collections (its cycles' lists read for the whole page): a plain list's
    collection names its list; a cycle's names the cycle's list for its ``next_day``,
    in the cycle's own order."""
    page = get("/api/qa/unittestcollections/?limit=200").get_json()["results"]
    cycles = [c for c in page if "/testlistcycles/" in c["tests_object"]]
    assert cycles and len(cycles) < len(page)  # both kinds are on the page
    moved = int(cycles[-1]["url"].rstrip("/").rsplit("/", 1)[1])
    table = app.extensions["apidouble"].storage["unittestcollections"]
    with app.extensions["apidouble"].storage.begin() as connection:  # one cycle on day 2
        connection.execute(table.update().where(table.c.id == moved).values(next_day=1))
    try:
        _check_next_test_lists(get)
    finally:
        with app.extensions["apidouble"].storage.begin() as connection:
            connection.execute(table.update().where(table.c.id == moved).values(next_day=0))


def _check_next_test_lists(get: Any) -> None:
    page = get("/api/qa/unittestcollections/?limit=200").get_json()["results"]
    cycles = [c for c in page if "/testlistcycles/" in c["tests_object"]]
    assert any(c["next_day"] == 1 for c in cycles)
    for collection in page:
        if collection in cycles:
            cycle = get(collection["tests_object"].split("localhost", 1)[1]).get_json()
            lists = cycle["test_lists"]
            expected = lists[collection["next_day"] % len(lists)] if lists else None
        else:
            expected = collection["tests_object"]
        assert collection["next_test_list"] == expected, collection["url"]
        detail = get(collection["url"].split("localhost", 1)[1]).get_json()
        assert detail["next_test_list"] == expected


def test_pagination_next_previous(get: Any) -> None:
    first = get("/api/units/units/?ordering=-number&limit=2").get_json()
    assert list(first) == ["count", "next", "previous", "results"]
    assert first["next"] == "http://localhost/api/units/units/?limit=2&offset=2&ordering=-number"
    assert first["previous"] is None
    second = get(first["next"]).get_json()
    assert second["previous"] == "http://localhost/api/units/units/?limit=2&ordering=-number"
    third = get(second["next"]).get_json()
    assert third["previous"] == ("http://localhost/api/units/units/?limit=2&offset=2"
                                 "&ordering=-number")
    numbers = [u["number"] for page in (first, second, third) for u in page["results"]]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == first["count"]


def test_page_size_defaults_and_bad_values(get: Any) -> None:
    assert len(get("/api/qa/unittestcollections/").get_json()["results"]) == 10
    assert len(get("/api/qa/testlistinstances/").get_json()["results"]) == 10
    assert len(get("/api/qa/testinstances/").get_json()["results"]) == 100
    assert len(get("/api/qa/testinstances/?limit=0").get_json()["results"]) == 100
    assert len(get("/api/qa/testinstances/?limit=x&offset=-3").get_json()["results"]) == 100
    assert get("/api/units/units/?offset=1000").get_json()["results"] == []
    huge = get("/api/units/units/?limit=99999999999999999999999&offset=99999999999999999999")
    assert huge.status_code == 200


def test_filters(get: Any) -> None:
    found = get("/api/qa/testlists/?name__contains=CT Sim").get_json()["results"]
    assert [t["name"] for t in found] == ["CT Sim Daily QA"]
    assert get("/api/qa/testlists/?name__contains=ct sim").get_json()["count"] == 0
    assert get("/api/qa/testlists/?name__icontains=ct sim").get_json()["count"] == 1
    utcs = get("/api/qa/unittestcollections/?unit__name__icontains=TB1"
               "&test_list__name__icontains=Simple API").get_json()["results"]
    assert [u["name"] for u in utcs] == ["Simple API Example"]
    assert get("/api/units/units/?name!=CT Sim").get_json()["count"] == 5
    assert get("/api/units/units/?number__in=1,2").get_json()["count"] == 2
    assert get("/api/units/units/?nonsense=1&name__regex=x").get_json()["count"] == 6
    bad = get("/api/units/units/?number=abc")
    assert bad.status_code == 400 and bad.get_json() == {"number": ["Enter a number."]}


def test_filters_across_relations(get: Any) -> None:
    instances = get("/api/qa/testinstances/", query_string={
        "unit_test_info__unit__name__icontains": "TB1",
        "unit_test_info__test__name__icontains": "6 MV Output (cGy)",
        "ordering": "-work_completed", "limit": 5}).get_json()
    assert instances["count"] > 10
    stamps = [x["work_completed"] for x in instances["results"]]
    assert stamps == sorted(stamps, reverse=True)
    lists = get("/api/qa/testlistinstances/?unit_test_collection__unit__number=5").get_json()
    assert lists["count"] > 10
    since = get("/api/qa/testlistinstances/?work_completed_min=2026-10-20").get_json()
    assert 0 < since["count"] < lists["count"] * 6


def test_formats_and_negotiation(get: Any) -> None:
    assert get("/api/units/units.json").get_json()["count"] == 6
    assert get("/api/units/units/1.json").get_json()["number"] == 1
    assert get("/api/units/units/?format=json").get_json()["count"] == 6
    assert get("/api/units/units/?format=xml").status_code == 404
    page = get("/api/units/units/", extra={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b"http://localhost/api/units/units/1/" in page.data
    assert get("/api/units/units/", extra={"Accept": "application/json"}).is_json
    assert get("/api/units/units/", extra={"Accept": "image/png"}).status_code == 406


def test_unmatched_urls_are_json_404(get: Any) -> None:
    for path in ("/api/nope/", "/api/units/units/999/", "/api/units/units/abc/", "/elsewhere"):
        response = get(path)
        assert response.status_code == 404 and response.get_json() == {"detail": "Not found."}


def test_schema_lists_routes_for_callers_and_only_get_token_for_anonymous(
        app: Flask, get: Any) -> None:
    schema = get("/api/schema/").get_json()
    assert schema["openapi"] and len(schema["paths"]) > 10
    anonymous = app.test_client().get("/api/schema/").get_json()
    # the views anyone may call, as 3.1.1's generator lists them
    assert "/api/get-token/" in anonymous["paths"]
    assert all(p.endswith(("/get-token/", "/composite/", "/upload/")) for p in anonymous["paths"])


def test_crud_resources_create_update_delete(app: Flask) -> None:
    client = app.test_client()
    entries = client.get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["role"] == "admin")
    headers = {"Authorization": f"Token {token}"}
    missing = client.post("/api/faults/faulttypes/", json={}, headers=headers)
    assert missing.status_code == 400 and missing.get_json() == {
        "code": ["This field is required."]}
    made = client.post("/api/faults/faulttypes/", json={"code": "BEAM-HOLD"}, headers=headers)
    assert made.status_code == 201 and made.headers["Location"] == made.get_json()["url"]
    url = made.get_json()["url"]
    fault = client.post("/api/faults/faults/", headers=headers, json={
        "unit": "http://localhost/api/units/units/1/", "occurred": "2026-10-01 09:30",
        "fault_types": [url]})
    assert fault.status_code == 201, fault.get_json()
    assert fault.get_json()["fault_types"] == [url]
    bad = client.post("/api/faults/faults/", headers=headers, json={
        "unit": 1, "occurred": "yesterday", "fault_types": "x"})
    assert bad.get_json() == {
        "unit": ["Incorrect type. Expected URL string, received int."],
        "fault_types": ['Expected a list of items but got type "str".'],
        "occurred": [bad.get_json()["occurred"][0]]}
    patched = client.patch(url, json={"description": "Beam hold-off"}, headers=headers)
    assert patched.get_json()["description"] == "Beam hold-off"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


@pytest.mark.parametrize("query", ["number__gte=99999999999999999999",
                                   "number__in=1,99999999999999999999",
                                   "number=-99999999999999999999", "type=99999999999999999999"])
def test_integers_beyond_the_database_are_the_systems_400(get: Any, query: str) -> None:
    """SQLite and PostgreSQL hold 64-bit integers; a bigger one is a filter error, not a 500."""
    response = get(f"/api/units/units/?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    (name, messages), = response.get_json().items()
    assert name == query.split("=")[0] and messages[0].startswith(("Ensure this value",
                                                                   "Select a valid choice"))
