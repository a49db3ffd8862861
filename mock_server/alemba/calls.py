"""The call life cycle: per-instance actions (AL-13), record locks, and the state actions.

States: ``New`` (created, not submitted; only its creator sees it), ``Open``
(submitted), ``Closed``. Following the vendor's cookbook ("Lock before you
update"): an open call not locked by your session offers only ``Lock``; once
locked by you it offers ``Update``, ``Forward``, ``Close`` and ``Unlock``;
``Forward`` and ``Close`` unlock. ``Reopen`` appears only on a closed call.
A lock lives as long as the session that took it. Invoking an action that is
not offered is refused: ``403`` ``Record locked by <name>`` when another
session holds the lock, else ``403 NotAllowed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import ApiError, current_core
from .errors import field_errors, not_allowed
from .query import AL23_TRUE_FLAGS
from .sessions import Session, licences

CALL_ENTITY = "Call"
LOCKED_ACTIONS = ("Update", "Forward", "Defer", "Close")
UNLOCKING = ("Unlock", "Forward", "Defer", "Close")
#: the status a call must still have for the action to apply (checked in the UPDATE)
FROM_STATUS = {"Submit": "New", "Forward": "Open", "Close": "Open", "Reopen": "Closed"}


@dataclass(frozen=True)
class Lock:
    session: str
    person: int
    name: str

    def mine(self, session: Session) -> bool:
        return self.session == session.session


def current_lock(connection: Connection, ref: int) -> Lock | None:
    """The live lock on call ``ref`` (a lock of an ended session has lapsed)."""
    storage = current_core().storage
    row = storage.driver(_lock_of_call, storage["locks"], storage["persons"]).first(
        connection, {"ref": ref})
    if row is None or licences().live(row.session, connection) is None:
        return None
    return Lock(row.session, row.person_ref, row.name or f"person {row.person_ref}")


def _lock_of_call(locks: sa.Table, persons: sa.Table) -> sa.Select:
    """The lock on the call whose ref is bound as ``ref``, with its holder's name: read for
    every Get of a call (its actions depend on it)."""
    return (sa.select(locks.c.session, locks.c.person_ref, persons.c.name)
            .join(persons, persons.c.ref == locks.c.person_ref, isouter=True)
            .where(locks.c.entity == CALL_ENTITY, locks.c.ref == sa.bindparam("ref")))


def call_actions(row: Any, session: Session, lock: Lock | None) -> list[str]:
    """The actions valid for this call in its current state, for this session."""
    me = session.person
    if session.anonymous or flag(row.deleted):
        return []
    if row.status == "New":
        if row.created_by_ref != me:
            return []
        return ["Submit", "Update", "Defer"] if session.analyst else ["Submit", "Update"]
    if row.status == "Closed":
        return ["Reopen"] if session.analyst or row.user_ref == me else []
    if not session.analyst:
        return []
    if lock is not None and lock.mine(session):
        return ["Update", "Forward", "Defer", "Close", "Unlock"]
    return ["Lock"]


def flag(value: Any) -> bool:
    """A stored legacy flag read as a boolean (AL-23)."""
    return str(value or "").upper() in AL23_TRUE_FLAGS


def refuse(row: Any, action: str, lock: Lock | None, session: Session) -> ApiError:
    if lock is not None and not lock.mine(session) and row.status == "Open":
        return ApiError(403, "None", f"Record locked by {lock.name}")
    if row.status == "Open" and session.analyst and action in LOCKED_ACTIONS:
        return not_allowed(f"Lock call {row.ref} before you {action.lower()} it.")
    return not_allowed(
        f"{action} is not available for call {row.ref} in its current state ({row.status})."
    )


def perform(
    connection: Connection, row: Any, action: str, session: Session, parameters: dict[str, Any]
) -> None:
    """Apply a state action to call ``row`` (already checked as offered)."""
    core = current_core()
    now = core.clock.naive_now()
    locks = core.storage["locks"]
    changes: dict[str, Any] = {"last_action_date": now}
    if action == "Lock":
        _take_lock(connection, row.ref, session, now)
        return
    if action == "Submit":
        changes.update(status="Open", logged_date=now)
    elif action == "Forward":
        changes["officer_ref"] = _officer(connection, parameters)
    elif action == "Close":
        changes.update(status="Closed", closed_date=now, resolution=_resolution(parameters))
    elif action == "Reopen":
        changes.update(status="Open", closed_date=None, resolution=None)
    elif action == "Defer":
        _defer(connection, row, session, parameters, changes)
    if action != "Unlock":
        _change(connection, row, action, changes)
    if action in UNLOCKING:
        core.storage.driver(_lock_released, locks).run(connection, {"ref": row.ref})


def _change(connection: Connection, row: Any, action: str, changes: dict[str, Any]) -> None:
    """One conditional UPDATE: of two sessions acting at once, only one moves the call."""
    storage = current_core().storage
    update = storage.driver(_call_changed, storage["calls"], action in FROM_STATUS,
                            column_keys=tuple(changes))
    values = {**changes, "call_ref": row.ref, "from_status": FROM_STATUS.get(action)}
    if update.run(connection, values) != 1:
        raise not_allowed(f"{action} is no longer available for call {row.ref}.")


def _lock_released(locks: sa.Table) -> sa.Delete:
    """The lock on the call whose ref is bound as ``ref``, deleted."""
    return locks.delete().where(locks.c.entity == CALL_ENTITY, locks.c.ref == sa.bindparam("ref"))


def _call_changed(calls: sa.Table, from_status: bool) -> sa.Update:
    """The UPDATE of :func:`_change`: the call bound as ``call_ref`` (when ``from_status``,
    only while its status is the bound ``from_status``); the columns it sets are its
    ``column_keys``."""
    query = calls.update().where(calls.c.ref == sa.bindparam("call_ref"))
    if from_status:
        query = query.where(calls.c.status == sa.bindparam("from_status"))
    return query


def _defer(
    connection: Connection,
    row: Any,
    session: Session,
    parameters: dict[str, Any],
    changes: dict[str, Any],
) -> None:
    from .history import defer_values, record

    values = defer_values(parameters)
    if values.get("Officer") is not None:
        changes["officer_ref"] = _officer(connection, {"Officer": values["Officer"]})
    record(connection, row.ref, values, session)


def _take_lock(connection: Connection, ref: int, session: Session, now: Any) -> None:
    """Take the lock in one conditional statement, so that of many sessions locking at
    once exactly one wins: re-take our own or a lapsed lock (UPDATE ... WHERE the holder
    is us or no longer live), else insert one where none exists (INSERT ... SELECT
    WHERE NOT EXISTS; on PostgreSQL a racing insert fails on the primary key)."""
    locks = current_core().storage["locks"]
    seats = licences().table
    mine = {"session": session.session, "person_ref": session.person, "locked_at": now}
    where = sa.and_(locks.c.entity == CALL_ENTITY, locks.c.ref == ref)
    live = sa.select(seats.c.session).where(seats.c.session.is_not(None), seats.c.expires_at > now)
    retaken = connection.execute(
        locks.update()
        .where(where, sa.or_(locks.c.session == session.session, locks.c.session.not_in(live)))
        .values(**mine)
    ).rowcount
    if retaken == 1:
        return
    row = sa.select(
        sa.literal(CALL_ENTITY, sa.String(40)),
        sa.literal(ref, sa.Integer),
        sa.literal(session.session, sa.String(64)),
        sa.literal(session.person, sa.Integer),
        sa.literal(now, sa.DateTime),
    ).where(~sa.exists().where(where))
    try:
        connection.execute(
            locks.insert().from_select(["entity", "ref", "session", "person_ref", "locked_at"], row)
        )
    except sa.exc.IntegrityError:  # another session locked it a moment ago (PostgreSQL)
        raise ApiError(403, "None", "Record locked by another session") from None
    held = current_lock(connection, ref)  # rowcount of INSERT ... SELECT is unreliable
    if held is None or not held.mine(session):
        raise ApiError(403, "None", f"Record locked by {held.name if held else 'another session'}")


def _officer(connection: Connection, parameters: dict[str, Any]) -> int:
    value = parameters.get("Officer")
    persons = current_core().storage["persons"]
    if isinstance(value, bool) or not isinstance(value, int):
        raise field_errors({"$action.Officer": ["Required: the Ref of an analyst"]})
    found = connection.execute(
        sa.select(persons.c.ref).where(
            persons.c.ref == value, persons.c.is_analyst == "Y", persons.c.active == "A"
        )
    ).first()
    if found is None:
        raise field_errors({"$action.Officer": [f"LinkedRecordNotFound: no analyst {value}"]})
    return value


def _resolution(parameters: dict[str, Any]) -> str | None:
    value = parameters.get("Resolution")
    if value is not None and (not isinstance(value, str) or len(value) > 255):
        raise field_errors({"$action.Resolution": ["MaxLength: text of at most 255 characters"]})
    return value
