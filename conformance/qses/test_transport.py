"""CORS (QS-01), JSON responses (QS-02) and JSON-only request bodies (QS-03).

Nothing here can change data: preflights, reads, and bodies the server must
refuse before reading them, sent to a process that writes nothing.
"""

from __future__ import annotations

import pytest

from apidouble.conformance.target import Target

from ._client import API, JSON_UTF8, Crms, body_of, seen

ORIGIN = "https://evil.example"
UNSUPPORTED = "System.Net.Http.UnsupportedMediaTypeException"
PREVIEW = "/processes/preprocessupsertcontacts"


@pytest.mark.rule("QS-01")
@pytest.mark.parametrize("path", ["/contacts", "/token", "/diagnostics/ping"])
def test_preflights_are_refused(target: Target, path: str) -> None:
    response = target.request("OPTIONS", API + path, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert "Access-Control-Allow-Origin" not in response.headers, \
        f"QS-01: a preflight to {path} was answered with Access-Control-Allow-Origin"
    assert not 200 <= response.status_code < 300, \
        f"QS-01: a preflight to {path} was accepted: {seen(response)}"
    if target.is_mock:  # our choice: Web API's unsupported method
        assert response.status_code == 405, f"QS-01: preflight answered {seen(response)}"


@pytest.mark.rule("QS-01")
def test_no_cors_header_on_cross_origin_calls(target: Target, crms: Crms) -> None:
    for response in (crms.get("/contacts", params={"limit": 1}, headers={"Origin": ORIGIN}),
                     target.request("GET", f"{API}/diagnostics/ping",
                                    headers={"Origin": ORIGIN}),
                     target.request("GET", f"{API}/contacts", headers={"Origin": ORIGIN})):
        assert "Access-Control-Allow-Origin" not in response.headers, \
            f"QS-01: {response.request.path_url} sent Access-Control-Allow-Origin"


@pytest.mark.rule("QS-02")
@pytest.mark.parametrize("accept", ["application/xml", "text/html", "*/*", "text/plain"])
def test_json_whatever_accept_says(target: Target, crms: Crms, accept: str) -> None:
    responses = [crms.get("/courses", params={"limit": 2}, headers={"Accept": accept}),
                 target.request("GET", f"{API}/contacts", headers={"Accept": accept})]
    for response in responses:
        content_type = response.headers.get("Content-Type", "")
        assert content_type.replace(" ", "").lower() == JSON_UTF8.replace(" ", ""), \
            f"QS-02: with Accept {accept} {response.request.path_url} answered " \
            f"Content-Type {content_type!r}, expected {JSON_UTF8!r}"
        body_of(response)  # parses
        response.json()


@pytest.mark.rule("QS-03")
@pytest.mark.parametrize(("media", "body"), [
    ("application/xml", "<Contact><Name>Ana</Name></Contact>"),
    ("text/plain", '[{"Name": "Ana", "Surname": "Lima"}]'),
    ("application/x-www-form-urlencoded", "Name=Ana&Surname=Lima"),
])
def test_a_body_that_is_not_json_is_415(crms: Crms, media: str, body: str) -> None:
    response = crms.post(PREVIEW, data=body.encode(), headers={"Content-Type": media})
    found = body_of(response)
    assert response.status_code == 415, \
        f"QS-03: a {media} body to {PREVIEW} answered {seen(response)}, expected 415"
    for field in ("Message", "ExceptionMessage", "ExceptionType", "StackTrace"):
        assert field in found, f"QS-03: the 415 body lacks {field}: {seen(response)}"
    assert found["ExceptionType"] == UNSUPPORTED, \
        f"QS-03: ExceptionType is {found['ExceptionType']!r}, expected {UNSUPPORTED}"


@pytest.mark.rule("QS-03")
def test_our_mock_refuses_other_media_on_every_write(target: Target, crms: Crms,
                                                     some_contact: dict) -> None:
    target.need_mock("would write to another server if it accepted the body")
    number = some_contact["CrmNumber"]
    for method, path in (("POST", "/contacts"), ("PUT", f"/contacts/{number}"),
                         ("POST", "/processes/upsertcontact"), ("POST", "/othercommunications")):
        response = crms.request(method, path, data=b"<x/>",
                                headers={"Content-Type": "application/xml"})
        assert response.status_code == 415 and \
            body_of(response).get("ExceptionType") == UNSUPPORTED, \
            f"QS-03: an XML body to {method} {path} answered {seen(response)}"


@pytest.mark.rule("QS-03")
def test_json_is_accepted(crms: Crms) -> None:
    response = crms.post(PREVIEW, json=[{"Name": "Ana", "Surname": "Lima",
                                         "EmailAddress": "nobody@apidouble.invalid"}])
    assert response.status_code == 200, f"QS-03: a JSON body answered {seen(response)}"
