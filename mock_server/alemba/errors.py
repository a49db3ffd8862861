"""Alemba's two error styles: OAuth's ``{error, error_description}`` at the login endpoint,
``{Type, SubStatus, Message}`` everywhere else (AL-25), with only the guide's status codes."""

from __future__ import annotations

from typing import Any

from flask.wrappers import Response

from ..core import ApiError
from ..core.envelopes import alemba_typed, json_response
from ..core.wirejson import encoded
from .deviations import deviation_on

#: the statuses the guide names (AL-25), plus 201 for a create (the vendor's cookbook)
ALLOWED_STATUSES = (200, 201, 304, 400, 401, 403, 404, 405, 415, 500)
OAUTH = "oauth"


def envelope(error: ApiError) -> Response:
    if error.fields.get("style") == OAUTH:
        return json_response(
            {"error": error.code, "error_description": error.message}, error.status
        )
    status = error.status if error.status in ALLOWED_STATUSES else 400
    fields = {key: value for key, value in error.fields.items() if key != "style"}
    response = alemba_typed(
        ApiError(status, error.code, error.message, headers=error.headers, **fields)
    )
    if deviation_on("AL-25"):
        body = response.get_json()
        body.pop("SubStatus", None)
        response.set_data(encoded(body))
    return response


def oauth_error(status: int, code: str, description: str) -> ApiError:
    return ApiError(status, code, description, style=OAUTH, headers={"Cache-Control": "no-store"})


def not_allowed(message: str) -> ApiError:
    return ApiError(403, "NotAllowed", message)


def record_not_found(entity: str, ref: Any) -> ApiError:
    return ApiError(404, "RecordNotFound", f"{entity} {ref} was not found.")


def resource_not_found(path: str) -> ApiError:
    return ApiError(404, "ResourceNotFound", f"No resource matches '{path}'.")


def bad_request(
    message: str,
    sub_status: str = "None",
    kind: str = "HttpStatusException",
) -> ApiError:
    return ApiError(400, sub_status, message, Type=kind)


def field_errors(errors: dict[str, list[str]]) -> ApiError:
    """A validation failure, shaped as the vendor's cookbook shows it."""
    return ApiError(
        400, "None", "The request is invalid", Type="FieldValidationException", Errors=errors
    )
