"""Tokens, grants and the admin side of accounts (QS-04..QS-07)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .conftest import API, token_for

DENIED = {"Message": "Authorization has been denied for this request."}


def test_credentials_list_accounts_with_their_endpoints(accounts: dict[str, Any]) -> None:
    assert {"integration.full", "enquiry.portal", "reporting.readonly", "agent.intake"} <= \
        set(accounts)
    full, portal = accounts["integration.full"], accounts["enquiry.portal"]
    assert len(full["endpoints"]) == 17 and "POST processes/upsertcontact" in full["endpoints"]
    assert "GET contacts/{id}" not in portal["endpoints"] and portal["password"]


def test_token_username_any_case_password_exact(app: Flask, accounts: dict[str, Any]) -> None:
    client = app.test_client()
    password = accounts["enquiry.portal"]["password"]
    response = client.post(f"{API}/token", data={"grant_type": "password",
                                                 "username": "Enquiry.PORTAL",
                                                 "password": password})
    body = response.get_json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 14399
    assert "refresh_token" not in body
    for username, secret in (("enquiry.portal", password.swapcase()), ("nobody", password)):
        refused = client.post(f"{API}/token", data={"grant_type": "password",
                                                    "username": username, "password": secret})
        assert refused.status_code == 400 and refused.get_json() == {
            "error": "invalid_grant",
            "error_description": "The user name, password or account is invalid."}
    assert client.post(f"{API}/token", data={"grant_type": "refresh_token"}).get_json()[
        "error"] == "unsupported_grant_type"
    assert client.post(f"{API}/token", json={"grant_type": "password"}).get_json()[
        "error"] == "invalid_request"


def test_expired_token_is_401_on_the_shared_clock(app: Flask, accounts: dict[str, Any]
                                                  ) -> None:
    client = app.test_client()
    token = token_for(client, "integration.full", accounts["integration.full"]["password"])
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/courses", headers=headers).status_code == 200
    client.post("/__admin/clock", json={"advance": 14398})
    assert client.get(f"{API}/courses", headers=headers).status_code == 200
    client.post("/__admin/clock", json={"advance": 2})
    expired = client.get(f"{API}/courses", headers=headers)
    assert expired.status_code == 401 and expired.get_json() == DENIED


def test_diagnostics_open_everything_else_needs_a_token(app: Flask) -> None:
    client = app.test_client()
    assert client.get(f"{API}/diagnostics/ping").get_json()["Status"] == "OK"
    assert client.get(f"{API}/diagnostics/version").status_code == 200
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic eA=="}):
        response = client.get(f"{API}/contacts", headers=headers)
        assert response.status_code == 401 and response.get_json() == DENIED


def test_grants_are_enforced_and_changed_by_the_admin(app: Flask, make_api: Any) -> None:
    portal = make_api("enquiry.portal")
    assert portal.get("/contacts?limit=1").status_code == 200
    assert portal.get("/contacts/100001").get_json() == DENIED
    admin = app.test_client()
    granted = admin.put("/__admin/accounts/ENQUIRY.portal/endpoints",
                        json=["GET contacts", "GET contacts/{id}"])
    assert granted.status_code == 200
    assert portal.get("/contacts/100001").status_code == 200
    assert portal.get("/courses").get_json() == DENIED  # no longer granted
    assert admin.put("/__admin/accounts/nobody/endpoints", json=[]).status_code == 404
    assert admin.put("/__admin/accounts/enquiry.portal/endpoints",
                     json=["GET everything"]).status_code == 400
    listed = admin.get("/__admin/credentials").get_json()["credentials"]
    assert next(c for c in listed if c["username"] == "enquiry.portal")["endpoints"] == [
        "GET contacts", "GET contacts/{id}"]
