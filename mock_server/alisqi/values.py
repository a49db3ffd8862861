"""Field values: from what a client sends to what is stored, and back to the wire.

Stored forms (one JSON document per result): numbers as JSON numbers, or the
operator string for a censored value (``"<321"``); text as strings; dates and
datetimes as ``yyyy-mm-dd hh:mm:ss`` in UTC; a selection as its option id, a
multi selection as a list of ids; a checkbox as a boolean; an attachment as
``{"name", "content"}`` (content base64, may be empty). On the wire a
selection is its label, dates are ``yyyy-mm-dd hh:mm:ss`` UTC (AS-11).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from .model import DATE_FIELD, Field, SetDef

WIRE_FORMAT = "%Y-%m-%d %H:%M:%S"
OPERATOR = re.compile(r"^\s*(<=|>=|<|>|=)\s*(-?\d+(?:\.\d+)?)\s*$")
NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$")
TRUE = {"1", "true", "yes", "on", "y"}
FALSE = {"0", "false", "no", "off", "n", ""}
MAX_TEXT = {"text": 255, "memo": 65535}


class ValueError_(Exception):
    """A value that does not fit its field; the message is the one the client sees."""


def parse_datetime(raw: Any, name: str) -> datetime:
    """Full (``yyyy-mm-dd hh:mm:ss``, ISO 8601 with or without a zone) or date-only, UTC."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise ValueError_(f"Invalid value for field '{name}': expected a date")
    if isinstance(raw, int):
        return datetime.fromtimestamp(raw, UTC).replace(tzinfo=None)
    text = raw.strip()
    try:
        if len(text) == 10:
            return datetime.strptime(text, "%Y-%m-%d")
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise ValueError_(f"Invalid value for field '{name}': '{raw}' is not a date") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not 1900 <= moment.year <= 2999:
        raise ValueError_(f"Invalid value for field '{name}': year out of range")
    return moment.replace(microsecond=0)


def _number(field: Field, raw: Any) -> Any:
    if isinstance(raw, bool):
        raise ValueError_(f"Invalid value for field '{field.name}': expected a number")
    if isinstance(raw, int | float):
        if raw != raw or raw in (float("inf"), float("-inf")) or abs(raw) > 1e15:
            raise ValueError_(f"Invalid value for field '{field.name}': not a finite number")
        return round(float(raw), field.decimals) if field.decimals is not None else raw
    if isinstance(raw, str):
        if NUMBER.match(raw):
            return _number(field, float(raw))
        matched = OPERATOR.match(raw)
        if matched:
            return f"{matched.group(1)}{matched.group(2)}"
    raise ValueError_(f"Invalid value for field '{field.name}': '{raw}' is not a number")


def _option(field: Field, raw: Any, add: bool, added: dict[str, int]) -> int:
    if isinstance(raw, int) and not isinstance(raw, bool) and raw in field.options:
        return raw
    if isinstance(raw, str):
        found = field.option_by_label(raw)
        if found is not None:
            return found
        if raw in added:
            return added[raw]
        if add and raw.strip() and len(raw) <= 200:
            new_id = max([*field.options, *added.values(), 0]) + 1
            added[raw] = new_id
            return new_id
    raise ValueError_(f"Invalid value for field '{field.name}': '{raw}' is not an option")


def _text(field: Field, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError_(f"Invalid value for field '{field.name}': expected text")
    text = str(raw)
    if len(text) > MAX_TEXT[field.type]:
        raise ValueError_(f"Invalid value for field '{field.name}': too long")
    return text


def _checkbox(field: Field, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in TRUE | FALSE:
        return raw.strip().lower() in TRUE
    raise ValueError_(f"Invalid value for field '{field.name}': expected true or false")


def _attachment(field: Field, raw: Any) -> dict[str, str]:
    if isinstance(raw, str) and raw.strip() and len(raw) <= 255:
        return {"name": raw, "content": ""}
    if isinstance(raw, dict) and isinstance(raw.get("name"), str) and raw["name"].strip():
        content = raw.get("content", "")
        if isinstance(content, str) and len(content) <= 4_000_000:
            return {"name": raw["name"][:255], "content": content}
    raise ValueError_(f"Invalid value for field '{field.name}': expected a file name")


def parse_value(field: Field, raw: Any, add: bool, added: dict[str, int]) -> Any:
    """The stored form of ``raw`` for ``field`` (``raw`` is not None)."""
    kind = field.type
    if kind == "number":
        return _number(field, raw)
    if kind in ("text", "memo"):
        return _text(field, raw)
    if kind in ("date", "datetime"):
        moment = parse_datetime(raw, field.name)
        return (moment.replace(hour=0, minute=0, second=0) if kind == "date"
                else moment).strftime(WIRE_FORMAT)
    if kind == "selection":
        return _option(field, raw, add, added)
    if kind == "multiselection":
        items = raw if isinstance(raw, list) else [raw]
        return sorted({_option(field, item, add, added) for item in items})
    if kind == "checkbox":
        return _checkbox(field, raw)
    return _attachment(field, raw)


def render_value(field: Field, stored: Any, attachments: bool) -> Any:
    if stored is None:
        return None
    if field.type == "selection":
        return field.options.get(stored)
    if field.type == "multiselection":
        return [field.options[i] for i in stored if i in field.options]
    if field.type == "attachment":
        return dict(stored) if attachments else stored["name"]
    return stored


def wire_datetime(moment: datetime) -> str:
    """``moment.strftime(WIRE_FORMAT)`` at a fifth of its cost: ``isoformat`` writes the
    same for a naive datetime of a four-digit year (strftime does not pad earlier years)."""
    if moment.tzinfo is None and moment.year >= 1000:
        return moment.isoformat(" ", "seconds")
    return moment.strftime(WIRE_FORMAT)


def result_renderer(definition: SetDef, names: list[str], flags: dict[str, bool],
                    ) -> Callable[[int, datetime, dict[str, Any], datetime], dict[str, Any]]:
    """``render(id, date, values, modified_at)``, the wire form of a result: how to show
    each requested field is decided once per request here, not once per value."""
    attachments = flags.get("includeAttachments", False)
    plan = [(name, None if name == DATE_FIELD else _converter(definition.fields[name],
                                                              attachments))
            for name in names]
    include_id = flags.get("includeId", False)
    include_modified = flags.get("includeLastModificationDate", False)

    def render(id_: int, date: datetime, values: dict[str, Any],
               modified_at: datetime) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if include_id:
            out["@id"] = id_
        for name, convert in plan:
            if name == DATE_FIELD:
                out[name] = wire_datetime(date)
                continue
            stored = values.get(name)
            out[name] = stored if convert is None or stored is None else convert(stored)
        if include_modified:
            out["@lastModificationDate"] = wire_datetime(modified_at)
        return out
    return render


def _converter(field: Field, attachments: bool) -> Callable[[Any], Any] | None:
    """What ``render_value`` does to a stored value that is not None; None: nothing."""
    if field.type in ("selection", "multiselection", "attachment"):
        return lambda stored: render_value(field, stored, attachments)
    return None
