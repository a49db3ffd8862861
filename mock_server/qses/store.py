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
from .contact_dto import FIELDS, course_ids, dto_columns, email_key, mobile_key
from .fields import Errors
from .statements import kept
from .tables import LOCK_MATCHING

COLUMNS = [column for column, _kind, _length in FIELDS.values()]


def tables(storage: Any = None) -> Any:
    """The system's tables: ``storage`` when given (outside a request), else the app's."""
    return storage if storage is not None else current_core().storage


def serialise_writes(connection: Connection) -> None:
    locks = tables()["locks"]
    bump = kept(locks, "bump", lambda: locks.update().where(locks.c.name == LOCK_MATCHING)
                .values(version=locks.c.version + 1))
    bumped = connection.execute(bump).rowcount
    if not bumped:
        connection.execute(locks.insert().values(name=LOCK_MATCHING, version=1))


def check_courses(connection: Connection, values: dict[str, Any], parameter: str,
                  errors: Errors, storage: Any = None) -> None:
    """Every ``Courses[].CourseId`` must name a course."""
    wanted = set(course_ids(values))
    if not wanted:
        return
    courses = tables(storage)["courses"]
    known = set(connection.execute(sa.select(courses.c.id)
                                   .where(courses.c.id.in_(wanted))).scalars())
    for missing in sorted(wanted - known):
        errors.setdefault(f"{parameter}.Courses", []).append(
            f"Course {missing} does not exist.")


def stored_row(values: dict[str, Any]) -> dict[str, Any]:
    row = {column: values.get(column) for column in COLUMNS}
    row["email_key"] = email_key(row["email_address"])
    row["mobile_key"] = mobile_key(row["mobile"])
    return row


def insert(connection: Connection, values: dict[str, Any], now: datetime) -> int:
    contacts = tables()["contacts"]
    result = connection.execute(contacts.insert(), {
        **stored_row(values), "created_date": now, "modified_date": now})
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def replace(connection: Connection, crm_number: int, values: dict[str, Any],
            now: datetime, storage: Any = None) -> bool:
    """PUT: every field from ``values``, absent ones null (QS-11); False if no such contact."""
    contacts = tables(storage)["contacts"]
    return bool(connection.execute(_update(contacts), {
        **stored_row(values), "modified_date": now, "number": crm_number}).rowcount)


def merge(connection: Connection, crm_number: int, values: dict[str, Any],
          now: datetime) -> None:
    """Upsert/update of a matched contact: the fields given (not null) overwrite."""
    contacts = tables()["contacts"]
    given = {column: value for column, value in stored_row(values).items() if value is not None}
    connection.execute(_update(contacts), {**given, "modified_date": now,
                                           "number": crm_number})


def _update(contacts: sa.Table) -> sa.Update:
    """One contact's UPDATE; the columns set are the parameters' other keys."""
    return kept(contacts, "update", lambda: contacts.update()
                .where(contacts.c.crm_number == sa.bindparam("number")))


def get(connection: Connection, crm_number: int) -> Any:
    contacts = tables()["contacts"]
    one = kept(contacts, "get", lambda: sa.select(*dto_columns(contacts))
               .where(contacts.c.crm_number == sa.bindparam("number")))
    return connection.execute(one, {"number": crm_number}).first()


def exists(connection: Connection, crm_number: int, storage: Any = None) -> bool:
    contacts = tables(storage)["contacts"]
    found = kept(contacts, "exists", lambda: sa.select(contacts.c.crm_number)
                 .where(contacts.c.crm_number == sa.bindparam("number")))
    return connection.execute(found, {"number": crm_number}).first() is not None
