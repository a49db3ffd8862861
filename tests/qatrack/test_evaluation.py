"""Test evaluation (QT-12): pass/fail, diff and value displays, stored values, status."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from apidouble.mock_server.qatrack.evaluation import (
    ABSOLUTE,
    ACTION,
    BOOLEAN,
    COMPOSITE,
    CONSTANT,
    DATE,
    DATETIME,
    MC_TOLERANCE,
    MULTIPLE_CHOICE,
    NO_TOL,
    NOT_DONE,
    OK,
    PASS_FAIL_LABELS,
    PERCENT,
    SIMPLE,
    STRING,
    STRING_COMPOSITE,
    TOLERANCE,
    UNREVIEWED,
    UPLOAD,
    Reference,
    Status,
    Stored,
    TestSpec,
    Tolerance,
    almost_equal,
    constant_ok,
    default_status,
    diff_display,
    evaluate,
    format_value,
    initial_status,
    split_choices,
    status_path,
    value_display,
    value_type_ok,
)

NUMBER = TestSpec(SIMPLE)
ABS = Tolerance(ABSOLUTE, act_low=-2, tol_low=-1, tol_high=1, act_high=2)
PCT = Tolerance(PERCENT, act_low=-3, tol_low=-2, tol_high=2, act_high=3)
CHOICES = TestSpec(MULTIPLE_CHOICE, choices=("Pass", "Marginal", "Fail", "Unknown"))
MC_TOL = Tolerance(MC_TOLERANCE, mc_pass_choices=("Pass",), mc_tol_choices=("Marginal",))


def code(test: TestSpec, raw: object, **kwargs: object) -> str:
    return evaluate(test, raw, **kwargs).pass_fail  # type: ignore[arg-type]


def test_labels_are_the_servers() -> None:
    assert dict(PASS_FAIL_LABELS) == {
        "not_done": "Not Done", "ok": "OK", "tolerance": "Tolerance", "action": "Action",
        "no_tol": "No Tol Set",
    }


def test_guide_example_numbers_without_reference() -> None:
    fields = evaluate(NUMBER, 1).as_fields()
    assert fields == {
        "value": 1.0, "string_value": "", "date_value": None, "datetime_value": None,
        "value_display": "1", "diff_display": "", "pass_fail": ["no_tol", "No Tol Set"],
        "skipped": False,
    }
    assert list(fields) == ["value", "string_value", "date_value", "datetime_value",
                            "value_display", "diff_display", "pass_fail", "skipped"]


def test_guide_example_composite_sum() -> None:
    outcome = evaluate(TestSpec(COMPOSITE), 3.0)
    assert (outcome.stored.value, outcome.value_display, outcome.pass_fail_pair) == (
        3.0, "3", ["no_tol", "No Tol Set"])


# --- absolute and percentage tolerances ----------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (100, OK), (101, OK), (99, OK),  # on the tolerance limits: inside
    (101.0000001, OK), (98.9999999, OK),  # equal to 7 significant figures
    (101.00001, TOLERANCE), (98.99999, TOLERANCE),
    (101.5, TOLERANCE), (102, TOLERANCE), (98, TOLERANCE),  # on the action limits: inside
    (102.0000001, TOLERANCE), (97.9999999, TOLERANCE),
    (102.00001, ACTION), (97.99999, ACTION), (150, ACTION), (-1e9, ACTION),
])
def test_absolute_tolerance(value: float, expected: str) -> None:
    assert code(NUMBER, value, reference=Reference(100), tolerance=ABS) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (50, OK), (51, OK), (49, OK),  # 2% is the tolerance limit
    (51.0000001, OK), (51.00001, TOLERANCE), (51.5, TOLERANCE),
    (51.5000001, TOLERANCE), (51.50001, ACTION), (48.5, TOLERANCE), (48.49999, ACTION),
])
def test_percentage_tolerance(value: float, expected: str) -> None:
    assert code(NUMBER, value, reference=Reference(50), tolerance=PCT) == expected


def test_percentage_of_a_negative_reference_divides_by_the_reference() -> None:
    outcome = evaluate(NUMBER, -11, reference=Reference(-10), tolerance=PCT)
    assert outcome.diff_display == "10%"
    assert outcome.pass_fail == ACTION


def test_percentage_with_zero_reference() -> None:
    outcome = evaluate(NUMBER, 1, reference=Reference(0), tolerance=PCT)
    assert outcome.diff_display == "Zero ref with % diff tol"
    assert outcome.pass_fail == NO_TOL


def test_zero_reference_is_fine_with_absolute_tolerance() -> None:
    outcome = evaluate(NUMBER, 0.5, reference=Reference(0), tolerance=ABS)
    assert (outcome.diff_display, outcome.pass_fail) == ("0.5", OK)


@pytest.mark.parametrize(("tolerance", "value", "expected"), [
    (Tolerance(ABSOLUTE, tol_high=1, act_high=2), -1e6, OK),  # no low limits: unbounded
    (Tolerance(ABSOLUTE, tol_high=1, act_high=2), 3, ACTION),
    (Tolerance(ABSOLUTE, act_low=-2, act_high=2), 1.9, OK),  # no tolerance limits
    (Tolerance(ABSOLUTE, tol_low=-1, tol_high=1), 50, TOLERANCE),  # no action limits
    (Tolerance(ABSOLUTE), 1e9, OK),
    (Tolerance(ABSOLUTE, act_low=0, tol_low=0, tol_high=0, act_high=0), 0, OK),
    (Tolerance(ABSOLUTE, act_low=0, tol_low=0, tol_high=0, act_high=0), 1e-9, ACTION),
    (Tolerance(ABSOLUTE, tol_low=-1, tol_high=1, act_low=-1, act_high=1), 1, OK),
])
def test_missing_limits_are_unbounded(tolerance: Tolerance, value: float, expected: str) -> None:
    assert code(NUMBER, value, reference=Reference(0), tolerance=tolerance) == expected


@pytest.mark.parametrize(("reference", "tolerance"), [
    (None, ABS), (Reference(1), None), (None, None), (Reference(1), MC_TOL),
])
def test_numbers_need_a_reference_and_a_numeric_tolerance(
    reference: Reference | None, tolerance: Tolerance | None
) -> None:
    outcome = evaluate(NUMBER, 5, reference=reference, tolerance=tolerance)
    assert (outcome.pass_fail, outcome.diff_display) == (NO_TOL, "")


@pytest.mark.parametrize(("value", "reference", "tolerance", "expected"), [
    (100.123456, 100, ABS, "0.1235"),
    (112345.6, 100000, ABS, "1.235e+04"),
    (99, 100, ABS, "-1"),
    (100, 100, ABS, "0"),
    (100.00001, 100, ABS, "1e-05"),
    (51, 50, PCT, "2%"),
    (50.123456, 50, PCT, "0.2469%"),
    (40, 50, PCT, "-20%"),
])
def test_diff_display_is_four_significant_figures(
    value: float, reference: float, tolerance: Tolerance, expected: str
) -> None:
    assert evaluate(NUMBER, value, reference=Reference(reference),
                    tolerance=tolerance).diff_display == expected


def test_constants_are_numeric_tests() -> None:
    test = TestSpec(CONSTANT, constant_value=2.5)
    outcome = evaluate(test, None, reference=Reference(2.5), tolerance=ABS)
    assert (outcome.stored.value, outcome.value_display, outcome.pass_fail) == (2.5, "2.5", OK)
    assert constant_ok(test, 2.5) and constant_ok(test, 2.50000001) and constant_ok(test, None)
    assert not constant_ok(test, 2.6) and not constant_ok(test, "2.5")


# --- boolean and multiple choice ---------------------------------------------------------


@pytest.mark.parametrize(("raw", "reference", "tolerance", "expected", "display"), [
    (True, 1, None, OK, "Yes"),
    (1, 1, None, OK, "Yes"),
    (False, 1, None, ACTION, "No"),
    (0, 0, None, OK, "No"),
    (True, 0, None, ACTION, "Yes"),
    (False, 1, Tolerance(ABSOLUTE, bool_warning_only=True), TOLERANCE, "No"),
    (True, 1, Tolerance(ABSOLUTE, bool_warning_only=True), OK, "Yes"),
    (False, None, None, NO_TOL, "No"),
    (True, None, Tolerance(ABSOLUTE, bool_warning_only=True), NO_TOL, "Yes"),
])
def test_boolean(raw: object, reference: float | None, tolerance: Tolerance | None,
                 expected: str, display: str) -> None:
    ref = None if reference is None else Reference(reference)
    outcome = evaluate(TestSpec(BOOLEAN), raw, reference=ref, tolerance=tolerance)
    assert (outcome.pass_fail, outcome.value_display, outcome.diff_display) == (
        expected, display, "")
    assert outcome.stored.value == float(bool(raw))


@pytest.mark.parametrize(("raw", "expected", "index"), [
    ("Pass", OK, 0), (0, OK, 0), ("Marginal", TOLERANCE, 1), (1.0, TOLERANCE, 1),
    ("Fail", ACTION, 2), ("Unknown", ACTION, 3),
])
def test_multiple_choice(raw: object, expected: str, index: int) -> None:
    outcome = evaluate(CHOICES, raw, tolerance=MC_TOL)
    assert outcome.pass_fail == expected
    assert outcome.stored == Stored(value=float(index))
    assert outcome.value_display == CHOICES.choices[index]
    assert outcome.diff_display == ""


def test_multiple_choice_without_a_choice_tolerance_is_no_tol() -> None:
    assert code(CHOICES, "Fail") == NO_TOL
    assert code(CHOICES, "Fail", tolerance=ABS) == NO_TOL


def test_multiple_choice_ignores_the_reference() -> None:
    assert code(CHOICES, "Pass", reference=Reference(7), tolerance=MC_TOL) == OK


def test_split_choices() -> None:
    assert split_choices(" Pass, Marginal ,,Fail ") == ("Pass", "Marginal", "Fail")
    assert split_choices(None) == ()


# --- strings, uploads, dates --------------------------------------------------------------


@pytest.mark.parametrize("kind", [STRING, STRING_COMPOSITE, UPLOAD])
def test_string_types(kind: str) -> None:
    outcome = evaluate(TestSpec(kind), "serial 1234", reference=Reference(1), tolerance=ABS)
    assert outcome.stored == Stored(string_value="serial 1234")
    assert (outcome.value_display, outcome.diff_display, outcome.pass_fail) == (
        "serial 1234", "", NO_TOL)


@pytest.mark.parametrize("raw", [date(2024, 5, 3), "2024-05-03"])
def test_date(raw: object) -> None:
    outcome = evaluate(TestSpec(DATE), raw)
    assert outcome.stored == Stored(date_value=date(2024, 5, 3))
    assert (outcome.value_display, outcome.pass_fail) == ("03 May 2024", NO_TOL)
    assert outcome.as_fields()["date_value"] == "2024-05-03"


def test_datetime() -> None:
    moment = datetime(2024, 12, 9, 14, 5, tzinfo=timezone(timedelta(hours=-5)))
    outcome = evaluate(TestSpec(DATETIME), moment)
    assert outcome.value_display == "09 Dec 2024 14:05"
    assert outcome.as_fields()["datetime_value"] == "2024-12-09T14:05:00-05:00"
    assert evaluate(TestSpec(DATETIME), "2024-01-02T03:04").value_display == "02 Jan 2024 03:04"


# --- skipped, not done, in progress -------------------------------------------------------


@pytest.mark.parametrize("test", [NUMBER, TestSpec(BOOLEAN), CHOICES, TestSpec(STRING),
                                  TestSpec(CONSTANT, constant_value=1), TestSpec(DATE)])
def test_skipped(test: TestSpec) -> None:
    outcome = evaluate(test, None, skipped=True, reference=Reference(1), tolerance=ABS)
    assert outcome.stored == Stored()
    assert (outcome.value_display, outcome.diff_display, outcome.pass_fail_pair) == (
        "Skipped", "", ["not_done", "Not Done"])
    assert outcome.as_fields()["skipped"] is True


def test_a_value_sent_with_skipped_is_dropped() -> None:
    assert evaluate(NUMBER, 5, skipped=True).stored.value is None


@pytest.mark.parametrize(("test", "raw"), [
    (NUMBER, None), (TestSpec(STRING), ""), (TestSpec(STRING), None), (CHOICES, None),
    (TestSpec(BOOLEAN), None), (TestSpec(DATETIME), None),
])
def test_empty_while_in_progress_is_not_done(test: TestSpec, raw: object) -> None:
    outcome = evaluate(test, raw, in_progress=True, reference=Reference(1), tolerance=MC_TOL)
    assert (outcome.pass_fail, outcome.value_display, outcome.diff_display) == (
        NOT_DONE, "Not Done", "")


def test_in_progress_with_a_value_is_judged() -> None:
    assert code(NUMBER, 100, in_progress=True, reference=Reference(100), tolerance=ABS) == OK


def test_empty_outside_progress() -> None:
    assert code(NUMBER, None, reference=Reference(1), tolerance=ABS) == NOT_DONE
    assert code(NUMBER, None) == NO_TOL
    assert code(TestSpec(STRING), "") == NO_TOL


# --- value display and formatting --------------------------------------------------------


@pytest.mark.parametrize(("value", "formatting", "expected"), [
    (1.0, "", "1"), (2.0, "", "2"), (0.1 + 0.2, "", "0.3"), (123456.0, "", "1.235e+05"),
    (0.000123456, "", "0.0001235"), (-3.14159, "", "-3.142"), (100.0, "", "100"),
    (1.23456, "%.2f", "1.23"), (1.23456, "%.3e", "1.235e+00"), (1.23456, "{:.1f}", "1.2"),
    (1.5, "{:.0%}", "150%"), (7.0, "%d mm", "7 mm"), (7.0, "%d%%", "7%"), (1.5, "%q", "1.5"),
    (1.5, "{:z}", "1.5"), (1.5, "plain", "1.5"),
    (1.5, "{0} {1}", "1.5"), (1.5, "{x}", "1.5"),
])
def test_format_value(value: float, formatting: str, expected: str) -> None:
    assert format_value(value, formatting) == expected


def test_value_display_uses_the_tests_format() -> None:
    assert evaluate(TestSpec(SIMPLE, formatting="%.3f"), 2).value_display == "2.000"


def test_value_display_for_a_stored_row() -> None:
    assert value_display(CHOICES, Stored(value=2.0)) == "Fail"
    assert value_display(NUMBER, Stored()) == "Not Done"
    assert diff_display(NUMBER, Stored(value=3.0), Reference(1), ABS) == "2"


# --- value types ---------------------------------------------------------------------------


@pytest.mark.parametrize(("test", "raw", "ok"), [
    (NUMBER, 1, True), (NUMBER, 1.5, True), (NUMBER, None, True), (NUMBER, "1", False),
    (NUMBER, float("nan"), False), (NUMBER, [1], False), (TestSpec(COMPOSITE), "x", False),
    (TestSpec(STRING), "x", True), (TestSpec(STRING), 1, False),
    (TestSpec(STRING_COMPOSITE), 2.0, False), (TestSpec(BOOLEAN), True, True),
    (TestSpec(BOOLEAN), 2, False), (TestSpec(BOOLEAN), "yes", False), (CHOICES, "Pass", True),
    (CHOICES, "pass", False), (CHOICES, 3, True), (CHOICES, 4, False), (CHOICES, 1.5, False),
    (TestSpec(DATE), "2024-02-30", False), (TestSpec(DATE), datetime(2024, 1, 1), False),
    (TestSpec(DATETIME), "soon", False), (TestSpec(CONSTANT, constant_value=1), "x", True),
    (TestSpec("wraparound"), 1, False),
])
def test_value_type_ok(test: TestSpec, raw: object, ok: bool) -> None:
    assert value_type_ok(test, raw) is ok


def test_evaluate_refuses_a_wrong_type() -> None:
    with pytest.raises(ValueError, match="wrong value type for a simple test"):
        evaluate(NUMBER, "abc")


# --- the 7-significant-figure comparison -------------------------------------------------


@pytest.mark.parametrize(("a", "b", "equal"), [
    (1.0, 1.0000001, True), (1.0, 1.000002, False), (1e-9, 1.0000001e-9, True),
    (123456.7, 123456.75, True), (123456.7, 123456.9, False), (0.0, 0.0, True),
    (0.0, 1e-300, False), (-2.0, -2.0000001, True), (-1.0, 1.0, False),
    (None, 1.0, False), (float("inf"), float("inf"), True), (float("nan"), 1.0, False),
])
def test_almost_equal(a: float | None, b: float, equal: bool) -> None:
    assert almost_equal(a, b) is equal


# --- status --------------------------------------------------------------------------------


def test_default_status_is_unreviewed() -> None:
    assert Status(1, "Unreviewed", "unreviewed", is_default=True) == UNREVIEWED
    assert initial_status(OK) is UNREVIEWED
    assert status_path(UNREVIEWED) == "/api/qc/testinstancestatus/1/"
    assert status_path(UNREVIEWED, root="/api/qa/") == "/api/qa/testinstancestatus/1/"


def test_statuses_and_autoreview() -> None:
    approved = Status(2, "Approved", "approved", requires_review=False)
    custom = Status(3, "New", "new", is_default=True)
    assert default_status([approved, custom]) is custom
    assert default_status([approved]) is UNREVIEWED
    rules = {OK: approved}
    assert initial_status(OK, custom, rules) is approved
    assert initial_status(ACTION, custom, rules) is custom
