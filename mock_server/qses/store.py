"""Contact writes, each atomic in the database.

Every write that matching could observe first bumps the ``matching`` row of
``locks`` (a conditional UPDATE): on SQLite that takes the database's write
lock, on PostgreSQL the row's lock, so concurrent upserts of one person run
one after another and the second one sees the first one's contact instead of
creating a duplicate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.driver_sql import in_list, in_list_size, in_list_values
from .contact_dto import FIELDS, course_ids, dto_columns, email_key, mobile_key
from .fields import Errors
from .tables import LOCK_MATCHING

COLUMNS = [column for column, _kind, _length in FIELDS.values()]


def tables(storage: Any = None) -> Any:
    """The system's tables: ``storage`` when given (outside a request), else the app's."""
    return storage if storage is not None else current_core().storage


def serialise_writes(connection: Connection) -> None:
    storage = tables()
    locks = storage["locks"]
    bumped = storage.driver(_bump, locks).run(connection)
    if not bumped:
        connection.execute(locks.insert().values(name=LOCK_MATCHING, version=1))


def _bump(locks: sa.Table) -> sa.Update:
    """Bump the ``matching`` lock's version (no row: nothing changed)."""
    return locks.update().where(locks.c.name == LOCK_MATCHING).values(
        version=locks.c.version + 1)


def check_courses(connection: Connection, values: dict[str, Any], parameter: str,
                  errors: Errors, storage: Any = None) -> None:
    """Every ``Courses[].CourseId`` must name a course."""
    wanted = set(course_ids(values))
    if not wanted:
        return
    storage = tables(storage)
    ids = sorted(wanted)  # at most 50 (``contact_dto``)
    statement = storage.driver(_known_courses, storage["courses"], in_list_size(len(ids)))
    known = {row[0] for row in statement.rows(connection, in_list_values("id", ids))}
    for missing in sorted(wanted - known):
        errors.setdefault(f"{parameter}.Courses", []).append(
            f"Course {missing} does not exist.")


def stored_row(values: dict[str, Any]) -> dict[str, Any]:
    row = {column: values.get(column) for column in COLUMNS}
    row["email_key"] = email_key(row["email_address"])
    row["mobile_key"] = mobile_key(row["mobile"])
    return row


def _known_courses(courses: sa.Table, size: int) -> sa.Select:
    """The ids among ``size`` bound ones (``in_list``) that name a course."""
    return sa.select(courses.c.id).where(in_list(courses.c.id, "id", size))


def insert(connection: Connection, values: dict[str, Any], now: datetime) -> int:
    row = {**stored_row(values), "created_date": now, "modified_date": now}
    storage = tables()
    statement = storage.driver(_inserted, storage["contacts"], column_keys=tuple(row))
    return int(statement.scalar(connection, row))


def _inserted(contacts: sa.Table) -> sa.Insert:
    """A contact's INSERT of the columns it is built with, returning its ``crm_number``."""
    return contacts.insert().returning(contacts.c.crm_number)


def replace(connection: Connection, crm_number: int, values: dict[str, Any],
            now: datetime, storage: Any = None) -> bool:
    """PUT: every field from ``values``, absent ones null (QS-11); False if no such contact."""
    return bool(_set(connection, {**stored_row(values), "modified_date": now}, crm_number,
                     tables(storage)))


def merge(connection: Connection, crm_number: int, values: dict[str, Any],
          now: datetime) -> None:
    """Upsert/update of a matched contact: the fields given (not null) overwrite."""
    given = {column: value for column, value in stored_row(values).items() if value is not None}
    _set(connection, {**given, "modified_date": now}, crm_number, tables())


def _set(connection: Connection, values: dict[str, Any], crm_number: int, storage: Any) -> int:
    """Set the columns ``values`` names of one contact; the number of rows changed. One
    statement per set of columns (``replace`` always sets them all; ``merge`` the ones a
    body gives, in ``COLUMNS`` order)."""
    update = storage.driver(_update, storage["contacts"], column_keys=tuple(values))
    return update.run(connection, {**values, "number": crm_number})


def _update(contacts: sa.Table) -> sa.Update:
    """One contact's UPDATE; the columns set are the ``column_keys`` it is built with."""
    return contacts.update().where(contacts.c.crm_number == sa.bindparam("number"))


def get(connection: Connection, crm_number: int) -> Any:
    storage = tables()
    return storage.driver(_get, storage["contacts"]).first(connection, {"number": crm_number})


def _get(contacts: sa.Table) -> sa.Select:
    """One contact's DTO columns (:func:`.contact_dto.dto_columns`)."""
    return sa.select(*dto_columns(contacts)).where(contacts.c.crm_number == sa.bindparam("number"))


def exists(connection: Connection, crm_number: int, storage: Any = None) -> bool:
    storage = tables(storage)
    found = storage.driver(_exists, storage["contacts"])
    return found.first(connection, {"number": crm_number}) is not None


def _exists(contacts: sa.Table) -> sa.Select:
    return sa.select(contacts.c.crm_number).where(contacts.c.crm_number == sa.bindparam("number"))
