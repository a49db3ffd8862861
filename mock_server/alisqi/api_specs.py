"""Specifications (AS-05), getStatistics (AS-06) and getSpecificationEvaluation (AS-07)."""

from __future__ import annotations

import json
from bisect import bisect_right
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Response

from ..core import ApiError, current_core
from . import json_sql, statements
from .blueprint import api, first_matching, json_param, ok, required, rows_of, the_set
from .deviations import deviation_on
from .model import SetDef
from .query import Filter, integer, invalid, param, parse_filter
from .stats import capability, describe
from .values import WIRE_FORMAT, ValueError_, parse_datetime

LIMIT_KEYS = ("lsl", "target", "usl")


def transactional(definition: SetDef) -> None:
    if not definition.transactional and not deviation_on("AS-05"):
        raise ApiError(400, "invalid_parameter", "Invalid parameter: setId. Specifications "
                       "only apply to analysis sets, not to selection lists.")


def versions(definition: SetDef, index_value: str | None = None) -> list[dict[str, Any]]:
    """Every specification version of the set, oldest first per index value."""
    core = current_core()
    query = core.storage.driver(statements.spec_versions, core.storage, index_value is not None)
    parameters: dict[str, Any] = {"set_id": definition.id}
    if index_value is not None:
        parameters["index_value"] = index_value
    with core.storage.connect() as connection:
        found = query.records(connection, parameters)
    return [{"setId": v.set_id, "indexValue": v.index_value, "version": v.version,
             "startDateTime": v.start_at.strftime(WIRE_FORMAT), "start": v.start_at,
             "reason": v.reason, "specs": json.loads(v.specs)} for v in found]


class InForce:
    """The version in force for an index value at a moment, found by bisection: a
    getSpecificationEvaluation asks once per result, and a scan of every version for
    each of a set's thousands of results was a tenth of its time."""

    def __init__(self, found: list[dict[str, Any]]) -> None:
        self._starts: dict[str, list[datetime]] = {}
        self._versions: dict[str, list[dict[str, Any]]] = {}
        for version in found:  # oldest first per index value: by start, then version
            self._starts.setdefault(version["indexValue"], []).append(version["start"])
            self._versions.setdefault(version["indexValue"], []).append(version)

    def at(self, index_value: str, moment: datetime) -> dict[str, Any] | None:
        """The last version of ``index_value`` started by ``moment`` (the highest number
        among those started at the same time), or None."""
        starts = self._starts.get(index_value)
        found = bisect_right(starts, moment) if starts else 0
        return self._versions[index_value][found - 1] if found else None


@api.get("/getSpecificationVersion")
def get_specification_version() -> Response:
    definition = the_set("read")
    transactional(definition)
    index_value = param("indexValue")
    found = versions(definition, index_value or None)
    now = current_core().clock.naive_now()
    current = {}
    for version in found:
        if version["start"] <= now:
            current[version["indexValue"]] = version
    return ok([{k: v for k, v in version.items() if k != "start"} for version in current.values()])


def _specs(definition: SetDef) -> dict[str, dict[str, float | None]]:
    specs = json_param("specs")
    if not isinstance(specs, dict) or not specs:
        raise invalid("specs. Expected a JSON object of field names to limits.")
    out = {}
    for name, limits in specs.items():
        field = definition.fields.get(name)
        if field is None or field.type != "number":
            raise invalid(f"specs field '{str(name)[:60]}'. No such number field in set.")
        if not isinstance(limits, dict) or set(limits) - set(LIMIT_KEYS):
            raise invalid(f"specs for '{name}'. Expected an object of lsl, target, usl.")
        for key in LIMIT_KEYS:
            value = limits.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(
                    value, int | float) or abs(value) > 1e15):
                raise invalid(f"specs for '{name}'. '{key}' must be a number or null.")
        out[name] = {key: limits.get(key) for key in LIMIT_KEYS}
    return out


def _start() -> datetime:
    raw = param("startDateTime")
    if raw is None or not raw.strip():
        return current_core().clock.naive_now().replace(microsecond=0)
    try:
        return parse_datetime(int(raw) if raw.strip().isdigit() else raw, "startDateTime")
    except (ValueError_, ValueError, OverflowError, OSError):
        raise invalid(f"startDateTime '{raw[:40]}'. Expected yyyy-mm-dd hh:mm:ss.") from None


@api.post("/storeSpecificationVersion")
def store_specification_version() -> Response:
    definition = the_set("write")
    transactional(definition)
    specs, start = _specs(definition), _start()
    index_value = (param("indexValue") or "").strip()
    reason = (param("reason") or "")[:2000]
    core = current_core()
    table, sets = core.storage["spec_versions"], core.storage["sets"]
    with core.storage.begin() as connection:
        connection.execute(sets.update().where(sets.c.id == definition.id)
                           .values(revision=sets.c.revision))  # the set's row lock
        latest = connection.execute(sa.select(sa.func.max(table.c.version)).where(
            table.c.set_id == definition.id, table.c.index_value == index_value)).scalar()
        connection.execute(table.insert().values(
            set_id=definition.id, index_value=index_value, version=(latest or 0) + 1,
            start_at=start, reason=reason, specs=json.dumps(specs)))
    return Response("true", status=200, content_type="text/plain; charset=utf-8")


