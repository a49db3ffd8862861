"""Per-rule verdicts in their report forms: JSON (against the published schema), JUnit, HTML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

from apidouble.conformance import report
from apidouble.conformance.exchanges import ExchangeLog
from apidouble.conformance.verdicts import GENERATED, TestOutcome, verdicts

CATALOGUE = {"XX-01": "one", "XX-02": "two", "XX-03": "three", "XX-04": "four",
             "XX-05": "five", "XX-06": "six"}
TOOL = {"XX-06": "checked by the tool's tests"}
EXCHANGE = {"method": "GET", "url": "http://x/api", "status": 200, "requestHeaders": {},
            "requestBody": "", "responseHeaders": {}, "responseBody": "{}"}
OUTCOMES = [
    TestOutcome("XX-01", "t::a", "passed", duration=0.5),
    TestOutcome("XX-01", "t::b", "skipped", message="not checkable: needs a key"),
    TestOutcome("XX-02", "t::c", "passed", duration=0.25),
    TestOutcome("XX-02", "t::d", "failed", message="XX-02: expected 401, got 200",
                details={"exchanges": [EXCHANGE]}),
    TestOutcome("XX-03", "t::e", "skipped", message="not checkable: needs --allow-writes"),
    TestOutcome("XX-04", "t::f", "passed", kind=GENERATED),
    TestOutcome("ZZ-99", "t::g", "failed", message="not in the catalogue"),
]
META = {"system": "demo", "baseUrl": "http://x", "isMock": False, "allowWrites": False,
        "duration": 1.0, "exitCode": 1, "broken": []}


def test_verdict_per_rule() -> None:
    results = {r.rule: r for r in verdicts(CATALOGUE, TOOL, OUTCOMES)}
    assert results["XX-01"].verdict == "passed"
    assert results["XX-02"].verdict == "failed"
    assert results["XX-02"].reason == "XX-02: expected 401, got 200"
    assert results["XX-03"].verdict == "not checkable"
    assert results["XX-04"].verdict == "not checked"
    assert results["XX-05"].verdict == "not checked"
    assert results["XX-06"].verdict == "tool check"
    assert "ZZ-99" not in results


def test_junit_has_one_case_per_rule_with_times(tmp_path: Path) -> None:
    results = verdicts(CATALOGUE, TOOL, OUTCOMES)
    report.write_junit(results, tmp_path / "junit.xml", "demo")
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "6" and suite.get("failures") == "1"
    assert float(suite.get("time", "0")) == 0.75
    cases = {case.get("name", "").split(":")[0]: case for case in suite.iter("testcase")}
    assert set(cases) == set(CATALOGUE)
    assert cases["XX-01"].get("time") == "0.500"
    assert cases["XX-02"].find("failure") is not None
    assert cases["XX-03"].find("skipped") is not None
    assert cases["XX-01"].find("failure") is None and cases["XX-01"].find("skipped") is None


def test_json_follows_the_published_schema(tmp_path: Path) -> None:
    results = verdicts(CATALOGUE, TOOL, OUTCOMES)
    report.write_all(results, tmp_path, META, {"XX-01": "The long text of rule one."})
    body = json.loads((tmp_path / "report.json").read_text())
    jsonschema.Draft202012Validator(report.schema()).validate(body)
    assert body["counts"]["failed"] == 1 and len(body["rules"]) == 6
    assert body["rules"][0]["text"] == "The long text of rule one."
    assert {t["kind"] for r in body["rules"] for t in r["tests"]} == {"behavioural", "generated"}
    html = (tmp_path / "report.html").read_text()
    assert "The long text of rule one." in html and "expected 401, got 200" in html
    assert "http" not in html.split("<body>")[0]  # no external assets


def test_table_and_closing_lines() -> None:
    results = verdicts(CATALOGUE, TOOL, OUTCOMES)
    assert "XX-02    failed" in report.table(results)
    lines = report.closing_lines(results, 1, [])
    assert lines[0].startswith("1 passed, 1 failed") and lines[-1].startswith("exit 1")


def test_exchanges_are_short_and_masked() -> None:
    log = ExchangeLog(["lk_supersecretkey"])
    text = log.mask('{"rawKey": "lk_abc", "x": "lk_supersecretkey", "password": "p"}')
    assert "lk_abc" not in text and "lk_supersecretkey" not in text and '"p"' not in text
    assert log.mask("grant_type=password&password=hunter2") == \
        "grant_type=password&password=***"
