"""Error envelope styles: one pure function per style, picked by a system's profile.

Each takes an :class:`~.errors.ApiError` and returns the response body in the
system's own format with the right content type. Systems that rename canonical
codes wrap the function (see each system's ``profile``).
"""

from __future__ import annotations

from flask import Response

from .errors import ApiError
from .wirejson import Encoder, encoded, python


def json_response(body: object, status: int | str, content_type: str = "application/json",
                  encode: Encoder = encoded) -> Response:
    """``body`` in the system's own bytes (``SystemProfile.wire_json``), or ``encode``'s;
    ``status`` may carry a reason phrase (``"429 Too Many Requests"``)."""
    return Response(encode(body), status=status, content_type=content_type)


def admin_json(body: object, status: int) -> Response:
    """The admin interface's bodies: the same bytes whatever the system, since it imitates
    none (compact, UTF-8)."""
    return json_response(body, status, encode=python)


def _slug_body(error: ApiError) -> dict[str, object]:
    return {"error": error.code, "message": error.message, **error.fields}


def admin_error(error: ApiError) -> Response:
    """``{"error": "<slug>", "message": "..."}`` on the admin interface, for every system."""
    return admin_json(_slug_body(error), error.status)


def slug_json(error: ApiError) -> Response:
    """``{"error": "<slug>", "message": "..."}`` plus any extra fields (Aliquora)."""
    return json_response(_slug_body(error), error.status)


#: canonical core codes as the SubStatus Alemba gives them (AL-25)
TYPED_SUBSTATUS = {
    "not_found": "ResourceNotFound",
    "method_not_allowed": "NotSupported",
    "unsupported_media_type": "NotSupported",
}
TYPED_SUBSTATUSES = ("None", "ResourceNotFound", "RecordNotFound", "LinkedRecordNotFound",
                     "NotSupported", "NotImplemented", "NotAllowed")


def alemba_typed(error: ApiError) -> Response:
    """``{"Type", "SubStatus", "Message"}`` plus extra fields such as ``Errors`` (Alemba).

    The code is the SubStatus when it is one; ``Type`` defaults to the vendor's
    ``HttpStatusException`` and may be overridden with a ``Type`` field.
    """
    extra = {key: value for key, value in error.fields.items() if key != "Type"}
    code = TYPED_SUBSTATUS.get(error.code, error.code)
    body = {
        "Type": error.fields.get("Type", "HttpStatusException"),
        "SubStatus": code if code in TYPED_SUBSTATUSES else "None",
        "Message": error.message,
        **extra,
    }
    return json_response(body, error.status)


def drf_detail(error: ApiError) -> Response:
    """Django REST Framework's bodies (QATrack+): ``{"detail": "..."}``.

    Validation errors carry their own mapping (``{"field": ["message"]}`` or
    ``{"non_field_errors": [...]}``) in ``error.fields["errors"]``; it is the body as is.
    """
    if "errors" in error.fields:
        return json_response(error.fields["errors"], error.status)
    return json_response({"detail": error.message}, error.status)
