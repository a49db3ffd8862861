"""The admin interface refuses cross-site browser requests and, when configured, tokenless ones."""

from __future__ import annotations

import pytest
from flask import Flask

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

TOKEN = "s3cret-admin-token"


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app("aliquora", Config(db_url="sqlite:///:memory:"))


@pytest.fixture(scope="module")
def guarded() -> Flask:
    return create_app("aliquora", Config(db_url="sqlite:///:memory:", admin_token=TOKEN))


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://localhost:9999"},
])
def test_cross_site_state_changes_are_refused(app: Flask, headers: dict[str, str]) -> None:
    response = app.test_client().post("/__admin/reset", headers=headers, json={})
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "text/plain"])
def test_bodies_a_browser_sends_without_preflight_are_refused(app: Flask,
                                                              content_type: str) -> None:
    response = app.test_client().post("/__admin/clock", data='{"advance": 5}',
                                      content_type=content_type)
    assert response.status_code == 415
    assert app.test_client().get("/__admin/clock").get_json()["offsetSeconds"] == 0


def test_same_origin_and_non_browser_calls_pass(app: Flask) -> None:
    client = app.test_client()
    assert client.post("/__admin/reset").status_code == 200
    same = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/__admin/reset", headers=same).status_code == 200
    # reading is harmless: a cross-site GET cannot read the answer without CORS
    assert client.get("/__admin/credentials", headers={"Sec-Fetch-Site": "cross-site"}
                      ).status_code == 200


def test_a_configured_token_is_required_for_every_admin_call(guarded: Flask) -> None:
    client = guarded.test_client()
    for method, path in (("get", "/__admin/credentials"), ("post", "/__admin/reset"),
                         ("get", "/__admin/keys")):
        refused = getattr(client, method)(path)
        assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorized"
        wrong = getattr(client, method)(path, headers={"X-Apidouble-Admin-Token": "nope"})
        assert wrong.status_code == 401
        allowed = getattr(client, method)(path, headers={"X-Apidouble-Admin-Token": TOKEN})
        assert allowed.status_code == 200, allowed.get_json()
