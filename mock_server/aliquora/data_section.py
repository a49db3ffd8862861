"""Aliquora's section of a data file: tenants and everything that belongs to one.

Organisations carry their plan (``api`` or ``no-api``) and monthly sample allowance;
users, API keys, material types, test definitions (whose spec limits are the
``within_spec`` QC gate), storage, clients, projects and samples with their tests,
lab QC checks (the ``lab_qc_checks`` gate) and approval records belong to one
organisation, and name each other by id or by a natural key within it (a user by
e-mail, a test definition by code, a sample by tracking id). Keys are given as the
raw ``lk_...`` secret or as its stored hash (``sha256:<hex>``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import Core
from ..core.datafile import DataError, data_now
from ..core.datarecords import NOW, Collection, Importer, Prop, export, section_schema
from ..core.hashing import is_exported_secret, stored_secret
from .keys import PREFIX, demo_key, masked
from .workflow import STATUSES, TEST_STATUSES

ROLES = ("system_administrator", "administrator", "lab_manager", "analyst", "reviewer",
         "viewer")
ORG = Prop("organization", "ref", "organization_id", required=True, target="organizations",
           description="the organisation: its id or name")
STAMPS = (Prop("createdAt", "datetime", "created_at", default=NOW),
          Prop("updatedAt", "datetime", "updated_at", default=NOW))


def _user(key: str, column: str, required: bool = False) -> Prop:
    return Prop(key, "ref", column, required=required, target="users",
                description="a user of the organisation: id or e-mail")


def _complete_key(importer: Importer, record: dict[str, Any], row: dict[str, Any],
                  path: list[str | int]) -> None:
    raw = record["key"]
    if row["key_hash"] in _key_hashes(importer):
        raise DataError([*path, "key"], "this key is already in use")
    _key_hashes(importer).add(row["key_hash"])
    if row["key_prefix"] is None:
        row["key_prefix"] = (PREFIX + "********...") if is_exported_secret(raw) else masked(raw)
    if row["created_by"] is None:
        row["created_by"] = row["user_id"]
    if row["name"].startswith("demo-"):
        derived = demo_key(importer.extra["seed"], row["name"])
        if row["key_hash"] != stored_secret(derived):
            raise DataError([*path, "name"], "names starting 'demo-' are the seed's demo keys "
                                             "(their secret is derived from the seed)")


def _key_hashes(importer: Importer) -> set[str]:
    if "key_hashes" not in importer.extra:
        table = importer.storage["api_keys"]
        importer.extra["key_hashes"] = set(
            importer.connection.execute(sa.select(table.c.key_hash)).scalars())
    return importer.extra["key_hashes"]  # type: ignore[no-any-return]


def _complete_sample(importer: Importer, record: dict[str, Any], row: dict[str, Any],
                     path: list[str | int]) -> None:
    if row["tracking_id"] is None:
        row["tracking_id"] = f"S-{row['created_at'].year}-{row['id']:06d}"


COLLECTIONS = (
    Collection("organizations", "organizations", (
        Prop("name", required=True, max_length=200),
        Prop("plan", required=True, enum=("api", "no-api"),
             description="'api' includes API access; 'no-api' answers 401 to every key"),
        Prop("monthlySampleAllowance", "integer", "monthly_sample_allowance", required=True),
    ), natural="name", unique=True, description="a tenant and its plan"),
    Collection("users", "users", (
        ORG, Prop("name", required=True, max_length=200),
        Prop("email", required=True, max_length=200),
        Prop("role", required=True, enum=ROLES),
    ), natural="email", scope="organization_id", unique=True),
    Collection("apiKeys", "api_keys", (
        ORG, _user("user", "user_id", required=True), Prop("name", required=True, max_length=200),
        Prop("key", "secret", "key_hash", required=True),
        Prop("keyPrefix", column="key_prefix", description="shown masked; derived from a raw key"),
        _user("createdBy", "created_by"), Prop("createdAt", "datetime", "created_at", default=NOW),
        Prop("lastUsedAt", "datetime", "last_used_at"), Prop("revokedAt", "datetime", "revoked_at"),
    ), natural="name", scope="organization_id", unique=True, complete=_complete_key),
    Collection("materialTypes", "material_types", (
        ORG, Prop("code", required=True, max_length=20), Prop("name", required=True),
        Prop("description"),
    ), natural="code", scope="organization_id", unique=True),
    Collection("testDefinitions", "test_definitions", (
        ORG, Prop("code", required=True, max_length=20), Prop("name", required=True),
        Prop("unit"), Prop("method"),
        Prop("resultType", column="result_type", required=True, enum=("numeric", "text")),
        Prop("specMin", "number", "spec_min"), Prop("specMax", "number", "spec_max"),
    ), natural="code", scope="organization_id", unique=True,
        description="spec limits are the 'within_spec' QC gate"),
    Collection("storageLocations", "storage_locations", (
        ORG, Prop("name", required=True), Prop("kind", required=True),
        Prop("temperatureC", "number", "temperature_c"),
    ), natural="name", scope="organization_id"),
    Collection("clients", "clients", (
        ORG, Prop("name", required=True), Prop("contactName", column="contact_name"),
        Prop("email"), Prop("phone"), Prop("address"), *STAMPS,
    ), natural="name", scope="organization_id"),
    Collection("projects", "projects", (
        ORG, Prop("code", required=True, max_length=20), Prop("name", required=True),
        Prop("client", "ref", "client_id", target="clients"),
        Prop("usesCompositeIdentifier", "boolean", "uses_composite_identifier", default=False),
        Prop("description"), Prop("active", "boolean", default=True), *STAMPS,
    ), natural="code", scope="organization_id", unique=True),
    Collection("samples", "samples", (
        ORG, Prop("trackingId", column="tracking_id", description="default S-<year>-<id>"),
        Prop("sampleIdentifier", column="sample_identifier"),
        Prop("clientName", column="client_name", required=True),
        Prop("materialType", "ref", "material_type_id", required=True, target="materialTypes"),
        Prop("project", "ref", "project_id", target="projects"),
        Prop("storageLocation", "ref", "storage_location_id", target="storageLocations"),
        Prop("collectionDate", "date", "collection_date"),
        Prop("priority", default="normal", enum=("low", "normal", "high", "urgent")),
        Prop("notes"), Prop("plantLocation", column="plant_location"),
        Prop("status", default="pending", enum=STATUSES),
        Prop("receivedAt", "datetime", "received_at"),
        Prop("reportedAt", "datetime", "reported_at"), _user("createdBy", "created_by"),
        *STAMPS,
    ), natural="tracking_id", scope="organization_id", unique=True, complete=_complete_sample),
    Collection("sampleTests", "sample_tests", (
        ORG, Prop("sample", "ref", "sample_id", required=True, target="samples"),
        Prop("testDefinition", "ref", "test_definition_id", required=True,
             target="testDefinitions"),
        Prop("status", default="pending", enum=TEST_STATUSES), Prop("result"), Prop("notes"),
        Prop("enteredAt", "datetime", "entered_at"), _user("enteredBy", "entered_by"),
        Prop("verifiedAt", "datetime", "verified_at"), _user("verifiedBy", "verified_by"),
        *STAMPS,
    ), scope="organization_id", description="a test scheduled on a sample and its result"),
    Collection("qcChecks", "qc_checks", (
        ORG, Prop("sample", "ref", "sample_id", required=True, target="samples"),
        Prop("name", required=True), Prop("passed", "boolean", required=True), Prop("detail"),
        Prop("checkedAt", "datetime", "checked_at", default=NOW),
    ), scope="organization_id",
        description="lab QC checks: any failed one closes the 'lab_qc_checks' gate"),
    Collection("approvals", "approval_records", (
        ORG, Prop("sample", "ref", "sample_id", required=True, target="samples"),
        Prop("step", required=True, enum=("technical_review", "qa_approval")),
        Prop("status", default="pending", enum=("pending", "approved", "rejected")),
        _user("approverUser", "approver_user_id"), Prop("comment"),
        Prop("decidedAt", "datetime", "decided_at"), *STAMPS,
    ), scope="organization_id"),
)


def data_schema() -> dict[str, Any]:
    return section_schema("aliquora", COLLECTIONS)


def apply_data(core: Core, connection: Connection, section: dict[str, Any], mode: str) -> None:
    importer = Importer(core.storage, connection, COLLECTIONS, data_now(connection),
                        {"seed": core.config.seed})
    for collection in COLLECTIONS:
        importer.insert(collection, section.get(collection.key, []), [collection.key])


def export_data(core: Core, connection: Connection) -> dict[str, Any]:
    return {c.key: export(core.storage, connection, c) for c in COLLECTIONS}
