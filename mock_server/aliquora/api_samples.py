"""Samples: list, read, create with tests, update, status, receive, report, approvals."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from flask import request
from flask.wrappers import Response
from sqlalchemy.engine import Connection

from ..core import ApiError, current_core
from ..core.deviations import deviation_on
from ..core.driver_sql import DriverStatement, inserted, inserted_id, row_by_id
from . import serializers
from .access import caller
from .blueprint import api, cached_list, ok, validated
from .params import (
    date_filter,
    fetched_page,
    id_filter,
    limit_and_cursor,
    owned,
    page,
    parse_id,
    require_references,
    sample_tests_query,
)
from .sample_list import sample_rows
from .workflow import STATUSES, qc_gates, transition_problem

READ_ONLY_FIELDS = ("id", "trackingId", "status", "receivedAt", "reportedAt", "createdAt",
                    "updatedAt", "organizationId", "sampleIdentifier")
APPROVAL_STEPS = ("technical_review", "qa_approval")


def _tables() -> Any:
    return current_core().storage


@api.get("/samples")
@cached_list
def list_samples() -> dict[str, Any]:
    filters: dict[str, Any] = {"organization_id": caller().organization_id}
    status = request.args.get("status")
    if status is not None:
        if status not in STATUSES:
            raise ApiError(400, "invalid_body", f"'status' must be one of {', '.join(STATUSES)}.")
        if not deviation_on("AQ-09"):
            filters["status"] = status
    for name, column in (("materialTypeId", "material_type_id"), ("projectId", "project_id")):
        value = id_filter(name)
        if value is not None:
            filters[column] = value
    if "trackingId" in request.args:
        filters["tracking_id"] = request.args["trackingId"]
    since, until = date_filter("since"), date_filter("until", end_of_day=True)
    if since is not None:
        filters["since"] = since
    if until is not None:
        filters["until"] = until
    limit, cursor = limit_and_cursor()
    if cursor is not None:
        filters["cursor"] = cursor
    with current_core().storage.connect() as connection:
        rows = sample_rows(connection, filters, limit + 1)
    return fetched_page(rows, limit, itemgetter(0),  # the id, first of the shape
                        serializers.sample_shape().dump)


@api.get("/samples/<id:raw_id>")
def get_sample(raw_id: str) -> Response:
    with current_core().storage.connect() as connection:
        row = owned(connection, _tables()["samples"], parse_id(raw_id), "Sample")
        return ok(sample_detail(connection, row))


@api.post("/samples")
def create_sample() -> Response:
    body = validated("SampleCreate")
    core = current_core()
    now = core.clock.naive_now()
    with core.storage.begin() as connection:
        require_references(connection, {
            "materialTypeId": ("material_types", body["materialTypeId"]),
            "projectId": ("projects", body.get("projectId")),
            "storageLocationId": ("storage_locations", body.get("storageLocationId")),
            "testDefinitionIds": ("test_definitions", body.get("testDefinitionIds", [])),
        })
        project = _project(connection, body.get("projectId"))
        if project is not None and project.uses_composite_identifier and not body.get(
            "plantLocation"
        ) and not deviation_on("AQ-13"):
            raise ApiError(400, "invalid_body", f"Project {project.code} uses composite sample "
                           "identifiers: plantLocation is required.")
        sample_id = _insert_sample(connection, body, project, now)
        _check_allowance(connection, now)
        _schedule(connection, sample_id, body.get("testDefinitionIds", []), now)
        row = owned(connection, _tables()["samples"], sample_id, "Sample")
        tests, checks = _tests_and_checks(connection, sample_id)
    return ok(_detail(row, tests, checks), 201)  # shaped after the commit, out of the turn


def _project(connection: Connection, project_id: int | None) -> Any:
    if project_id is None:
        return None
    return _driver(row_by_id, _tables()["projects"]).first(connection, {"id": project_id})


def _insert_sample(connection: Connection, body: dict, project: Any, now: datetime) -> int:
    who = caller()
    insert = _driver(inserted_id, _tables()["samples"], column_keys=SAMPLE_KEYS)
    sample_id = insert.scalar(connection, {
        "organization_id": who.organization_id, "tracking_id": "",
        "client_name": body["clientName"], "material_type_id": body["materialTypeId"],
        "project_id": body.get("projectId"), "storage_location_id": body.get("storageLocationId"),
        "collection_date": _date(body.get("collectionDate")),
        "priority": body.get("priority", "normal"), "notes": body.get("notes"),
        "plant_location": body.get("plantLocation"), "status": "pending",
        "created_by": who.user_id, "created_at": now, "updated_at": now,
    })
    _driver(_number_sample).run(connection, {
        "sample_id": sample_id,
        "new_tracking_id": (f"S{sample_id}" if deviation_on("AQ-11")
                            else f"S-{now.year}-{sample_id:06d}"),
        "new_sample_identifier": _composite_identifier(project, body.get("plantLocation"),
                                                       sample_id),
    })
    return int(sample_id)


SAMPLE_KEYS = ("organization_id", "tracking_id", "client_name", "material_type_id",
               "project_id", "storage_location_id", "collection_date", "priority", "notes",
               "plant_location", "status", "created_by", "created_at", "updated_at")
STAMPED = ("organization_id", "sample_id", "created_at", "updated_at")
SAMPLE_TEST_KEYS = (*STAMPED, "test_definition_id", "status")
APPROVAL_KEYS = (*STAMPED, "step", "status")


def _driver(build: Callable[..., Any], *args: Hashable,
            column_keys: tuple[str, ...] | None = None) -> DriverStatement:
    """A create's statements run on the driver: they run inside the writer's turn."""
    return current_core().storage.driver(build, *args, column_keys=column_keys)


def _number_sample() -> sa.Update:
    """A new sample's tracking id and identifier, which both contain its id."""
    samples = _tables()["samples"]
    return samples.update().where(samples.c.id == sa.bindparam("sample_id")).values(
        tracking_id=sa.bindparam("new_tracking_id"),
        sample_identifier=sa.bindparam("new_sample_identifier"))


