"""Rows to Aliquora's JSON (camelCase, ISO timestamps with milliseconds)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ..core.shapes import Shape
from ..core.timefmt import iso_ms


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


SAMPLE = {
    "id": "id", "trackingId": "tracking_id", "sampleIdentifier": "sample_identifier",
    "organizationId": "organization_id", "clientName": "client_name",
    "materialTypeId": "material_type_id", "projectId": "project_id",
    "storageLocationId": "storage_location_id", "collectionDate": "collection_date",
    "priority": "priority", "notes": "notes", "plantLocation": "plant_location",
    "status": "status", "receivedAt": "received_at", "reportedAt": "reported_at",
    "createdAt": "created_at", "updatedAt": "updated_at",
}


def sample_shape() -> Shape:
    return current_app.extensions["aliquora_shapes"]["samples"]


def sample(row: Any) -> dict[str, Any]:
    """A sample from a full-table row."""
    return sample_shape().dump_mapping(row._mapping)


def sample_test(row: Any) -> dict[str, Any]:
    """A sample test joined with its definition (code, name, unit, spec limits)."""
    return {
        "id": row.id,
        "sampleId": row.sample_id,
        "testDefinitionId": row.test_definition_id,
        "testCode": row.code,
        "testName": row.name,
        "unit": row.unit,
        "status": row.status,
        "result": row.result,
        "notes": row.notes,
        "withinSpec": within_spec(row.result, row.result_type, row.spec_min, row.spec_max),
        "enteredAt": iso_ms(row.entered_at),
        "enteredBy": row.entered_by,
        "verifiedAt": iso_ms(row.verified_at),
        "verifiedBy": row.verified_by,
        "createdAt": iso_ms(row.created_at),
        "updatedAt": iso_ms(row.updated_at),
    }


def within_spec(
    result: str | None, result_type: str, low: float | None, high: float | None
) -> bool | None:
    """None when it cannot be judged: no result, a text test, or no limits."""
    if result is None or result_type != "numeric" or (low is None and high is None):
        return None
    try:
        value = float(result)
    except ValueError:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def approval_record(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "sampleId": row.sample_id,
        "step": row.step,
        "status": row.status,
        "approverUserId": row.approver_user_id,
        "comment": row.comment,
        "decidedAt": iso_ms(row.decided_at),
        "createdAt": iso_ms(row.created_at),
        "updatedAt": iso_ms(row.updated_at),
    }


def qc_check(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "passed": bool(row.passed),
        "detail": row.detail,
        "checkedAt": iso_ms(row.checked_at),
    }


def camel(row: Any, fields: dict[str, str]) -> dict[str, Any]:
    """Generic reference-data rows: ``fields`` maps JSON name to column name."""
    out = {}
    for name, column in fields.items():
        value = getattr(row, column)
        if column.endswith("_at"):
            value = iso_ms(value)
        out[name] = value
    return out


TEST_DEFINITION = {"id": "id", "code": "code", "name": "name", "unit": "unit",
                   "method": "method", "resultType": "result_type",
                   "specMin": "spec_min", "specMax": "spec_max"}
MATERIAL_TYPE = {"id": "id", "code": "code", "name": "name", "description": "description"}
STORAGE_LOCATION = {"id": "id", "name": "name", "kind": "kind", "temperatureC": "temperature_c"}
PROJECT = {"id": "id", "code": "code", "name": "name", "clientId": "client_id",
           "usesCompositeIdentifier": "uses_composite_identifier",
           "description": "description", "active": "active",
           "createdAt": "created_at", "updatedAt": "updated_at"}
CLIENT = {"id": "id", "name": "name", "contactName": "contact_name", "email": "email",
          "phone": "phone", "address": "address",
          "createdAt": "created_at", "updatedAt": "updated_at"}
