"""Tokens (QS-04, QS-05), the Bearer requirement (QS-06) and endpoint grants (QS-07)."""

from __future__ import annotations

import pytest
import requests

from apidouble.conformance.target import Target

from ._client import API, DENIED, FORM, Crms, MockAdmin, body_of, login, seen

BAD_GRANT = "The user name, password or account is invalid."


def assert_token(response: requests.Response, what: str) -> None:
    body = body_of(response)
    assert response.status_code == 200, f"QS-04: {what} answered {seen(response)}"
    assert isinstance(body.get("access_token"), str) and body["access_token"], \
        f"QS-04: {what}: no access_token"
    assert str(body.get("token_type", "")).lower() == "bearer", \
        f"QS-04: {what}: token_type {body.get('token_type')!r}"
    expires = body.get("expires_in")
    assert isinstance(expires, int) and 3600 <= expires <= 4 * 3600, \
        f"QS-04: {what}: expires_in {expires!r}, expected about four hours"


def assert_invalid_grant(response: requests.Response, what: str) -> None:
    body = body_of(response)
    assert response.status_code == 400 and body.get("error") == "invalid_grant", \
        f"QS-04: {what} answered {seen(response)}, expected 400 invalid_grant"
    assert body.get("error_description") == BAD_GRANT, \
        f"QS-04: {what}: error_description {body.get('error_description')!r}"


@pytest.mark.rule("QS-04")
def test_password_grant_with_any_case_of_the_username(target: Target, crms: Crms) -> None:
    assert_token(login(target, crms.username, crms.password), "the password grant")
    for variant in (crms.username.upper(), crms.username.swapcase()):
        assert_token(login(target, variant, crms.password), f"username {variant!r}")


@pytest.mark.rule("QS-04")
def test_the_password_is_case_sensitive(target: Target, crms: Crms) -> None:
    if crms.password.swapcase() == crms.password:
        pytest.skip("not checkable: the password has no letters")
    assert_invalid_grant(login(target, crms.username, crms.password.swapcase()),
                         "the password in another case")
    assert_invalid_grant(login(target, crms.username, crms.password + "x"),
                         "a wrong password")
    assert_invalid_grant(login(target, "apidouble-no-such-user", "x"), "an unknown user")


@pytest.mark.rule("QS-05")
def test_no_refresh_token(target: Target, crms: Crms) -> None:
    response = login(target, crms.username, crms.password)
    assert "refresh_token" not in body_of(response), \
        f"QS-05: the token answer carries a refresh_token: {seen(response)}"
    refresh = target.request("POST", f"{API}/token", headers=FORM,
                             data={"grant_type": "refresh_token", "refresh_token": "x"})
    assert refresh.status_code == 400, \
        f"QS-05: grant_type=refresh_token answered {seen(refresh)}, expected 400"


@pytest.mark.rule("QS-05")
def test_an_expired_token_is_401(target: Target, crms: Crms) -> None:
    target.need_mock("waiting four hours is not polite: needs the mock's clock")
    response = login(target, crms.username, crms.password)
    token, lifetime = body_of(response)["access_token"], body_of(response)["expires_in"]
    headers = {"Authorization": f"Bearer {token}"}
    before = target.request("GET", f"{API}/courses", headers=headers, params={"limit": 1})
    assert before.status_code == 200, f"QS-05: a new token answered {seen(before)}"
    target.advance_clock(lifetime + 1)
    after = target.request("GET", f"{API}/courses", headers=headers, params={"limit": 1})
    assert after.status_code == 401 and body_of(after).get("Message") == DENIED, \
        f"QS-05: an expired token answered {seen(after)}, expected 401"
    assert_token(login(target, crms.username, crms.password), "a new token after expiry")


@pytest.mark.rule("QS-06")
@pytest.mark.parametrize("path", ["/diagnostics/ping", "/diagnostics/version"])
def test_diagnostics_need_no_token(target: Target, path: str) -> None:
    target.need_mock("the Diagnostics paths are the mock's choice; the guide names none")
    response = target.request("GET", API + path)
    assert response.status_code == 200, f"QS-06: GET {path} without a token: {seen(response)}"


@pytest.mark.rule("QS-06")
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz",
                                           "Bearer"])
def test_other_endpoints_need_a_valid_bearer(target: Target, authorization: str | None
                                             ) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for path in ("/contacts", "/courses"):
        response = target.request("GET", API + path, headers=headers)
        assert response.status_code == 401 and body_of(response).get("Message") == DENIED, \
            f"QS-06: GET {path} with Authorization {authorization!r} answered " \
            f"{seen(response)}, expected 401 {{Message: {DENIED!r}}}"


@pytest.mark.rule("QS-07")
def test_an_ungranted_endpoint_is_unauthorised(target: Target, limited: Crms) -> None:
    path = target.need("ungranted_path", "a path the limited account may not call")
    response = limited.get(path.removeprefix(API), relogin=False)
    assert response.status_code == 401 and body_of(response).get("Message") == DENIED, \
        f"QS-07: {limited.username} called {path}: {seen(response)}, expected 401"


@pytest.mark.rule("QS-07")
def test_a_grant_takes_effect_at_once(target: Target, limited: Crms, admin: MockAdmin) -> None:
    granted = admin.endpoints_of(limited.username)
    try:
        admin.grant(limited.username, [*granted, "GET courses"])
        allowed = limited.get("/courses", params={"limit": 1}, relogin=False)
        assert allowed.status_code == 200, \
            f"QS-07: after granting GET courses it answered {seen(allowed)}"
    finally:
        admin.grant(limited.username, granted)
    revoked = limited.get("/courses", params={"limit": 1}, relogin=False)
    assert revoked.status_code == 401, f"QS-07: after revoking it answered {seen(revoked)}"
