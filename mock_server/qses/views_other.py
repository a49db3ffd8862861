"""``othercommunications`` (+ ``communicationcontent``) and ``courses``."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Response, url_for

from ..core import current_core
from ..core.timefmt import iso_ms
from .blueprint import bare, bool_param, cached, int_param, parse_id, query_value, route, single
from .deviations import deviation_on
from .errors import invalid, not_found
from .fields import Errors, by_name, convert, read_body
from .listing import Search, page

#: OtherCommunication input: field -> (column, kind, required)
OTHER_FIELDS = {
    "CrmNumber": ("crm_number", "int", True),
    "Incoming": ("incoming", "bool", True),
    "CommunicationTypeId": ("communication_type_id", "int", True),
    "CommunicationCategoryId": ("communication_category_id", "int", True),
    "SubChannelId": ("sub_channel_id", "int", True),
    "Headline": ("headline", "str", False),
}
HEADLINE_MAX = 400


def _other(row: Any) -> dict[str, Any]:
    out = {"Id": row.id}
    out.update({field: getattr(row, column) for field, (column, _k, _r) in OTHER_FIELDS.items()})
    out["Labels"] = json.loads(row.labels) if row.labels else []
    out["DateCreated"] = iso_ms(row.date_created)
    return out


@route("GET", "othercommunications")
def list_other_communications() -> Response:
    other = current_core().storage["other_communications"]
    query = sa.select(other).order_by(other.c.id)
    crm_number = int_param("crmNumber", None, low=1)
    if crm_number is not None:
        query = query.where(other.c.crm_number == crm_number)
    type_id = int_param("communicationTypeId", None, low=1)
    if type_id is not None:
        query = query.where(other.c.communication_type_id == type_id)
    with current_core().storage.connect() as connection:
        return page(connection, Search.of(query), _other)


def _find_other(raw_id: str) -> Any:
    other_id = parse_id(raw_id, "other communication")
    other = current_core().storage["other_communications"]
    with current_core().storage.connect() as connection:
        row = connection.execute(sa.select(other).where(other.c.id == other_id)).first()
    if row is None:
        raise not_found(f"No other communication was found with id {other_id}.")
    return row


@route("GET", "othercommunications/{id}")
def get_other_communication(raw_id: str) -> Response:
    return single(_other(_find_other(raw_id)))


@route("POST", "othercommunications")
def create_other_communication() -> Response:
    """Answers the new id, bare, with ``Location`` (``Id`` in the body is ignored)."""
    values = _other_values()
    core = current_core()
    other, contacts = core.storage["other_communications"], core.storage["contacts"]
    with core.storage.begin() as connection:
        known = connection.execute(sa.select(contacts.c.crm_number).where(
            contacts.c.crm_number == values["crm_number"])).first()
        if known is None:
            raise invalid({"communication.CrmNumber": [
                f"Contact {values['crm_number']} does not exist."]})
        new_id = int(connection.execute(other.insert().values(
            **values, date_created=core.clock.naive_now())).inserted_primary_key[0])  # type: ignore[index]
    if deviation_on("QS-10"):
        return bare(new_id, 200)
    response = bare(new_id, 201)
    response.headers["Location"] = url_for("qses_api.get_other_communication",
                                           raw_id=new_id, _external=True)
    return response


def _other_values() -> dict[str, Any]:
    body = read_body("communication", "OtherCommunicationDto")
    errors: Errors = {}
    if not isinstance(body, dict):
        raise invalid({"communication": ["The request body must be a JSON object."]})
    given = by_name(body)
    values: dict[str, Any] = {}
    for field, (column, kind, required) in OTHER_FIELDS.items():
        key = f"communication.{field}"
        value = convert(kind, given.get(field.lower()), field, key, errors)
        if value is None and required and key not in errors:
            errors[key] = [f"The {field} field is required."]
        values[column] = value
    _ranges(values, errors)
    labels = given.get("labels")
    if labels is not None and not (isinstance(labels, list) and len(labels) <= 20 and all(
            isinstance(label, str) and 0 < len(label) <= 50 for label in labels)):
        errors["communication.Labels"] = ["The field Labels must be a list of strings."]
    if errors:
        raise invalid(errors)
    values["labels"] = json.dumps(labels or [])
    return values


def _ranges(values: dict[str, Any], errors: Errors) -> None:
    if values.get("crm_number") is not None and values["crm_number"] < 1:
        errors["communication.CrmNumber"] = [
            "The field CrmNumber must be between 1 and 2147483647."]
    for column, field in (("communication_type_id", "CommunicationTypeId"),
                          ("communication_category_id", "CommunicationCategoryId"),
                          ("sub_channel_id", "SubChannelId")):
        if values.get(column) is not None and values[column] < 1:
            errors[f"communication.{field}"] = [f"The field {field} must be positive."]
    headline = values.get("headline")
    if headline is not None and len(headline) > HEADLINE_MAX:
        errors["communication.Headline"] = [
            f"The field Headline must be a string with a maximum length of {HEADLINE_MAX}."]


@route("GET", "othercommunications/{id}/communicationcontent")
def get_communication_content(raw_id: str) -> Response:
    row = _find_other(raw_id)
    return single({"OtherCommunicationId": row.id, "Content": row.content,
                   "ContentType": row.content_type})


@route("PUT", "othercommunications/{id}/communicationcontent")
def put_communication_content(raw_id: str) -> Response:
    row = _find_other(raw_id)
    body = read_body("content", "CommunicationContentDto")
    given = by_name(body) if isinstance(body, dict) else {}
    content, content_type = given.get("content"), given.get("contenttype")
    errors: Errors = {}
    if not isinstance(body, dict):
        errors["content"] = ["The request body must be a JSON object."]
    if content is not None and not isinstance(content, str):
        errors["content.Content"] = ["The field Content must be a string."]
    if content_type is not None and not (isinstance(content_type, str)
                                         and len(content_type) <= 100):
        errors["content.ContentType"] = ["The field ContentType must be a media type."]
    if errors:
        raise invalid(errors)
    other = current_core().storage["other_communications"]
    with current_core().storage.begin() as connection:
        connection.execute(other.update().where(other.c.id == row.id).values(
            content=content, content_type=content_type))
    return single({"OtherCommunicationId": row.id, "Content": content,
                   "ContentType": content_type})


# ------------------------------------------------------------------ courses

COURSE_FIELDS = {"Id": "id", "Code": "code", "Name": "name",
                 "QualificationId": "qualification_id", "StudyLevelId": "study_level_id",
                 "FacultyId": "faculty_id", "DepartmentId": "department_id",
                 "CricosCode": "cricos_code", "DurationWeeks": "duration_weeks",
                 "Inactive": "inactive"}


def _course(row: Any) -> dict[str, Any]:
    return {field: getattr(row, column) for field, column in COURSE_FIELDS.items()}


@route("GET", "courses")
@cached
def list_courses() -> Response:
    courses = current_core().storage["courses"]
    query = sa.select(courses).order_by(courses.c.id)
    for name, column in (("name", courses.c.name), ("code", courses.c.code)):
        exact, part = query_value(name), query_value(f"{name}Contains")
        if exact:
            query = query.where(sa.func.lower(column) == exact.lower())
        if part:
            query = query.where(column.icontains(part, autoescape=True))
    for name in ("qualificationId", "studyLevelId", "facultyId", "departmentId"):
        value = int_param(name, None)
        if value is not None:
            query = query.where(courses.c[_snake(name)] == value)
    inactive = bool_param("inactive", None)
    if inactive is not None:
        query = query.where(courses.c.inactive == inactive)
    with current_core().storage.connect() as connection:
        return page(connection, Search.of(query), _course)


def _snake(name: str) -> str:
    return "".join(f"_{ch.lower()}" if ch.isupper() else ch for ch in name)


@route("GET", "courses/{id}")
def get_course(raw_id: str) -> Response:
    course_id = parse_id(raw_id, "course")
    courses = current_core().storage["courses"]
    with current_core().storage.connect() as connection:
        row = connection.execute(sa.select(courses).where(courses.c.id == course_id)).first()
    if row is None:
        raise not_found(f"No course was found with id {course_id}.")
    return single(_course(row))
