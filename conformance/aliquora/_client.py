"""Talking to an Aliquora target: a client bound to one key, and our mock's admin side.

Nothing here asserts: tests decide what a response must look like. Helpers
that read bodies are lenient (``None`` when a body is not what they expect),
so a deviating server fails the test's assertion with a message naming the
rule, not a ``KeyError`` in a helper.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests

from ..http import Verbs, body_of
from ..target import Target

API = "/api/v1"
ADMIN_ROLES = ("system_administrator", "administrator")
TIMESTAMP_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


class Aliquora(Verbs):
    """The API as one key sees it; paths are relative to ``/api/v1``."""

    def __init__(self, target: Target, key: str | None, *, key_id: int | None = None) -> None:
        self.target = target
        self.key = key
        self.key_id = key_id

    def request(self, method: str, path: str, *, wait_on_429: bool = True,
                **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        if self.key is not None:
            headers.setdefault("Authorization", f"Bearer {self.key}")
        return self.target.request(method, API + path, headers=headers,
                                   wait_on_429=wait_on_429, **kwargs)

    def items(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """The ``data`` of one page, or [] when the answer is not a page."""
        response = self.get(path, params=params)
        data = body_of(response).get("data") if response.status_code == 200 else None
        return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []

    def every(self, path: str, *, limit: int = 500, max_pages: int = 20,
              **params: Any) -> list[dict[str, Any]]:
        """Every record of a list, following ``nextCursor`` (bounded, for small lists)."""
        found: list[dict[str, Any]] = []
        cursor = None
        for _ in range(max_pages):
            query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
            response = self.get(path, params=query)
            body = body_of(response)
            data = body.get("data")
            if response.status_code != 200 or not isinstance(data, list):
                break
            found.extend(item for item in data if isinstance(item, dict))
            cursor = body.get("nextCursor")
            if not body.get("hasMore") or cursor is None:
                break
        return found


def slug(response: requests.Response) -> Any:
    """The ``error`` slug of an error response (None when absent)."""
    return body_of(response).get("error")


def seen(response: requests.Response) -> str:
    """A short description of a response for assertion messages."""
    text = response.text.strip().replace("\n", " ")
    return f"{response.status_code} {text[:160]}"


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date-time as an aware datetime (zone-less read as UTC), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def marker() -> str:
    """A unique tag for records a test creates (``apidouble-3f9a2b1c``)."""
    return f"apidouble-{uuid.uuid4().hex[:8]}"


def today() -> str:
    return date.today().isoformat()


# --- our mock's admin side -------------------------------------------------------------


@dataclass(frozen=True)
class KeyOwner:
    organization_id: int
    user_id: int
    key_id: int


class MockAdmin:
    """``/__admin`` of our mock: key management (the in-app API Access screen) and owners."""

    def __init__(self, target: Target, rules: str = "setup") -> None:
        target.need_mock("needs the mock's admin interface")
        self.target = target
        self.rules = rules  # named first in failures, so the report shows the rule

    def owner_of(self, identity: str) -> KeyOwner:
        """The organisation, an administrator of it, and the key id of a demo identity."""
        key = self.target.need(identity, f"the {identity} identity")
        entries = (self.target.admin or {}).get("credentials", [])
        entry = next((e for e in entries if e.get("apiKey") == key), None)
        if entry is None:
            pytest.skip(f"not checkable against this target: {identity} is not a demo key")
        admin = next((e for e in entries if e["organizationId"] == entry["organizationId"]
                      and e.get("role") in ADMIN_ROLES), None)
        if admin is None:
            pytest.skip("not checkable against this target: no administrator in the "
                        f"organisation of {identity}")
        return KeyOwner(entry["organizationId"], admin["userId"], entry["keyId"])

    def create_key(self, owner: KeyOwner, purpose: str) -> dict[str, Any]:
        body: dict[str, Any] = {"name": f"conformance {purpose} {uuid.uuid4().hex[:6]}",
                                "organizationId": owner.organization_id,
                                "userId": owner.user_id}
        response = self.target.session.post(self.target.url("/__admin/keys"), json=body,
                                            timeout=30)
        assert response.status_code == 201, \
            f"{self.rules}: POST /__admin/keys answered {seen(response)}, expected 201"
        return dict(response.json())

    def list_keys(self, organization_id: int) -> list[dict[str, Any]]:
        response = self.target.session.get(self.target.url("/__admin/keys"),
                                           params={"organizationId": organization_id},
                                           timeout=30)
        assert response.status_code == 200, \
            f"{self.rules}: GET /__admin/keys answered {seen(response)}, expected 200"
        return list(response.json()["data"])

    def revoke_key(self, key_id: int) -> dict[str, Any]:
        response = self.target.session.delete(self.target.url(f"/__admin/keys/{key_id}"),
                                              timeout=30)
        assert response.status_code == 200, \
            f"{self.rules}: DELETE /__admin/keys/{key_id} answered {seen(response)}, expected 200"
        return dict(response.json())

    def fresh_client(self, identity: str, purpose: str) -> Aliquora:
        """A new key of the identity's organisation, used by nobody else in this run."""
        created = self.create_key(self.owner_of(identity), purpose)
        return Aliquora(self.target, created["rawKey"], key_id=created["id"])
