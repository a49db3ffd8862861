"""A value under a field name in a result's stored JSON ``values``, read in SQL.

A result's values are one JSON document per row (``tables``). A
getSpecificationEvaluation reads a few fields of up to 10,000 results; decoding
every document in Python (and converting its integral floats) cost some 6 us a
result. SQLite's JSON functions pick the fields out while the rows are read
(a grown set's evaluation: about 23 ms -> 15 ms); on PostgreSQL, which parses
each document into ``jsonb`` first, it is as fast as decoding in Python.

The functions take :func:`document` of the column and give None where the
dialect has no way this module knows (a field name with a double quote on
SQLite, whose JSON paths cannot escape one): the caller then decodes in
Python, with the same outcome. A field's name or path is written into the
SQL as a literal, not bound: an index on the expression (``key_index``) serves
only a query whose expression is the same, and a bound value is not.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

Column = sa.ColumnElement[Any]
#: SQLite's ``json_type`` of a JSON number (fixed values: an expanding list would not run on
#: the driver, ``driver_sql``)
NUMBER_TYPES: list[Column] = [sa.literal_column("'integer'"), sa.literal_column("'real'")]


def expressible(name: str, dialect: sa.Dialect) -> bool:
    """Whether this module reads the value under ``name`` in SQL on ``dialect``."""
    if "\x00" in name:
        return False
    return dialect.name == "postgresql" or (dialect.name == "sqlite" and '"' not in name)


def document(values: Column, dialect: sa.Dialect) -> Column:
    """A row's stored ``values`` as the dialect's JSON document, which the functions below
    take: PostgreSQL parses the text (``jsonb``) once for all the fields read from it."""
    return sa.cast(values, JSONB) if dialect.name == "postgresql" else values


def text_at(values: Column, name: str, dialect: sa.Dialect) -> Column | None:
    """The string stored under ``name`` (other JSON types as SQL values or text)."""
    if not expressible(name, dialect):
        return None
    if dialect.name == "postgresql":
        return values.op("->>")(_literal(name, dialect))
    return sa.func.json_extract(values, _literal(f'$."{name}"', dialect))


def number_at(values: Column, name: str, dialect: sa.Dialect) -> Column | None:
    """The number stored under ``name`` as a float, NULL for anything else: no value, a
    JSON null, a boolean, an operator value such as ``"<0.010"`` (``api_specs.numeric``'s
    rule)."""
    if not expressible(name, dialect):
        return None
    if dialect.name == "postgresql":
        member = values.op("->")(_literal(name, dialect))
        text = values.op("->>")(_literal(name, dialect))
        return sa.case((sa.func.jsonb_typeof(member) == sa.literal_column("'number'"),
                        sa.cast(text, sa.Float)))
    path = _literal(f'$."{name}"', dialect)
    return sa.case((sa.func.json_type(values, path).in_(NUMBER_TYPES),
                    sa.cast(sa.func.json_extract(values, path), sa.Float)))


def narrowable(name: str, dialect: sa.Dialect) -> bool:
    """Whether :func:`one_of_or_list` narrows a scan by ``name`` on ``dialect``.

    Only on SQLite, which hands the first matching rows over while it scans. PostgreSQL
    computes the whole filtered result first, parsing every result of the set into
    ``jsonb`` on the way: a grown set's filtered pages took 12 ms instead of 7-9 ms."""
    return dialect.name == "sqlite" and expressible(name, dialect)


def one_of_or_list(values: Column, name: str, choices: str,
                   dialect: sa.Dialect) -> Column | None:
    """Whether ``name`` holds one of the strings or integers bound as the list ``choices``
    (compared as JSON: ``3`` is not ``"3"``), or holds a list; where
    :func:`narrowable`."""
    if not narrowable(name, dialect):
        return None
    path = _literal(f'$."{name}"', dialect)
    return sa.or_(sa.func.json_extract(values, path).in_(sa.bindparam(choices, expanding=True)),
                  sa.func.json_type(values, path) == sa.literal_column("'array'"))


def _literal(text: str, dialect: sa.Dialect) -> Column:
    """``text`` as an SQL string literal, quoted as the dialect quotes one."""
    quote = sa.String().literal_processor(dialect)
    assert quote is not None
    return sa.literal_column(quote(text), sa.String)
