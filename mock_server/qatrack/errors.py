"""DRF's error bodies as ``ApiError`` values (rendered by ``core.envelopes.drf_detail``)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.wrappers import Response

from ..core import ApiError
from ..core.envelopes import drf_detail

NOT_FOUND = "Not found."
NOT_PROVIDED = "Authentication credentials were not provided."
NO_PERMISSION = "You do not have permission to perform this action."
REQUIRED = "This field is required."
NOT_NULL = "This field may not be null."
NOT_BLANK = "This field may not be blank."
#: canonical core codes -> DRF's own words (for errors raised outside our views)
MESSAGES = {
    "not_found": NOT_FOUND,
    "internal": "A server error occurred.",
    "payload_too_large": "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.",
}


def field_errors(errors: dict[str, Any]) -> ApiError:
    return ApiError(400, "invalid_body", "Invalid input.", errors=errors)


def non_field(message: str) -> ApiError:
    return field_errors({"non_field_errors": [message]})


def not_found() -> ApiError:
    return ApiError(404, "not_found", NOT_FOUND)


def method_not_allowed(allowed: tuple[str, ...]) -> ApiError:
    return ApiError(405, "method_not_allowed", f'Method "{request.method}" not allowed.',
                    headers={"Allow": ", ".join(allowed)})


def unauthorized(message: str = NOT_PROVIDED) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Token"})


def forbidden() -> ApiError:
    return ApiError(403, "forbidden", NO_PERMISSION)


def envelope(error: ApiError) -> Response:
    """DRF's ``{"detail": ...}`` for every error, whatever raised it."""
    if error.code == "method_not_allowed" and "errors" not in error.fields:
        error = ApiError(405, error.code, f'Method "{request.method}" not allowed.',
                         headers=error.headers)
    elif error.code in MESSAGES and error.message != MESSAGES[error.code]:
        error = ApiError(error.status, error.code, MESSAGES[error.code],
                         headers=error.headers, **error.fields)
    return drf_detail(error)
