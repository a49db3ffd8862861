"""Stages 2 to 6 of performing a test list, in the real server's order; each stage
that fails answers 400 ``{"non_field_errors": [...]}`` and stops (QT-13..QT-15).

2 cycle day, 3 constants, 4 uploads, 5 composites (``calculation.py``), 6 the
joined messages (missing data, wrong types, calculated values given, times).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import calculation
from . import evaluation as ev
from .deviations import deviation_on
from .drf_fields import MISSING, TRUE_VALUES
from .errors import non_field
from .perform_context import Collection, Item

NEEDS_DAY = "You must include the 'day' key when performing a Test List Cycle"
INVALID_PROCEDURE = "Invalid Test Procedure: "
BAD_BASE64 = "base64 encoding requested but content does not appear to be base64"


@dataclass(frozen=True)
class Entry:
    present: bool
    value: Any = None
    skipped: bool = False
    comment: str = ""
    filename: Any = None
    encoding: str = "text"
    has_value_key: bool = False


@dataclass(frozen=True)
class Checked:
    item: Item
    entry: Entry
    raw: Any  # what is stored and judged (a composite's computed result)
    upload: tuple[str, bytes] | None = None


def entry_of(raw: Any) -> Entry:
    if not isinstance(raw, dict):
        return Entry(True, raw, has_value_key=True)
    skipped = _truthy(raw.get("skipped", False))
    comment = raw.get("comment")
    encoding = raw.get("encoding", "text")
    return Entry(True, raw.get("value"), skipped,
                 "" if comment is None else str(comment), raw.get("filename"),
                 encoding if isinstance(encoding, str) else "text", "value" in raw)


def _truthy(value: Any) -> bool:
    try:
        return value in TRUE_VALUES
    except TypeError:
        return bool(value)


def check_day(collection: Collection, day: Any) -> int:
    """Stage 2: the day of a cycle (0-based); a plain test list ignores ``day``."""
    if not collection.is_cycle:
        return 0
    if day is MISSING:
        raise non_field(NEEDS_DAY)
    last = len(collection.cycle_lists) - 1
    if deviation_on("QT-13"):
        return min(max(int(day), 0), last)
    if not 0 <= day <= last:
        raise non_field(f"'{day}' is not a valid day for this Test Collection.  "
                        f"Day must be between 0 & {last}")
    return int(day)


def check_tests(items: list[Item], tests: dict[str, Any], *, in_progress: bool,
                started: datetime, completed: datetime) -> list[Checked]:
    entries = {item.slug: entry_of(tests[item.slug]) if item.slug in tests else Entry(False)
               for item in items}
    for item in items:  # stage 3
        entry = entries[item.slug]
        if (item.spec.type == ev.CONSTANT and not entry.skipped and entry.value is not None
                and not ev.constant_ok(item.spec, entry.value)):
            raise non_field(f"Incorrect constant value passed for {item.slug}")
    uploads = {item.slug: _upload(item, entries[item.slug]) for item in items
               if item.spec.type == ev.UPLOAD and entries[item.slug].present
               and not entries[item.slug].skipped and entries[item.slug].value is not None}
    computed = _composites(items, entries)
    _messages(items, entries, computed, in_progress, started, completed)
    return [Checked(item, entries[item.slug], _raw(item, entries[item.slug], computed),
                    uploads.get(item.slug)) for item in items]


def _upload(item: Item, entry: Entry) -> tuple[str, bytes] | None:
    """Stage 4: ``{filename, value, encoding}``; None when the content is not text."""
    if not isinstance(entry.filename, str) or not entry.filename:
        raise non_field(f"{item.slug} is missing the filename field")
    if not isinstance(entry.value, str):
        return None
    if entry.encoding == "base64" and not deviation_on("QT-15"):
        try:
            return entry.filename, base64.b64decode(entry.value, validate=True)
        except (binascii.Error, ValueError):
            raise non_field(BAD_BASE64) from None
    return entry.filename, entry.value.encode("utf-8")


def _composites(items: list[Item], entries: dict[str, Entry]) -> dict[str, Any]:
    """Stage 5: every composite that is not skipped, in dependency order."""
    values: dict[str, object] = {}
    procedures: dict[str, str] = {}
    for item in items:
        entry = entries[item.slug]
        if item.calculated:
            if entry.skipped:
                values[item.slug] = None
            else:
                procedures[item.slug] = item.procedure
        elif entry.present or item.spec.type == ev.CONSTANT:
            # a test left out is an unbound name (NameError, 3.1.1); constants are always bound
            values[item.slug] = _context_value(item, entry)
    if deviation_on("QT-11"):
        procedures = {}  # composites are left uncalculated
    results = calculation.evaluate_all(procedures, values)
    for item in items:
        result = results.get(item.slug)
        if result is not None and result.error:
            prefix = "" if result.error == calculation.CYCLE_ERROR else INVALID_PROCEDURE
            raise non_field(f"Error with {item.slug} test: {prefix}{result.error}")
    return {slug: result.value for slug, result in results.items()}


def _context_value(item: Item, entry: Entry) -> object:
    if entry.skipped:
        return None
    raw = entry.filename if item.spec.type == ev.UPLOAD else entry.value
    if item.spec.type != ev.CONSTANT and raw is None:
        return None
    try:
        stored = ev.store(item.spec, raw)
    except ValueError:
        return raw  # 3.1.1 hands the procedure what was sent: "abc" + 1 is a TypeError
    if item.spec.type in ev.STRING_TYPES:
        return stored.string_value
    if item.spec.type == ev.BOOLEAN:
        return stored.value == 1
    if item.spec.type == ev.MULTIPLE_CHOICE and stored.value is not None:
        return item.spec.choices[int(stored.value)]
    if stored.date_value is not None or stored.datetime_value is not None:
        return stored.date_value or stored.datetime_value
    return stored.value


def _messages(items: list[Item], entries: dict[str, Entry], computed: dict[str, Any],
              in_progress: bool, started: datetime, completed: datetime) -> None:
    missing, wrong, given = [], [], []
    for item in items:
        entry = entries[item.slug]
        if entry.skipped:
            continue
        if item.calculated:
            if entry.present and entry.value is not None:
                given.append(item.slug)
            value = computed.get(item.slug)
            if (value is None and not in_progress) or (
                    value is not None and not ev.value_type_ok(item.spec, value)):
                wrong.append(item.slug)
        elif item.spec.type == ev.CONSTANT:
            continue
        elif not entry.present or (item.spec.type == ev.UPLOAD and entry.value is None):
            if not deviation_on("QT-14"):
                missing.append(item.slug)  # left out: missing even while in progress (3.1.1)
        elif entry.value is None:
            if not in_progress:
                wrong.append(item.slug)  # {"value": null} is a wrong type, not missing
        elif not _type_ok(item, entry):
            wrong.append(item.slug)
    messages = []
    if missing:
        messages.append("Missing data for tests: " + ", ".join(missing))
    if wrong:
        messages.append(
            "Wrong value type (number/string) for tests: " + ", ".join(wrong)
            + "\nIf these are composite tests with missing dependencies, they should be marked "
            f"as skipped in your request (e.g. {{'tests': {{'{wrong[0]}': {{'skipped': True}}}}}})")
    if given:
        messages.append("The following tests are calculated automatically and should not have "
                        "values provided: " + ", ".join(given))
    if completed < started:
        messages.append("work_completed date must be after work_started")
    if messages:
        raise non_field("\n".join(messages))


def _type_ok(item: Item, entry: Entry) -> bool:
    if item.spec.type == ev.UPLOAD:
        return isinstance(entry.value, str)
    return ev.value_type_ok(item.spec, entry.value)


def _raw(item: Item, entry: Entry, computed: dict[str, Any]) -> Any:
    if entry.skipped:
        return None
    if item.calculated:
        return computed.get(item.slug)
    if item.spec.type == ev.UPLOAD:
        return entry.filename if entry.value is not None else None
    return entry.value
