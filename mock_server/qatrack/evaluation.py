"""Test evaluation: stored values, pass/fail, displays and status (QT-12).

Pure functions over plain dataclasses: the mock maps its rows into
``TestSpec``, ``Reference`` and ``Tolerance`` and gets back an ``Outcome``
whose ``as_fields()`` are the computed keys of a test in a test list instance.
Every rule follows ``shared/reference/qatrack.md`` (QATrack+ 3.1.1):

- Codes and labels: "``not_done`` "Not Done", ``ok`` "OK", ``tolerance``
  "Tolerance", ``action`` "Action", ``no_tol`` "No Tol Set"" (``PASS_FAIL_LABELS``);
  the API sends the pair (``["no_tol", "No Tol Set"]``, as in the guide).
- Order: "Skipped or empty while in progress: ``not_done``. No reference or
  tolerance: ``no_tol``." Numeric types (simple, composite, constant) need a
  reference *and* an absolute or percentage tolerance; booleans only a
  reference ("Boolean with a reference"); multiple choice only a
  multiple-choice tolerance (its limits are choices, not offsets from a
  reference). String, string composite, upload, date and date-time tests have
  no tolerances: ``no_tol``. Outside an in-progress list an empty value falls
  through those rules: ``no_tol`` without limits, ``not_done`` with them (the
  real server never stores one: it answers "Missing data for tests").
- Numeric: "diff = value - reference (absolute tolerance) or 100 * (value -
  reference) / reference (percentage); outside the action limits ``action``,
  outside the tolerance limits ``tolerance``, else ``ok``; a value on a limit
  (equal to 7 significant figures) counts as inside; a missing limit is
  unbounded." ``almost_equal`` is the 7-significant-figure comparison
  (numpy's ``assert_approx_equal`` rule, which QATrack+ copies).
- Zero reference with a percentage tolerance: "``Zero ref with % diff tol``
  for a zero reference" in ``diff_display``. The real server cannot judge it
  (its admin refuses that pairing and the percent difference divides by
  zero); we answer ``no_tol``: no limit can be applied.
- Boolean: "any difference is ``action`` (or ``tolerance`` when the tolerance
  is warning-only)". Multiple choice: "the value must be in the tolerance's
  pass list, else in its tolerance list, else ``action``."
- ``diff_display``: "``%.4g`` (plus ``%`` for percentage) ... empty for
  non-numeric", and empty when there is no reference and tolerance (the
  guide's ``no_tol`` tests show ``''``).
- ``value_display``: "``Skipped``, ``Not Done``, ``Yes``/``No``, dates as ``03
  May 2024``, numbers as ``%.4g`` unless the test sets a format". A format
  with ``{`` is applied with ``str.format``, any other with ``%``; one that
  fails (or has no placeholder) falls back to ``%.4g``. Multiple choice shows
  the choice's text, strings and uploads their text, date-times
  ``03 May 2024 14:05``; an empty string is ``Not Done``.
- Stored values: numbers as floats (the guide echoes ``'value': 1.0``),
  ``string_value`` ``''`` unless the test is a string type; booleans 1.0/0.0;
  multiple choice stores the 0-based index of the choice (it may be sent as
  the text or the index); constants store the test's constant; skipped tests
  store nothing.
- Status: new test instances take the default status, ``Unreviewed`` (pk 1,
  linked as "relative paths (``/api/qc/testinstances/1/``)", so
  ``/api/qc/testinstancestatus/1/``). Auto-review rules, when the mock has
  them, map a pass/fail code to a status; otherwise the default applies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeGuard

NOT_DONE, OK, TOLERANCE, ACTION, NO_TOL = "not_done", "ok", "tolerance", "action", "no_tol"
PASS_FAIL_LABELS: Mapping[str, str] = {
    NOT_DONE: "Not Done", OK: "OK", TOLERANCE: "Tolerance", ACTION: "Action",
    NO_TOL: "No Tol Set",
}
SIMPLE, COMPOSITE, CONSTANT, BOOLEAN = "simple", "composite", "constant", "boolean"
MULTIPLE_CHOICE, STRING, STRING_COMPOSITE = "multchoice", "string", "scomposite"
UPLOAD, DATE, DATETIME = "upload", "date", "datetime"
NUMERICAL_TYPES = frozenset({SIMPLE, COMPOSITE, CONSTANT})
STRING_TYPES = frozenset({STRING, STRING_COMPOSITE, UPLOAD})
CALCULATED_TYPES = frozenset({COMPOSITE, STRING_COMPOSITE})
TEST_TYPES = NUMERICAL_TYPES | STRING_TYPES | {BOOLEAN, MULTIPLE_CHOICE, DATE, DATETIME}
ABSOLUTE, PERCENT, MC_TOLERANCE = "absolute", "percent", "multchoice"
ZERO_REF = "Zero ref with % diff tol"
SIGNIFICANT = 7
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class TestSpec:
    __test__ = False  # not a pytest test class

    type: str = SIMPLE
    formatting: str = ""
    choices: tuple[str, ...] = ()
    constant_value: float | None = None
    slug: str = ""


@dataclass(frozen=True)
class Reference:
    value: float


@dataclass(frozen=True)
class Tolerance:
    type: str = ABSOLUTE
    act_low: float | None = None
    tol_low: float | None = None
    tol_high: float | None = None
    act_high: float | None = None
    mc_pass_choices: tuple[str, ...] = ()
    mc_tol_choices: tuple[str, ...] = ()
    bool_warning_only: bool = False


@dataclass(frozen=True)
class Stored:
    """What a test instance row holds."""

    value: float | None = None
    string_value: str = ""
    date_value: date | None = None
    datetime_value: datetime | None = None


@dataclass(frozen=True)
class Status:
    pk: int
    name: str
    slug: str
    is_default: bool = False
    requires_review: bool = True
    valid: bool = True


UNREVIEWED = Status(1, "Unreviewed", "unreviewed", is_default=True)


@dataclass(frozen=True)
class Outcome:
    stored: Stored
    skipped: bool
    value_display: str
    diff_display: str
    pass_fail: str

    @property
    def pass_fail_pair(self) -> list[str]:
        return [self.pass_fail, PASS_FAIL_LABELS[self.pass_fail]]

    def as_fields(self) -> dict[str, Any]:
        """The computed keys, in the order the server writes them."""
        stored = self.stored
        return {
            "value": stored.value,
            "string_value": stored.string_value,
            "date_value": stored.date_value.isoformat() if stored.date_value else None,
            "datetime_value": stored.datetime_value.isoformat() if stored.datetime_value else None,
            "value_display": self.value_display,
            "diff_display": self.diff_display,
            "pass_fail": self.pass_fail_pair,
            "skipped": self.skipped,
        }


def evaluate(
    test: TestSpec,
    raw: object,
    *,
    skipped: bool = False,
    in_progress: bool = False,
    reference: Reference | None = None,
    tolerance: Tolerance | None = None,
) -> Outcome:
    """Store ``raw`` (raises ValueError when ``value_type_ok`` is False) and judge it."""
    stored = store(test, raw, skipped=skipped)
    return Outcome(
        stored=stored,
        skipped=skipped,
        value_display=value_display(test, stored, skipped=skipped),
        diff_display=diff_display(test, stored, reference, tolerance),
        pass_fail=pass_fail(
            test, stored, skipped=skipped, in_progress=in_progress,
            reference=reference, tolerance=tolerance,
        ),
    )


def split_choices(text: str | None) -> tuple[str, ...]:
    """``"Yes, No ,Maybe"`` -> ``("Yes", "No", "Maybe")``: how choices are stored."""
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


def value_type_ok(test: TestSpec, raw: object) -> bool:
    """False for "Wrong value type (number/string)"; ``None`` (no value) is fine."""
    try:
        store(test, raw)
    except ValueError:
        return False
    return True


def constant_ok(test: TestSpec, raw: object) -> bool:
    """False for "Incorrect constant value passed for <slug>"."""
    if raw is None:
        return True
    return _is_number(raw) and almost_equal(float(raw), test.constant_value)


def store(test: TestSpec, raw: object, *, skipped: bool = False) -> Stored:
    if skipped:
        return Stored()
    if test.type == CONSTANT:
        return Stored(value=test.constant_value)
    if raw is None:
        return Stored()
    if test.type in NUMERICAL_TYPES and _is_number(raw):
        return Stored(value=float(raw))
    if test.type == BOOLEAN and (isinstance(raw, bool) or raw in (0, 1)):
        return Stored(value=float(bool(raw)))
    if test.type == MULTIPLE_CHOICE:
        return Stored(value=float(_choice_index(test, raw)))
    if test.type in STRING_TYPES and isinstance(raw, str):
        return Stored(string_value=raw)
    if test.type in (DATE, DATETIME):
        return _store_date(test.type, raw)
    raise ValueError(f"wrong value type for a {test.type} test: {raw!r}")


def _is_number(raw: object) -> TypeGuard[int | float]:
    return isinstance(raw, int | float) and math.isfinite(raw)


def _choice_index(test: TestSpec, raw: object) -> int:
    if isinstance(raw, str) and raw in test.choices:
        return test.choices.index(raw)
    if _is_number(raw) and float(raw).is_integer() and 0 <= raw < len(test.choices):
        return int(raw)
    raise ValueError(f"{raw!r} is not one of the choices {list(test.choices)}")


def _store_date(kind: str, raw: object) -> Stored:
    try:
        if kind == DATE:
            value = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
            if not isinstance(value, datetime):
                return Stored(date_value=value)
        else:
            when = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
            return Stored(datetime_value=when)
    except ValueError:
        pass
    raise ValueError(f"{raw!r} is not a {kind}")


def is_empty(test: TestSpec, stored: Stored) -> bool:
    if test.type in STRING_TYPES:
        return not stored.string_value
    if test.type == DATE:
        return stored.date_value is None
    if test.type == DATETIME:
        return stored.datetime_value is None
    return stored.value is None


def pass_fail(
    test: TestSpec,
    stored: Stored,
    *,
    skipped: bool = False,
    in_progress: bool = False,
    reference: Reference | None = None,
    tolerance: Tolerance | None = None,
) -> str:
    """One of NOT_DONE, OK, TOLERANCE, ACTION, NO_TOL."""
    if skipped or (in_progress and is_empty(test, stored)):
        return NOT_DONE
    if test.type == BOOLEAN:
        return _boolean(stored.value, reference, tolerance)
    if test.type == MULTIPLE_CHOICE:
        return _multiple_choice(test, stored.value, tolerance)
    if test.type in NUMERICAL_TYPES:
        return _numeric(stored.value, reference, tolerance)
    return NO_TOL


def _boolean(value: float | None, reference: Reference | None, tolerance: Tolerance | None) -> str:
    if reference is None:
        return NO_TOL
    if value is None:
        return NOT_DONE
    if value - reference.value == 0:
        return OK
    return TOLERANCE if tolerance is not None and tolerance.bool_warning_only else ACTION


def _multiple_choice(test: TestSpec, value: float | None, tolerance: Tolerance | None) -> str:
    if tolerance is None or tolerance.type != MC_TOLERANCE:
        return NO_TOL
    if value is None:
        return NOT_DONE
    choice = test.choices[int(value)]
    if choice in tolerance.mc_pass_choices:
        return OK
    return TOLERANCE if choice in tolerance.mc_tol_choices else ACTION


def _numeric(value: float | None, reference: Reference | None, tolerance: Tolerance | None) -> str:
    if reference is None or tolerance is None or tolerance.type not in (ABSOLUTE, PERCENT):
        return NO_TOL
    if value is None:
        return NOT_DONE
    diff = difference(value, reference, tolerance)
    if diff is None:
        return NO_TOL
    if _outside(diff, tolerance.act_low, tolerance.act_high):
        return ACTION
    if _outside(diff, tolerance.tol_low, tolerance.tol_high):
        return TOLERANCE
    return OK


def _outside(diff: float, low: float | None, high: float | None) -> bool:
    below = low is not None and diff < low and not almost_equal(diff, low)
    above = high is not None and diff > high and not almost_equal(diff, high)
    return below or above


def difference(value: float, reference: Reference, tolerance: Tolerance) -> float | None:
    """value - reference, or the percent difference; None for a zero reference in percent."""
    if tolerance.type != PERCENT:
        return value - reference.value
    if reference.value == 0:
        return None
    return 100.0 * (value - reference.value) / reference.value


def almost_equal(a: float | None, b: float | None, significant: int = SIGNIFICANT) -> bool:
    """Equal to ``significant`` figures (numpy's ``assert_approx_equal`` rule)."""
    if a is None or b is None:
        return False
    a, b = float(a), float(b)
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    scale = 10.0 ** math.floor(math.log10(0.5 * (abs(a) + abs(b))))
    return abs(a / scale - b / scale) < 10.0 ** -(significant - 1)


def diff_display(
    test: TestSpec, stored: Stored, reference: Reference | None, tolerance: Tolerance | None
) -> str:
    if test.type not in NUMERICAL_TYPES or stored.value is None or reference is None:
        return ""
    if tolerance is None or tolerance.type not in (ABSOLUTE, PERCENT):
        return ""
    diff = difference(stored.value, reference, tolerance)
    if diff is None:
        return ZERO_REF
    return "%.4g%s" % (diff, "%" if tolerance.type == PERCENT else "")  # noqa: UP031


def value_display(test: TestSpec, stored: Stored, *, skipped: bool = False) -> str:
    if skipped:
        return "Skipped"
    if is_empty(test, stored):
        return "Not Done"
    if test.type in STRING_TYPES:
        return stored.string_value
    if stored.date_value is not None:
        return format_date(stored.date_value)
    if stored.datetime_value is not None:
        return f"{format_date(stored.datetime_value)} {stored.datetime_value:%H:%M}"
    value = stored.value or 0.0  # never None here: is_empty said so
    if test.type == BOOLEAN:
        return "Yes" if value == 1 else "No"
    if test.type == MULTIPLE_CHOICE:
        return test.choices[int(value)]
    return format_value(value, test.formatting)


def format_date(day: date) -> str:
    """``03 May 2024`` whatever the process locale."""
    return f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}"


def format_value(value: float, formatting: str = "") -> str:
    """The test's format (``str.format`` when it has ``{``, else ``%``), else ``%.4g``."""
    if formatting:
        try:
            text = formatting.format(value) if "{" in formatting else formatting % value
        except (TypeError, ValueError, KeyError, IndexError):
            text = ""
        if text:
            return text
    return "%.4g" % value  # noqa: UP031


def default_status(statuses: Iterable[Status] = ()) -> Status:
    """The status marked default, else ``Unreviewed``."""
    return next((status for status in statuses if status.is_default), UNREVIEWED)


def initial_status(
    code: str, default: Status = UNREVIEWED, autoreview: Mapping[str, Status] | None = None
) -> Status:
    """The status a new test instance gets for pass/fail ``code``."""
    return (autoreview or {}).get(code, default)


def status_path(status: Status, root: str = "/api/qc/") -> str:
    return f"{root}testinstancestatus/{status.pk}/"
