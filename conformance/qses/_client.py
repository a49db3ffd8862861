"""Talking to a CRMS target: a client that logs in as the guide recommends.

The guide's recipe: get a token, keep it, and on a ``401`` get a new one and
try once more. :class:`Crms` does exactly that unless told not to (tests of
the 401 itself). Nothing here asserts; helpers that read bodies are lenient.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
import requests

from ..http import Verbs, body_of
from ..target import Target

API = "/crms/api"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DENIED = "Authorization has been denied for this request."
JSON_UTF8 = "application/json; charset=utf-8"


def login(target: Target, username: str, password: str) -> requests.Response:
    return target.request("POST", f"{API}/token", headers=FORM,
                          data={"grant_type": "password", "username": username,
                                "password": password})


class Crms(Verbs):
    """The API as one account sees it; paths are relative to ``/crms/api``."""

    def __init__(self, target: Target, username: str, password: str) -> None:
        self.target, self.username, self.password = target, username, password
        self.token: str | None = None
        self.lock = threading.Lock()

    def fresh_token(self) -> str:
        response = login(self.target, self.username, self.password)
        token = body_of(response).get("access_token")
        if response.status_code != 200 or not isinstance(token, str):
            pytest.fail(f"setup: logging in as {self.username} answered {seen(response)}")
        self.token = token
        return token

    def request(self, method: str, path: str, *, relogin: bool = True,
                wait_on_429: bool = True, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        with self.lock:
            token = self.token or self.fresh_token()
        response = self._send(method, path, token, headers, wait_on_429, kwargs)
        if response.status_code == 401 and relogin:
            with self.lock:
                token = self.fresh_token()
            response = self._send(method, path, token, headers, wait_on_429, kwargs)
        return response

    def _send(self, method: str, path: str, token: str, headers: dict[str, str],
              wait_on_429: bool, kwargs: dict[str, Any]) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **headers}
        return self.target.request(method, path if path.startswith("http") else API + path,
                                   headers=headers, wait_on_429=wait_on_429, **kwargs)

    def data(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """``Data`` of a collection, or [] when the answer is not one."""
        response = self.get(path, params=params)
        data = body_of(response).get("Data") if response.status_code == 200 else None
        return [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []


def seen(response: requests.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return f"{response.status_code} {response.reason} {text[:160]}"


def marker() -> str:
    return f"apidouble-{uuid.uuid4().hex[:8]}"


class MockAdmin:
    """``/__admin`` of our mock: grants and throttle rules."""

    def __init__(self, target: Target, rules: str) -> None:
        target.need_mock("needs the mock's admin interface")
        self.target, self.rules = target, rules

    def _call(self, method: str, path: str, body: Any) -> Any:
        response = self.target.session.request(method, self.target.url(f"/__admin/{path}"),
                                               json=body, timeout=30)
        assert response.status_code == 200, \
            f"{self.rules}: {method} /__admin/{path} answered {seen(response)}"
        return response.json()

    def grant(self, username: str, endpoints: list[str]) -> None:
        self._call("PUT", f"accounts/{username}/endpoints", endpoints)

    def endpoints_of(self, username: str) -> list[str]:
        accounts = self._call("GET", "accounts", None)["accounts"]
        return next(list(a["endpoints"]) for a in accounts if a["username"] == username)

    def throttle(self, endpoint: str, limits: dict[str, int]) -> None:
        self._call("PUT", "throttles", {"endpoint": endpoint, "limits": limits})

    def throttles(self) -> dict[str, Any]:
        return dict(self._call("GET", "throttles", None))
