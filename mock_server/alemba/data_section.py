"""The Alemba section of a declarative data file (contract "Declarative data files"):
a tenant's extension properties, records of the directory entities, API clients and
the users who may log in.

```yaml
system: alemba
version: 1
mode: extend
alemba:
  extensionProperties:
    - {entity: Call, name: Impact, type: Text, length: 20, required: false}
  records:
    Location: [{Ref: 50, Name: Leeds, City: Leeds}]
    Person: [{Ref: 200, Name: Ada Lovelace, Location: 50}]
  apiClients:
    - {clientId: service-bridge, name: Bridge, secret: s3cret, sessionType: Any}
  users:
    - {person: 200, loginId: ALOVELACE, password: pass, analyst: true, partitions: [1]}
```

Records use the API's property names (as ``$metadata`` lists them) and are checked
as a create would check them. Secrets are plain (hashed on the way in) or kept
hashes (``pbkdf2:``/``scrypt:`` passwords, 64 hex digits for client secrets);
an export carries the hashes, so export -> import (replace) -> export is stable.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core
from ..core.hashing import hash_password, hash_secret
from .data_schema import schema as data_schema
from .entities import BY_NAME
from .extensions import DECLARED
from .links import prop_json
from .seed import advance_sequences
from .validation import Invalid, stored

try:  # the shared loader (helper "datafile"); a local stand-in until it lands
    from ..core.datafile import DataError  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - replaced when the core module exists

    class DataError(ValueError):  # type: ignore[no-redef]
        def __init__(self, path: list[str | int], message: str) -> None:
            super().__init__(f"{'/'.join(map(str, path))}: {message}")
            self.path, self.message = path, message


#: the entities whose records a data file may hold, in the order they are written
RECORD_ENTITIES = ("Partition", "Organization", "Location", "Person", "CallPriority",
                   "IpkStatus", "IpkStream", "CallType", "Service", "ConfigurationItem",
                   "CallTemplate", "ServiceAction")
_HASHED_PASSWORD = re.compile(r"^(pbkdf2|scrypt):")
_HASHED_SECRET = re.compile(r"^[0-9a-f]{64}$")

__all__ = ["DataError", "apply_data", "data_schema", "export_data"]


def apply_data(core: Core, connection: Connection, section: dict[str, Any], mode: str) -> None:
    """Apply a schema-valid section in the caller's transaction."""
    storage = core.storage
    for index, entry in enumerate(section.get("extensionProperties", [])):
        _declare(connection, storage[DECLARED], entry, ["extensionProperties", index])
    records = section.get("records", {})
    for name in RECORD_ENTITIES:
        for index, record in enumerate(records.get(name, [])):
            _record(core, connection, name, record, ["records", name, index])
    for index, client in enumerate(section.get("apiClients", [])):
        _client(connection, storage["api_clients"], client, ["apiClients", index])
    for index, user in enumerate(section.get("users", [])):
        _user(core, connection, user, ["users", index])
    advance_sequences(connection, [storage[BY_NAME[name].table] for name in RECORD_ENTITIES])


def _declare(connection: Connection, table: sa.Table, entry: dict[str, Any],
             path: list[str | int]) -> None:
    entity = BY_NAME.get(entry["entity"])
    if entity is None or entity.subtypes or not entity.enabled:
        raise DataError([*path, "entity"], f"no entity {entry['entity']!r} to extend")
    if entity.prop(entry["name"]) is not None:
        raise DataError([*path, "name"], f"{entity.name} already has {entry['name']}")
    where = sa.and_(table.c.entity == entity.name, table.c.name == entry["name"])
    connection.execute(table.delete().where(where))
    connection.execute(table.insert().values(
        entity=entity.name, name=entry["name"], data_type=entry["type"],
        length=entry.get("length"), required=bool(entry.get("required", False)),
        description=entry.get("description")))


def _record(core: Core, connection: Connection, name: str, record: dict[str, Any],
            path: list[str | int]) -> None:
    entity = BY_NAME[name]
    table = core.storage[entity.table]
    values: dict[str, Any] = {}
    for key, value in record.items():
        prop = entity.prop(key)
        if prop is None:
            raise DataError([*path, key], f"{name} has no property {key}")
        try:
            values[prop.column] = stored(prop, value)
        except Invalid as problem:
            raise DataError([*path, key], str(problem)) from None
    for prop in entity.props:
        if prop.default is not None and prop.column not in values:
            values[prop.column] = stored(prop, prop.default)
        if prop.required and not prop.key and values.get(prop.column) is None:
            raise DataError([*path, prop.name], f"{prop.name} is required")
        if prop.is_lookup and values.get(prop.column) is not None:
            _exists(core, connection, BY_NAME[prop.data_type], values[prop.column],
                    [*path, prop.name])
    ref = values.get(entity.key.column)
    if ref is not None and connection.execute(
        sa.select(table.c[entity.key.column]).where(table.c[entity.key.column] == ref)
    ).first():
        raise DataError([*path, "Ref"], f"{name} {ref} already exists")
    connection.execute(table.insert().values(**values))


