"""Records of a data file <-> rows of a system's tables: the mechanism behind a section.

A system describes each collection of its section (a list of records in the file,
one table in the database) with :class:`Prop` values; this module derives the JSON
Schema, turns records into rows and rows back into records. Export -> import
(replace) -> export is exact by construction: every described column is exported,
references are exported as ids, and an import keeps the ids it is given (others get
the next free id). A reference may also name its target by the target's natural key
(a slug, a username, a code), looked up in the file's earlier records and in the
database, within the same tenant when the collection is scoped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .datafile import DataError, JsonPath
from .hashing import exported_secret, stored_password, stored_secret
from .storage import Storage
from .timefmt import iso_ms, parse_iso, to_naive_utc

NOW = object()  #: a Prop default: the clock's now
SCALARS = {"string": ["string"], "integer": ["integer"], "number": ["number"],
           "boolean": ["boolean"], "date": ["string"], "datetime": ["string"],
           "ref": ["integer", "string"], "secret": ["string"], "password": ["string"]}


@dataclass(frozen=True)
class Prop:
    """One field of a record: its name in the file, its column and its kind.

    ``type``: string integer number boolean date datetime secret password (one
    column); ref (a column holding the id of a record of collection ``target``);
    refs (a list of such records, rows of ``through`` = (table, source column,
    target column), ordered by ``order`` when given); values (a list of strings
    stored as rows of ``through``).
    """

    key: str
    type: str = "string"
    column: str = ""
    required: bool = False
    default: Any = None
    enum: tuple[Any, ...] = ()
    target: str = ""
    through: tuple[str, str, str] = ("", "", "")
    order: str = ""
    max_length: int | None = None
    description: str = ""

    @property
    def col(self) -> str:
        return self.column or self.key


@dataclass(frozen=True)
class Collection:
    """A list of records in the section, one table in the database."""

    key: str
    table: str
    props: tuple[Prop, ...]
    natural: str = ""  # the column by which references may name a record
    scope: str = ""  # the column that scopes natural keys (a tenant), if any
    unique: bool = False  # the natural key is unique (within the scope)
    description: str = ""
    #: derived columns and checks: (importer, record, row, path of the record)
    complete: Callable[[Importer, dict[str, Any], dict[str, Any], list[str | int]], None] | None \
        = None

    def prop(self, key: str) -> Prop:
        return next(p for p in self.props if p.key == key)


# --- schema ----------------------------------------------------------------------------
def prop_schema(prop: Prop) -> dict[str, Any]:
    if prop.type in ("refs", "values"):
        item = {"type": ["integer", "string"]} if prop.type == "refs" else {"type": "string"}
        schema: dict[str, Any] = {"type": "array", "items": item}
    else:
        types = list(SCALARS[prop.type])
        if not prop.required:
            types.append("null")
        schema = {"type": types if len(types) > 1 else types[0]}
        if prop.enum:
            schema["enum"] = [*prop.enum, *([None] if not prop.required else [])]
        if prop.max_length:
            schema["maxLength"] = prop.max_length
        if prop.type == "date":
            schema["format"] = "date"
        if prop.type == "datetime":
            schema["format"] = "date-time"
    text = prop.description or _describe(prop)
    if text:
        schema["description"] = text
    return schema


def _describe(prop: Prop) -> str:
    if prop.type in ("ref", "refs"):
        return f"{prop.target}: an id or a natural key"
    if prop.type == "secret":
        return "a plain secret, or its stored hash as sha256:<hex>"
    if prop.type == "password":
        return "a plain password, or its stored hash"
    return ""


def record_schema(collection: Collection) -> dict[str, Any]:
    properties = {"id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1,
                         "description": "kept on import; the next free id when left out"}}
    properties.update({prop.key: prop_schema(prop) for prop in collection.props})
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False,
                              "properties": properties}
    required = [prop.key for prop in collection.props if prop.required]
    if required:
        schema["required"] = required
    if collection.description:
        schema["description"] = collection.description
    return schema


def section_schema(system: str, collections: Sequence[Collection],
                   extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = {c.key: {"type": "array", "items": record_schema(c)} for c in collections}
    properties.update(extra or {})
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"the {system!r} section of an apidouble data file",
            "type": "object", "additionalProperties": False, "properties": properties}


# --- import ----------------------------------------------------------------------------
class Importer:
    """Turns records into rows inside one transaction, keeping an index of every record."""

    def __init__(self, storage: Storage, connection: Connection,
                 collections: Sequence[Collection], now: datetime,
                 extra: dict[str, Any] | None = None) -> None:
        self.storage, self.connection, self.now = storage, connection, now
        #: whatever a system's ``complete`` hooks need (the seed, ...)
        self.extra = extra or {}
        self.collections = {c.key: c for c in collections}
        self._by_id: dict[str, dict[int, tuple[Any, Any]]] = {}
        self._by_name: dict[str, dict[tuple[Any, Any], list[int]]] = {}

    def table(self, collection: Collection) -> sa.Table:
        return self.storage[collection.table]

    def _index(self, key: str) -> dict[int, tuple[Any, Any]]:
        if key not in self._by_id:
            c = self.collections[key]
            table = self.table(c)
            columns = [table.c.id, table.c[c.scope] if c.scope else sa.null(),
                       table.c[c.natural] if c.natural else sa.null()]
            rows = self.connection.execute(sa.select(*columns)).all()
            self._by_id[key] = {row[0]: (row[1], row[2]) for row in rows}
            names: dict[tuple[Any, Any], list[int]] = {}
            for row in rows:
                names.setdefault((row[1], row[2]), []).append(row[0])
            self._by_name[key] = names
        return self._by_id[key]

    def _remember(self, collection: Collection, row: dict[str, Any]) -> None:
        scope = row.get(collection.scope) if collection.scope else None
        natural = row.get(collection.natural) if collection.natural else None
        self._index(collection.key)[row["id"]] = (scope, natural)
        self._by_name[collection.key].setdefault((scope, natural), []).append(row["id"])

    def named(self, key: str, scope: Any, natural: Any) -> list[int]:
        self._index(key)
        return list(self._by_name[key].get((scope, natural), []))

    def resolve(self, target: str, value: Any, scope: Any, path: JsonPath) -> int:
        """The id of the ``target`` record ``value`` (an id or a natural key) names."""
        c = self.collections[target]
        known = self._index(target)
        if isinstance(value, int):
            if value not in known:
                raise DataError(path, f"no {target} record with id {value}")
            if c.scope and scope is not None and known[value][0] != scope:
                raise DataError(path, f"{target} {value} belongs to another tenant")
            return value
        if not c.natural:
            raise DataError(path, f"{target} records are referred to by id")
        if c.scope and scope is not None:
            ids = self.named(target, scope, value)
        else:
            ids = [i for i, (_, name) in known.items() if name == value]
        if not ids:
            raise DataError(path, f"no {target} record named {value!r}")
        if len(ids) > 1:
            raise DataError(path, f"{value!r} names {len(ids)} {target} records; use an id")
        return ids[0]

    def insert(self, collection: Collection, records: list[dict[str, Any]],
               path: list[str | int]) -> list[dict[str, Any]]:
        """Insert ``records`` (at ``path``); return their rows (with ids)."""
        rows, links = [], []
        for index, record in enumerate(records):
            here = [*path, index]
            row, row_links = self._row(collection, record, here)
            rows.append(row)
            links.extend(row_links)
        if rows:
            self.connection.execute(self.table(collection).insert(), rows)
        for table, values in _grouped(links).items():
            self.connection.execute(self.storage[table].insert(), values)
        return rows

    def _row(self, c: Collection, record: dict[str, Any], here: list[str | int]
             ) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
        row: dict[str, Any] = {}
        later: list[tuple[Prop, Any]] = []
        for prop in c.props:
            value = record.get(prop.key)
            if prop.type in ("refs", "values"):
                later.append((prop, value or []))
            else:
                row[prop.col] = self._value(c, prop, value, row, [*here, prop.key])
        row["id"] = self._new_id(c, record.get("id"), [*here, "id"])
        if c.complete is not None:
            c.complete(self, record, row, here)
        if c.unique and c.natural and self.named(c.key, row.get(c.scope) if c.scope else None,
                                                 row[c.natural]):
            key = next(p.key for p in c.props if p.col == c.natural)
            raise DataError([*here, key], f"{c.key} {row[c.natural]!r} already exists")
        self._remember(c, row)
        links = [link for prop, values in later
                 for link in self._links(c, prop, values, row, [*here, prop.key])]
        return row, links

    def _new_id(self, c: Collection, given: int | None, path: JsonPath) -> int:
        known = self._index(c.key)
        if given is None:
            return max(known, default=0) + 1
        if given in known:
            raise DataError(path, f"{c.key} id {given} already exists")
        return given

    def _value(self, c: Collection, prop: Prop, value: Any, row: dict[str, Any],
               path: JsonPath) -> Any:
        if value is None:
            return self.now if prop.default is NOW else prop.default
        if prop.type == "ref":
            return self.resolve(prop.target, value, row.get(c.scope) if c.scope else None, path)
        length = getattr(self.table(c).c[prop.col].type, "length", None)
        if isinstance(value, str) and length and len(value) > length \
                and prop.type not in ("secret", "password"):
            raise DataError(path, f"longer than {length} characters")
        return convert_in(prop, value, path)

    def _links(self, c: Collection, prop: Prop, values: list[Any], row: dict[str, Any],
               path: list[str | int]) -> list[tuple[str, dict[str, Any]]]:
        table, source, target = prop.through
        out = []
        for order, value in enumerate(values):
            if prop.type == "values":
                resolved = value
            else:
                scope = row.get(c.scope) if c.scope else None
                resolved = self.resolve(prop.target, value, scope, [*path, order])
            link = {source: row["id"], target: resolved}
            if prop.order:
                link[prop.order] = order
            out.append((table, link))
        return out


def _grouped(links: list[tuple[str, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for table, values in links:
        grouped.setdefault(table, []).append(values)
    return grouped


def convert_in(prop: Prop, value: Any, path: JsonPath) -> Any:
    """A schema-valid value from the file, as the column stores it."""
    try:
        if prop.type == "datetime":
            return to_naive_utc(parse_iso(value))
        if prop.type == "date":
            return date.fromisoformat(value)
    except ValueError:
        raise DataError(path, f"{value!r} is not an ISO 8601 {prop.type}") from None
    if prop.type == "number":
        return float(value)
    if prop.type == "secret":
        return stored_secret(value)
    if prop.type == "password":
        return stored_password(value)
    return value


# --- export ----------------------------------------------------------------------------
def export(storage: Storage, connection: Connection, collection: Collection,
           where: Any = None) -> list[dict[str, Any]]:
    """Every row of the collection's table (or those matching ``where``) as records."""
    table = storage[collection.table]
    query = sa.select(table).order_by(table.c.id)
    if where is not None:
        query = query.where(where)
    rows = connection.execute(query).all()
    links = {prop.key: _links_of(storage, connection, prop) for prop in collection.props
             if prop.type in ("refs", "values")}
    records = []
    for row in rows:
        record: dict[str, Any] = {"id": row.id}
        for prop in collection.props:
            if prop.key in links:
                record[prop.key] = links[prop.key].get(row.id, [])
            else:
                record[prop.key] = convert_out(prop, getattr(row, prop.col))
        records.append(record)
    return records


def _links_of(storage: Storage, connection: Connection, prop: Prop) -> dict[int, list[Any]]:
    name, source, target = prop.through
    table = storage[name]
    order = [table.c[prop.order], table.c.id] if prop.order else [table.c.id]
    found: dict[int, list[Any]] = {}
    for row in connection.execute(sa.select(table.c[source], table.c[target]).order_by(*order)):
        found.setdefault(row[0], []).append(row[1])
    return found


def convert_out(prop: Prop, value: Any) -> Any:
    if value is None:
        return None
    if prop.type == "datetime":
        return iso_ms(value)
    if prop.type == "date":
        return value.isoformat()
    if prop.type == "number":
        return float(value)
    if prop.type == "boolean":
        return bool(value)
    if prop.type == "secret":
        return exported_secret(value)
    return value
