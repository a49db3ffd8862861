"""Approvals: the approver of a pending approval may Approve or Reject it, once. The
decision is one conditional UPDATE (``WHERE status = 'Pending'``): of two decisions
sent at once, exactly one wins and the other is refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from ..core import current_core
from .entities_more import COMMENTS
from .errors import field_errors, not_allowed
from .sessions import Session
from .validation import Invalid, stored

DECISIONS = {"Approve": "Approved", "Reject": "Rejected"}


def actions(row: Any, session: Session) -> list[str]:
    if row.status == "Pending" and row.approver_ref == session.person:
        return list(DECISIONS)
    return []


def perform(
    connection: Connection, row: Any, action: str, session: Session, parameters: dict[str, Any]
) -> None:
    try:
        comments = stored(COMMENTS, parameters.get("Comments"))
    except Invalid as problem:
        raise field_errors({"$action.Comments": [str(problem)]}) from None
    table = current_core().storage["approvals"]
    done = connection.execute(
        table.update()
        .where(table.c.ref == row.ref, table.c.status == "Pending")
        .values(
            status=DECISIONS[action],
            comments=comments,
            decided_date=current_core().clock.naive_now(),
        )
    )
    if done.rowcount != 1:
        raise not_allowed(f"Approval {row.ref} has already been decided.")
