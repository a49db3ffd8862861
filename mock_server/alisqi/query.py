"""getResults' parameters over one set's results: filter, sort, fields, paging.

Filters (a JSON object): ``{"field": [{"value": v, "operator": op}, ...]}`` or
the shorthand ``{"field": v}`` (a list of values: any of them). Operators
``=`` (default), ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``like`` (substring,
case-insensitive). Several ``=`` conditions on a field match any of their
values; all other conditions must all hold. A selection is compared by option
id or label, dates as dates, numbers as numbers (operator values such as
``"<321"`` by their number).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import request

from ..core import ApiError
from ..core.bodies import JsonLimitError, parse_json
from .model import DATE_FIELD, SetDef
from .values import OPERATOR, WIRE_FORMAT, ValueError_, parse_datetime

OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "like")
TRUE = ("1", "true", "yes", "on")
Test = Callable[[dict[str, Any], datetime], bool]
#: field types whose ``=`` conditions the database can narrow by (``Filter.equal``): their
#: stored values are strings, integers (option ids) or lists, and so are their operands
NARROWED_TYPES = ("selection", "multiselection", "text", "memo")


@dataclass(frozen=True)
class Filter:
    """A parsed filter: its test over ``(values, date)``, and the conditions a database
    can narrow a set's results by before testing them (``blueprint.first_matching``)."""

    test: Test
    #: (field, values) of each field tested only for equality with strings or integers:
    #: a result passes only if the field holds one of the values or a list
    equal: tuple[tuple[str, tuple[Any, ...]], ...] = ()

    def __call__(self, values: dict[str, Any], date: datetime) -> bool:
        return self.test(values, date)


def invalid(what: str) -> ApiError:
    return ApiError(400, "invalid_parameter", f"Invalid parameter: {what}")


def param(name: str) -> str | None:
    value = request.args.get(name)
    if value is None and request.method == "POST" and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        value = request.form.get(name)
    return value


def flag(name: str) -> bool:
    value = param(name)
    return value is not None and value.strip().lower() in TRUE


def integer(name: str, default: int, cap: int, *, minimum: int = 0) -> int:
    raw = param(name)
    if raw is None or raw.strip() == "":
        return default
    if not re.fullmatch(r"\s*\d{1,12}\s*", raw) or int(raw) < minimum:
        raise invalid(f"{name} '{raw[:40]}'. Expected an integer of at least {minimum}.")
    return min(int(raw), cap)


def field_list(definition: SetDef, raw: str | None, what: str = "field") -> list[str]:
    if raw is None or not raw.strip():
        return [DATE_FIELD, *[n for n, f in definition.fields.items() if f.active]]
    names = [n.strip() for n in raw.split(",") if n.strip()]
    for name in names:
        if not definition.knows(name):
            raise invalid(f"{what} '{name[:60]}'. No such field in set.")
    return list(dict.fromkeys(names))


def sort_key(definition: SetDef, raw: str | None) -> tuple[str, bool]:
    """``field:asc|desc`` (default ``date:desc``) -> (field, descending)."""
    name, _, direction = (raw or "date:desc").strip().partition(":")
    if not definition.knows(name):
        raise invalid(f"sort field '{name[:60]}'. No such field in set.")
    if direction.lower() not in ("", "asc", "desc"):
        raise invalid(f"sort direction '{direction[:20]}'. Use asc or desc.")
    return name, direction.lower() != "asc"


def _comparable(definition: SetDef, name: str, value: Any) -> Any:
    if value is None or name == DATE_FIELD:
        return value
    kind = definition.fields[name].type
    if kind == "number" and isinstance(value, str):
        matched = OPERATOR.match(value)
        return float(matched.group(2)) if matched else None
    if kind == "attachment":
        return value.get("name")
    if kind in ("date", "datetime"):
        return datetime.strptime(value, WIRE_FORMAT)
    return value


def _operand(definition: SetDef, name: str, raw: Any) -> Any:
    if name == DATE_FIELD or definition.fields[name].type in ("date", "datetime"):
        try:
            return parse_datetime(raw, name)
        except ValueError_:
            raise invalid(f"filter value for '{name}'. Expected a date.") from None
    field = definition.fields[name]
    if field.type in ("selection", "multiselection") and isinstance(raw, str):
        found = field.option_by_label(raw)
        return found if found is not None else raw
    if field.type == "number" and isinstance(raw, str):
        try:
            return float(raw)
        except ValueError:
            raise invalid(f"filter value for '{name}'. Expected a number.") from None
    return raw


