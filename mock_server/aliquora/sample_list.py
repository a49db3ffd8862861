"""The samples list's SELECTs: one per combination of filters, compiled once per app.

A request names which filters it uses (``organization_id`` always, then any of
``status``, ``material_type_id``, ``project_id``, ``tracking_id``, ``since``,
``until`` and ``cursor``); the statement for that combination is built with
bound parameters the first time and read through the driver from then on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from . import serializers

#: filter name -> its condition on the samples table, given the bound parameter
CONDITIONS: dict[str, Callable[[sa.Table, sa.BindParameter[Any]], sa.ColumnElement[bool]]] = {
    "organization_id": lambda t, value: t.c.organization_id == value,
    "status": lambda t, value: t.c.status == value,
    "material_type_id": lambda t, value: t.c.material_type_id == value,
    "project_id": lambda t, value: t.c.project_id == value,
    "tracking_id": lambda t, value: t.c.tracking_id == value,
    "since": lambda t, value: t.c.received_at >= value,
    "until": lambda t, value: t.c.received_at <= value,
    "cursor": lambda t, value: t.c.id < value,
}


def sample_rows(connection: Connection, filters: dict[str, Any], fetch: int) -> list[tuple]:
    """Up to ``fetch`` samples matching ``filters``, newest id first, as ``Shape`` rows."""
    read = current_core().storage.driver(_statement, tuple(filters))
    return read.rows(connection, {**filters, "fetch": fetch})


def _statement(filter_names: tuple[str, ...]) -> sa.Select:
    samples = current_core().storage["samples"]
    conditions = [CONDITIONS[name](samples, sa.bindparam(name, type_=_type(samples, name)))
                  for name in filter_names]
    return (sa.select(*serializers.sample_shape().columns()).where(*conditions)
            .order_by(samples.c.id.desc()).limit(sa.bindparam("fetch")))


def _type(samples: sa.Table, name: str) -> sa.types.TypeEngine[Any]:
    if name in ("since", "until"):
        return samples.c.received_at.type
    if name == "cursor":
        return samples.c.id.type
    return samples.c[name].type
