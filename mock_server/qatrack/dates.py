"""Dates as QATrack+ reads and writes them: local time of the server's zone.

Inputs use the real ``DATETIME_INPUT_FORMATS`` (a zone-less value is local
time, even the ``...Z`` form, as Django makes naive values aware in the
current zone); outputs are ISO 8601 with the zone's offset, as DRF renders
them (``2018-07-06T11:00:00-04:00``; ``Z`` only for UTC itself).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from ..core import current_core

DEFAULT_ZONE = "America/Toronto"
INPUT_FORMATS = (
    ("%d %b %Y %H:%M", "DD [Jan-Dec] YYYY hh:mm"),
    ("%d %b %Y %H:%M:%S", "DD [Jan-Dec] YYYY hh:mm:ss"),
    ("%Y-%m-%d %H:%M", "YYYY-MM-DD hh:mm"),
    ("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD hh:mm:ss"),
    ("%Y-%m-%d %H:%M:%S.%f", "YYYY-MM-DD hh:mm:ss.uuuuuu"),
    ("%Y-%m-%dT%H:%M:%S.%fZ", "YYYY-MM-DDThh:mm:ss.uuuuuuZ"),
)
WRONG_FORMAT = ("Datetime has wrong format. Use one of these formats instead: "
                + ", ".join(label for _, label in INPUT_FORMATS) + ".")
DATE_WRONG_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."


class DateInputError(ValueError):
    pass


def zone() -> tzinfo:
    name = current_core().config.time_zone or DEFAULT_ZONE
    return _zone(name)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError):
        return ZoneInfo(DEFAULT_ZONE)


def zone_name() -> str:
    return str(getattr(zone(), "key", DEFAULT_ZONE))


def parse_datetime(raw: object) -> datetime:
    """A submitted date-time as naive UTC; raises DateInputError with DRF's message."""
    if not isinstance(raw, str):
        raise DateInputError(WRONG_FORMAT)
    for pattern, _label in INPUT_FORMATS:
        try:
            naive = datetime.strptime(raw, pattern)
        except ValueError:
            continue
        return to_utc(naive)
    raise DateInputError(WRONG_FORMAT)


def to_utc(naive: datetime) -> datetime:
    """Local wall time -> naive UTC; a time the zone skips (DST) is refused as Django does."""
    local = zone()
    aware = naive.replace(tzinfo=local)
    back = aware.astimezone(UTC).astimezone(local).replace(tzinfo=None)
    if back != naive:
        raise DateInputError(f'Invalid datetime for the timezone "{zone_name()}".')
    return aware.astimezone(UTC).replace(tzinfo=None)


def parse_date(raw: object) -> date:
    if not isinstance(raw, str):
        raise DateInputError(DATE_WRONG_FORMAT)
    try:
        return datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise DateInputError(DATE_WRONG_FORMAT) from None


def render(moment: datetime | None) -> str | None:
    """Stored naive UTC -> ISO 8601 in the server's zone."""
    return None if moment is None else render_in(moment, zone())


def render_in(moment: datetime, local: tzinfo) -> str:
    """:func:`render` for a caller that has read the zone once (a page of rows)."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    text = aware.astimezone(local).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def local(moment: datetime) -> datetime:
    """Stored naive UTC -> aware local."""
    return moment.replace(tzinfo=UTC).astimezone(zone())
