"""The current installation as an ``alisqi`` section (tokens as their stored hashes)."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core
from .model import DATE_FIELD, SetDef, load_set, set_ids
from .values import WIRE_FORMAT, render_value


def _when(moment: Any) -> str | None:
    return None if moment is None else moment.strftime(WIRE_FORMAT)


def set_doc(definition: SetDef) -> dict[str, Any]:
    fields = []
    for f in definition.fields.values():
        doc: dict[str, Any] = {"name": f.name, "label": f.label, "type": f.type,
                               "required": f.required, "active": f.active}
        doc.update({k: v for k, v in (("decimals", f.decimals), ("unit", f.unit),
                                      ("listId", f.list_id)) if v is not None})
        if f.options:
            doc["options"] = [{"id": i, "label": label} for i, label in f.options.items()]
        fields.append(doc)
    out = {"id": definition.id, "name": definition.name, "type": definition.kind,
           "groupId": definition.group_id, "fields": fields}
    if definition.index_field:
        out["indexField"] = definition.index_field
    return out


def _people(core: Core, connection: Connection) -> dict[str, Any]:
    t = core.storage
    permissions: dict[int, dict[str, str]] = {}
    for p in connection.execute(sa.select(t["permissions"]).order_by(
            t["permissions"].c.group_id, t["permissions"].c.set_id)):
        permissions.setdefault(p.group_id, {})[str(p.set_id)] = p.level
    groups = [{"id": g.id, "name": g.name, "permissions": permissions.get(g.id, {})}
              for g in connection.execute(sa.select(t["user_groups"]).order_by(
                  t["user_groups"].c.id))]
    users = [{"id": u.id, "name": u.name, "groupId": u.group_id, "active": u.active}
             for u in connection.execute(sa.select(t["users"]).order_by(t["users"].c.id))]
    tokens = []
    for k in connection.execute(sa.select(t["tokens"]).order_by(t["tokens"].c.id)):
        doc = {"id": k.id, "userId": k.user_id, "name": k.name, "tokenHash": k.token_hash,
               "tokenPrefix": k.token_prefix, "ipWhitelist": json.loads(k.ip_whitelist),
               "createdAt": _when(k.created_at)}
        if k.revoked_at is not None:
            doc["revokedAt"] = _when(k.revoked_at)
        tokens.append(doc)
    return {"userGroups": groups, "users": users, "tokens": tokens}


def _results(core: Core, connection: Connection, sets: dict[int, SetDef]) -> list[dict]:
    table = core.storage["results"]
    out = []
    for row in connection.execute(sa.select(table).order_by(table.c.id)):
        definition = sets[row.set_id]
        stored = json.loads(row.values)
        values: dict[str, Any] = {DATE_FIELD: _when(row.date)}
        for name, value in stored.items():
            if name in definition.fields:
                values[name] = render_value(definition.fields[name], value, True)
        out.append({"id": row.id, "setId": row.set_id, "values": values,
                    "modifiedAt": _when(row.modified_at)})
    return out


def export_section(core: Core, connection: Connection) -> dict[str, Any]:
    t = core.storage
    settings = {s.key: s.value for s in connection.execute(sa.select(t["settings"]))}
    sets = {i: load_set(core, connection, i) for i in set_ids(core, connection)}
    section: dict[str, Any] = {}
    if "name" in settings:
        section["name"] = settings["name"]
    if "rateLimit" in settings:
        section["rateLimit"] = int(settings["rateLimit"])
    section["menuGroups"] = [
        {"id": g.id, "name": g.name, "topLevelMenu": g.top_level_menu}
        for g in connection.execute(sa.select(t["menu_groups"]).order_by(t["menu_groups"].c.id))]
    section["sets"] = [set_doc(d) for d in sets.values() if d is not None]
    section.update(_people(core, connection))
    versions = t["spec_versions"]
    section["specifications"] = [
        {"setId": v.set_id, "indexValue": v.index_value, "startDateTime": _when(v.start_at),
         "reason": v.reason, "specs": json.loads(v.specs)}
        for v in connection.execute(sa.select(versions).order_by(
            versions.c.set_id, versions.c.index_value, versions.c.version))]
    section["results"] = _results(core, connection, {k: v for k, v in sets.items() if v})
    return section
