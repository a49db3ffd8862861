"""An in-memory QS Enrolment mock per test module, and clients logged in as its accounts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

API = "/crms/api"


class Api:
    """The test client with one account's bearer token on every call."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str) -> Any:
        call = getattr(self.client, method)
        return lambda path, **kw: call(API + path,
                                       headers={**self.headers, **kw.pop("headers", {})}, **kw)


def token_for(client: FlaskClient, username: str, password: str) -> str:
    response = client.post(f"{API}/token", data={"grant_type": "password",
                                                 "username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.get_json()["access_token"])


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    yield create_app("qses", Config(db_url="sqlite:///:memory:", rate_limits=False))


@pytest.fixture(scope="module")
def accounts(app: Flask) -> dict[str, dict[str, Any]]:
    entries = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    return {entry["username"]: entry for entry in entries}


@pytest.fixture()
def make_api(app: Flask, accounts: dict[str, dict[str, Any]]) -> Any:
    def make(username: str = "integration.full") -> Api:
        client = app.test_client()
        return Api(client, token_for(client, username, accounts[username]["password"]))
    return make


@pytest.fixture()
def api(make_api: Any) -> Api:
    return make_api()


def person(**fields: Any) -> dict[str, Any]:
    """A new enquirer's Contact DTO."""
    return {"Name": "Linh", "Surname": "Nguyen", "EmailAddress": "linh.nguyen@example.vn",
            "Mobile": "+84 912 345 678", "DateOfBirth": "2004-03-09",
            "CountryOfCitizenship": "VN", **fields}
