"""Talking to an AlisQI target: a client bound to one token, and our mock's admin side.

Nothing here asserts what a rule demands; helpers are lenient (``None`` or
``[]`` when a body is not what they expect) so a deviating server fails the
test's own assertion, which names the rule.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from ..target import Target

API = "/api/"


class AlisQI:
    """The API as one token sees it; ``op`` is the operation name (``getResults``)."""

    def __init__(self, target: Target, token: str | None, *, token_id: int | None = None) -> None:
        self.target = target
        self.token = token
        self.token_id = token_id

    def request(self, method: str, op: str, *, wait_on_429: bool = True,
                **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.target.request(method, API + op, headers=headers, wait_on_429=wait_on_429,
                                   **kwargs)

    def get(self, op: str, **params: Any) -> requests.Response:
        return self.request("GET", op, params=params)

    def post(self, op: str, data: dict[str, Any], **kwargs: Any) -> requests.Response:
        return self.request("POST", op, data=data, **kwargs)

    def results(self, set_id: Any, **params: Any) -> list[dict[str, Any]]:
        response = self.get("getResults", setId=set_id, **params)
        body = json_of(response)
        return [r for r in body if isinstance(r, dict)] if isinstance(body, list) else []

    def store(self, set_id: Any, results: list[Any], **params: Any) -> requests.Response:
        return self.post("storeResults", {"setId": set_id, "results": json.dumps(results),
                                          **params})


def json_of(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def error_of(response: requests.Response) -> Any:
    body = json_of(response)
    return body.get("error") if isinstance(body, dict) else None


def seen(response: requests.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return f"{response.status_code} {text[:200]}"


def marker() -> str:
    return f"apidouble-{uuid.uuid4().hex[:10]}"


def succeeded(entry: Any) -> bool:
    """A storeResults answer entry for a stored result: empty or false (wire notes)."""
    return entry in ("", False, None, [], {}, 0)


class MockAdmin:
    """``/__admin`` of our mock: the Integration hub's token screen."""

    def __init__(self, target: Target, rules: str = "setup") -> None:
        target.need_mock("needs the mock's admin interface")
        self.target = target
        self.rules = rules

    def user_of(self, token: str) -> int:
        entries = (self.target.admin or {}).get("credentials", [])
        entry = next((e for e in entries if e.get("token") == token), None)
        if entry is None:
            pytest.skip("not checkable against this target: the token is not a demo token")
        return int(entry["userId"])

    def create_token(self, user_id: int, purpose: str,
                     ip_whitelist: list[str] | None = None) -> dict[str, Any]:
        body = {"name": f"conformance {purpose[:40]} {uuid.uuid4().hex[:6]}", "userId": user_id,
                "ipWhitelist": ip_whitelist or []}
        response = self.target.session.post(self.target.url("/__admin/tokens"), json=body,
                                            timeout=30)
        assert response.status_code == 201, \
            f"{self.rules}: POST /__admin/tokens answered {seen(response)}, expected 201"
        return dict(response.json())

    def fresh_client(self, identity: str, purpose: str,
                     ip_whitelist: list[str] | None = None) -> AlisQI:
        user = self.user_of(self.target.need(identity, f"the {identity} identity"))
        created = self.create_token(user, purpose, ip_whitelist)
        return AlisQI(self.target, created["token"], token_id=created["id"])
