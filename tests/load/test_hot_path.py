"""The request path's speed-ups (issue 12) keep every behaviour and every byte."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context

from apidouble.mock_server.core import Config, fastctx
from apidouble.mock_server.core.app import current_core
from apidouble.mock_server.core.shapes import Shape
from apidouble.mock_server.systems import create_app


def _shape() -> Shape:
    table = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer), sa.Column("n", sa.Float),
                     sa.Column("at", sa.DateTime), sa.Column("name", sa.String),
                     sa.Column("day", sa.Date), sa.Column("done", sa.DateTime))
    return Shape(table, {"id": "id", "createdAt": "at", "name": "name", "value": "n",
                         "day": "day", "doneAt": "done"})


def test_a_shaped_row_has_the_same_keys_order_and_bytes_as_before() -> None:
    shape = _shape()
    row = (7, "2026-06-18 12:00:00.123456", "ünï \"q\"", 1.5, "2026-01-02", None)

    def before(values: Any) -> dict[str, Any]:  # the comprehension the C path replaced
        return {name: value if convert is None else convert(value) for name, value, convert
                in zip(shape.fields, values, shape.converters, strict=True)}

    assert json.dumps(shape.dump(row)) == json.dumps(before(row))
    assert list(shape.dump(row)) == ["id", "createdAt", "name", "value", "day", "doneAt"]
    assert shape.dump(row)["createdAt"] == "2026-06-18T12:00:00.123Z"
    with pytest.raises(ValueError):
        shape.dump(row[:-1])


def test_the_context_readers_agree_with_flasks_proxies() -> None:
    app = Flask("x")
    assert fastctx.app_or_none() is None and fastctx.request_g() is None
    with pytest.raises(RuntimeError):
        fastctx.app()
    with app.app_context():
        assert fastctx.app() is current_app._get_current_object()  # type: ignore[attr-defined]
        assert fastctx.request_g() is None  # no request: no per-request cache
    with app.test_request_context():
        assert has_request_context()
        g.marker = 1
        assert fastctx.request_g() is g._get_current_object()  # type: ignore[attr-defined]


def test_tokens_and_the_stand_in_store_behave_as_before() -> None:
    app = create_app("alemba", Config(db_url="sqlite:///:memory:", rate_limits=False))
    core = app.extensions["apidouble"]
    with app.test_request_context():
        assert current_core() is core
        assert core.standin.snapshot().faults == ()
        raw = core.tokens.issue("access", {"who": 1}, 60)
        record = core.tokens.lookup(raw, "access")
        assert record is not None and record.subject == {"who": 1}
        assert core.tokens.lookup(raw, "refresh") is None
    with app.test_request_context():
        core.clock.advance(61)
    with app.test_request_context():
        assert core.tokens.lookup(raw, "access") is None  # expired on the mock's clock
        core.standin.add_fault({"path": "/x", "status": 503}, None, core.clock.naive_now())
    with app.test_request_context():
        assert [f.spec["path"] for f in core.standin.snapshot().faults] == ["/x"]
