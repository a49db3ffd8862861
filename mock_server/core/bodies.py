"""Reading request bodies and query parameters safely: bad input is a 400, never a 500."""

from __future__ import annotations

import json
from typing import Any

from flask import request

from .errors import ApiError

JSON_TYPES = ("application/json",)


def json_body(*, code: str = "invalid_body", allow_empty: bool = False) -> Any:
    """The request's JSON document.

    A content type other than JSON (``application/*+json`` included), an
    undecodable or malformed document are all answered with 400 ``code``.
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        if allow_empty:
            return None
        raise ApiError(400, code, "A JSON request body is required.")
    mimetype = request.mimetype or ""
    if mimetype not in JSON_TYPES and not mimetype.endswith("+json"):
        raise ApiError(400, code, "Content-Type must be application/json.")
    try:
        return json.loads(raw.decode(request.mimetype_params.get("charset", "utf-8")))
    except (UnicodeDecodeError, LookupError):
        raise ApiError(400, code, "The request body is not valid UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise ApiError(
            400, code, f"Malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
        ) from None


def json_object(*, code: str = "invalid_body", allow_empty: bool = False) -> dict[str, Any]:
    body = json_body(code=code, allow_empty=allow_empty)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, code, "The request body must be a JSON object.")
    return body


def int_arg(name: str, *, code: str, default: int | None = None) -> int | None:
    """A query parameter that must be an integer, if present."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ApiError(400, code, f"Query parameter '{name}' must be an integer.") from None
