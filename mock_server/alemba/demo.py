"""A small driver for the mock in-process: log in with a demo identity, call the API.

Used by the unit tests and handy in a REPL::

    demo = Demo.start()
    demo.login("analyst")
    demo.get("call?$top=5").json
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

API = "/alemba.api/api/v1/"
LOGIN = "/alemba.web/oauth/login"


@dataclass
class Demo:
    app: Flask
    client: FlaskClient
    token: str | None = None
    refresh: str | None = None
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def start(cls, app: Flask | None = None) -> Demo:
        if app is None:
            from ..core import Config
            from ..systems import create_app

            app = create_app("alemba", Config(db_url="sqlite:///:memory:"))
        demo = cls(app, app.test_client())
        entries = demo.client.get("/__admin/credentials").json["credentials"]  # type: ignore[index]
        demo.credentials = {entry["name"]: entry for entry in entries}
        return demo

    def form(self, role: str, **overrides: Any) -> dict[str, Any]:
        entry = self.credentials[role]
        form = {"client_id": entry["client_id"], "grant_type": entry["grantType"],
                "scope": entry["scope"], "username": entry["username"],
                "password": entry["password"], "client_secret": entry["client_secret"]}
        form.update(overrides)
        return {key: value for key, value in form.items() if value is not None}

    def post_login(self, form: dict[str, Any], **kwargs: Any) -> TestResponse:
        return self.client.post(LOGIN, data=form, **kwargs)

    def login(self, role: str = "analyst", **overrides: Any) -> dict[str, Any]:
        response = self.post_login(self.form(role, **overrides))
        assert response.status_code == 200, response.json
        body: dict[str, Any] = response.json  # type: ignore[assignment]
        self.token, self.refresh = body["access_token"], body.get("refresh_token")
        return body

    def headers(self, token: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(API + path, headers=self.headers(), **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.put(API + path, json=body, headers=self.headers(), **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.post(API + path, json=body, headers=self.headers(), **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.delete(API + path, headers=self.headers(), **kwargs)

    def advance(self, seconds: float) -> None:
        self.client.post("/__admin/clock", json={"advance": seconds})

    def reset(self) -> None:
        self.client.post("/__admin/reset")
        self.token = self.refresh = None
