"""The installation as data: the ``alisqi`` section of a data file (schema, apply, export).

``apply_data`` is how the mock seeds itself (from ``fixtures/alisqi``) and how
``serve --data FILE`` replaces or extends the installation; ``export_data``
gives the current installation back as a section, tokens as their hashes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core
from .install_schema import data_schema
from .model import DATE_FIELD, load_set
from .tokens import demo_token, hash_secret, masked
from .values import WIRE_FORMAT, ValueError_, parse_datetime, parse_value

try:  # the shared loader's error type, once the "datafile" branch has landed
    from ..core.datafile import DataError  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - until then, an error of our own with the same shape
    class DataError(Exception):  # type: ignore[no-redef]
        def __init__(self, path: list[str | int], message: str) -> None:
            super().__init__(f"{'.'.join(map(str, path))}: {message}")
            self.path = path
            self.message = message

__all__ = ["DataError", "apply_data", "data_schema", "export_data"]


def apply_data(core: Core, connection: Connection, section: dict[str, Any], mode: str) -> None:
    """Write a schema-valid section in the caller's transaction ("replace" or "extend")."""
    now = _now(core, connection)
    _settings(core, connection, section)
    _insert(core, connection, "menu_groups", [
        {"id": g["id"], "name": g["name"], "top_level_menu": g.get("topLevelMenu", "")}
        for g in section.get("menuGroups", [])], "menuGroups")
    for i, set_doc in enumerate(section.get("sets", [])):
        _apply_set(core, connection, set_doc, now, ["sets", i])
    _apply_people(core, connection, section)
    for i, token in enumerate(section.get("tokens", [])):
        _apply_token(core, connection, token, now, ["tokens", i])
    _apply_specs(core, connection, section.get("specifications", []))
    _apply_results(core, connection, section.get("results", []), now)


def _now(core: Core, connection: Connection) -> datetime:
    """The clock read through the caller's connection: another connection could roll the
    caller's transaction back where the pool shares one (SQLite in memory)."""
    stored = connection.execute(sa.select(core.clock.offset_column())).scalar()
    moment = datetime.fromtimestamp(core.clock.real_time() + float(stored or 0), UTC)
    return moment.replace(tzinfo=None, microsecond=0)


def _insert(core: Core, connection: Connection, table: str, rows: list[dict[str, Any]],
            where: str) -> None:
    for i, row in enumerate(rows):
        try:
            with connection.begin_nested():
                connection.execute(core.storage[table].insert().values(**row))
        except sa.exc.IntegrityError:
            raise DataError([where, i], "duplicate id or name") from None


def _settings(core: Core, connection: Connection, section: dict[str, Any]) -> None:
    settings = core.storage["settings"]
    for key in ("name", "rateLimit"):
        if key in section:
            connection.execute(settings.delete().where(settings.c.key == key))
            connection.execute(settings.insert().values(key=key, value=str(section[key])))


def _apply_set(core: Core, connection: Connection, doc: dict[str, Any], now: Any,
               path: list[str | int]) -> None:
    names = [f["name"] for f in doc["fields"]]
    if len(set(names)) != len(names) or DATE_FIELD in names:
        raise DataError([*path, "fields"], "field names must be unique and not 'date'")
    index = doc.get("indexField")
    if index is not None and index not in names:
        raise DataError([*path, "indexField"], f"no field {index!r} in this set")
    _insert(core, connection, "sets", [{
        "id": doc["id"], "name": doc["name"], "kind": doc["type"], "group_id": doc["groupId"],
        "index_field": index, "revision": 0, "modified_at": now}], str(path[0]))
    fields, options = core.storage["fields"], core.storage["options"]
    for position, f in enumerate(doc["fields"]):
        field_id = connection.execute(fields.insert().values(
            set_id=doc["id"], position=position, name=f["name"], label=f.get("label", f["name"]),
            type=f["type"], required=f.get("required", False), active=f.get("active", True),
            decimals=f.get("decimals"), unit=f.get("unit"), list_id=f.get("listId"),
        )).inserted_primary_key[0]  # type: ignore[index]
        if f.get("options"):
            connection.execute(options.insert(), [
                {"field_id": field_id, "option_id": o["id"], "label": o["label"]}
                for o in f["options"]])


def _apply_people(core: Core, connection: Connection, section: dict[str, Any]) -> None:
    groups = section.get("userGroups", [])
    _insert(core, connection, "user_groups",
            [{"id": g["id"], "name": g["name"]} for g in groups], "userGroups")
    permissions = [{"group_id": g["id"], "set_id": int(set_id), "level": level}
                   for g in groups for set_id, level in g.get("permissions", {}).items()]
    _insert(core, connection, "permissions", permissions, "userGroups")
    _insert(core, connection, "users", [
        {"id": u["id"], "name": u["name"], "group_id": u["groupId"],
         "active": u.get("active", True)} for u in section.get("users", [])], "users")


