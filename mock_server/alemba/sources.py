"""Where an entity's rows come from: its table, or for an abstract grouping such as
Asset the union of its kinds' tables (guide, "Handling partitions": ``asset?$partition=1``
returns Services and Configuration Items together)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..core.storage import Storage
from .schema import Entity


def source(storage: Storage, entity: Entity) -> Any:
    """A table, or a named subquery with the same columns, for ``entity``'s rows."""
    if not entity.subtypes:
        return storage[entity.table]
    from .entities import BY_NAME  # the kinds are described after this module loads

    parts = [_part(storage, BY_NAME[name], entity) for name in entity.subtypes]
    return sa.union_all(*parts).subquery(entity.table)


def _part(storage: Storage, kind: Entity, group: Entity) -> sa.Select:
    table = storage[kind.table]
    columns: list[Any] = []
    for prop in group.props:
        if prop.name == "AssetType":
            columns.append(sa.literal(kind.name, sa.String(30)).label(prop.column))
        elif prop.column in table.c:
            columns.append(table.c[prop.column].label(prop.column))
        else:
            columns.append(sa.cast(sa.null(), prop.sql_column().type).label(prop.column))
    columns.append(sa.literal(1 if kind.partitioned else 0, sa.Integer).label("is_partitioned"))
    return sa.select(*columns)


def partition_clause(entity: Entity, table: Any, inside: Any) -> Any:
    """Rows for which ``inside`` (a condition on ``table.c.partition_ref``) holds, where
    the row's kind is partitioned."""
    if entity.subtypes:
        return sa.or_(table.c.is_partitioned == 0, inside)
    return inside
