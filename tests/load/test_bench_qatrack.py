"""The QATrack+ benchmark's pure parts: the performed values and wrk's Lua script."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from apidouble.load.bench.bench_qatrack import _value, write_script
from apidouble.mock_server.qatrack import evaluation as ev

ABSOLUTE: dict[str, Any] = {
    "type": "absolute", "act_low": -2.0, "tol_low": -1.0, "tol_high": 1.0, "act_high": 2.0,
    "mc_pass_choices": "", "mc_tol_choices": ""}
PERCENT: dict[str, Any] = {
    **ABSOLUTE, "type": "percent", "act_low": -3.0, "tol_low": -2.0, "tol_high": 2.0,
    "act_high": 3.0}


def _test(kind: str, **extra: object) -> dict[str, object]:
    return {"type": kind, "choices": "", "constant_value": None, **extra}


def _judge(tolerance: dict[str, Any], reference: float, value: float) -> str:
    spec = ev.TestSpec(type="simple")
    limits = ev.Tolerance(type=tolerance["type"], act_low=tolerance["act_low"],
                          tol_low=tolerance["tol_low"], tol_high=tolerance["tol_high"],
                          act_high=tolerance["act_high"])
    return ev.pass_fail(spec, ev.Stored(value=value), skipped=False,
                        reference=ev.Reference(reference), tolerance=limits)


@pytest.mark.parametrize(("tolerance", "reference"), [(ABSOLUTE, 10.0), (PERCENT, 100.0),
                                                      (PERCENT, -4.0)])
def test_numbers_sit_inside_the_tolerance_but_off_the_reference(
        tolerance: dict[str, Any], reference: float) -> None:
    value = _value(_test("simple"), reference, tolerance)["value"]
    assert value != reference
    assert _judge(tolerance, reference, value) == ev.OK


def test_every_other_type_gets_a_value_of_its_kind() -> None:
    assert _value(_test("simple"), None, None) == {"value": 1.0}
    assert _value(_test("boolean"), 1.0, None) == {"value": True}
    assert _value(_test("boolean"), 0.0, None) == {"value": False}
    assert _value(_test("multchoice", choices="Pass,Minor,Fail"), None,
                  {"mc_pass_choices": "Minor,Pass"}) == {"value": "Minor"}
    assert _value(_test("multchoice", choices="A, B"), None, None) == {"value": "A"}
    assert _value(_test("constant", constant_value=2.5), None, None) == {"value": 2.5}
    assert _value(_test("string"), None, None) == {"value": "ok"}
    upload = _value(_test("upload"), None, None)
    assert upload["encoding"] == "text" and upload["filename"] and upload["value"]


def test_the_lua_script_posts_the_body_with_the_token(tmp_path: Path) -> None:
    body = {"unit_test_collection": "http://h/api/qc/unittestcollections/10/",
            "tests": {"s": {"value": 'quote " and \\ backslash'}}}
    script = write_script(tmp_path, "abc123", body).read_text()
    assert 'wrk.method = "POST"' in script
    assert 'wrk.headers["Authorization"] = "Token abc123"' in script
    assert 'wrk.headers["Content-Type"] = "application/json"' in script
    embedded = re.search(r"wrk\.body = \[==\[(.*)\]==\]", script, re.S)
    assert embedded is not None and json.loads(embedded.group(1)) == body
    assert "user_key" not in script
