"""One page of a query in the CRMS envelope: ``limit + 1`` rows tell ``HasMore``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Response
from sqlalchemy.engine import Connection

from .blueprint import collection, paging
from .deviations import deviation_on


@dataclass(frozen=True)
class Search:
    """A list query's page (``page_limit`` and ``page_offset`` bound) and its count.

    Kept (see :mod:`.statements`), a search is built once; its other parameters are
    bound too.
    """

    rows: sa.Select
    count: sa.Select

    @classmethod
    def of(cls, query: sa.Select) -> Search:
        return cls(query.limit(sa.bindparam("page_limit")).offset(sa.bindparam("page_offset")),
                   sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))


def page(connection: Connection, search: Search, dump: Callable[[Any], dict[str, Any]],
         *, params: dict[str, Any] | None = None, default_limit: int = 50,
         max_limit: int = 50) -> Response:
    offset, limit, with_total = paging(default_limit, max_limit)
    params = params or {}
    rows = connection.execute(search.rows, {**params, "page_limit": limit + 1,
                                            "page_offset": offset}).all()
    total = None
    if with_total or deviation_on("QS-08"):
        total = int(connection.execute(search.count, params).scalar() or 0)
    return collection([dump(row) for row in rows[:limit]], offset, limit, len(rows) > limit,
                      total)
