"""Alemba mock: the four grants, scopes, rotation, licences, logout (AL-01..AL-08)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from apidouble.mock_server.alemba.demo import Demo
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app


@pytest.fixture(scope="module")
def shared() -> Demo:
    return Demo.start()


@pytest.fixture
def demo(shared: Demo) -> Iterator[Demo]:
    shared.reset()
    yield shared


def test_password_grant_returns_tokens_with_lifetimes(demo: Demo) -> None:
    body = demo.login("analyst")
    assert body["expires_in"] == 600 and body["token_type"] == "bearer"
    assert body["scope"] == "session-type:Analyst" and body["refresh_token"]
    assert demo.get("call?$top=1").status_code == 200


def test_login_token_query_parameter(demo: Demo) -> None:
    token = demo.login("analyst")["access_token"]
    response = demo.client.get(f"/alemba.api/api/v1/call?$top=1&Login_Token={token}")
    assert response.status_code == 200
    assert "Login_Token" not in response.json["_self"]


def test_access_token_expires_after_ten_minutes(demo: Demo) -> None:
    demo.login("analyst")
    demo.advance(599)
    assert demo.get("call?$top=1").status_code == 200
    demo.advance(2)
    response = demo.get("call?$top=1")
    assert response.status_code == 401 and response.json["Type"] == "HttpStatusException"


@pytest.mark.parametrize(("overrides", "status", "error"), [
    ({"client_id": "nobody"}, 401, "invalid_client"),
    ({"client_id": ""}, 401, "invalid_client"),
    ({"password": "wrong"}, 400, "invalid_grant"),
    ({"username": "NOSUCHUSER"}, 400, "invalid_grant"),
    ({"scope": "session-type:analyst"}, 400, "invalid_grant"),
    ({"scope": "session-type:User"}, 400, "invalid_grant"),
    ({"scope": "whatever"}, 400, "invalid_grant"),
    ({"grant_type": "magic"}, 400, "unsupported_grant_type"),
])
def test_grant_errors(demo: Demo, overrides: dict, status: int, error: str) -> None:
    response = demo.post_login(demo.form("analyst", **overrides))
    assert response.status_code == status
    assert response.json["error"] == error and "error_description" in response.json


def test_disabled_client_and_login(demo: Demo) -> None:
    response = demo.post_login(demo.form("disabled-client"))
    assert (response.status_code, response.json["error"]) == (401, "invalid_client")
    response = demo.post_login(demo.form("disabled-login"))
    assert (response.status_code, response.json["error"]) == (400, "invalid_grant")


def test_client_secret_is_checked(demo: Demo) -> None:
    assert demo.post_login(demo.form("analyst-any-client", client_secret="x")).status_code == 401
    assert demo.post_login(demo.form("analyst-any-client")).status_code == 200


def test_any_client_needs_a_scope(demo: Demo) -> None:
    response = demo.post_login(demo.form("user-any-client", scope=None))
    assert (response.status_code, response.json["error"]) == (400, "invalid_grant")
    assert demo.post_login(demo.form("user-any-client")).json["scope"] == "session-type:User"


def test_user_cannot_take_an_analyst_session(demo: Demo) -> None:
    response = demo.post_login(demo.form("user-any-client", scope="session-type:Analyst"))
    assert (response.status_code, response.json["error"]) == (400, "invalid_grant")


def test_refresh_rotates_and_replay_fails(demo: Demo) -> None:
    first = demo.login("analyst")
    form = {"client_id": "alemba-analyst", "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"], "scope": "session-type:Analyst"}
    second = demo.post_login(form)
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    replay = demo.post_login(form)
    assert (replay.status_code, replay.json["error"]) == (401, "invalid_grant")
    demo.token = second.json["access_token"]
    assert demo.get("call?$top=1").status_code == 200


def test_concurrent_refresh_has_exactly_one_winner(tmp_path: Path) -> None:
    """Real concurrency needs real connections: a file database, one client per thread."""
    app = create_app("alemba", Config(db_url=f"sqlite:///{tmp_path / 'alemba.sqlite3'}"))
    demo = Demo.start(app)
    refresh = demo.login("analyst")["refresh_token"]
    form = {"client_id": "alemba-analyst", "grant_type": "refresh_token",
            "refresh_token": refresh}
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def attempt() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/alemba.web/oauth/login", data=form).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.extensions["apidouble"].storage.dispose()
    assert sorted(statuses) == [200] + [401] * 5


def test_refresh_token_dies_after_a_day(demo: Demo) -> None:
    refresh = demo.login("analyst")["refresh_token"]
    demo.advance(24 * 3600 + 1)
    response = demo.post_login({"client_id": "alemba-analyst", "grant_type": "refresh_token",
                                "refresh_token": refresh})
    assert response.status_code == 401


def test_licences_run_out_and_come_back_after_expiry(demo: Demo) -> None:
    size = demo.client.get("/__admin/licences").json["licences"]["User"]["size"]
    users = [name for name, entry in demo.credentials.items()
             if entry["sessionType"] == "User" and entry["loginEnabled"] and entry["grantType"]
             == "password" and entry["clientEnabled"]]
    for index in range(size):
        demo.login(users[index % len(users)])
    refused = demo.post_login(demo.form("user"))
    assert refused.status_code == 400 and "licence" in refused.json["error_description"]
    demo.advance(24 * 3600 + 1)
    assert demo.post_login(demo.form("user")).status_code == 200


def test_removed_session_frees_licence_and_kills_tokens(demo: Demo) -> None:
    body = demo.login("analyst")
    sessions = demo.client.get("/__admin/sessions").json["sessions"]
    assert len(sessions) == 1
    assert demo.client.delete(f"/__admin/sessions/{sessions[0]['session']}").status_code == 200
    assert demo.get("call?$top=1").status_code == 401
    response = demo.post_login({"client_id": "alemba-analyst", "grant_type": "refresh_token",
                                "refresh_token": body["refresh_token"]})
    assert response.status_code == 401
    assert demo.client.get("/__admin/licences").json["licences"]["Analyst"]["inUse"] == 0


def _logout(demo: Demo, token: str | None, access: str | None) -> int:
    headers = {"Authorization": f"Bearer {access}"} if access else {}
    data = {"token": token} if token else {}
    return demo.client.post("/alemba.web/oauth/login", data=data, headers=headers).status_code


def test_logout_outcomes(demo: Demo) -> None:
    mine = demo.login("analyst")
    other = demo.login("analyst2")
    assert _logout(demo, None, mine["access_token"]) == 400
    assert _logout(demo, "not-a-token", mine["access_token"]) == 400
    assert _logout(demo, mine["refresh_token"], None) == 401
    assert _logout(demo, mine["refresh_token"], "expired-or-wrong") == 401
    assert _logout(demo, other["refresh_token"], mine["access_token"]) == 403
    assert _logout(demo, mine["refresh_token"], mine["access_token"]) == 200
    session = demo.client.get("/__admin/sessions").json["sessions"][0]["session"]
    demo.client.delete(f"/__admin/sessions/{session}")
    assert _logout(demo, other["refresh_token"], other["access_token"]) == 404


def test_logout_frees_the_licence_and_revokes_tokens(demo: Demo) -> None:
    body = demo.login("analyst")
    assert _logout(demo, body["refresh_token"], body["access_token"]) == 200
    assert demo.get("call?$top=1").status_code == 401
    assert demo.client.get("/__admin/licences").json["licences"]["Analyst"]["inUse"] == 0


def test_client_credentials_is_anonymous_and_limited(demo: Demo) -> None:
    entry = demo.credentials["anonymous"]
    response = demo.post_login({"client_id": entry["client_id"], "grant_type":
                                "client_credentials", "client_secret": entry["client_secret"]})
    assert response.status_code == 200 and "refresh_token" not in response.json
    demo.token = response.json["access_token"]
    assert demo.get("service?$top=2").status_code == 200
    denied = demo.get("call?$top=2")
    assert denied.status_code == 403 and denied.json["SubStatus"] == "NotAllowed"
    assert demo.post("organization", {"Name": "X"}).status_code == 403


def test_authorization_code_grant(demo: Demo) -> None:
    entry = demo.credentials["sso"]
    query = (f"client_id={entry['client_id']}&redirect_uri={entry['redirectUri']}"
             f"&state=xyz&scope=session-type:Analyst")
    page = demo.client.get(f"/alemba.web/oauth/authorize?{query}")
    assert page.status_code == 200 and entry["username"] in page.text
    answer = demo.client.post(f"/alemba.web/oauth/authorize?{query}",
                              data={"username": entry["username"]})
    assert answer.status_code == 302
    params = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert params["state"] == ["xyz"]
    form = {"client_id": entry["client_id"], "grant_type": "authorization_code",
            "code": params["code"][0], "redirect_uri": entry["redirectUri"]}
    assert demo.post_login(form).status_code == 200
    assert demo.post_login(form).status_code == 400  # a code works once


def test_authorize_refuses_foreign_redirects(demo: Demo) -> None:
    response = demo.client.get("/alemba.web/oauth/authorize?client_id=sso-portal"
                               "&redirect_uri=http://evil.example/")
    assert response.status_code == 400 and response.json["error"] == "invalid_request"


def test_login_needs_form_encoding(demo: Demo) -> None:
    response = demo.client.post("/alemba.web/oauth/login", json={"grant_type": "password"})
    assert response.status_code == 400 and response.json["error"] == "invalid_request"
