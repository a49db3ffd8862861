"""Conformance suite for the QATrack+ JSON API (rules QT-01..QT-17).

It must pass against a real QATrack+ 3.1 server given one user's credentials:
a behaviour the real server shows (``../shared/reference/qatrack.md``) is never
a failure. Tests that perform test lists write records that cannot be deleted,
so they run only with ``--allow-writes`` (or against our mock) and only on the
unit test collection the user names.
"""

from __future__ import annotations

import re
from typing import Any

import requests

from ..target import Target, retry_after_seconds

RULES = {
    "QT-01": "POST /api/get-token/ with username and password gives a token; wrong ones 400",
    "QT-02": "Authorization: Token <key>; none or unknown: 401 with DRF's exact detail",
    "QT-03": "A user without the needed permission: 403 with DRF's exact detail",
    "QT-04": "/api/ in a browser is a browsable HTML API: links to endpoints, forms for POST",
    "QT-05": "/api/schema/ with a token lists every endpoint; anonymous only /api/get-token/",
    "QT-06": "Units list and detail; related objects are hyperlinks",
    "QT-07": "Test lists, tests, UTCs, test (list) instances, cycles: list and detail",
    "QT-08": "limit/offset pages {count, next, previous, results}; next visits every record once",
    "QT-09": "Django-lookup filters on fields and across relations; ordering=field or -field",
    "QT-10": "POST /api/qa/testlistinstances/ performs a test list with the documented fields",
    "QT-11": "Composite tests are calculated by the server, never required from the client",
    "QT-12": "The response echoes every test with displays, reference, tolerance and pass_fail",
    "QT-13": "Test list cycles: 0-based day, 0 <= day < number of lists, else 400",
    "QT-14": "A missing value for a non-composite, non-skipped test: 400 naming the test",
    "QT-15": "Upload tests take {filename, value, encoding}; invalid base64 is 400",
    "QT-16": "attachments [{filename, value, encoding}] appear on the created instance",
    "QT-17": "A duplicate user_key is 400 with DRF's unique message and creates nothing",
}

#: rules about the tool or the mock's admin side, checked by our own tests in tests/
TOOL_RULES: dict[str, str] = {}

IDENTITIES = {
    "username": "a user allowed to perform QA (QT-01; with password)",
    "password": "that user's password",
    "token": "that user's API token (obtained from username/password when not given)",
    "readonly_token": "the token of a user who may read but not perform QA (QT-03)",
    "unit_test_collection": "URL or id of the unit test collection (of a plain test list) the "
                            "suite may perform with --allow-writes (QT-10..QT-17)",
    "cycle_unit_test_collection": "URL or id of a unit test collection of a test list cycle the "
                                  "suite may perform with --allow-writes (QT-13)",
}

#: the unit test collections our mock reserves for conformance, found by name
MOCK_UTC_NAME = re.compile(r"conformance", re.IGNORECASE)


def identities_from_admin(admin: dict[str, Any]) -> dict[str, str]:
    """Our mock's demo credentials, mapped to the identities the tests ask for.

    Unit test collections reserved for conformance are found later, by name,
    through the API itself (``conftest.py``), since the admin lists only users.
    """
    found: dict[str, str] = {}
    for entry in admin.get("credentials", []):
        if not _is_active(entry):
            continue
        if _can_perform(entry) and "username" not in found:
            found["username"] = str(entry.get("username", ""))
            found["password"] = str(entry.get("password", ""))
            if entry.get("token"):
                found["token"] = str(entry["token"])
        elif not _can_perform(entry) and "readonly_token" not in found and entry.get("token"):
            found["readonly_token"] = str(entry["token"])
    for key in ("unit_test_collection", "cycle_unit_test_collection"):
        if admin.get(key):
            found[key] = str(admin[key])
    return {name: value for name, value in found.items() if value}


def _is_active(entry: dict[str, Any]) -> bool:
    return bool(entry.get("active", entry.get("is_active", True)))


def _can_perform(entry: dict[str, Any]) -> bool:
    for key in ("can_perform", "canPerform", "performs_qa", "performsQa"):
        if key in entry:
            return bool(entry[key])
    role = str(entry.get("role", entry.get("kind", ""))).lower()
    permissions = entry.get("permissions") or []
    return "add_testlistinstance" in permissions or role in {"qa", "perform", "physicist",
                                                             "performer", "therapist"}


def drf_retry_after(response: requests.Response) -> float | None:
    """DRF sends ``Retry-After`` in seconds; its body says the same ("in 48 seconds")."""
    seconds = retry_after_seconds(response.headers.get("Retry-After"))
    if seconds is not None:
        return seconds
    match = re.search(r"available in (\d+) seconds?", response.text)
    return float(match.group(1)) if match else None


def make_target(**kwargs: Any) -> Target:
    return Target(system="qatrack", default_rate_wait=60.0,
                  retry_after_parser=drf_retry_after, **kwargs)
