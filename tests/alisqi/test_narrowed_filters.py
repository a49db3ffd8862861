"""AlisQI mock: on SQLite a filter's equalities narrow the scan of a set's results in SQL
(``Filter.equal``, ``json_sql.one_of_or_list``) before the filter's own test; every
filtered read answers exactly as without the narrowing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from apidouble.mock_server.alisqi import json_sql
from apidouble.mock_server.alisqi.blueprint import decoded
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app

FILTERS = [
    {"product_": [{"value": 1}]},
    {"product_": "PE-100 Film"},
    {"product_": ["PE-80 Film", 1]},
    {"product_": "No such product"},
    {"defects_": [{"value": 3}]},
    {"defects_": "Streaks"},
    {"line_": "Line 4", "product_": "Barrier Film 7L"},
    {"batchnumber_": "B2411-00316"},
    {"remarks_": [{"value": "roll", "operator": "like"}]},
    {"product_": [{"value": 1}, {"value": 2, "operator": "!="}]},
    {"visual_ok_": False},
    {"density_": [{"value": 0.95, "operator": ">"}]},
]
READS = ["getResults?setId=1&limit=100", "getResults?setId=1&limit=25&offset=40&sort=date:asc",
         "getStatistics?setId=1&fields=density_,thickness_&limit=80"]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    path: Path = tmp_path_factory.mktemp("narrowed") / "a.sqlite3"
    return create_app("alisqi", Config(db_url=f"sqlite:///{path}", rate_limits=False,
                                       page_cache=False))


def _get(app: Flask, path: str) -> Any:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e["tokenName"] == "demo-quality-manager")
    reply = app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200, reply.data
    return reply.get_json()


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("condition", FILTERS, ids=json.dumps)
def test_a_narrowed_read_is_the_tested_one(app: Flask, monkeypatch: pytest.MonkeyPatch,
                                           read: str, condition: dict) -> None:
    path = f"/api/{read}&filter={json.dumps(condition)}"
    narrowed = _get(app, path)
    monkeypatch.setattr(json_sql, "narrowable", lambda _name, _dialect: False)
    decoded.cache_clear()
    assert narrowed == _get(app, path)


def test_what_the_database_narrows_by(app: Flask) -> None:
    """Equalities with strings or integers on selections, multiselections and texts; not a
    field with other operators, booleans, numbers or dates."""
    from apidouble.mock_server.alisqi.model import load_set
    from apidouble.mock_server.alisqi.query import parse_filter

    core = app.extensions["apidouble"]
    with app.test_request_context(), core.storage.connect() as connection:
        definition = load_set(core, connection, 1)
        assert definition is not None

        def equal(condition: dict) -> tuple:
            found = parse_filter(definition, json.dumps(condition))
            assert found is not None
            return found.equal

        assert equal({"product_": "PE-100 Film", "line_": [{"value": 4}]}) == (
            ("product_", (1,)), ("line_", (4,)))
        assert equal({"defects_": ["Streaks", "Gels"]}) == (("defects_", (3, 1)),)
        assert equal({"batchnumber_": "B1"}) == (("batchnumber_", ("B1",)),)
        assert equal({"product_": [{"value": 1}, {"value": 2, "operator": "!="}]}) == ()
        assert equal({"product_": True}) == ()
        assert equal({"product_": None}) == ()
        assert equal({"density_": 0.95}) == ()
        assert equal({"date": "2024-11-12 03:38:12"}) == ()
