"""An in-memory AlisQI mock per test module, and clients bound to demo tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
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
