"""The page cache never serves data older than the last write, whichever worker wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config


def two_workers(tmp_path: Path) -> tuple[Any, Any, dict[str, str]]:
    config = Config(db_url=f"sqlite:///{tmp_path / 'shared.sqlite3'}", rate_limits=False)
    first, second = create_app("aliquora", config), create_app("aliquora", config)
    key = next(c["apiKey"] for c in first.test_client().get("/__admin/credentials")
               .get_json()["credentials"] if c["plan"] == "api")
    return first.test_client(), second.test_client(), {"Authorization": f"Bearer {key}"}


def newest_id(client: Any, headers: dict[str, str]) -> int:
    return client.get("/api/v1/samples?limit=1", headers=headers).get_json()["data"][0]["id"]


def test_a_write_on_another_worker_is_seen_at_once(tmp_path: Path) -> None:
    reader, writer, headers = two_workers(tmp_path)
    before = newest_id(reader, headers)
    assert newest_id(reader, headers) == before  # now cached
    material = writer.get("/api/v1/material-types", headers=headers).get_json()["data"][0]
    created = writer.post("/api/v1/samples", headers=headers,
                          json={"clientName": "New", "materialTypeId": material["id"]})
    assert created.status_code == 201
    assert newest_id(reader, headers) == created.get_json()["id"]


def count_builds(client: Any) -> list[int]:
    """Record every time a page is built instead of served from the cache."""
    pages = client.application.extensions["apidouble"].pages
    built: list[int] = []
    original = pages.fetch
    pages.fetch = lambda key, build: original(key, lambda: built.append(1) or build())
    return built


def test_hits_are_served_and_bookkeeping_does_not_invalidate(tmp_path: Path) -> None:
    reader, _, headers = two_workers(tmp_path)
    built = count_builds(reader)
    for _ in range(3):
        reader.get("/api/v1/samples?limit=5", headers=headers)
    reader.post("/__admin/clock", json={"advance": 5})  # state, not data
    reader.get("/api/v1/samples?limit=5", headers=headers)
    assert len(built) == 1
    reader.post("/__admin/reset")
    reader.get("/api/v1/samples?limit=5", headers=headers)
    assert len(built) == 2


def test_the_cache_can_be_switched_off(tmp_path: Path) -> None:
    config = Config(db_url=f"sqlite:///{tmp_path / 'off.sqlite3'}", page_cache=False)
    client = create_app("aliquora", config).test_client()
    key = next(c["apiKey"] for c in client.get("/__admin/credentials")
               .get_json()["credentials"] if c["plan"] == "api")
    built = count_builds(client)
    for _ in range(3):
        client.get("/api/v1/samples?limit=5", headers={"Authorization": f"Bearer {key}"})
    assert len(built) == 3
