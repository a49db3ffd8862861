"""Fold per-test outcomes into one verdict per rule, and a run's verdicts into an exit code.

Pure functions, no pytest: the plugin feeds them, the tool's tests check them.

A test is *behavioural* (written by hand against the guide) or *generated*
(Schemathesis, marked ``@pytest.mark.generated``). Generated checks can fail
a rule (a 5xx breaks a documented behaviour) but never make one pass: a rule
passes only when at least one behavioural test of it ran and passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PASSED, FAILED = "passed", "failed"
NOT_CHECKABLE, NOT_CHECKED, TOOL_CHECK = "not checkable", "not checked", "tool check"
VERDICTS = (PASSED, FAILED, NOT_CHECKABLE, NOT_CHECKED, TOOL_CHECK)
#: per-test outcomes; a "note" is a generated finding that breaks no documented rule
SKIPPED, NOTE = "skipped", "note"
BEHAVIOURAL, GENERATED = "behavioural", "generated"
NOT_CHECKABLE_PREFIX = "not checkable"

#: ``apidouble check``'s exit codes (docs/conformance.md)
EXIT_OK, EXIT_FAILED, EXIT_BROKEN, EXIT_NOTHING = 0, 1, 2, 3


@dataclass
class TestOutcome:
    """One test (or subtest) phase's result, under one of the rules it is marked with."""

    __test__ = False  # not a pytest test class

    rule: str
    test: str
    outcome: str  # passed | failed | skipped | note
    kind: str = BEHAVIOURAL
    message: str = ""
    duration: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)  # exchanges, reproduction

    def entry(self) -> dict[str, Any]:
        """The test's entry in report.json."""
        return {"test": self.test, "kind": self.kind, "outcome": self.outcome,
                "message": self.message, "duration": round(self.duration, 3), **self.details}


@dataclass
class RuleResult:
    rule: str
    summary: str
    verdict: str = NOT_CHECKED
    reason: str = ""
    duration: float = 0.0
    tests: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "summary": self.summary, "verdict": self.verdict,
                "reason": self.reason, "duration": round(self.duration, 3), "tests": self.tests}


def verdicts(catalogue: Mapping[str, str], tool_rules: Mapping[str, str],
             outcomes: Iterable[TestOutcome]) -> list[RuleResult]:
    """One verdict per catalogued rule, in rule order; outcomes of other rules are ignored."""
    grouped: dict[str, list[TestOutcome]] = {rule: [] for rule in catalogue}
    for outcome in outcomes:
        if outcome.rule in grouped:
            grouped[outcome.rule].append(outcome)
    return [decide(rule, catalogue[rule], grouped[rule], tool_rules.get(rule))
            for rule in sorted(catalogue)]


def decide(rule: str, summary: str, outcomes: list[TestOutcome],
           tool_check: str | None = None) -> RuleResult:
    """The verdict of one rule from all its tests' outcomes."""
    result = RuleResult(rule, summary, duration=sum(o.duration for o in outcomes),
                        tests=[o.entry() for o in outcomes])
    failed = [o for o in outcomes if o.outcome == FAILED]
    behavioural = [o for o in outcomes if o.kind == BEHAVIOURAL]
    if failed:
        result.verdict, result.reason = FAILED, failed[0].message or "failed"
    elif any(o.outcome == PASSED for o in behavioural):
        result.verdict = PASSED
    elif tool_check:
        result.verdict, result.reason = TOOL_CHECK, tool_check
    else:
        result.verdict, result.reason = _unjudged(outcomes, behavioural)
    return result


def _unjudged(outcomes: list[TestOutcome], behavioural: list[TestOutcome]) -> tuple[str, str]:
    """Nothing failed and no behavioural test passed: not checkable, or not checked."""
    skips = [o.message for o in behavioural if o.outcome == SKIPPED]
    if skips and all(s.startswith(NOT_CHECKABLE_PREFIX) for s in skips):
        return NOT_CHECKABLE, skips[0]
    if skips:
        return NOT_CHECKED, skips[0] or "its tests were skipped"
    if outcomes:
        return NOT_CHECKED, "only generated checks ran; they never make a rule pass"
    return NOT_CHECKED, "no test of this rule ran (not selected)"


def counts(results: Iterable[RuleResult]) -> dict[str, int]:
    found = {verdict: 0 for verdict in VERDICTS}
    for result in results:
        found[result.verdict] += 1
    return found


def exit_code(results: list[RuleResult], broken: str | None = None) -> int:
    """0: something passed, nothing failed; 1: a rule failed; 2: the run broke; 3: nothing
    was judged (the selection matched nothing, or every rule was not checkable/checked)."""
    if broken:
        return EXIT_BROKEN
    found = counts(results)
    if found[FAILED]:
        return EXIT_FAILED
    return EXIT_OK if found[PASSED] else EXIT_NOTHING


def describe_exit(code: int) -> str:
    return {EXIT_OK: "no rule failed", EXIT_FAILED: "at least one rule failed",
            EXIT_BROKEN: "the check could not run", EXIT_NOTHING:
            "nothing was judged: no rule passed or failed"}.get(code, "")
