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
Python, with the same outcome.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

Column = sa.ColumnElement[Any]
#: SQLite's ``json_type`` of a JSON number (fixed values: an expanding list would not run on
#: the driver, ``driver_sql``)
NUMBER_TYPES = [sa.literal("integer"), sa.literal("real")]


def expressible(name: str, dialect: str) -> bool:
    """Whether this module reads the value under ``name`` in SQL on ``dialect``."""
    return dialect == "postgresql" or (dialect == "sqlite" and '"' not in name)


def _sqlite_path(name: str) -> str | None:
    return None if '"' in name else f'$."{name}"'


def document(values: Column, dialect: str) -> Column:
    """A row's stored ``values`` as the dialect's JSON document, which the functions below
    take: PostgreSQL parses the text (``jsonb``) once for all the fields read from it."""
    return sa.cast(values, JSONB) if dialect == "postgresql" else values


def text_at(values: Column, name: str, dialect: str) -> Column | None:
    """The string stored under ``name`` (other JSON types as SQL values or text)."""
    if dialect == "postgresql":
        return values.op("->>")(sa.literal(name, sa.String))
    path = _sqlite_path(name) if dialect == "sqlite" else None
    return None if path is None else sa.func.json_extract(values, path)


def number_at(values: Column, name: str, dialect: str) -> Column | None:
    """The number stored under ``name`` as a float, NULL for anything else: no value, a
    JSON null, a boolean, an operator value such as ``"<0.010"`` (``api_specs.numeric``'s
    rule)."""
    if dialect == "postgresql":
        member = values.op("->")(sa.literal(name, sa.String))
        text = values.op("->>")(sa.literal(name, sa.String))
        return sa.case((sa.func.jsonb_typeof(member) == "number", sa.cast(text, sa.Float)))
    path = _sqlite_path(name) if dialect == "sqlite" else None
    if path is None:
        return None
    return sa.case((sa.func.json_type(values, path).in_(NUMBER_TYPES),
                    sa.cast(sa.func.json_extract(values, path), sa.Float)))
