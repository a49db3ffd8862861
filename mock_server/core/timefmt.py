"""Timestamp formatting and parsing shared by the systems."""

from __future__ import annotations

from datetime import UTC, date, datetime


def iso_ms(moment: datetime | None) -> str | None:
    """ISO 8601 UTC with milliseconds and ``Z``: ``2026-06-18T12:00:00.000Z``.

    A naive datetime is taken as UTC (that is how the database stores them).
    This runs for every timestamp of every record served, so it stays in C.
    """
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="milliseconds") + "Z"


def iso_ms_stored(value: datetime | str | None) -> str | None:
    """:func:`iso_ms` of a timestamp as the database hands it back.

    Read without SQLAlchemy's result processing (see :mod:`.shapes`), SQLite
    gives ``2026-06-18 12:00:00.123456``, which slicing turns into the wire
    form far faster than parsing; other databases give datetimes.
    """
    if value is None or isinstance(value, datetime):
        return iso_ms(value)
    if len(value) == 19:
        return f"{value[:10]}T{value[11:19]}.000Z"
    return f"{value[:10]}T{value[11:23]}Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 date or date-time; a zone-less value is taken as UTC.

    Raises ValueError for anything else.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    if len(value) == 10:
        parsed = datetime.combine(date.fromisoformat(value), datetime.min.time())
    else:
        parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_naive_utc(moment: datetime) -> datetime:
    """The form stored in the database: naive, in UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
