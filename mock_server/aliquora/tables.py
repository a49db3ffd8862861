"""Aliquora's tables (SQLAlchemy Core). Ids are global, as in a multi-tenant database."""

from __future__ import annotations

import sqlalchemy as sa

from ..core import Core


def _org() -> sa.Column:
    return sa.Column("organization_id", sa.Integer, nullable=False, index=True)


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    ]


def define_tables(core: Core) -> None:
    table = core.storage.table
    table(
        "organizations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("plan", sa.String(20), nullable=False),
        sa.Column("monthly_sample_allowance", sa.Integer, nullable=False),
    )
    table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
    )
    table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("key_prefix", sa.String(20), nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_used_at", sa.DateTime, nullable=True),
        sa.Column("revoked_at", sa.DateTime, nullable=True),
    )
    table(
        "clients",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("contact_name", sa.String(500)),
        sa.Column("email", sa.String(500)),
        sa.Column("phone", sa.String(500)),
        sa.Column("address", sa.String(500)),
        *_stamps(),
    )
    table(
        "material_types",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text),
    )
    table(
        "test_definitions",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("unit", sa.String(40)),
        sa.Column("method", sa.String(200)),
        sa.Column("result_type", sa.String(20), nullable=False),
        sa.Column("spec_min", sa.Float),
        sa.Column("spec_max", sa.Float),
    )
    table(
        "projects",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("client_id", sa.Integer),
        sa.Column("uses_composite_identifier", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        *_stamps(),
    )
    table(
        "storage_locations",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("temperature_c", sa.Float),
    )
    _define_sample_tables(core)


def _define_sample_tables(core: Core) -> None:
    table = core.storage.table
    table(
        "samples",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("tracking_id", sa.String(20), nullable=False, index=True),
        sa.Column("sample_identifier", sa.String(200)),
        sa.Column("client_name", sa.String(200), nullable=False),
        sa.Column("material_type_id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer),
        sa.Column("storage_location_id", sa.Integer),
        sa.Column("collection_date", sa.Date),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("notes", sa.Text),
        sa.Column("plant_location", sa.String(100)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime),
        sa.Column("reported_at", sa.DateTime),
        sa.Column("created_by", sa.Integer),
        *_stamps(),
        sa.Index("ix_aliquora_samples_org_id", "organization_id", "id"),
        # the monthly allowance (AQ-14) counts an organisation's samples since a date
        # inside every create's transaction: a range of this index, not a table scan
        sa.Index("ix_aliquora_samples_org_created", "organization_id", "created_at"),
    )
    table(
        "sample_tests",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("sample_id", sa.Integer, nullable=False, index=True),
        sa.Column("test_definition_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("result", sa.String(200)),
        sa.Column("notes", sa.Text),
        sa.Column("entered_at", sa.DateTime),
        sa.Column("entered_by", sa.Integer),
        sa.Column("verified_at", sa.DateTime),
        sa.Column("verified_by", sa.Integer),
        *_stamps(),
    )
    table(
        "approval_records",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("sample_id", sa.Integer, nullable=False, index=True),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("approver_user_id", sa.Integer),
        sa.Column("comment", sa.Text),
        sa.Column("decided_at", sa.DateTime),
        *_stamps(),
    )
    table(
        "qc_checks",
        sa.Column("id", sa.Integer, primary_key=True),
        _org(),
        sa.Column("sample_id", sa.Integer, nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("detail", sa.Text),
        sa.Column("checked_at", sa.DateTime, nullable=False),
    )