def number_fields(definition: SetDef) -> list[str]:
    names = [n.strip() for n in required("fields").split(",") if n.strip()]
    for name in names:
        field = definition.fields.get(name)
        if field is None or field.type != "number":
            raise invalid(f"field '{name[:60]}'. No such number field in set.")
    return list(dict.fromkeys(names))


def _selection(definition: SetDef, default_limit: int) -> tuple[Filter | None, int]:
    """The request's filter (None without one) and its ``limit``."""
    test = parse_filter(definition, param("filter"))
    return test, integer("limit", default_limit, 100_000, minimum=1)


def selected_rows(definition: SetDef, default_limit: int) -> list[tuple[Any, ...]]:
    """The newest ``limit`` results that pass the filter, newest first."""
    return _newest(definition, *_selection(definition, default_limit))


def _newest(definition: SetDef, test: Filter | None, limit: int) -> list[tuple[Any, ...]]:
    if test is None:
        return rows_of(definition, limit=limit)
    return first_matching(definition, test, limit)


def selected_numbers(definition: SetDef, names: list[str],
                     default_limit: int) -> list[tuple[Any, ...]]:
    """:func:`selected_rows` as ``(date, index value, number of each of names...)``: the
    value under the set's index field (None without one) and :func:`numeric` of each.

    Without a filter the database reads them out of the stored JSON (``json_sql``), so
    that a grown set's thousands of results are not decoded in Python; a filter is
    tested on the decoded values, as for a page."""
    test, limit = _selection(definition, default_limit)
    index = definition.index_field
    core = current_core()
    dialect = core.storage.engine.dialect
    wanted = [*names, *([index] if index else [])]
    if test is None and all(json_sql.expressible(name, dialect) for name in wanted):
        query = core.storage.driver(statements.numbers, core.storage, tuple(names), index)
        with core.storage.connect() as connection:
            return query.records(connection, {"set_id": definition.id, "limit": limit})
    return [(date, values.get(index) if index else None,
             *(numeric(values.get(name)) for name in names))
            for _id, date, values, _modified in _newest(definition, test, limit)]


def numeric(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    return None  # an operator value such as "<0.010" is censored, not a number


@api.get("/getStatistics")
def get_statistics() -> Response:
    definition = the_set("read")
    names = number_fields(definition)
    rows = selected_rows(definition, 500)
    skip = 1 if deviation_on("AS-06") else 0
    out = {}
    for name in names:
        present = [row[2][name] for row in rows[skip:] if row[2].get(name) is not None]
        values = [v for v in (numeric(p) for p in present) if v is not None]
        out[name] = describe(values, len(present) - len(values))
    return ok(out)


@api.get("/getSpecificationEvaluation")
def get_specification_evaluation() -> Response:
    if deviation_on("AS-01"):
        raise ApiError(404, "not_found", "Unknown API endpoint")
    definition = the_set("read")
    transactional(definition)
    names = number_fields(definition)
    rows = selected_numbers(definition, names, 10_000)[::-1]  # oldest first: by date, id
    in_force = InForce(versions(definition))
    label_of = definition.fields[definition.index_field].options \
        if definition.index_field else {}
    now = current_core().clock.naive_now()
    versions_of_now = deviation_on("AS-07")
    groups: dict[tuple[str, str, int | None], list[float]] = {}
    limits: dict[tuple[str, str, int | None], dict[str, Any]] = {}
    for date, index_value, *numbers in rows:
        product = str(label_of.get(index_value, ""))
        version = in_force.at(product, now if versions_of_now else date)
        number = version["version"] if version else None
        for name, value in zip(names, numbers, strict=True):
            if value is None:
                continue
            key = (product, name, number)
            group = groups.get(key)
            if group is None:
                group = groups[key] = []
                limits[key] = (version or {}).get("specs", {}).get(name, {})
            group.append(value)
    return ok([_evaluation(key, groups[key], limits[key]) for key in sorted(
        groups, key=lambda k: (k[0], k[1], k[2] or 0))])


def _evaluation(key: tuple[str, str, int | None], values: list[float],
                limits: dict[str, Any]) -> dict[str, Any]:
    product, name, version = key
    lsl, usl = limits.get("lsl"), limits.get("usl")
    return {"indexValue": product, "field": name, "specificationVersion": version,
            "lsl": lsl, "target": limits.get("target"), "usl": usl,
            **capability(values, lsl, usl)}
