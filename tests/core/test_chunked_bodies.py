"""Request bodies are read before the app: one over the limit is refused alike, with a length
or chunked, and never a 500."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.exceptions import RequestEntityTooLarge

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.core.bodies import read_body_first
from apidouble.mock_server.core.request_turns import TURNS
from apidouble.mock_server.systems import SYSTEMS
from apidouble.serving import served_in_thread

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
def test_a_body_over_the_limit_is_refused_alike_chunked_or_not(
        system: str, turns: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(POSTS) == set(SYSTEMS)
    if not turns:  # as on PostgreSQL, where requests take no turns
        monkeypatch.setattr(TURNS, "wrap", lambda wsgi_app: wsgi_app)
    app = create_app(system, Config(db_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                    max_body_bytes=LIMIT))
    assert getattr(app.wsgi_app.__wrapped__, "takes_turns", False) == turns
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


def test_a_body_over_the_limit_or_without_an_end_is_left_to_the_app() -> None:
    seen: list[Any] = []

    def app(environ: dict[str, Any], _start: Any) -> Iterable[bytes]:
        seen.append(environ["wsgi.input"])
        return []

    wrapped = read_body_first(app, LIMIT)
    for headers in ({"CONTENT_LENGTH": str(LIMIT + 1)}, {"CONTENT_LENGTH": "0"},
                    {"wsgi.input_terminated": True}):  # the last: a GET, say
        stream = io.BytesIO(b"body")
        wrapped({**headers, "wsgi.input": stream}, lambda *_: None)
        assert seen.pop() is stream


def test_a_chunked_body_over_the_limit_is_a_413_when_the_app_reads_it() -> None:
    seen: list[Any] = []

    def app(environ: dict[str, Any], _start: Any) -> Iterable[bytes]:
        with pytest.raises(RequestEntityTooLarge):
            environ["wsgi.input"].read()
        seen.append(True)
        return []

    read_body_first(app, LIMIT)({"HTTP_TRANSFER_ENCODING": "chunked",
                                  "wsgi.input_terminated": True,
                                  "wsgi.input": io.BytesIO(b"y" * (3 * LIMIT))},
                                 lambda *_: None)
    assert seen == [True]


def chunked(body: bytes) -> Iterator[bytes]:
    yield from (body[i:i + 7] for i in range(0, len(body), 7))


def test_chunked_bodies_over_http_are_read_whole_or_refused(tmp_path: Path) -> None:
    app = create_app("aliquora", Config(db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}",
                                        max_body_bytes=LIMIT))
    with served_in_thread(app) as base:
        url = f"{base}/__admin/faults"
        fault = json.dumps({"path": "/nowhere", "status": 503}).encode()
        created = requests.post(url, data=chunked(fault),
                                headers={"Content-Type": "application/json"}, timeout=10)
        assert created.status_code == 201, created.text
        assert created.json()["status"] == 503
        padded = json.dumps({"path": "/nowhere", "status": 503, "pad": "z" * LIMIT}).encode()
        refused = requests.post(url, data=chunked(padded),
                                headers={"Content-Type": "application/json"}, timeout=10)
        assert refused.status_code == 413
        assert len(requests.get(url, timeout=10).json()["faults"]) == 1
