"""The pytest plugin behind ``apidouble check``: options, the ``target`` fixture, the report.

Tests are marked with the rules they check (``@pytest.mark.rule("AQ-02")``);
at the end of the run every rule of the system's catalogue gets one verdict,
written as a terminal table, ``report.json`` and ``junit.xml`` (one test case
per rule) in the report directory.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from . import report
from .report import FAILED, PASSED, SKIPPED
from .target import Target, probe_admin

RECORDER_KEY = pytest.StashKey["RuleRecorder"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apidouble", "apidouble conformance")
    group.addoption("--apidouble-system", help="system whose rules are checked")
    group.addoption("--apidouble-base-url", help="the target's base URL")
    group.addoption("--apidouble-credential", action="append", default=[],
                    metavar="NAME=VALUE", help="a credential or extra identity")
    group.addoption("--apidouble-allow-writes", action="store_true")
    group.addoption("--apidouble-report-dir", default=None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule(*ids): the documented rules a test checks")
    recorder = RuleRecorder()
    config.stash[RECORDER_KEY] = recorder
    config.pluginmanager.register(recorder, "apidouble-rule-recorder")


def system_package(system: str) -> ModuleType:
    return import_module(f"apidouble.conformance.{system}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        rules = [rule for marker in item.iter_markers("rule") for rule in marker.args]
        item.user_properties.append(("rules", ",".join(rules)))
        # `-k AQ_02` selects a rule's tests (a -k expression cannot hold a hyphen)
        item.extra_keyword_matches.update(rule.replace("-", "_") for rule in rules)


class RuleRecorder:
    """Collects each test phase's outcome under the rules the test is marked with."""

    def __init__(self) -> None:
        self.outcomes: list[tuple[str, str, str, str]] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        rules = dict(report.user_properties).get("rules", "")
        if not rules:
            return
        if report.when != "call" and not (report.failed or report.skipped):
            return
        outcome = FAILED if report.failed else (SKIPPED if report.skipped else PASSED)
        message = _message(report)
        for rule in rules.split(","):
            self.outcomes.append((rule, report.nodeid, outcome, message))


def _message(item_report: pytest.TestReport) -> str:
    if item_report.skipped and isinstance(item_report.longrepr, tuple):
        return str(item_report.longrepr[2]).removeprefix("Skipped: ")
    if item_report.failed:
        crash = getattr(item_report.longrepr, "reprcrash", None)
        text = crash.message if crash is not None else str(item_report.longrepr)
        return text.splitlines()[0] if text else "failed"
    return ""


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Target:
    system = pytestconfig.getoption("--apidouble-system")
    base_url = pytestconfig.getoption("--apidouble-base-url")
    if not system or not base_url:
        pytest.exit("apidouble: --apidouble-system and --apidouble-base-url are required", 4)
    package = system_package(system)
    credentials = dict(item.split("=", 1) for item in
                       pytestconfig.getoption("--apidouble-credential"))
    admin = probe_admin(base_url)
    if admin is not None:
        credentials = {**package.identities_from_admin(admin), **credentials}
    return package.make_target(
        base_url=base_url, credentials=credentials, admin=admin,
        allow_writes=pytestconfig.getoption("--apidouble-allow-writes"),
    )


def results(config: pytest.Config) -> list[report.RuleResult] | None:
    system = config.getoption("--apidouble-system")
    if not system:
        return None
    package = system_package(system)
    return report.verdicts(package.RULES, package.TOOL_RULES, config.stash[RECORDER_KEY].outcomes)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    found = results(config)
    if found is None:
        return
    terminalreporter.section("conformance by rule")
    terminalreporter.write_line(report.table(found))
    directory = config.getoption("--apidouble-report-dir")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        system = config.getoption("--apidouble-system")
        meta = {"system": system, "baseUrl": config.getoption("--apidouble-base-url")}
        report.write_json(found, path / "report.json", meta)
        report.write_junit(found, path / "junit.xml", system)
        terminalreporter.write_line(f"report: {path / 'report.json'}, {path / 'junit.xml'}")