def _composite_identifier(project: Any, plant_location: str | None, sample_id: int) -> str | None:
    if project is None or not project.uses_composite_identifier or not plant_location:
        return None
    return f"{project.code}-{plant_location}-{sample_id:06d}"


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, "invalid_body", "collectionDate must be a date (YYYY-MM-DD).") from None


def _check_allowance(connection: Connection, now: datetime) -> None:
    """AQ-14: counted after the insert, inside its transaction, so parallel creates can't
    both slip under the limit; going over rolls the insert back."""
    org_id = caller().organization_id
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    # PostgreSQL: lock the organisation first, so concurrent creates count one after
    # another (SQLite's write lock, taken by the insert, already serialises them).
    allowance = _driver(_lock_allowance).scalar(connection, {"organization_id": org_id})
    used = _driver(_samples_since).scalar(connection,
                                          {"organization_id": org_id, "since": month_start})
    if used > allowance and deviation_on("AQ-14"):
        raise ApiError(403, "forbidden", f"Monthly allowance of {allowance} samples reached.")
    if used > allowance:
        raise ApiError(403, "plan_limit", f"Your plan's monthly allowance of {allowance} "
                       "samples has been reached.", limit_code="SAMPLE_LIMIT_EXCEEDED")


def _lock_allowance() -> sa.Select:
    orgs = _tables()["organizations"]
    return (sa.select(orgs.c.monthly_sample_allowance)
            .where(orgs.c.id == sa.bindparam("organization_id")).with_for_update())


def _samples_since() -> sa.Select:
    samples = _tables()["samples"]
    return sa.select(sa.func.count()).where(
        samples.c.organization_id == sa.bindparam("organization_id"),
        samples.c.created_at >= sa.bindparam("since", type_=samples.c.created_at.type))


def _schedule(connection: Connection, sample_id: int, definition_ids: list[int],
              now: datetime) -> None:
    org_id = caller().organization_id
    base = {"organization_id": org_id, "sample_id": sample_id, "created_at": now,
            "updated_at": now}
    if definition_ids:
        _driver(inserted, _tables()["sample_tests"], column_keys=SAMPLE_TEST_KEYS).run_many(
            connection, [
            {**base, "test_definition_id": definition_id, "status": "pending"}
            for definition_id in definition_ids
        ])
    _driver(inserted, _tables()["approval_records"], column_keys=APPROVAL_KEYS).run_many(
        connection, [
        {**base, "step": step, "status": "pending"} for step in APPROVAL_STEPS
    ])


def sample_detail(connection: Connection, row: Any) -> dict[str, Any]:
    return _detail(row, *_tests_and_checks(connection, row.id))


def _detail(row: Any, tests: list, checks: list) -> dict[str, Any]:
    return {
        **serializers.sample(row),
        "tests": [] if deviation_on("AQ-10") else [serializers.sample_test(t) for t in tests],
        "qcChecks": [serializers.qc_check(check) for check in checks],
    }


def _tests_and_checks(connection: Connection, sample_id: int) -> tuple[list, list]:
    values = {"sample_id": sample_id}
    tests = _driver(_tests_of_sample).records(connection, values)
    checks = _driver(_checks_of_sample).records(connection, values)
    return tests, checks


def _tests_of_sample() -> sa.Select:
    sample_tests = _tables()["sample_tests"]
    return (sample_tests_query().where(sample_tests.c.sample_id == sa.bindparam("sample_id"))
            .order_by(sample_tests.c.id))


def _checks_of_sample() -> sa.Select:
    qc_checks = _tables()["qc_checks"]
    return (sa.select(qc_checks).where(qc_checks.c.sample_id == sa.bindparam("sample_id"))
            .order_by(qc_checks.c.id))