def _apply_token(core: Core, connection: Connection, doc: dict[str, Any], now: Any,
                 path: list[str | int]) -> None:
    users = core.storage["users"]
    if connection.execute(sa.select(users.c.id).where(users.c.id == doc["userId"])).first() is None:
        raise DataError([*path, "userId"], f"no user {doc['userId']}")
    raw = doc.get("token")
    token_hash = doc.get("tokenHash") or hash_secret(raw or demo_token(core.config.seed,
                                                                       doc["name"]))
    prefix = doc.get("tokenPrefix") or masked(raw or demo_token(core.config.seed, doc["name"]))
    row = {"user_id": doc["userId"], "name": doc["name"], "token_hash": token_hash,
           "token_prefix": prefix, "ip_whitelist": json.dumps(doc.get("ipWhitelist", [])),
           "created_at": _moment(doc.get("createdAt"), now, path),
           "revoked_at": _moment(doc.get("revokedAt"), None, path)}
    if "id" in doc:
        row["id"] = doc["id"]
    _insert(core, connection, "tokens", [row], str(path[0]))


def _moment(raw: Any, default: Any, path: list[str | int]) -> Any:
    if raw is None:
        return default
    try:
        return parse_datetime(raw, "date")
    except ValueError_ as error:
        raise DataError(path, str(error)) from None


def _apply_specs(core: Core, connection: Connection, versions: list[dict[str, Any]]) -> None:
    table = core.storage["spec_versions"]
    for i, doc in enumerate(versions):
        definition = load_set(core, connection, doc["setId"])
        if definition is None or not definition.transactional:
            raise DataError(["specifications", i, "setId"], "not an analysis set")
        unknown = [name for name in doc["specs"] if name not in definition.fields]
        if unknown:
            raise DataError(["specifications", i, "specs"], f"no field {unknown[0]!r}")
        latest = connection.execute(sa.select(sa.func.max(table.c.version)).where(
            table.c.set_id == doc["setId"], table.c.index_value == doc["indexValue"])).scalar()
        connection.execute(table.insert().values(
            set_id=doc["setId"], index_value=doc["indexValue"], version=(latest or 0) + 1,
            start_at=_moment(doc["startDateTime"], None, ["specifications", i]),
            reason=doc.get("reason", ""), specs=json.dumps(doc["specs"])))


def _apply_results(core: Core, connection: Connection, docs: list[dict[str, Any]],
                   now: Any) -> None:
    cache: dict[int, Any] = {}
    rows = []
    for i, doc in enumerate(docs):
        definition = cache.get(doc["setId"]) or load_set(core, connection, doc["setId"])
        if definition is None:
            raise DataError(["results", i, "setId"], f"no set {doc['setId']}")
        cache[doc["setId"]] = definition
        values, date = {}, now
        for name, raw in doc["values"].items():
            try:
                if name == DATE_FIELD:
                    date = parse_datetime(raw, name)
                elif name not in definition.fields:
                    raise ValueError_(f"no field {name!r} in set {definition.id}")
                elif raw is not None:
                    values[name] = parse_value(definition.fields[name], raw, False, {})
            except ValueError_ as error:
                raise DataError(["results", i, "values", name], str(error)) from None
        row = {"set_id": doc["setId"], "date": date, "values": json.dumps(values),
               "modified_at": _moment(doc.get("modifiedAt"), date, ["results", i])}
        rows.append({**row, "id": doc["id"]} if "id" in doc else row)
    if rows:
        _bulk(core, connection, rows)


def _bulk(core: Core, connection: Connection, rows: list[dict[str, Any]]) -> None:
    table = core.storage["results"]
    with_id = [r for r in rows if "id" in r]
    without = [r for r in rows if "id" not in r]
    try:
        with connection.begin_nested():
            if with_id:
                connection.execute(table.insert(), with_id)
            if without:
                connection.execute(table.insert(), without)
    except sa.exc.IntegrityError:
        raise DataError(["results"], "duplicate result id") from None
    _advance(connection, core)


def _advance(connection: Connection, core: Core) -> None:
    from ..core.storage import advance_sequences

    advance_sequences(connection, [core.storage[n] for n in ("results", "tokens", "fields",
                                                               "options", "spec_versions")])


def export_data(core: Core, connection: Connection) -> dict[str, Any]:
    from .install_export import export_section

    return export_section(core, connection)


def wire_date(moment: Any) -> str | None:
    return None if moment is None else moment.strftime(WIRE_FORMAT)
