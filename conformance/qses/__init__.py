"""Conformance suite for the QS Enrolment Solutions CRMS API (rules QS-01..QS-13)."""

from __future__ import annotations

from typing import Any

from ..target import Target

RULES = {
    "QS-01": "No CORS: never Access-Control-Allow-Origin; preflights refused",
    "QS-02": "Responses are application/json; charset=utf-8 whatever Accept says",
    "QS-03": "A POST/PUT body that is not JSON: 415 UnsupportedMediaTypeException",
    "QS-04": "POST token (form, password grant); username case-insensitive, password not",
    "QS-05": "Tokens cannot be refreshed; an expired token answers 401",
    "QS-06": "Diagnostics need no token; everything else 401 without a valid Bearer",
    "QS-07": "An account may call only the endpoints granted to it",
    "QS-08": "Collections {Data, Meta: {Offset, Limit, HasMore, TotalCount}}; TotalCount on ask",
    "QS-09": "A single record is {Data: {...}, Meta: {}}",
    "QS-10": "POST creates from the GET DTO and answers Location",
    "QS-11": "PUT replaces the whole record: omitted fields become null",
    "QS-12": "Throttles per client IP and endpoint over five periods (10/120/3600/43200/216000)",
    "QS-13": "Past a throttle: 429, no body, reason phrase naming the window, Retry-After",
}

#: every QS rule is checked on the wire
TOOL_RULES: dict[str, str] = {}

IDENTITIES = {
    "username": "an account granted every endpoint the suite calls (the main identity)",
    "password": "its password",
    "limited_username": "an account NOT granted the endpoint of ungranted_path (QS-07)",
    "limited_password": "its password",
    "ungranted_path": "a GET path under /crms/api the limited account may not call, "
                      "e.g. /crms/api/courses (QS-07)",
}


def identities_from_admin(admin: dict[str, Any]) -> dict[str, str]:
    """Our mock's accounts: the one with the most grants, and one without ``GET courses``."""
    entries = [e for e in admin["credentials"] if e.get("password")]
    found: dict[str, str] = {}
    if entries:
        main = max(entries, key=lambda e: len(e.get("endpoints", [])))
        found.update(username=main["username"], password=main["password"])
    for entry in entries:
        if "GET courses" not in entry.get("endpoints", []):
            found.update(limited_username=entry["username"], limited_password=entry["password"],
                         ungranted_path="/crms/api/courses")
            break
    return found


def make_target(**kwargs: Any) -> Target:
    # The documented throttles are per second first: a 429 without Retry-After waits 1 s.
    return Target(system="qses", default_rate_wait=1.0, **kwargs)
