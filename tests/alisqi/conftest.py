"""An in-memory AlisQI mock per test module, and clients bound to demo tokens."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from engines import fresh_postgres_database
from flask import Flask
from flask.testing import FlaskClient

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config


class Api:
    """The test client with one token's Authorization header on every call."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str) -> Any:
        call = getattr(self.client, method)
        return lambda path, **kw: call(path, headers={**self.headers, **kw.pop("headers", {})},
                                       **kw)


def token_of(credentials: list[dict[str, Any]], name: str) -> str:
    return next(c["token"] for c in credentials if c["tokenName"] == name)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app("alisqi", Config(db_url="sqlite:///:memory:", rate_limits=False))


@pytest.fixture(params=["sqlite", "postgresql"])
def app_on_each_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """A fresh mock on an SQLite file, and on a fresh PostgreSQL database (rate limits and
    the page cache off), for what the two engines do each their own way."""
    if request.param == "sqlite":
        app = create_app("alisqi", Config(db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}",
                                          rate_limits=False, page_cache=False))
        yield app
        app.extensions["apidouble"].storage.dispose()
        return
    with fresh_postgres_database() as url:
        app = create_app("alisqi", Config(db_url=url, rate_limits=False, page_cache=False))
        yield app
        app.extensions["apidouble"].storage.dispose()


@pytest.fixture(scope="module")
def credentials(app: Flask) -> list[dict[str, Any]]:
    return app.test_client().get("/__admin/credentials").get_json()["credentials"]


@pytest.fixture()
def api(app: Flask, credentials: list[dict[str, Any]]) -> Api:
    """The quality manager: write permission on every set."""
    return Api(app.test_client(), token_of(credentials, "demo-quality-manager"))


@pytest.fixture()
def reader(app: Flask, credentials: list[dict[str, Any]]) -> Api:
    """The dashboards user: read-only."""
    return Api(app.test_client(), token_of(credentials, "demo-dashboards"))


# --- a second, different installation (tests/alisqi/second_installation.yaml) --------------

SECOND = Path(__file__).with_name("second_installation.yaml")


def second_document() -> dict[str, Any]:
    data = yaml.safe_load(SECOND.read_text(encoding="utf-8"))
    rng = random.Random(7)
    results = data["alisqi"]["results"]
    for i in range(120):
        day = 1 + i % 28
        month = 1 + (i * 11) // 120
        results.append({"setId": 10, "values": {
            "date": f"2025-{month:02d}-{day:02d} 06:{i % 60:02d}:00",
            "grade_": "A" if i % 3 else "B", "tanker_": f"T{i:04d}",
            "fat_": round(rng.gauss(4.2, 0.15), 2), "scc_": rng.randint(80, 300),
            "ok_": True}})
    return data


def second_section_data() -> dict[str, Any]:
    return dict(second_document()["alisqi"])


@pytest.fixture()
def second_section() -> dict[str, Any]:
    """A fresh copy of the second installation's section, results included."""
    return second_section_data()


@pytest.fixture()
def second_document_path(tmp_path: Path) -> Path:
    """The whole data file (envelope and generated results) written to a file."""
    path = tmp_path / "dairy.yaml"
    path.write_text(yaml.safe_dump(second_document()), encoding="utf-8")
    return path
