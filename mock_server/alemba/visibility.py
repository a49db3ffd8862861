"""What a session may see (AL-21) and touch: partitions, kinds, call ownership."""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ..core import current_core
from ..core.driver_sql import in_list_size, in_list_values
from .entities import BY_NAME, CALL
from .errors import not_allowed
from .schema import Entity
from .sessions import Session
from .sources import partition_clause


def visible(entity: Entity, table: Any, session: Session) -> ColumnElement[bool]:
    """The rows of ``entity`` the session may read."""
    require_reader(entity, session)
    if entity.subtypes:  # ``table`` is a union built for this request: nothing to share
        return _visible(entity, table, session)
    return _shared_visible(entity.name, table, session)


@lru_cache(maxsize=256)
def _shared_visible(name: str, table: Any, session: Session) -> ColumnElement[bool]:
    """:func:`_visible` of a stored table, built once per session: the clause is immutable
    and depends only on the entity's kind, the table and the session."""
    return _visible(BY_NAME[name], table, session)


def _visible(entity: Entity, table: Any, session: Session) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if entity.kind is not None:
        name, value = entity.kind
        clauses.append(table.c[entity.by_name[name].column] == value)
    if entity.partitioned:
        clauses.append(partition_clause(entity, table, _in_partitions(table, session)))
    if entity.table == CALL.table:
        clauses.append(_calls_of(table, session))
    if entity.name in CALL_CHILD_COLUMNS:
        calls = current_core().storage[CALL.table]
        readable = sa.select(calls.c.ref).where(visible(CALL, calls, session))
        clauses.append(table.c[CALL_CHILD_COLUMNS[entity.name]].in_(readable))
    if entity.name in OWN_RECORDS and not session.analyst:
        clauses.append(_own(entity, table, session))
    return sa.and_(sa.true(), *clauses)


def require_reader(entity: Entity, session: Session) -> None:
    """Anonymous sessions may read only some entities."""
    if session.anonymous and not entity.anonymous:
        raise not_allowed(f"Anonymous sessions may not read {entity.name} records.")


#: records that belong to a call: visible when the call is
CALL_CHILD_COLUMNS = {"Attachment": "call_ref", "CallHistory": "ticket_id", "Approval": "call_ref"}
#: the reader's person and partitions in the clauses below: named parameters whose
#: values the clause carries, so that a search kept for one reader runs for another of
#: the same kind and number of partitions with theirs (``prepared``, ``reader_values``)
READER = "visible_reader"
READER_PARTITIONS = "visible_partition"


def reader(session: Session) -> int:
    """The value of :data:`READER` for ``session`` (-1 matches no one)."""
    return session.person if session.person is not None else -1


def reader_values(session: Session) -> dict[str, Any]:
    """The session's values of the named parameters of its visibility clauses."""
    return {READER: reader(session), **in_list_values(READER_PARTITIONS, session.partitions)}


def reader_shape(session: Session) -> Hashable:
    """What of the session shapes its visibility clauses' SQL (their values aside)."""
    partitions = in_list_size(len(session.partitions)) if session.partitions else 0
    return (session.session_type, partitions)


def _reader(session: Session) -> ColumnElement[int]:
    return sa.bindparam(READER, reader(session), type_=sa.Integer)


def _in_partitions(table: Any, session: Session) -> ColumnElement[bool]:
    """``partition_ref`` among the reader's partitions: one named value each, padded with
    NULL to a power of two (``in_list_values``), not an expanding IN, so that the SQL is
    one string for every reader with as many partitions (:func:`reader_shape`)."""
    if not session.partitions:
        return sa.false()
    column = table.c.partition_ref
    return column.in_([
        sa.bindparam(name, value, type_=column.type)
        for name, value in in_list_values(READER_PARTITIONS, session.partitions).items()
    ])


#: records a user (not an analyst) sees only when they are theirs
OWN_RECORDS = ("ServiceOrder", "ServiceOrderItem")
#: the records users may create and change besides calls (self-service ordering)
USER_WRITABLE = ("calls", "service_orders", "service_order_items")


def _own(entity: Entity, table: Any, session: Session) -> ColumnElement[bool]:
    me = _reader(session)
    orders = current_core().storage["service_orders"]
    mine = sa.select(orders.c.ref).where(
        sa.or_(orders.c.requester_ref == me, orders.c.created_by_ref == me)
    )
    column = table.c.ref if entity.name == "ServiceOrder" else table.c.service_order_ref
    return column.in_(mine)


def _calls_of(table: Any, session: Session) -> ColumnElement[bool]:
    """A new call is seen only by its creator; a user sees only calls logged by or for them."""
    me = _reader(session)
    mine = sa.or_(table.c.user_ref == me, table.c.created_by_ref == me)
    submitted = sa.or_(table.c.status != "New", table.c.created_by_ref == me)
    return sa.and_(submitted, mine) if not session.analyst else submitted


def require_writer(entity: Entity, session: Session, verb: str) -> None:
    if session.anonymous:
        raise not_allowed("Anonymous sessions are read only.")
    if not session.analyst and entity.table not in USER_WRITABLE:
        raise not_allowed(f"Only analysts may {verb.lower()} {entity.name} records.")
