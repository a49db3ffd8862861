"""Throttles per client address and endpoint (QS-12) and the 429 they answer (QS-13).

A real server is never hammered: at most ``POLITE`` quick requests to the
Diagnostics ping (no token, no data) and as many to the version; if that
trips no throttle the rule is reported not checkable. Against our mock the
second and minute windows are checked exactly, the latter through an admin
rule that lifts the per-second threshold of one endpoint.
"""

from __future__ import annotations

import re

import pytest
import requests

from apidouble.conformance.target import Target

from ._client import API, MockAdmin, seen

PHRASE = re.compile(r"^API calls quota exceeded! maximum admitted (\d+) per "
                    r"(Second|Minute|Hour|Day|Week)\.$")
WINDOW_SECONDS = {"Second": 1, "Minute": 60, "Hour": 3600, "Day": 86400, "Week": 604800}
DEFAULTS = {"Second": 10, "Minute": 120, "Hour": 3600, "Day": 43200, "Week": 216000}
POLITE = 25
PING, VERSION = f"{API}/diagnostics/ping", f"{API}/diagnostics/version"


def burst(target: Target, path: str, most: int) -> tuple[int, requests.Response | None]:
    """GET ``path`` until the first 429, at most ``most`` times: (admitted, the 429)."""
    for sent in range(most):
        response = target.request("GET", path, wait_on_429=False)
        if response.status_code == 429:
            return sent, response
    return most, None


def tripped(target: Target, path: str, most: int) -> requests.Response:
    admitted, refused = burst(target, path, most)
    if refused is None:
        if target.is_mock:
            pytest.fail(f"QS-12: {admitted} quick requests to {path} were never answered 429")
        pytest.skip(f"not checkable politely: {admitted} quick requests to {path} tripped no "
                    "throttle (its threshold may be higher)")
    return refused


def assert_throttle_answer(response: requests.Response, rule: str = "QS-13") -> re.Match[str]:
    assert response.content == b"", f"{rule}: the 429 has a body: {response.text[:120]!r}"
    match = PHRASE.match(response.reason or "")
    assert match is not None, \
        f"{rule}: the 429's reason phrase is {response.reason!r}, expected 'API calls quota " \
        "exceeded! maximum admitted N per Second|Minute|Hour|Day|Week.'"
    retry = response.headers.get("Retry-After", "")
    assert retry.isdigit() and 1 <= int(retry) <= WINDOW_SECONDS[match.group(2)], \
        f"{rule}: Retry-After is {retry!r} for the {match.group(2)} window"
    return match


@pytest.mark.rule("QS-13")
def test_past_a_throttle_429_names_the_window(target: Target) -> None:
    refused = tripped(target, PING, POLITE)
    match = assert_throttle_answer(refused)
    if target.is_mock:
        assert (match.group(1), match.group(2)) == ("10", "Second") and \
            refused.headers["Retry-After"] == "1", \
            f"QS-13: expected the default 10 per Second and Retry-After 1: {seen(refused)}"


@pytest.mark.rule("QS-12")
def test_each_endpoint_has_its_own_count(target: Target) -> None:
    tripped(target, PING, POLITE)
    other = target.request("GET", VERSION, wait_on_429=False)
    assert other.status_code != 429, \
        f"QS-12: right after {PING} was throttled, {VERSION} answered {seen(other)}"


@pytest.mark.rule("QS-12")
def test_our_mock_counts_the_minute_window(target: Target, admin: MockAdmin) -> None:
    admin.throttle("GET diagnostics/version", {"Second": 100_000})
    try:
        admitted, refused = burst(target, VERSION, 2 * DEFAULTS["Minute"] + 1)
    finally:
        admin.throttle("GET diagnostics/version", {})
    assert refused is not None, f"QS-12: {admitted} requests in a row were never refused"
    match = assert_throttle_answer(refused, "QS-12")
    assert (match.group(1), match.group(2)) == ("120", "Minute"), \
        f"QS-12: expected 120 per Minute, got {refused.reason!r}"
    assert admitted >= 1, "QS-12: the first request was refused"


@pytest.mark.rule("QS-12")
def test_our_mock_documents_the_default_thresholds(target: Target, admin: MockAdmin) -> None:
    assert admin.throttles()["defaults"] == DEFAULTS
