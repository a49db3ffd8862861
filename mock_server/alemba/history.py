"""Call history and the Defer action (cookbook, "Recording Actions" and "Initial
Assignment"): Defer records an entry from ``$action.Description.*`` and
``$action.ActionType``, assigns the call to ``$action.Officer`` when given, and
unlocks the call. The call's ``LastHistoryOrder`` names its latest entry, which
is what ``$leftJoin=LastAction:CallHistory(TicketId==Ref && Order==LastHistoryOrder)``
joins on."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from .call_create import as_html
from .entities import DEFER_PARAMETERS
from .errors import field_errors
from .sessions import Session
from .validation import Invalid, stored

PARAMETERS = {prop.name: prop for prop in DEFER_PARAMETERS}
DEFAULT_TITLE = "Action recorded"


def defer_values(parameters: dict[str, Any]) -> dict[str, Any]:
    """The ``$action`` of a Defer, checked, as history columns (plus ``officer_ref``)."""
    description = parameters.get("Description") or {}
    if not isinstance(description, dict):
        raise field_errors(
            {"$action.Description": ["Type: an object of Description, DescriptionHtml and Title"]}
        )
    given = {f"Description.{key}": value for key, value in description.items()}
    given.update({key: parameters.get(key) for key in ("ActionType", "Officer")})
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in given.items():
        prop = PARAMETERS.get(name)
        if prop is None:
            errors[f"$action.{name}"] = [f"Unknown: Defer has no parameter {name}"]
            continue
        try:
            out[name] = stored(prop, value)
        except Invalid as problem:
            errors[f"$action.{name}"] = [str(problem)]
    if errors:
        raise field_errors(errors)
    return out


def record(connection: Connection, call_ref: int, values: dict[str, Any], session: Session) -> None:
    """A new history entry for the call; the call's LastHistoryOrder follows it."""
    storage = current_core().storage
    table, calls = storage["call_history"], storage["calls"]
    last = connection.execute(
        sa.select(sa.func.max(table.c.order)).where(table.c.ticket_id == call_ref)
    ).scalar()
    order = (last or 0) + 1
    text, html = values.get("Description.Description"), values.get("Description.DescriptionHtml")
    connection.execute(
        table.insert().values(
            ticket_id=call_ref,
            order=order,
            title=values.get("Description.Title") or DEFAULT_TITLE,
            description=text,
            description_html=html if html is not None else (as_html(text) if text else None),
            action_type=values.get("ActionType"),
            officer_ref=values.get("Officer"),
            action_date=current_core().clock.naive_now(),
            created_by_ref=session.person,
        )
    )
    connection.execute(
        calls.update().where(calls.c.ref == call_ref).values(last_history_order=order)
    )
