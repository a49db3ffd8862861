"""``othercommunications`` (+ ``communicationcontent``) and ``courses``."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Response, url_for

from ..core import current_core
from ..core.driver_sql import inserted_id, row_by_id
from ..core.timefmt import iso_ms
from . import store
from .blueprint import bare, bool_param, cached, int_param, parse_id, query_value, route, single
from .deviations import deviation_on
from .errors import invalid, not_found
from .fields import Errors, by_name, convert, read_body
from .listing import DriverSearch, Search, page

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
    storage = current_core().storage
    with storage.connect() as connection:
        row = storage.driver(row_by_id, storage["other_communications"]).first(
            connection, {"id": other_id})
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
    row = {**values, "date_created": core.clock.naive_now()}
    insert = core.storage.driver(inserted_id, core.storage["other_communications"],
                                 column_keys=tuple(row))
    with core.storage.begin() as connection:
        if not store.exists(connection, values["crm_number"]):
            raise invalid({"communication.CrmNumber": [
                f"Contact {values['crm_number']} does not exist."]})
        new_id = int(insert.scalar(connection, row))
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
    given: dict[str, Any] = {}
    for name in ("name", "code"):
        exact, part = query_value(name), query_value(f"{name}Contains")
        if exact:
            given[name] = exact.lower()
        if part:
            given[f"{name}Contains"] = _escaped_like(part)
    for name in COURSE_IDS:
        value = int_param(name, None)
        if value is not None:
            given[name] = value
    inactive = bool_param("inactive", None)
    if inactive is not None:
        given["inactive"] = inactive
    storage = current_core().storage
    courses, names = storage["courses"], tuple(given)
    search = DriverSearch.of(storage, _course_search, courses, names)
    with storage.connect() as connection:
        return page(connection, search, _course, params=given)


#: the course list's filters by id
COURSE_IDS = ("qualificationId", "studyLevelId", "facultyId", "departmentId")
LIKE_ESCAPE = "/"


def _escaped_like(text: str) -> str:
    """``text`` as a value of :func:`_course_condition`'s ``LIKE``: what SQLAlchemy's
    ``icontains(..., autoescape=True)`` sends for it."""
    for special in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, LIKE_ESCAPE + special)
    return text


def _course_search(courses: sa.Table, names: tuple[str, ...]) -> sa.Select:
    """The course list filtered by the query parameters ``names``, every value a bound
    parameter named after its query parameter (one statement per set of names)."""
    query = sa.select(courses).order_by(courses.c.id)
    for name in names:
        query = query.where(_course_condition(courses, name))
    return query


def _course_condition(courses: sa.Table, name: str) -> sa.ColumnElement[bool]:
    if name.endswith("Contains"):
        column = courses.c[name.removesuffix("Contains")]
        return column.icontains(sa.bindparam(name, type_=sa.String), escape=LIKE_ESCAPE)
    if name in ("name", "code"):
        return sa.func.lower(courses.c[name]) == sa.bindparam(name, type_=sa.String)
    column = courses.c[_snake(name)]
    return column == sa.bindparam(name, type_=column.type)


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
