"""One page of a query in the CRMS envelope: ``limit + 1`` rows tell ``HasMore``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Response
from sqlalchemy.engine import Connection

from ..core.pagination import count_rows
from .blueprint import collection, paging
from .deviations import deviation_on


def page(connection: Connection, query: sa.Select, dump: Callable[[Any], dict[str, Any]],
         *, default_limit: int = 50, max_limit: int = 50) -> Response:
    offset, limit, with_total = paging(default_limit, max_limit)
    rows = connection.execute(query.limit(limit + 1).offset(offset)).all()
    total = count_rows(connection, query) if with_total or deviation_on("QS-08") else None
    return collection([dump(row) for row in rows[:limit]], offset, limit, len(rows) > limit,
                      total)
