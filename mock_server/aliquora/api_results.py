"""Sample tests and results: list, enter, verify (and lock), bulk entry; approval records."""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import sqlalchemy as sa
from flask import request
from flask.wrappers import Response
from sqlalchemy.engine import Connection

from ..core import ApiError, current_core
from ..core.deviations import deviation_on
from . import serializers
from .access import caller
from .blueprint import api, cached_list, ok, validated
from .params import (
    MAX_ID,
    fetched_page,
    id_filter,
    limit_and_cursor,
    owned,
    parse_id,
    sample_tests_query,
)
from .workflow import TEST_STATUSES


@api.get("/sample-tests")
@cached_list
def list_sample_tests() -> dict[str, Any]:
    filters: dict[str, Any] = {"organization_id": caller().organization_id}
    sample_id = id_filter("sampleId")
    if sample_id is not None:
        filters["sample_id"] = sample_id
    status = request.args.get("status")
    if status is not None:
        if status not in TEST_STATUSES:
            raise ApiError(400, "invalid_body",
                           f"'status' must be one of {', '.join(TEST_STATUSES)}.")
        if not deviation_on("AQ-20"):
            filters["status"] = status
    limit, cursor = limit_and_cursor()
    if cursor is not None:
        filters["cursor"] = cursor
    storage = current_core().storage
    read = storage.driver(_sample_tests_page, tuple(filters))
    with storage.connect() as connection:
        rows = read.records(connection, {**filters, "fetch": limit + 1})
    return fetched_page(rows, limit, attrgetter("id"), serializers.sample_test)


def _sample_tests_page(filter_names: tuple[str, ...]) -> sa.Select:
    """Sample tests matching the named filters (bound parameters), newest first."""
    tests = current_core().storage["sample_tests"]
    conditions = [tests.c.id < sa.bindparam("cursor") if name == "cursor"
                  else tests.c[name] == sa.bindparam(name) for name in filter_names]
    return (sample_tests_query().where(*conditions).order_by(tests.c.id.desc())
            .limit(sa.bindparam("fetch")))


def _owned_test(connection: Connection, test_id: int) -> Any:
    row = current_core().storage.driver(_owned_test_query).first(connection, {
        "test_id": test_id, "organization_id": caller().organization_id})
    if row is None:
        raise ApiError(404, "not_found", f"Sample test {test_id} was not found.")
    return row


def _owned_test_query() -> sa.Select:
    tests = current_core().storage["sample_tests"]
    return sample_tests_query().where(
        tests.c.id == sa.bindparam("test_id"),
        tests.c.organization_id == sa.bindparam("organization_id"))


def _result_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return repr(value) if isinstance(value, float) else str(value)


def enter_result(connection: Connection, test_id: int, body: dict,
                 *, bulk: bool = False) -> dict[str, Any]:
    """Enter or change a result; a verified result is locked (AQ-21)."""
    core = current_core()
    row = _owned_test(connection, test_id)
    unlocked = deviation_on("AQ-21") or (bulk and deviation_on("AQ-23"))
    if row.status == "verified" and not unlocked:
        raise ApiError(409, "test_verified_locked",
                       f"Sample test {test_id} is verified and locked.")
    values: dict[str, Any] = {"updated_at": core.clock.naive_now()}
    if "result" in body:
        result = _result_text(body["result"])
        entered = result is not None
        values.update(result=result, status="completed" if entered else "pending",
                      entered_at=values["updated_at"] if entered else None,
                      entered_by=caller().user_id if entered else None)
    if "notes" in body:
        values["notes"] = body["notes"]
    # The SET clause is the columns given: one statement per combination (at most 8).
    update = core.storage.driver(_enter_result, unlocked, column_keys=tuple(values))
    update.run(connection, {"test_id": test_id, **values})
    return serializers.sample_test(_owned_test(connection, test_id))


def _enter_result(unlocked: bool) -> sa.Update:
    """The test's columns given as parameters (``column_keys``); a verified one is left alone
    unless unlocked."""
    tests = current_core().storage["sample_tests"]
    update = tests.update().where(tests.c.id == sa.bindparam("test_id"))
    return update if unlocked else update.where(tests.c.status != "verified")


@api.patch("/sample-tests/<id:raw_id>")
def update_sample_test(raw_id: str) -> Response:
    test_id = parse_id(raw_id)
    sent = request.get_json(silent=True)  # the guide's own words before the schema's
    if isinstance(sent, dict) and "result" not in sent and "notes" not in sent:
        raise ApiError(400, "invalid_body", "Send 'result', 'notes' or both.")
    body = validated("SampleTestUpdate")
    with current_core().storage.begin() as connection:
        return ok(enter_result(connection, test_id, body))


