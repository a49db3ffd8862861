"""An installation's sets and fields, read from the tables into plain objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core

#: every set has a result date, a datetime, whatever its own fields are
DATE_FIELD = "date"


@dataclass
class Field:
    id: int
    name: str
    label: str
    type: str
    required: bool = False
    active: bool = True
    decimals: int | None = None
    unit: str | None = None
    list_id: int | None = None
    options: dict[int, str] = field(default_factory=dict)  # option id -> label

    def option_by_label(self, label: str) -> int | None:
        return next((oid for oid, text in self.options.items() if text == label), None)


@dataclass
class SetDef:
    id: int
    name: str
    kind: str
    group_id: int
    index_field: str | None
    revision: int
    modified_at: Any
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def transactional(self) -> bool:
        return self.kind == "analysis"

    def knows(self, name: str) -> bool:
        return name == DATE_FIELD or name in self.fields


def set_ids(core: Core, connection: Connection) -> list[int]:
    sets = core.storage["sets"]
    return [row.id for row in connection.execute(sa.select(sets.c.id).order_by(sets.c.id))]


def load_set(core: Core, connection: Connection, set_id: int) -> SetDef | None:
    sets, fields, options = (core.storage[n] for n in ("sets", "fields", "options"))
    row = connection.execute(sa.select(sets).where(sets.c.id == set_id)).first()
    if row is None:
        return None
    found = SetDef(row.id, row.name, row.kind, row.group_id, row.index_field, row.revision,
                   row.modified_at)
    by_id: dict[int, Field] = {}
    query = sa.select(fields).where(fields.c.set_id == set_id).order_by(fields.c.position)
    for f in connection.execute(query):
        by_id[f.id] = found.fields[f.name] = Field(
            f.id, f.name, f.label, f.type, f.required, f.active, f.decimals, f.unit, f.list_id)
    if by_id:
        query = (sa.select(options).where(options.c.field_id.in_(list(by_id)))
                 .order_by(options.c.option_id))
        for o in connection.execute(query):
            by_id[o.field_id].options[o.option_id] = o.label
    return found


def setting(core: Core, connection: Connection, key: str, default: str) -> str:
    settings = core.storage["settings"]
    value = connection.execute(
        sa.select(settings.c.value).where(settings.c.key == key)).scalar()
    return default if value is None else str(value)
