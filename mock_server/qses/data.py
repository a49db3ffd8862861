"""The ``qses`` section of a declarative data file: accounts with their grants, throttle
rules, courses and contacts (contract "Declarative data files").

``data_schema()`` is the section's JSON Schema; ``apply_data`` writes an
already valid section in the caller's transaction ("extend" adds, and updates
an account, course or contact that exists; "replace" finds the tables
emptied); ``export_data`` gives the current world back, passwords as their
stored hashes, so export -> import (replace) -> export is the identity.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core
from ..core.hashing import hash_password
from ..core.timefmt import parse_iso, to_naive_utc
from . import contact_dto, store, throttles
from .access import OPEN_ENDPOINTS
from .admin import endpoints
from .tables import LOCK_MATCHING
from .views_other import COURSE_FIELDS

try:
    from ..core.datafile import DataError  # type: ignore[import-not-found]
except ImportError:  # until the shared loader lands

    class DataError(Exception):  # type: ignore[no-redef]
        def __init__(self, path: list[str | int], message: str) -> None:
            super().__init__(f"{'.'.join(map(str, path))}: {message}")
            self.path, self.message = path, message

HASH_PREFIXES = ("pbkdf2:", "scrypt:")


def data_schema() -> dict[str, Any]:
    nullable_text = {"type": ["string", "null"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "QS Enrolment (CRMS) data section",
        "type": "object", "additionalProperties": False,
        "properties": {
            "accounts": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["username"],
                "oneOf": [{"required": ["password"]}, {"required": ["passwordHash"]}],
                "properties": {
                    "username": {"type": "string", "minLength": 1, "maxLength": 100},
                    "password": {"type": "string", "minLength": 1},
                    "passwordHash": {"type": "string", "pattern": "^(pbkdf2|scrypt):"},
                    "description": nullable_text,
                    "endpoints": {"type": "array", "uniqueItems": True,
                                  "items": {"enum": endpoints()}}}}},
            "throttles": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["limits"],
                "properties": {
                    "endpoint": {"enum": [*endpoints(), *OPEN_ENDPOINTS, None]},
                    "clientAddress": {"type": ["string", "null"], "maxLength": 64},
                    "limits": {"type": "object", "additionalProperties": False,
                               "properties": {p: {"type": "integer", "minimum": 1}
                                              for p in throttles.PERIODS}}}}},
            "courses": {"type": "array", "items": _course_schema()},
            "contacts": {"type": "array", "items": {
                "type": "object", "required": ["Name", "Surname"],
                "properties": {"CrmNumber": {"type": "integer", "minimum": 1},
                               "Name": {"type": "string"}, "Surname": {"type": "string"},
                               "CreatedDate": nullable_text, "ModifiedDate": nullable_text}}},
        },
    }


def _course_schema() -> dict[str, Any]:
    integer = {"type": ["integer", "null"], "minimum": 0}
    return {"type": "object", "additionalProperties": False, "required": ["Code", "Name"],
            "properties": {"Id": {"type": "integer", "minimum": 1},
                           "Code": {"type": "string", "minLength": 1, "maxLength": 40},
                           "Name": {"type": "string", "minLength": 1, "maxLength": 300},
                           "QualificationId": integer, "StudyLevelId": integer,
                           "FacultyId": integer, "DepartmentId": integer,
                           "CricosCode": {"type": ["string", "null"], "maxLength": 20},
                           "DurationWeeks": integer, "Inactive": {"type": "boolean"}}}


def apply_data(core: Core, connection: Connection, section: dict[str, Any], mode: str) -> None:
    _lock_row(core, connection)
    for index, account in enumerate(section.get("accounts", [])):
        _account(core, connection, account, ["accounts", index])
    for rule in section.get("throttles", []):
        throttles.replace_rule(connection, rule.get("endpoint") or throttles.ANY,
                               rule.get("clientAddress") or throttles.ANY, rule["limits"],
                               core.storage)
    codes: set[str] = set()
    for index, course in enumerate(section.get("courses", [])):
        if course["Code"] in codes:
            raise DataError(["courses", index, "Code"], f"duplicate code {course['Code']!r}")
        codes.add(course["Code"])
        _course(core, connection, course)
    for index, contact in enumerate(section.get("contacts", [])):
        _contact(core, connection, contact, ["contacts", index])


def _lock_row(core: Core, connection: Connection) -> None:
    locks = core.storage["locks"]
    if connection.execute(sa.select(locks.c.name)).first() is None:
        connection.execute(locks.insert().values(name=LOCK_MATCHING, version=0))


def _account(core: Core, connection: Connection, entry: dict[str, Any],
             path: list[str | int]) -> None:
    accounts, grants = core.storage["accounts"], core.storage["grants"]
    stored = entry.get("passwordHash") or hash_password(entry["password"])
    key = entry["username"].lower()
    values = {"username": entry["username"], "username_key": key, "password_hash": stored,
              "description": entry.get("description")}
    account_id = connection.execute(sa.select(accounts.c.id)
                                    .where(accounts.c.username_key == key)).scalar()
    if account_id is None:
        account_id = connection.execute(accounts.insert().values(**values)
                                        ).inserted_primary_key[0]  # type: ignore[index]
    else:
        connection.execute(accounts.update().where(accounts.c.id == account_id).values(**values))
        connection.execute(grants.delete().where(grants.c.account_id == account_id))
    wanted = entry.get("endpoints", [])
    if wanted:
        connection.execute(grants.insert(), [{"account_id": account_id, "endpoint": e}
                                             for e in wanted])


def _course(core: Core, connection: Connection, entry: dict[str, Any]) -> None:
    courses = core.storage["courses"]
    values = {column: entry.get(field) for field, column in COURSE_FIELDS.items()
              if field != "Id"}
    values["inactive"] = bool(entry.get("Inactive", False))
    found = connection.execute(sa.select(courses.c.id).where(sa.or_(
        courses.c.code == entry["Code"], courses.c.id == entry.get("Id", -1)))).scalar()
    if found is None:
        connection.execute(courses.insert().values(
            **values, **({"id": entry["Id"]} if "Id" in entry else {})))
    else:
        connection.execute(courses.update().where(courses.c.id == found).values(**values))


def _contact(core: Core, connection: Connection, entry: dict[str, Any],
             path: list[str | int]) -> None:
    errors: dict[str, list[str]] = {}
    values = contact_dto.parse(entry, "contact", errors)
    store.check_courses(connection, values, "contact", errors, core.storage)
    if errors:
        key, messages = next(iter(errors.items()))
        raise DataError([*path, key.split(".", 1)[-1]], messages[0])
    created = _moment(entry.get("CreatedDate"), [*path, "CreatedDate"]) or _now(core, connection)
    modified = _moment(entry.get("ModifiedDate"), [*path, "ModifiedDate"]) or created
    number = entry.get("CrmNumber")
    if number is not None and store.exists(connection, number, core.storage):
        store.replace(connection, number, values, modified, core.storage)
    else:
        contacts = core.storage["contacts"]
        row = {**store.stored_row(values), "created_date": created, "modified_date": modified}
        connection.execute(contacts.insert().values(
            **row, **({"crm_number": number} if number is not None else {})))


def _now(core: Core, connection: Connection) -> datetime:
    """The shared clock's now, read through ``connection``: a second connection to an
    in-memory database would share (and, closing, roll back) this one."""
    offset = connection.execute(sa.select(core.clock.offset_column())).scalar()
    moment = datetime.fromtimestamp(core.clock.real_time() + float(offset or 0), UTC)
    return moment.replace(tzinfo=None)


def _moment(value: Any, path: list[str | int]) -> datetime | None:
    if value is None:
        return None
    try:
        return to_naive_utc(parse_iso(value))
    except ValueError:
        raise DataError(path, f"{value!r} is not an ISO 8601 date-time") from None


def export_data(core: Core, connection: Connection) -> dict[str, Any]:
    accounts, grants = core.storage["accounts"], core.storage["grants"]
    granted = connection.execute(sa.select(grants).order_by(grants.c.endpoint)).all()
    courses, contacts = core.storage["courses"], core.storage["contacts"]
    return {
        "accounts": [{"username": a.username, "passwordHash": a.password_hash,
                      "description": a.description,
                      "endpoints": [g.endpoint for g in granted if g.account_id == a.id]}
                     for a in connection.execute(sa.select(accounts).order_by(accounts.c.id))],
        "throttles": [{"endpoint": None if r["endpoint"] == throttles.ANY else r["endpoint"],
                       "clientAddress": None if r["clientAddress"] == throttles.ANY
                       else r["clientAddress"], "limits": r["limits"]}
                      for r in throttles.rules_json(connection, core.storage)],
        "courses": [{field: getattr(row, column) for field, column in COURSE_FIELDS.items()}
                    for row in connection.execute(sa.select(courses).order_by(courses.c.id))],
        "contacts": [_exported_contact(row) for row in connection.execute(
            sa.select(*contact_dto.dto_columns(contacts)).order_by(contacts.c.crm_number))],
    }


def _exported_contact(row: Any) -> dict[str, Any]:
    dto = contact_dto.dto(row)
    dto["DateOfBirth"] = dto["DateOfBirth"][:10] if dto["DateOfBirth"] else None
    return dto
