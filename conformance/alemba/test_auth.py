"""Authentication: grants, token lifetimes, rotation, licences, scope, errors, logout (AL-01..08).

Lifetimes are checked through our mock's movable clock; against other servers
only ``expires_in`` is read, never by waiting.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from ..target import Target
from ._client import ANALYST, USER, Alemba, Credentials, Sessions, body_of, brief

ACCESS_SECONDS, REFRESH_SECONDS = 600, 24 * 3600


def admin_credentials(target: Target) -> list[dict[str, Any]]:
    """Our mock's published identities (tests calling this have checked ``need_mock``)."""
    entries = (target.admin or {}).get("credentials")
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def assert_pair(rule: str, response: requests.Response) -> dict:
    body = body_of(response)
    assert response.status_code == 200, f"{rule}: a login must succeed: {brief(response)}"
    for name in ("access_token", "refresh_token", "expires_in"):
        assert name in body, f"{rule}: a login answers {name}: {brief(response)}"
    assert isinstance(body["access_token"], str) and body["access_token"], \
        f"{rule}: access_token must be a non-empty string"
    return body


def assert_oauth_error(rule: str, response: requests.Response, status: int | set[int],
                       errors: set[str]) -> None:
    statuses = {status} if isinstance(status, int) else status
    assert response.status_code in statuses, \
        f"{rule}: expected {sorted(statuses)} with {sorted(errors)}, got {brief(response)}"
    body = body_of(response)
    assert body.get("error") in errors, \
        f"{rule}: the error code must be one of {sorted(errors)}: {brief(response)}"
    if "error_description" in body:
        assert isinstance(body["error_description"], str), \
            f"{rule}: error_description must be a string"


# ------------------------------------------------------------------- AL-01


@pytest.mark.rule("AL-01")
def test_password_and_refresh_grants(alemba: Alemba, sessions: Sessions,
                                     credentials: Credentials) -> None:
    response = alemba.login(credentials)
    body = assert_pair("AL-01", response)
    session = sessions.adopt(credentials, response)
    refreshed = alemba.refresh(credentials, body["refresh_token"])
    assert_pair("AL-01", refreshed)
    session.adopt(refreshed)
    assert session.get("/call", **{"$top": 1}).status_code == 200, \
        "AL-01: a password session may search calls"


@pytest.mark.rule("AL-01")
def test_client_credentials_grant_is_limited(alemba: Alemba, target: Target) -> None:
    client = target.need("anonymous_client_id", "a client allowed client_credentials")
    form = {"client_id": client, "grant_type": "client_credentials"}
    if target.credentials.get("anonymous_client_secret"):
        form["client_secret"] = target.credentials["anonymous_client_secret"]
    response = alemba.post_form(form)
    body = assert_pair("AL-01", response) if "refresh_token" in body_of(response) else \
        body_of(response)
    assert response.status_code == 200 and body.get("access_token"), \
        f"AL-01: client_credentials must give an access token: {brief(response)}"
    token = body["access_token"]
    # Anonymous access is "not full access": it may never create a call.
    created = alemba.api("POST", "/call", token, json={})
    assert created.status_code in (401, 403), \
        f"AL-01: an anonymous session must not create calls: {brief(created)}"
    if target.is_mock:  # our spec's choice 7: no calls, but reference data
        assert alemba.api("GET", "/call", token).status_code == 403, \
            "AL-01: an anonymous session may not read calls (spec choice 7)"
        assert alemba.api("GET", "/call-priority", token).status_code == 200, \
            "AL-01: an anonymous session reads reference data (spec choice 7)"
    if body.get("refresh_token"):
        alemba.logout(body["refresh_token"], token)


