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

from .listing import Listing


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
    next_cursor = rows[-1]._mapping[str(id_column.key)] if has_more and rows else None
    return CursorPage(rows, next_cursor, has_more)


@dataclass(frozen=True)
class OffsetPage:
    """Django REST Framework's ``LimitOffsetPagination``: ``{count, next, previous, results}``."""

    rows: Sequence[Any]
    count: int
    next_url: str | None
    previous_url: str | None


def offset_arg(raw: str | None, default: int, *, strict: bool) -> int:
    """DRF's ``_positive_int``: a bad, negative (or, when ``strict``, zero) value is ``default``."""
    try:
        value = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    if value < 0 or (strict and value == 0):
        return default
    return value


def limit_offset_page(
    connection: Connection, listing: Listing, *, limit: int, offset: int, url: str
) -> OffsetPage:
    """One page of ``listing`` (ordered) and the links DRF builds from the request ``url``.

    ``next`` and ``previous`` keep every query parameter, re-encoded in
    alphabetical order, always carry ``limit``, and ``previous`` drops
    ``offset`` when it would be 0.
    """
    count = listing.count(connection)
    rows: Sequence[Any] = []
    if count and offset <= count:  # both bounded by count: no overflow in the SQL
        rows = listing.rows(connection, min(limit, count), offset)
    next_url = None
    if offset + limit < count:
        next_url = replace_query_param(replace_query_param(url, "limit", limit),
                                       "offset", offset + limit)
    previous_url = None
    if offset > 0:
        previous_url = replace_query_param(url, "limit", limit)
        previous_url = (remove_query_param(previous_url, "offset") if offset - limit <= 0
                        else replace_query_param(previous_url, "offset", offset - limit))
    return OffsetPage(rows, count, next_url, previous_url)


def replace_query_param(url: str, key: str, value: object) -> str:
    """DRF's ``replace_query_param``: set one parameter, sort and re-encode the rest."""
    from urllib import parse

    scheme, netloc, path, query, fragment = parse.urlsplit(str(url))
    query_dict = parse.parse_qs(query, keep_blank_values=True)
    query_dict[str(key)] = [str(value)]
    query = parse.urlencode(sorted(query_dict.items()), doseq=True)
    return parse.urlunsplit((scheme, netloc, path, query, fragment))


def remove_query_param(url: str, key: str) -> str:
    """DRF's ``remove_query_param``."""
    from urllib import parse

    scheme, netloc, path, query, fragment = parse.urlsplit(str(url))
    query_dict = parse.parse_qs(query, keep_blank_values=True)
    query_dict.pop(key, None)
    query = parse.urlencode(sorted(query_dict.items()), doseq=True)
    return parse.urlunsplit((scheme, netloc, path, query, fragment))