def _holds(op: str, actual: Any, operand: Any) -> bool:
    if isinstance(actual, list):
        return any(_holds(op, item, operand) for item in actual) if op != "!=" else \
            operand not in actual
    if op == "like":
        return actual is not None and str(operand).lower() in str(actual).lower()
    if op in ("=", "!="):
        return (actual == operand) == (op == "=")
    try:
        return {"<": actual < operand, "<=": actual <= operand, ">": actual > operand,
                ">=": actual >= operand}[op]
    except TypeError:
        return False


def _conditions(raw: Any, name: str) -> list[tuple[str, Any]]:
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        if isinstance(item, dict):
            if "value" not in item:
                raise invalid(f"filter on '{name}'. A condition needs a 'value'.")
            op = str(item.get("operator", "=")).lower()
            if op not in OPERATORS:
                raise invalid(f"filter operator '{op[:10]}'.")
            out.append((op, item["value"]))
        else:
            out.append(("=", item))
    return out


def parse_filter(definition: SetDef, raw: str | None) -> Filter | None:
    """The filter; None when there is no filter."""
    if raw is None or not raw.strip():
        return None
    try:
        document = parse_json(raw)
    except JsonLimitError as error:
        raise invalid(f"filter. {error}") from None
    except ValueError:
        raise invalid("filter. Not a JSON object.") from None
    if not isinstance(document, dict):
        raise invalid("filter. Not a JSON object.")
    tests: list[Test] = []
    equal: list[tuple[str, tuple[Any, ...]]] = []
    for name, spec in document.items():
        if not definition.knows(name):
            raise invalid(f"filter field '{str(name)[:60]}'. No such field in set.")
        conditions = [(op, _operand(definition, name, v)) for op, v in _conditions(spec, name)]
        tests.append(_field_test(definition, name, conditions))
        if name != DATE_FIELD and definition.fields[name].type in NARROWED_TYPES and all(
                op == "=" and type(v) in (int, str) for op, v in conditions):
            equal.append((name, tuple(v for _op, v in conditions)))
    if len(tests) == 1:
        return Filter(tests[0], tuple(equal))
    return Filter(lambda values, date: all(test(values, date) for test in tests), tuple(equal))


def _field_test(definition: SetDef, name: str, conditions: list[tuple[str, Any]]) -> Test:
    general = _general_test(definition, name, conditions)
    equal = [v for op, v in conditions if op == "="]
    if equal and len(equal) == len(conditions) and name != DATE_FIELD and \
            definition.fields[name].type not in COMPARED_CONVERTED:
        return _equality_test(name, tuple(equal), general)
    return general


def _general_test(definition: SetDef, name: str, conditions: list[tuple[str, Any]]) -> Test:
    """Any of the ``=`` conditions, and all of the others."""
    equal = [v for op, v in conditions if op == "="]
    others = [(op, v) for op, v in conditions if op != "="]

    def test(values: dict[str, Any], date: datetime) -> bool:
        actual = date if name == DATE_FIELD else _comparable(definition, name, values.get(name))
        if equal and not any(_holds("=", actual, v) for v in equal):
            return False
        return all(_holds(op, actual, v) for op, v in others)

    return test


#: field types whose stored values :func:`_comparable` converts before comparing
COMPARED_CONVERTED = ("number", "attachment", "date", "datetime")


def _equality_test(name: str, equal: tuple[Any, ...], general: Test) -> Test:
    """The commonest filter, a field equal to one of some values (a selection's option,
    say), as one membership test: a filtered page may test thousands of results. A list
    (a multiselection) goes the general way."""
    def test(values: dict[str, Any], date: datetime) -> bool:
        actual = values.get(name)
        if actual.__class__ is list:
            return general(values, date)
        return actual in equal

    return test


def ordering(definition: SetDef, name: str) -> Callable[[tuple[Any, ...]], Any]:
    """Sort key over ``(id, date, values)``; missing values sort first ascending."""
    def key(row: tuple[Any, ...]) -> Any:
        if name == DATE_FIELD:
            return (1, row[1], row[0])
        value = _comparable(definition, name, row[2].get(name))
        if isinstance(value, list):
            value = tuple(value)
        return (0, "", row[0]) if value is None else (1, _typed(value), row[0])
    return key


def _typed(value: Any) -> Any:
    return (0, value) if isinstance(value, int | float) and not isinstance(value, bool) else \
        (1, str(value))