@pytest.mark.rule("AL-01")
def test_authorization_code_grant(alemba: Alemba, target: Target, sessions: Sessions) -> None:
    target.need_mock("single sign-on needs an identity provider; our mock simulates one")
    sso = next((c for c in admin_credentials(target) if c.get("grantType") ==
                "authorization_code"), None)
    if sso is None:
        pytest.fail("AL-01: our mock publishes no authorization_code identity")
    page = target.request("GET", sso["authorizeUrl"], params={
        "response_type": "code", "client_id": sso["client_id"],
        "redirect_uri": sso["redirectUri"], "state": "xyz", "scope": sso["scope"]})
    assert page.status_code == 200 and "<form" in page.text.lower(), \
        f"AL-01: the demo authorisation page shows a form: {brief(page)}"
    form = {"response_type": "code", "client_id": sso["client_id"], "state": "xyz",
            "redirect_uri": sso["redirectUri"], "scope": sso["scope"],
            "username": sso["username"], "password": sso.get("password") or ""}
    query = {k: form[k] for k in ("response_type", "client_id", "state", "redirect_uri",
                                  "scope")}
    signed = target.request("POST", sso["authorizeUrl"], params=query, data=form)
    assert signed.status_code == 302, f"AL-01: signing in redirects: {brief(signed)}"
    query = parse_qs(urlparse(signed.headers.get("Location", "")).query)
    assert query.get("state") == ["xyz"] and query.get("code"), \
        f"AL-01: the redirect carries the code and the state: {signed.headers.get('Location')}"
    exchange = {"client_id": sso["client_id"], "grant_type": "authorization_code",
                "code": query["code"][0], "redirect_uri": sso["redirectUri"]}
    response = alemba.post_form(exchange)
    assert_pair("AL-01", response)
    sessions.adopt(Credentials(sso["client_id"], scope=sso["scope"]), response)
    replay = alemba.post_form(exchange)
    assert_oauth_error("AL-01", replay, 400, {"invalid_grant"})


@pytest.mark.rule("AL-01")
def test_unknown_grant_type_is_refused(alemba: Alemba, credentials: Credentials) -> None:
    response = alemba.login(credentials, grant_type="magic")
    assert response.status_code == 400 and isinstance(body_of(response).get("error"), str), \
        f"AL-01: only the four grant types are accepted: {brief(response)}"


# ------------------------------------------------------------------- AL-02


@pytest.mark.rule("AL-02")
def test_access_token_is_short_lived(alemba: Alemba, sessions: Sessions,
                                     credentials: Credentials, target: Target) -> None:
    response = alemba.login(credentials)
    body = assert_pair("AL-02", response)
    sessions.adopt(credentials, response)
    expires = body["expires_in"]
    assert isinstance(expires, int) and 0 < expires <= ACCESS_SECONDS, \
        f"AL-02: expires_in is at most 10 minutes (600 s), got {expires!r}"
    assert body.get("refresh_token"), "AL-02: a login answers a refresh token"
    if target.is_mock:
        assert expires == ACCESS_SECONDS, f"AL-02: our mock's access tokens live 600 s: {expires}"


@pytest.mark.rule("AL-02")
def test_lifetimes_on_the_mock_clock(alemba: Alemba, sessions: Sessions,
                                     credentials: Credentials, target: Target) -> None:
    # How an expired access token is refused is AL-07's (test_expired_access_token_is_401).
    target.need_mock("token lifetimes are checked only where the clock can be moved")
    session = sessions.open(credentials)
    token = session.access_token
    target.advance_clock(ACCESS_SECONDS - 30)
    assert alemba.api("GET", "/call", token, params={"$top": 1}).status_code == 200, \
        "AL-02: the access token still works just before 10 minutes"
    target.advance_clock(60)
    expired = alemba.api("GET", "/call", token, params={"$top": 1})
    assert expired.status_code != 200, \
        f"AL-02: an access token older than 10 minutes no longer works: {brief(expired)}"
    target.advance_clock(REFRESH_SECONDS - ACCESS_SECONDS - 120)
    refreshed = alemba.refresh(credentials, session.refresh_token)
    assert_pair("AL-02", refreshed)
    session.adopt(refreshed)
    target.advance_clock(REFRESH_SECONDS + 60)
    dead = alemba.refresh(credentials, session.refresh_token)
    assert dead.status_code == 401, \
        f"AL-02: a refresh token older than 24 hours is refused with 401: {brief(dead)}"
    session.open = False


# ------------------------------------------------------------------- AL-03


@pytest.mark.rule("AL-03")
def test_refresh_rotates_and_spends_the_token(alemba: Alemba, sessions: Sessions,
                                              credentials: Credentials,
                                              target: Target) -> None:
    session = sessions.open(credentials)
    old_access, old_refresh = session.access_token, session.refresh_token
    response = alemba.refresh(credentials, old_refresh)
    body = assert_pair("AL-03", response)
    session.adopt(response)
    assert body["refresh_token"] != old_refresh, "AL-03: a refresh issues a NEW refresh token"
    assert body["access_token"] != old_access, "AL-03: a refresh issues a new access token"
    replay = alemba.refresh(credentials, old_refresh)
    statuses = {401} if target.is_mock else {400, 401}
    assert replay.status_code in statuses, \
        f"AL-03: a used refresh token must fail at once (401, or 400 invalid_grant): " \
        f"{brief(replay)}"
    if replay.status_code == 400:
        assert body_of(replay).get("error") == "invalid_grant", \
            f"AL-03: a 400 for a spent refresh token is invalid_grant: {brief(replay)}"
    assert session.get("/call", **{"$top": 1}).status_code == 200, \
        "AL-03: the new access token works"
    again = alemba.refresh(credentials, session.refresh_token)
    assert again.status_code == 200, f"AL-03: the new refresh token works: {brief(again)}"
    session.adopt(again)


