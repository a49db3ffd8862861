"""Django-style field lookups (``name__icontains=Sim``, ``number__in=1,2``) as SQLAlchemy.

A system declares which lookups each field allows; this module turns one
``(column, kind, lookup, raw text)`` into a SQL expression, parsing the value
the way django-filter's form fields do and raising :class:`InvalidFilterValue`
with Django's message when it cannot. Nothing here builds SQL text.

Kinds: ``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime``.
Lookups: ``exact iexact contains icontains startswith istartswith endswith
iendswith in gt gte lt lte isnull min max`` (``min``/``max`` are the two ends
of a range filter, ``<field>_min`` and ``<field>_max``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

TEXT_LOOKUPS = ("exact", "iexact", "contains", "icontains", "startswith", "istartswith",
                "endswith", "iendswith")
MESSAGES = {
    "int": "Enter a number.",
    "float": "Enter a number.",
    "date": "Enter a valid date.",
    "datetime": "Enter a valid date/time.",
}
SKIP = object()  # a value django-filter treats as "no filter" (an unknown boolean)


class InvalidFilterValue(ValueError):
    """A declared filter got a value its form field refuses; ``str()`` is Django's message."""


def parse_value(kind: str, raw: str, zone: tzinfo = UTC) -> Any:
    """The value of one filter parameter, or ``SKIP``; raises InvalidFilterValue."""
    text = raw.strip()
    if kind == "bool":
        return {"true": True, "1": True, "false": False, "0": False}.get(text.lower(), SKIP)
    if kind == "str":
        return raw
    try:
        return PARSERS[kind](text, zone)
    except (ValueError, InvalidOperation, OverflowError):
        raise InvalidFilterValue(MESSAGES[kind]) from None


def _number(text: str, _zone: tzinfo) -> Any:
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError(text)
    return int(number) if number == number.to_integral_value() else float(number)


def _date(text: str, _zone: tzinfo) -> date:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _datetime(text: str, zone: tzinfo) -> datetime:
    """ISO 8601 or a date; a zone-less value is local to ``zone``; answered naive UTC."""
    value = text.replace(" ", "T", 1) if len(text) > 10 else text
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC).replace(tzinfo=None)


PARSERS: dict[str, Callable[[str, tzinfo], Any]] = {
    "int": _number, "float": _number, "date": _date, "datetime": _datetime,
}


def lookup_expression(
    column: sa.ColumnElement[Any], kind: str, lookup: str, raw: str, *,
    dialect: str = "sqlite", zone: tzinfo = UTC,
) -> sa.ColumnElement[bool] | None:
    """``column <lookup> raw`` or None when the value means "no filter"."""
    if lookup == "isnull":
        flag = parse_value("bool", raw)
        return None if flag is SKIP else (column.is_(None) if flag else column.is_not(None))
    if "\x00" in raw and dialect == "postgresql" and kind == "str":
        return sa.false()  # PostgreSQL text holds no NUL, so no row matches (and it refuses one)
    if lookup == "in":
        values = [parse_value(kind, part, zone) for part in raw.split(",") if part.strip()]
        values = [value for value in values if value is not SKIP]
        if not values:
            return None
        storable = [value for value in values if _fits(column, value)]
        return column.in_(storable) if storable else sa.false()
    value = parse_value(kind, raw, zone)
    if value is SKIP:
        return None
    if lookup in TEXT_LOOKUPS and kind == "str":
        return _text(column, lookup, str(value), dialect)
    if kind == "datetime" and lookup in ("max", "lte") and _is_date_only(raw):
        return column < value + timedelta(days=1)  # the whole of the last day
    if not _fits(column, value):
        return _beyond_range(column, lookup, value)
    return _compare(column, lookup, value)


def _integer_bounds(column: sa.ColumnElement[Any]) -> tuple[int, int] | None:
    if isinstance(column.type, sa.BigInteger):
        return -(2**63), 2**63 - 1
    if isinstance(column.type, sa.Integer):
        return -(2**31), 2**31 - 1  # PostgreSQL's integer; SQLite stores more, never less
    return None


def _fits(column: sa.ColumnElement[Any], value: Any) -> bool:
    """Can the database compare ``value`` with this column? (PostgreSQL refuses out of range.)"""
    bounds = _integer_bounds(column)
    if bounds is None or isinstance(value, bool) or not isinstance(value, int | float):
        return True
    return bounds[0] <= value <= bounds[1]


def _beyond_range(column: sa.ColumnElement[Any], lookup: str,
                  value: float) -> sa.ColumnElement[bool]:
    """A comparison with a number no row can hold: decided by the bound it passes."""
    low, high = _integer_bounds(column) or (0, 0)
    below = lookup in ("lt", "lte", "max")  # "column below value"
    if lookup not in ("gt", "gte", "min") and not below:
        return sa.false()  # exact: no row holds it
    if value > high:
        return column <= high if below else column > high
    return column < low if below else column >= low


def _is_date_only(raw: str) -> bool:
    return len(raw.strip()) == 10


def _compare(column: sa.ColumnElement[Any], lookup: str, value: Any) -> sa.ColumnElement[bool]:
    operations: dict[str, Callable[[Any, Any], Any]] = {
        "exact": lambda c, v: c == v, "iexact": lambda c, v: c == v,
        "gt": lambda c, v: c > v, "gte": lambda c, v: c >= v, "min": lambda c, v: c >= v,
        "lt": lambda c, v: c < v, "lte": lambda c, v: c <= v, "max": lambda c, v: c <= v,
    }
    if lookup not in operations:
        raise KeyError(lookup)
    return operations[lookup](column, value)


def _text(column: sa.ColumnElement[Any], lookup: str, value: str,
          dialect: str) -> sa.ColumnElement[bool]:
    """Case-sensitive lookups stay case-sensitive on SQLite, whose LIKE ignores case."""
    if lookup == "exact":
        return column == value
    if lookup == "iexact":
        return sa.func.lower(column) == value.lower()
    if lookup.startswith("i"):
        method: Callable[..., sa.ColumnElement[bool]] = getattr(column, lookup)
        return method(value, autoescape=True)
    if dialect != "sqlite":
        method = getattr(column, lookup)  # contains, startswith, endswith
        return method(value, autoescape=True)
    size = len(value)
    if lookup == "contains":
        return sa.func.instr(column, value) > 0
    if lookup == "startswith":
        return sa.func.substr(column, 1, size) == value
    return sa.and_(sa.func.length(column) >= size, sa.func.substr(column, -size) == value)

