"""Filtering and ordering as djangorestframework-filters and DRF's OrderingFilter do them.

``unit__name__icontains=Unit 1`` walks declared relations (each hop an
``IN (SELECT ...)``), then applies a lookup the last field declares;
``name!=CT Sim`` excludes; unknown parameters and undeclared lookups are
ignored; a bad value for a declared filter is 400 with Django's message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from werkzeug.datastructures import MultiDict

from ..core import current_core
from ..core.driver_sql import row_by_id
from ..core.lookups import InvalidFilterValue, lookup_expression
from . import dates
from .deviations import deviation_on
from .errors import field_errors
from .model import RELATED, Field, Resource
from .registry import RESOURCES
from .tables import through

RESERVED = {"limit", "offset", "ordering", "format", "search"}
CHOICE = "Select a valid choice. That choice is not one of the available choices."
#: a 64-bit signed integer: what SQLite and PostgreSQL's bigint hold
BIGGEST = 2**63 - 1
TOO_BIG = f"Ensure this value is less than or equal to {BIGGEST}."
TOO_SMALL = f"Ensure this value is greater than or equal to {-BIGGEST}."


def check_range(raw: str) -> None:
    """An integer the database cannot hold is the system's 400, never the driver's 500."""
    for token in raw.split(","):
        text = token.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = int(float(text)) if abs(float(text)) < float("inf") else 0
            except (ValueError, OverflowError):
                continue
        if number > BIGGEST:
            raise InvalidFilterValue(TOO_BIG)
        if number < -BIGGEST:
            raise InvalidFilterValue(TOO_SMALL)


#: a filter's target named by primary key (``unit=5``), which must exist:
#: (the parameter, the target's table, its primary key)
Choice = tuple[str, sa.Table, int]


def conditions(resource: Resource, args: MultiDict[str, str],
               choices: list[Choice] | None = None) -> list[sa.ColumnElement[bool]]:
    """The filters' conditions; the targets they name by primary key go in ``choices``."""
    found: list[sa.ColumnElement[bool]] = []
    errors: dict[str, list[str]] = {}
    if deviation_on("QT-09"):
        return found
    for key in args:
        if key in RESERVED:
            continue
        raw = args.getlist(key)[-1]
        try:
            expression = one_filter(resource, key, raw, choices)
        except InvalidFilterValue as exc:
            errors[key] = [str(exc)]
            continue
        if expression is not None:
            found.append(expression)
    if errors:
        raise field_errors(errors)
    return found


def one_filter(resource: Resource, key: str, raw: str,
               choices: list[Choice] | None = None) -> sa.ColumnElement[bool] | None:
    negate = key.endswith("!")
    parts = (key[:-1] if negate else key).split("__")
    hops: list[tuple[Resource, Field]] = []
    current = resource
    while len(parts) > 1:
        field = current.field(parts[0])
        if field is None or field.kind not in ("link", "links") or RELATED[0] not in field.lookups:
            break
        hops.append((current, field))
        current, parts = RESOURCES[field.target], parts[1:]
    named: list[tuple[sa.Table, int]] = []
    expression = _leaf(current, parts, raw, named)
    if choices is not None:
        choices += [(key, table, pk) for table, pk in named]
    if expression is None:
        return None
    for owner, field in reversed(hops):
        expression = _hop(owner, field, expression)
    table = current_core().storage[resource.table]
    if negate:
        return table.c.id.not_in(sa.select(table.c.id).where(expression))
    return expression


def _leaf(resource: Resource, parts: list[str], raw: str,
          named: list[tuple[sa.Table, int]]) -> sa.ColumnElement[bool] | None:
    if len(parts) > 2:
        return None
    name, lookup = parts[0], parts[1] if len(parts) == 2 else "exact"
    if len(parts) == 1 and name.endswith(("_min", "_max")):
        name, lookup = name[:-4], name[-3:]
    field = resource.field(name)
    if field is None or field.hidden and field.kind != "link":
        return None
    table = current_core().storage[resource.table]
    if field.kind in ("link", "links") and len(parts) == 1:
        return _choice(resource, field, raw, named)
    if lookup not in field.lookups or field.kind in ("link", "links", "computed"):
        return None
    kind = {"text": "str"}.get(field.kind, field.kind)
    if kind == "int":
        check_range(raw)
    return lookup_expression(table.c[field.column], kind, lookup, raw,
                             dialect=_dialect(), zone=dates.zone())


def _choice(resource: Resource, field: Field, raw: str,
            named: list[tuple[sa.Table, int]]) -> sa.ColumnElement[bool]:
    """``unit=5``: a model choice by primary key, which must exist (noted in ``named``)."""
    storage = current_core().storage
    target = storage[RESOURCES[field.target].table]
    try:
        pk = int(raw.strip())
    except ValueError:
        raise InvalidFilterValue(CHOICE) from None
    if not 0 < pk <= BIGGEST:
        raise InvalidFilterValue(CHOICE)
    with storage.connect() as connection:
        if not _exists(connection, target, pk):
            raise InvalidFilterValue(CHOICE)
    named.append((target, pk))
    return _hop(resource, field, target.c.id == pk)


def choice_errors(connection: Connection, choices: Iterable[Choice]) -> dict[str, list[str]]:
    """The errors of the filters whose target named by primary key is gone: what
    :func:`conditions` says of them (no other filter's error depends on stored data)."""
    return {name: [CHOICE] for name, table, pk in choices
            if not _exists(connection, table, pk)}


def _exists(connection: Connection, table: sa.Table, pk: int) -> bool:
    storage = current_core().storage
    return storage.driver(row_by_id, table).first(connection, {"id": pk}) is not None


def _hop(owner: Resource, field: Field, inner: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    storage = current_core().storage
    table = storage[owner.table]
    target = storage[RESOURCES[field.target].table]
    matching = sa.select(target.c.id).where(inner)
    if field.kind == "link":
        return table.c[field.column].in_(matching)
    name, source, other = through(owner, field)
    association = storage[name]
    return table.c.id.in_(sa.select(association.c[source])
                          .where(association.c[other].in_(matching)))


def ordering(resource: Resource, args: MultiDict[str, str]) -> list[Any]:
    """``ordering=-number,name``: unknown fields dropped; the default when none remain."""
    table = current_core().storage[resource.table]
    terms = []
    raw = args.getlist("ordering")[-1] if "ordering" in args else ""
    for term in raw.split(","):
        name = term.strip().lstrip("-")
        field = resource.field(name)
        if field is None or not field.stored or field.hidden or field.kind == "bytes":
            continue
        column = table.c[field.column]
        terms.append(column.desc() if term.strip().startswith("-") else column.asc())
    if not terms:
        terms = [table.c[resource.field(n).column if resource.field(n) else n]  # type: ignore[union-attr]
                 for n in resource.ordering]
    return [*terms, table.c.id]


def _dialect() -> str:
    return current_core().storage.engine.dialect.name
