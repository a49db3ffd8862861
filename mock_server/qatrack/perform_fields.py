"""Stage 1 of performing a test list: the serializer's own fields (all errors at once,
in the serializer's field order), ``user_key`` uniqueness included (QT-17)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..core import current_core
from . import dates, drf_fields
from .deviations import deviation_on
from .drf_fields import MISSING, Invalid
from .errors import field_errors, non_field
from .records import existing

UTC_KEY = "qa/unittestcollections"
DUPLICATE_KEY = "test list instance with this user key already exists."


@dataclass
class Submission:
    """What the client sent; ``MISSING`` marks an absent optional field."""

    unit_test_collection: Any = MISSING
    tests: Any = MISSING
    work_started: Any = MISSING
    work_completed: Any = MISSING
    comment: Any = MISSING
    status: Any = MISSING
    attachments: Any = MISSING
    day: Any = MISSING
    in_progress: Any = MISSING
    include_for_scheduling: Any = MISSING
    user_key: Any = MISSING
    extra: dict[str, Any] = field(default_factory=dict)


def _datetime(value: Any) -> datetime:
    try:
        return dates.parse_datetime(value)
    except dates.DateInputError as exc:
        raise Invalid(str(exc)) from None


def _tests(value: Any) -> dict[str, Any]:
    """A dictionary of test slug to a dictionary of its data (3.1.1's message, space included)."""
    tests = drf_fields.dictionary(value)
    bad = [slug for slug, data in tests.items() if not isinstance(data, dict)]
    if bad:
        names = ", ".join(bad)
        raise Invalid(f'"{names}" field(s) have errors. Test data must be a dictionary ')
    return tests


def _status(value: Any) -> int:
    return existing("qa/testinstancestatus", value)


def _utc(value: Any) -> int:
    return existing(UTC_KEY, value)


#: name -> (parser, required on create, allow null, is a relation), in the serializer's order
FIELDS: tuple[tuple[str, Any, bool, bool, bool], ...] = (
    ("work_completed", _datetime, False, True, False),
    ("comment", drf_fields.char(allow_blank=True), False, True, False),
    ("tests", _tests, True, False, False),
    ("unit_test_collection", _utc, True, False, True),
    ("work_started", _datetime, True, False, False),
    ("in_progress", drf_fields.boolean, False, False, False),
    ("user_key", drf_fields.char(255, allow_blank=True), False, True, False),
    ("include_for_scheduling", drf_fields.boolean, False, False, False),
    ("day", drf_fields.integer, False, False, False),
    ("status", _status, False, True, True),
    ("attachments", drf_fields.listing, False, False, False),
)


def parse(data: Any, *, partial: bool, instance_id: int | None = None) -> Submission:
    if not isinstance(data, dict):
        raise non_field(f"Invalid data. Expected a dictionary, but got {type(data).__name__}.")
    submission = Submission()
    errors: dict[str, list[str]] = {}
    for name, parser, required, allow_null, relation in FIELDS:
        try:
            value = drf_fields.run(data, name, parser, required=required and not partial,
                                   allow_null=allow_null, relation=relation)
            if name == "user_key" and value not in (MISSING, None, "") and deviation_on("QT-17"):
                value = MISSING  # the key is dropped, so nothing stops a duplicate
            elif name == "user_key" and value not in (MISSING, None, ""):
                _unique_key(value, instance_id)
        except Invalid as exc:
            errors[name] = [exc.message]
            continue
        setattr(submission, name, value)
    if errors:
        raise field_errors(errors)
    return submission


def _unique_key(user_key: str, instance_id: int | None) -> None:
    storage = current_core().storage
    editing = instance_id is not None
    read = storage.driver(_holder_of_key, storage["testlistinstances"], editing)
    values = {"user_key": user_key, **({"instance_id": instance_id} if editing else {})}
    with storage.connect() as connection:
        if read.first(connection, values):
            raise Invalid(DUPLICATE_KEY)


def _holder_of_key(table: sa.Table, editing: bool) -> sa.Select:
    """Another list instance with the ``user_key`` (other than ``instance_id``, editing)."""
    query = sa.select(table.c.id).where(table.c.user_key == sa.bindparam("user_key"))
    return query.where(table.c.id != sa.bindparam("instance_id")) if editing else query
