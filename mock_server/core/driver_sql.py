"""Hot statements compiled once and run on the database driver's own cursor.

A request runs the same few statements again and again, differing only in the
values of their parameters. For each ``connection.execute`` SQLAlchemy looks up
the compiled form, builds an execution context and wraps the cursor in a result
(some 40 us a statement on SQLite: more than SQLite's own work for a lookup by
key). A :class:`DriverStatement` compiles a statement with ``sa.bindparam``
placeholders once, for the app's dialect, and each call runs that SQL on the
cursor of the connection's DBAPI connection (inside its transaction, so writes
and reads see each other as with ``execute``), converting values both ways as
SQLAlchemy would (SQLite's datetimes as text, booleans as integers).

Only what compiles to one fixed SQL string qualifies: no expanding ``IN``
lists, and no columns whose value SQLAlchemy computes in Python at insert or
update time (both are refused when the statement is built, never at run time).
:meth:`.storage.Storage.driver` keeps one per statement builder.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


class DriverStatement:
    """One statement compiled for a dialect: run with a value for each of its bound names."""

    def __init__(self, statement: sa.Executable, dialect: sa.Dialect,
                 column_keys: Sequence[str] | None = None) -> None:
        compiled = statement.compile(dialect=dialect,  # type: ignore[attr-defined]
                                     column_keys=list(column_keys) if column_keys else None)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("an expanding IN list compiles per call: use connection.execute")
        if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch",
                                                                 None):
            raise ValueError("a column default is computed in Python: pass its value, or use "
                             "connection.execute")
        # The statement itself is not kept: compiling leaves its tree some 30 KB larger
        # (memoized columns and names), and what runs is the SQL. A caller that also
        # streams it through SQLAlchemy keeps the statement itself.
        self.sql: str = compiled.string
        self._dialect = dialect
        self._dbapi_error: type[Exception] = dialect.loaded_dbapi.Error
        #: bound name -> the dialect's conversion of a value (e.g. SQLite's datetime text)
        self._bind = dict(compiled._bind_processors)
        #: values the statement carries itself (SQLite's ``OFFSET`` beside a bound ``LIMIT``)
        self._defaults = {name: value for name, value in
                          compiled.construct_params(_check=False).items() if value is not None}
        #: positional drivers (SQLite) take the values in this order; others take a mapping
        self._order = compiled.positiontup if compiled.positional else None
        columns = list(getattr(statement, "selected_columns", ()) or
                       getattr(statement, "_returning", ()) or ())
        self._types = [column.type for column in columns]
        #: (position, conversion) of each column whose stored value is converted;
        #: PostgreSQL's depend on the type the server reports (``cursor.description``),
        #: so they are found at the first run
        self._converted: list[tuple[int, Any]] | None = None
        self.Record: Any = _record_type(tuple(getattr(column, "key", None) or f"column_{i}"
                                              for i, column in enumerate(columns)))

    # --- running ---------------------------------------------------------------------------
    def rows(self, connection: Connection, values: Mapping[str, Any] | None = None
             ) -> list[tuple[Any, ...]]:
        """The rows as the driver returns them (no conversion of stored values)."""
        return self._fetch(connection, values, None)

    def records(self, connection: Connection, values: Mapping[str, Any] | None = None
                ) -> list[Any]:
        """The rows with their values converted as SQLAlchemy would, by name and position."""
        return self._records(self._fetch(connection, values, None))

    def first(self, connection: Connection, values: Mapping[str, Any] | None = None) -> Any:
        """The first record, or None."""
        records = self._records(self._fetch(connection, values, 1))
        return records[0] if records else None

    def _fetch(self, connection: Connection, values: Mapping[str, Any] | None,
               size: int | None) -> list[Any]:
        params = self._params(values or {})
        cursor = connection.connection.cursor()
        try:
            with self._errors(params):
                cursor.execute(self.sql, params)
                rows = cursor.fetchall() if size is None else cursor.fetchmany(size)
            if self._converted is None:
                types = [column[1] for column in cursor.description or ()]
                results = [type_._cached_result_processor(self._dialect, coltype)
                           for type_, coltype in zip(self._types, types, strict=True)]
                self._converted = [(position, convert) for position, convert
                                   in enumerate(results) if convert is not None]
            return list(rows)
        finally:
            cursor.close()

    def scalar(self, connection: Connection, values: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row, or None."""
        record = self.first(connection, values)
        return None if record is None else record[0]

    def run(self, connection: Connection, values: Mapping[str, Any] | None = None) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        params = self._params(values or {})
        cursor = connection.connection.cursor()
        try:
            with self._errors(params):
                cursor.execute(self.sql, params)
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def run_many(self, connection: Connection, values: Iterable[Mapping[str, Any]]) -> None:
        """Run it once per set of values, in one driver call (``executemany``)."""
        batch = [self._params(one) for one in values]
        if not batch:
            return
        cursor = connection.connection.cursor()
        try:
            with self._errors(batch):
                cursor.executemany(self.sql, batch)
        finally:
            cursor.close()

    @contextmanager
    def _errors(self, params: Any) -> Iterator[None]:
        """The driver's errors raised as SQLAlchemy raises them (``sa.exc.IntegrityError``
        for a unique key, ...), so callers catch one kind whichever way a statement ran."""
        try:
            yield
        except self._dbapi_error as error:
            raise sa.exc.DBAPIError.instance(self.sql, params, error, self._dbapi_error,
                                             dialect=self._dialect) from error

    # --- conversion ------------------------------------------------------------------------
    def _params(self, values: Mapping[str, Any]) -> Any:
        params = {**self._defaults}
        bind = self._bind
        for name, value in values.items():
            processor = bind.get(name)
            params[name] = value if processor is None or value is None else processor(value)
        if self._order is None:
            return params
        return [params[name] for name in self._order]

    def _records(self, rows: list[Any]) -> list[Any]:
        """Records of driver rows, converting only the columns that need it: a page's rows
        pass through here, and a list comprehension over every value cost AlisQI's
        100-result page some 100 us."""
        make = self.Record._make
        converted = self._converted
        if not converted:
            return list(map(make, rows))
        records = []
        for row in rows:
            values = list(row)
            for position, convert in converted:
                value = values[position]
                if value is not None:
                    values[position] = convert(value)
            records.append(make(values))
        return records


