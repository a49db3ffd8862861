"""Writing a performed (or edited) test list instance: the instance, one test
instance per test, attachments, the comment, and the collection's schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.driver_sql import inserted, inserted_id
from . import evaluation as ev
from .perform_checks import Checked
from .perform_context import Collection


@dataclass(frozen=True)
class Saved:
    checked: Checked
    ti_id: int
    outcome: ev.Outcome
    status_id: int
    attachment_ids: tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    """Everything decided before writing."""

    user_id: int
    collection: Collection
    day: int
    test_list_id: int
    work_started: datetime
    work_completed: datetime
    in_progress: bool
    include_for_scheduling: bool
    user_key: str | None
    status_id: int | None
    comment: str | None
    attachments: list[tuple[str, bytes]]
    keep_uploads: frozenset[str] = frozenset()


def default_status(connection: Connection) -> int:
    storage = current_core().storage
    found = storage.driver(_default_status, storage["testinstancestatus"]).scalar(connection)
    return found if found is not None else 1


def _default_status(table: sa.Table) -> sa.Select:
    return (sa.select(table.c.id).where(table.c.is_default.is_(True)).order_by(table.c.id)
            .limit(1))


def save_instance(connection: Connection, plan: Plan, checked: list[Checked],
                  tli_id: int | None) -> tuple[int, list[Saved]]:
    storage, now = current_core().storage, current_core().clock.naive_now()
    table = storage["testlistinstances"]
    values = {
        "unit_test_collection_id": plan.collection.row.id, "test_list_id": plan.test_list_id,
        "day": plan.day, "work_started": plan.work_started,
        "work_completed": plan.work_completed, "in_progress": plan.in_progress,
        "include_for_scheduling": plan.include_for_scheduling, "user_key": plan.user_key,
        "modified": now, "modified_by_id": plan.user_id,
    }
    if plan.comment:
        values["comment"] = plan.comment
    if tli_id is None:
        values.update(created=now, created_by_id=plan.user_id, flagged=False,
                      all_reviewed=False, due_date=plan.collection.row.due_date)
        tli_id = storage.driver(inserted_id, table, column_keys=tuple(values)).scalar(
            connection, values)
        fresh = True
    else:
        connection.execute(table.update().where(table.c.id == tli_id).values(**values))
        fresh = False
    status_id = plan.status_id or default_status(connection)
    if fresh:
        saved = _insert_tests(connection, plan, tli_id, checked, status_id, now)
    else:
        saved = [_save_test(connection, plan, tli_id, order, one, status_id, now)
                 for order, one in enumerate(checked)]
    for filename, content in plan.attachments:
        _attach(connection, plan.user_id, now, filename, content, tli_id=tli_id)
    if plan.comment:
        _comment(connection, plan.user_id, tli_id, plan.comment, now)
    if not plan.in_progress and plan.include_for_scheduling:
        _schedule(connection, plan, tli_id)
    return tli_id, saved


def _test_values(connection: Connection, plan: Plan, tli_id: int, order: int, one: Checked,
                 status_id: int, now: datetime) -> tuple[ev.Outcome, dict[str, Any]]:
    """One test's outcome and the columns of its test instance."""
    item = one.item
    outcome = ev.evaluate(item.spec, one.raw, skipped=one.entry.skipped,
                          in_progress=plan.in_progress, reference=item.reference,
                          tolerance=item.tolerance)
    uti_id = item.uti_id or _make_uti(connection, plan.collection.row.unit_id, item.test_id)
    stored = outcome.stored
    return outcome, {
        "value": stored.value, "string_value": stored.string_value,
        "date_value": stored.date_value, "datetime_value": stored.datetime_value,
        "skipped": one.entry.skipped, "comment": one.entry.comment,
        "pass_fail": outcome.pass_fail, "order": order, "status_id": status_id,
        "reference_id": item.reference_id, "tolerance_id": item.tolerance_id,
        "unit_test_info_id": uti_id, "test_list_instance_id": tli_id,
        "work_started": plan.work_started, "work_completed": plan.work_completed,
        "in_progress": plan.in_progress, "modified": now, "modified_by_id": plan.user_id,
    }


def _insert_tests(connection: Connection, plan: Plan, tli_id: int, checked: list[Checked],
                  status_id: int, now: datetime) -> list[Saved]:
    """The test instances of a list instance this request inserted: none exist yet, nor
    their attachments, so they go in with one ``executemany`` on the driver, and one
    read gives their ids by ``order`` (unique within the list instance)."""
    judged = [_test_values(connection, plan, tli_id, order, one, status_id, now)
              for order, one in enumerate(checked)]
    if not judged:
        return []
    rows = [{**values, "created": now, "created_by_id": plan.user_id} for _, values in judged]
    storage = current_core().storage
    table = storage["testinstances"]
    storage.driver(inserted, table, column_keys=tuple(rows[0])).run_many(connection, rows)
    id_by_order = dict(storage.driver(_ids_by_order, table).rows(connection, {"tli": tli_id}))
    saved = []
    for order, (one, (outcome, _values)) in enumerate(zip(checked, judged, strict=True)):
        ti_id = id_by_order[order]
        new_upload = one.upload is not None and one.item.slug not in plan.keep_uploads
        attachments = ((_attach(connection, plan.user_id, now, *one.upload, ti_id=ti_id),)
                       if new_upload else ())
        saved.append(Saved(one, ti_id, outcome, status_id, attachments))
    return saved


