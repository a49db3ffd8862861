"""``POST /api/qa/testlistinstances/`` (perform a list) and ``PATCH .../<id>/`` (edit it),
answered in the write serializer's form (QT-10..QT-17)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import sqlalchemy as sa
from flask import Response
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.driver_sql import row_by_id
from . import access, bodies, links, perform_checks, perform_context
from . import evaluation as ev
from .computed import session_url
from .deviations import deviation_on
from .drf_fields import MISSING
from .errors import field_errors, non_field
from .perform_checks import BAD_BASE64
from .perform_fields import DUPLICATE_KEY, Submission, parse
from .perform_save import Plan, Saved, save_instance
from .records import fetch
from .registry import RESOURCES
from .respond import respond
from .serialize import plain

TLI = "qa/testlistinstances"


def create() -> Response:
    user = access.authenticate()
    access.throttle(user, access.PERFORM_RATE)  # type: ignore[arg-type]
    data, _form = bodies.parse()
    sub = parse(data, partial=False)
    body, tli_id = _perform(sub, user.id, None, {}, frozenset())  # type: ignore[union-attr]
    return respond(body, 201, {"Location": links.link(TLI, tli_id) or ""})


def update(tli_id: int) -> Response:
    row = fetch(RESOURCES[TLI], tli_id)
    user = access.authenticate()
    data, _form = bodies.parse()
    sub = parse(data, partial=True, instance_id=tli_id)
    previous, keep = _stored_tests(tli_id)
    for name, column in (("unit_test_collection", "unit_test_collection_id"),
                         ("work_started", "work_started"), ("work_completed", "work_completed"),
                         ("day", "day"), ("in_progress", "in_progress"),
                         ("include_for_scheduling", "include_for_scheduling"),
                         ("user_key", "user_key")):
        if getattr(sub, name) is MISSING:
            setattr(sub, name, getattr(row, column))
    body, _ = _perform(sub, user.id, tli_id, previous, keep)  # type: ignore[union-attr]
    return respond(body, 200)


def _perform(sub: Submission, user_id: int, tli_id: int | None, previous: dict[str, Any],
             keep: frozenset[str]) -> tuple[dict[str, Any], int]:
    storage, clock = current_core().storage, current_core().clock
    started = clock.naive_now() if deviation_on("QT-10") else sub.work_started
    completed = clock.naive_now() if sub.work_completed in (MISSING, None) else sub.work_completed
    in_progress = bool(sub.in_progress) if sub.in_progress is not MISSING else False
    tests = {**previous, **sub.tests} if isinstance(sub.tests, dict) else previous
    try:
        with storage.begin() as connection:
            collection = perform_context.collection(connection, sub.unit_test_collection)
            day = perform_checks.check_day(collection, sub.day)
            test_list_id = collection.list_for(day)
            items = perform_context.items(connection, collection.row.unit_id,
                                          perform_context.list_tests(connection, test_list_id))
            checked = perform_checks.check_tests(items, tests, in_progress=in_progress,
                                                 started=started, completed=completed)
            plan = Plan(
                user_id=user_id, collection=collection, day=day, test_list_id=test_list_id,
                work_started=started, work_completed=completed, in_progress=in_progress,
                include_for_scheduling=True if sub.include_for_scheduling is MISSING
                else bool(sub.include_for_scheduling),
                user_key=None if sub.user_key is MISSING else (sub.user_key or None),
                status_id=None if sub.status is MISSING else sub.status,
                comment=None if sub.comment in (MISSING, None, "") else sub.comment,
                attachments=_attachments(sub.attachments), keep_uploads=keep)
            tli_id, saved = save_instance(connection, plan, checked, tli_id)
            row = _written(connection, tli_id)
    except sa.exc.IntegrityError:
        # the database's unique user_key: of concurrent performs with one key, one wins
        if sub.user_key in (MISSING, None, ""):
            raise
        raise field_errors({"user_key": [DUPLICATE_KEY]}) from None
    return _write_form(row, tli_id, saved), tli_id


def _attachments(raw: Any) -> list[tuple[str, bytes]]:
    """``[{filename, value, encoding}]`` (QT-16), with the upload tests' messages."""
    found: list[tuple[str, bytes]] = []
    for entry in raw if isinstance(raw, list) and not deviation_on("QT-16") else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("filename"), str):
            raise non_field("attachments is missing the filename field")
        value = entry.get("value", "")
        value = value if isinstance(value, str) else str(value)
        if entry.get("encoding") == "base64":
            try:
                found.append((entry["filename"], base64.b64decode(value, validate=True)))
            except (binascii.Error, ValueError):
                raise non_field(BAD_BASE64) from None
        else:
            found.append((entry["filename"], value.encode("utf-8")))
    return found


