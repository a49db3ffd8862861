"""Tokens and permissions (AS-08), IP whitelists (AS-09), the rate limit (AS-12)."""

from __future__ import annotations

import pytest
import requests

from apidouble.conformance.target import Target

from ._client import AlisQI, MockAdmin, error_of, json_of, marker, seen
from ._model import Installation

HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Retry-After")


def assert_refused(response: requests.Response, what: str, rule: str) -> None:
    assert response.status_code in (401, 403), \
        f"{rule}: {what} answered {seen(response)}, expected 401 or 403"
    assert isinstance(error_of(response), str), \
        f"{rule}: {what}'s refusal is not {{\"error\": ...}}: {seen(response)}"


@pytest.mark.rule("AS-08")
def test_a_call_without_a_token_is_refused(target: Target, installation: Installation) -> None:
    info = installation.need_set()
    assert_refused(AlisQI(target, None).get("getResults", setId=info.id), "no token", "AS-08")
    assert_refused(AlisQI(target, "apidouble-not-a-token-0123456789").get(
        "getResults", setId=info.id), "an unknown token", "AS-08")


@pytest.mark.rule("AS-08")
def test_the_legacy_token_parameter_is_accepted(api: AlisQI, target: Target,
                                                installation: Installation) -> None:
    info = installation.need_set()
    response = AlisQI(target, None).get("getResults", setId=info.id, limit=1,
                                        access_token=api.token)
    assert response.status_code == 200, f"AS-08: access_token=... answered {seen(response)}"


@pytest.mark.rule("AS-08")
def test_a_read_only_token_cannot_store(target: Target, installation: Installation) -> None:
    target.need_writes()
    set_id = target.need("read_only_set", "a set the read-only token may only read")
    client = AlisQI(target, target.need("read_only_token", "a read-only token"))
    readable = client.get("getResults", setId=set_id, limit=1)
    assert readable.status_code == 200, f"AS-08: the read-only token cannot read: {seen(readable)}"
    response = client.store(set_id, [{"apidouble": marker()}])
    assert response.status_code == 403 and isinstance(error_of(response), str), \
        f"AS-08: storeResults with a read-only token answered {seen(response)}, expected 403"


@pytest.mark.rule("AS-08")
def test_several_tokens_of_one_user_all_work(target: Target, admin: MockAdmin,
                                             installation: Installation) -> None:
    info = installation.need_set()
    first = admin.fresh_client("token", "first of two")
    second = admin.fresh_client("token", "second of two")
    for client in (first, second):
        response = client.get("getResults", setId=info.id, limit=1)
        assert response.status_code == 200, f"AS-08: a second token answered {seen(response)}"


@pytest.mark.rule("AS-09")
def test_a_whitelisted_token_is_refused_from_elsewhere(target: Target,
                                                       installation: Installation) -> None:
    info = installation.need_set()
    client = AlisQI(target, target.need("whitelisted_token",
                                        "a token whose IP whitelist excludes this machine"))
    response = client.get("getResults", setId=info.id, limit=1)
    assert response.status_code in (401, 403), \
        f"AS-09: a call from outside the whitelist answered {seen(response)}"


@pytest.mark.rule("AS-09")
def test_a_whitelisted_token_works_from_a_listed_address(target: Target, admin: MockAdmin,
                                                         installation: Installation) -> None:
    info = installation.need_set()
    client = admin.fresh_client("token", "whitelist", ["127.0.0.1", "::1"])
    response = client.get("getResults", setId=info.id, limit=1)
    assert response.status_code == 200, f"AS-09: a listed address was refused: {seen(response)}"
    far = admin.fresh_client("token", "elsewhere", ["192.0.2.1"])
    assert far.get("getResults", setId=info.id, limit=1).status_code in (401, 403), \
        "AS-09: a token whitelisted for 192.0.2.1 works from here"


def assert_headers(response: requests.Response, what: str) -> None:
    for name in HEADERS:
        value = response.headers.get(name)
        assert value is not None and value.strip().lstrip("-").isdigit(), \
            f"AS-12: {what} ({response.status_code}) carries {name}: {value!r}, expected an integer"


@pytest.mark.rule("AS-12")
def test_every_response_carries_the_rate_headers(api: AlisQI, target: Target,
                                                 installation: Installation) -> None:
    info = installation.need_set()
    assert_headers(api.get("getResults", setId=info.id, limit=1), "getResults")
    assert_headers(api.get("getResults", setId=info.id, sort="apidouble_nope:asc"),
                   "a bad parameter")
    assert_headers(AlisQI(target, None).get("getResults", setId=info.id), "a call without token")


@pytest.mark.rule("AS-12")
def test_past_the_limit_is_429_with_a_plain_body(target: Target) -> None:
    if target.is_mock:
        client = MockAdmin(target, "AS-12").fresh_client("token", "rate limit")
    else:
        client = AlisQI(target, target.need("rate_limit_token", "a token the run may use up"))
    first = client.get("getAllSets")
    limit = int(first.headers.get("X-RateLimit-Limit", "30") or 30)
    if limit > 200:
        pytest.skip(f"not checkable: a limit of {limit} a minute is too many calls to spend")
    response = first
    # A slow run may cross into the next minute's window once: allow two windows of calls.
    calls = 2 * (limit + 1)
    for _ in range(calls):
        response = client.request("GET", "getAllSets", wait_on_429=False)
        if response.status_code == 429:
            break
    assert response.status_code == 429, \
        f"AS-12: {calls + 1} calls in a row never answered 429 (last {seen(response)})"
    assert_headers(response, "the 429")
    assert not isinstance(json_of(response), dict | list), \
        f"AS-12: the 429 body is JSON, expected a plain string: {seen(response)}"


@pytest.mark.rule("AS-12")
def test_remaining_counts_down(api: AlisQI, installation: Installation) -> None:
    info = installation.need_set()
    first = api.get("getResults", setId=info.id, limit=1)
    second = api.get("getResults", setId=info.id, limit=1)
    a, b = (int(r.headers.get("X-RateLimit-Remaining", "-1")) for r in (first, second))
    assert b < a or a == 0, f"AS-12: X-RateLimit-Remaining went {a} -> {b}"