@pytest.mark.rule("AL-03")
def test_concurrent_refreshes_exactly_one_wins(alemba: Alemba, sessions: Sessions,
                                               credentials: Credentials) -> None:
    session = sessions.open(credentials)
    token = session.refresh_token
    outcomes: list[requests.Response] = []
    start = threading.Barrier(6)

    def refresh() -> None:
        start.wait(timeout=10)
        outcomes.append(Alemba(alemba.target).refresh(credentials, token))

    threads = [threading.Thread(target=refresh) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [r for r in outcomes if r.status_code == 200]
    for extra in winners:
        session.adopt(extra)
        if extra is not winners[0]:
            sessions.adopt(credentials, extra)
    assert len(winners) == 1, \
        f"AL-03: of concurrent refreshes with one token exactly one succeeds, got " \
        f"{sorted(r.status_code for r in outcomes)}"


# ------------------------------------------------------------------- AL-04


@pytest.mark.rule("AL-04")
def test_removed_session_invalidates_refresh_token(alemba: Alemba, sessions: Sessions,
                                                   credentials: Credentials) -> None:
    session = sessions.open(credentials)
    refresh_token = session.refresh_token
    logout = session.logout()
    assert logout is not None and logout.status_code == 200, \
        f"AL-08: logout succeeds: {brief(logout) if logout is not None else 'not sent'}"
    after = alemba.refresh(credentials, refresh_token)
    assert after.status_code in (400, 401), \
        f"AL-04: the refresh token of a removed session is invalid: {brief(after)}"


@pytest.mark.rule("AL-04")
def test_licences_are_finite_and_freed(alemba: Alemba, target: Target,
                                       sessions: Sessions) -> None:
    target.need_mock("exhausting the licence pool would lock out a real system's users")
    analysts = [c for c in admin_credentials(target) if c.get("grantType") == "password"
                and c.get("sessionType") == "Analyst" and c.get("loginEnabled")
                and c.get("clientEnabled") and c.get("scope") == ANALYST]
    try:
        _take_every_licence_and_free_them(alemba, target, sessions, analysts)
    finally:  # even after a failure, every seat taken here ends: later tests can log in
        target.advance_clock(REFRESH_SECONDS + 60)
        for session in sessions.opened:
            session.open = False


def _take_every_licence_and_free_them(alemba: Alemba, target: Target, sessions: Sessions,
                                      analysts: list[dict[str, Any]]) -> None:
    taken, refused = [], None
    for _ in range(4):
        for entry in analysts:
            creds = Credentials(entry["client_id"], entry.get("client_secret"),
                                entry["username"], entry["password"])
            response = alemba.login(creds)
            if response.status_code != 200:
                refused = response
                break
            taken.append(sessions.adopt(creds, response))
        if refused is not None:
            break
    assert refused is not None, \
        f"AL-04: logins must fail once every licence is taken ({len(taken)} sessions opened)"
    assert_oauth_error("AL-04", refused, 400, {"invalid_grant"})
    assert "licen" in str(body_of(refused).get("error_description", "")).lower(), \
        f"AL-04: the error says no licence is free: {brief(refused)}"
    first = taken[0]
    done = first.logout()
    assert done is not None and done.status_code == 200, "AL-08: logout succeeds"
    again = alemba.login(first.credentials)
    assert again.status_code == 200, f"AL-04: a removed session frees its licence: {brief(again)}"
    sessions.adopt(first.credentials, again)
    target.advance_clock(REFRESH_SECONDS + 60)  # every session here expires
    for session in sessions.opened:
        session.open = False
    after = alemba.login(first.credentials)
    assert after.status_code == 200, \
        f"AL-04: expired sessions free their licences: {brief(after)}"
    sessions.adopt(first.credentials, after)
    dead = alemba.refresh(taken[1].credentials, taken[1].refresh_token)
    assert dead.status_code == 401, \
        f"AL-04: the refresh token of an expired session is invalid: {brief(dead)}"


# ------------------------------------------------------------------- AL-05


@pytest.mark.rule("AL-05")
def test_scope_values(alemba: Alemba, sessions: Sessions, credentials: Credentials,
                      identity: Any) -> None:
    response = alemba.login(credentials, scope=ANALYST)
    body = assert_pair("AL-05", response)
    sessions.adopt(credentials, response)
    assert body.get("scope") == ANALYST, f"AL-05: the actual scope is answered: {body.get('scope')}"
    user = identity("user")
    response = alemba.login(user)
    body = assert_pair("AL-05", response)
    sessions.adopt(user, response)
    assert body.get("scope") == USER, f"AL-05: the actual scope is answered: {body.get('scope')}"


@pytest.mark.rule("AL-05")
@pytest.mark.parametrize("scope", ["session-type:analyst", "SESSION-TYPE:Analyst",
                                   "session-type:Admin", "analyst"])
def test_scope_is_case_sensitive(alemba: Alemba, sessions: Sessions, credentials: Credentials,
                                 target: Target, scope: str) -> None:
    response = alemba.login(credentials, scope=scope)
    if response.status_code == 200:
        sessions.adopt(credentials, response)
    errors = {"invalid_grant"} if target.is_mock else {"invalid_grant", "invalid_scope",
                                                       "invalid_request"}
    assert_oauth_error("AL-05", response, 400, errors)


# ------------------------------------------------------------------- AL-06


@pytest.mark.rule("AL-06")
def test_unknown_and_disabled_clients(alemba: Alemba, sessions: Sessions,
                                      credentials: Credentials, target: Target) -> None:
    unknown = alemba.login(credentials, client_id="apidouble-no-such-client")
    assert_oauth_error("AL-06", unknown, 401, {"invalid_client"})
    disabled = target.need("disabled_client_id", "a disabled API client")
    response = alemba.login(credentials, client_id=disabled, client_secret=None)
    if response.status_code == 200:
        sessions.adopt(credentials, response)
    assert_oauth_error("AL-06", response, 401, {"invalid_client"})


@pytest.mark.rule("AL-06")
def test_wrong_credentials(alemba: Alemba, sessions: Sessions, credentials: Credentials,
                           identity: Any) -> None:
    wrong = alemba.login(credentials, password=(credentials.password or "") + "-wrong")
    assert_oauth_error("AL-06", wrong, 400, {"invalid_grant"})
    nobody = alemba.login(credentials, username="apidouble-nobody")
    assert_oauth_error("AL-06", nobody, 400, {"invalid_grant"})
    disabled = identity("disabled_login")
    response = alemba.login(disabled)
    if response.status_code == 200:
        sessions.adopt(disabled, response)
    assert_oauth_error("AL-06", response, 400, {"invalid_grant"})


# ------------------------------------------------------------------- AL-07


@pytest.mark.rule("AL-07")
def test_bearer_token_required(alemba: Alemba, sessions: Sessions,
                               credentials: Credentials) -> None:
    session = sessions.open(credentials)
    ok = alemba.api("GET", "/call", session.access_token, params={"$top": 1})
    assert ok.status_code == 200, f"AL-07: the Bearer access token is accepted: {brief(ok)}"
    missing = alemba.api("GET", "/call", None, params={"$top": 1})
    assert missing.status_code == 401, f"AL-07: no token answers 401: {brief(missing)}"
    bogus = alemba.api("GET", "/call", "apidouble-not-a-token", params={"$top": 1})
    assert bogus.status_code == 401, f"AL-07: an unknown token answers 401: {brief(bogus)}"


@pytest.mark.rule("AL-07")
def test_expired_access_token_is_401(alemba: Alemba, sessions: Sessions,
                                     credentials: Credentials, target: Target) -> None:
    target.need_mock("an access token expires only where the clock can be moved")
    session = sessions.open(credentials)
    token = session.access_token
    target.advance_clock(ACCESS_SECONDS + 30)
    expired = alemba.api("GET", "/call", token, params={"$top": 1})
    assert expired.status_code == 401, \
        f"AL-07: an access token older than 10 minutes answers 401: {brief(expired)}"
    refreshed = alemba.refresh(credentials, session.refresh_token)
    assert_pair("AL-07", refreshed)
    session.adopt(refreshed)
    assert session.get("/call", **{"$top": 1}).status_code == 200, \
        "AL-07: after a 401, the refreshed access token works (the guide's client flow)"


@pytest.mark.rule("AL-07")
def test_login_token_query_parameter(alemba: Alemba, sessions: Sessions,
                                     credentials: Credentials, target: Target) -> None:
    target.need_mock("Login_Token is a wire-notes fact about clients, not in the guide")
    session = sessions.open(credentials)
    response = alemba.api("GET", "/call", None,
                          params={"$top": 1, "Login_Token": session.access_token})
    assert response.status_code == 200, \
        f"AL-07: the access token is accepted as Login_Token: {brief(response)}"


@pytest.mark.rule("AL-07")
def test_dead_refresh_token_answers_401(alemba: Alemba, credentials: Credentials,
                                        target: Target) -> None:
    response = alemba.refresh(credentials, "apidouble-not-a-refresh-token")
    statuses = {401} if target.is_mock else {400, 401}
    assert response.status_code in statuses, \
        f"AL-07: an unusable refresh token is refused (401: log in again): {brief(response)}"


# ------------------------------------------------------------------- AL-08


@pytest.mark.rule("AL-08")
def test_logout_outcomes(alemba: Alemba, sessions: Sessions, credentials: Credentials,
                         identity: Any, target: Target) -> None:
    mine = sessions.open(credentials)
    missing = alemba.logout(None, mine.access_token)
    assert missing.status_code == 400, f"AL-08: logout without a token is 400: {brief(missing)}"
    invalid = alemba.logout("apidouble-not-a-token", mine.access_token)
    assert invalid.status_code == 400, f"AL-08: logout with an invalid token is 400: " \
        f"{brief(invalid)}"
    unproven = alemba.logout(mine.refresh_token, None)
    assert unproven.status_code == 401, \
        f"AL-08: logout without the Bearer access token is 401: {brief(unproven)}"
    theirs = sessions.open(identity("other"))
    foreign = alemba.logout(theirs.refresh_token, mine.access_token)
    assert foreign.status_code == 403, \
        f"AL-08: logging out someone else's refresh token is 403: {brief(foreign)}"
    done = mine.logout()
    assert done is not None and done.status_code == 200, \
        f"AL-08: logout succeeds: {brief(done) if done is not None else 'not sent'}"
    again = alemba.logout(mine.refresh_token, mine.access_token)
    statuses = {400} if target.is_mock else {400, 401, 404}
    assert again.status_code in statuses, \
        f"AL-08: a refresh token already logged out is no longer valid: {brief(again)}"


@pytest.mark.rule("AL-08", "AL-04")
def test_logout_of_a_removed_session_is_404(alemba: Alemba, sessions: Sessions,
                                            identity: Any, target: Target) -> None:
    target.need_mock("removing a session needs the administrator's logon control")
    other = identity("other")
    session = sessions.open(other)
    person = next((c.get("personRef") for c in admin_credentials(target)
                   if c.get("username") == other.username), None)
    listed = target.request("GET", "/__admin/sessions").json().get("sessions", [])
    mine = sorted((s for s in listed if s.get("personRef") == person),
                  key=lambda s: str(s.get("startedAt")))
    assert mine, f"AL-04: the new session holds a licence: {listed}"
    removed = target.request("DELETE", f"/__admin/sessions/{mine[-1]['session']}")
    assert removed.status_code == 200, f"AL-04: the mock removes the session: {brief(removed)}"
    gone = alemba.logout(session.refresh_token, session.access_token)
    assert gone.status_code == 404, \
        f"AL-08: logging out a session that was already removed is 404: {brief(gone)}"
    dead = alemba.refresh(other, session.refresh_token)
    assert dead.status_code == 401, \
        f"AL-04: the refresh token of a removed session is invalid: {brief(dead)}"
    session.open = False


@pytest.mark.rule("AL-08")
def test_logout_with_expired_access_token(alemba: Alemba, sessions: Sessions,
                                          credentials: Credentials, target: Target) -> None:
    target.need_mock("needs the access token to expire")
    session = sessions.open(credentials)
    target.advance_clock(ACCESS_SECONDS + 30)
    unproven = alemba.logout(session.refresh_token, session.access_token)
    assert unproven.status_code == 401, \
        f"AL-08: an expired access token cannot prove ownership: 401: {brief(unproven)}"
    done = session.logout()  # refreshes, then logs out, as the vendor's sample does
    assert done is not None and done.status_code == 200, \
        f"AL-08: after a refresh the logout succeeds: {brief(done) if done else 'not sent'}"
