"""Faults and ``Prefer: code=``: armed through the admin API, applied before the views."""

from __future__ import annotations

import http.client
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from apidouble.conformance.selfcheck import served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config


def make_app(system: str, tmp_path: Path, **config: Any) -> Flask:
    return create_app(system, Config(db_url=f"sqlite:///{tmp_path / (system + '.sqlite3')}",
                                     **config))


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Flask]:
    yield make_app("aliquora", tmp_path)


@pytest.fixture()
def key(app: Flask) -> str:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    return next(e["apiKey"] for e in entries if e["plan"] == "api")


def whoami(client: FlaskClient, key: str, **headers: str) -> Any:
    return client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {key}", **headers})


def test_a_fault_answers_with_the_systems_envelope_then_runs_out(app: Flask, key: str) -> None:
    client = app.test_client()
    created = client.post("/__admin/faults", json={"path": "/api/v1/who*", "status": 503,
                                                   "times": 2})
    assert created.status_code == 201
    fault = created.get_json()
    assert fault["id"] and fault["remaining"] == 2 and fault["status"] == 503
    for _ in range(2):
        response = whoami(client, key)
        assert response.status_code == 503
        assert set(response.get_json()) == {"error", "message"}
    assert whoami(client, key).status_code == 200
    listed = client.get("/__admin/faults").get_json()["faults"]
    assert listed[0]["remaining"] == 0


def test_method_path_body_headers_and_delete(app: Flask, key: str) -> None:
    client = app.test_client()
    fault = client.post("/__admin/faults", json={
        "method": "get", "path": "/api/v1/whoami", "status": 418, "body": {"teapot": True},
        "headers": {"X-Fault": "yes"}}).get_json()
    response = whoami(client, key)
    assert (response.status_code, response.get_json(), response.headers["X-Fault"]) == (
        418, {"teapot": True}, "yes")
    assert client.post("/api/v1/whoami").status_code != 418  # other method untouched
    assert client.get("/__admin/credentials").status_code == 200  # admin never faulted
    assert client.delete(f"/__admin/faults/{fault['id']}").status_code == 204
    assert client.delete(f"/__admin/faults/{fault['id']}").status_code == 404
    assert whoami(client, key).status_code == 200


def test_latency_only_then_the_view_answers(app: Flask, key: str) -> None:
    client = app.test_client()
    client.post("/__admin/faults", json={"path": "*", "delayMs": 150, "jitterMs": 50})
    started = time.perf_counter()
    assert whoami(client, key).status_code == 200
    assert 0.15 <= time.perf_counter() - started < 2


def test_probability_zero_never_fires_and_reset_clears(app: Flask, key: str) -> None:
    client = app.test_client()
    client.post("/__admin/faults", json={"path": "*", "status": 500, "probability": 0})
    assert whoami(client, key).status_code == 200
    client.post("/__admin/faults", json={"path": "*", "status": 500})
    assert whoami(client, key).status_code == 500
    client.post("/__admin/reset")
    assert client.get("/__admin/faults").get_json() == {"faults": []}
    assert whoami(client, key).status_code == 200


@pytest.mark.parametrize("body", [
    {}, {"path": "api"}, {"path": "*"}, {"path": "*", "status": 99}, {"path": "*", "times": 0},
    {"path": "*", "status": 500, "probability": 2}, {"path": "*", "body": {}},
    {"path": "*", "status": 500, "headers": {"a": 1}}, {"path": "*", "dropConnection": "yes"},
    {"path": "*", "method": "GET /", "status": 500},
])
def test_invalid_faults_are_400(app: Flask, body: dict[str, Any]) -> None:
    response = app.test_client().post("/__admin/faults", json=body)
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "message"}


@pytest.mark.parametrize("system", ["aliquora", "qatrack"])
def test_a_429_fault_answers_as_the_systems_own_limit(system: str, tmp_path: Path) -> None:
    """Trip the real limit, then compare with a 429 fault: same body shape and headers."""
    app = make_app(system, tmp_path)
    client = app.test_client()
    limit = app.extensions["apidouble"].profile.rate_limit_error
    own = limit(60)
    client.post("/__admin/faults", json={"path": "*", "status": 429})
    response = client.get("/api/v1/whoami" if system == "aliquora" else "/api/qa/")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == own.headers["Retry-After"]
    rendered = app.extensions["apidouble"].profile.envelope(own)
    assert response.get_json() == rendered.get_json()


def test_prefer_code_forces_the_status_only_when_the_request_is_valid(
        app: Flask, key: str) -> None:
    client = app.test_client()
    forced = whoami(client, key, Prefer="code=503")
    assert forced.status_code == 503 and forced.get_json()["error"] == "error"
    assert whoami(client, "lk_wrong", Prefer="code=503").status_code == 401
    limited = whoami(client, key, Prefer='respond-async, code="429"')
    assert limited.status_code == 429 and limited.headers["Retry-After"]
    assert limited.get_json()["error"] == "rate_limited"
    assert whoami(client, key, Prefer="code=200").status_code == 200


def _raw_get(base_url: str, path: str) -> int:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_drop_connection_closes_without_an_answer_over_real_http(tmp_path: Path) -> None:
    app = make_app("aliquora", tmp_path)
    app.test_client().post("/__admin/faults", json={"path": "/api/v1/whoami",
                                                    "dropConnection": True, "times": 1})
    with served(app) as base_url:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            _raw_get(base_url, "/api/v1/whoami")
        assert _raw_get(base_url, "/api/v1/whoami") == 401  # budget spent: answered again
