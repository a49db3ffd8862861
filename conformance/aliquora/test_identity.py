"""Discovery, keys and whoami (AQ-01 to AQ-05, AQ-07)."""

from __future__ import annotations

import re
import secrets
from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import API, TIMESTAMP_MS, Aliquora, MockAdmin, body_of, seen

#: The endpoint table of the guide: discovery must list at least these.
GUIDE_ROUTES = {
    ("GET", "/api/v1"), ("GET", "/api/v1/whoami"),
    ("GET", "/api/v1/samples"), ("GET", "/api/v1/samples/:id"), ("POST", "/api/v1/samples"),
    ("PATCH", "/api/v1/samples/:id"), ("PATCH", "/api/v1/samples/:id/status"),
    ("POST", "/api/v1/samples/receive"), ("POST", "/api/v1/samples/:id/report"),
    ("GET", "/api/v1/samples/:id/approvals"), ("GET", "/api/v1/sample-tests"),
    ("PATCH", "/api/v1/sample-tests/:id"), ("POST", "/api/v1/sample-tests/:id/verify"),
    ("POST", "/api/v1/sample-tests/bulk-results"), ("POST", "/api/v1/instrument-uploads"),
    ("PATCH", "/api/v1/approval-records/:id"), ("GET", "/api/v1/test-definitions"),
    ("GET", "/api/v1/material-types"), ("GET", "/api/v1/projects"), ("POST", "/api/v1/projects"),
    ("PATCH", "/api/v1/projects/:id"), ("GET", "/api/v1/clients"), ("POST", "/api/v1/clients"),
    ("PATCH", "/api/v1/clients/:id"), ("GET", "/api/v1/storage-locations"),
}
PARAMETER = re.compile(r"(:\w+|\{\w+\}|<(?:\w+:)?\w+>)")


def normalise(method: str, path: str) -> tuple[str, str]:
    path = PARAMETER.sub(":id", path.strip()).rstrip("/") or "/"
    if not path.startswith(API):
        path = API + ("" if path == "/" else path)
    return method.strip().upper(), path


def listed_routes(body: dict[str, Any]) -> set[tuple[str, str]] | None:
    """Discovery's routes as (METHOD, path) whether objects or ``"GET /path"`` strings."""
    routes = body.get("routes", body.get("endpoints"))
    if not isinstance(routes, list):
        return None
    found = set()
    for route in routes:
        if isinstance(route, dict) and {"method", "path"} <= route.keys():
            found.add(normalise(str(route["method"]), str(route["path"])))
        elif isinstance(route, str) and " " in route.strip():
            method, path = route.split(None, 1)
            found.add(normalise(method, path))
    return found


@pytest.mark.rule("AQ-01")
def test_discovery_names_the_api_and_lists_every_documented_route(api: Aliquora,
                                                                  target: Target) -> None:
    response = api.get("")
    assert response.status_code == 200, f"AQ-01: GET /api/v1 answered {seen(response)}"
    body = body_of(response)
    assert isinstance(body.get("name"), str) and body["name"], \
        f"AQ-01: discovery has no API name: {sorted(body)}"
    assert body.get("version") == "v1", f"AQ-01: version is {body.get('version')!r}, expected v1"
    routes = listed_routes(body)
    assert routes is not None, "AQ-01: discovery has no list of routes"
    missing = sorted(f"{m} {p}" for m, p in GUIDE_ROUTES - routes)
    assert not missing, f"AQ-01: discovery does not list {', '.join(missing)}"
    if target.is_mock:  # our choice 12: {method, path} objects in the guide's notation
        odd = [r for r in body["routes"]
               if not isinstance(r, dict) or not {"method", "path"} <= r.keys()]
        assert not odd, f"AQ-01: routes are not {{method, path}} objects: {odd[:3]}"


def probe(api: Aliquora, method: str, path: str) -> tuple[int, str]:
    """Ask a route something harmless: an impossible id and a malformed body change nothing."""
    url = path.removeprefix(API).replace(":id", "x")
    if method == "GET":
        response = api.get(url)
    else:
        response = api.request(method, url, data=b"{",
                               headers={"Content-Type": "application/json"})
    return response.status_code, response.text


