"""Create, update and delete for the resources the real API gives full CRUD
(groups, faults, parts, service log), validated from their descriptions."""

from __future__ import annotations

import re
from typing import Any

from flask import Response
from sqlalchemy.engine import Connection
from werkzeug.datastructures import MultiDict

from ..core import current_core
from . import access, bodies, dates, drf_fields, links
from .drf_fields import MISSING, Invalid
from .errors import field_errors, non_field
from .model import Field, Resource
from .records import detail_response, existing, fetch
from .tables import through

FAULT_TYPES = "faults/faulttypes"
SCALARS = {"int": drf_fields.integer, "float": drf_fields.number, "bool": drf_fields.boolean}


def create(resource: Resource) -> Response:
    values, many = _validated(resource, partial=False)
    core, user = current_core(), access.authenticate()
    now = core.clock.naive_now()
    for field in resource.fields:
        if field.auto in ("now", "touch"):
            values[field.column] = now
        elif field.auto in ("user", "user_touch") and user is not None:
            values[field.column] = user.id
        elif field.stored and field.column not in values and field.default is not None:
            values[field.column] = field.default
    if resource.key == FAULT_TYPES and not values.get("slug"):
        values["slug"] = slugify(str(values.get("code") or ""))  # FaultType.save; never null
    with core.storage.begin() as connection:
        row_id = connection.execute(
            core.storage[resource.table].insert().values(**values)).inserted_primary_key[0]
        _set_many(connection, resource, row_id, many)
    response = detail_response(resource, row_id, 201)
    response.headers["Location"] = links.link(resource.key, row_id) or ""
    return response


def update(resource: Resource, row_id: int, *, partial: bool) -> Response:
    fetch(resource, row_id)
    values, many = _validated(resource, partial=partial)
    core, user = current_core(), access.authenticate()
    for field in resource.fields:
        if field.auto == "touch":
            values[field.column] = core.clock.naive_now()
        elif field.auto == "user_touch" and user is not None:
            values[field.column] = user.id
    table = core.storage[resource.table]
    with core.storage.begin() as connection:
        if values:
            connection.execute(table.update().where(table.c.id == row_id).values(**values))
        _set_many(connection, resource, row_id, many)
    return detail_response(resource, row_id)


def delete(resource: Resource, row_id: int) -> Response:
    fetch(resource, row_id)
    core = current_core()
    with core.storage.begin() as connection:
        for field in resource.fields:
            if field.kind == "links":
                name, source, _target = through(resource, field)
                association = core.storage[name]
                connection.execute(association.delete().where(association.c[source] == row_id))
        table = core.storage[resource.table]
        connection.execute(table.delete().where(table.c.id == row_id))
    return Response(b"", status=204)


def slugify(text: str) -> str:
    """Django's ``slugify``: lower case, word characters and hyphens, runs joined by ``-``."""
    text = re.sub(r"[^\w\s-]", "", text.lower())
    return re.sub(r"[-\s]+", "-", text).strip("-_")


def _validated(resource: Resource, *, partial: bool) -> tuple[dict[str, Any], dict[str, list]]:
    data, form = bodies.parse()
    if not isinstance(data, dict):
        raise non_field(f"Invalid data. Expected a dictionary, but got {type(data).__name__}.")
    values: dict[str, Any] = {}
    many: dict[str, list[int]] = {}
    errors: dict[str, list[str]] = {}
    for field in resource.shown():
        if not field.writable:
            continue
        try:
            value = _one(field, data, form, partial)
        except Invalid as exc:
            errors[field.name] = [exc.message]
            continue
        if value is MISSING:
            continue
        if field.kind == "links":
            many[field.name] = value
        else:
            values[field.column] = value
    if errors:
        raise field_errors(errors)
    return values, many


def _one(field: Field, data: dict[str, Any], form: MultiDict[str, Any] | None,
         partial: bool) -> Any:
    required = not partial and not field.nullable and field.default is None
    allow_null = field.nullable and field.default is None
    if field.kind == "links" and form is not None and field.name in form:
        data = {**data, field.name: form.getlist(field.name)}
    return drf_fields.run(data, field.name, _parser(field), required=required,
                          allow_null=allow_null, relation=field.kind == "link")


def _parser(field: Field) -> drf_fields.Parser:
    if field.kind in ("str", "text"):
        blank = field.default == "" or field.nullable
        return drf_fields.char(field.max_length, allow_blank=blank)
    if field.kind in SCALARS:
        return SCALARS[field.kind]
    if field.kind in ("date", "datetime"):
        parse = dates.parse_date if field.kind == "date" else dates.parse_datetime
        return lambda value: _dated(parse, value)
    if field.kind == "link":
        return lambda value: existing(field.target, value)
    return lambda value: [existing(field.target, item) for item in drf_fields.listing(value)]


def _dated(parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except dates.DateInputError as exc:
        raise Invalid(str(exc)) from None


def _set_many(connection: Connection, resource: Resource, row_id: int,
              many: dict[str, list[int]]) -> None:
    storage = current_core().storage
    for name, targets in many.items():
        table_name, source, target = through(resource, resource.field(name))  # type: ignore[arg-type]
        association = storage[table_name]
        connection.execute(association.delete().where(association.c[source] == row_id))
        if targets:
            connection.execute(association.insert(),
                               [{source: row_id, target: pk} for pk in targets])
