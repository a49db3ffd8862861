"""Alemba mock: a search is built once for the options that shape its SQL (``prepared``),
paged on the driver when asked for again, and never kept where the SQL depends on
anything else (the clock, the data, a deviation, another session)."""

from __future__ import annotations

import gc
import types
from typing import Any

import pytest
import sqlalchemy as sa

from apidouble.mock_server.alemba import prepared
from apidouble.mock_server.alemba.demo import Demo

SEARCH = {
    "$select": "Ref,ShortDescription,Status,LoggedDate,Priority.Name,User.Name,Urgent",
    "$filter": '(Priority<=3||ShortDescription.Contains("e"))&&!@IsDeleted'
               "&&LoggedDate>@DateTime(2000-01-01T00:00:00.000Z)",
    "$orderby": "Ref desc",
}


@pytest.fixture()
def demo() -> Demo:
    demo = Demo.start()
    demo.login("analyst")
    return demo


def kept(demo: Demo) -> dict[Any, prepared.Search]:
    """The searches kept (shapes seen twice), by key."""
    sightings = demo.app.extensions["apidouble"].storage._kept.get(prepared.SEARCHES, {})
    return {key: found.kept for key, found in sightings.items() if found.kept is not None}


def search(demo: Demo, **options: Any) -> Any:
    response = demo.get("call", query_string={**SEARCH, **options})
    assert response.status_code == 200, response.json
    return response.json


def test_pages_share_one_statement_and_the_driver_answers_as_sqlalchemy(demo: Demo) -> None:
    page = {"$top": "20", "$skip": "10", "$inlinecount": "allpages"}
    first = search(demo, **page)  # built, run through SQLAlchemy
    assert not kept(demo), "a shape seen once is only noted"
    again = search(demo, **page)  # kept: paged and counted on the driver
    [entry] = kept(demo).values()
    assert isinstance(entry, prepared.KeptSearch)
    assert again == first  # dates, nested lookups, flags, the count: every value as before
    assert search(demo, **page) == first
    whole = search(demo, **{"$top": "60", "$inlinecount": "allpages"})
    assert len(kept(demo)) == 1, "$top, $skip and $inlinecount do not shape the statement"
    assert whole["results"][10:30] == first["results"]
    assert whole["__count"] == first["__count"] >= 60
    assert whole["results"][0]["LoggedDate"].endswith("0Z")
    assert {"Name", "_context", "_self"} <= set(whole["results"][0]["Priority"])


def test_top_zero_answers_no_rows_but_the_count_first_and_kept(demo: Demo) -> None:
    for _ in range(3):
        body = search(demo, **{"$top": "0", "$inlinecount": "allpages"})
        assert body["results"] == [] and body["__count"] > 0


def test_each_session_keeps_its_own_visibility(demo: Demo) -> None:
    options = {"$top": "500", "$select": "Ref"}
    for _ in range(2):
        analyst = {r["Ref"] for r in demo.get("call", query_string=options).json["results"]}
    demo.login("user")
    for _ in range(2):
        user = {r["Ref"] for r in demo.get("call", query_string=options).json["results"]}
    assert user and user < analyst  # a user sees only the calls logged by or for them
    assert len(kept(demo)) == 2


def test_readers_of_one_kind_share_a_search_and_each_sees_their_own(demo: Demo) -> None:
    """``user`` and ``user-extra-24`` (persons 21 and 24, partitions 1 and 2): one kept
    search, the reader's person and partitions bound at each run, on SQLAlchemy and on
    the driver."""
    options = {"$top": "500", "$select": "Ref,User,CreatedBy,Partition",
               "$inlinecount": "allpages"}
    seen: dict[str, list[Any]] = {}
    for role in ("user", "user-extra-23", "user", "user-extra-23", "user"):
        demo.login(role)
        body = demo.get("call", query_string=options).json
        person = demo.credentials[role]["personRef"]
        assert body["results"] and body["__count"] == len(body["results"])
        assert all(person in (r["User"], r["CreatedBy"]) for r in body["results"]), role
        partitions = demo.credentials[role]["partitions"]
        assert all(r["Partition"] in partitions for r in body["results"]), role
        assert seen.setdefault(role, body["results"]) == body["results"]
        count = demo.get("call", query_string={"$count": "true"})
        assert int(count.text) == len(body["results"])
    assert len(kept(demo)) == 2  # the page and the count: one of each for both readers
    assert seen["user"] != seen["user-extra-23"]


