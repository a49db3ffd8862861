"""The error envelope (AQ-29): ``{error, message}``, 400 for bad input, never a 500.

Every request here is one that cannot change anything: a body that does not
parse, values of the wrong type, or ids that cannot exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from apidouble.conformance.target import Target

from ._client import Aliquora, body_of, seen

MALFORMED = b'{"clientName": "unterminated'
UNKNOWN_ID = 2147483647


#: the slugs the guide's error table gives per status ("common slug(s)")
DOCUMENTED_SLUGS = {400: {"invalid_body", "invalid_reference", "invalid_id"},
                    404: {"not_found"}}


def assert_error(response: Any, status: int, expected: str, what: str,
                 strict: bool = True) -> None:
    """Our mock: exactly ``{error: expected, message}``. Any other server: the status, and
    an ``error`` slug, where there is one, among the guide's slugs for that status: the guide
    says "most" errors carry a slug and a message, some "a code field or a message only"."""
    body = body_of(response)
    if not strict:
        slug = body.get("error")
        assert response.status_code == status and (
            slug is None or slug in DOCUMENTED_SLUGS.get(status, {expected})), \
            f"AQ-29: {what} answered {seen(response)}, expected {status} ({expected})"
        return
    assert response.status_code == status and body.get("error") == expected, \
        f"AQ-29: {what} answered {seen(response)}, expected {status} {expected}"
    assert isinstance(body.get("message"), str) and body["message"], \
        f"AQ-29: {what}: the error has no message: {seen(response)}"


@pytest.mark.rule("AQ-29")
@pytest.mark.parametrize("method, path", [
    ("POST", "/samples"), ("POST", "/samples/receive"), ("POST", "/sample-tests/bulk-results"),
    ("POST", "/projects"), ("POST", "/clients"),
])
def test_malformed_json_is_invalid_body(api: Aliquora, method: str, path: str) -> None:
    response = api.request(method, path, data=MALFORMED,
                           headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_body", f"malformed JSON to {method} {path}",
                 api.target.is_mock)


@pytest.mark.rule("AQ-29")
@pytest.mark.parametrize("path, body", [
    ("/samples/receive", {"sampleIds": "all of them"}),
    ("/samples/receive", ["not", "an", "object"]),
    ("/sample-tests/bulk-results", {"updates": [{"sampleTestId": "first", "result": "1"}]}),
    ("/samples", {"clientName": "apidouble", "materialTypeId": "three"}),
])
def test_wrong_types_are_invalid_body(api: Aliquora, path: str, body: Any) -> None:
    response = api.post(path, json=body)
    assert_error(response, 400, "invalid_body", f"POST {path} with {body}", api.target.is_mock)


@pytest.mark.rule("AQ-29")
@pytest.mark.parametrize("method, path", [
    ("GET", "/samples/abc"), ("GET", "/samples/abc/approvals"),
    ("PATCH", "/sample-tests/1x"), ("POST", "/sample-tests/abc/verify"),
    ("PATCH", "/approval-records/abc"),
])
def test_non_numeric_ids_are_invalid_id(api: Aliquora, method: str, path: str) -> None:
    body = {"result": "1"} if method == "PATCH" else None
    response = api.request(method, path, json=body)
    assert_error(response, 400, "invalid_id", f"{method} {path}", api.target.is_mock)


@pytest.mark.rule("AQ-29")
def test_unknown_records_are_not_found(api: Aliquora) -> None:
    for path in (f"/samples/{UNKNOWN_ID}", f"/samples/{UNKNOWN_ID}/approvals"):
        assert_error(api.get(path), 404, "not_found", f"GET {path}", api.target.is_mock)


@pytest.mark.rule("AQ-29")
def test_our_mocks_own_envelopes(api: Aliquora, target: Target) -> None:
    target.need_mock("our spec's 401, unmatched-URL and 405 envelopes")
    assert_error(Aliquora(target, None).get("/whoami"), 401, "unauthorized", "GET /whoami")
    assert_error(api.get("/no-such-thing"), 404, "not_found", "GET /api/v1/no-such-thing")
    response = api.request("DELETE", "/samples")
    assert_error(response, 405, "method_not_allowed", "DELETE /api/v1/samples")
    assert "GET" in response.headers.get("Allow", ""), \
        f"AQ-29: the 405 has Allow {response.headers.get('Allow')!r}"
    assert response.headers.get("Content-Type", "").startswith("application/json"), \
        f"AQ-29: errors are {response.headers.get('Content-Type')!r}, expected JSON"
