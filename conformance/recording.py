"""Test reports -> per-rule outcomes, and a line per rule as soon as the rule is complete.

Runs in the process that sees every report: the only process without
``-n``, xdist's controller with it. A rule is complete when every collected
test marked with it has reported its teardown; the controller learns which
tests carry which rules from a small JSON file each worker writes after its
collection (``rule_map``), since markers do not travel with xdist's events.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest

from .verdicts import (
    BEHAVIOURAL,
    FAILED,
    NOTE,
    PASSED,
    SKIPPED,
    RuleResult,
    TestOutcome,
    decide,
    verdicts,
)

CURL = re.compile(r"^\s*(curl .+)$", re.M)
LINE_WIDTH = 160


def rules_of(properties: Iterable[tuple[str, object]]) -> list[str]:
    rules = str(dict(properties).get("rules", ""))
    return [rule for rule in rules.split(",") if rule]


class Recorder:
    """Collects outcomes under each rule, and reports each rule once it is complete."""

    def __init__(self, catalogue: Mapping[str, str], tool_rules: Mapping[str, str],
                 write_line: Callable[[str], None]) -> None:
        self.catalogue, self.tool_rules, self.write_line = catalogue, tool_rules, write_line
        self.outcomes: list[TestOutcome] = []
        self.pending: dict[str, set[str]] | None = None  # rule -> tests not yet finished
        self.announced: set[str] = set()
        self.broken: list[str] = []
        self.started = time.monotonic()

    # --- what was collected ------------------------------------------------------------
    def expect(self, rule_map: Mapping[str, list[str]]) -> None:
        """``{test id: rules}`` of every selected test (the first worker's map is enough)."""
        if self.pending is not None:
            return
        self.pending = {}
        for test, rules in rule_map.items():
            for rule in rules:
                self.pending.setdefault(rule, set()).add(test)

    # --- each report (pytest hooks: the recorder is registered as a plugin) -------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.record(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            last = (str(report.longrepr).strip().splitlines() or [""])[-1]
            self.broken.append(f"collection error in {report.nodeid or 'the suite'}: "
                               f"{shorten(last, 120)}")

    def record(self, report: pytest.TestReport) -> None:
        rules = rules_of(report.user_properties)
        if not rules:
            if report.failed:
                self.broken.append(f"a test without a rule failed: {report.nodeid}")
            return
        outcome = self._outcome(report)
        if outcome is not None:
            for rule in rules:
                self.outcomes.append(outcome_for(rule, report, outcome))
        if report.when == "teardown" and not hasattr(report, "context"):
            self._finished(report.nodeid, rules)

    @staticmethod
    def _outcome(report: pytest.TestReport) -> str | None:
        notes = dict(report.user_properties).get("notes")
        if report.when == "call" and notes and report.passed:
            return NOTE
        if report.when != "call" and not (report.failed or report.skipped):
            return None
        return FAILED if report.failed else (SKIPPED if report.skipped else PASSED)

    def _finished(self, test: str, rules: list[str]) -> None:
        if self.pending is None:
            return
        for rule in rules:
            waiting = self.pending.get(rule)
            if waiting is None:
                continue
            waiting.discard(test)
            if not waiting:
                self.announce(rule)

    # --- lines a person reads ----------------------------------------------------------
    def announce(self, rule: str) -> None:
        if rule in self.announced or rule not in self.catalogue:
            return
        self.announced.add(rule)
        self.write_line(rule_line(self.result(rule)))
        for line in failure_lines(self.result(rule)):
            self.write_line(line)

    def result(self, rule: str) -> RuleResult:
        mine = [o for o in self.outcomes if o.rule == rule]
        return decide(rule, self.catalogue[rule], mine, self.tool_rules.get(rule))

    def results(self) -> list[RuleResult]:
        return verdicts(self.catalogue, self.tool_rules, self.outcomes)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def announce_rest(self) -> None:
        """At the end: every rule with outcomes not yet announced, in rule order."""
        ran = {o.rule for o in self.outcomes}
        for rule in sorted(ran & set(self.catalogue)):
            self.announce(rule)


def outcome_for(rule: str, report: pytest.TestReport, outcome: str) -> TestOutcome:
    properties = dict(report.user_properties)
    details: dict[str, Any] = {}
    for name in ("exchanges", "reproduction", "notes"):
        if properties.get(name):
            details[name] = json.loads(str(properties[name]))
    test = report.nodeid
    if hasattr(report, "context"):  # a subtest
        test += " " + report._sub_test_description()  # type: ignore[attr-defined]
    return TestOutcome(rule, test, outcome, kind=str(properties.get("kind", BEHAVIOURAL)),
                       message=message_of(report), duration=report.duration, details=details)


def message_of(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        text = crash.message if crash is not None else str(report.longrepr)
        text = text.removeprefix("AssertionError: ")
        first = next((line for line in text.splitlines() if line.strip()), "")
        return first.strip() or "failed"
    return ""


def reproduction(longrepr_text: str) -> list[str]:
    """Schemathesis' own reproduction lines (``curl ...``) in a failure's text."""
    return list(dict.fromkeys(match.strip() for match in CURL.findall(longrepr_text)))[:3]


def shorten(text: str, width: int = LINE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def rule_line(result: RuleResult) -> str:
    reason = f"  {shorten(result.reason, 90)}" if result.reason and result.verdict != FAILED \
        else ""
    return f"{result.rule:<8} {result.verdict:<14} {result.duration:6.1f}s{reason}"


def failure_lines(result: RuleResult) -> list[str]:
    lines = []
    for test in result.tests:
        if test["outcome"] == FAILED:
            lines.append("    " + shorten(f"fail: {test['test']}: {test['message']}"))
    return lines
