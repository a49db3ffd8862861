"""AlisQI mock: a keyed storeResults looks its results up on an index of the key field's
value (``key_index``), made by the first keyed call on that field, on SQLite and
PostgreSQL; the upserts are the same as without it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from apidouble.mock_server.alisqi import json_sql, key_index, statements
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app


@pytest.fixture()
def app(app_on_each_engine: Flask) -> Flask:
    """This module's tests run on SQLite and on PostgreSQL."""
    return app_on_each_engine


def _store(app: Flask, results: list[dict[str, Any]], **form: Any) -> list[str]:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["tokenName"] == "demo-quality-manager")
    reply = app.test_client().post("/api/storeResults", headers={
        "Authorization": f"Bearer {token}"}, data={"setId": 1, "results": json.dumps(results),
                                                   **form})
    assert reply.status_code == 200, reply.data
    return reply.get_json()  # type: ignore[no-any-return]


def _index_names(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index'")
        else:
            rows = connection.exec_driver_sql("SELECT indexname FROM pg_indexes")
        return {row[0] for row in rows}


def _result(batch: str, density: float) -> dict[str, Any]:
    return {"product_": "PE-100 Film", "line_": "Line 1", "batchnumber_": batch,
            "density_": density}


def test_the_first_keyed_call_indexes_its_field_and_upserts_as_before(app: Flask) -> None:
    storage = app.extensions["apidouble"].storage
    name = key_index.index_name(storage, "batchnumber_")
    assert name not in _index_names(storage.engine)
    assert _store(app, [_result("IDX-1", 0.91), _result("IDX-2", 0.92)]) == ["", ""]
    assert name not in _index_names(storage.engine), "only a keyed call makes one"

    answer = _store(app, [_result("IDX-1", 0.95), _result("IDX-3", 0.93)],
                    keyField="batchnumber_")
    assert answer == ["", ""]
    assert name in _index_names(storage.engine)
    answer = _store(app, [_result("IDX-2", 0.96)], keyField="batchnumber_")
    assert answer == [""]

    results = storage["results"]
    with storage.engine.connect() as connection:
        stored = [json.loads(text) for text in connection.execute(
            sa.select(results.c["values"]).where(results.c.set_id == 1)).scalars()]
    by_batch = {v["batchnumber_"]: v["density_"] for v in stored
                if str(v.get("batchnumber_", "")).startswith("IDX-")}
    assert by_batch == {"IDX-1": 0.95, "IDX-2": 0.96, "IDX-3": 0.93}
    assert sum(str(v.get("batchnumber_")).startswith("IDX-") for v in stored) == 3


def test_the_lookup_reads_the_index(app: Flask) -> None:
    """The plan of the lookup (as ``api_store`` builds it) searches the new index; on
    PostgreSQL, whose planner scans a table this small, once scans are ruled out: the
    index's expression is the query's."""
    storage = app.extensions["apidouble"].storage
    assert key_index.ensure(storage, "batchnumber_")
    results = storage["results"]
    dialect = storage.engine.dialect
    at_key = json_sql.text_at(json_sql.document(results.c["values"], dialect),
                              "batchnumber_", dialect)
    assert at_key is not None
    query = sa.select(results.c.id).where(results.c.set_id == 1, at_key.in_(["A", "B"]))
    compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    with storage.engine.connect() as connection:
        if dialect.name == "sqlite":
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            plan = connection.exec_driver_sql(f"EXPLAIN {compiled}").all()
    assert key_index.index_name(storage, "batchnumber_") in " ".join(
        str(row[-1]) for row in plan), plan


def test_a_name_with_a_quote_is_indexed_and_found(tmp_path: Path) -> None:
    """The field's name is written into the index and the query as a quoted literal."""
    app = create_app("alisqi", Config(db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    storage = app.extensions["apidouble"].storage
    try:
        name = "it's; DROP TABLE x --"
        assert key_index.ensure(storage, name)
        assert not key_index.ensure(storage, 'no "quotes" on SQLite')
        results = storage["results"]
        dialect = storage.engine.dialect
        at_key = json_sql.text_at(results.c["values"], name, dialect)
        assert at_key is not None
        with storage.begin() as connection:
            now = sa.func.current_timestamp()
            connection.execute(results.insert().values(
                set_id=77, date=now, modified_at=now, values=json.dumps({name: "found"})))
            found = connection.execute(sa.select(at_key).where(results.c.set_id == 77)).scalar()
        assert found == "found"
        with sqlite3.connect(tmp_path / "a.sqlite3") as raw:
            assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'x'").fetchone() \
                == (0,)
    finally:
        storage.dispose()


def test_a_page_still_walks_the_date_index(tmp_path: Path) -> None:
    """No query by ``set_id`` alone takes the key index (on SQLite, without statistics for
    it, a page ordered by date did, and sorted the whole set)."""
    app = create_app("alisqi", Config(db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    storage = app.extensions["apidouble"].storage
    try:
        assert key_index.ensure(storage, "batchnumber_")
        page = storage.driver(statements.results_page, storage, True).sql
        with storage.engine.connect() as connection:
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {page}", (1, 100, 0)))
        assert "alisqi_results_set_date" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        storage.dispose()


def test_a_restart_finds_the_key_index_without_a_warning(tmp_path: Path) -> None:
    """``Storage.create_all`` lists a database's indexes on expressions too (SQLAlchemy's
    SQLite reflection skips them with a warning, an error under this suite's settings)."""
    config = Config(db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}")
    first = create_app("alisqi", config)
    storage = first.extensions["apidouble"].storage
    assert key_index.ensure(storage, "batchnumber_")
    storage.dispose()
    again = create_app("alisqi", config).extensions["apidouble"].storage
    try:
        with again.engine.connect() as connection:
            assert key_index.index_name(again, "batchnumber_") in again.index_names(connection)
    finally:
        again.dispose()
