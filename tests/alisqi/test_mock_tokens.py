"""Tokens (AS-08, AS-09, AS-10, AS-12): the Integration hub's token screen as
``/__admin/tokens``, hashed storage, whitelists, permissions and the rate limit."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config


@pytest.fixture(scope="module")
def limited() -> Iterator[Flask]:
    """With the rate limit on (the shared ``app`` fixture turns it off)."""
    yield create_app("alisqi", Config(db_url="sqlite:///:memory:"))


def create(app: Flask, **body: Any) -> Any:
    return app.test_client().post("/__admin/tokens", json={"name": "integration", "userId": 2,
                                                           **body})


def get(app: Flask, token: str, addr: str = "127.0.0.1", path: str = "/api/getAllSets") -> Any:
    return app.test_client().get(path, headers={"Authorization": f"Bearer {token}"},
                                 environ_base={"REMOTE_ADDR": addr})


def test_shown_once_then_masked_and_stored_hashed(app: Flask) -> None:
    created = create(app)
    assert created.status_code == 201
    raw = created.get_json()["token"]
    assert len(raw) == 48 and get(app, raw).status_code == 200
    listed = app.test_client().get("/__admin/tokens").get_json()["tokens"]
    mine = next(t for t in listed if t["id"] == created.get_json()["id"])
    assert mine["token"] == raw[:6] + "..." and raw not in str(listed)
    core = app.extensions["apidouble"]
    with core.storage.connect() as connection:
        stored = connection.execute(sa.select(core.storage["tokens"])).all()
    assert raw not in str(stored)


def test_several_tokens_per_user_and_revocation(app: Flask) -> None:
    first, second = (create(app, name=n).get_json() for n in ("a", "b"))
    assert get(app, first["token"]).status_code == get(app, second["token"]).status_code == 200
    assert app.test_client().delete(f"/__admin/tokens/{first['id']}").status_code == 200
    refused = get(app, first["token"])
    assert refused.status_code == 401 and refused.get_json()["error"]
    assert get(app, second["token"]).status_code == 200
    assert app.test_client().delete("/__admin/tokens/99999").status_code == 404
    assert app.test_client().delete("/__admin/tokens/x").status_code == 400


def test_concurrent_revocations_both_succeed_once(app: Flask) -> None:
    token = create(app, name="race").get_json()
    answers: list[Any] = []

    def revoke() -> None:
        answers.append(app.test_client().delete(f"/__admin/tokens/{token['id']}").get_json())

    threads = [threading.Thread(target=revoke) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({a["revokedAt"] for a in answers}) == 1


def test_bad_token_requests(app: Flask) -> None:
    for body in ({"name": "", "userId": 2}, {"name": "x", "userId": 999},
                 {"name": "demo-x", "userId": 2}, {"name": "x", "userId": 2,
                                                    "ipWhitelist": ["nonsense"]}):
        assert app.test_client().post("/__admin/tokens", json=body).status_code == 400


def test_ip_whitelist_is_judged_on_the_client_address(app: Flask) -> None:
    token = create(app, ipWhitelist=["10.1.0.0/16", "192.0.2.7"]).get_json()["token"]
    assert get(app, token, "10.1.200.3").status_code == 200
    assert get(app, token, "192.0.2.7").status_code == 200
    refused = get(app, token, "192.0.2.8")
    assert refused.status_code == 403 and "192.0.2.8" in refused.get_json()["error"]


def test_tokens_belong_to_one_installation(app: Flask) -> None:
    """Another installation (another database) does not know this one's tokens."""
    token = create(app).get_json()["token"]
    other = create_app("alisqi", Config(db_url="sqlite:///:memory:", rate_limits=False))
    assert get(other, token).status_code == 401


def test_read_permission_per_set(app: Flask, credentials: Any) -> None:
    token = next(c["token"] for c in credentials if c["tokenName"] == "demo-extrusion-line1")
    assert get(app, token, path="/api/getResults?setId=4").get_json() == {
        "error": "No read permission for this set"}
    sets = [s["id"] for s in get(app, token).get_json()]
    assert sets == [1, 2, 3]


def test_the_limit_and_its_headers(limited: Flask) -> None:
    raw = create(limited).get_json()["token"]
    seen = [get(limited, raw) for _ in range(31)]
    assert [r.headers["X-RateLimit-Remaining"] for r in seen[:3]] == ["29", "28", "27"]
    last = seen[-1]
    assert last.status_code == 429 and last.get_data() == b"Too Many Requests"
    assert last.mimetype == "text/plain"
    assert int(last.headers["X-RateLimit-Retry-After"]) >= 1
    assert last.headers["X-RateLimit-Limit"] == "30"
    for response in (get(limited, "nonsense-token"), limited.test_client().get("/nowhere")):
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining",
                "X-RateLimit-Retry-After"} <= set(response.headers.keys())
    limited.test_client().post("/__admin/clock", json={"advance": 61})
    assert get(limited, raw).status_code == 200
