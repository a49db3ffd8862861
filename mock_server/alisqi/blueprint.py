"""The ``/api`` blueprint every AlisQI view registers on, and what the views share."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

import orjson
from flask import Blueprint, Response

from ..core import ApiError, current_core
from ..core.bodies import JsonLimitError, parse_json
from ..core.envelopes import json_response
from . import json_sql
from .access import need
from .model import SetDef, load_set
from .query import Filter, invalid, param
from .statements import results, results_narrowed, results_page

api = Blueprint("alisqi_api", __name__, url_prefix="/api")
#: results read per fetch while looking for the first ones that pass a filter
BATCH = 200


def ok(body: Any, status: int = 200) -> Response:
    return json_response(body, status)


def set_id_param() -> int:
    raw = param("setId") or param("maskid")
    if raw is None or not raw.strip():
        raise invalid("setId. A set id is required.")
    if not raw.strip().isdigit() or len(raw.strip()) > 9:
        raise invalid(f"setId '{raw[:40]}'. Expected a set id.")
    return int(raw)


def the_set(level: str, set_id: int | None = None) -> SetDef:
    """The set named by ``setId``, after checking the caller's permission on it."""
    set_id = set_id_param() if set_id is None else set_id
    core = current_core()
    with core.storage.connect() as connection:
        definition = load_set(core, connection, set_id)
    if definition is None:
        raise invalid(f"setId '{set_id}'. No such set.")
    need(set_id, level)
    return definition


def required(name: str) -> str:
    value = param(name)
    if value is None or not value.strip():
        raise invalid(f"{name}. This parameter is required.")
    return value


def json_param(name: str) -> Any:
    raw = required(name)
    try:
        return parse_json(raw)
    except JsonLimitError as error:
        raise ApiError(400, "invalid_parameter",
                       f"Invalid parameter: {name}. {error}") from None
    except ValueError:
        raise ApiError(400, "invalid_parameter",
                       f"Invalid parameter: {name}. Not valid JSON.") from None


def rows_of(definition: SetDef, *, oldest_first: bool = False, limit: int | None = None,
            offset: int = 0) -> list[tuple[int, Any, dict[str, Any], Any]]:
    """The set's results as ``(id, date, values, modified_at)``, newest first (ties: the
    highest id first) or oldest first (the lowest id first). ``limit`` and ``offset`` page
    them in SQL, so a page reads and decodes only its own results."""
    core = current_core()
    newest = not oldest_first
    if limit is None:
        query = core.storage.driver(results, core.storage, newest)
        parameters = {"set_id": definition.id}
    else:
        query = core.storage.driver(results_page, core.storage, newest)
        parameters = {"set_id": definition.id, "limit": limit, "offset": offset}
    with core.storage.connect() as connection:
        rows = query.records(connection, parameters)  # one fetchall
    return [(r[0], r[1], decoded(r[2]), r[3]) for r in rows]


def first_matching(definition: SetDef, matching: Filter, count: int, *,
                   oldest_first: bool = False) -> list[tuple[int, Any, dict[str, Any], Any]]:
    """The first ``count`` results of the set, in ``rows_of``'s order, that pass the
    filter: read a batch at a time and no further than the last one needed (a filtered
    first page reads a part of the set, not all of it).

    The database first keeps only the results whose fields can equal the filter's
    (``Filter.equal``: a selection's options, say), so that a filter on a grown set
    does not decode thousands of results in Python to throw most away; the filter's
    own test decides.

    This one streams the statement through ``connection.execute`` (kept, so SQLAlchemy
    finds its compiled form by the statement's cache key): the driver path reads all of
    a statement's rows at once, and converting every result of a 1,400-result set costs
    some 3.8 ms against 0.6 ms for streaming the first 400."""
    core = current_core()
    newest = not oldest_first
    dialect = core.storage.engine.dialect
    narrowed = [(name, values) for name, values in matching.equal
                if json_sql.narrowable(name, dialect)]
    names = tuple(name for name, _values in narrowed)
    query = core.storage.keep(("alisqi.results", newest, names),
                              lambda: results_narrowed(core.storage, newest, names))
    parameters: dict[str, Any] = {"set_id": definition.id}
    parameters.update({f"equal_{i}": list(values) for i, (_name, values) in enumerate(narrowed)})
    test = matching.test
    found: list[tuple[int, Any, dict[str, Any], Any]] = []
    if count <= 0:
        return found
    with core.storage.connect() as connection:
        result = connection.execute(query, parameters)
        for batch in result.partitions(BATCH):
            for r in batch:
                values = decoded(r[2])
                if test(values, r[1]):
                    found.append((r[0], r[1], values, r[3]))
                    if len(found) == count:
                        result.close()
                        return found
    return found


@lru_cache(maxsize=4096)
def decoded(stored: str) -> dict[str, Any]:
    """A result's stored values, decoded once per process for each distinct text (a list
    filtered or field-sorted request reads every result of its set). Shared between
    requests: read, never change.

    orjson decodes a result in a quarter of the stdlib's time (the cache holds a few
    thousand results, and a filtered read of a grown set decodes most of them again);
    a text orjson refuses (a number beyond 64 bits, say) takes the stdlib's way, which
    gives the same values."""
    try:
        values = orjson.loads(stored)
    except orjson.JSONDecodeError:
        return json.loads(stored, parse_float=_number)  # type: ignore[no-any-return]
    return _integral(values)  # type: ignore[no-any-return]


def _number(text: str) -> float | int:
    """A stored integral number (``41.0``) as an int. PHP writes the float as ``41``
    too, and a page with no integral float leaves ``wirejson.php`` nothing to respell
    (its slow path, about 1 ms on a page)."""
    return _integral(float(text))  # type: ignore[no-any-return]


_CONTAINERS_AND_FLOAT = (float, dict, list)


def _integral(value: Any) -> Any:
    """Each integral float of a decoded document as an int (:func:`_number`'s rule; -0.0
    and floats of 1e15 or more stay floats)."""
    if value.__class__ is float:
        if value.is_integer() and abs(value) < 1e15 and not (
                value == 0 and math.copysign(1.0, value) < 0):
            return int(value)
        return value
    if value.__class__ is dict:
        for key, item in value.items():
            if item.__class__ in _CONTAINERS_AND_FLOAT:
                value[key] = _integral(item)
        return value
    if value.__class__ is list:
        return [_integral(item) for item in value]
    return value

