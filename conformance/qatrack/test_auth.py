"""QT-01 to QT-03: tokens, DRF's 401 bodies with WWW-Authenticate: Token, 403 without permission."""

from __future__ import annotations

import pytest

from apidouble.conformance.qatrack._api import (
    INVALID_TOKEN,
    NO_PERMISSION,
    NOT_PROVIDED,
    Api,
)
from apidouble.conformance.target import Target

TOKEN_URL = "/api/get-token/"
UNITS = "/api/units/units/"


@pytest.mark.rule("QT-01")
def test_get_token_with_form_fields(target: Target) -> None:
    username = target.need("username", "a user allowed to perform QA")
    password = target.need("password", "that user's password")
    response = target.request("POST", TOKEN_URL, data={"username": username, "password": password})
    assert response.status_code == 200, f"QT-01: get-token answered {response.status_code}"
    token = response.json().get("token")
    assert isinstance(token, str) and token, "QT-01: the body has no token"
    again = target.request("POST", TOKEN_URL, json={"username": username, "password": password})
    assert again.status_code == 200, f"QT-01: get-token with JSON answered {again.status_code}"
    units = target.request("GET", UNITS, headers={"Authorization": f"Token {token}"})
    assert units.status_code == 200, f"QT-01: the token is not accepted ({units.status_code})"


@pytest.mark.rule("QT-01")
def test_get_token_refuses_wrong_credentials(target: Target) -> None:
    response = target.request("POST", TOKEN_URL, data={
        "username": "apidouble-no-such-user", "password": "not-the-password"})
    assert response.status_code == 400, f"QT-01: wrong credentials answered {response.status_code}"
    expected = {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert response.json() == expected, (
        f"QT-01: wrong credentials body {response.text[:200]}")
    empty = target.request("POST", TOKEN_URL, json={})
    assert empty.status_code == 400, f"QT-01: an empty body answered {empty.status_code}"
    assert empty.json() == {"username": ["This field is required."],
                            "password": ["This field is required."]}, (
        f"QT-01: empty body {empty.text[:200]}")


@pytest.mark.rule("QT-01")
def test_get_token_is_post_only(target: Target) -> None:
    response = target.request("GET", TOKEN_URL)
    assert response.status_code == 405, f"QT-01: GET get-token answered {response.status_code}"
    assert response.json() == {"detail": 'Method "GET" not allowed.'}, (
        f"QT-01: GET get-token body {response.text[:200]}")


def _assert_401(response, detail: str, case: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 401, f"QT-02: {case} answered {response.status_code}"
    assert response.headers.get("WWW-Authenticate") == "Token", (
        f"QT-02: {case}: WWW-Authenticate is {response.headers.get('WWW-Authenticate')!r}, "
        "not 'Token'")
    assert response.json() == {"detail": detail}, f"QT-02: {case}: body {response.text[:200]}"


@pytest.mark.rule("QT-02")
def test_no_credentials_is_401(target: Target) -> None:
    _assert_401(target.request("GET", UNITS), NOT_PROVIDED, "no Authorization")
    basic = target.request("GET", UNITS, auth=("apidouble", "secret"))
    _assert_401(basic, NOT_PROVIDED, "HTTP Basic (not supported)")


@pytest.mark.rule("QT-02")
def test_unknown_token_is_401(target: Target) -> None:
    unknown = target.request("GET", UNITS, headers={"Authorization": "Token " + "0" * 40})
    _assert_401(unknown, INVALID_TOKEN, "an unknown token")
    spaced = target.request("GET", UNITS, headers={"Authorization": "Token a b"})
    _assert_401(spaced, "Invalid token header. Token string should not contain spaces.",
                "a token with spaces")


@pytest.mark.rule("QT-02")
def test_valid_token_is_accepted(api: Api) -> None:
    response = api.get(UNITS)
    assert response.status_code == 200, f"QT-02: a valid token answered {response.status_code}"


@pytest.mark.rule("QT-03")
def test_reading_needs_no_permission(readonly_api: Api) -> None:
    response = readonly_api.get(UNITS)
    assert response.status_code == 200, (
        f"QT-03: a read-only user reading units answered {response.status_code}")


@pytest.mark.rule("QT-03")
def test_performing_without_permission_is_403(readonly_api: Api) -> None:
    # Permissions are checked before the body is read: nothing can be created.
    response = readonly_api.post("/api/qa/testlistinstances/", json={})
    assert response.status_code == 403, (
        f"QT-03: a read-only user performing answered {response.status_code}")
    assert response.json() == {"detail": NO_PERMISSION}, f"QT-03: body {response.text[:200]}"
