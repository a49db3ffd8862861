"""`apidouble check aliquora` passes on our mock, and on a server that adds fields (AQ-30).

The mock is served on a free port; the suite runs in a subprocess, as a user
would run it, and its report.json is read back. That a broken mock fails
naming the rule is proved for every deviation in tests/tool/test_deviations.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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
