"""Extreme but parseable requests to every system's write endpoints: never a 500.

Deep nesting, numbers of thousands of digits, non-finite numbers, long strings
and odd Unicode (lone surrogates, NUL, bidi controls, emoji) are generated as
raw JSON text (``json.dumps`` itself could not nest that deep), put in the
fields the systems read, and posted with each system's demo credentials. A
bounded campaign: a fixed number of derandomized examples per system.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import SYSTEMS, create_app

Headers = dict[str, str]


def _aliquora(client: FlaskClient) -> Headers:
    entries = client.get("/__admin/credentials").get_json()["credentials"]
    key = next(e["apiKey"] for e in entries if e["plan"] == "api" and e["role"] == "administrator")
    return {"Authorization": f"Bearer {key}"}


def _qatrack(client: FlaskClient) -> Headers:
    entries = client.get("/__admin/credentials").get_json()["credentials"]
    token = next(e["token"] for e in entries if e.get("can_perform"))
    return {"Authorization": f"Token {token}"}


def _alemba(client: FlaskClient) -> Headers:
    entry = next(e for e in client.get("/__admin/credentials").get_json()["credentials"]
                 if e["name"] == "analyst")
    form = {"client_id": entry["client_id"], "grant_type": "password", "scope": entry["scope"],
            "username": entry["username"], "password": entry["password"]}
    token = client.post("/alemba.web/oauth/login", data=form).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _alisqi(client: FlaskClient) -> Headers:
    entry = next(e for e in client.get("/__admin/credentials").get_json()["credentials"]
                 if not e["ipWhitelist"])
    return {"Authorization": f"Bearer {entry['token']}"}


def _qses(client: FlaskClient) -> Headers:
    entry = next(e for e in client.get("/__admin/credentials").get_json()["credentials"]
                 if e["username"] == "integration.full")
    token = client.post("/crms/api/token", data={
        "grant_type": "password", "username": entry["username"],
        "password": entry["password"]}).get_json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


#: AlisQI's writes take their JSON in one form field, as its wire notes describe
FORM_FIELD = {"alisqi": ("results", {"setId": "1"})}

#: how to authenticate and which writes to aim at; a system not listed here is
#: fuzzed unauthenticated on every write rule of its URL map
KNOWN: dict[str, tuple[Callable[[FlaskClient], Headers], list[tuple[str, str]]]] = {
    "aliquora": (_aliquora, [
        ("POST", "/api/v1/samples"), ("PATCH", "/api/v1/samples/1001"),
        ("PATCH", "/api/v1/samples/1001/status"), ("POST", "/api/v1/samples/receive"),
        ("PATCH", "/api/v1/sample-tests/5001"), ("POST", "/api/v1/sample-tests/bulk-results"),
        ("POST", "/api/v1/sample-tests/5001/verify"), ("PATCH", "/api/v1/approval-records/1"),
        ("POST", "/api/v1/projects"), ("PATCH", "/api/v1/clients/1"),
        ("POST", "/__admin/keys"), ("POST", "/__admin/clock")]),
    "qatrack": (_qatrack, [
        ("POST", "/api/qa/testlistinstances/"), ("PATCH", "/api/qa/testlistinstances/1/"),
        ("POST", "/api/faults/faults/"), ("POST", "/api/faults/faulttypes/"),
        ("POST", "/api/get-token/"), ("POST", "/__admin/tokens")]),
    "alemba": (_alemba, [
        ("POST", "/alemba.api/api/v1/call"), ("PUT", "/alemba.api/api/v1/call/3"),
        ("PUT", "/alemba.api/api/v1/call/3/forward"), ("POST", "/alemba.api/api/v1/person"),
        ("POST", "/alemba.web/oauth/login")]),
    "alisqi": (_alisqi, [("POST", "/api/storeResults"),
                         ("POST", "/api/storeSpecificationVersion")]),
    "qses": (_qses, [
        ("POST", "/crms/api/contacts"), ("PUT", "/crms/api/contacts/100001"),
        ("POST", "/crms/api/processes/upsertcontact"), ("POST", "/crms/api/othercommunications"),
        ("POST", "/crms/api/processes/updatecontact"),
        ("POST", "/crms/api/processes/getcontactactivepreference")]),
}
FIELDS = ["name", "clientName", "materialTypeId", "projectId", "testDefinitionIds", "status",
          "result", "notes", "sampleIds", "updates", "email", "username", "password",
          "unit_test_collection", "tests", "comment", "ShortDescription", "Description",
          "IpkStatus", "Partition", "User", "$action", "Officer", "advance", "organizationId",
          "userId", "id", "value", "description", "code"]


def _nested(depth: int, leaf: str, objects: bool) -> str:
    if objects:
        return '{"a":' * depth + leaf + "}" * depth
    return "[" * depth + leaf + "]" * depth


ODD_TEXT = st.text(st.characters(codec="utf-8", categories=("Cc", "Cf", "Co", "Mn", "So", "Zs",
                                                            "Lo")), max_size=40)
EXTREME = st.one_of(
    st.builds(_nested, st.integers(60, 3000), st.sampled_from(["1", '"x"', "[]"]), st.booleans()),
    st.integers(18, 6000).map(lambda n: "9" * n),
    st.integers(18, 6000).map(lambda n: "-" + "1" * n),
    st.sampled_from(["1e400", "-1e400", "NaN", "Infinity", "1" * 400 + ".5", "1e-400",
                     "9223372036854775808", "-9223372036854775809", "18446744073709551616"]),
    st.integers(1000, 300_000).map(lambda n: json.dumps("x" * n)),
    ODD_TEXT.map(json.dumps),
    st.sampled_from([r'"\ud800"', r'"a\udfffb"', r'"\u0000"', r'"\u202e\u200bx"',
                     r'"\ud83d\ude00"', r'"\uffff\ufffe"', '"\U0001f4a9"']),
)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    value = draw(EXTREME)
    shape = draw(st.sampled_from(["top", "field", "list", "fields"]))
    if shape == "top":
        return value
    if shape == "list":
        return f"[{value}]"
    names = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True))
    if shape == "field":
        names = names[:1]
    return "{" + ",".join(f"{json.dumps(name)}:{value}" for name in names) + "}"


def _discovered(app: Flask) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
            path = rule.rule
            for argument in rule.arguments:
                path = path.replace(f"<{argument}>", "1")
                path = path.replace(f"<path:{argument}>", "x").replace(f"<int:{argument}>", "1")
            if "<" not in path:
                found.append((method, path))
    return found


@pytest.fixture(scope="module", params=sorted(SYSTEMS))
def system(request: pytest.FixtureRequest) -> Iterator[tuple[Poster, list]]:
    app = create_app(request.param, Config(db_url="sqlite:///:memory:", rate_limits=False))
    client = app.test_client()
    auth, writes = KNOWN.get(request.param, (lambda _client: {}, _discovered(app)))
    yield _poster(client, auth(client), FORM_FIELD.get(request.param)), writes
    app.extensions["apidouble"].storage.dispose()


Poster = Callable[[str, str, str], Any]


def _poster(client: FlaskClient, headers: Headers,
            form_field: tuple[str, dict[str, str]] | None) -> Poster:
    """Send raw JSON text as the system expects it: the body, or one form field."""
    def post(method: str, path: str, body: str) -> Any:
        raw = body.encode("utf-8", "surrogatepass")
        if form_field is None:
            return client.open(path, method=method, data=raw,
                               headers={**headers, "Content-Type": "application/json"})
        name, extra = form_field
        form = urlencode({**extra, name: raw.decode("utf-8", "replace")}).encode()
        return client.open(path, method=method, data=form, headers={
            **headers, "Content-Type": "application/x-www-form-urlencoded"})
    return post


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data(), body=bodies())
def test_extreme_json_is_answered_in_the_envelope(system: Any, data: st.DataObject,
                                                  body: str) -> None:
    post, writes = system
    method, path = data.draw(st.sampled_from(writes))
    response = post(method, path, body)
    assert response.status_code < 500, (method, path, body[:200], response.get_data()[:300])
    assert response.mimetype.endswith("json"), (method, path, response.mimetype)
    assert response.get_json(silent=True) is not None, response.get_data()[:300]


ISSUE_EXAMPLES = ["[" * 1000 + "]" * 1000, "9" * 4300, '{"name": ' + "7" * 4300 + "}"]


@pytest.mark.parametrize("body", ISSUE_EXAMPLES, ids=["deep", "long-integer", "long-field"])
def test_the_issue_examples_get_a_400(system: Any, body: str) -> None:
    post, writes = system
    method, path = writes[0]
    response = post(method, path, body)
    assert response.status_code == 400, response.get_data()[:300]


def test_a_literal_null_is_no_object_for_the_admin_interface() -> None:
    """``POST /__admin/requests/count`` takes an empty body as "count everything"; a
    literal ``null`` is neither that nor an object: 400, in every system's envelope."""
    for system in sorted(SYSTEMS):
        client = create_app(system, Config(db_url="sqlite:///:memory:")).test_client()
        empty = client.post("/__admin/requests/count")
        assert empty.status_code == 200, (system, empty.get_data()[:200])
        for body in ("null", "[]", "7"):
            answer = client.post("/__admin/requests/count", data=body,
                                 content_type="application/json")
            assert answer.status_code == 400, (system, body, answer.get_data()[:200])
