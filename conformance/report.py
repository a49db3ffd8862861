"""Per-rule verdicts from per-test outcomes, written as a table, JSON and JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
NOT_CHECKABLE, NOT_SELECTED, TOOL_CHECK = "not checkable", "not selected", "tool check"
NOT_CHECKABLE_PREFIX = "not checkable"


@dataclass
class RuleResult:
    rule: str
    summary: str
    verdict: str = NOT_SELECTED
    reason: str = ""
    tests: list[dict[str, str]] = field(default_factory=list)


def verdicts(
    catalogue: Mapping[str, str],
    tool_rules: Mapping[str, str],
    outcomes: Iterable[tuple[str, str, str, str]],
) -> list[RuleResult]:
    """Fold ``(rule, test id, outcome, message)`` into one verdict per catalogued rule.

    A rule fails when any of its tests failed; passes when at least one passed
    and none failed; otherwise it is not checkable (every skip said so) or skipped.
    """
    results = {rule: RuleResult(rule, summary) for rule, summary in catalogue.items()}
    for rule, test, outcome, message in outcomes:
        if rule in results:
            results[rule].tests.append({"test": test, "outcome": outcome, "message": message})
    for result in results.values():
        _decide(result, tool_rules.get(result.rule))
    return sorted(results.values(), key=lambda r: r.rule)


def _decide(result: RuleResult, tool_check: str | None) -> None:
    by_outcome: dict[str, list[str]] = {}
    for test in result.tests:
        by_outcome.setdefault(test["outcome"], []).append(test["message"])
    if FAILED in by_outcome:
        result.verdict, result.reason = FAILED, by_outcome[FAILED][0]
    elif PASSED in by_outcome:
        result.verdict = PASSED
    elif SKIPPED in by_outcome:
        reasons = by_outcome[SKIPPED]
        checkable = any(not r.startswith(NOT_CHECKABLE_PREFIX) for r in reasons)
        result.verdict = SKIPPED if checkable else NOT_CHECKABLE
        result.reason = reasons[0]
    elif tool_check:
        result.verdict, result.reason = TOOL_CHECK, tool_check


def table(results: list[RuleResult], width: int = 100) -> str:
    lines = [f"{'rule':<7} {'verdict':<14} reason", f"{'-' * 7} {'-' * 14} {'-' * 20}"]
    for result in results:
        reason = " ".join(result.reason.split())
        room = max(width - 23, 20)
        if len(reason) > room:
            reason = reason[: room - 1] + "…"
        lines.append(f"{result.rule:<7} {result.verdict:<14} {reason}")
    counts = {v: sum(r.verdict == v for r in results) for v in
              (PASSED, FAILED, NOT_CHECKABLE, SKIPPED, TOOL_CHECK, NOT_SELECTED)}
    lines.append(", ".join(f"{n} {v}" for v, n in counts.items() if n))
    return "\n".join(lines)


def write_json(results: list[RuleResult], path: Path, meta: dict[str, object]) -> None:
    body = {**meta, "rules": [result.__dict__ for result in results]}
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def write_junit(results: list[RuleResult], path: Path, system: str) -> None:
    """One ``testcase`` per rule, so CI shows the rule IDs, not our test functions."""
    failures = sum(r.verdict == FAILED for r in results)
    skipped = sum(r.verdict not in (PASSED, FAILED) for r in results)
    suite = ET.Element("testsuite", name=f"conformance.{system}", tests=str(len(results)),
                       failures=str(failures), skipped=str(skipped), errors="0")
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=f"conformance.{system}",
                             name=f"{result.rule}: {result.summary}")
        if result.verdict == FAILED:
            ET.SubElement(case, "failure", message=result.reason[:500]).text = "\n".join(
                f"{t['test']}: {t['message']}" for t in result.tests if t["outcome"] == FAILED)
        elif result.verdict != PASSED:
            ET.SubElement(case, "skipped", message=f"{result.verdict}: {result.reason}"[:500])
    root = ET.Element("testsuites")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
