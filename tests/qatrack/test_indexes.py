"""QATrack+ mock: ``work_completed`` is indexed (as QATrack+'s Django models declare it,
``db_index=True``), ascending and descending with the mock's own tie-break, so that a
unit's test instances page in either order walks an index instead of sorting every
matching row."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from engines import fresh_postgres_database
from flask import Flask

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

PAGE = "/api/qa/testinstances/?unit_test_info__unit__number=1&limit=20&offset=20"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app("qatrack", Config(db_url=f"sqlite:///{tmp_path / 'qatrack.sqlite3'}",
                                       page_cache=False))
    yield app
    app.extensions["apidouble"].storage.dispose()


def get(app: Flask, path: str) -> dict:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["role"] == "read_only")
    reply = app.test_client().get(path, headers={"Authorization": f"Token {token}"})
    assert reply.status_code == 200, reply.get_data(as_text=True)
    return reply.get_json()  # type: ignore[no-any-return]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """The mock's engine on SQLite, and on PostgreSQL, which takes ``DESC`` columns too."""
    if request.param == "sqlite":
        app = create_app("qatrack", Config(db_url=f"sqlite:///{tmp_path / 'q.sqlite3'}"))
        yield app.extensions["apidouble"].storage.engine
        app.extensions["apidouble"].storage.dispose()
        return
    with fresh_postgres_database() as url:
        app = create_app("qatrack", Config(db_url=url))
        yield app.extensions["apidouble"].storage.engine
        app.extensions["apidouble"].storage.dispose()


def test_work_completed_is_indexed_both_ways(engine: sa.Engine) -> None:
    inspector = sa.inspect(engine)
    for table in ("qatrack_testinstances", "qatrack_testlistinstances"):
        indexes = {tuple(index["column_names"]): index.get("column_sorting", {})
                   for index in inspector.get_indexes(table)}
        assert ("work_completed",) in indexes
        sorting = indexes.get(("work_completed", "id"))
        assert sorting is not None, f"{table}: work_completed descending, then id"
        if engine.dialect.name == "postgresql":  # SQLite's reflection gives no sorting
            assert sorting == {"work_completed": ("desc",)}


@pytest.mark.parametrize("ordering", ["-work_completed", "work_completed"])
def test_a_units_page_in_either_order_walks_an_index(app: Flask, ordering: str) -> None:
    storage = app.extensions["apidouble"].storage
    statements: list[str] = []

    @sa.event.listens_for(storage.engine, "connect")
    def trace(connection: sqlite3.Connection, _record: object) -> None:
        connection.set_trace_callback(statements.append)

    storage.engine.dispose()  # new connections, traced
    page = get(app, f"{PAGE}&ordering={ordering}")
    assert len(page["results"]) == 20
    [statement] = [s for s in statements
                   if s.startswith("SELECT qatrack_testinstances.id") and "LIMIT 20" in s]
    with storage.engine.connect() as connection:
        plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}")]
    assert not [step for step in plan if "TEMP B-TREE" in step], plan
    assert any("work_completed" in step for step in plan), plan


def test_ties_in_either_order_stay_in_id_order(app: Flask) -> None:
    """A test list's instances share their ``work_completed``: the index does not change
    the order the mock has always given them (ascending id within a tie)."""
    for ordering, newest_first in (("-work_completed", True), ("work_completed", False)):
        rows = get(app, f"{PAGE}&ordering={ordering}")["results"]
        keys = [(datetime.fromisoformat(r["work_completed"]), int(r["url"].split("/")[-2]))
                for r in rows]
        tied = [(a, b) for a, b in zip(keys, keys[1:], strict=False) if a[0] == b[0]]
        assert tied, "the seed has test lists of several tests"
        assert all(a[1] < b[1] for a, b in tied)
        dates = [key[0] for key in keys]
        assert dates == sorted(dates, reverse=newest_first)
