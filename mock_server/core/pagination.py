"""Pagination styles, each a small function over a SQLAlchemy select.

Systems pick the style their real API uses; parsing the parameters (and the
error each system gives for bad ones) stays with the system.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class CursorPage:
    """``{data, nextCursor, hasMore}``: newest first, the cursor is the id to read after."""

    rows: Sequence[Any]
    next_cursor: int | None
    has_more: bool


def cursor_page(
    connection: Connection,
    query: sa.Select,
    id_column: sa.ColumnElement[int],
    *,
    limit: int,
    cursor: int | None,
) -> CursorPage:
    """One page, descending by id, strictly after ``cursor``.

    Records added while a client pages get higher ids than any cursor, so
    following ``next_cursor`` yields every record that existed at the start
    exactly once.
    """
    if cursor is not None:
        query = query.where(id_column < cursor)
    rows = connection.execute(query.order_by(id_column.desc()).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1]._mapping[id_column.key] if has_more and rows else None
    return CursorPage(rows, next_cursor, has_more)