def test_options_naming_the_reader_are_kept_per_reader(demo: Demo) -> None:
    options = {"$top": "500", "$select": "Ref,User", "$filter": "User==@UserId"}
    for role in ("user", "user-extra-23", "user", "user-extra-23", "user"):
        demo.login(role)
        person = demo.credentials[role]["personRef"]
        results = demo.get("call", query_string=options).json["results"]
        assert results and {r["User"] for r in results} == {person}
    assert len(kept(demo)) == 2


def test_a_filter_on_the_clock_is_built_each_time(demo: Demo) -> None:
    options = {"$filter": "LoggedDate>@NowOffset(-365,0,0)", "$count": "true"}
    before = int(demo.get("call", query_string=options).text)
    assert before > 0
    assert int(demo.get("call", query_string=options).text) == before  # seen twice
    demo.advance(400 * 86400)  # 400 days on: nothing was logged in the last year
    demo.login("analyst")  # the token expired meanwhile
    assert int(demo.get("call", query_string=options).text) == 0
    assert not kept(demo)


def test_a_deviation_is_never_served_from_a_kept_search(demo: Demo) -> None:
    for _ in range(3):
        search(demo, **{"$top": "5"})
    assert kept(demo)
    switched = demo.client.post("/__admin/deviations", json={"rule": "AL-14"})
    assert switched.status_code == 201, switched.json
    assert all("_context" not in r for r in search(demo, **{"$top": "5"})["results"])
    demo.client.delete("/__admin/deviations")
    assert all("_context" in r for r in search(demo, **{"$top": "5"})["results"])


def test_a_refused_search_is_refused_every_time(demo: Demo) -> None:
    for _ in range(3):
        response = demo.get("call", query_string={"$select": "Ref,NoSuchProperty"})
        assert response.status_code == 400
    assert not kept(demo)


def test_shapes_seen_once_are_not_kept_and_the_searches_stay_bounded(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    for priority in range(1, 6):
        search(demo, **{"$filter": f"Priority<={priority}", "$top": "1"})
    assert not kept(demo)
    monkeypatch.setattr(prepared, "MAX_SEARCHES", 4)
    for priority in range(1, 10):
        for _ in range(2):
            search(demo, **{"$filter": f"Priority>={priority}", "$top": "1"})
        assert 1 <= len(kept(demo)) <= 4


def test_a_shape_seen_once_leaves_no_compiled_form_behind(demo: Demo) -> None:
    """Its statement and its count are compiled for that one run, not kept in the
    engine's cache."""
    cache = demo.app.extensions["apidouble"].storage.engine._compiled_cache
    counted = {"$top": "3", "$inlinecount": "allpages"}
    search(demo, **{"$filter": "Priority<=2", **counted})  # every other statement cached
    before = len(cache)
    search(demo, **{"$filter": 'ShortDescription.Contains("a")', **counted})
    assert len(cache) == before


def test_a_kept_search_holds_no_statement_tree(demo: Demo) -> None:
    """What runs is compiled SQL: the statement, grown by compiling, is let go."""
    for _ in range(2):
        search(demo, **{"$top": "5"})
    [entry] = kept(demo).values()
    assert not [found for found in _reachable(entry) if isinstance(found, sa.Select)]


def _reachable(start: object) -> list[object]:
    """The instances reachable from ``start`` (not through classes, modules or functions)."""
    skipped = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
               types.MethodType)
    seen, todo, found = {id(start)}, [start], []
    while todo:
        current = todo.pop()
        found.append(current)
        for referent in gc.get_referents(current):
            if id(referent) not in seen and not isinstance(referent, skipped):
                seen.add(id(referent))
                todo.append(referent)
    return found
