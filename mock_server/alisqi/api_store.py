"""storeResults: many results per call, keyField upserts, one answer entry per result (AS-04).

Call-level problems (no permission, ``results`` not a JSON array, an unknown
``keyField``) refuse the whole call before anything is written. Each result
is then checked against the set's definition (AS-02); a result that does not
fit gets its error message in its answer entry and is not written, the others
are. The whole call is one transaction that starts by taking the set's row
lock, so two concurrent upserts of one key cannot both insert.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import Response
from sqlalchemy.engine import Connection

from ..core import ApiError, current_core
from ..core.driver_sql import inserted_id
from . import json_sql, key_index
from .blueprint import api, json_param, ok, the_set
from .deviations import deviation_on
from .model import DATE_FIELD, SetDef
from .query import flag, invalid, param
from .values import ValueError_, parse_datetime, parse_value

MAX_RESULTS = 10_000
SUCCESS = ""
INSERTED = ("set_id", "date", "values", "modified_at")
#: field types whose values are stored as JSON strings (see ``values.parse_value``)
STRING_KINDS = ("text", "memo", "date", "datetime")


@api.post("/storeResults")
def store_results() -> Response:
    definition = the_set("write")
    submitted = json_param("results")
    if isinstance(submitted, dict):
        submitted = [submitted]
    if not isinstance(submitted, list) or len(submitted) > MAX_RESULTS:
        raise invalid(f"results. Expected a JSON array of at most {MAX_RESULTS} results.")
    key_field = (param("keyField") or "").strip() or None
    if key_field is not None and key_field not in definition.fields:
        raise invalid(f"keyField '{key_field[:60]}'. No such field in set.")
    options = {"edit_only": flag("editOnly"), "add": flag("addListOptions")}
    core = current_core()
    if key_field is not None and definition.fields[key_field].type in STRING_KINDS:
        key_index.ensure(core.storage, key_field)
    with core.storage.begin() as connection:
        _lock(connection, definition)
        answer = Store(connection, definition, key_field, **options).run(submitted)
    if deviation_on("AS-04"):
        answer = [next((entry for entry in answer if entry), SUCCESS)]
    return ok(answer)


def _lock(connection: Connection, definition: SetDef) -> None:
    """Take the set's row lock first (an UPDATE that changes nothing), so that two calls
    on one set run one after the other."""
    storage = current_core().storage
    storage.driver(_set_touched, storage["sets"]).run(connection, {"set_id": definition.id})


def _set_touched(sets: sa.Table) -> sa.Update:
    """The UPDATE of :func:`_lock`: the set whose id is bound as ``set_id``, unchanged."""
    return sets.update().where(sets.c.id == sa.bindparam("set_id")).values(
        revision=sets.c.revision)


def _set_revised(sets: sa.Table) -> sa.Update:
    """The set whose id is bound as ``set_id``: its revision one up, modified at the
    bound ``modified_at``."""
    return sets.update().where(sets.c.id == sa.bindparam("set_id")).values(
        revision=sets.c.revision + 1, modified_at=sa.bindparam("modified_at"))


class Store:
    """One storeResults call inside its transaction."""

    def __init__(self, connection: Connection, definition: SetDef, key_field: str | None,
                 edit_only: bool, add: bool) -> None:
        self.connection = connection
        self.definition = definition
        self.key_field = key_field
        self.edit_only = edit_only
        self.add = add
        self.added: dict[str, dict[str, int]] = {}
        self.keys: dict[Any, int] = {}
        self.now = current_core().clock.naive_now()
        storage = current_core().storage
        self.results = storage["results"]
        #: a call inserts up to thousands of results: each on the driver (Storage.driver)
        self.insert = storage.driver(inserted_id, self.results, column_keys=INSERTED)
        self.written = False

    def _keys(self, submitted: list[Any]) -> dict[Any, int]:
        """The set's rows of the keys ``submitted`` (the first row of each key).

        A set grows by every call, so for keys stored as strings (text, memo,
        date fields) the database picks the candidate rows by the JSON value
        under the key field, on an index (``key_index``); reading and decoding
        every row of the set took tens of milliseconds at a few thousand
        results, inside the set's lock. Other keys are matched over the whole set.
        """
        results = current_core().storage["results"]
        query = sa.select(results.c.id, results.c["values"]).where(
            results.c.set_id == self.definition.id).order_by(results.c.id)
        wanted = self._string_keys(submitted)
        dialect = self.connection.dialect
        at_key = json_sql.text_at(json_sql.document(results.c["values"], dialect),
                                  self.key_field or "", dialect)
        if wanted is not None and at_key is not None:
            if not wanted:
                return {}
            query = query.where(at_key.in_(sorted(wanted)))
        found: dict[Any, int] = {}
        for row_id, values in self.connection.execute(query):
            key = json.loads(values).get(self.key_field)
            if key is not None:
                found.setdefault(_hashable(key), row_id)
        return found

    def _string_keys(self, submitted: list[Any]) -> set[str] | None:
        """The stored forms of the submitted keys, when the key field stores strings."""
        field = self.definition.fields[self.key_field or ""]
        if field.type not in STRING_KINDS:
            return None
        wanted: set[str] = set()
        for item in submitted:
            raw = item.get(self.key_field) if isinstance(item, dict) else None
            if raw is None:
                continue
            try:
                stored = parse_value(field, raw, False, {})
            except ValueError_:
                continue  # the result is refused when its turn comes
            if isinstance(stored, str):
                wanted.add(stored)
        return wanted

    def run(self, submitted: list[Any]) -> list[str]:
        if self.key_field:
            self.keys = self._keys(submitted)
        answer = []
        for item in submitted:
            before = {name: dict(labels) for name, labels in self.added.items()}
            try:
                answer.append(self.one(item))
            except ValueError_ as error:
                self.added = before  # options only a refused result needed are not added
                answer.append(str(error))
        self._finish()
        return answer

    def one(self, item: Any) -> str:
        if not isinstance(item, dict):
            raise ValueError_("A result must be an object of field names to values")
        date, values = self.parse(item)
        key = values.get(self.key_field) if self.key_field else None
        existing = self.keys.get(_hashable(key)) if key is not None else None
        if existing is not None:
            return self.update(existing, date, values)
        if self.edit_only:
            raise ValueError_(f"No result found with {self.key_field} '{item.get(self.key_field)}'")
        self.check_required(values)
        new_id = self.insert.scalar(self.connection, {
            "set_id": self.definition.id, "date": date or self.now,
            "values": json.dumps(values), "modified_at": self.now,
        })
        if key is not None:
            self.keys[_hashable(key)] = new_id
        self.written = True
        return SUCCESS

    def parse(self, item: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        values: dict[str, Any] = {}
        date = None
        for name, raw in item.items():
            if name == DATE_FIELD:
                date = None if raw is None else parse_datetime(raw, name)
                continue
            field = self.definition.fields.get(name)
            if field is None:
                raise ValueError_(f"Unknown field '{str(name)[:60]}'")
            if raw is None:
                values[name] = None
            elif field.type == "number" and deviation_on("AS-02") and isinstance(raw, str):
                values[name] = raw
            else:
                values[name] = parse_value(field, raw, self.add, self.added.setdefault(name, {}))
        return date, values

    def check_required(self, values: dict[str, Any]) -> None:
        for field in self.definition.fields.values():
            if field.required and field.active and values.get(field.name) in (None, "", []):
                raise ValueError_(f"Field '{field.name}' is required")

    def update(self, row_id: int, date: Any, values: dict[str, Any]) -> str:
        row = self.connection.execute(sa.select(self.results.c["values"]).where(
            self.results.c.id == row_id)).one()
        merged = {**json.loads(row[0]), **values}
        merged = {name: value for name, value in merged.items() if value is not None}
        self.check_required(merged)
        change: dict[str, Any] = {"values": json.dumps(merged), "modified_at": self.now}
        if date is not None:
            change["date"] = date
        self.connection.execute(self.results.update().where(self.results.c.id == row_id)
                                .values(**change))
        self.written = True
        return SUCCESS

    def _finish(self) -> None:
        options = current_core().storage["options"]
        for name, labels in self.added.items():
            field = self.definition.fields[name]
            for label, option_id in labels.items():
                self.connection.execute(options.insert().values(
                    field_id=field.id, option_id=option_id, label=label))
        if self.written or self.added:
            storage = current_core().storage
            storage.driver(_set_revised, storage["sets"]).run(
                self.connection, {"set_id": self.definition.id, "modified_at": self.now})


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, list | dict) else value


__all__ = ["ApiError", "store_results"]