def _stored_tests(tli_id: int) -> tuple[dict[str, Any], frozenset[str]]:
    """An edited instance's current tests as submitted entries, by slug."""
    storage = current_core().storage
    tis, utis, tests = storage["testinstances"], storage["unittestinfos"], storage["tests"]
    query = (sa.select(tis, tests.c.slug, tests.c.type, tests.c.choices)
             .join(utis, utis.c.id == tis.c.unit_test_info_id)
             .join(tests, tests.c.id == utis.c.test_id)
             .where(tis.c.test_list_instance_id == tli_id))
    entries, keep = {}, set()
    with storage.connect() as connection:
        for row in connection.execute(query):
            if row.type in ev.CALCULATED_TYPES:
                entries[row.slug] = {"skipped": row.skipped, "comment": row.comment}
                continue
            value = _submitted(row)
            if row.type == ev.UPLOAD and value is not None:
                keep.add(row.slug)
                entries[row.slug] = {"filename": value, "value": "", "skipped": row.skipped,
                                     "comment": row.comment}
                continue
            entries[row.slug] = {"value": value, "skipped": row.skipped, "comment": row.comment}
    return entries, frozenset(keep)


def _submitted(row: Any) -> Any:
    if row.type in ev.STRING_TYPES:
        return row.string_value or None
    if row.type == ev.BOOLEAN and row.value is not None:
        return row.value == 1
    if row.type == ev.MULTIPLE_CHOICE and row.value is not None:
        return int(row.value)
    if row.type == ev.DATE:
        return row.date_value.isoformat() if row.date_value else None
    if row.type == ev.DATETIME:
        return row.datetime_value.isoformat() if row.datetime_value else None
    return row.value


def _written(connection: Connection, tli_id: int) -> Any:
    """The list instance as stored, read in the writing transaction (on the driver)."""
    storage = current_core().storage
    return storage.driver(row_by_id, storage["testlistinstances"]).first(
        connection, {"id": tli_id})


def _write_form(row: Any, tli_id: int, saved: list[Saved]) -> dict[str, Any]:
    """The answer, shaped after the commit: the writer's turn is not held for it."""
    field = RESOURCES[TLI].field
    def value(name: str) -> Any:
        return plain(field(name), row._mapping[field(name).column])  # type: ignore[arg-type]
    return {
        "url": links.link(TLI, tli_id), "work_completed": value("work_completed"),
        "comment": row.comment, "tests": {s.checked.item.slug: _test(s) for s in saved},
        "unit_test_collection": value("unit_test_collection"), "test_list": value("test_list"),
        "site_url": session_url(tli_id),
        **{name: value(name) for name in (
            "work_started", "due_date", "in_progress", "flagged", "user_key",
            "include_for_scheduling", "reviewed", "all_reviewed", "day", "reviewed_by",
            "created_by")},
    }


def _pass_fail_fields(saved: Saved) -> dict[str, Any]:
    fields = saved.outcome.as_fields()
    if deviation_on("QT-12") and fields.get("pass_fail") == ["no_tol", "No Tol Set"]:
        fields["pass_fail"] = ["no_tol", "No Tolerance"]
    return fields


def _test(saved: Saved) -> dict[str, Any]:
    item = saved.checked.item
    return {
        "url": links.relative("qa/testinstances", saved.ti_id),
        **_pass_fail_fields(saved),
        "comment": saved.checked.entry.comment,
        "status": links.relative("qa/testinstancestatus", saved.status_id),
        "reference": links.relative("qa/references", item.reference_id),
        "tolerance": links.relative("qa/tolerances", item.tolerance_id),
        "attachments": [links.relative("attachments/attachments", a)
                        for a in saved.attachment_ids],
    }