@api.post("/sample-tests/<raw_id>/verify")
def verify_sample_test(raw_id: str) -> Response:
    test_id = parse_id(raw_id)
    core = current_core()
    with core.storage.begin() as connection:
        row = _owned_test(connection, test_id)
        if row.status == "verified":
            raise ApiError(409, "test_verified_locked", f"Sample test {test_id} is already "
                           "verified and locked.")
        if row.result is None:
            raise ApiError(409, "result_missing", f"Sample test {test_id} has no result to verify.")
        now = core.clock.naive_now()
        # Conditional: of two concurrent verifications exactly one wins, the other gets 409.
        won = core.storage.driver(_verify, column_keys=VERIFIED_COLUMNS).run(connection, {
            "test_id": test_id, "status": "completed" if deviation_on("AQ-22") else "verified",
            "verified_at": now, "verified_by": caller().user_id, "updated_at": now,
        })
        if won != 1:
            raise ApiError(409, "test_verified_locked", f"Sample test {test_id} is already "
                           "verified and locked.")
        return ok(serializers.sample_test(_owned_test(connection, test_id)))


#: the columns a verification sets (the SET clause of ``_verify``)
VERIFIED_COLUMNS = ("status", "verified_at", "verified_by", "updated_at")


def _verify() -> sa.Update:
    """Conditional on the test being unverified with a result; the new values as parameters."""
    tests = current_core().storage["sample_tests"]
    return tests.update().where(tests.c.id == sa.bindparam("test_id"),
                                tests.c.status != "verified", tests.c.result.is_not(None))


@api.post("/sample-tests/bulk-results")
def bulk_results() -> Response:
    """Each row is applied on its own (our AQ-23 choice): locked or foreign rows fail alone."""
    body = validated("BulkResultsRequest")
    outcomes = []
    core = current_core()
    for update in body["updates"]:
        test_id = update["sampleTestId"]
        try:
            if not 0 <= test_id <= MAX_ID:
                raise ApiError(404, "not_found", f"Sample test {test_id} was not found.")
            with core.storage.begin() as connection:
                changed = enter_result(connection, test_id, update, bulk=True)
            outcomes.append({"sampleTestId": test_id, "ok": True, "sampleTest": changed})
        except ApiError as error:
            # In a body, an id outside the caller's organisation is a bad reference (AQ-08).
            code = "invalid_reference" if error.code == "not_found" else error.code
            outcomes.append({"sampleTestId": test_id, "ok": False, "error": code,
                             "message": error.message})
    updated = sum(1 for outcome in outcomes if outcome["ok"])
    return ok({"updated": updated, "failed": len(outcomes) - updated, "results": outcomes})


@api.patch("/approval-records/<raw_id>")
def update_approval_record(raw_id: str) -> Response:
    record_id = parse_id(raw_id)
    body = validated("ApprovalRecordUpdate")
    core = current_core()
    records, users = core.storage["approval_records"], core.storage["users"]
    with core.storage.begin() as connection:
        row = owned(connection, records, record_id, "Approval record")
        approver = body.get("approverUserId")
        if approver is not None and (not 0 <= approver <= MAX_ID or connection.execute(
                sa.select(users.c.id).where(users.c.id == approver,
                                            users.c.organization_id == caller().organization_id)
        ).first() is None):
            raise ApiError(400, "invalid_reference", f"approverUserId refers to {approver}, "
                           "which does not exist in your organization.")
        now = core.clock.naive_now()
        values: dict[str, Any] = {"updated_at": now}
        for field, column in (("status", "status"), ("comment", "comment"),
                              ("approverUserId", "approver_user_id")):
            if field in body:
                values[column] = body[field]
        if "status" in body and body["status"] != row.status:
            decided = body["status"] != "pending"
            values["decided_at"] = now if decided else None
            if decided and approver is None and row.approver_user_id is None:
                values["approver_user_id"] = caller().user_id
        # Decided against the status read above: a concurrent decision makes this a 409.
        won = connection.execute(records.update().where(
            records.c.id == record_id, records.c.status == row.status).values(**values)).rowcount
        if won != 1:
            raise ApiError(409, "conflict", f"Approval record {record_id} was changed "
                           "meanwhile; read it again.")
        return ok(serializers.approval_record(owned(connection, records, record_id,
                                                    "Approval record")))
