"""Conformance suite for the AlisQI API (rules AS-01..AS-13).

The data model of an AlisQI installation is user defined, so the suite first
reads the target's own definitions (``getAllSets``, ``getSetDefinition``) to
know which payloads are valid; where the target's definition shape is not
ours, the sets and fields a run may use are given as identities.
"""

from __future__ import annotations

from typing import Any

import requests

from ..target import Target

RULES = {
    "AS-01": "JSON over HTTPS; the eight operations are served",
    "AS-02": "Payloads follow the set's definition; values that do not fit are refused",
    "AS-03": "getSetDefinition describes any set or list; getAllSets several at once",
    "AS-04": "getResults reads (paging, sort, filter, 304); storeResults writes many, keyField",
    "AS-05": "Specifications are read and written for transactional sets only",
    "AS-06": "getStatistics: count, mean, standard deviation, min, max, computed correctly",
    "AS-07": "getSpecificationEvaluation: Cp, Cpk, Pp, Ppk per product, computed correctly",
    "AS-08": "Bearer token of one user; the group's permission per set applies",
    "AS-09": "A token's IP whitelist refuses calls from other addresses",
    "AS-10": "Tokens shown once, several per user, per installation",
    "AS-11": "Dates and times are UTC, in and out (yyyy-mm-dd hh:mm:ss)",
    "AS-12": "429 past the limit; X-RateLimit-* headers on every response",
    "AS-13": "The Integration hub: per-set documentation and the API log",
}

TOOL_RULES = {
    "AS-10": "checked by the tool's tests (tests/alisqi/test_mock_tokens.py): tokens are managed "
             "in the Integration hub, not through the API",
    "AS-13": "checked by the tool's tests (tests/alisqi/test_hub_browser.py): the Integration hub "
             "is HTML pages, checked in headless Chromium",
}

IDENTITIES = {
    "token": "a token whose user may read and write `set` (the main identity)",
    "set": "id of an analysis set the run may use (writes only with --allow-writes)",
    "list": "id of a selection list (AS-03, AS-05)",
    "key_field": "a text field of `set` usable as keyField (when the definition shape is "
                 "not understood)",
    "number_field": "a number field of `set` (when the definition shape is not understood)",
    "read_only_token": "a token whose user may only read `read_only_set` (AS-08)",
    "read_only_set": "id of a set `read_only_token` may read but not write (AS-08)",
    "whitelisted_token": "a token whose IP whitelist excludes this machine (AS-09)",
    "rate_limit_token": "a token the run may use up for a minute (AS-12's 429)",
}

LOCAL = ("127.0.0.1", "::1", "localhost")


def identities_from_admin(admin: dict[str, Any]) -> dict[str, str]:
    """Our mock's demo tokens, mapped to the identities the tests ask for."""
    entries = admin["credentials"]
    open_ = [e for e in entries if not e["ipWhitelist"]]
    found: dict[str, str] = {}
    if open_:
        main = max(open_, key=lambda e: sum(v == "write" for v in e["permissions"].values()))
        found["token"] = main["token"]
    for entry in open_:
        read_only = [s for s, level in entry["permissions"].items() if level == "read"]
        if read_only and "read_only_token" not in found:
            found["read_only_token"], found["read_only_set"] = entry["token"], read_only[0]
    for entry in entries:
        if entry["ipWhitelist"] and not set(entry["ipWhitelist"]) & set(LOCAL):
            found.setdefault("whitelisted_token", entry["token"])
    return found


def retry_after(response: requests.Response) -> float | None:
    """AlisQI names it ``X-RateLimit-Retry-After`` (not ``Retry-After``)."""
    try:
        return float(response.headers.get("X-RateLimit-Retry-After", ""))
    except ValueError:
        return None


def make_target(**kwargs: Any) -> Target:
    return Target(system="alisqi", default_rate_wait=60.0, retry_after_parser=retry_after,
                  **kwargs)
