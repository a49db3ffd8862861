"""The pytest plugin behind ``apidouble check``: options, markers, the ``target`` fixture,
live per-rule lines and the reports.

Tests are marked with the rules they check (``@pytest.mark.rule("AQ-02")``);
Schemathesis-driven tests are also marked ``@pytest.mark.generated``. At the
end every rule of the system's catalogue gets one verdict (conformance/verdicts.py),
written to ``report.json``, ``junit.xml`` and ``report.html`` in the report directory,
and the run's exit code (0/1/2/3) is decided from the verdicts.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Generator
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from . import report
from .recording import Recorder, reproduction, rules_of
from .target import Target, probe_admin
from .verdicts import BEHAVIOURAL, GENERATED, exit_code

RECORDER_KEY = pytest.StashKey[Recorder]()
TARGET_KEY = pytest.StashKey[Target]()
#: (exit code, verdicts) of the finished run, read by ``runner.run_check``
RESULT_KEY = pytest.StashKey[tuple[int, list[Any]]]()
BROKEN_KEY = pytest.StashKey[list[str]]()
RULE_MAP = "apidouble_rule_map"


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
    config.addinivalue_line("markers", "generated: the test's requests are generated "
                            "(Schemathesis); it can fail a rule but never make it pass")
    config.stash[BROKEN_KEY] = []
    system = config.getoption("--apidouble-system")
    if not system or hasattr(config, "workerinput"):
        return
    package = system_package(system)
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    write = terminal.write_line if terminal is not None else print
    recorder = Recorder(package.RULES, package.TOOL_RULES, write)
    config.stash[RECORDER_KEY] = recorder
    config.pluginmanager.register(recorder, "apidouble-recorder")


def system_package(system: str) -> ModuleType:
    return import_module(f"apidouble.conformance.{system}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        rules = [rule for marker in item.iter_markers("rule") for rule in marker.args]
        kind = GENERATED if item.get_closest_marker("generated") else BEHAVIOURAL
        item.user_properties += [("rules", ",".join(rules)), ("kind", kind)]
        # `-k AQ_02` (or `-k AQ-02` where pytest accepts it) selects a rule's tests
        item.extra_keyword_matches.update(
            name for rule in rules for name in (rule, rule.replace("-", "_")))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Which selected test checks which rules: kept here, or written for xdist's controller."""
    rule_map = {item.nodeid: rules_of(item.user_properties) for item in session.items}
    config = session.config
    path = getattr(config, "workerinput", {}).get(RULE_MAP)
    if path:
        Path(path).write_text(json.dumps(rule_map), encoding="utf-8")
    elif RECORDER_KEY in config.stash:
        config.stash[RECORDER_KEY].expect(rule_map)


class XdistHooks:
    """Registered only when xdist is active: hands each worker a file for its rule map."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="apidouble-rules-"))

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[RULE_MAP] = str(self.directory / f"{node.gateway.id}.json")

    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        path = Path(node.workerinput[RULE_MAP])
        recorder = node.config.stash.get(RECORDER_KEY, None)
        if recorder is not None and path.exists():
            recorder.expect(json.loads(path.read_text(encoding="utf-8")))

    def pytest_unconfigure(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    if RECORDER_KEY in config.stash and config.pluginmanager.hasplugin("dsession"):
        config.pluginmanager.register(XdistHooks(), "apidouble-xdist")


# --- per test: the exchanges of a failure, no progress letters --------------------------


def pytest_runtest_setup(item: pytest.Item) -> None:
    target = item.config.stash.get(TARGET_KEY, None)
    if target is not None:
        target.exchanges.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    made = yield
    if made.failed:
        target = item.config.stash.get(TARGET_KEY, None)
        if target is not None and target.exchanges.snapshot():
            made.user_properties.append(("exchanges", json.dumps(target.exchanges.snapshot())))
        crash = getattr(made.longrepr, "reprcrash", None)
        lines = reproduction(f"{made.longrepr}\n{getattr(crash, 'message', '')}")
        if lines:
            made.user_properties.append(("reproduction", json.dumps(lines)))
    return made


@pytest.hookimpl(wrapper=True)
def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config
                             ) -> Generator[None, Any, Any]:
    """No dots: ``apidouble check`` prints a line per rule instead."""
    status = yield
    if config.getoption("--apidouble-system") and status:
        return (status[0], "", status[2])
    return status


# --- the target -------------------------------------------------------------------------


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
    made: Target = package.make_target(
        base_url=base_url, credentials=credentials, admin=admin,
        allow_writes=pytestconfig.getoption("--apidouble-allow-writes"),
    )
    pytestconfig.stash[TARGET_KEY] = made
    return made


@pytest.fixture
def rules(request: pytest.FixtureRequest) -> str:
    """The rule ids the running test is marked with, to prefix setup failures."""
    ids = [rule for mark in request.node.iter_markers("rule") for rule in mark.args]
    return ", ".join(ids) or "setup"


# --- the end: verdicts, reports, exit code ----------------------------------------------

SUITE_BROKEN = {pytest.ExitCode.INTERRUPTED: "the run was interrupted",
                pytest.ExitCode.INTERNAL_ERROR: "pytest hit an internal error",
                pytest.ExitCode.USAGE_ERROR: "pytest refused its arguments"}


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    recorder = config.stash.get(RECORDER_KEY, None)
    if recorder is None:
        return
    broken = list(recorder.broken)
    if exitstatus in SUITE_BROKEN and not broken:
        broken.append(SUITE_BROKEN[pytest.ExitCode(exitstatus)])
    results = recorder.results()
    code = exit_code(results, "; ".join(broken) or None)
    config.stash[RESULT_KEY] = (code, results)
    directory = config.getoption("--apidouble-report-dir")
    if directory:
        meta = run_meta(config, recorder, code, broken)
        report.write_all(results, Path(directory), meta, _rule_text(meta["system"]))
    recorder.announce_rest()
    for line in report.closing_lines(results, code, broken):
        recorder.write_line(line)
    if directory:
        recorder.write_line(f"reports: {Path(directory).resolve()}/"
                            "{report.json, junit.xml, report.html}")


def run_meta(config: pytest.Config, recorder: Recorder, code: int,
             broken: list[str]) -> dict[str, Any]:
    target = config.stash.get(TARGET_KEY, None)
    base_url = config.getoption("--apidouble-base-url")
    # with -n the controller never built a target: ask the admin side once more
    is_mock = target.is_mock if target else bool(base_url and probe_admin(base_url))
    return {"system": config.getoption("--apidouble-system"),
            "baseUrl": config.getoption("--apidouble-base-url"),
            "isMock": is_mock,
            "allowWrites": bool(config.getoption("--apidouble-allow-writes")),
            "duration": round(recorder.elapsed(), 3), "exitCode": code,
            "broken": broken}


def _rule_text(system: str) -> dict[str, str]:
    """The rule's text from behaviours.md, where the system's package carries it."""
    try:
        module = import_module(f"apidouble.conformance.{system}._rule_text")
    except ModuleNotFoundError:
        return {}
    return dict(getattr(module, "RULE_TEXT", {}))
