"""Get, Create, Update, Delete and the state actions of single records (AL-13, AL-24)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.wrappers import Response
from sqlalchemy.engine import Connection

from ..core import ApiError, current_core
from ..core.bodies import json_body
from ..core.driver_sql import DriverStatement, row_by_id
from ..core.envelopes import json_response
from . import approvals, call_create, calls, extensions, orders
from .deviations import deviation_on
from .entities import CALL
from .errors import not_allowed, record_not_found
from .extensions import extended
from .hypermedia import decorate
from .links import kind_of, prop_json_all, record_json
from .metadata import action_summary
from .schema import Entity
from .sessions import Session
from .sources import source
from .validation import column_values
from .visibility import reader_shape, reader_values, require_reader, require_writer, visible

#: ``Storage.keep``'s group of the statements ``load`` runs: one per entity and kind of
#: reader (``visibility.reader_shape``), whose person and partitions are bound values
LOADS = "alemba.loads"
MAX_LOADS = 512


def parse_ref(raw: str) -> int | None:
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 12:
        return None
    return int(raw)


def load(connection: Connection, entity: Entity, ref: int, session: Session) -> Any:
    """The record if the session may see it, else ``404 RecordNotFound``."""
    storage = current_core().storage
    table = source(storage, entity)
    if entity.subtypes:  # ``table`` is a union built for this request
        row = connection.execute(sa.select(table).where(
            table.c[entity.key.column] == ref, visible(entity, table, session))).first()
    else:  # every Get and action reads one: on the driver, one statement per kind of reader
        require_reader(entity, session)
        statement = storage.keep(
            (entity.name, reader_shape(session)),
            lambda: DriverStatement(
                sa.select(table).where(table.c[entity.key.column] == sa.bindparam("ref"),
                                       visible(entity, table, session)),
                storage.engine.dialect),
            group=LOADS, limit=MAX_LOADS)
        row = statement.first(connection, {"ref": ref, **reader_values(session)})
    if row is None:
        raise record_not_found(entity.name, ref)
    return row


def instance_actions(
    connection: Connection, entity: Entity, row: Any, session: Session
) -> list[str]:
    if deviation_on("AL-13"):
        return [a.name for a in entity.actions] + [
            v for v in ("Update", "Delete") if v in entity.verbs
        ]
    if entity.table == CALL.table:
        return calls.call_actions(row, session, calls.current_lock(connection, row.ref))
    if session.anonymous:
        return []
    if entity.table in orders.TABLES:
        return orders.actions(connection, entity, row)
    if entity.name == "Approval":
        return approvals.actions(row, session)
    names: list[str] = [name for name in ("Update", "Delete") if name in entity.verbs]
    if not session.analyst:
        mine = getattr(row, "created_by_ref", None) == session.person
        names = [name for name in names if name == "Delete" and mine]
    return names


def body_of(connection: Connection, entity: Entity, row: Any, session: Session) -> dict:
    body = record_json(entity, row)
    kind = kind_of(entity, row)
    ref = row._mapping[entity.key.column]
    stored = {k: v for k, v in body.items() if not k.startswith("_")}
    stored.update(prop_json_all(extended(kind), extensions.read(connection, extended(kind), ref)))
    body = {**stored, **{k: v for k, v in body.items() if k.startswith("_")}}
    actions = {
        name: [action_summary(kind, name, ref)]
        for name in instance_actions(connection, entity, row, session)
    }
    extra = decorate(entity, dict(row._mapping))
    body["_actions"] = {**actions, **extra.pop("_actions", {})}
    return body


PERFORM = {"approvals": approvals.perform, "service_orders": orders.perform}


def get(entity: Entity, ref: int, session: Session) -> Response:
    with current_core().storage.connect() as connection:
        row = load(connection, entity, ref, session)
        return json_response(body_of(connection, entity, row, session), 200)


def create(entity: Entity, session: Session) -> Response:
    require_writer(entity, session, "Create")
    core = current_core()
    table = core.storage[entity.table]
    body = _json()
    with core.storage.begin() as connection:
        if entity.table == CALL.table:
            body = call_create.apply_template(connection, body)
        values = column_values(connection, entity, body, session)
        values.update(on_create(connection, entity, values, session))
        extra = extensions.split(values)
        inserted = connection.execute(table.insert().values(**values)).inserted_primary_key
        ref: int = inserted[0] if inserted else values[entity.key.column]
        extensions.write(connection, entity, ref, extra)
        row = core.storage.driver(row_by_id, table, entity.key.column).first(
            connection, {"id": ref})
        return json_response(body_of(connection, entity, row, session), 201)


def update(entity: Entity, ref: int, session: Session) -> Response:
    require_writer(entity, session, "Update")
    core = current_core()
    table = core.storage[entity.table]
    body = _json()
    with core.storage.begin() as connection:
        row = load(connection, entity, ref, session)
        _offered(connection, entity, row, session, "Update")
        values = column_values(connection, entity, body, session, current=row)
        if entity.table == CALL.table:
            call_create.description_rules(values, row)
            values["last_action_date"] = core.clock.naive_now()
        extensions.write(connection, entity, ref, extensions.split(values))
        if values:
            connection.execute(
                table.update().where(table.c[entity.key.column] == ref).values(**values)
            )
        row = load(connection, entity, ref, session)
        return json_response(body_of(connection, entity, row, session), 200)


def delete(entity: Entity, ref: int, session: Session) -> Response:
    core = current_core()
    table = core.storage[entity.table]
    with core.storage.begin() as connection:
        row = load(connection, entity, ref, session)
        _offered(connection, entity, row, session, "Delete")
        body = record_json(entity, row)
        if not deviation_on("AL-24"):  # the deviation: answers 200, deletes nothing
            connection.execute(table.delete().where(table.c[entity.key.column] == ref))
    return json_response({"Ref": ref, "_context": body["_context"], "_self": body["_self"]}, 200)


def act(entity: Entity, ref: int, action: str, session: Session) -> Response:
    """A state action such as ``PUT call/{Ref}/submit``; parameters under ``$action``."""
    body = _json(allow_empty=True) or {}
    parameters = body.get("$action", body.get("action", {})) if isinstance(body, dict) else None
    if not isinstance(parameters, dict):
        raise ApiError(400, "None", "$action must be a JSON object of parameters.")
    with current_core().storage.begin() as connection:
        row = load(connection, entity, ref, session)
        _offered(connection, entity, row, session, action)
        PERFORM.get(entity.table, calls.perform)(connection, row, action, session, parameters)
        row = load(connection, entity, ref, session)
        return json_response(body_of(connection, entity, row, session), 200)


def _offered(
    connection: Connection, entity: Entity, row: Any, session: Session, action: str
) -> None:
    if action in instance_actions(connection, entity, row, session):
        return
    if entity.table == CALL.table:
        raise calls.refuse(row, action, calls.current_lock(connection, row.ref), session)
    raise not_allowed(
        f"{action} is not available for {entity.name} {row._mapping[entity.key.column]}."
    )


def on_create(
    connection: Connection, entity: Entity, values: dict[str, Any], session: Session
) -> dict[str, Any]:
    """The columns a create sets itself, per kind of record."""
    if entity.table == CALL.table:
        call_create.description_rules(values, None)
        return call_create.new_call(values, session)
    if entity.table in orders.TABLES:
        return orders.on_create(connection, entity, values, session)
    return {}


def _json(allow_empty: bool = False) -> Any:
    from flask import request

    if (
        request.get_data(cache=True).strip()
        and (request.mimetype or "") not in ("application/json", "text/json")
        and not (request.mimetype or "").endswith("+json")
    ):
        raise ApiError(415, "NotSupported", "Send the body as application/json.")
    return json_body(code="None", allow_empty=allow_empty)
