"""Composite test procedures (QT-11): the safe interpreter, its refusals and limits."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apidouble.mock_server.qatrack.calculation import (
    CYCLE_ERROR,
    CompositeResult,
    dependencies,
    evaluate_all,
    evaluate_composite,
)


def value_of(procedure: str, slug: str = "comp", **values: object) -> float | str | None:
    result = evaluate_composite(procedure, slug, values)
    assert result.error is None, result.error
    return result.value


def error_of(procedure: str, slug: str = "comp", **values: object) -> str:
    result = evaluate_composite(procedure, slug, values)
    assert result.value is None and result.error, result
    return result.error


# --- the guide's example and how the answer is picked -------------------------------------


def test_guide_sum_of_two() -> None:
    result = evaluate_composite("sum_of_two = number_1 + number_2", "sum_of_two",
                                {"number_1": 1.0, "number_2": 2.0})
    assert result == CompositeResult(3.0, None, ())


def test_result_wins_over_the_slug_variable() -> None:
    assert value_of("comp = 1\nresult = 2") == 2.0


def test_slug_variable_is_the_answer_without_result() -> None:
    assert value_of("tmp = a * 2\ncomp = tmp + 1", a=3) == 7.0


def test_no_answer_is_an_error() -> None:
    assert error_of("x = 1") == "the procedure must set 'result' or 'comp'"


def test_a_submitted_value_for_the_slug_is_not_an_answer() -> None:
    assert "must set" in error_of("x = 1", comp=5.0)


@pytest.mark.parametrize(("procedure", "expected"), [
    ("result = 7", 7.0),
    ("result = True", 1.0),
    ("result = 2.5", 2.5),
    ("result = 'PASS'", "PASS"),
    ("result = None", None),
])
def test_result_types(procedure: str, expected: object) -> None:
    assert value_of(procedure) == expected


@pytest.mark.parametrize(("procedure", "message"), [
    ("result = [1, 2]", "the result must be a number or text, not list"),
    ("result = math", "the result must be a number or text, not module"),
    ("result = abs", "the result must be a number or text, not function"),
    ("result = float('inf')", "the result is not a finite number (inf)"),
    ("result = float('nan')", "the result is not a finite number (nan)"),
    ("result = 10 ** 400", "OverflowError: int too large to convert to float"),
])
def test_unusable_results(procedure: str, message: str) -> None:
    assert error_of(procedure) == message


# --- the language ---------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "expected"), [(-5, "neg"), (0, "zero"), (3, "small"), (50, "big")])
def test_if_elif_else(a: float, expected: str) -> None:
    procedure = (
        "if a < 0:\n    result = 'neg'\nelif a == 0:\n    result = 'zero'\n"
        "elif a < 10:\n    result = 'small'\nelse:\n    result = 'big'\n"
    )
    assert value_of(procedure, a=a) == expected


def test_nested_if_and_pass() -> None:
    procedure = "result = 0\nif a > 1:\n    if b > 1:\n        result = 2\n    else:\n        pass"
    assert value_of(procedure, a=2, b=3) == 2.0
    assert value_of(procedure, a=2, b=0) == 0.0


@pytest.mark.parametrize(("procedure", "expected"), [
    ("result = 7 // 2 + 7 % 2 - 2 ** 3 / 4", 2.0),
    ("result = -a + +a - (not a)", 0.0),
    ("result = 1 < a <= 3 < 4", 1.0),
    ("result = 1 < a > 5", 0.0),
    ("result = a if a > 1 else -a", 3.0),
    ("result = a > 1 and 'yes' or 'no'", "yes"),
    ("result = 0 or a", 3.0),
    ("result = a is not None and a in [1, 2, 3]", 1.0),
    ("result = 4 not in (1, 2)", 1.0),
    ("x, y, z = 1, 2, 3\nx, y = y, x\nresult = x * 10 + y + z", 24.0),
    ("x, y = [2, 3]\nresult = x * y", 6.0),
    ("x = y = 4\nresult = x * y", 16.0),
    ("result = 1\nresult += a\nresult *= 2\nresult -= 1\nresult /= 7", 1.0),
    ("result = [1, 2, 3][-1] + (4, 5)[0]", 7.0),
    ("result = sum([1, 2, 3, 4][1:3])", 5.0),
    ("result = 'abcdef'[::2]", "ace"),
    ("result = [v * 2 for v in [1, 2, 3] if v != 2][1]", 6.0),
    ("result = sum(v for v in [1, 2, 3])", 6.0),
    ("result = len([x * y for x in [1, 2] for y in [3, 4, 5]])", 6.0),
    ("result = 'pass' if abs(a - 3) < 0.1 else 'fail'", "pass"),
    ("result = 'Output: %.2f cGy' % (a * 1.5)", "Output: 4.50 cGy"),
    ("result = f'{a:.1f} Gy ({a!r})'", "3.0 Gy (3)"),
    ("result = str(a) + 'mm'", "3mm"),
])
def test_expressions(procedure: str, expected: object) -> None:
    assert value_of(procedure, a=3) == expected


def test_comprehension_variables_do_not_leak() -> None:
    assert error_of("ys = [v for v in [1]]\nresult = v") == "NameError: name 'v' is not defined"


@pytest.mark.parametrize(("procedure", "expected"), [
    ("result = math.sqrt(16) + math.floor(2.7) + math.ceil(0.2)", 7.0),
    ("result = math.log10(1000) + math.log(math.e) + math.exp(0)", 5.0),
    ("import math\nresult = math.pi", math.pi),
    ("import math as m\nresult = m.cos(0)", 1.0),
    ("from math import sqrt, pi as PI\nresult = sqrt(4) * PI", 2 * math.pi),
    ("result = math.isclose(1.0, 1.0001, rel_tol=1e-3)", 1.0),
    ("result = math.fabs(-2) + math.hypot(3, 4)", 7.0),
    ("result = mean([1, 2, 3, 6])", 3.0),
    ("result = median([5, 1, 3])", 3.0),
    ("result = stdev([2, 4, 4, 4, 5, 5, 7, 9])", 2.138089935299395),
    ("import statistics\nresult = statistics.pstdev([2, 4, 4, 4, 5, 5, 7, 9])", 2.0),
    ("from statistics import median as med\nresult = med([1, 2])", 1.5),
    ("result = min(3, 1, 2) + max([4, 5]) + abs(-1) + len('ab')", 9.0),
    ("result = max([], default=7)", 7.0),
    ("result = sum([0.5, 0.25], start=1)", 1.75),
    ("result = round(2.71828, ndigits=2) + round(2.5)", 4.72),
    ("result = int('42') + float('0.5') + bool('x')", 43.5),
])
def test_math_statistics_and_builtins(procedure: str, expected: float) -> None:
    assert value_of(procedure) == pytest.approx(expected)


def test_mean_of_other_tests() -> None:
    procedure = "result = mean([r1, r2, r3])"
    assert value_of(procedure, r1=100.2, r2=99.8, r3=100.0) == pytest.approx(100.0)


def test_list_values_are_usable() -> None:
    assert value_of("result = max(readings) - min(readings)", readings=[1, 4, 2]) == 3.0


# --- refusals: checked before anything runs ------------------------------------------------


@pytest.mark.parametrize(("procedure", "message"), [
    ("import os",
     "line 1: importing 'os' is not allowed (only math and statistics may be imported)"),
    ("import numpy as np", "line 1: importing 'numpy' is not allowed"),
    ("import math, sys", "line 1: importing 'sys' is not allowed"),
    ("import os.path", "line 1: importing 'os.path' is not allowed"),
    ("from os import path", "line 1: importing from 'os' is not allowed"),
    ("from . import math", "line 1: importing from 'None' is not allowed"),
    ("from math import *", "line 1: '*' cannot be imported from math"),
    ("from math import factorial", "line 1: 'factorial' cannot be imported from math"),
    ("x = ().__class__", "line 1: the attribute '__class__' is not allowed"),
    ("x = a.__class__.__bases__", "line 1: the attribute '__bases__' is not allowed"),
    ("x = math._private", "line 1: the attribute '_private' is not allowed"),
    ("x = __builtins__", "line 1: the name '__builtins__' is not allowed"),
    ("x = __import__('os')", "line 1: calling '__import__' is not allowed"),
    ("result = open('/etc/passwd')", "line 1: calling 'open' is not allowed"),
    ("result = eval('1')", "line 1: calling 'eval' is not allowed"),
    ("exec('import os')", "line 1: calling 'exec' is not allowed"),
    ("result = getattr(math, 'sqrt')", "line 1: calling 'getattr' is not allowed"),
    ("result = type(1)", "line 1: calling 'type' is not allowed"),
    ("f = lambda: 1", "line 1: lambda expressions are not allowed"),
    ("def f():\n    return 1", "line 1: function definitions are not allowed"),
    ("class A:\n    pass", "line 1: class definitions are not allowed"),
    ("x = 1\nwhile True:\n    pass", "line 2: while loops are not allowed"),
    ("for i in [1]:\n    pass", "line 1: for loops are not allowed"),
    ("x = {'a': 1}", "line 1: dicts are not allowed"),
    ("x = {1}", "line 1: sets are not allowed"),
    ("try:\n    x = 1\nexcept Exception:\n    pass", "line 1: try blocks are not allowed"),
    ("with a:\n    pass", "line 1: with blocks are not allowed"),
    ("del a", "line 1: del statements are not allowed"),
    ("global a", "line 1: global statements are not allowed"),
    ("raise ValueError", "line 1: raise statements are not allowed"),
    ("assert a", "line 1: assert statements are not allowed"),
    ("result = (y := 2)", "line 1: assignment expressions (:=) are not allowed"),
    ("result = [*a]", "line 1: starred expressions are not allowed"),
    ("x: int = 1", "line 1: annotations are not allowed"),
    ("result = 1 << 100000", "line 1: the operator LShift is not allowed"),
    ("result = a & 1", "line 1: the operator BitAnd is not allowed"),
    ("result = ~a", "line 1: the operator Invert is not allowed"),
    ("result = a @ a", "line 1: the operator MatMult is not allowed"),
    ("a |= 1", "line 1: the operator BitOr is not allowed"),
    ("result = b'x'", "line 1: bytes literals are not allowed"),
    ("result = 1j", "line 1: complex literals are not allowed"),
    ("result = ...", "line 1: ellipsis literals are not allowed"),
    ("a[0] = 1", "line 1: assigning to an attribute or an item is not allowed"),
    ("math.pi = 3", "line 1: assigning to an attribute or an item is not allowed"),
    ("result = min([1], key=abs)", "line 1: the keyword argument 'key' is not allowed"),
    ("result = max(**a)", "line 1: the keyword argument '**' is not allowed"),
    ("result = 'x'.upper()", None),  # refused when run: attributes only on modules
    ("x = 1\n\nresult = [i async for i in a]", "line 3: async comprehensions are not allowed"),
])
def test_refusals(procedure: str, message: str | None) -> None:
    error = error_of(procedure, a=[1])
    if message is None:
        assert error == "attributes may only be read from the math and statistics modules"
    else:
        assert error.startswith(message), error


def test_refusal_happens_even_in_a_branch_not_taken() -> None:
    assert "importing 'os'" in error_of("if False:\n    import os\nresult = 1")


def test_test_slugs_may_shadow_forbidden_names_when_only_read() -> None:
    assert value_of("result = input * 2", input=4.0) == 8.0


@pytest.mark.parametrize(("procedure", "message"), [
    ("result = 1 +", "SyntaxError: invalid syntax (line 1)"),
    ("result = (", "SyntaxError: '(' was never closed (line 1)"),
    ("x = 1\n  y = 2", "SyntaxError: unexpected indent (line 2)"),
    ("result = 1\0", "SyntaxError: source code string cannot contain null bytes"),
])
def test_syntax_errors(procedure: str, message: str) -> None:
    assert error_of(procedure).startswith(message)


@pytest.mark.parametrize("procedure", [None, 42, b"result = 1"])
def test_non_text_procedures(procedure: object) -> None:
    result = evaluate_composite(procedure, "comp", {})  # type: ignore[arg-type]
    assert result == CompositeResult(None, "the procedure must be text")


# --- limits: nothing hangs or exhausts memory ----------------------------------------------


@pytest.mark.parametrize(("procedure", "message"), [
    ("result = 10**10**10", "a power is too large"),
    ("result = 2 ** 5000", "a power is too large"),
    ("result = 9 ** 9 ** 9", "a power is too large"),
    ("x = 10 ** 300\nresult = x * x * x * x * x * x * x", "a number is larger than 2048 bits"),
    ("result = [0] * 10**9", "a repeated sequence would exceed 10000 items"),
    ("result = 'a' * 10**9", "a repeated sequence would exceed 100000 characters"),
    ("x = [0] * 10000\nresult = len(x + x)", "a list is longer than 10000 items"),
    ("x = 'a' * 100000\nresult = len(x + 'b')", "a string is longer than 100000 characters"),
    ("result = [[1]]", "lists of lists are not supported"),
    ("x, (y, z) = 1, (2, 3)", "lists of lists are not supported"),
    ("result = '%*d' % (10**9, 1)", "format widths and precisions must be numbers up to 999"),
    ("result = '%.5000f' % 1", "format widths and precisions must be numbers up to 999"),
    ("result = f'{a:>100000}'", "format widths and precisions must be numbers up to 999"),
    ("result = '%.0001000f' % 1", "format widths and precisions must be numbers up to 999"),
    ("result = '%.*f' % (2, 1)", "format widths and precisions must be numbers up to 999"),
    pytest.param("x = '%(' * 49000\nresult = x % 1", "TypeError: format requires a mapping",
                 id="percent-mapping-scan"),
    pytest.param("x = '%' + '0' * 99990\nresult = x % 1", "ValueError: incomplete format",
                 id="percent-zeros-scan"),
    pytest.param("result = len([stdev(xs) for i in xs])", "the procedure works on too much data",
                 id="statistics-loop"),
    pytest.param("result = len([sum(xs) for i in xs])", "the procedure works on too much data",
                 id="sum-loop"),
    pytest.param("result = len([xs == xs[:] for i in xs])", "the procedure works on too much data",
                 id="compare-loop"),
    ("result = round(10 ** 100, -10 ** 9)", "round() accepts at most 999 digits"),
    ("result = sum([[1], [2]], [])", "lists of lists are not supported"),
    ("result = sum(['a', 'b'])", "TypeError: sum() only adds numbers"),
    ("result = (-8.0) ** 0.5", "complex numbers are not supported"),
    ("result = 10.0 ** 400", "OverflowError"),
    ("result = math.exp(1000)", "OverflowError: math range error"),
    pytest.param("result = " + "(" * 250 + "1" + ")" * 250,
                 "SyntaxError: too many nested parentheses", id="parentheses"),
    pytest.param("result = " + "1 + " * 150 + "1", "line 1: the procedure is nested too deeply",
                 id="depth"),
    pytest.param("result = " + "1 + " * 3000 + "1", "the procedure is nested too deeply",
                 id="parser-depth"),
    pytest.param("result = " + "-" * 5000 + "1", "the procedure is nested too deeply",
                 id="unary-depth"),
    pytest.param("result = 1\n" * 10_000, "the procedure is longer than 20000 characters",
                 id="length"),
])
def test_limits(procedure: str, message: str) -> None:
    started = time.perf_counter()
    assert message in error_of(procedure, a=1, xs=[i + 0.5 for i in range(10_000)])
    assert time.perf_counter() - started < 5


def test_step_limit_stops_nested_comprehensions_quickly() -> None:
    started = time.perf_counter()
    procedure = "result = len([x for a in xs for b in xs for x in xs if x < 0])"
    assert "more than 100000 steps" in error_of(procedure, xs=list(range(1000)))
    assert time.perf_counter() - started < 5


def test_work_limit_stops_repeated_big_strings() -> None:
    procedure = "s = 'a' * 99999\nresult = len([s + 'b' for i in xs])"
    assert error_of(procedure, xs=list(range(10_000))) == "the procedure works on too much data"


@pytest.mark.parametrize(("procedure", "length"), [
    ("result = '%999d' % 1", 999), ("result = '%0999.2f' % 1", 999),
    ("result = '%.999f' % 1", 1001), ("result = f'{a:0>999}'", 999),
])
def test_widths_up_to_the_limit_are_fine(procedure: str, length: int) -> None:
    assert len(value_of(procedure, a=1)) == length  # type: ignore[arg-type]


def test_ten_thousand_items_are_fine() -> None:
    assert value_of("result = sum([x * 2 for x in xs])", xs=list(range(10_000))) == 99990000.0


@pytest.mark.parametrize(("procedure", "message"), [
    ("result = nope + 1", "NameError: name 'nope' is not defined"),
    ("result = 1 / 0", "ZeroDivisionError: division by zero"),
    ("result = 1 // 0", "ZeroDivisionError: integer division or modulo by zero"),
    ("result = 'a' + 1", 'TypeError: can only concatenate str (not "int") to str'),
    ("result = math.sqrt(-1)", "ValueError: math domain error"),
    ("result = math.log(0)", "ValueError: math domain error"),
    ("result = mean([])", "StatisticsError: mean requires at least one data point"),
    ("result = [1, 2][5]", "IndexError: list index out of range"),
    ("result = int('abc')", "ValueError: invalid literal for int() with base 10: 'abc'"),
    ("x, y = 1, 2, 3", "ValueError: too many values to unpack (expected 2)"),
    ("x, y, z = 1, 2", "ValueError: not enough values to unpack (expected 3, got 2)"),
    ("x, y = 1", "TypeError: cannot unpack non-iterable int object"),
    ("result = math.nothing", "AttributeError: module 'math' has no attribute 'nothing'"),
    ("result = a.real", "attributes may only be read from the math and statistics modules"),
    ("result = a(1)", "TypeError: 'int' object is not callable"),
    ("result = 5[0]", "TypeError: 'int' object is not subscriptable"),
    ("result = [x for x in 5]", "TypeError: 'int' object is not iterable"),
    ("result = math.pi()", "TypeError: 'float' object is not callable"),
])
def test_runtime_errors_read_like_python(procedure: str, message: str) -> None:
    assert error_of(procedure, a=1) == message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab01+-*/%()[]=<>., \n:'\"fimorstux_", max_size=80))
def test_never_raises_for_any_text(procedure: str) -> None:
    result = evaluate_composite(procedure, "comp", {"a": 1.0, "b": None})
    assert (result.value is None) or (result.error is None)


# --- dependencies and missing values --------------------------------------------------------


@pytest.mark.parametrize(("procedure", "expected"), [
    ("sum_of_two = number_1 + number_2", {"number_1", "number_2"}),
    ("x = a\nresult = x + b", {"a", "b"}),
    ("result = mean([r1, r2]) + math.sqrt(r3) + abs(r4)", {"r1", "r2", "r3", "r4"}),
    ("result = [v * k for v in vs if v > lim]", {"vs", "lim", "k"}),
    ("a = a * 2\nresult = a", {"a"}),
    ("total += 1\nresult = total", {"total"}),
    ("if c:\n    x = 1\nelse:\n    x = d\nresult = x", {"c", "d"}),
    ("import math as m\nfrom statistics import mean as avg\nresult = avg([m.pi, z])", {"z"}),
    ("result = 1", set()),
    ("import os\nresult = a", set()),
    ("result = (", set()),
])
def test_dependencies(procedure: str, expected: set[str]) -> None:
    assert dependencies(procedure) == expected


def test_a_skipped_dependency_makes_the_value_null_without_error() -> None:
    result = evaluate_composite("sum_of_two = number_1 + number_2", "sum_of_two",
                                {"number_1": 1.0, "number_2": None})
    assert result == CompositeResult(None, None, ("number_2",))


def test_every_missing_dependency_is_named_in_order() -> None:
    result = evaluate_composite("result = z + a + m", "comp", {"z": None, "a": None, "m": 1})
    assert result.missing == ("a", "z")


def test_missing_dependency_counts_even_in_an_untaken_branch() -> None:
    procedure = "if a > 0:\n    result = a\nelse:\n    result = b"
    assert evaluate_composite(procedure, "c", {"a": 1, "b": None}).missing == ("b",)


def test_null_values_that_are_not_read_do_not_matter() -> None:
    assert value_of("result = a * 2", a=2, other=None) == 4.0


def test_a_value_the_language_cannot_hold_counts_as_missing() -> None:
    result = evaluate_composite("result = a", "c", {"a": {"filename": "x.txt"}})
    assert result.missing == ("a",)


# --- evaluate_all: composites of composites --------------------------------------------------


def test_chained_composites_in_dependency_order() -> None:
    composites = {
        "total": "total = double + single",
        "double": "double = single * 2",
        "single": "single = a + b",
        "label": "result = 'high' if total > 10 else 'low'",
    }
    results = evaluate_all(composites, {"a": 1.0, "b": 2.0})
    assert list(results) == ["total", "double", "single", "label"]
    assert {slug: r.value for slug, r in results.items()} == {
        "total": 9.0, "double": 6.0, "single": 3.0, "label": "low"}


def test_cycles_are_errors_and_poison_only_their_dependants() -> None:
    composites = {
        "x": "x = y + 1", "y": "y = x + 1", "me": "me = me + 1",
        "after": "after = x * 2", "fine": "fine = a",
    }
    results = evaluate_all(composites, {"a": 4.0})
    assert results["x"] == results["y"] == results["me"] == CompositeResult(None, CYCLE_ERROR)
    assert results["after"] == CompositeResult(None, None, ("x",))
    assert results["fine"] == CompositeResult(4.0)


def test_an_erroring_composite_leaves_dependants_null() -> None:
    results = evaluate_all({"bad": "bad = 1 / 0", "next": "next = bad + 1"}, {})
    assert results["bad"].error == "ZeroDivisionError: division by zero"
    assert results["next"] == CompositeResult(None, None, ("bad",))


def test_computed_values_replace_submitted_ones() -> None:
    results = evaluate_all({"c": "c = a + 1", "d": "d = c"}, {"a": 1.0, "c": 100.0})
    assert results["d"].value == 2.0


def test_skipped_input_propagates_through_a_chain() -> None:
    results = evaluate_all({"c": "c = a + 1", "d": "d = c * 2"}, {"a": None})
    assert results["c"].missing == ("a",) and results["d"].missing == ("c",)
    assert all(r.error is None and r.value is None for r in results.values())
