"""Service orders (cookbook, "Creating a Service Order"): create the order
(``service-order/$create``), one item per service action with its quantity
(``service-order-item/$create``) and, for each item, a call whose
``ServiceOrderItem`` names it; ``Submit`` on the order totals it and submits the
calls of its items. Only a ``New`` order changes; the checks are conditional
UPDATEs, so two clients submitting at once cannot both succeed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from .errors import field_errors, not_allowed
from .schema import Entity
from .sessions import Session

TABLES = ("service_orders", "service_order_items")


def on_create(
    connection: Connection, entity: Entity, values: dict[str, Any], session: Session
) -> dict[str, Any]:
    if entity.table == "service_orders":
        return {
            "status": "New",
            "created_date": current_core().clock.naive_now(),
            "created_by_ref": session.person,
            "requester_ref": values.get("requester_ref") or session.person,
            "order_total": None,
        }
    _order_is_new(connection, values["service_order_ref"])
    actions = current_core().storage["service_actions"]
    cost = connection.execute(
        sa.select(actions.c.cost).where(actions.c.ref == values["service_action_ref"])
    ).scalar()
    if values["quantity"] < 1:
        raise field_errors({"Quantity": ["Range: Quantity must be at least 1"]})
    return {"unit_cost": cost}


def _order_is_new(connection: Connection, ref: int) -> None:
    orders = current_core().storage["service_orders"]
    status = connection.execute(sa.select(orders.c.status).where(orders.c.ref == ref)).scalar()
    if status != "New":
        raise not_allowed(f"Service order {ref} is {status}: items can no longer change.")


def actions(connection: Connection, entity: Entity, row: Any) -> list[str]:
    if entity.table == "service_orders":
        return ["Update", "Submit"] if row.status == "New" else []
    orders = current_core().storage["service_orders"]
    status = connection.execute(
        sa.select(orders.c.status).where(orders.c.ref == row.service_order_ref)
    ).scalar()
    return ["Update", "Delete"] if status == "New" else []


def submit(connection: Connection, row: Any, session: Session) -> None:
    """Total the order and submit its items' calls, once."""
    storage = current_core().storage
    orders, items, calls = (
        storage["service_orders"],
        storage["service_order_items"],
        storage["calls"],
    )
    lines = connection.execute(
        sa.select(items.c.ref, items.c.quantity, items.c.unit_cost).where(
            items.c.service_order_ref == row.ref
        )
    ).all()
    if not lines:
        raise field_errors({"ServiceOrderItem": ["Required: an order needs at least one item"]})
    total = sum((Decimal(str(unit or 0)) * quantity for _, quantity, unit in lines), Decimal(0))
    now = current_core().clock.naive_now()
    done = connection.execute(
        orders.update()
        .where(orders.c.ref == row.ref, orders.c.status == "New")
        .values(status="Submitted", order_total=total, submitted_date=now)
    )
    if done.rowcount != 1:
        raise not_allowed(f"Service order {row.ref} has already been submitted.")
    connection.execute(
        calls.update()
        .where(calls.c.service_order_item_ref.in_([ref for ref, _, _ in lines]))
        .where(calls.c.status == "New")
        .values(status="Open", logged_date=now, last_action_date=now)
    )


def perform(
    connection: Connection, row: Any, action: str, session: Session, parameters: dict[str, Any]
) -> None:
    if action == "Submit":
        submit(connection, row, session)
