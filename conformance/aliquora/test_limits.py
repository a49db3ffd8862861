"""Plan and rate limits: the monthly sample allowance (AQ-14), 120/min (AQ-27), uploads (AQ-28).

A burst costs a real server a minute of waiting for every other test using
the same key, so against our mock each burst gets a key of its own.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from apidouble.conformance.target import Target

from ._client import Aliquora, MockAdmin, body_of, seen
from ._data import Catalog, SampleFactory

GENERAL_LIMIT, UPLOAD_LIMIT = 120, 20
EMPTY_EXPORT = "Tracking ID,Test Code,Result\n"


def burst_client(target: Target, rule: str, purpose: str) -> Aliquora:
    if target.is_mock:
        return MockAdmin(target, rule).fresh_client("api_key", purpose)
    return Aliquora(target, target.need("api_key", "a key of an organisation with API access"))


def burst(send: Any, limit: int) -> tuple[int, requests.Response | None]:
    """Send until the first 429, at most 2 x limit + 1 times (a window may roll over)."""
    for sent in range(2 * limit + 1):
        response = send()
        if response.status_code == 429:
            return sent, response
    return 2 * limit + 1, None


def assert_rate_limited(rule: str, response: requests.Response | None, allowed: int,
                        limit: int, fresh: bool) -> None:
    assert response is not None, f"{rule}: {allowed} requests in a row were never answered 429"
    body = body_of(response)
    # the guide shows the 429 as { "error": "rate_limited" }; the message is our spec's
    assert body.get("error") == "rate_limited", \
        f"{rule}: the 429 body is {seen(response)}, expected {{error: rate_limited}}"
    if fresh:
        assert isinstance(body.get("message"), str), \
            f"{rule}: the 429 body has no message: {seen(response)}"
    if fresh:  # nobody else used the key: the first window allowed at least the limit
        assert limit <= allowed <= 2 * limit, \
            f"{rule}: a new key was refused after {allowed} requests, expected {limit} a window"


@pytest.mark.rule("AQ-27")
def test_general_rate_limit(target: Target) -> None:
    client = burst_client(target, "AQ-27", "burst")
    allowed, refused = burst(lambda: client.get("/whoami", wait_on_429=False), GENERAL_LIMIT)
    assert_rate_limited("AQ-27", refused, allowed, GENERAL_LIMIT, target.is_mock)
    if target.is_mock:  # our choice 10: Retry-After; and the limit is per key
        retry = refused.headers.get("Retry-After", "") if refused is not None else ""
        assert retry.isdigit() and 1 <= int(retry) <= 60, f"AQ-27: Retry-After is {retry!r}"
        other = burst_client(target, "AQ-27", "after burst").get("/whoami", wait_on_429=False)
        assert other.status_code == 200, f"AQ-27: another key answered {seen(other)} after a burst"


@pytest.mark.rule("AQ-28")
def test_instrument_upload_rate_limit(target: Target) -> None:
    client = burst_client(target, "AQ-28", "upload burst")
    client.get("/whoami")  # waits out a 429 of the general limit, should a burst precede us

    def send() -> requests.Response:
        files = {"file": ("empty.csv", EMPTY_EXPORT.encode(), "text/csv")}
        return client.post("/instrument-uploads", files=files, data={"dryRun": "true"},
                           wait_on_429=False)

    allowed, refused = burst(send, UPLOAD_LIMIT)
    assert_rate_limited("AQ-28", refused, allowed, UPLOAD_LIMIT, target.is_mock)
    if target.is_mock:  # the upload limit is its own: other endpoints still answer
        other = client.get("/whoami", wait_on_429=False)
        assert other.status_code == 200, \
            f"AQ-28: after {allowed} uploads the key's other requests answer {seen(other)}"


def count_samples(client: Aliquora) -> int:
    return len(client.every("/samples"))


@pytest.mark.rule("AQ-14")
def test_the_monthly_sample_allowance(target: Target, rules: str) -> None:
    target.need_writes()
    client = Aliquora(target, target.need("limited_api_key",
                                          "a key of an organisation close to its allowance"))
    factory = SampleFactory(client, Catalog.discover(client), rules)
    tries = allowance(target) + 1
    expected = count_samples(client)
    for _ in range(tries):
        response = client.post("/samples", json=factory.body([]))
        if response.status_code == 403:
            break
        assert response.status_code in (200, 201), f"AQ-14: POST /samples answered {seen(response)}"
        expected += 1
    else:
        pytest.skip(f"not checkable: no 403 within {tries} samples; give a key closer to its "
                    "monthly allowance")
    assert body_of(response).get("code") == "SAMPLE_LIMIT_EXCEEDED", \
        f"AQ-14: the 403 is {seen(response)}, expected code SAMPLE_LIMIT_EXCEEDED"
    again = client.post("/samples", json=factory.body([]))
    assert again.status_code == 403, \
        f"AQ-14: past the allowance POST /samples answered {seen(again)}"
    assert count_samples(client) == expected, "AQ-14: a sample was created past the allowance"


def allowance(target: Target) -> int:
    """Our mock states the allowance; for others we try a few samples only."""
    key = target.credentials.get("limited_api_key")
    for entry in (target.admin or {}).get("credentials", []):
        if entry.get("apiKey") == key:
            return int(entry["monthlySampleAllowance"])
    return 5
