"""An installation's sets and fields, read from the tables into plain objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core
from . import statements

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
    """The set with its fields and their options, in one query."""
    rows = core.storage.driver(statements.set_definition, core.storage).records(
        connection, {"set_id": set_id})
    if not rows:
        return None
    first = rows[0]
    found = SetDef(first.id, first.name, first.kind, first.group_id, first.index_field,
                   first.revision, first.modified_at)
    current: Field | None = None
    for r in rows:
        if r.field_id is None:
            continue
        if current is None or current.id != r.field_id:
            current = found.fields[r.field_name] = Field(
                r.field_id, r.field_name, r.field_label, r.field_type, r.required, r.active,
                r.decimals, r.unit, r.list_id)
        if r.option_id is not None:
            current.options[r.option_id] = r.option_label
    return found


def setting(core: Core, connection: Connection, key: str, default: str) -> str:
    settings = core.storage["settings"]
    value = connection.execute(
        sa.select(settings.c.value).where(settings.c.key == key)).scalar()
    return default if value is None else str(value)
