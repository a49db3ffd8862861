"""Error envelope styles: one pure function per style, picked by a system's profile.

Each takes an :class:`~.errors.ApiError` and returns the response body in the
system's own format with the right content type. Systems that rename canonical
codes wrap the function (see each system's ``profile``).
"""

from __future__ import annotations

import json

from flask import Response

from .errors import ApiError


def json_response(body: object, status: int, content_type: str = "application/json") -> Response:
    return Response(json.dumps(body), status=status, content_type=content_type)


def slug_json(error: ApiError) -> Response:
    """``{"error": "<slug>", "message": "..."}`` plus any extra fields (Aliquora)."""
    body = {"error": error.code, "message": error.message, **error.fields}
    return json_response(body, error.status)
