"""Folding test outcomes into a rule's verdict, and verdicts into the run's exit code."""

from __future__ import annotations

from apidouble.conformance.verdicts import (
    BEHAVIOURAL,
    GENERATED,
    RuleResult,
    TestOutcome,
    decide,
    exit_code,
)


def outcome(outcome: str, kind: str = BEHAVIOURAL, message: str = "") -> TestOutcome:
    return TestOutcome("XX-01", "t::x", outcome, kind=kind, message=message)


def verdict(*outcomes: TestOutcome, tool: str | None = None) -> tuple[str, str]:
    result = decide("XX-01", "one", list(outcomes), tool)
    return result.verdict, result.reason


def test_a_behavioural_pass_passes() -> None:
    assert verdict(outcome("passed"), outcome("passed", GENERATED))[0] == "passed"


def test_generated_checks_alone_never_pass_a_rule() -> None:
    found, reason = verdict(outcome("passed", GENERATED), outcome("passed", GENERATED))
    assert found == "not checked" and "only generated" in reason


def test_skipped_behaviour_and_passing_generated_checks_follow_the_skips() -> None:
    skipped = outcome("skipped", message="not checkable: needs --allow-writes")
    assert verdict(skipped, outcome("passed", GENERATED)) == (
        "not checkable", "not checkable: needs --allow-writes")
    other = outcome("skipped", message="server has no uploads")
    assert verdict(skipped, other, outcome("passed", GENERATED))[0] == "not checked"


def test_any_failure_fails_even_a_generated_one() -> None:
    assert verdict(outcome("passed"), outcome("failed", GENERATED, "XX-01: 500"))[0] == "failed"
    assert verdict(outcome("failed", message="XX-01: 200, not 401")) == (
        "failed", "XX-01: 200, not 401")


def test_a_note_never_fails_nor_passes() -> None:
    assert verdict(outcome("note", GENERATED))[0] == "not checked"
    assert verdict(outcome("note", GENERATED), outcome("passed"))[0] == "passed"


def test_nothing_ran() -> None:
    assert verdict() == ("not checked", "no test of this rule ran (not selected)")
    assert verdict(tool="judged in tests/")[0] == "tool check"
    skipped = outcome("skipped", message="not checkable: x")
    assert verdict(skipped, tool="judged in tests/")[0] == "tool check"


def results(*verdicts: str) -> list[RuleResult]:
    return [RuleResult(f"XX-{i:02}", "", verdict=v) for i, v in enumerate(verdicts)]


def test_exit_codes() -> None:
    assert exit_code(results("passed", "not checkable", "tool check")) == 0
    assert exit_code(results("passed", "failed")) == 1
    assert exit_code(results("passed"), broken="collection error") == 2
    assert exit_code(results("not checkable", "not checked", "tool check")) == 3
    assert exit_code([]) == 3
