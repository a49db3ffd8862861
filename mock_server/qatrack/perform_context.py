"""What performing a list needs from the database: the unit test collection, the
day's test list with its sublists' tests, and each test's reference and tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.driver_sql import in_list, in_list_size, in_list_values, row_by_id
from . import evaluation as ev


@dataclass(frozen=True)
class Item:
    """One test of the list being performed."""

    test_id: int
    slug: str
    spec: ev.TestSpec
    procedure: str
    uti_id: int | None
    reference_id: int | None
    tolerance_id: int | None
    reference: ev.Reference | None
    tolerance: ev.Tolerance | None

    @property
    def calculated(self) -> bool:
        return self.spec.type in ev.CALCULATED_TYPES


@dataclass(frozen=True)
class Collection:
    row: Any
    cycle_lists: tuple[int, ...]  # empty for a plain test list

    @property
    def is_cycle(self) -> bool:
        return self.row.test_list_cycle_id is not None

    def list_for(self, day: int) -> int:
        return self.cycle_lists[day] if self.is_cycle else self.row.test_list_id


def collection(connection: Connection, utc_id: int) -> Collection:
    storage = current_core().storage
    row = storage.driver(row_by_id, storage["unittestcollections"]).first(
        connection, {"id": utc_id})
    if row is None:
        raise sa.exc.NoResultFound(f"no unit test collection {utc_id}")
    lists: tuple[int, ...] = ()
    if row.test_list_cycle_id is not None:
        read = storage.driver(_cycle_lists, storage["testlistcyclememberships"])
        lists = tuple(r[0] for r in read.rows(connection, {"cycle_id": row.test_list_cycle_id}))
    return Collection(row, lists)


def _cycle_lists(members: sa.Table) -> sa.Select:
    return (sa.select(members.c.test_list_id).where(members.c.cycle_id == sa.bindparam("cycle_id"))
            .order_by(members.c.order, members.c.id))


def list_tests(connection: Connection, test_list_id: int) -> list[int]:
    """The list's own tests then each sublist's, in order (``TestList.all_tests``)."""
    storage = current_core().storage
    values = {"test_list_id": test_list_id}
    own = [r[0] for r in storage.driver(_own_tests, storage["testlistmemberships"]).rows(
        connection, values)]
    children = [r[0] for r in storage.driver(_sublists, storage["sublists"]).rows(
        connection, values)]
    for child in children:
        if child != test_list_id:
            own.extend(t for t in list_tests(connection, child) if t not in own)
    return own


def _own_tests(members: sa.Table) -> sa.Select:
    return (sa.select(members.c.test_id)
            .where(members.c.test_list_id == sa.bindparam("test_list_id"))
            .order_by(members.c.order, members.c.id))


def _sublists(sublists: sa.Table) -> sa.Select:
    return (sa.select(sublists.c.child_id)
            .where(sublists.c.parent_id == sa.bindparam("test_list_id"))
            .order_by(sublists.c.order, sublists.c.id))


def items(connection: Connection, unit_id: int, test_ids: list[int]) -> list[Item]:
    """Each test's definition, its unit test info on this unit, reference and tolerance
    (on the driver: a perform reads them inside the writer's turn)."""
    storage = current_core().storage
    tests, utis = storage["tests"], storage["unittestinfos"]
    size = in_list_size(len(test_ids))
    by_test = in_list_values("test_id", test_ids)
    test_rows = {r.id: r for r in storage.driver(_tests_among, tests, size).records(
        connection, by_test)}
    uti_rows = {r.test_id: r for r in storage.driver(_utis_among, utis, size).records(
        connection, {**by_test, "unit_id": unit_id})}
    ref_rows = _by_id(connection, storage["references"],
                      [u.reference_id for u in uti_rows.values() if u.reference_id])
    tol_rows = _by_id(connection, storage["tolerances"],
                      [u.tolerance_id for u in uti_rows.values() if u.tolerance_id])
    return [_item(test_rows[t], uti_rows.get(t), ref_rows, tol_rows)
            for t in test_ids if t in test_rows]


def _by_id(connection: Connection, table: sa.Table, ids: list[int]) -> dict[int, Any]:
    read = current_core().storage.driver(_rows_among, table, in_list_size(len(ids)))
    return {r.id: r for r in read.records(connection, in_list_values("id", ids))}


def _tests_among(tests: sa.Table, size: int) -> sa.Select:
    return sa.select(tests).where(in_list(tests.c.id, "test_id", size))


def _utis_among(utis: sa.Table, size: int) -> sa.Select:
    return sa.select(utis).where(utis.c.unit_id == sa.bindparam("unit_id"),
                                 in_list(utis.c.test_id, "test_id", size))


def _rows_among(table: sa.Table, size: int) -> sa.Select:
    return sa.select(table).where(in_list(table.c.id, "id", size))


def _item(test: Any, uti: Any, refs: dict[int, Any], tols: dict[int, Any]) -> Item:
    spec = ev.TestSpec(type=test.type, formatting=test.formatting or "",
                       choices=ev.split_choices(test.choices),
                       constant_value=test.constant_value, slug=test.slug)
    ref = refs.get(uti.reference_id) if uti is not None and uti.reference_id else None
    tol = tols.get(uti.tolerance_id) if uti is not None and uti.tolerance_id else None
    return Item(
        test_id=test.id, slug=test.slug, spec=spec, procedure=test.calculation_procedure or "",
        uti_id=uti.id if uti is not None else None,
        reference_id=ref.id if ref is not None else None,
        tolerance_id=tol.id if tol is not None else None,
        reference=ev.Reference(float(ref.value)) if ref is not None and ref.value is not None
        else None,
        tolerance=_tolerance(tol) if tol is not None else None,
    )


def _tolerance(row: Any) -> ev.Tolerance:
    return ev.Tolerance(
        type=row.type, act_low=row.act_low, tol_low=row.tol_low, tol_high=row.tol_high,
        act_high=row.act_high, mc_pass_choices=ev.split_choices(row.mc_pass_choices),
        mc_tol_choices=ev.split_choices(row.mc_tol_choices),
        bool_warning_only=bool(row.bool_warning_only),
    )
