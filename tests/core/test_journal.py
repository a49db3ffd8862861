"""The request journal: what it keeps, masked, bounded, filtered and counted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.core.journal import BODY_LIMIT
from apidouble.mock_server.core.masking import Masker, SecretPattern, mask


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Flask]:
    yield create_app("aliquora", Config(db_url=f"sqlite:///{tmp_path / 'aq.sqlite3'}"))


@pytest.fixture()
def key(app: Flask) -> str:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    return str(next(e["apiKey"] for e in entries if e["plan"] == "api"))


def journal(app: Flask, **query: Any) -> list[dict[str, Any]]:
    response = app.test_client().get("/__admin/requests", query_string=query)
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["requests"])


def test_an_entry_keeps_the_exchange_with_secrets_masked(app: Flask, key: str) -> None:
    client = app.test_client()
    client.set_cookie("sid", "verysecretcookie")
    client.post("/api/v1/samples?access_token=abcdefghijklmnop&x=1",
                headers={"Authorization": f"Bearer {key}"},
                json={"clientName": "C", "password": "hunter2hunter2", "note": key})
    entry = journal(app)[0]
    assert (entry["method"], entry["path"]) == ("POST", "/api/v1/samples")
    assert entry["query"] == "access_token=abcd****&x=1"
    headers = entry["request"]["headers"]
    assert headers["Authorization"] == f"Bearer {key[:4]}****"
    assert headers["Cookie"] == "sid=very****"
    assert '"password":"hunt****"' in entry["request"]["body"]  # as the test client sent it
    assert key not in str(entry) and "hunter2hunter2" not in str(entry)
    assert entry["status"] == 400 and '"error"' in entry["response"]["body"]
    assert entry["response"]["headers"]["Content-Type"] == "application/json"
    assert entry["durationMs"] >= 0 and entry["at"].endswith("Z")


def test_bodies_are_cut_to_the_documented_size(app: Flask, key: str) -> None:
    app.test_client().get("/api/v1/samples?limit=500", headers={"Authorization": f"Bearer {key}"})
    body = journal(app)[0]["response"]["body"]
    assert body.startswith('{"data"') and "more bytes not kept]" in body
    assert len(body) < BODY_LIMIT + 100


def test_filters_and_count(app: Flask, key: str) -> None:
    client = app.test_client()
    auth = {"Authorization": f"Bearer {key}"}
    client.get("/api/v1/whoami", headers=auth)
    client.get("/api/v1/samples?limit=1", headers=auth)
    client.get("/api/v1/samples?limit=1")
    client.delete("/api/v1/whoami", headers=auth)
    assert [e["status"] for e in journal(app, path="/api/v1/samples*")] == [401, 200]
    assert len(journal(app, method="get")) == 3
    assert len(journal(app, status=401)) == 1
    assert len(journal(app, limit=2)) == 2
    assert journal(app, since="2999-01-01T00:00:00Z") == []
    count = app.test_client().post("/__admin/requests/count",
                                   json={"method": "GET", "path": "/api/v1/*", "status": 200})
    assert count.get_json() == {"count": 2}
    assert app.test_client().post("/__admin/requests/count").get_json() == {"count": 4}
    assert app.test_client().get("/__admin/requests?limit=0").status_code == 400
    assert app.test_client().get("/__admin/requests?status=x").status_code == 400
    assert app.test_client().get("/__admin/requests?since=yesterday").status_code == 400


def test_the_path_as_sent_under_a_mount_prefix(app: Flask) -> None:
    app.test_client().get("/api/v1/whoami", environ_overrides={
        "RAW_URI": "/aliquora/api/v1/whoami?x=1", "SCRIPT_NAME": "/aliquora"})
    entry = journal(app)[0]
    assert (entry["path"], entry["query"]) == ("/aliquora/api/v1/whoami", "x=1")


def test_bounded_in_rows_and_bytes(app: Flask, key: str) -> None:
    log = app.extensions["apidouble"].requests
    log.KEEP, log.MAX_BYTES = 5, 3000
    for _ in range(8):
        app.test_client().get("/api/v1/whoami", headers={"Authorization": f"Bearer {key}"})
    log.flush()
    with log.storage.begin_bookkeeping() as connection:
        log.trim(connection)
    kept = journal(app, limit=1000)
    assert 1 <= len(kept) <= 5
    assert sum(len(str(e)) for e in kept) < 3000 + 1500


@pytest.mark.parametrize(("text", "expected"), [
    ("Login_Token=abcdefghijkl&x=1", "Login_Token=abcd****&x=1"),
    ('{"authToken": "abcdefghijklmn", "id": 1}', '{"authToken": "abcd****", "id": 1}'),
    ('{"refresh_token":"abcdefghijklmn"', '{"refresh_token":"abcd****"'),
    ("grant_type=authorization_code&code=xyz&client_secret=s", "grant_type=authorization_code"
     "&code=****&client_secret=****"),
    ('{"code": "SAMPLE_LIMIT_EXCEEDED"}', '{"code": "SAMPLE_LIMIT_EXCEEDED"}'),
    ("see lk_AbCdEf0123456789 here", "see lk_A**** here"),
    ('{"token": "abcdefghijklmnopq', '{"token": "abcd****'),  # cut short by the size limit
    # any case of the name; the value's hint keeps its own case; every secret of a body
    ('{"ACCESS_TOKEN": "ABCDEFGHIJKLMN", "n": "Password reset", "X-Api-Key": "QRSTUVWXYZab"}',
     '{"ACCESS_TOKEN": "ABCD****", "n": "Password reset", "X-Api-Key": "QRST****"}'),
    # a character that lowers to two ("İ") shifts positions: matched without lowering
    ('{"İd": "x", "Client-Secret": "ABCDEFGHIJKLMN", "x": 1}',
     '{"İd": "x", "Client-Secret": "ABCD****", "x": 1}'),
    ("q=İ&Api-Key=ABCDEFGHIJKLMN&x=1", "q=İ&Api-Key=ABCD****&x=1"),
])
def test_masks(text: str, expected: str) -> None:
    assert Masker().text(text) == expected


PIECES = st.sampled_from(['"', '": "', "=", "&", " ", "x", "AB", "token", "Secret", "API_key",
                          "PassWord", "code", "İ", "ß", "K", "\\", "12345678901234"])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_matching_on_the_lowered_text_masks_as_ignoring_case_does(text: str) -> None:
    pattern = r'("[a-z_\-]*(?:token|secret|api[_-]?key|password)"\s*:\s*")([^"\\]*)'
    expected = re.compile(pattern, re.I).sub(lambda m: m.group(1) + mask(m.group(2)), text)
    assert SecretPattern(pattern).masked(text, text.lower())[0] == expected


def test_masked_headers_and_a_profile_extension() -> None:
    masker = Masker(["session_ref"])
    assert masker.header("X-Api-Key", "abcdefghijklmnop") == "abcd****"
    assert masker.header("Set-Cookie", "sessionid=abcdefghijklmnop; Path=/; HttpOnly") == \
        "sessionid=abcd****; Path=/; HttpOnly"
    assert masker.text('{"session": "x", "sessionRef": "abcdefghijklmnop"}') == \
        '{"session": "x", "sessionRef": "abcd****"}'
    assert masker.header("Accept", "application/json") == "application/json"