@pytest.mark.rule("AQ-01")
def test_every_listed_route_is_served(api: Aliquora) -> None:
    routes = listed_routes(body_of(api.get(""))) or set()
    assert routes, "AQ-01: discovery lists no routes"
    nowhere = {method: probe(api, method, f"{API}/apidouble-no-such-route/:id")
               for method in {m for m, _ in routes}}
    unserved = []
    for method, path in sorted(routes):
        status, text = probe(api, method, path)
        plain_get = ":" not in path and method == "GET"
        if status == 405 or (status, text) == nowhere[method] or (plain_get and status != 200):
            unserved.append(f"{method} {path} ({status})")
    assert not unserved, f"AQ-01: listed but not served: {', '.join(unserved)}"


AUTHORIZATIONS = {
    "missing": None,
    "empty bearer": "Bearer ",
    "other scheme": "Basic YXBpOmtleQ==",
    "malformed": "Bearer not-an-aliquora-key",
    "unknown": "Bearer lk_" + secrets.token_urlsafe(30),
    "no scheme": "lk_" + secrets.token_urlsafe(30),
}


def assert_bearer_challenge(response: Any, rule: str, what: str) -> None:
    assert response.status_code == 401, f"{rule}: {what} answered {seen(response)}, expected 401"
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.lower().startswith("bearer"), \
        f"{rule}: {what}: WWW-Authenticate is {challenge!r}, expected Bearer"


@pytest.mark.rule("AQ-02")
@pytest.mark.parametrize("case", sorted(AUTHORIZATIONS))
def test_requests_without_a_valid_key_are_challenged(target: Target, case: str) -> None:
    value = AUTHORIZATIONS[case]
    headers = {} if value is None else {"Authorization": value}
    for path in ("/whoami", "/samples"):
        response = target.request("GET", API + path, headers=headers)
        assert_bearer_challenge(response, "AQ-02", f"GET {path} with a {case} key")


@pytest.mark.rule("AQ-02")
def test_discovery_needs_a_key_on_our_mock(target: Target) -> None:
    target.need_mock("our choice 12: discovery needs a key; the guide leaves it open")
    assert_bearer_challenge(target.request("GET", API), "AQ-02", "GET /api/v1 without a key")


@pytest.mark.rule("AQ-02")
def test_a_revoked_key_is_challenged(target: Target) -> None:
    if target.is_mock:
        admin = MockAdmin(target, "AQ-02")
        created = admin.create_key(admin.owner_of("api_key"), "revoked")
        admin.revoke_key(created["id"])
        key = created["rawKey"]
    else:
        key = target.need("revoked_api_key", "a revoked key")
    assert_bearer_challenge(Aliquora(target, key).get("/whoami"), "AQ-02", "a revoked key")


@pytest.mark.rule("AQ-05")
def test_revocation_takes_effect_on_the_very_next_request(admin: MockAdmin,
                                                          target: Target) -> None:
    created = admin.create_key(admin.owner_of("api_key"), "revocation")
    client = Aliquora(target, created["rawKey"])
    first = client.get("/whoami")
    assert first.status_code == 200, f"AQ-05: a new key answered {seen(first)}, expected 200"
    revoked = admin.revoke_key(created["id"])
    assert TIMESTAMP_MS.match(str(revoked.get("revokedAt"))), \
        f"AQ-05: revokedAt is {revoked.get('revokedAt')!r} after revocation"
    response = client.get("/whoami")
    assert response.status_code == 401, \
        f"AQ-05: the request after revocation answered {seen(response)}, expected 401"


@pytest.mark.rule("AQ-03")
def test_a_plan_without_api_access_is_refused(target: Target) -> None:
    client = Aliquora(target, target.need("no_api_key", "a key of a plan without API access"))
    for path in ("/whoami", "/samples"):
        response = client.get(path)
        assert response.status_code == 401, \
            f"AQ-03: GET {path} with a no-API plan answered {seen(response)}, expected 401"
        if target.is_mock:  # our spec: every 401 carries the challenge
            assert_bearer_challenge(response, "AQ-03", f"GET {path} with a no-API plan")


