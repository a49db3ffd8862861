"""Aliquora's parameter rules: ids, paging, dates, and records of the caller's tenant."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import request
from sqlalchemy.engine import Connection

from ..core import ApiError, current_core
from ..core.bodies import int_arg
from ..core.deviations import deviation_on
from ..core.driver_sql import in_list, in_list_size, in_list_values
from ..core.pagination import cursor_page
from ..core.timefmt import parse_iso, to_naive_utc
from . import serializers
from .access import caller

MAX_ID = 2**63 - 1
DEFAULT_LIMIT, MAX_LIMIT = 50, 500


def parse_id(raw: str) -> int:
    """A path id: non-numeric is 400 invalid_id; numeric but out of range simply finds nothing."""
    if not raw.isascii() or not raw.isdigit():
        raise ApiError(400, "invalid_id", f"'{raw}' is not a valid id.")
    value = int(raw)
    return value if value <= MAX_ID else 0


def id_filter(name: str) -> int | None:
    value = int_arg(name, code="invalid_id")
    if value is not None and not 0 <= value <= MAX_ID:
        raise ApiError(400, "invalid_id", f"Query parameter '{name}' is not a valid id.")
    return value


def date_filter(name: str, *, end_of_day: bool = False) -> datetime | None:
    """An ISO date or date-time bound; a date-only ``until`` covers that whole day."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        moment = to_naive_utc(parse_iso(raw))
        if end_of_day and len(raw.strip()) == 10:
            moment += timedelta(days=1) - timedelta(milliseconds=1)
        return moment
    except ValueError:
        raise ApiError(
            400, "invalid_body", f"Query parameter '{name}' must be an ISO 8601 date or date-time."
        ) from None


def page(connection: Connection, query: sa.Select, table: sa.Table, serialize: Any) -> dict:
    """A cursor page of ``query`` (AQ-26): ``limit`` 1..500 (default 50), ``cursor`` an id."""
    limit, cursor = limit_and_cursor()
    result = cursor_page(connection, query, table.c.id, limit=limit, cursor=cursor)
    return cursor_body(list(result.rows), result.next_cursor, result.has_more, serialize)


def limit_and_cursor() -> tuple[int, int | None]:
    """The paging parameters: ``limit`` 1..500 (default 50) and ``cursor``, an id."""
    limit = int_arg("limit", code="invalid_body", default=DEFAULT_LIMIT)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, "invalid_body", f"'limit' must be between 1 and {MAX_LIMIT}.")
    return limit, id_filter("cursor")


def fetched_page(rows: list[Any], limit: int, id_of: Any, serialize: Any) -> dict:
    """The page body of up to ``limit + 1`` rows read newest first: one more means more."""
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = id_of(rows[-1]) if has_more and rows else None
    return cursor_body(rows, next_cursor, has_more, serialize)


def cursor_body(rows: list[Any], next_cursor: int | None, has_more: bool,
                serialize: Any) -> dict:
    """``{data, nextCursor, hasMore}`` of one page's rows (AQ-26: in the wrong order)."""
    if deviation_on("AQ-26"):
        rows.reverse()
    return {
        "data": [serialize(row) for row in rows],
        "nextCursor": next_cursor,
        "hasMore": has_more,
    }


def owned(connection: Connection, table: sa.Table, record_id: int, what: str) -> Any:
    """The caller's record, or 404: another tenant's record looks like no record (AQ-08)."""
    any_tenant = deviation_on("AQ-08")
    row = current_core().storage.driver(_owned_query, table, any_tenant).first(
        connection, {"record_id": record_id, "organization_id": caller().organization_id})
    if row is None:
        raise ApiError(404, "not_found", f"{what} {record_id} was not found.")
    return row


def _owned_query(table: sa.Table, any_tenant: bool) -> sa.Select:
    query = sa.select(table).where(table.c.id == sa.bindparam("record_id"))
    if any_tenant:
        return query
    return query.where(table.c.organization_id == sa.bindparam("organization_id"))


def require_references(connection: Connection, references: dict[str, tuple[str, Any]]) -> None:
    """Every referenced id must exist in the caller's organisation, else 400 invalid_reference.

    ``references`` maps a body field to (table name, id or list of ids); None is skipped.
    """
    org = caller().organization_id
    for field, (table_name, value) in references.items():
        wanted = set(value) if isinstance(value, list) else {value}
        wanted.discard(None)
        if not wanted:
            continue
        storable = sorted(value for value in wanted if 0 <= value <= MAX_ID)
        found = _found_ids(connection, table_name, storable, org)
        missing = sorted(wanted - found)
        if missing:
            wrong = deviation_on("AQ-12")
            raise ApiError(
                404 if wrong else 400,
                "not_found" if wrong else "invalid_reference",
                f"{field} refers to {', '.join(map(str, missing))}, which does not exist "
                "in your organization.",
            )


def _found_ids(connection: Connection, table_name: str, ids: list[int], org: int) -> set[int]:
    """Which of ``ids`` are records of ``org`` in the table (on the driver: a create runs
    this inside the writer's turn)."""
    storage = current_core().storage
    read = storage.driver(_ids_among, storage[table_name], in_list_size(len(ids)))
    values = {**in_list_values("id", ids), "organization_id": org}
    return {row[0] for row in read.rows(connection, values)}


def _ids_among(table: sa.Table, size: int) -> sa.Select:
    """Which of ``size`` ids are records of ``organization_id``."""
    return sa.select(table.c.id).where(in_list(table.c.id, "id", size),
                                       table.c.organization_id == sa.bindparam("organization_id"))


def sample_tests_query() -> sa.Select:
    core = current_core()
    tests, definitions = core.storage["sample_tests"], core.storage["test_definitions"]
    return sa.select(
        tests, definitions.c.code, definitions.c.name, definitions.c.unit,
        definitions.c.result_type, definitions.c.spec_min, definitions.c.spec_max,
    ).join(definitions, definitions.c.id == tests.c.test_definition_id)


def serialize_sample_tests(rows: list[Any]) -> list[dict]:
    return [serializers.sample_test(row) for row in rows]
