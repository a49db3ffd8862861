"""The run's verdicts as ``report.json`` (schema: report.schema.json), JUnit XML, HTML, and
the closing lines on the terminal."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path
from typing import Any

from . import html_report
from .verdicts import (
    FAILED,
    NOT_CHECKED,
    PASSED,
    TOOL_CHECK,
    VERDICTS,
    RuleResult,
    counts,
    describe_exit,
)

SCHEMA_VERSION = 1


def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) every ``report.json`` follows; shipped with the package."""
    text = files("apidouble.conformance").joinpath("report.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def document(results: list[RuleResult], meta: dict[str, Any],
             rule_text: dict[str, str] | None = None) -> dict[str, Any]:
    rules = []
    for result in results:
        entry = result.as_json()
        if rule_text and result.rule in rule_text:
            entry["text"] = rule_text[result.rule]
        rules.append(entry)
    code = int(meta.get("exitCode", 0))
    return {"schemaVersion": SCHEMA_VERSION, **meta, "exitMeaning": describe_exit(code),
            "counts": counts(results), "rules": rules}


def write_all(results: list[RuleResult], directory: Path, meta: dict[str, Any],
              rule_text: dict[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    body = document(results, meta, rule_text)
    write_json(body, directory / "report.json")
    write_junit(results, directory / "junit.xml", str(meta["system"]))
    (directory / "report.html").write_text(html_report.render(body), encoding="utf-8")


def write_json(body: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def write_junit(results: list[RuleResult], path: Path, system: str) -> None:
    """One ``testcase`` per rule (with its tests' summed time), so CI shows the rule IDs."""
    failures = sum(r.verdict == FAILED for r in results)
    skipped = sum(r.verdict not in (PASSED, FAILED) for r in results)
    total = sum(r.duration for r in results)
    suite = ET.Element("testsuite", name=f"conformance.{system}", tests=str(len(results)),
                       failures=str(failures), skipped=str(skipped), errors="0",
                       time=f"{total:.3f}")
    for result in results:
        case = ET.SubElement(suite, "testcase", classname=f"conformance.{system}",
                             name=f"{result.rule}: {result.summary}",
                             time=f"{result.duration:.3f}")
        if result.verdict == FAILED:
            ET.SubElement(case, "failure", message=result.reason[:500]).text = "\n".join(
                f"{t['test']}: {t['message']}" for t in result.tests if t["outcome"] == FAILED)
        elif result.verdict != PASSED:
            ET.SubElement(case, "skipped", message=f"{result.verdict}: {result.reason}"[:500])
    root = ET.Element("testsuites", time=f"{total:.3f}")
    root.append(suite)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def closing_lines(results: list[RuleResult], code: int, broken: list[str]) -> list[str]:
    """The tally, the rules nothing judged (in one line each), and what the exit code means."""
    found = counts(results)
    lines = [", ".join(f"{n} {v}" for v, n in found.items() if n)]
    unrun = [r.rule for r in results if r.verdict == NOT_CHECKED and not r.tests]
    if unrun:
        lines.append(f"not checked, no test ran: {_ranges(unrun)}")
    tools = [r.rule for r in results if r.verdict == TOOL_CHECK]
    if tools:
        lines.append(f"tool check (judged by apidouble's own tests): {', '.join(tools)}")
    lines += [f"broken: {reason}" for reason in broken]
    lines.append(f"exit {code}: {describe_exit(code)}")
    return lines


def _ranges(rules: list[str]) -> str:
    return ", ".join(rules) if len(rules) <= 12 else f"{', '.join(rules[:10])}, … ({len(rules)})"


def table(results: list[RuleResult], width: int = 100) -> str:
    """A plain table of every rule (for docs and debugging; the run prints lines as it goes)."""
    lines = [f"{'rule':<8} {'verdict':<14} reason", f"{'-' * 8} {'-' * 14} {'-' * 20}"]
    room = max(width - 24, 20)
    for result in results:
        reason = " ".join(result.reason.split())
        if len(reason) > room:
            reason = reason[: room - 1] + "…"
        lines.append(f"{result.rule:<8} {result.verdict:<14} {reason}")
    lines.append(", ".join(f"{n} {v}" for v, n in counts(results).items() if n))
    return "\n".join(lines)


__all__ = ["VERDICTS", "closing_lines", "document", "schema", "table", "write_all",
           "write_json", "write_junit"]
