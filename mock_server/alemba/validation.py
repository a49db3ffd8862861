"""Request bodies to column values, checked against the entity description.

Every problem is collected per property and answered at once as the vendor's
``FieldValidationException`` (``Errors``: property -> messages). Text longer
than its ``length`` fails (AL-26); ``uppercase`` text is capitalised; Booleans
are written in the column's own flag convention (AL-23); lookups must name an
existing record; ``Partition`` one the session may use.
"""

from __future__ import annotations

import base64
import binascii
import math
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.timefmt import parse_iso, to_naive_utc
from .deviations import deviation_on
from .entities import BY_NAME
from .errors import bad_request, field_errors
from .schema import Entity, Prop
from .sessions import Session

LIMITS = {"Short": 2**15, "Integer": 2**31, "Long": 2**63}
IGNORED = ("$action", "action")


class Invalid(ValueError):
    """One property's problem, in the vendor's ``Rule: detail`` style."""


def stored(prop: Prop, value: Any) -> Any:
    """A JSON value as the column keeps it; raises :class:`Invalid`."""
    if value is None:
        return None
    kind = "Lookup" if prop.is_lookup else prop.data_type
    return CONVERTERS[kind](prop, value)


def _integer(prop: Prop, value: Any) -> int:
    limit = LIMITS.get(prop.data_type, 2**31)
    if isinstance(value, bool) or not isinstance(value, int) or not -limit <= value < limit:
        raise Invalid(f"Type: {prop.name} must be a whole number ({prop.data_type})")
    return value


def _real(prop: Prop, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(f"Type: {prop.name} must be a number")
    return Decimal(str(value)) if prop.data_type == "Decimal" else float(value)


def _text(prop: Prop, value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(f"Type: {prop.name} must be text")
    if prop.length is not None and len(value) > prop.length and deviation_on("AL-26"):
        value = value[: prop.length]
    if prop.length is not None and len(value) > prop.length:
        raise Invalid(f"MaxLength: {prop.name} must be at most {prop.length} characters")
    return value.upper() if prop.uppercase else value


def _boolean(prop: Prop, value: Any) -> Any:
    if not isinstance(value, bool):
        raise Invalid(f"Type: {prop.name} must be true or false")
    flags = prop.flag_values
    return (flags[0] if value else flags[1]) if flags else value


def _datetime(prop: Prop, value: Any) -> Any:
    try:
        return to_naive_utc(parse_iso(value)) if isinstance(value, str) else _fail(prop)
    except (ValueError, OverflowError):
        raise Invalid(f"Type: {prop.name} must be an ISO 8601 date and time") from None


def _fail(prop: Prop) -> Any:
    raise Invalid(f"Type: {prop.name} must be an ISO 8601 date and time")


def _binary(prop: Prop, value: Any) -> bytes:
    try:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else b"" + value
    except (binascii.Error, TypeError, ValueError):
        raise Invalid(f"Type: {prop.name} must be base64 text") from None


def _guid(prop: Prop, value: Any) -> str:
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) else _fail_guid(prop)
    except ValueError:
        return _fail_guid(prop)


def _fail_guid(prop: Prop) -> str:
    raise Invalid(f"Type: {prop.name} must be a GUID")


CONVERTERS = {
    "Guid": _guid,
    "Lookup": _integer,
    "Integer": _integer,
    "Long": _integer,
    "Short": _integer,
    "Float": _real,
    "Double": _real,
    "Decimal": _real,
    "Text": _text,
    "RichText": _text,
    "Boolean": _boolean,
    "DateTime": _datetime,
    "Binary": _binary,
}


def column_values(
    connection: Connection, entity: Entity, body: Any, session: Session, current: Any = None
) -> dict[str, Any]:
    """The columns to write for a create (``current`` None) or an update."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for name, value in body.items():
        if name.startswith("_") or name in IGNORED:
            continue
        problem = _one(entity, name, value, current, values)
        if problem:
            errors[name] = [problem]
    if current is None:
        _defaults(entity, values, errors)
    _references(connection, entity, values, errors, session)
    if errors:
        raise field_errors(errors)
    return values


def _one(entity: Entity, name: str, value: Any, current: Any, values: dict[str, Any]) -> str:
    prop = entity.prop(name)
    if prop is None:
        return f"Unknown: {entity.name} has no property {name}"
    try:
        converted = stored(prop, value)
    except Invalid as problem:
        return str(problem)
    if prop.readonly:
        existing = current._mapping[prop.column] if current is not None else prop.default
        if converted == existing or (current is None and converted is None):
            return ""
        return f"Readonly: {name} cannot be set"
    if converted is None and prop.required and current is not None:
        return f"Required: {name} cannot be cleared"
    values[prop.column] = converted
    return ""


def _defaults(entity: Entity, values: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for prop in entity.props:
        if prop.key or values.get(prop.column) is not None:
            continue
        if prop.default is not None:
            values[prop.column] = stored(prop, prop.default)
        elif prop.required and prop.name not in errors:
            errors[prop.name] = [
                f"Required: {prop.required_rule}" if prop.required_rule else "Required"
            ]


def _key_of(table: sa.Table, column: str) -> sa.Select:
    """The key ``column`` of ``table``'s row whose key is bound as ``key``: a lookup that
    every create and update makes for each linked record it names."""
    return sa.select(table.c[column]).where(table.c[column] == sa.bindparam("key"))


def _references(
    connection: Connection,
    entity: Entity,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    session: Session,
) -> None:
    storage = current_core().storage
    for prop in entity.props:
        ref = values.get(prop.column)
        if not prop.is_lookup or ref is None or prop.name in errors:
            continue
        target = BY_NAME[prop.data_type]
        found = storage.driver(_key_of, storage[target.table], target.key.column).first(
            connection, {"key": ref})
        if found is None:
            errors[prop.name] = [f"LinkedRecordNotFound: no {target.name} with Ref {ref}"]
        elif prop.name == "Partition" and ref not in session.partitions:
            errors[prop.name] = [f"NotAllowed: partition {ref} is not available to you"]
