"""The app's Settings → API Access screen, as ``/__admin/keys`` (AQ-04, AQ-05, AQ-06)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask.wrappers import Response

from ..core import ApiError, current_core
from ..core.bodies import int_arg, json_object
from ..core.envelopes import admin_json
from ..core.timefmt import iso_ms
from .keys import new_key, stored_fields

KEY_MANAGERS = ("system_administrator", "administrator")
RESERVED_PREFIX = "demo-"  # demo keys' secrets are derived from their names


def key_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "keyPrefix": row.key_prefix,
        "organizationId": row.organization_id,
        "userId": row.user_id,
        "createdBy": row.created_by,
        "createdAt": iso_ms(row.created_at),
        "lastUsedAt": iso_ms(row.last_used_at),
        "revokedAt": iso_ms(row.revoked_at),
    }


def register_admin(admin: Blueprint) -> None:
    admin.add_url_rule("/keys", "create_key", create_key, methods=["POST"])
    admin.add_url_rule("/keys", "list_keys", list_keys, methods=["GET"])
    admin.add_url_rule("/keys/<raw_id>", "revoke_key", revoke_key, methods=["DELETE"])


def _fields(body: dict[str, Any]) -> tuple[str, int, int]:
    name, org_id, user_id = body.get("name"), body.get("organizationId"), body.get("userId")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ApiError(400, "invalid_body", "'name' must be a non-empty string.")
    if name.startswith(RESERVED_PREFIX):
        raise ApiError(400, "invalid_body", f"Names starting '{RESERVED_PREFIX}' are reserved.")
    for field, value in (("organizationId", org_id), ("userId", user_id)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
            raise ApiError(400, "invalid_body", f"'{field}' must be an integer id.")
    return name.strip(), org_id, user_id  # type: ignore[return-value]


def create_key() -> Response:
    name, org_id, user_id = _fields(json_object())
    core = current_core()
    users, keys = core.storage["users"], core.storage["api_keys"]
    with core.storage.begin() as connection:
        user = connection.execute(sa.select(users).where(
            users.c.id == user_id, users.c.organization_id == org_id)).first()
        if user is None:
            raise ApiError(400, "invalid_reference",
                           f"User {user_id} is not a member of organization {org_id}.")
        if user.role not in KEY_MANAGERS:
            raise ApiError(403, "forbidden", "Only system administrators and administrators "
                           "may manage API keys.")
        raw = new_key()
        key_id = connection.execute(keys.insert().values(
            organization_id=org_id, user_id=user_id, name=name, created_by=user_id,
            created_at=core.clock.naive_now(), **stored_fields(raw),
        )).inserted_primary_key[0]
        row = connection.execute(sa.select(keys).where(keys.c.id == key_id)).one()
    return admin_json({**key_json(row), "rawKey": raw}, 201)


def list_keys() -> Response:
    core = current_core()
    keys = core.storage["api_keys"]
    query = sa.select(keys).order_by(keys.c.id.desc())
    org_id = int_arg("organizationId", code="invalid_id")
    if org_id is not None:
        query = query.where(keys.c.organization_id == org_id)
    with core.storage.connect() as connection:
        return admin_json({"data": [key_json(row) for row in connection.execute(query)]}, 200)


def revoke_key(raw_id: str) -> Response:
    if not raw_id.isascii() or not raw_id.isdigit() or int(raw_id) >= 2**63:
        raise ApiError(400, "invalid_id", f"'{raw_id}' is not a valid key id.")
    key_id = int(raw_id)
    core = current_core()
    keys = core.storage["api_keys"]
    with core.storage.begin() as connection:
        connection.execute(keys.update().where(keys.c.id == key_id, keys.c.revoked_at.is_(None))
                           .values(revoked_at=core.clock.naive_now()))
        row = connection.execute(sa.select(keys).where(keys.c.id == key_id)).first()
    if row is None:
        raise ApiError(404, "not_found", f"Key {key_id} was not found.")
    return admin_json(key_json(row), 200)
