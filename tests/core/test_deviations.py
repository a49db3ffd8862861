"""The deviation switch: admin API, shared store, per-request read, reset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.core.deviations import Deviation, deviation_on, find


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Flask]:
    yield create_app("aliquora", Config(db_url=f"sqlite:///{tmp_path / 'aq.sqlite3'}"))


def test_listing_names_every_deviation_of_the_profile(app: Flask) -> None:
    body = app.test_client().get("/__admin/deviations").get_json()
    rules = {(d["rule"], d["variant"]) for d in body["deviations"]}
    assert ("AQ-26", "default") in rules
    assert all(set(d) == {"rule", "variant", "description", "active"} for d in body["deviations"])
    assert not any(d["active"] for d in body["deviations"])


def test_unknown_rule_is_400_listing_the_available(app: Flask) -> None:
    response = app.test_client().post("/__admin/deviations", json={"rule": "AQ-99"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_body" and "AQ-26/default" in body["message"]
    assert {"rule": "AQ-26", "variant": "default"} in body["available"]
    response = app.test_client().post("/__admin/deviations",
                                      json={"rule": "AQ-26", "variant": "nope"})
    assert response.status_code == 400


def test_switched_on_until_delete_or_reset(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/__admin/deviations", json={"rule": "aq-02"})
    assert response.status_code == 201
    assert response.get_json() == {"rule": "AQ-02", "variant": "default", "active": True,
                                   "description": response.get_json()["description"]}
    assert "WWW-Authenticate" not in client.get("/api/v1/whoami").headers
    client.delete("/__admin/deviations")
    assert client.get("/api/v1/whoami").headers["WWW-Authenticate"] == "Bearer"
    client.post("/__admin/deviations", json={"rule": "AQ-02"})
    client.post("/__admin/reset")
    assert client.get("/api/v1/whoami").headers["WWW-Authenticate"] == "Bearer"
    listing = client.get("/__admin/deviations").get_json()["deviations"]
    assert not any(d["active"] for d in listing)


def test_another_worker_sees_the_switch(app: Flask, tmp_path: Path) -> None:
    """Two apps on one database file stand for two worker processes."""
    other = create_app("aliquora", Config(db_url=f"sqlite:///{tmp_path / 'aq.sqlite3'}"))
    app.test_client().post("/__admin/deviations", json={"rule": "AQ-02"})
    assert "WWW-Authenticate" not in other.test_client().get("/api/v1/whoami").headers


def test_deviation_on_reads_once_per_request(app: Flask) -> None:
    app.test_client().post("/__admin/deviations", json={"rule": "AQ-26"})
    store = app.extensions["apidouble"].standin
    reads = []
    original = store._read
    store._read = lambda: reads.append(1) or original()  # type: ignore[method-assign]
    with app.test_request_context("/api/v1/samples"):
        assert deviation_on("AQ-26") and deviation_on("AQ-26", "default")
        assert not deviation_on("AQ-26", "other") and not deviation_on("AQ-02")
    assert reads == [1]
    assert not deviation_on("AQ-26")  # outside an app context nothing is on


def test_find_without_variant_takes_the_first() -> None:
    catalogue = (Deviation("X-01", "a", "one"), Deviation("X-01", "b", "two"))
    assert find(catalogue, "X-01", None) == catalogue[0]
    assert find(catalogue, "X-01", "two") == catalogue[1]
    assert find(catalogue, "X-02", None) is None
