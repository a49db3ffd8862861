"""``POST /instrument-uploads``: extract, match, score, and write what is confident enough."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import request
from flask.wrappers import Response
from sqlalchemy.engine import Connection

from ..core import ApiError, current_core
from ..core.deviations import deviation_on
from .access import caller
from .api_results import enter_result
from .blueprint import api, ok
from .instrument import ExportError, ExportRow, confidence, decode, parse_export

TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off", "")


@api.post("/instrument-uploads")
def instrument_upload() -> Response:
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "invalid_body", "Send multipart/form-data with a 'file' field.")
    upload = request.files.get("file")
    if upload is None:
        raise ApiError(400, "invalid_body", "The 'file' field is required.")
    dry_run = _flag(request.form.get("dryRun", "false"))
    threshold = _threshold(request.form.get("confidenceThreshold"))
    try:
        fmt, rows = parse_export(decode(upload.read()))
    except ExportError as error:
        raise ApiError(400, "invalid_body", str(error)) from None
    with current_core().storage.begin() as connection:
        matches = [_match(connection, row) for row in rows]
        writes = not dry_run or deviation_on("AQ-24")
        written = _write(connection, matches, threshold) if writes else 0
    for match in matches:
        if match["status"] == "matched" and match["confidence"] < threshold:
            match["status"] = "below_threshold"
    return ok({"dryRun": dry_run, "confidenceThreshold": threshold, "hint": request.form.get(
        "hint"), "format": fmt, "rows": len(rows), "written": written, "matches": matches})


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in TRUE + FALSE:
        raise ApiError(400, "invalid_body", "'dryRun' must be true or false.")
    return value in TRUE


def _threshold(raw: str | None) -> float:
    if raw is None or raw.strip() == "":
        return 0.8
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ApiError(400, "invalid_body", "'confidenceThreshold' must be a number from 0 to 1.")
    return value


def _match(connection: Connection, row: ExportRow) -> dict[str, Any]:
    out: dict[str, Any] = {"row": row.row, "trackingId": row.tracking_id, "testCode": row.test,
                           "result": row.result, "unit": row.unit, "sampleTestId": None,
                           "confidence": 0.0, "status": "unmatched"}
    test = _find_test(connection, row) if row.result is not None else None
    if test is None:
        return out
    out.update(sampleTestId=test.id, testCode=test.code,
               confidence=confidence(row, test.unit, test.result_type == "numeric"),
               status="locked" if test.status == "verified" else "matched")
    return out


def _find_test(connection: Connection, row: ExportRow) -> Any:
    """The sample test with the row's tracking id and test code (lowest id if scheduled twice)."""
    if row.tracking_id is None or row.test is None:
        return None
    storage = current_core().storage
    statement = storage.driver(_test_of_row, *(storage[name] for name in (
        "samples", "sample_tests", "test_definitions")))
    return statement.first(connection, {"tracking_id": row.tracking_id, "code": row.test.lower(),
                                        "organization_id": caller().organization_id})


def _test_of_row(samples: sa.Table, tests: sa.Table, definitions: sa.Table) -> sa.Select:
    """The sample tests of the bound ``tracking_id`` (in the caller's ``organization_id``)
    whose definition's code is the bound ``code`` in lower case, lowest id first: one
    lookup per row of an export."""
    return (sa.select(tests.c.id, tests.c.status, definitions.c.code, definitions.c.unit,
                      definitions.c.result_type)
            .join(definitions, definitions.c.id == tests.c.test_definition_id)
            .join(samples, samples.c.id == tests.c.sample_id)
            .where(samples.c.tracking_id == sa.bindparam("tracking_id"),
                   samples.c.organization_id == sa.bindparam("organization_id"),
                   sa.func.lower(definitions.c.code) == sa.bindparam("code"))
            .order_by(tests.c.id))


def _write(connection: Connection, matches: list[dict[str, Any]], threshold: float) -> int:
    written = 0
    for match in matches:
        if match["status"] == "matched" and match["confidence"] >= threshold:
            enter_result(connection, match["sampleTestId"], {"result": match["result"]})
            match["status"] = "written"
            written += 1
    return written