@api.patch("/samples/<id:raw_id>")
def update_sample(raw_id: str) -> Response:
    sample_id = parse_id(raw_id)
    body = validated("SampleUpdate")
    moves_status = deviation_on("AQ-15") and "status" in body
    for field in READ_ONLY_FIELDS:
        if field in body and not (moves_status and field == "status"):
            raise ApiError(400, "invalid_body", f"'{field}' cannot be changed here"
                           + (": use PATCH /samples/:id/status." if field == "status" else "."))
    core = current_core()
    samples = core.storage["samples"]
    with core.storage.begin() as connection:
        row = owned(connection, samples, sample_id, "Sample")
        require_references(connection, {
            "storageLocationId": ("storage_locations", body.get("storageLocationId"))})
        values = _sample_changes(connection, row, body)
        values["updated_at"] = core.clock.naive_now()
        if moves_status:
            values["status"] = body["status"]
        # Compare-and-set on the status the transition was checked against.
        won = connection.execute(samples.update().where(
            samples.c.id == sample_id, samples.c.status == row.status).values(**values)).rowcount
        if won != 1:
            raise ApiError(409, "invalid_transition", f"Sample {sample_id} changed status "
                           "meanwhile; read it again.")
        return ok(sample_detail(connection, owned(connection, samples, sample_id, "Sample")))


def _sample_changes(connection: Connection, row: Any, body: dict) -> dict[str, Any]:
    columns = {"clientName": "client_name", "priority": "priority", "notes": "notes",
               "plantLocation": "plant_location", "storageLocationId": "storage_location_id"}
    values = {column: body[field] for field, column in columns.items() if field in body}
    if "collectionDate" in body:
        values["collection_date"] = _date(body["collectionDate"])
    if "plantLocation" in body:
        project = _project(connection, row.project_id)
        if project is not None and project.uses_composite_identifier and not body["plantLocation"]:
            raise ApiError(400, "invalid_body", "plantLocation is required by this project.")
        values["sample_identifier"] = _composite_identifier(project, body["plantLocation"], row.id)
    return values


@api.patch("/samples/<raw_id>/status")
def change_status(raw_id: str) -> Response:
    sample_id = parse_id(raw_id)
    body = validated("SampleStatusChange", lowercase="status" if deviation_on("AQ-16") else None)
    core = current_core()
    samples = core.storage["samples"]
    with core.storage.begin() as connection:
        row = owned(connection, samples, sample_id, "Sample")
        tests, _checks = _tests_and_checks(connection, sample_id)
        problem = transition_problem(row.status, body["status"], tests)
        if problem:
            raise ApiError(409, "invalid_transition", problem)
        now = core.clock.naive_now()
        values: dict[str, Any] = {"status": body["status"], "updated_at": now}
        if row.received_at is None and body["status"] != "pending":
            values["received_at"] = now
        # Compare-and-set on the status the transition was checked against.
        won = connection.execute(samples.update().where(
            samples.c.id == sample_id, samples.c.status == row.status).values(**values)).rowcount
        if won != 1:
            raise ApiError(409, "invalid_transition", f"Sample {sample_id} changed status "
                           "meanwhile; read it again.")
        return ok(sample_detail(connection, owned(connection, samples, sample_id, "Sample")))


@api.post("/samples/receive")
def receive_samples() -> Response:
    body = validated("ReceiveRequest")
    ids = body["sampleIds"]
    core = current_core()
    samples = core.storage["samples"]
    now = core.clock.naive_now()
    with core.storage.begin() as connection:
        require_references(connection, {"sampleIds": ("samples", ids)})
        connection.execute(
            samples.update()
            .where(samples.c.id.in_(ids[:1] if deviation_on("AQ-17") else ids),
                   samples.c.status == "pending")
            .values(status="received", received_at=now, updated_at=now)
        )
        rows = {row.id: row for row in connection.execute(
            sa.select(samples).where(samples.c.id.in_(ids)))}
    return ok({"data": [serializers.sample(rows[i]) for i in dict.fromkeys(ids)]})


@api.post("/samples/<raw_id>/report")
def report_sample(raw_id: str) -> Response:
    sample_id = parse_id(raw_id)
    core = current_core()
    samples = core.storage["samples"]
    with core.storage.begin() as connection:
        row = owned(connection, samples, sample_id, "Sample")
        if row.reported_at is None:
            tests, checks = _tests_and_checks(connection, sample_id)
            gates = qc_gates(tests, checks)
            if not all(gate.passed for gate in gates) and not deviation_on("AQ-18"):
                failed = ", ".join(gate.name for gate in gates if not gate.passed)
                raise ApiError(409, "qc_failed", f"QC gates not satisfied: {failed}.",
                               gates=[gate.as_json() for gate in gates])
            now = core.clock.naive_now()
            connection.execute(samples.update().where(samples.c.id == sample_id)
                               .values(reported_at=now, updated_at=now))
        return ok(sample_detail(connection, owned(connection, samples, sample_id, "Sample")))


@api.get("/samples/<raw_id>/approvals")
@cached_list
def list_approvals(raw_id: str) -> dict[str, Any]:
    sample_id = parse_id(raw_id)
    storage = _tables()
    records = storage["approval_records"]
    with storage.connect() as connection:
        owned(connection, storage["samples"], sample_id, "Sample")
        query = sa.select(records).where(records.c.sample_id == sample_id)
        listed = page(connection, query, records, serializers.approval_record)
        if deviation_on("AQ-19"):
            return {"approvals": listed.pop("data"), **listed}
        return listed
