"""Hot reads run through the database driver itself, compiled once per statement shape.

A list request builds the same few SELECTs again and again, differing only in
the values of their parameters. Building, cache-keying and compiling such a
statement and wrapping its result in SQLAlchemy's row objects cost more than
the database's own work, so :class:`DriverRead` compiles a statement with
``sa.bindparam`` placeholders once, for the app's dialect, and each request
runs that SQL on the driver's cursor and gets plain tuples back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


class DriverRead:
    """One SELECT compiled for a dialect: run with a value for each of its bound names."""

    def __init__(self, statement: sa.Select, dialect: sa.Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        #: bound name -> the dialect's conversion of a value (e.g. SQLite's datetime text)
        self._processors = compiled._bind_processors
        #: values the statement carries itself (SQLite's ``OFFSET`` beside a bound ``LIMIT``)
        self._defaults = {name: value for name, value in
                          compiled.construct_params(_check=False).items() if value is not None}
        #: positional drivers (SQLite) take the values in this order; others take a mapping
        self._order = compiled.positiontup if compiled.positional else None

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        params = {**self._defaults}
        for name, value in values.items():
            params[name] = self._process(name, value)
        driver_params: Any = params if self._order is None else [
            params[name] for name in self._order]
        cursor = connection.connection.cursor()
        try:
            cursor.execute(self.sql, driver_params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def _process(self, name: str, value: Any) -> Any:
        processor = self._processors.get(name)
        return value if processor is None or value is None else processor(value)
