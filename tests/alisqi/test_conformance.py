"""`apidouble check alisqi` passes on our mock, on the mock loaded with a second, different
installation, and names the rule when one of the mock's deviations is switched on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from apidouble.conformance.selfcheck import check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.alisqi.deviations import DEVIATIONS
from apidouble.mock_server.alisqi.seed import DOCUMENT_KEY
from apidouble.mock_server.core import Config

TOOL = {"AS-10", "AS-13"}


def mock_app(tmp_path: Path, section: dict[str, Any] | None = None) -> Flask:
    extra = {DOCUMENT_KEY: section} if section else {}
    return create_app("alisqi", Config(db_url=f"sqlite:///{tmp_path / 'as.sqlite3'}",
                                       extra=extra))


def assert_all_pass(app: Flask, tmp_path: Path) -> None:
    with served(app) as base_url:
        run = check_in_subprocess("alisqi", base_url, tmp_path / "report")
    failing = {rule: v for rule, v in run.verdicts.items() if v not in ("passed", "tool check")}
    assert run.code == 0 and not failing, (failing, run.output)
    assert {rule for rule, v in run.verdicts.items() if v == "tool check"} == TOOL


def test_the_mock_passes_every_rule(tmp_path: Path) -> None:
    assert_all_pass(mock_app(tmp_path), tmp_path)


def test_a_second_installation_passes_every_rule(tmp_path: Path,
                                                 second_section: dict[str, Any]) -> None:
    assert_all_pass(mock_app(tmp_path, second_section), tmp_path)


def test_every_wire_rule_has_a_deviation() -> None:
    from apidouble.conformance.alisqi import RULES, TOOL_RULES

    assert {d.rule for d in DEVIATIONS} == set(RULES) - set(TOOL_RULES)


SAMPLED = [d for d in DEVIATIONS if d.rule in ("AS-02", "AS-06", "AS-08")
           or d.variant == "headers"]


@pytest.mark.parametrize("deviation", SAMPLED, ids=[f"{d.rule}-{d.variant}" for d in SAMPLED])
def test_a_deviation_fails_naming_its_rule(tmp_path: Path, deviation: Any) -> None:
    app = mock_app(tmp_path)
    switched = app.test_client().post("/__admin/deviations", json={
        "rule": deviation.rule, "variant": deviation.variant})
    assert switched.status_code == 201, switched.get_json()
    with served(app) as base_url:
        run = check_in_subprocess("alisqi", base_url, tmp_path / "report",
                                  "-k", deviation.rule.replace("-", "_"))
    assert run.code != 0 and run.verdicts[deviation.rule] == "failed", run.verdicts
