"""What performing a list needs from the database: the unit test collection, the
day's test list with its sublists' tests, and each test's reference and tolerance."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.storage import Storage
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
    utcs, members = storage["unittestcollections"], storage["testlistcyclememberships"]
    row = connection.execute(sa.select(utcs).where(utcs.c.id == utc_id)).one()
    lists: tuple[int, ...] = ()
    if row.test_list_cycle_id is not None:
        lists = tuple(connection.execute(
            sa.select(members.c.test_list_id).where(members.c.cycle_id == row.test_list_cycle_id)
            .order_by(members.c.order, members.c.id)).scalars())
    return Collection(row, lists)


def list_tests(connection: Connection, test_list_id: int) -> list[int]:
    """The list's own tests then each sublist's, in order (``TestList.all_tests``)."""
    storage = current_core().storage
    members, sublists = storage["testlistmemberships"], storage["sublists"]
    own = list(connection.execute(
        sa.select(members.c.test_id).where(members.c.test_list_id == test_list_id)
        .order_by(members.c.order, members.c.id)).scalars())
    children = connection.execute(
        sa.select(sublists.c.child_id).where(sublists.c.parent_id == test_list_id)
        .order_by(sublists.c.order, sublists.c.id)).scalars().all()
    for child in children:
        if child != test_list_id:
            own.extend(t for t in list_tests(connection, child) if t not in own)
    return own


def items(connection: Connection, unit_id: int, test_ids: list[int]) -> list[Item]:
    statements = _item_statements(current_core().storage)
    test_rows = {r.id: r for r in connection.execute(statements.tests, {"test_ids": test_ids})}
    uti_rows = {r.test_id: r for r in connection.execute(
        statements.utis, {"unit_id": unit_id, "test_ids": test_ids})}
    ref_ids = [u.reference_id for u in uti_rows.values() if u.reference_id]
    tol_ids = [u.tolerance_id for u in uti_rows.values() if u.tolerance_id]
    ref_rows = {r.id: r for r in connection.execute(statements.refs, {"ids": ref_ids})}
    tol_rows = {r.id: r for r in connection.execute(statements.tols, {"ids": tol_ids})}
    return [_item(test_rows[t], uti_rows.get(t), ref_rows, tol_rows)
            for t in test_ids if t in test_rows]


@dataclass(frozen=True)
class _ItemStatements:
    tests: sa.Select
    utis: sa.Select
    refs: sa.Select
    tols: sa.Select


@functools.lru_cache(maxsize=16)
def _item_statements(storage: Storage) -> _ItemStatements:
    """The four reads of :func:`items`, built once per storage with expanding bound id
    lists (every perform makes them; the compiled forms are reused)."""
    tests, utis = storage["tests"], storage["unittestinfos"]
    refs, tols = storage["references"], storage["tolerances"]
    test_ids = sa.bindparam("test_ids", expanding=True)
    return _ItemStatements(
        tests=sa.select(tests).where(tests.c.id.in_(test_ids)),
        utis=sa.select(utis).where(utis.c.unit_id == sa.bindparam("unit_id"),
                                   utis.c.test_id.in_(test_ids)),
        refs=sa.select(refs).where(refs.c.id.in_(sa.bindparam("ids", expanding=True))),
        tols=sa.select(tols).where(tols.c.id.in_(sa.bindparam("ids", expanding=True))))


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