def _ids_by_order(table: sa.Table) -> sa.Select:
    """``(order, id)`` of the test instances of the list instance bound as ``tli``."""
    return (sa.select(table.c.order, table.c.id)
            .where(table.c.test_list_instance_id == sa.bindparam("tli")))


def _save_test(connection: Connection, plan: Plan, tli_id: int, order: int, one: Checked,
               status_id: int, now: datetime) -> Saved:
    """One test's instance of an edited list instance, inserted or updated."""
    outcome, values = _test_values(connection, plan, tli_id, order, one, status_id, now)
    table = current_core().storage["testinstances"]
    existing = connection.execute(sa.select(table.c.id).where(
        table.c.test_list_instance_id == tli_id,
        table.c.unit_test_info_id == values["unit_test_info_id"])).first()
    if existing is None:
        values.update(created=now, created_by_id=plan.user_id)
        ti_id = connection.execute(table.insert(), values).inserted_primary_key[0]
    else:
        ti_id = existing[0]
        connection.execute(table.update().where(table.c.id == ti_id).values(**values))
    attachments = _test_attachments(connection, plan, one, ti_id, now)
    return Saved(one, ti_id, outcome, status_id, attachments)


def _test_attachments(connection: Connection, plan: Plan, one: Checked, ti_id: int,
                      now: datetime) -> tuple[int, ...]:
    table = current_core().storage["attachments"]
    if one.upload is not None and one.item.slug not in plan.keep_uploads:
        connection.execute(table.delete().where(table.c.testinstance_id == ti_id))
        _attach(connection, plan.user_id, now, *one.upload, ti_id=ti_id)
    return tuple(connection.execute(sa.select(table.c.id).where(
        table.c.testinstance_id == ti_id).order_by(table.c.id)).scalars())


def _make_uti(connection: Connection, unit_id: int, test_id: int) -> int:
    table = current_core().storage["unittestinfos"]
    return connection.execute(table.insert().values(
        unit_id=unit_id, test_id=test_id, active=True)).inserted_primary_key[0]


def _attach(connection: Connection, user_id: int, now: datetime, filename: str,
            content: bytes, *, tli_id: int | None = None, ti_id: int | None = None) -> int:
    storage = current_core().storage
    values = {"filename": filename, "content": content, "label": filename, "comment": "",
              "testlistinstance_id": tli_id, "testinstance_id": ti_id, "created": now,
              "created_by_id": user_id}
    insert = storage.driver(inserted_id, storage["attachments"],
                            column_keys=tuple(values))
    return int(insert.scalar(connection, values))


def _comment(connection: Connection, user_id: int, tli_id: int, text: str,
             now: datetime) -> None:
    storage = current_core().storage
    kind = storage.driver(_list_instance_type, storage["contenttypes"]).scalar(connection)
    values = {"content_type_id": kind, "object_pk": str(tli_id), "user_id": user_id,
              "user_name": "", "comment": text, "submit_date": now, "is_public": True,
              "is_removed": False}
    storage.driver(inserted, storage["comments"], column_keys=tuple(values)).run(
        connection, values)


def _list_instance_type(types: sa.Table) -> sa.Select:
    """The content type of a list instance (what a comment is on)."""
    return sa.select(types.c.id).where(types.c.app_label == "qa",
                                       types.c.model == "testlistinstance")


def _schedule(connection: Connection, plan: Plan, tli_id: int) -> None:
    """The collection's last instance, next cycle day and due date move on."""
    storage = current_core().storage
    row = plan.collection.row
    values: dict[str, Any] = {"id_": row.id, "last_instance_id": tli_id}  # the columns set
    if plan.collection.is_cycle:
        values["next_day"] = (plan.day + 1) % len(plan.collection.cycle_lists)
    interval = storage.driver(_interval_of, storage["frequencies"]).scalar(
        connection, {"id_": row.frequency_id}) if row.frequency_id else None
    if interval:
        values["due_date"] = plan.work_completed + timedelta(days=float(interval))
    moved = tuple(name for name in values if name != "id_")
    storage.driver(_move_schedule, storage["unittestcollections"], column_keys=moved).run(
        connection, values)


def _interval_of(frequencies: sa.Table) -> sa.Select:
    return sa.select(frequencies.c.nominal_interval).where(
        frequencies.c.id == sa.bindparam("id_"))


def _move_schedule(utcs: sa.Table) -> sa.Update:
    """Sets the columns it is run with (``column_keys``) on the collection ``id_``."""
    return utcs.update().where(utcs.c.id == sa.bindparam("id_"))
