"""The Integration hub's token screen as ``/__admin/tokens`` (AS-10).

Create (the raw token is in the answer once), list (masked), revoke. Revoking
is one conditional update, so two revocations of one token cannot both win.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask.wrappers import Response

from ..core import ApiError, current_core
from ..core.bodies import json_object
from ..core.envelopes import admin_json
from .tokens import hash_secret, masked, new_token, valid_network
from .values import WIRE_FORMAT


def _when(moment: Any) -> str | None:
    return None if moment is None else moment.strftime(WIRE_FORMAT)


def token_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "userId": row.user_id,
            "token": row.token_prefix, "ipWhitelist": json.loads(row.ip_whitelist),
            "createdAt": _when(row.created_at), "lastUsedAt": _when(row.last_used_at),
            "revokedAt": _when(row.revoked_at)}


def register_admin(admin: Blueprint) -> None:
    admin.add_url_rule("/tokens", "create_token", create_token, methods=["POST"])
    admin.add_url_rule("/tokens", "list_tokens", list_tokens, methods=["GET"])
    admin.add_url_rule("/tokens/<raw_id>", "revoke_token", revoke_token, methods=["DELETE"])


def _fields(body: dict[str, Any]) -> tuple[str, int, list[str]]:
    name, user_id = body.get("name"), body.get("userId")
    whitelist = body.get("ipWhitelist", [])
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ApiError(400, "invalid_body", "'name' must be a non-empty string.")
    if name.startswith("demo-"):
        raise ApiError(400, "invalid_body", "Names starting 'demo-' are reserved.")
    if isinstance(user_id, bool) or not isinstance(user_id, int) or not 0 < user_id < 2**31:
        raise ApiError(400, "invalid_body", "'userId' must be a user id.")
    if not isinstance(whitelist, list) or not all(valid_network(e) for e in whitelist):
        raise ApiError(400, "invalid_body", "'ipWhitelist' must be a list of IP addresses "
                       "or networks.")
    return name.strip(), user_id, whitelist


def create_token() -> Response:
    name, user_id, whitelist = _fields(json_object())
    core = current_core()
    users, tokens = core.storage["users"], core.storage["tokens"]
    raw, now = new_token(), core.clock.naive_now()
    with core.storage.begin() as connection:
        if connection.execute(sa.select(users.c.id).where(users.c.id == user_id)).first() is None:
            raise ApiError(400, "invalid_reference", f"No user {user_id}.")
        token_id = connection.execute(tokens.insert().values(
            user_id=user_id, name=name, token_hash=hash_secret(raw), token_prefix=masked(raw),
            ip_whitelist=json.dumps(whitelist), created_at=now,
        )).inserted_primary_key[0]  # type: ignore[index]
        row = connection.execute(sa.select(tokens).where(tokens.c.id == token_id)).one()
    return admin_json({**token_json(row), "token": raw}, 201)


def list_tokens() -> Response:
    core = current_core()
    tokens = core.storage["tokens"]
    with core.storage.connect() as connection:
        rows = connection.execute(sa.select(tokens).order_by(tokens.c.id)).all()
    return admin_json({"tokens": [token_json(row) for row in rows]}, 200)


def revoke_token(raw_id: str) -> Response:
    if not raw_id.isascii() or not raw_id.isdigit() or len(raw_id) > 9:
        raise ApiError(400, "invalid_id", f"'{raw_id[:40]}' is not a token id.")
    core = current_core()
    tokens, now = core.storage["tokens"], core.clock.naive_now()
    with core.storage.begin() as connection:
        connection.execute(tokens.update().where(tokens.c.id == int(raw_id),
                                                 tokens.c.revoked_at.is_(None))
                           .values(revoked_at=now))
        row = connection.execute(sa.select(tokens).where(tokens.c.id == int(raw_id))).first()
    if row is None:
        raise ApiError(404, "not_found", f"Token {raw_id} was not found.")
    return admin_json(token_json(row), 200)
