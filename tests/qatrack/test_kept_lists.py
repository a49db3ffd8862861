"""QATrack+ mock: a list's statement is kept for its filters from their second sight
(``views_read``, ``core.listing``), paged and counted on the driver, and answers as a
freshly built one; a filter's target must still exist at every request, and nothing
is kept while a deviation is on or where the statement cannot run on the driver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from engines import fresh_postgres_database
from flask import Flask

from apidouble.mock_server.core import Config
from apidouble.mock_server.core.listing import KeptListing
from apidouble.mock_server.qatrack import views_read
from apidouble.mock_server.systems import create_app

LISTS = [
    "/api/qa/testinstances/?unit_test_info__unit__number=1&ordering=-work_completed"
    "&limit=7&offset=3",
    "/api/qa/testlistinstances/?work_completed_min=2026-10-20&limit=5",
    "/api/units/units/?name!=CT Sim&ordering=-number",
    "/api/qa/unittestcollections/?unit__name__icontains=TB1"
    "&test_list__name__icontains=Simple API",
    "/api/qa/testinstances/?unit_test_info__unit=1&limit=4",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The mock on SQLite, and on PostgreSQL, whose driver converts values its own way."""
    if request.param == "sqlite":
        yield create_app("qatrack", Config(db_url="sqlite:///:memory:"))
        return
    with fresh_postgres_database() as url:
        app = create_app("qatrack", Config(db_url=url))
        yield app
        app.extensions["apidouble"].storage.dispose()


def token(app: Flask, role: str) -> dict[str, str]:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    return {"Authorization": f"Token {next(e['token'] for e in entries if e['role'] == role)}"}


def get(app: Flask, path: str) -> Any:
    return app.test_client().get(path, headers=token(app, "read_only"))


def kept(app: Flask) -> list[views_read.KeptList]:
    """The lists kept (shapes seen twice)."""
    sightings = app.extensions["apidouble"].storage._kept.get(views_read.LISTS, {})
    return [found.kept for found in sightings.values() if found.kept is not None]


@pytest.mark.parametrize("path", LISTS)
def test_a_kept_list_answers_as_a_freshly_built_one(app: Flask, path: str) -> None:
    first = get(app, path)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["count"] > 0
    assert not kept(app), "a shape seen once is only noted"
    again = [get(app, path) for _ in range(2)]
    [entry] = kept(app)
    assert isinstance(entry.listing, KeptListing)
    assert [reply.get_json() for reply in again] == [first.get_json()] * 2


def test_pages_of_one_filter_share_its_kept_statement(app: Flask) -> None:
    path = "/api/qa/testinstances/?unit_test_info__unit__number=2&ordering=-work_completed"
    pages = [get(app, f"{path}&limit=5&offset={offset}").get_json() for offset in (0, 5, 10)]
    assert len(kept(app)) == 1, "limit and offset do not shape the statement"
    whole = get(app, f"{path}&limit=15").get_json()
    assert [r for page in pages for r in page["results"]] == whole["results"]
    assert {page["count"] for page in pages} == {whole["count"]}
    assert pages[1]["next"].endswith("offset=10&ordering=-work_completed&unit_test_info__unit"
                                     "__number=2")


def test_a_filter_target_deleted_since_is_the_400_again(app: Flask) -> None:
    client, admin = app.test_client(), token(app, "admin")
    made = client.post("/api/faults/faulttypes/", json={"code": "KEPT"}, headers=admin)
    assert made.status_code == 201, made.get_json()
    fault_type = made.get_json()["url"].rstrip("/").rsplit("/", 1)[1]
    path = f"/api/faults/faults/?fault_types={fault_type}"
    for _ in range(2):
        assert get(app, path).get_json()["count"] == 0
    assert kept(app)
    assert client.delete(made.get_json()["url"], headers=admin).status_code == 204
    gone = get(app, path)
    assert gone.status_code == 400
    assert gone.get_json() == {"fault_types": ["Select a valid choice. That choice is not one "
                                               "of the available choices."]}


def test_a_shape_seen_once_leaves_no_compiled_form_behind(app: Flask) -> None:
    """A filter sent once (typed by hand, say) would only crowd SQLAlchemy's compiled
    cache: its statement is compiled for that request alone."""
    cache = app.extensions["apidouble"].storage.engine._compiled_cache
    get(app, "/api/units/units/?number=1")  # every other statement of a list cached
    before = len(cache)
    assert get(app, "/api/units/units/?name=Linac 2&ordering=-number").status_code == 200
    assert len(cache) == before


def test_an_in_list_is_built_for_each_request(app: Flask) -> None:
    counts = [get(app, "/api/units/units/?number__in=1,2").get_json()["count"]
              for _ in range(3)]
    assert counts == [2, 2, 2]
    [entry] = kept(app)
    assert entry.listing is None  # an expanding IN compiles per request


def test_a_deviation_is_never_served_from_a_kept_list(app: Flask) -> None:
    path = "/api/units/units/?number=1"
    assert [get(app, path).get_json()["count"] for _ in range(2)] == [1, 1]
    switched = app.test_client().post("/__admin/deviations", json={"rule": "QT-09"})
    assert switched.status_code in (200, 201), switched.get_json()
    assert get(app, path).get_json()["count"] == 6  # filters ignored, as the deviation says
    app.test_client().delete("/__admin/deviations")
    assert get(app, path).get_json()["count"] == 1


def test_a_list_request_holds_one_connection_at_a_time(app: Flask) -> None:
    """A list built afresh checks its filters' targets before its connection opens: a
    request holding one connection while it waits for another could exhaust the pool
    of threads on PostgreSQL."""
    engine = app.extensions["apidouble"].storage.engine
    held = {"now": 0, "most": 0}

    def checkout(*_args: object) -> None:
        held["now"] += 1
        held["most"] = max(held["most"], held["now"])

    def checkin(*_args: object) -> None:
        held["now"] -= 1

    headers = token(app, "read_only")
    sa.event.listen(engine, "checkout", checkout)
    sa.event.listen(engine, "checkin", checkin)
    try:
        for path in ("/api/units/units/?type=1&number__in=1,2", "/api/units/units/?type=1"):
            for _ in range(3):  # first seen, kept, from the kept statement
                reply = app.test_client().get(path, headers=headers)
                assert reply.status_code == 200, reply.get_json()
    finally:
        sa.event.remove(engine, "checkout", checkout)
        sa.event.remove(engine, "checkin", checkin)
    assert held["most"] == 1
