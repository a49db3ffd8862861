"""Per-rule verdicts and their JUnit/JSON forms."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from apidouble.conformance import report

CATALOGUE = {"XX-01": "one", "XX-02": "two", "XX-03": "three", "XX-04": "four",
             "XX-05": "five", "XX-06": "six"}
TOOL = {"XX-06": "checked by the tool's tests"}
OUTCOMES = [
    ("XX-01", "t::a", "passed", ""),
    ("XX-01", "t::b", "skipped", "not checkable: needs a key"),
    ("XX-02", "t::c", "passed", ""),
    ("XX-02", "t::d", "failed", "XX-02: expected 401, got 200"),
    ("XX-03", "t::e", "skipped", "not checkable: needs --allow-writes"),
    ("XX-04", "t::f", "skipped", "flaky network"),
    ("ZZ-99", "t::g", "failed", "not in the catalogue"),
]


def test_verdict_per_rule() -> None:
    results = {r.rule: r for r in report.verdicts(CATALOGUE, TOOL, OUTCOMES)}
    assert results["XX-01"].verdict == "passed"
    assert results["XX-02"].verdict == "failed"
    assert results["XX-02"].reason == "XX-02: expected 401, got 200"
    assert results["XX-03"].verdict == "not checkable"
    assert results["XX-04"].verdict == "skipped"
    assert results["XX-05"].verdict == "not selected"
    assert results["XX-06"].verdict == "tool check"
    assert "ZZ-99" not in results


def test_junit_has_one_case_per_rule(tmp_path: Path) -> None:
    results = report.verdicts(CATALOGUE, TOOL, OUTCOMES)
    report.write_junit(results, tmp_path / "junit.xml", "demo")
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "6" and suite.get("failures") == "1"
    cases = {case.get("name", "").split(":")[0]: case for case in suite.iter("testcase")}
    assert set(cases) == set(CATALOGUE)
    assert cases["XX-02"].find("failure") is not None
    assert cases["XX-03"].find("skipped") is not None
    assert cases["XX-01"].find("failure") is None and cases["XX-01"].find("skipped") is None


def test_json_and_table(tmp_path: Path) -> None:
    results = report.verdicts(CATALOGUE, TOOL, OUTCOMES)
    report.write_json(results, tmp_path / "r.json", {"system": "demo"})
    body = json.loads((tmp_path / "r.json").read_text())
    assert body["system"] == "demo" and len(body["rules"]) == 6
    text = report.table(results)
    assert "XX-02   failed" in text and "1 failed" in text.splitlines()[-1]
