"""Reading a DTO the way Web API's JSON.NET binding does: names case-insensitive, errors
collected into ModelState under ``<parameter>.<Field>``.

A field spec is ``(kind, max length or None)``; kinds: ``str``, ``int``, ``bool``,
``date``, ``gender``, ``country``, ``email``, ``json`` (a list kept as JSON text,
validated by the DTO module). Unknown properties are ignored, as JSON.NET does.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from flask import request

from ..core.bodies import JsonLimitError, parse_json
from .deviations import deviation_on
from .errors import invalid, unsupported_media_type

JSON_MEDIA = ("application/json", "text/json")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GENDERS = ("M", "F", "X", "N")
NET_TYPES = {"int": "System.Int32", "bool": "System.Boolean", "date": "System.DateTime"}
Errors = dict[str, list[str]]


def read_body(parameter: str, dto: str) -> Any:
    """The request's JSON document (415 for another media type, QS-03; 400 if malformed)."""
    raw = request.get_data(cache=True)
    mimetype = (request.mimetype or "").lower()
    is_json = mimetype in JSON_MEDIA or mimetype.endswith("+json")
    if not is_json and (raw.strip() or request.content_type):
        if deviation_on("QS-03"):
            raise invalid({parameter: [f"Content-Type '{mimetype}' is not JSON."]})
        raise unsupported_media_type(dto)
    if not raw.strip():
        raise invalid({parameter: ["A non-empty request body is required."]})
    try:
        return parse_json(raw.decode(request.mimetype_params.get("charset", "utf-8")))
    except (UnicodeDecodeError, LookupError):
        raise invalid({parameter: ["The request body is not valid UTF-8."]}) from None
    except JsonLimitError as error:
        raise invalid({parameter: [str(error)]}) from None
    except json.JSONDecodeError as exc:
        raise invalid({parameter: [f"Unexpected character encountered while parsing value. "
                                   f"Path '', line {exc.lineno}, position {exc.colno}."]}
                      ) from None


def by_name(body: dict[str, Any]) -> dict[str, Any]:
    """Property names folded to lower case (the last spelling wins, as JSON.NET's does)."""
    return {str(key).lower(): value for key, value in body.items()}


def convert(kind: str, value: Any, field: str, key: str, errors: Errors) -> Any:
    """One JSON value as the column stores it; a problem is added to ``errors``."""
    if value is None:
        return None
    try:
        return CONVERTERS[kind](value)
    except (TypeError, ValueError, OverflowError):
        net = NET_TYPES.get(kind, "System.String")
        errors.setdefault(key, []).append(
            f"Error converting value {json.dumps(value)[:60]} to type '{net}'. "
            f"Path '{field}'.")
        return None


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TypeError(value)
    return value if isinstance(value, str) else json.dumps(value)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    number = int(value.strip()) if isinstance(value, str) else value
    if not isinstance(number, int) or not -2147483648 <= number <= 2147483647:
        raise ValueError(value)
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise TypeError(value)


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise TypeError(value)
    text = value.strip()
    if len(text) > 10:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return date.fromisoformat(text)


CONVERTERS = {"str": _text, "int": _int, "bool": _bool, "date": _date,
              "gender": _text, "country": _text, "email": _text, "json": lambda v: v}


def check(kind: str, value: Any, length: int | None, field: str, key: str,
          errors: Errors) -> None:
    """Data annotations: length, the gender code, a country code, an e-mail address."""
    if not isinstance(value, str):
        return
    problem = None
    if length is not None and len(value) > length:
        problem = (f"The field {field} must be a string with a maximum length of {length}.")
    elif kind == "gender" and value not in GENDERS:
        problem = f"The field {field} must be one of M, F, X or N."
    elif kind == "country" and not re.fullmatch(r"[A-Z]{2}", value):
        problem = f"The field {field} must be an ISO 3166-1 alpha-2 country code."
    elif kind == "email" and not EMAIL.match(value):
        problem = f"The {field} field is not a valid e-mail address."
    if problem:
        errors.setdefault(key, []).append(problem)
