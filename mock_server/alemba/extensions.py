"""A tenant's extension properties (``Impact``, ``Urgency``, ``CustomString1``, ...):
declared per entity in the data file, described in ``$metadata`` (class
``Extension``), validated on create and update like any property, and usable in
``$select``, ``$filter`` and ``$orderby``.

Declarations live in ``extension_properties``; values in ``extension_values``,
one row per record and property, in a column of the value's kind (text, number,
date), so comparisons keep their type. A request reads the declarations once;
an entity with extensions is the described entity with the extra properties
appended (a call's extensions apply to its kinds, Incident included).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ..core import Core, current_core
from ..core.storage import Storage
from .schema import NUMERIC, Entity, Prop

DECLARED, VALUES = "extension_properties", "extension_values"
EXTENSION_TYPES = ("Text", "RichText", "Boolean", "DateTime", *NUMERIC)
PREFIX = "x:"


def define_tables(core: Core) -> None:
    table = core.storage.table
    table(
        DECLARED,
        sa.Column("entity", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("data_type", sa.String(20), nullable=False),
        sa.Column("length", sa.Integer),
        sa.Column("required", sa.Boolean, nullable=False, default=False),
        sa.Column("description", sa.String(255)),
    )
    table(
        VALUES,
        sa.Column("entity", sa.String(40), primary_key=True),
        sa.Column("ref", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(60), primary_key=True),
        sa.Column("text_value", sa.Text),
        sa.Column("number_value", sa.Numeric(28, 8)),
        sa.Column("date_value", sa.DateTime),
    )


def value_column(data_type: str) -> str:
    if data_type in ("Text", "RichText"):
        return "text_value"
    if data_type == "DateTime":
        return "date_value"
    return "number_value"  # numbers, and Booleans as 1 / 0


def as_prop(row: Any) -> Prop:
    return Prop(
        row.name,
        row.data_type,
        length=row.length if row.data_type == "Text" else None,
        required=bool(row.required),
        extension=True,
        description=row.description or f"Extension field: {row.name}",
        column_name=PREFIX + row.name,
    )


#: per storage, the declarations last read and the data generation they were read under
_READ: WeakKeyDictionary[Storage, tuple[str, dict[str, tuple[Prop, ...]]]] = WeakKeyDictionary()


def declared(connection: Connection | None = None) -> dict[str, tuple[Prop, ...]]:
    """Entity name -> its extension properties.

    Outside a write (no ``connection``) they are read once per request, and not
    at all while the data generation (``Core.read_shared_state``, stamped anew by
    every write of any worker) is the one they were last read under.
    """
    in_request = has_request_context() and connection is None
    if in_request and hasattr(g, "alemba_extensions"):
        return g.alemba_extensions  # type: ignore[no-any-return]
    storage = current_core().storage
    generation = g.get("apidouble_generation") if in_request else None
    if generation:
        kept = _READ.get(storage)
        if kept is not None and kept[0] == generation:
            g.alemba_extensions = kept[1]
            return kept[1]
    query = storage.driver(_declarations, storage[DECLARED])  # read after every write
    if connection is None:
        with storage.connect() as own:
            rows = query.records(own)
    else:
        rows = query.records(connection)
    out: dict[str, list[Prop]] = {}
    for row in rows:
        out.setdefault(row.entity, []).append(as_prop(row))
    found = {name: tuple(props) for name, props in out.items()}
    if in_request:
        g.alemba_extensions = found
    if generation:
        _READ[storage] = (generation, found)
    return found


def _declarations(table: sa.Table) -> sa.Select:
    return sa.select(table).order_by(table.c.entity, table.c.name)


def extended(entity: Entity) -> Entity:
    """``entity`` with its (and its parent's) declared extension properties."""
    extra = declared()
    props = extra.get(entity.name, ()) + extra.get(entity.parent or "", ())
    if not props:
        return entity
    return replace(entity, props=(*entity.props, *props), by_name={})


def is_stored(prop: Prop) -> bool:
    return prop.column.startswith(PREFIX)


def split(values: dict[str, Any]) -> dict[str, Any]:
    """Take the extension values out of a row's column values: name -> value."""
    names = [column for column in values if column.startswith(PREFIX)]
    return {column[len(PREFIX) :]: values.pop(column) for column in names}


def write(connection: Connection, entity: Entity, ref: int, values: dict[str, Any]) -> None:
    if not values:
        return
    table = current_core().storage[VALUES]
    owner = entity.parent or entity.name
    for name, value in values.items():
        prop = entity.by_name[name]
        where = sa.and_(table.c.entity == owner, table.c.ref == ref, table.c.name == name)
        connection.execute(table.delete().where(where))
        if value is not None:
            stored = int(value) if isinstance(value, bool) else value
            column = value_column(prop.data_type)
            connection.execute(
                table.insert().values(entity=owner, ref=ref, name=name, **{column: stored})
            )


def read(connection: Connection, entity: Entity, ref: int) -> dict[str, Any]:
    """The record's extension values, as stored (every declared one, None when unset)."""
    props = [prop for prop in entity.props if is_stored(prop)]
    if not props:
        return {}
    table = current_core().storage[VALUES]
    owner = entity.parent or entity.name
    rows = {
        row.name: row
        for row in connection.execute(
            sa.select(table).where(table.c.entity == owner, table.c.ref == ref)
        )
    }
    return {
        prop.name: _value(prop, getattr(rows.get(prop.name), value_column(prop.data_type), None))
        for prop in props
    }


def _value(prop: Prop, value: Any) -> Any:
    if value is None:
        return None
    if prop.data_type == "Boolean":
        return bool(value)
    if prop.data_type in ("Integer", "Long", "Short"):
        return int(value)
    if prop.data_type in ("Float", "Double"):
        return float(value)
    return value


def column(entity: Entity, node_table: Any, key_column: str, prop: Prop) -> ColumnElement[Any]:
    """The value of an extension property for each row of ``node_table``, for queries."""
    table = current_core().storage[VALUES].alias()
    owner = entity.parent or entity.name
    value: Any = table.c[value_column(prop.data_type)]
    if prop.data_type in ("Integer", "Long", "Short"):
        value = sa.cast(value, sa.BigInteger)
    elif prop.data_type == "Boolean":
        value = sa.cast(value, sa.Integer)
    return (
        sa.select(value)
        .where(
            table.c.entity == owner,
            table.c.ref == node_table.c[key_column],
            table.c.name == prop.name,
        )
        .scalar_subquery()
    )
