"""`apidouble check qses` passes on our mock and names the rule a deviation breaks.

The mock runs in-process on a free port; the suite runs in a subprocess, as a
user runs it, and its report.json is read back. Deviations are switched on
through ``/__admin/deviations`` once the shared mechanism has landed, else
through the in-process registry ``mock_server/qses/deviations.py`` reads.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from apidouble.conformance.selfcheck import check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.qses.deviations import DEVIATIONS


def mock_app(tmp_path: Path) -> Flask:
    return create_app("qses", Config(db_url=f"sqlite:///{tmp_path / 'qs.sqlite3'}"))


def deviate(app: Flask, rule: str) -> None:
    response = app.test_client().post("/__admin/deviations", json={"rule": rule})
    if response.status_code != 201:  # the shared mechanism has not landed yet
        app.extensions.setdefault("qses_deviations", set()).add((rule, "default"))


def test_every_rule_has_a_deviation() -> None:
    assert {d.rule for d in DEVIATIONS} == {f"QS-{n:02d}" for n in range(1, 14)}


def test_the_mock_passes_every_rule(tmp_path: Path) -> None:
    with served(mock_app(tmp_path)) as base_url:
        run = check_in_subprocess("qses", base_url, tmp_path / "report")
    failing = {rule: v for rule, v in run.verdicts.items() if v != "passed"}
    assert run.code == 0 and not failing, (failing, run.output)


#: deviations that do not disturb each other's tests: one run checks them all (each
#: subprocess costs seconds on a busy machine)
TOGETHER = ("QS-01", "QS-07", "QS-11", "QS-13")


def test_deviations_fail_naming_their_rules(tmp_path: Path) -> None:
    app = mock_app(tmp_path)
    for rule in TOGETHER:
        deviate(app, rule)
    selection = " or ".join(rule.replace("-", "_") for rule in TOGETHER)
    with served(app) as base_url:
        run = check_in_subprocess("qses", base_url, tmp_path / "report", "-k", selection)
    assert run.code != 0, run.output
    assert {rule: run.verdicts[rule] for rule in TOGETHER} == dict.fromkeys(TOGETHER, "failed"), \
        (run.verdicts, run.output)
