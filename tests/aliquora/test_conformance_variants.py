"""`apidouble check aliquora` passes on our mock and names the rule a broken variant breaks.

Each variant is our mock with one deliberate deviation, served on a free port;
the suite runs in a subprocess, as a user would run it, and its report.json
is read back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, Response, request

from apidouble.conformance.selfcheck import check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

Wsgi = Callable[..., Iterable[bytes]]


def run_check(base_url: str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, str]]:
    run = check_in_subprocess("aliquora", base_url, tmp_path / "report", *extra)
    return run.code, run.verdicts


def mock_app(tmp_path: Path) -> Flask:
    return create_app("aliquora", Config(db_url=f"sqlite:///{tmp_path / 'aq.sqlite3'}"))


def test_the_mock_passes_every_rule(tmp_path: Path) -> None:
    with served(mock_app(tmp_path)) as base_url:
        code, verdicts = run_check(base_url, tmp_path, "-n", "2")
    failing = {rule: v for rule, v in verdicts.items() if v not in ("passed", "tool check")}
    assert code == 0 and not failing, failing
    assert verdicts["AQ-06"] == verdicts["AQ-30"] == "tool check"


def rewrite_json(app: Flask, change: Callable[[Any], Any]) -> None:
    """Make the app rewrite every JSON response body with ``change``."""

    @app.after_request
    def _rewrite(response: Response) -> Response:
        if response.mimetype == "application/json" and not request.path.startswith("/__admin"):
            response.set_data(json.dumps(change(response.get_json())))
        return response


def add_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {**{k: add_fields(v) for k, v in value.items()}, "vendorExtension": {"x": 1}}
    if isinstance(value, list):
        return [add_fields(item) for item in value]
    return value


def test_extra_fields_never_fail_a_target(tmp_path: Path) -> None:
    """AQ-30: a server that adds optional fields everywhere still passes."""
    app = mock_app(tmp_path)
    rewrite_json(app, add_fields)
    with served(app) as base_url:
        code, verdicts = run_check(base_url, tmp_path, "-k", "not schema")
    assert code == 0, {rule: v for rule, v in verdicts.items() if v == "failed"}


def drop_www_authenticate(app: Flask) -> None:
    @app.after_request
    def _drop(response: Response) -> Response:
        response.headers.pop("WWW-Authenticate", None)
        return response


def oldest_first(app: Flask) -> None:
    def reverse(body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            body["data"].reverse()
        return body

    rewrite_json(app, reverse)


def unlocked_results(app: Flask) -> None:
    """Verified results can be edited: the lock is gone."""
    storage = app.extensions["apidouble"].storage

    @app.before_request
    def _unlock() -> None:
        if request.method == "PATCH" and request.path.startswith("/api/v1/sample-tests/"):
            tests = storage["sample_tests"]
            test_id = request.path.rsplit("/", 1)[-1]
            if test_id.isdigit():
                with storage.begin() as connection:
                    connection.execute(tests.update().where(tests.c.id == int(test_id))
                                       .values(status="completed"))


def server_error_on_bad_json(app: Flask) -> None:
    @app.before_request
    def _crash() -> Any:
        if request.method in ("POST", "PATCH") and request.mimetype == "application/json":
            try:
                json.loads(request.get_data() or b"null")
            except ValueError:
                return Response("Internal Server Error", status=500, mimetype="text/html")
        return None


def ignores_plan(app: Flask) -> None:
    """Organisations without API access are let in (while the admin side still says no-api)."""
    storage = app.extensions["apidouble"].storage
    organizations = storage["organizations"]
    with storage.begin() as connection:
        no_api = [row.id for row in connection.execute(
            organizations.select().where(organizations.c.plan == "no-api"))]
        connection.execute(organizations.update().values(plan="api"))

    @app.after_request
    def _claim_no_api(response: Response) -> Response:
        if request.path == "/__admin/credentials":
            body = response.get_json()
            for entry in body["credentials"]:
                if entry["organizationId"] in no_api:
                    entry["plan"] = "no-api"
            response.set_data(json.dumps(body))
        return response


VARIANTS = [
    ("AQ-02", drop_www_authenticate),
    ("AQ-26", oldest_first),
    ("AQ-21", unlocked_results),
    ("AQ-29", server_error_on_bad_json),
    ("AQ-03", ignores_plan),
]


@pytest.mark.parametrize(("rule", "break_it"), VARIANTS, ids=[rule for rule, _ in VARIANTS])
def test_a_broken_variant_fails_naming_the_rule(
    tmp_path: Path, rule: str, break_it: Callable[[Flask], None]
) -> None:
    app = mock_app(tmp_path)
    break_it(app)
    with served(app) as base_url:
        code, verdicts = run_check(base_url, tmp_path, "-k", rule.replace("-", "_"))
    assert code != 0
    assert verdicts[rule] == "failed", verdicts
