"""The admin's "Auth Token" page (``/admin/authtoken/tokenproxy``) as ``/__admin/tokens``,
and ``/__admin/fixtures`` telling the conformance suite where its reserved records are."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask.wrappers import Response

from ..core import ApiError, current_core
from ..core.bodies import json_object
from ..core.envelopes import admin_json
from ..core.timefmt import iso_ms
from . import tokens

CONFORMANCE_UNIT = "Conformance (apidouble)"


def register_admin(admin: Blueprint) -> None:
    admin.add_url_rule("/tokens", "qatrack_list_tokens", list_tokens, methods=["GET"])
    admin.add_url_rule("/tokens", "qatrack_add_token", add_token, methods=["POST"])
    admin.add_url_rule("/tokens/<username>", "qatrack_delete_token", delete_token,
                       methods=["DELETE"])
    admin.add_url_rule("/fixtures", "qatrack_fixtures", fixtures, methods=["GET"])


def _user(connection: Any, username: object) -> Any:
    users = current_core().storage["users"]
    if not isinstance(username, str) or not username:
        raise ApiError(400, "invalid_body", "'username' must be a username.")
    row = connection.execute(sa.select(users).where(users.c.username == username)).first()
    if row is None:
        raise ApiError(404, "not_found", f"No user {username!r}.")
    return row


def list_tokens() -> Response:
    core = current_core()
    table, users = core.tokens.table, core.storage["users"]
    with core.storage.connect() as connection:
        names = dict(connection.execute(sa.select(users.c.id, users.c.username)).all())
        rows = connection.execute(sa.select(table).where(
            table.c.kind == tokens.KIND, table.c.revoked_at.is_(None))
            .order_by(table.c.issued_at)).all()
    body = []
    for row in rows:
        user_id = int(row.family.split("-", 1)[1])
        body.append({"username": names.get(user_id), "userId": user_id,
                     "created": iso_ms(row.issued_at)})
    return admin_json({"tokens": body}, 200)


def add_token() -> Response:
    """Delete the user's token, if any, and add a new one; its key is shown here."""
    core = current_core()
    body = json_object()
    core.clock.offset()  # cached before the transaction (see tokens.insert)
    with core.storage.begin() as connection:
        user = _user(connection, body.get("username"))
        raw = tokens.regenerate(core, connection, user)
    return admin_json({"username": user.username, "token": raw}, 201)


def delete_token(username: str) -> Response:
    core = current_core()
    core.clock.offset()
    with core.storage.begin() as connection:
        user = _user(connection, username)
        deleted = tokens.revoke(core, connection, user.id)
    if not deleted:
        raise ApiError(404, "not_found", f"{username!r} has no token.")
    return admin_json({"username": username, "deleted": True}, 200)


def fixtures() -> Response:
    """The unit and collections reserved for conformance runs (performing cannot be undone)."""
    storage = current_core().storage
    units, utcs = storage["units"], storage["unittestcollections"]
    with storage.connect() as connection:
        unit = connection.execute(sa.select(units).where(units.c.name == CONFORMANCE_UNIT)).first()
        if unit is None:  # a data file replaced the world
            raise ApiError(404, "not_found", f"No unit {CONFORMANCE_UNIT!r}.")
        rows = connection.execute(sa.select(utcs).where(utcs.c.unit_id == unit.id)
                                  .order_by(utcs.c.id)).all()
    return admin_json({
        "conformance_unit": {"name": unit.name, "number": unit.number,
                             "path": f"/api/units/units/{unit.id}/"},
        "unit_test_collections": [
            {"name": row.name, "path": f"/api/qc/unittestcollections/{row.id}/",
             "kind": "cycle" if row.test_list_cycle_id else "test_list"} for row in rows],
    }, 200)
