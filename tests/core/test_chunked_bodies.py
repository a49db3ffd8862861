"""A request body over the limit is refused alike, with a length or chunked, and never a 500."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import SYSTEMS

LIMIT = 2048
#: a POST path of each system that reads a body (its answer to this body does not matter)
POSTS = {"aliquora": "/api/v1/samples", "qatrack": "/api/qa/testlistinstances/",
         "alemba": "/alemba.api/api/v1/call", "alisqi": "/api/storeResults",
         "qses": "/crms/api/contacts"}
JSON = {"Content-Type": "application/json"}


def post_chunked(client: Any, path: str, body: bytes) -> Any:
    return client.post(path, input_stream=io.BytesIO(body),
                       headers={**JSON, "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("turns", [True, False], ids=["in-turns", "no-turns"])
@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_a_body_over_the_limit_is_refused_alike_chunked_or_not(system: str, turns: bool,
                                                               tmp_path: Path) -> None:
    assert set(POSTS) == set(SYSTEMS)
    app = create_app(system, Config(db_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                    max_body_bytes=LIMIT))
    if not turns:  # as on PostgreSQL, where requests take no turns
        app.wsgi_app = app.wsgi_app.__wrapped__  # type: ignore[attr-defined, method-assign]
    client = app.test_client()
    fault = {"path": "/nowhere", "status": 503}
    padded = json.dumps({**fault, "pad": "z" * LIMIT}).encode()
    assert post_chunked(client, "/__admin/faults", padded).status_code == 413
    assert client.post("/__admin/faults", data=padded, headers=JSON).status_code == 413
    assert client.get("/__admin/faults").get_json()["faults"] == []
    declared = client.post(POSTS[system], data=padded, headers=JSON)
    assert 400 <= declared.status_code < 500  # refused in the system's own way, never a 500
    assert post_chunked(client, POSTS[system], padded).status_code == declared.status_code
    within = post_chunked(client, "/__admin/faults", json.dumps(fault).encode())
    assert within.status_code == 201 and within.get_json()["status"] == 503
    journal = client.get("/__admin/requests").get_json()
    assert "over the body limit, not kept" in json.dumps(journal)
