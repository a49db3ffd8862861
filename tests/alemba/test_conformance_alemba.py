"""`apidouble check alemba` passes on our mock and names the rule a broken variant breaks.

Each variant is our mock with one deliberate deviation, served in-process on a
free port; the suite runs in a subprocess, as a user would run it, limited
with ``-k`` to the tests that concern the deviation, and its report.json is
read back. The whole suite against the unbroken mock is ``tox -e conformance``
(``python -m apidouble.conformance.selfcheck alemba``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from flask import Flask, Response, request

from apidouble.conformance.selfcheck import check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

Wsgi = Callable[..., Iterable[bytes]]

SELECTIONS = {
    "AL-03": "refresh_rotates",
    "AL-05": "scope_is_case_sensitive",
    "AL-16": "count_and_inlinecount",
    "AL-18": "malformed_filters",
}


def run_check(base_url: str, tmp_path: Path, keyword: str) -> tuple[int, dict[str, str]]:
    run = check_in_subprocess("alemba", base_url, tmp_path / "report", "-k", keyword)
    return run.code, run.verdicts


def mock_app(tmp_path: Path) -> Flask:
    return create_app("alemba", Config(db_url=f"sqlite:///{tmp_path / 'al.sqlite3'}"))


def test_the_mock_passes_the_selected_rules(tmp_path: Path) -> None:
    with served(mock_app(tmp_path)) as base_url:
        code, verdicts = run_check(base_url, tmp_path, " or ".join(SELECTIONS.values()))
    assert code == 0, {rule: v for rule, v in verdicts.items() if v == "failed"}
    assert all(verdicts[rule] == "passed" for rule in SELECTIONS), verdicts


# ------------------------------------------------------------------ variants


def replayable_refresh_tokens(app: Flask) -> None:
    """A refresh no longer spends the refresh token it used."""
    tokens = app.extensions["apidouble"].tokens
    tokens.consume = tokens.lookup


def case_blind_scope(app: Flask) -> None:
    """``session-type:analyst`` (any case) is taken for ``session-type:Analyst``."""
    inner: Wsgi = app.wsgi_app

    def middleware(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and "oauth/login" in environ["PATH_INFO"]:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            fields = parse_qsl(environ["wsgi.input"].read(length).decode(), keep_blank_values=True)
            fixed = [(k, fix_scope(v) if k == "scope" else v) for k, v in fields]
            body = urlencode(fixed).encode()
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]


def fix_scope(value: str) -> str:
    for proper in ("session-type:Analyst", "session-type:User"):
        if value.lower() == proper.lower() or value.lower() == proper.split(":")[1].lower():
            return proper
    return value


def no_inline_count(app: Flask) -> None:
    """``$inlinecount=true`` is ignored: ``__count`` never appears."""

    @app.after_request
    def _drop(response: Response) -> Response:
        if response.mimetype == "application/json" and not request.path.startswith("/__admin"):
            body = response.get_json()
            if isinstance(body, dict) and "__count" in body:
                del body["__count"]
                response.set_data(json.dumps(body))
        return response


def server_error_on_bad_filter(app: Flask) -> None:
    """A ``$filter`` the translator refuses becomes a 500."""

    @app.after_request
    def _crash(response: Response) -> Response:
        if response.status_code == 400 and "$filter" in request.args:
            return Response(json.dumps({"Type": "Exception", "SubStatus": "None",
                                        "Message": "An error has occurred."}),
                            status=500, mimetype="application/json")
        return response


@pytest.mark.parametrize("break_it,rule", [
    (replayable_refresh_tokens, "AL-03"),
    (case_blind_scope, "AL-05"),
    (no_inline_count, "AL-16"),
    (server_error_on_bad_filter, "AL-18"),
], ids=lambda value: getattr(value, "__name__", value))
def test_a_broken_variant_fails_its_rule(tmp_path: Path, break_it: Callable[[Flask], None],
                                         rule: str) -> None:
    app = mock_app(tmp_path)
    break_it(app)
    with served(app) as base_url:
        code, verdicts = run_check(base_url, tmp_path, SELECTIONS[rule])
    assert code != 0, f"the check passed against a mock broken for {rule}"
    assert verdicts[rule] == "failed", verdicts
    others = {r: v for r, v in verdicts.items() if v == "failed" and r != rule}
    assert not others, f"only {rule} should fail: {others}"
