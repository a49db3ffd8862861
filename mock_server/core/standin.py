"""The stand-in store: which deviations are on and which faults are armed, for every worker.

Both live in one small table of the system's database, so an admin call
answered by one worker holds at once for requests answered by any other.
A request reads the whole table once (:meth:`StandInStore.snapshot`, cached
on ``flask.g``); it is empty unless someone is testing with it. A fault's
``times`` budget is spent with a conditional ``UPDATE ... WHERE remaining > 0``,
so N requests racing over several workers fire it exactly N times at most.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context

from . import fastctx
from .storage import Storage

DEVIATION = "deviation"
FAULT = "fault"


@dataclass(frozen=True)
class FaultRow:
    id: int
    spec: dict[str, Any]
    remaining: int | None  # None: unlimited
    created_at: datetime


@dataclass(frozen=True)
class Snapshot:
    deviations: frozenset[str] = frozenset()  # "RULE/variant"
    faults: tuple[FaultRow, ...] = field(default_factory=tuple)


EMPTY = Snapshot()


class StandInStore:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.table = storage.table(
            "core_standin",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("spec", sa.Text, nullable=False, default="{}"),
            sa.Column("remaining", sa.Integer, nullable=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )
        self._select = sa.select(self.table).order_by(self.table.c.id)
        # Usually nothing is armed: one driver-level probe answers that (every request
        # reads the store), and only a non-empty store is read through SQLAlchemy.
        self._probe = f"SELECT 1 FROM {self.table.name} LIMIT 1"

    # --- reading -------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """Everything armed, read once per request."""
        request_g = fastctx.request_g()
        if request_g is not None:
            cached = request_g.get("apidouble_standin")
            if cached is not None:
                return cached  # type: ignore[no-any-return]
        snapshot = self._read()
        if request_g is not None:
            request_g.apidouble_standin = snapshot
        return snapshot

    def suspend(self) -> None:
        """Nothing is on for the rest of this request (a reset reseeds the true data)."""
        if has_request_context():
            g.apidouble_standin = EMPTY

    def note_nothing_armed(self) -> None:
        """This request found the store empty (read with the other shared state)."""
        if has_request_context():
            g.apidouble_standin = EMPTY

    def forget(self) -> None:
        """Drop this request's cached snapshot (after an admin change)."""
        if has_request_context():
            g.pop("apidouble_standin", None)

    def _read(self) -> Snapshot:
        if self.storage.first_row(self._probe) is None:
            return EMPTY
        with self.storage.connect() as connection:
            rows = connection.execute(self._select).all()
        if not rows:
            return EMPTY
        deviations = frozenset(row.name for row in rows if row.kind == DEVIATION)
        faults = tuple(FaultRow(row.id, json.loads(row.spec), row.remaining, row.created_at)
                       for row in rows if row.kind == FAULT)
        return Snapshot(deviations, faults)

    # --- deviations ----------------------------------------------------------------------
    def switch_on(self, key: str, now: datetime) -> None:
        with self.storage.begin_bookkeeping() as connection:
            exists = connection.execute(
                sa.select(self.table.c.id).where(self.table.c.kind == DEVIATION,
                                                 self.table.c.name == key)
            ).first()
            if exists is None:
                connection.execute(self.table.insert().values(
                    kind=DEVIATION, name=key, spec="{}", created_at=now))
        self.forget()

    # --- faults --------------------------------------------------------------------------
    def add_fault(self, spec: dict[str, Any], remaining: int | None, now: datetime) -> FaultRow:
        with self.storage.begin_bookkeeping() as connection:
            inserted = connection.execute(self.table.insert().values(
                kind=FAULT, name=spec.get("path", "*"), spec=json.dumps(spec),
                remaining=remaining, created_at=now)).inserted_primary_key
            new_id = inserted[0] if inserted else 0
        self.forget()
        return FaultRow(int(new_id), spec, remaining, now)

    def faults(self) -> list[FaultRow]:
        self.forget()
        return list(self.snapshot().faults)

    def spend(self, fault_id: int) -> bool:
        """Use one of a limited fault's ``times``; False when another request took the last."""
        with self.storage.begin_bookkeeping() as connection:
            spent = connection.execute(
                self.table.update()
                .where(self.table.c.id == fault_id, self.table.c.remaining > 0)
                .values(remaining=self.table.c.remaining - 1)
            ).rowcount
        return bool(spent)

    def delete_fault(self, fault_id: int) -> bool:
        with self.storage.begin_bookkeeping() as connection:
            deleted = connection.execute(self.table.delete().where(
                self.table.c.kind == FAULT, self.table.c.id == fault_id)).rowcount
        self.forget()
        return bool(deleted)

    # --- clearing ------------------------------------------------------------------------
    def clear(self, kind: str | None = None) -> None:
        """Remove every deviation and fault (or only those of ``kind``)."""
        statement = self.table.delete()
        if kind is not None:
            statement = statement.where(self.table.c.kind == kind)
        with self.storage.begin_bookkeeping() as connection:
            connection.execute(statement)
        self.forget()
