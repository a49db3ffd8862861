"""`apidouble check qatrack` passes on our mock and names the rule a broken variant breaks.

Each variant is our mock behind a small WSGI middleware with one deliberate
deviation, served on a free port; the suite runs in a subprocess, as a user
would run it, and its report.json is read back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from apidouble.conformance.selfcheck import check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import SYSTEMS

pytestmark = pytest.mark.skipif("qatrack" not in SYSTEMS,
                                reason="the QATrack+ mock is not registered in systems.py yet")

Environ = dict[str, Any]
Reply = tuple[str, list[tuple[str, str]], bytes]
#: (environ, status line, headers, body) -> the variant's (status line, headers, body)
Rewrite = Callable[[Environ, str, list[tuple[str, str]], bytes], Reply]


class Deviate:
    """WSGI middleware: buffers each API response and lets ``rewrite`` change it."""

    def __init__(self, app: Any, rewrite: Rewrite) -> None:
        self.app, self.rewrite = app, rewrite

    def __call__(self, environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/__admin"):
            return self.app(environ, start_response)
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        status, headers, body = self.rewrite(environ, captured["status"],
                                             list(captured["headers"]), body)
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]


def run_check(base_url: str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, str], str]:
    run = check_in_subprocess("qatrack", base_url, tmp_path / "report", *extra)
    return run.code, run.verdicts, run.output


def mock_app(tmp_path: Path) -> Any:
    return create_app("qatrack", Config(db_url=f"sqlite:///{tmp_path / 'qt.sqlite3'}"))


def test_the_mock_passes_every_rule(tmp_path: Path) -> None:
    with served(mock_app(tmp_path)) as base_url:
        code, verdicts, output = run_check(base_url, tmp_path, "-n", "2")
    failing = {rule: v for rule, v in verdicts.items() if v != "passed"}
    assert code == 0 and not failing, (failing, output)


# ------------------------------------------------------------------ the variants


def no_www_authenticate(environ: Environ, status: str, headers: list[tuple[str, str]],
                        body: bytes) -> Reply:
    return status, [(k, v) for k, v in headers if k.lower() != "www-authenticate"], body


def vaguer_invalid_token(environ: Environ, status: str, headers: list[tuple[str, str]],
                         body: bytes) -> Reply:
    return status, headers, body.replace(b'"Invalid token."', b'"Token is not valid."')


def next_repeats_the_page(environ: Environ, status: str, headers: list[tuple[str, str]],
                          body: bytes) -> Reply:
    """``next`` points back at the page itself after the second page: paging never ends."""
    if not status.startswith("200") or b'"next"' not in body:
        return status, headers, body
    page = json.loads(body)
    if isinstance(page, dict) and page.get("next") and "offset=" in (page.get("previous") or ""):
        page["next"] = re.sub(r"offset=\d+", "offset=0", page["next"])
    return status, headers, json.dumps(page).encode()


def duplicate_user_key_accepted(environ: Environ, status: str, headers: list[tuple[str, str]],
                                body: bytes) -> Reply:
    if status.startswith("400") and b"user key already exists" in body:
        return "200 OK", headers, body
    return status, headers, body


def wrong_pass_fail_display(environ: Environ, status: str, headers: list[tuple[str, str]],
                            body: bytes) -> Reply:
    return status, headers, body.replace(b'"No Tol Set"', b'"No Tolerance"')


VARIANTS = [
    ("QT-02", no_www_authenticate, "test_auth and (no_credentials or unknown_token)"),
    ("QT-02", vaguer_invalid_token, "test_auth and unknown_token"),
    ("QT-08", next_repeats_the_page, "test_pagination and visits_every_record"),
    ("QT-17", duplicate_user_key_accepted, "test_perform and duplicate_user_key"),
    ("QT-12", wrong_pass_fail_display, "test_perform and echoes_every_test"),
]


@pytest.mark.parametrize(("rule", "rewrite", "keyword"), VARIANTS,
                         ids=[f"{rule}-{rewrite.__name__}" for rule, rewrite, _ in VARIANTS])
def test_a_broken_variant_fails_naming_the_rule(tmp_path: Path, rule: str, rewrite: Rewrite,
                                                keyword: str) -> None:
    with served(Deviate(mock_app(tmp_path), rewrite)) as base_url:
        code, verdicts, output = run_check(base_url, tmp_path, "-k", keyword)
    assert code != 0, output
    failed = {r for r, verdict in verdicts.items() if verdict == "failed"}
    assert failed == {rule}, (verdicts, output)
