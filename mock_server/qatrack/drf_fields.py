"""DRF's serializer fields, reduced to what the mock validates, with DRF's exact messages.

Each parser takes a submitted value and returns the internal one or raises
:class:`Invalid`; :func:`run` adds DRF's handling of missing, null and blank.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import NOT_BLANK, NOT_NULL, REQUIRED

MISSING: Any = object()
TRUE_VALUES = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On",
               "ON", "1", 1}
FALSE_VALUES = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off",
                "OFF", "0", 0}
NULL_VALUES = {"null", "Null", "NULL", "", None}
DECIMAL_TAIL = re.compile(r"\.0*\s*$")


class Invalid(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


Parser = Callable[[Any], Any]


def char(max_length: int | None = None, *, allow_blank: bool = False,
         trim: bool = True) -> Parser:
    def parse(value: Any) -> str:
        if value == "" or (trim and not isinstance(value, bool)
                           and isinstance(value, str | int | float) and str(value).strip() == ""):
            if not allow_blank:
                raise Invalid(NOT_BLANK)
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise Invalid("Not a valid string.")
        text = str(value).strip() if trim else str(value)
        if max_length is not None and len(text) > max_length:
            raise Invalid(f"Ensure this field has no more than {max_length} characters.")
        return text

    return parse


def integer(value: Any) -> int:
    if isinstance(value, str) and len(value) > 1000:
        raise Invalid("String value too large.")
    try:
        return int(DECIMAL_TAIL.sub("", str(value)))
    except (ValueError, TypeError):
        raise Invalid("A valid integer is required.") from None


def number(value: Any) -> float:
    if isinstance(value, str) and len(value) > 1000:
        raise Invalid("String value too large.")
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise Invalid("A valid number is required.") from None


def boolean(value: Any) -> bool:
    try:
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
    except TypeError:  # unhashable
        pass
    raise Invalid("Must be a valid boolean.")


def dictionary(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(f'Expected a dictionary of items but got type "{type(value).__name__}".')
    return value


def listing(value: Any) -> list[Any]:
    if isinstance(value, str | dict) or not isinstance(value, list | tuple):
        raise Invalid(f'Expected a list of items but got type "{type(value).__name__}".')
    return list(value)


def run(data: dict[str, Any], name: str, parse: Parser, *, required: bool = False,
        allow_null: bool = False, relation: bool = False) -> Any:
    """One field of ``data``: ``MISSING`` when absent and optional; raises Invalid."""
    value = data.get(name, MISSING)
    if relation and value == "":
        value = None  # DRF turns an empty string into None for relations
    if value is MISSING:
        if required:
            raise Invalid(REQUIRED)
        return MISSING
    if value is None:
        if not allow_null:
            raise Invalid(NOT_NULL)
        return None
    return parse(value)
