"""A list's rows and count, from a statement built for the request or kept for its shape.

A list request builds its statement from the request's filters and ordering, then
runs it twice: for the page and for the count. Building it (the filters' expression
tree) and running a freshly built statement through SQLAlchemy (its cache key, the
compiled form looked up, an execution context, a result wrapping the cursor) cost
more than the database's own work. Requests that differ only in their page (limit
and offset, ``$top`` and ``$skip``) build the same statement, and clients do ask
for the same filters again: a second page, a saved search, a unit's history
polled. So from the second time a shape is seen, its statement is compiled for the
driver (:mod:`.driver_sql`) and kept: the page with its limit and offset bound, and
the count; each then one driver call. A shape seen once is only noted
(:func:`from_second_sight`), so a client sending new filters each time keeps no
statement, and a group of shapes is bounded (``Storage.keep``).

The caller's key must hold everything the statement depends on: the options that
shape it as sent, and anything else (the server's zone, the data model). What
depends on stored data (a filter's target that must exist) is checked again on
every request by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .driver_sql import DriverStatement

if TYPE_CHECKING:
    from .storage import Storage

T = TypeVar("T")


class Listing(Protocol):
    def count(self, connection: Connection, values: Mapping[str, Any] | None = None) -> int:
        """How many rows the list has."""

    def rows(self, connection: Connection, top: int, skip: int,
             values: Mapping[str, Any] | None = None) -> Sequence[Any]:
        """Rows ``skip+1 .. skip+top`` (``top`` > 0)."""


class QueryListing:
    """A statement built for this request, run through SQLAlchemy.

    ``once``: a shape seen for the first time, run without keeping its compiled form in
    the engine's cache (a shape seen again is compiled for the driver and kept; one
    seen once is gone, and would only crowd the cache)."""

    def __init__(self, query: sa.Select, *, once: bool = False) -> None:
        self.query = query
        self.once = once

    def count(self, connection: Connection, values: Mapping[str, Any] | None = None) -> int:
        return int(self._running(connection).execute(counting(self.query), dict(values or {}))
                   .scalar() or 0)

    def rows(self, connection: Connection, top: int, skip: int,
             values: Mapping[str, Any] | None = None) -> Sequence[Any]:
        return self._running(connection).execute(self.query.limit(top).offset(skip),
                                                 dict(values or {})).all()

    def _running(self, connection: Connection) -> Connection:
        if self.once:  # on this Connection only, which ends with the request's block
            return connection.execution_options(compiled_cache=None)
        return connection


class KeptListing:
    """A statement compiled for the driver: its page and its count, not the statement.

    The statement's tree, grown by compiling it, would weigh more than the two SQL
    strings that run (measured on Alemba's searches: 54 KB a shape with it, 18 KB
    without)."""

    def __init__(self, query: sa.Select, dialect: sa.Dialect) -> None:
        paged = query.limit(sa.bindparam("top", type_=sa.Integer)).offset(
            sa.bindparam("skip", type_=sa.Integer))
        #: the statement LIMIT :top OFFSET :skip
        self.page = DriverStatement(paged, dialect)
        self.counter = DriverStatement(counting(query), dialect)

    def count(self, connection: Connection, values: Mapping[str, Any] | None = None) -> int:
        return int(self.counter.scalar(connection, values) or 0)

    def rows(self, connection: Connection, top: int, skip: int,
             values: Mapping[str, Any] | None = None) -> Sequence[Any]:
        return self.page.records(connection, {**(values or {}), "top": top, "skip": skip})


def counting(query: sa.Select) -> sa.Select:
    """``SELECT count(*)`` of ``query``'s rows (its order dropped)."""
    return sa.select(sa.func.count()).select_from(query.order_by(None).subquery())


class Sighting(Generic[T]):
    """A shape of request seen once (``kept`` is None), or what was kept at its second."""

    def __init__(self) -> None:
        self.kept: T | None = None
        self.seen = False


def from_second_sight(storage: Storage, key: Hashable, keep: Callable[[], T], *,
                      group: str, limit: int) -> T | None:
    """What ``keep()`` made for ``key`` at its second sight (now, if this is it); None at
    the first, when the caller builds what it needs for this request alone."""
    sighting: Sighting[T] = storage.keep(key, Sighting, group=group, limit=limit)
    if sighting.kept is not None:
        return sighting.kept
    if not sighting.seen:  # two threads may both see it first: at worst both build it
        sighting.seen = True
        return None
    sighting.kept = keep()
    return sighting.kept
