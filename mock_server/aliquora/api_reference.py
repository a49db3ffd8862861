"""Identity (discovery, whoami) and reference data: test definitions, material types,
storage locations, projects and clients (AQ-01, AQ-07, AQ-25)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask.wrappers import Response

from ..core import ApiError, current_core
from ..core.deviations import deviation_on
from . import serializers
from .access import caller
from .blueprint import api, cached_list, ok, validated
from .params import owned, page, parse_id, require_references

READ_ONLY = {
    "test-definitions": ("test_definitions", serializers.TEST_DEFINITION),
    "material-types": ("material_types", serializers.MATERIAL_TYPE),
    "storage-locations": ("storage_locations", serializers.STORAGE_LOCATION),
}
WRITABLE = {
    "projects": ("projects", serializers.PROJECT, "Project"),
    "clients": ("clients", serializers.CLIENT, "Client"),
}


@api.get("")
def discovery() -> Response:
    """The routes this server really serves, read off Flask's URL map (AQ-01)."""
    routes = []
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.replace("<id:raw_id>", ":id").replace("<raw_id>", ":id")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append({"method": method, "path": path})
    routes.sort(key=lambda route: (route["path"], route["method"]))
    if deviation_on("AQ-01"):
        routes = routes[:-1]
    return ok({"name": "Aliquora API", "version": "v1", "routes": routes})


@api.get("/whoami")
def whoami() -> Response:
    who = caller()
    return ok({"ok": True, "organizationId": who.organization_id, "keyId": who.key_id,
               "userId": who.user_id,
               "version": "1" if deviation_on("AQ-07") else "v1"})


def _list(table_name: str, fields: dict[str, str]) -> dict[str, Any]:
    storage = current_core().storage
    table = storage[table_name]
    query = sa.select(table).where(table.c.organization_id == caller().organization_id)
    with storage.connect() as connection:
        listed = page(connection, query, table, lambda row: serializers.camel(row, fields))
    if deviation_on("AQ-25") and table_name == "test_definitions":
        for item in listed["data"]:
            item.pop("unit", None)
    return listed


def _register_lists() -> None:
    for path, (table_name, fields) in {**READ_ONLY, **{
            p: spec[:2] for p, spec in WRITABLE.items()}}.items():
        api.add_url_rule(f"/{path}", f"list_{table_name}", _bind_list(table_name, fields),
                         methods=["GET"])


def _bind_list(table_name: str, fields: dict[str, str]) -> Any:
    return cached_list(lambda: _list(table_name, fields))


def _column_values(body: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    writable = {name: column for name, column in fields.items()
                if name not in ("id", "createdAt", "updatedAt")}
    return {column: body[name] for name, column in writable.items() if name in body}


def _create(path: str) -> Response:
    table_name, fields, _label = WRITABLE[path]
    body = validated(_schema(table_name, "Create"))
    core = current_core()
    table = core.storage[table_name]
    now = core.clock.naive_now()
    values = {"active": True, "uses_composite_identifier": False} if path == "projects" else {}
    values.update(_column_values(body, fields))
    with core.storage.begin() as connection:
        _check_client(connection, body)
        new_id = connection.execute(table.insert().values(
            organization_id=caller().organization_id, created_at=now, updated_at=now, **values
        )).inserted_primary_key[0]
        row = connection.execute(sa.select(table).where(table.c.id == new_id)).one()
    return ok(serializers.camel(row, fields), 201)


def _update(path: str, raw_id: str) -> Response:
    table_name, fields, label = WRITABLE[path]
    record_id = parse_id(raw_id)
    body = validated(_schema(table_name, "Update"))
    core = current_core()
    table = core.storage[table_name]
    with core.storage.begin() as connection:
        owned(connection, table, record_id, label)
        _check_client(connection, body)
        values = _column_values(body, fields)
        if "name" in values and values["name"] is None:
            raise ApiError(400, "invalid_body", "name cannot be null.")
        connection.execute(table.update().where(table.c.id == record_id)
                           .values(updated_at=core.clock.naive_now(), **values))
        return ok(serializers.camel(owned(connection, table, record_id, label), fields))


def _check_client(connection: Any, body: dict[str, Any]) -> None:
    if "clientId" in body:
        require_references(connection, {"clientId": ("clients", body["clientId"])})


def _schema(table_name: str, action: str) -> str:
    return {"projects": "Project", "clients": "Client"}[table_name] + action


def _register_writes() -> None:
    for path in WRITABLE:
        api.add_url_rule(f"/{path}", f"create_{path}", _bind(_create, path), methods=["POST"])
        api.add_url_rule(f"/{path}/<raw_id>", f"update_{path}", _bind(_update, path),
                         methods=["PATCH"])


def _bind(view: Any, path: str) -> Any:
    return lambda **kwargs: view(path, **kwargs)


_register_lists()
_register_writes()
