"""QATrack+ mock: tokens, DRF's exact auth bodies, permissions, throttling (QT-01..QT-03)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from apidouble.mock_server.core import Config
from apidouble.mock_server.core.ratelimit import RateLimit, Window
from apidouble.mock_server.qatrack import access
from apidouble.mock_server.systems import create_app


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app("qatrack", Config(db_url="sqlite:///:memory:"))


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def creds(app: Flask) -> dict[str, dict[str, Any]]:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    return {entry["role"]: entry for entry in entries}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def test_credentials_list_every_role(creds: dict[str, dict[str, Any]]) -> None:
    assert set(creds) == {"admin", "performer", "read_only", "inactive"}
    for entry in creds.values():
        assert re.fullmatch(r"[0-9a-f]{40}", entry["token"])
    assert "add_testlistinstance" in creds["performer"]["permissions"]
    assert creds["read_only"]["permissions"] == []


@pytest.mark.parametrize("how", ["form", "json", "multipart"])
def test_get_token_answers_the_users_token(client: FlaskClient, creds: dict, how: str) -> None:
    user = creds["performer"]
    fields = {"username": user["username"], "password": user["password"]}
    if how == "json":
        response = client.post("/api/get-token/", json=fields)
    elif how == "multipart":
        response = client.post("/api/get-token/", data=fields, content_type="multipart/form-data")
    else:
        response = client.post("/api/get-token/", data=fields)
    assert response.status_code == 200
    assert response.get_json() == {"token": user["token"]}


def test_get_token_errors(client: FlaskClient, creds: dict) -> None:
    user = creds["performer"]
    wrong = client.post("/api/get-token/", data={"username": user["username"], "password": "x"})
    assert wrong.status_code == 400
    assert wrong.get_json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    empty = client.post("/api/get-token/", json={})
    assert empty.get_json() == {"username": ["This field is required."],
                                "password": ["This field is required."]}
    inactive = creds["inactive"]
    refused = client.post("/api/get-token/", data={"username": inactive["username"],
                                                   "password": inactive["password"]})
    assert refused.status_code == 400
    got = client.get("/api/get-token/")
    assert got.status_code == 405
    assert got.get_json() == {"detail": 'Method "GET" not allowed.'}
    assert got.headers["Allow"] == "POST, OPTIONS"
    bad_json = client.post("/api/get-token/", data="{", content_type="application/json")
    assert bad_json.status_code == 400 and bad_json.get_json()["detail"].startswith("JSON parse")


@pytest.mark.parametrize(("header", "detail"), [
    (None, "Authentication credentials were not provided."),
    ("Basic dXNlcjpwYXNz", "Authentication credentials were not provided."),
    ("Token 0123456789abcdef0123456789abcdef01234567", "Invalid token."),
    ("Token a b", "Invalid token header. Token string should not contain spaces."),
    ("Token", "Invalid token header. No credentials provided."),
])
def test_401_bodies(client: FlaskClient, header: str | None, detail: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/units/units/", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"detail": detail}
    assert response.headers["WWW-Authenticate"] == "Token"


def test_inactive_users_token_is_refused(client: FlaskClient, creds: dict) -> None:
    response = client.get("/api/units/units/", headers=auth(creds["inactive"]["token"]))
    assert response.status_code == 401
    assert response.get_json() == {"detail": "User inactive or deleted."}


def test_read_only_user_reads_but_may_not_perform(client: FlaskClient, creds: dict) -> None:
    headers = auth(creds["read_only"]["token"])
    assert client.get("/api/qa/tests/", headers=headers).status_code == 200
    response = client.post("/api/qa/testlistinstances/", json={}, headers=headers)
    assert response.status_code == 403
    assert response.get_json() == {"detail": "You do not have permission to perform this action."}


def test_read_only_resources_answer_405_to_those_allowed_to_write(
        client: FlaskClient, creds: dict) -> None:
    response = client.post("/api/units/units/", json={}, headers=auth(creds["admin"]["token"]))
    assert response.status_code == 405
    assert response.get_json() == {"detail": 'Method "POST" not allowed.'}
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    put = client.put("/api/qa/testlistinstances/1/", json={},
                     headers=auth(creds["admin"]["token"]))
    assert put.status_code == 405 and put.headers["Allow"] == "GET, PATCH"


def test_throttle_answers_drf_429(client: FlaskClient, creds: dict,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "USER_RATE", RateLimit("user-test", (Window(2, 60, "minute"),)))
    headers = auth(creds["read_only"]["token"])
    statuses = [client.get("/api/qa/frequencies/", headers=headers) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    body = statuses[-1].get_json()["detail"]
    wait = int(statuses[-1].headers["Retry-After"])
    unit = "second" if wait == 1 else "seconds"
    assert body == f"Request was throttled. Expected available in {wait} {unit}."


def test_admin_page_adds_and_deletes_tokens() -> None:
    client = create_app("qatrack", Config(db_url="sqlite:///:memory:")).test_client()
    entries = client.get("/__admin/credentials").get_json()["credentials"]
    old = next(entry for entry in entries if entry["role"] == "read_only")
    added = client.post("/__admin/tokens", json={"username": old["username"]})
    assert added.status_code == 201
    token = added.get_json()["token"]
    assert re.fullmatch(r"[0-9a-f]{40}", token) and token != old["token"]
    assert client.get("/api/qa/tests/", headers=auth(old["token"])).status_code == 401
    assert client.get("/api/qa/tests/", headers=auth(token)).status_code == 200
    again = client.post("/api/get-token/", data={"username": old["username"],
                                                 "password": old["password"]})
    assert again.get_json() == {"token": token}
    listed = client.get("/__admin/tokens").get_json()["tokens"]
    assert old["username"] in {entry["username"] for entry in listed}
    assert client.delete(f"/__admin/tokens/{old['username']}").status_code == 200
    assert client.get("/api/qa/tests/", headers=auth(token)).status_code == 401
