"""AlisQI mock: a getSpecificationEvaluation without a filter reads the numbers out of the
stored JSON in SQL (``json_sql``), on SQLite and PostgreSQL; the answer is the one the
decoded values give (``api_specs.numeric``: booleans, nulls and operator values are not
numbers)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.dialects import mysql, postgresql, sqlite

from apidouble.mock_server.alisqi import json_sql
from apidouble.mock_server.alisqi.api_specs import numeric
from apidouble.mock_server.alisqi.blueprint import decoded

#: what a number field may hold in the stored values, and what is not a number
STORED = [{"n": 3}, {"n": 2.5}, {"n": -0.0}, {"n": 41.0}, {"n": 1e15}, {"n": 12345678901234567},
          {"n": True}, {"n": False}, {"n": None}, {}, {"n": "<0.010"}, {"n": "3"}, {"n": [1]},
          {"n": {"a": 1}}, {"other": 1}]


@pytest.fixture()
def app(app_on_each_engine: Flask) -> Flask:
    """This module's tests run on SQLite and on PostgreSQL."""
    return app_on_each_engine


def test_number_at_is_numeric_of_the_decoded_value(app: Flask) -> None:
    storage = app.extensions["apidouble"].storage
    results = storage["results"]
    dialect = storage.engine.dialect
    at = json_sql.number_at(json_sql.document(results.c["values"], dialect), "n", dialect)
    assert at is not None
    moment = datetime(2026, 1, 2, 3, 4, 5)
    with storage.begin() as connection:
        first = connection.execute(sa.select(sa.func.max(results.c.id))).scalar() or 0
        connection.execute(results.insert(), [
            {"id": first + i + 1, "set_id": 999, "date": moment, "values": json.dumps(stored),
             "modified_at": moment} for i, stored in enumerate(STORED)])
        read = connection.execute(sa.select(results.c["values"], at).where(
            results.c.set_id == 999).order_by(results.c.id)).all()
    assert [number for _text, number in read] == [
        numeric(decoded(text).get("n")) for text, _number in read]


def test_a_name_sqlite_paths_cannot_spell_is_read_in_python() -> None:
    assert json_sql.expressible('a"b', postgresql.dialect())
    assert json_sql.expressible("a.b c", sqlite.dialect())
    assert not json_sql.expressible('a"b', sqlite.dialect())
    assert json_sql.number_at(sa.column("v"), 'a"b', sqlite.dialect()) is None
    assert json_sql.number_at(sa.column("v"), "n", mysql.dialect()) is None


def _token(app: Flask) -> dict[str, str]:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["tokenName"] == "demo-quality-manager")
    return {"Authorization": f"Bearer {token}"}


def test_the_evaluation_read_in_sql_is_the_decoded_one(app: Flask,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    client, headers = app.test_client(), _token(app)
    censored: list[dict[str, Any]] = [
        {"product_": "PE-100 Film", "meltindex_": "<0.010", "density_": 0.95},
        {"product_": "PE-100 Film", "density_": None, "thickness_": 40},
        {"product_": "PE-80 Film", "meltindex_": 7, "date": "2026-01-02 03:04:05"}]
    for number, result in enumerate(censored):
        result.update({"batchnumber_": f"SQL-{number}", "line_": "Line 1"})
    stored = client.post("/api/storeResults", headers=headers, data={
        "setId": 1, "results": json.dumps(censored)})
    assert stored.status_code == 200 and stored.get_json() == ["", "", ""], stored.data
    path = "/api/getSpecificationEvaluation?setId=1&fields=meltindex_,density_,thickness_"

    def evaluation() -> Any:
        reply = client.get(path, headers=headers)
        assert reply.status_code == 200, reply.data
        return reply.get_json()

    in_sql = evaluation()
    monkeypatch.setattr(json_sql, "expressible", lambda _name, _dialect: False)
    decoded.cache_clear()
    assert evaluation() == in_sql
    assert {group["indexValue"] for group in in_sql} >= {"PE-100 Film", "PE-80 Film"}
