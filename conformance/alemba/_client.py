"""Talking to an Alemba target: the OAuth login service, sessions, and the REST API.

Nothing here asserts: tests decide what a response must look like. Helpers
that read bodies are lenient (``{}`` or ``None`` when a body is not what they
expect), so a deviating server fails the test's assertion with a message
naming the rule, not a ``KeyError`` in a helper.

Every login takes a licence on a real server, so every :class:`Session`
opened through :class:`Sessions` is logged out when the test ends.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from ..http import body_of
from ..target import Target

LOGIN = "/alemba.web/oauth/login"
API = "/alemba.api/api/v1"
ANALYST, USER = "session-type:Analyst", "session-type:User"
FORM = "application/x-www-form-urlencoded"


def results_of(response: requests.Response) -> list[dict[str, Any]]:
    results = body_of(response).get("results")
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def brief(response: requests.Response, limit: int = 200) -> str:
    """``<status> <body excerpt>`` for assertion messages."""
    text = " ".join(response.text.split())
    return f"{response.status_code} {text[:limit]}"


def link_path(link: str) -> str:
    """An ``api:`` medialink as a target path (``api:v1/call/3``: ``/alemba.api/api/v1/call/3``)."""
    rest = link.removeprefix("api:")
    return "/alemba.api/api/" + rest.lstrip("/")


@dataclass
class Credentials:
    client_id: str
    client_secret: str | None = None
    username: str | None = None
    password: str | None = None
    scope: str | None = ANALYST

    def client_fields(self) -> dict[str, str]:
        fields = {"client_id": self.client_id}
        if self.client_secret:
            fields["client_secret"] = self.client_secret
        return fields

    def password_form(self, **override: str | None) -> dict[str, str]:
        form: dict[str, Any] = {**self.client_fields(), "grant_type": "password",
                                "username": self.username, "password": self.password}
        if self.scope:
            form["scope"] = self.scope
        form.update(override)
        return {k: v for k, v in form.items() if v is not None}


class Alemba:
    """The target's two roots, without a session."""

    def __init__(self, target: Target) -> None:
        self.target = target

    def post_form(self, form: dict[str, str], *, bearer: str | None = None) -> requests.Response:
        headers = {"Content-Type": FORM, "Accept": "application/json"}
        if bearer is not None:
            headers["Authorization"] = f"Bearer {bearer}"
        return self.target.request("POST", LOGIN, data=form, headers=headers)

    def login(self, credentials: Credentials, **override: str | None) -> requests.Response:
        return self.post_form(credentials.password_form(**override))

    def refresh(self, credentials: Credentials, refresh_token: str,
                scope: str | None = None) -> requests.Response:
        form = {**credentials.client_fields(), "grant_type": "refresh_token",
                "refresh_token": refresh_token}
        scope = scope or credentials.scope
        if scope:
            form["scope"] = scope
        return self.post_form(form)

    def logout(self, refresh_token: str | None, access_token: str | None) -> requests.Response:
        form = {} if refresh_token is None else {"token": refresh_token}
        return self.post_form(form, bearer=access_token)

    def api(self, method: str, path: str, token: str | None = None,
            **kwargs: Any) -> requests.Response:
        """``path`` relative to ``/alemba.api/api/v1`` (or an ``api:`` link)."""
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Accept", "application/json")
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        url = link_path(path) if path.startswith("api:") else API + path
        return self.target.request(method, url, headers=headers, **kwargs)


@dataclass
class Session:
    """One logged-in session: its current tokens, refreshed (or re-opened) when they die."""

    alemba: Alemba
    credentials: Credentials
    access_token: str
    refresh_token: str
    grant: dict[str, Any] = field(default_factory=dict)
    open: bool = True

    @classmethod
    def from_response(cls, alemba: Alemba, credentials: Credentials,
                      response: requests.Response) -> Session:
        grant = body_of(response)
        return cls(alemba, credentials, str(grant.get("access_token")),
                   str(grant.get("refresh_token")), grant)

    def adopt(self, response: requests.Response) -> None:
        grant = body_of(response)
        self.access_token = str(grant.get("access_token"))
        self.refresh_token = str(grant.get("refresh_token"))
        self.grant = grant

    def renew(self) -> bool:
        """Refresh the pair; if the refresh token is dead, log in again. False if neither works."""
        response = self.alemba.refresh(self.credentials, self.refresh_token)
        if response.status_code != 200 and self.credentials.username:
            response = self.alemba.login(self.credentials)
        if response.status_code != 200:
            return False
        self.adopt(response)
        self.open = True
        return True

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A REST call; a 401 (the clock moved, say) renews the session once and retries."""
        response = self.alemba.api(method, path, self.access_token, **kwargs)
        if response.status_code == 401 and self.renew():
            response = self.alemba.api(method, path, self.access_token, **kwargs)
        return response

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.api("GET", path, params=params)

    def results(self, path: str, **params: Any) -> list[dict[str, Any]]:
        response = self.get(path, **params)
        return results_of(response) if response.status_code == 200 else []

    def logout(self) -> requests.Response | None:
        """Log out, as the vendor's sample does: on 401 refresh and try once more."""
        if not self.open:
            return None
        self.open = False
        response = self.alemba.logout(self.refresh_token, self.access_token)
        if response.status_code == 401:
            refreshed = self.alemba.refresh(self.credentials, self.refresh_token)
            if refreshed.status_code == 200:
                self.adopt(refreshed)
                response = self.alemba.logout(self.refresh_token, self.access_token)
        return response


class Sessions:
    """Opens sessions for one test and logs every one of them out afterwards."""

    def __init__(self, alemba: Alemba) -> None:
        self.alemba = alemba
        self.opened: list[Session] = []

    def open(self, credentials: Credentials, **override: str | None) -> Session:
        response = self.alemba.login(credentials, **override)
        if response.status_code != 200 or "access_token" not in body_of(response):
            pytest.fail(f"AL-01: could not log in as {credentials.username!r} "
                        f"({credentials.scope}): {brief(response)}")
        return self.adopt(credentials, response)

    def adopt(self, credentials: Credentials, response: requests.Response) -> Session:
        """Track a session opened by a test's own login request."""
        session = Session.from_response(self.alemba, credentials, response)
        self.opened.append(session)
        return session

    def close_all(self) -> None:
        for session in self.opened:
            with contextlib.suppress(requests.RequestException):
                session.logout()
        self.opened.clear()
