"""Turning result rows into JSON objects quickly, for the pages every list endpoint serves.

A :class:`Shape` names each JSON field's column and how to convert it, once;
:meth:`Shape.columns` selects those columns with timestamps left as the
database stores them (no datetime parsing), and :meth:`Shape.dump` builds each
object from plain tuple positions. Serialising a page is the largest part of a
list request, so this is where the mock's throughput is won.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from .timefmt import iso_ms_stored

Converter = Callable[[Any], Any] | None


def _stored_date(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


class Shape:
    """JSON field name -> column name, with converters chosen from the column types."""

    def __init__(self, table: sa.Table, fields: dict[str, str]) -> None:
        self.table = table
        self.fields = fields
        self.converters: list[Converter] = [_converter(table.c[c].type) for c in fields.values()]
        self._names = tuple(fields)
        #: (field name, position, converter) of the fields that need converting
        self._converted = tuple((name, index, convert) for index, (name, convert)
                                in enumerate(zip(fields, self.converters, strict=True))
                                if convert is not None)

    def columns(self) -> list[sa.ColumnElement[Any]]:
        """The columns to select, timestamps and dates untouched by result processing."""
        out: list[sa.ColumnElement[Any]] = []
        for name in self.fields.values():
            column = self.table.c[name]
            if isinstance(column.type, sa.DateTime | sa.Date):
                out.append(sa.type_coerce(column, sa.String).label(name))
            else:
                out.append(column)
        return out

    def dump(self, row: Sequence[Any]) -> dict[str, Any]:
        """One object from a row of :meth:`columns` (positions, not names).

        Built in C (``dict(zip(...))``), then only the converted fields are replaced,
        which keeps their place in the key order."""
        out = dict(zip(self._names, row, strict=True))
        for name, index, convert in self._converted:
            out[name] = convert(row[index])
        return out

    def dump_all(self, rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
        return [self.dump(row) for row in rows]

    def dump_mapping(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """One object from any row that has the columns by name (e.g. ``select(table)``)."""
        return {
            name: row[column] if convert is None else convert(row[column])
            for (name, column), convert in zip(self.fields.items(), self.converters, strict=True)
        }


def _converter(column_type: sa.types.TypeEngine[Any]) -> Converter:
    if isinstance(column_type, sa.DateTime):
        return iso_ms_stored
    if isinstance(column_type, sa.Date):
        return _stored_date
    return None
