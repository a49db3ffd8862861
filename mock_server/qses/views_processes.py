"""The processes: ``upsertcontact``, ``updatecontact``, ``getcontactactivepreference``,
``preprocessupsertcontacts``; each matches contacts as :mod:`.matching` documents.

Answers are bare values, as the wire notes record: the CrmNumber, the active
preference, the list of preview results.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Response
from sqlalchemy.engine import Connection

from ..core import current_core
from . import contact_dto, store
from .blueprint import bare, bool_param, float_param, int_param, route
from .errors import invalid, not_found
from .fields import Errors, read_body
from .matching import Settings, best_match

MAX_BATCH = 100
NO_MATCH = "No contact matched the details given."


def settings() -> Settings:
    return Settings(
        enabled=bool(bool_param("contactMatchingEnabled", True)),
        min_score=int_param("contactMatchingMinConfirmedScore", 82, low=0, high=1000) or 0,
        min_similarity=float_param("contactMatchingMinNameSimilarity", 0.4),
    )


def _contact_values(connection: Connection, *, required: bool) -> dict[str, Any]:
    errors: Errors = {}
    values = contact_dto.parse(read_body("contact", "ContactDto"), "contact", errors,
                               required=required)
    if values:
        store.check_courses(connection, values, "contact", errors)
    if errors:
        raise invalid(errors)
    return values


@route("POST", "processes/upsertcontact")
def upsert_contact() -> Response:
    """Update the confirmed match with the fields given, else create: the CrmNumber."""
    chosen = settings()
    core = current_core()
    with core.storage.begin() as connection:
        values = _contact_values(connection, required=True)
        store.serialise_writes(connection)  # matching and writing are one atomic step
        match = best_match(connection, values, chosen)
        now = core.clock.naive_now()
        if match is None:
            crm_number = store.insert(connection, values, now)
        else:
            crm_number = match.crm_number
            store.merge(connection, crm_number, values, now)
    return bare(crm_number)


@route("POST", "processes/updatecontact")
def update_contact() -> Response:
    """Update the confirmed match (404 when none): the CrmNumber."""
    chosen = settings()
    core = current_core()
    with core.storage.begin() as connection:
        values = _contact_values(connection, required=False)
        store.serialise_writes(connection)
        match = best_match(connection, values, chosen)
        if match is None:
            raise not_found(NO_MATCH)
        store.merge(connection, match.crm_number, values, core.clock.naive_now())
    return bare(match.crm_number)


@route("POST", "processes/getcontactactivepreference")
def active_preference() -> Response:
    """The matched contact's active course preference (null when it has none)."""
    chosen = settings()
    with current_core().storage.connect() as connection:
        values = _contact_values(connection, required=False)
        match = best_match(connection, values, chosen)
        if match is None:
            raise not_found(NO_MATCH)
        row = store.get(connection, match.crm_number)
        return bare(_preference(connection, row))


def _preference(connection: Connection, row: Any) -> dict[str, Any] | None:
    preferences = json.loads(row.courses or "[]")
    active = [p for p in preferences if p.get("Active")] or preferences[:1]
    if not active:
        return None
    chosen = active[0]
    courses = current_core().storage["courses"]
    course = connection.execute(sa.select(courses.c.code, courses.c.name)
                                .where(courses.c.id == chosen["CourseId"])).first()
    return {"CrmNumber": row.crm_number, "CourseId": chosen["CourseId"],
            "CourseCode": course.code if course else None,
            "CourseName": course.name if course else None,
            "Preference": chosen.get("Preference"), "Intake": row.intake}


@route("POST", "processes/preprocessupsertcontacts")
def preprocess_upserts() -> Response:
    """What ``upsertcontact`` would do with each contact, without writing anything."""
    chosen = settings()
    body = read_body("contacts", "ContactDto[]")
    if not isinstance(body, list) or len(body) > MAX_BATCH:
        raise invalid({"contacts": [f"The body must be an array of at most {MAX_BATCH} "
                                    "contacts."]})
    errors: Errors = {}
    parsed = [contact_dto.parse(item, f"contacts[{i}]", errors) for i, item in enumerate(body)]
    if errors:
        raise invalid(errors)
    results = []
    with current_core().storage.connect() as connection:
        for index, values in enumerate(parsed):
            match = best_match(connection, values, chosen)
            results.append({"Index": index, "Action": "Create" if match is None else "Update",
                            "CrmNumber": None if match is None else match.crm_number,
                            "Score": 0 if match is None else match.score,
                            "NameSimilarity": None if match is None else match.similarity})
    return bare(results)