@pytest.mark.rule("AQ-04")
def test_keys_are_lk_and_a_long_random_string(target: Target) -> None:
    key = target.need("api_key", "a key of an organisation with API access")
    assert re.fullmatch(r"lk_[A-Za-z0-9_\-]{20,}", key), \
        f"AQ-04: the key {key[:6]}... is not lk_ followed by a long random string"


@pytest.mark.rule("AQ-04")
def test_the_plaintext_is_shown_once_then_only_masked(admin: MockAdmin) -> None:
    owner = admin.owner_of("api_key")
    first, second = (admin.create_key(owner, "plaintext") for _ in range(2))
    for created in (first, second):
        raw = str(created.get("rawKey"))
        assert re.fullmatch(r"lk_[A-Za-z0-9_\-]{20,}", raw), f"AQ-04: rawKey is {raw[:8]}..."
        expected = raw[:11] + "..."
        assert created.get("keyPrefix") == expected, \
            f"AQ-04: keyPrefix is {created.get('keyPrefix')!r}, expected {expected!r}"
    assert first["rawKey"] != second["rawKey"], "AQ-04: two new keys have the same plaintext"
    listed = [k for k in admin.list_keys(owner.organization_id) if k["id"] == first["id"]]
    assert listed, "AQ-04: a new key is missing from the key list"
    assert "rawKey" not in listed[0] and first["rawKey"] not in str(listed[0]), \
        "AQ-04: the key list shows the plaintext again"
    assert listed[0]["keyPrefix"] == first["keyPrefix"], \
        f"AQ-04: listed keyPrefix {listed[0]['keyPrefix']!r} differs from the creation's"


KEY_FIELDS = ("id", "name", "keyPrefix", "createdBy", "createdAt", "lastUsedAt", "revokedAt")


@pytest.mark.rule("AQ-05")
def test_key_objects_and_last_use(admin: MockAdmin, target: Target) -> None:
    owner = admin.owner_of("api_key")
    created = admin.create_key(owner, "last use")
    missing = [name for name in KEY_FIELDS if name not in created]
    assert not missing, f"AQ-05: a key object lacks {', '.join(missing)}"
    assert created["createdBy"] == owner.user_id, \
        f"AQ-05: createdBy is {created['createdBy']}, expected {owner.user_id}"
    assert TIMESTAMP_MS.match(str(created["createdAt"])), \
        f"AQ-05: createdAt is {created['createdAt']!r}, expected ISO 8601 with milliseconds"
    assert created["lastUsedAt"] is None and created["revokedAt"] is None, \
        f"AQ-05: a new key has lastUsedAt {created['lastUsedAt']!r}, revokedAt " \
        f"{created['revokedAt']!r}"
    used = Aliquora(target, created["rawKey"]).get("/whoami")
    assert used.status_code == 200, f"AQ-05: the new key answered {seen(used)}"
    listed = next(k for k in admin.list_keys(owner.organization_id) if k["id"] == created["id"])
    assert TIMESTAMP_MS.match(str(listed["lastUsedAt"])), \
        f"AQ-05: lastUsedAt is {listed['lastUsedAt']!r} after the key was used"


@pytest.mark.rule("AQ-07")
def test_whoami_echoes_the_calling_key(api: Aliquora, target: Target) -> None:
    response = api.get("/whoami")
    assert response.status_code == 200, f"AQ-07: GET /whoami answered {seen(response)}"
    body = body_of(response)
    assert body.get("ok") is True, f"AQ-07: ok is {body.get('ok')!r}, expected true"
    assert body.get("version") == "v1", f"AQ-07: version is {body.get('version')!r}"
    for name in ("organizationId", "keyId", "userId"):
        value = body.get(name)
        assert isinstance(value, int) and not isinstance(value, bool), \
            f"AQ-07: {name} is {value!r}, expected an integer id"
    if target.is_mock:
        owner = MockAdmin(target, "AQ-07").owner_of("api_key")
        seen_ids = (body["organizationId"], body["keyId"], body["userId"])
        expected = (owner.organization_id, api.key_id, owner.user_id)
        assert seen_ids == expected, \
            f"AQ-07: whoami says (org, key, user) {seen_ids}, expected {expected}"