def _exists(core: Core, connection: Connection, entity: Any, ref: Any,
            path: list[str | int]) -> None:
    table = core.storage[entity.table]
    key = table.c[entity.key.column]
    if connection.execute(sa.select(key).where(key == ref)).first() is None:
        raise DataError(path, f"no {entity.name} with Ref {ref}")


def _client(connection: Connection, table: sa.Table, client: dict[str, Any],
            path: list[str | int]) -> None:
    secret = client.get("secret")
    if secret is not None and not _HASHED_SECRET.match(secret):
        secret = hash_secret(secret)
    if connection.execute(sa.select(table.c.client_id).where(
            table.c.client_id == client["clientId"])).first():
        raise DataError([*path, "clientId"], f"API client {client['clientId']} already exists")
    connection.execute(table.insert().values(
        client_id=client["clientId"], name=client.get("name", client["clientId"]),
        secret_hash=secret, enabled=client.get("enabled", True),
        session_type=client.get("sessionType", "Any"), redirect_uri=client.get("redirectUri")))


def _user(core: Core, connection: Connection, user: dict[str, Any],
          path: list[str | int]) -> None:
    storage = core.storage
    persons, logins, access = storage["persons"], storage["logins"], storage["partition_access"]
    ref = user["person"]
    _exists(core, connection, BY_NAME["Person"], ref, [*path, "person"])
    password = user["password"]
    hashed = password if _HASHED_PASSWORD.match(password) else hash_password(password)
    analyst = bool(user.get("analyst", False))
    connection.execute(persons.update().where(persons.c.ref == ref).values(
        login_id=user["loginId"].upper(), is_analyst="Y" if analyst else "N",
        is_user="YES" if user.get("user", not analyst) else "NO"))
    connection.execute(logins.delete().where(logins.c.person_ref == ref))
    connection.execute(logins.insert().values(person_ref=ref, password_hash=hashed,
                                              enabled=user.get("enabled", True)))
    connection.execute(access.delete().where(access.c.person_ref == ref))
    for partition in user.get("partitions", [1]):
        _exists(core, connection, BY_NAME["Partition"], partition, [*path, "partitions"])
        connection.execute(access.insert().values(person_ref=ref, partition_ref=partition))


def export_data(core: Core, connection: Connection) -> dict[str, Any]:
    """The current world as a section (secrets as their stored hashes)."""
    storage = core.storage
    declared = connection.execute(
        sa.select(storage[DECLARED]).order_by(storage[DECLARED].c.entity,
                                              storage[DECLARED].c.name)).all()
    return {
        "extensionProperties": [_declaration(row) for row in declared],
        "records": {name: _records(core, connection, name) for name in RECORD_ENTITIES},
        "apiClients": [_client_json(row) for row in connection.execute(
            sa.select(storage["api_clients"]).order_by(storage["api_clients"].c.client_id))],
        "users": _users(core, connection),
    }


def _declaration(row: Any) -> dict[str, Any]:
    out = {"entity": row.entity, "name": row.name, "type": row.data_type,
           "required": bool(row.required)}
    if row.length is not None:
        out["length"] = row.length
    if row.description:
        out["description"] = row.description
    return out


def _records(core: Core, connection: Connection, name: str) -> list[dict[str, Any]]:
    entity = BY_NAME[name]
    table = core.storage[entity.table]
    rows = connection.execute(sa.select(table).order_by(table.c[entity.key.column])).all()
    writable = [p for p in entity.props if not p.readonly or p.key]
    return [{p.name: prop_json(p, row._mapping[p.column]) for p in writable
             if row._mapping[p.column] is not None} for row in rows]


def _client_json(row: Any) -> dict[str, Any]:
    out = {"clientId": row.client_id, "name": row.name, "enabled": bool(row.enabled),
           "sessionType": row.session_type}
    if row.secret_hash:
        out["secret"] = row.secret_hash
    if row.redirect_uri:
        out["redirectUri"] = row.redirect_uri
    return out


def _users(core: Core, connection: Connection) -> list[dict[str, Any]]:
    storage = core.storage
    persons, logins, access = storage["persons"], storage["logins"], storage["partition_access"]
    partitions: dict[int, list[int]] = {}
    for person, partition in connection.execute(
            sa.select(access.c.person_ref, access.c.partition_ref).order_by(*access.c)):
        partitions.setdefault(person, []).append(partition)
    rows = connection.execute(
        sa.select(persons.c.ref, persons.c.login_id, persons.c.is_analyst, persons.c.is_user,
                  logins.c.password_hash, logins.c.enabled)
        .join(logins, logins.c.person_ref == persons.c.ref).order_by(persons.c.ref)).all()
    return [{"person": row.ref, "loginId": row.login_id, "password": row.password_hash,
             "analyst": row.is_analyst == "Y", "user": row.is_user == "YES",
             "enabled": bool(row.enabled), "partitions": partitions.get(row.ref, [])}
            for row in rows]
