"""An in-memory Aliquora mock per test module, and a client bound to a demo key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config


class Api:
    """The test client with one key's Authorization header on every call."""

    def __init__(self, client: FlaskClient, key: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {key}"}

    def __getattr__(self, method: str) -> Any:
        call = getattr(self.client, method)
        return lambda path, **kw: call(path, headers={**self.headers, **kw.pop("headers", {})},
                                       **kw)


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app("aliquora", Config(db_url="sqlite:///:memory:", rate_limits=False))


@pytest.fixture(scope="module")
def credentials(app: Flask) -> list[dict[str, Any]]:
    return app.test_client().get("/__admin/credentials").get_json()["credentials"]


def key_of(credentials: list[dict[str, Any]], name: str) -> str:
    return next(c["apiKey"] for c in credentials if c["name"] == name)


@pytest.fixture()
def make_api(app: Flask) -> Any:
    """Factory: a client bound to any key."""
    return lambda key: Api(app.test_client(), key)


@pytest.fixture()
def api(app: Flask, credentials: list[dict[str, Any]]) -> Api:
    return Api(app.test_client(), key_of(credentials, "demo-northwind-admin"))


@pytest.fixture()
def other_api(app: Flask, credentials: list[dict[str, Any]]) -> Api:
    return Api(app.test_client(), key_of(credentials, "demo-harbor-admin"))


@pytest.fixture()
def new_sample(api: Api) -> Any:
    """Factory: create a sample of the caller's organisation with ``n`` tests."""

    def create(n: int = 2, **fields: Any) -> dict[str, Any]:
        definitions = api.get("/api/v1/test-definitions?limit=500").get_json()["data"]
        numeric = [d for d in definitions if d["resultType"] == "numeric"]
        material = api.get("/api/v1/material-types").get_json()["data"][0]
        body = {"clientName": "Test Client", "materialTypeId": material["id"],
                "testDefinitionIds": [d["id"] for d in numeric[:n]], **fields}
        response = api.post("/api/v1/samples", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create
