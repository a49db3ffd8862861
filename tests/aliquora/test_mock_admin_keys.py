"""AQ-04, AQ-05, AQ-06: the key lifecycle behind the mock's /__admin/keys screen."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask


def user_in_role(app: Flask, org_id: int, role: str) -> int:
    storage = app.extensions["apidouble"].storage
    users = storage["users"]
    with storage.connect() as connection:
        return connection.execute(
            users.select().where(users.c.organization_id == org_id, users.c.role == role)
        ).first().id


def test_only_administrators_may_create_keys(app: Flask) -> None:
    admin = app.test_client()
    analyst = user_in_role(app, 1, "analyst")
    refused = admin.post("/__admin/keys", json={"name": "ci", "organizationId": 1,
                                                "userId": analyst})
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    for role in ("administrator", "system_administrator"):
        created = admin.post("/__admin/keys", json={
            "name": f"ci-{role}", "organizationId": 1, "userId": user_in_role(app, 1, role)})
        assert created.status_code == 201


def test_a_user_of_another_organisation_is_a_bad_reference(app: Flask) -> None:
    response = app.test_client().post("/__admin/keys", json={
        "name": "x", "organizationId": 2, "userId": user_in_role(app, 1, "administrator")})
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_reference"


def create_key(app: Flask) -> dict[str, Any]:
    response = app.test_client().post("/__admin/keys", json={
        "name": "Integration server", "organizationId": 1,
        "userId": user_in_role(app, 1, "administrator")})
    assert response.status_code == 201
    return response.get_json()


def test_raw_key_is_shown_once_then_only_masked(app: Flask) -> None:
    created = create_key(app)
    raw = created["rawKey"]
    assert re.fullmatch(r"lk_[A-Za-z0-9]{40}", raw)
    assert created["keyPrefix"] == raw[:11] + "..."
    listing = app.test_client().get("/__admin/keys?organizationId=1").get_data(as_text=True)
    assert raw not in listing and created["keyPrefix"] in listing
    storage = app.extensions["apidouble"].storage
    with storage.connect() as connection:
        stored = connection.execute(storage["api_keys"].select()).all()
    assert all(raw not in str(tuple(row)) for row in stored)


def test_last_used_at_follows_use_and_revocation_is_immediate(app: Flask, make_api: Any) -> None:
    created = create_key(app)
    api = make_api(created["rawKey"])
    assert created["lastUsedAt"] is None
    assert api.get("/api/v1/whoami").status_code == 200
    keys = app.test_client().get("/__admin/keys").get_json()["data"]
    assert next(k for k in keys if k["id"] == created["id"])["lastUsedAt"] is not None
    revoked = app.test_client().delete(f"/__admin/keys/{created['id']}")
    assert revoked.status_code == 200 and revoked.get_json()["revokedAt"]
    response = api.get("/api/v1/whoami")
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"


def test_demo_names_are_reserved_and_bodies_are_checked(app: Flask) -> None:
    client = app.test_client()
    assert client.post("/__admin/keys", json={"name": "demo-x", "organizationId": 1,
                                              "userId": 1}).status_code == 400
    assert client.post("/__admin/keys", json={"name": "x", "organizationId": "1",
                                              "userId": 1}).status_code == 400
    assert client.post("/__admin/keys", data="nope").status_code == 400
    assert client.delete("/__admin/keys/999999").status_code == 404
