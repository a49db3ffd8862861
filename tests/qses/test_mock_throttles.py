"""Throttles (QS-12, QS-13): per address and endpoint, five windows, the reason phrase.

The last test runs ``apidouble serve qses --root`` under gunicorn (the default
server) and reads the status line off the socket: the reason phrase must
reach a client.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from servers import serve

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

from .conftest import API

PING, VERSION = f"{API}/diagnostics/ping", f"{API}/diagnostics/version"
SECOND = "429 API calls quota exceeded! maximum admitted 10 per Second."


@pytest.fixture()
def limited_app(tmp_path: Path) -> Flask:
    return create_app("qses", Config(db_url=f"sqlite:///{tmp_path / 'rl.sqlite3'}"))


def statuses(app: Flask, path: str, count: int, address: str = "10.0.0.1") -> list[str]:
    client = app.test_client()
    return [client.get(path, environ_base={"REMOTE_ADDR": address}).status
            for _ in range(count)]


def freeze_second(app: Flask) -> None:
    """Start a burst early in a fresh second of the shared clock."""
    clock = app.extensions["apidouble"].clock
    with app.test_request_context():
        fraction = clock.timestamp() % 1
        clock.advance(1.02 - fraction)


def test_eleventh_request_in_a_second_is_429_without_body(limited_app: Flask) -> None:
    freeze_second(limited_app)
    seen = statuses(limited_app, PING, 11)
    assert seen[:10] == ["200 OK"] * 10 and seen[10] == SECOND
    response = limited_app.test_client().get(PING, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert response.data == b"" and response.headers["Retry-After"] == "1"
    assert "Content-Type" not in response.headers


def test_counts_are_per_endpoint_and_per_address(limited_app: Flask) -> None:
    freeze_second(limited_app)
    assert statuses(limited_app, PING, 11)[-1] == SECOND
    assert statuses(limited_app, VERSION, 1) == ["200 OK"]
    assert statuses(limited_app, PING, 1, address="10.0.0.2") == ["200 OK"]
    limited_app.test_client().post("/__admin/clock", json={"advance": 1})
    assert statuses(limited_app, PING, 1) == ["200 OK"]


def test_the_minute_window_and_admin_rules(limited_app: Flask) -> None:
    admin = limited_app.test_client()
    lifted = admin.put("/__admin/throttles", json={"endpoint": "GET diagnostics/version",
                                                    "limits": {"Second": 1000}})
    assert lifted.status_code == 200 and lifted.get_json()["defaults"]["Week"] == 216000
    freeze_second(limited_app)
    seen = statuses(limited_app, VERSION, 121)
    assert seen[:120] == ["200 OK"] * 120
    assert seen[120] == "429 API calls quota exceeded! maximum admitted 120 per Minute."
    retry = int(limited_app.test_client().get(
        VERSION, environ_base={"REMOTE_ADDR": "10.0.0.1"}).headers["Retry-After"])
    assert 1 <= retry <= 60
    strict = admin.put("/__admin/throttles", json={"clientAddress": "10.0.0.9",
                                                    "limits": {"Hour": 2}})
    assert strict.status_code == 200
    assert statuses(limited_app, PING, 3, address="10.0.0.9")[-1] == \
        "429 API calls quota exceeded! maximum admitted 2 per Hour."
    assert admin.put("/__admin/throttles", json={"limits": {"Fortnight": 2}}).status_code == 400
    assert admin.delete("/__admin/throttles").get_json()["rules"] == []


def test_no_rate_limits_switches_them_off(tmp_path: Path) -> None:
    app = create_app("qses", Config(db_url=f"sqlite:///{tmp_path / 'off.sqlite3'}",
                                    rate_limits=False))
    assert set(statuses(app, PING, 30)) == {"200 OK"}


@pytest.fixture()
def gunicorn_base(tmp_path: Path) -> Iterator[str]:
    with serve("qses", "--root", "--db", f"sqlite:///{tmp_path / 'qs.sqlite3'}",
               env={"XDG_DATA_HOME": str(tmp_path)}) as base:
        yield base


def test_the_reason_phrase_reaches_clients_under_gunicorn(gunicorn_base: str) -> None:
    host, port = gunicorn_base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    for _ in range(25):
        connection.request("GET", PING)
        response = connection.getresponse()
        response.read()
        if response.status == 429:
            break
    assert response.status == 429
    assert response.reason == "API calls quota exceeded! maximum admitted 10 per Second."
    assert response.getheader("Retry-After") == "1"
