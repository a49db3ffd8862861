"""No request of any shape gets a 500, an HTML page or loses data (AQ-29)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=5),
    max_leaves=12,
)
FIELDS = ["clientName", "materialTypeId", "projectId", "testDefinitionIds", "status", "result",
          "notes", "sampleIds", "updates", "sampleTestId", "priority", "collectionDate",
          "plantLocation", "approverUserId", "name", "code", "clientId", "email"]
BODIES = JSON | st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=6)
WRITES = [("post", "/api/v1/samples"), ("patch", "/api/v1/samples/1001"),
          ("patch", "/api/v1/samples/1001/status"), ("post", "/api/v1/samples/receive"),
          ("patch", "/api/v1/sample-tests/5001"), ("post", "/api/v1/sample-tests/bulk-results"),
          ("patch", "/api/v1/approval-records/1"), ("post", "/api/v1/projects"),
          ("patch", "/api/v1/projects/1"), ("post", "/api/v1/clients"),
          ("patch", "/api/v1/clients/1")]
FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_enveloped(response: Any) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    if response.status_code >= 400:
        assert isinstance(body, dict) and ("error" in body or "code" in body), body
        assert isinstance(body["message"], str) and body["message"]


@FUZZ
@given(endpoint=st.sampled_from(WRITES), body=BODIES)
def test_any_json_body_is_answered_in_the_envelope(api: Any, endpoint: Any, body: Any) -> None:
    method, path = endpoint
    assert_enveloped(getattr(api, method)(path, json=body))


@FUZZ
@given(endpoint=st.sampled_from(WRITES), raw=st.binary(max_size=200),
       content_type=st.sampled_from(["application/json", "text/plain", "application/xml",
                                     "application/json; charset=latin-9", ""]))
def test_any_bytes_are_answered_in_the_envelope(api: Any, endpoint: Any, raw: bytes,
                                                 content_type: str) -> None:
    method, path = endpoint
    assert_enveloped(getattr(api, method)(path, data=raw, content_type=content_type))


@FUZZ
@given(params=st.dictionaries(
    st.sampled_from(["limit", "cursor", "status", "materialTypeId", "projectId", "trackingId",
                     "since", "until", "sampleId"]),
    st.text(max_size=25) | st.integers(-(2**70), 2**70).map(str), max_size=4),
    path=st.sampled_from(["/api/v1/samples", "/api/v1/sample-tests", "/api/v1/clients",
                          "/api/v1/samples/1001/approvals"]))
def test_any_query_is_answered_in_the_envelope(api: Any, params: dict, path: str) -> None:
    assert_enveloped(api.get(path, query_string=params))


@FUZZ
@given(segment=st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "?" not in s))
def test_any_path_segment_is_answered_in_the_envelope(api: Any, segment: str) -> None:
    for template in ("/api/v1/samples/{}", "/api/v1/sample-tests/{}/verify", "/api/v1/{}"):
        assert_enveloped(api.get(template.format(segment)))


def test_oversized_and_multipart_bodies(api: Any) -> None:
    too_big = api.post("/api/v1/samples", data=b"x" * (11 * 1024 * 1024),
                       content_type="application/json")
    assert too_big.status_code == 413 and too_big.get_json()["error"] == "invalid_body"
    not_multipart = api.post("/api/v1/instrument-uploads", json={"file": "x"})
    assert not_multipart.status_code == 400
    bad_threshold = api.post("/api/v1/instrument-uploads", data={
        "file": (io.BytesIO(b"Sample ID,Test,Result\n"), "x.csv"), "confidenceThreshold": "1.5"})
    assert bad_threshold.status_code == 400


def test_acknowledged_writes_survive_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'aliquora.sqlite3'}"
    first = create_app("aliquora", Config(db_url=url))
    key = next(c["apiKey"] for c in first.test_client().get("/__admin/credentials")
               .get_json()["credentials"] if c["plan"] == "api")
    headers = {"Authorization": f"Bearer {key}"}
    client = first.test_client()
    material = client.get("/api/v1/material-types", headers=headers).get_json()["data"][0]["id"]
    created = client.post("/api/v1/samples", headers=headers,
                          json={"clientName": "Durable", "materialTypeId": material}).get_json()
    first.extensions["apidouble"].storage.dispose()
    second = create_app("aliquora", Config(db_url=url))
    again = second.test_client().get(f"/api/v1/samples/{created['id']}", headers=headers)
    assert again.status_code == 200 and again.get_json()["clientName"] == "Durable"


def test_rate_limit_answers_429_with_retry_after_until_the_window_moves(
    tmp_path: Path,
) -> None:
    app = create_app("aliquora", Config(db_url=f"sqlite:///{tmp_path / 'rl.sqlite3'}"))
    client = app.test_client()
    key = next(c["apiKey"] for c in client.get("/__admin/credentials")
               .get_json()["credentials"] if c["plan"] == "api")
    headers = {"Authorization": f"Bearer {key}"}
    statuses = [client.get("/api/v1/whoami", headers=headers).status_code for _ in range(241)]
    first_refusal = statuses.index(429)
    assert 0 < first_refusal <= 240
    refused = client.get("/api/v1/whoami", headers=headers)
    body = json.loads(refused.get_data())
    assert body["error"] == "rate_limited" and "120/minute" in body["message"]
    client.post("/__admin/clock", json={"advance": int(refused.headers["Retry-After"])})
    assert client.get("/api/v1/whoami", headers=headers).status_code == 200


def test_reset_restores_the_seeded_data(app: Flask, api: Any, new_sample: Any) -> None:
    created = new_sample(0)
    app.test_client().post("/__admin/reset")
    assert api.get(f"/api/v1/samples/{created['id']}").status_code == 404
