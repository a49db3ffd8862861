"""One page of a query in the CRMS envelope: ``limit + 1`` rows tell ``HasMore``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response
from sqlalchemy.engine import Connection

from ..core.driver_sql import DriverStatement
from ..core.storage import Storage
from .blueprint import collection, paging
from .deviations import deviation_on

#: a list's query, ordered, filtered by the query parameters named (``DriverSearch.of``)
Filtered = Callable[[sa.Table, tuple[str, ...]], sa.Select]


@dataclass(frozen=True)
class Search:
    """A list query's page (``page_limit`` and ``page_offset`` bound) and its count,
    run through SQLAlchemy (the short lists built per request)."""

    rows: sa.Select
    count: sa.Select

    @classmethod
    def of(cls, query: sa.Select) -> Search:
        return cls(query.limit(sa.bindparam("page_limit")).offset(sa.bindparam("page_offset")),
                   sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))

    def fetch(self, connection: Connection, params: dict[str, Any]) -> Sequence[Any]:
        return connection.execute(self.rows, params).all()

    def total(self, connection: Connection, params: dict[str, Any]) -> int:
        return int(connection.execute(self.count, params).scalar() or 0)


@dataclass(frozen=True)
class DriverSearch:
    """A :class:`Search` whose two statements ``Storage.driver`` keeps (the contact
    search and the course list): built once, run on the driver."""

    rows: DriverStatement
    count: DriverStatement

    @classmethod
    def of(cls, storage: Storage, query: Filtered, table: sa.Table,
           names: tuple[str, ...]) -> DriverSearch:
        """The search of ``query(table, names)``: a list filtered by the query parameters
        ``names``, each a bound parameter of that name. Kept per set of names."""
        return cls(storage.driver(_rows_of, query, table, names),
                   storage.driver(_count_of, query, table, names))

    def fetch(self, connection: Connection, params: dict[str, Any]) -> Sequence[Any]:
        return self.rows.records(connection, params)

    def total(self, connection: Connection, params: dict[str, Any]) -> int:
        return int(self.count.scalar(connection, params) or 0)


def _rows_of(query: Filtered, table: sa.Table, names: tuple[str, ...]) -> sa.Select:
    return Search.of(query(table, names)).rows


def _count_of(query: Filtered, table: sa.Table, names: tuple[str, ...]) -> sa.Select:
    return Search.of(query(table, names)).count


def page(connection: Connection, search: Search | DriverSearch,
         dump: Callable[[Any], dict[str, Any]], *, params: dict[str, Any] | None = None,
         default_limit: int = 50, max_limit: int = 50) -> Response:
    offset, limit, with_total = paging(default_limit, max_limit)
    params = params or {}
    rows = search.fetch(connection, {**params, "page_limit": limit + 1, "page_offset": offset})
    total = None
    if with_total or deviation_on("QS-08"):
        total = search.total(connection, params)
    return collection([dump(row) for row in rows[:limit]], offset, limit, len(rows) > limit,
                      total)
