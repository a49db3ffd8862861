"""`apidouble check`'s own exit codes, each proven over a real run in a subprocess.

0: a rule passed and none failed; 1: a rule failed; 2: a command-line
mistake, an unreachable target or a broken suite (one line); 3: nothing was
judged (a -k typo, every rule not checkable). Runs select one or two small
rules of the Aliquora suite, so the whole module stays quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from flask import Flask, Response, request
from servers import free_port

from apidouble.conformance import report
from apidouble.conformance.selfcheck import CheckRun, check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config


def mock_app(directory: Path) -> Flask:
    return create_app("aliquora", Config(db_url=f"sqlite:///{directory / 'aq.sqlite3'}"))


@pytest.fixture(scope="module")
def mock_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(mock_app(tmp_path_factory.mktemp("mock"))) as base_url:
        yield base_url


def apidouble(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apidouble", *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def test_a_passing_rule_exits_0(mock_url: str, tmp_path: Path) -> None:
    run = check_in_subprocess("aliquora", mock_url, tmp_path, "-k", "AQ_07")
    assert run.code == 0, run.output
    assert run.verdicts["AQ-07"] == "passed"
    assert any(line.startswith("AQ-07") and "passed" in line for line in run.output.splitlines())
    assert "....." not in run.output  # no pytest dots


def test_a_k_typo_exits_3(mock_url: str, tmp_path: Path) -> None:
    run = check_in_subprocess("aliquora", mock_url, tmp_path, "-k", "AQ_7_typo")
    assert run.code == 3, run.output
    assert set(run.verdicts.values()) == {"not checked", "tool check"}
    assert "exit 3" in run.output


def test_every_rule_not_checkable_exits_3(tmp_path: Path) -> None:
    """Against a server that is not our mock, with an empty APIDOUBLE_API_KEY."""
    app = mock_app(tmp_path)

    @app.before_request
    def _hide_admin() -> Any:
        return Response("no", status=404) if request.path.startswith("/__admin") else None

    with served(app) as base_url:
        run = check_in_subprocess_env(base_url, tmp_path, {"APIDOUBLE_API_KEY": ""},
                                      "-k", "AQ_08 or AQ_14")
    assert run.code == 3, run.output
    assert run.verdicts["AQ-08"] == run.verdicts["AQ-14"] == "not checkable"


def check_in_subprocess_env(base_url: str, tmp_path: Path, env: dict[str, str],
                            *extra: str) -> CheckRun:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        return check_in_subprocess("aliquora", base_url, tmp_path / "report", *extra)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_an_unreachable_target_exits_2_with_one_line(tmp_path: Path) -> None:
    started = time.monotonic()
    done = apidouble("check", "aliquora", "--base-url", f"http://127.0.0.1:{free_port()}",
                     "--report-dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr
    assert "cannot reach" in done.stderr
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("args", [
    ["check", "aliquora"],
    ["check", "aliquora", "--base-url", "not-a-url"],
    ["check", "aliquora", "--base-url", "http://x", "--no-such-option"],
    ["check", "aliquora", "--base-url", "http://x", "--identity", "nameonly"],
    ["check", "nosuchsystem", "--base-url", "http://x"],
    ["check"],
], ids=["no-base-url", "bad-url", "unknown-option", "bad-identity", "unknown-system", "bare"])
def test_command_line_mistakes_answer_one_line_and_exit_2(args: list[str]) -> None:
    done = apidouble(*args)
    assert done.returncode == 2, done
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_list_identities_needs_only_the_system() -> None:
    done = apidouble("check", "aliquora", "--list-identities")
    assert done.returncode == 0 and "second_api_key" in done.stdout


def test_a_broken_suite_exits_2(mock_url: str, tmp_path: Path) -> None:
    run = check_in_subprocess("aliquora", mock_url, tmp_path, "-m", "rule(")
    assert run.code == 2, run.output


# --- a failing rule: exit 1, and the reports that explain it ------------------------------


@pytest.fixture(scope="module")
def failing_run(tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    """AQ-02 broken: the 401s lose their ``WWW-Authenticate: Bearer``."""
    directory = tmp_path_factory.mktemp("failing")
    app = mock_app(directory)

    @app.after_request
    def _drop(response: Response) -> Response:
        response.headers.pop("WWW-Authenticate", None)
        return response

    with served(app) as base_url:
        return check_in_subprocess("aliquora", base_url, directory / "report", "-k", "AQ_02")


def report_dir(run: CheckRun) -> Path:
    return Path(run.report_dir)


def test_a_failing_rule_exits_1(failing_run: CheckRun) -> None:
    assert failing_run.code == 1, failing_run.output
    assert failing_run.verdicts["AQ-02"] == "failed"
    lines = failing_run.output.splitlines()
    assert any(line.startswith("AQ-02") and "failed" in line for line in lines)
    assert any(line.strip().startswith("fail: ") for line in lines)
    assert "Traceback" not in failing_run.output and len(lines) < 40


def test_the_report_follows_its_schema_and_shows_the_exchange(failing_run: CheckRun) -> None:
    body = json.loads((report_dir(failing_run) / "report.json").read_text())
    jsonschema.Draft202012Validator(report.schema()).validate(body)
    rule = next(r for r in body["rules"] if r["rule"] == "AQ-02")
    failed = [t for t in rule["tests"] if t["outcome"] == "failed"]
    assert failed and all(t["kind"] == "behavioural" for t in failed)
    exchanges = [e for t in failed for e in t.get("exchanges", [])]
    assert exchanges and exchanges[-1]["status"] == 401
    assert all("lk_" not in e["requestHeaders"].get("Authorization", "")[7:] for e in exchanges)
    assert rule.get("text", "").startswith("Every `/api/v1/*` request")


def test_junit_has_rule_times(failing_run: CheckRun) -> None:
    text = (report_dir(failing_run) / "junit.xml").read_text()
    assert 'name="AQ-02: ' in text and 'time="' in text and "<failure" in text


def test_the_html_report_renders_in_chromium(failing_run: CheckRun, chromium: Any,
                                             tmp_path_factory: pytest.TempPathFactory) -> None:
    """The page stands alone (file://, no network) and shows the verdict and the exchange;
    the screenshot is kept under pytest's tmp dir as an artifact."""
    page = (report_dir(failing_run) / "report.html").resolve()
    dom = chromium.dump_dom(page.as_uri())
    assert 'id="AQ-02"' in dom and "failed" in dom and "WWW-Authenticate" in dom
    shot = chromium.screenshot(page.as_uri(), tmp_path_factory.mktemp("artifacts") / "report.png")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