@lru_cache(maxsize=512)
def _record_type(names: tuple[str, ...]) -> type:
    """A named tuple of the result's columns, which also answers ``._mapping`` like a Row.

    One class per list of names, shared by the statements that select them: a class
    costs some 6 KB, and kept searches of one ``$select`` differ only in their filter."""
    if len(set(names)) != len(names):
        raise ValueError(f"the result has two columns of one name ({names}): label them")
    # A label that is no Python name (``__key``) is reached by position and ``_mapping``.
    base = namedtuple("DriverRecord", names, rename=True)  # type: ignore[misc]
    return type("DriverRecord", (base,), {
        "__slots__": (),
        "_mapping": property(lambda self: dict(zip(names, self, strict=True))),
    })


# --- lists of values ----------------------------------------------------------------------
# An expanding IN compiles per call, so it cannot run on the driver. A list instead gets a
# statement with one placeholder per value, for list sizes rounded up to a power of two
# (padded with NULL, which matches nothing): a handful of statements serve every length.

def in_list_size(count: int) -> int:
    """The number of placeholders a list of ``count`` values is run with."""
    size = 1
    while size < count:
        size *= 2
    return size


def in_list(column: sa.ColumnElement[Any], name: str, size: int) -> sa.ColumnElement[bool]:
    """``column IN (:name_0, ..., :name_<size-1>)``, for a statement built once per size."""
    return column.in_([sa.bindparam(f"{name}_{i}", type_=column.type) for i in range(size)])


def in_list_values(name: str, values: Sequence[Any]) -> dict[str, Any]:
    """The bound values for :func:`in_list` of ``in_list_size(len(values))`` placeholders."""
    size = in_list_size(len(values))
    padded = [*values, *([None] * (size - len(values)))]
    return {f"{name}_{i}": value for i, value in enumerate(padded)}


# --- the statements every system needs (builders for ``Storage.driver``) ------------------

def row_by_id(table: sa.Table, column: str = "id") -> sa.Select:
    """The row whose ``column`` (its key: ``id`` unless named) is the bound ``id``."""
    return sa.select(table).where(table.c[column] == sa.bindparam("id"))


def inserted(table: sa.Table) -> sa.Insert:
    """An INSERT of the columns it is built with (``column_keys``)."""
    return table.insert()


def inserted_id(table: sa.Table) -> sa.Insert:
    """An INSERT of the columns it is built with, returning the new row's ``id``."""
    return table.insert().returning(table.c.id)
