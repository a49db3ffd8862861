"""Conformance suite for the Aliquora LIMS API (rules AQ-01..AQ-30)."""

from __future__ import annotations

from typing import Any

from ..target import Target

RULES = {
    "AQ-01": "Discovery lists name, version v1 and every route served",
    "AQ-02": "Missing, malformed, unknown or revoked key: 401 with WWW-Authenticate: Bearer",
    "AQ-03": "A key of a plan without API access: 401",
    "AQ-04": "Keys are lk_ + random; shown once as rawKey, then masked keyPrefix",
    "AQ-05": "Key objects' fields; lastUsedAt updated; revocation immediate",
    "AQ-06": "Only administrators create, list and revoke keys",
    "AQ-07": "whoami returns ok, organizationId, keyId, userId, version",
    "AQ-08": "Tenant isolation: foreign ids 404, foreign references 400 invalid_reference",
    "AQ-09": "Sample list filters: status, materialTypeId, projectId, trackingId, since, until",
    "AQ-10": "A sample is returned with its scheduled tests",
    "AQ-11": "Creating a sample schedules its tests and returns a trackingId S-YYYY-NNNNNN",
    "AQ-12": "Unknown material type, project or test definition: 400 invalid_reference",
    "AQ-13": "Composite-identifier projects require plantLocation",
    "AQ-14": "Monthly sample allowance: 403 SAMPLE_LIMIT_EXCEEDED, nothing created",
    "AQ-15": "PATCH /samples/:id never changes status",
    "AQ-16": "PATCH /samples/:id/status accepts exactly the five statuses",
    "AQ-17": "POST /samples/receive receives every listed sample",
    "AQ-18": "Report marks reported; an unsatisfied QC gate is 409 qc_failed, nothing changed",
    "AQ-19": "Approval records listed per sample and updated",
    "AQ-20": "Sample tests filter by sampleId and status",
    "AQ-21": "A verified result is locked: 409 test_verified_locked, result unchanged",
    "AQ-22": "Verify verifies and locks a result",
    "AQ-23": "Bulk results: locked or foreign tests are never changed",
    "AQ-24": "Instrument uploads: matches with confidence, dryRun writes nothing, threshold",
    "AQ-25": "Reference data endpoints",
    "AQ-26": "Cursor pagination newest first; following nextCursor visits each record once",
    "AQ-27": "120 requests per minute per key; 429 rate_limited",
    "AQ-28": "20 instrument uploads per minute per key",
    "AQ-29": "Errors are {error, message}; bad JSON or types 400 invalid_body; bad id invalid_id",
    "AQ-30": "Additive changes: the suite never fails a target for extra fields",
}

#: rules about the tool or the mock's admin side, checked by our own tests in tests/
TOOL_RULES = {
    "AQ-06": "checked by the tool's tests (tests/aliquora/test_mock_admin_keys.py): key management "
             "is an admin screen, not an API operation",
    "AQ-30": "checked by the tool's tests (tests/aliquora/test_conformance_variants.py): the suite "
             "passes against a server that adds fields",
}

IDENTITIES = {
    "api_key": "a key of an organisation with API access (the main identity)",
    "second_api_key": "a key of ANOTHER organisation with API access (AQ-08)",
    "no_api_key": "a key of an organisation whose plan lacks API access (AQ-03)",
    "revoked_api_key": "a revoked key (AQ-02)",
    "limited_api_key": "a key of an organisation close to its monthly sample allowance (AQ-14)",
    "qc_failing_sample_id": "a sample of the main organisation whose QC gate fails (AQ-18)",
    "verified_sample_test_id": "a verified sample test of the main organisation (AQ-21)",
}


def identities_from_admin(admin: dict[str, Any]) -> dict[str, str]:
    """Our mock's demo credentials, mapped to the identities the tests ask for."""
    entries = admin["credentials"]
    with_api = [e for e in entries if e["plan"] == "api" and e["monthlySampleAllowance"] > 100]
    by_org: dict[int, dict[str, Any]] = {}
    for entry in with_api:
        by_org.setdefault(entry["organizationId"], entry)
    orgs = list(by_org.values())
    found: dict[str, str] = {}
    if orgs:
        found["api_key"] = orgs[0]["apiKey"]
    if len(orgs) > 1:
        found["second_api_key"] = orgs[1]["apiKey"]
    for entry in entries:
        if entry["plan"] != "api":
            found.setdefault("no_api_key", entry["apiKey"])
        elif entry["monthlySampleAllowance"] <= 100:
            found.setdefault("limited_api_key", entry["apiKey"])
    return found


def make_target(**kwargs: Any) -> Target:
    # The guide documents no Retry-After: a 429 waits out the one-minute window.
    return Target(system="aliquora", default_rate_wait=60.0, **kwargs)
