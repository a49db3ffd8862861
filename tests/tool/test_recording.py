"""The live per-rule lines: a rule is announced once all its collected tests have finished."""

from __future__ import annotations

import pytest

from apidouble.conformance.recording import Recorder, reproduction


def report(nodeid: str, when: str, outcome: str, rules: str,
           kind: str = "behavioural") -> pytest.TestReport:
    return pytest.TestReport(nodeid, ("t.py", 0, nodeid), {}, outcome,
                             "boom" if outcome == "failed" else None, when,
                             user_properties=[("rules", rules), ("kind", kind)])


def test_a_rule_is_announced_when_its_last_test_finishes() -> None:
    lines: list[str] = []
    recorder = Recorder({"XX-01": "one", "XX-02": "two"}, {}, lines.append)
    recorder.expect({"t::a": ["XX-01"], "t::b": ["XX-01", "XX-02"]})
    for when in ("setup", "call", "teardown"):
        recorder.record(report("t::a", when, "passed", "XX-01"))
    assert lines == []
    recorder.record(report("t::b", "setup", "passed", "XX-01,XX-02"))
    recorder.record(report("t::b", "call", "failed", "XX-01,XX-02"))
    recorder.record(report("t::b", "teardown", "passed", "XX-01,XX-02"))
    assert [line.split()[:2] for line in lines if not line.startswith(" ")] == \
        [["XX-01", "failed"], ["XX-02", "failed"]]
    assert any(line.strip().startswith("fail: t::b") for line in lines)


def test_generated_passes_alone_are_announced_not_checked() -> None:
    lines: list[str] = []
    recorder = Recorder({"XX-01": "one"}, {}, lines.append)
    recorder.expect({"t::g": ["XX-01"]})
    for when in ("setup", "call", "teardown"):
        recorder.record(report("t::g", when, "passed", "XX-01", kind="generated"))
    assert lines[0].split()[1:3] == ["not", "checked"]


def test_schemathesis_reproduction_lines_are_kept() -> None:
    text = "AQ-29: POST /samples\n\nReproduce with:\n\n    curl -X POST http://x/api/v1/samples\n"
    assert reproduction(text) == ["curl -X POST http://x/api/v1/samples"]
