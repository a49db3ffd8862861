"""``Prefer: code=503``: force an error status per request (Prism's convention; mock only).

When the view has answered 2xx (so the request was authenticated and
otherwise valid), the answer is replaced by the system's own error for that
status: its envelope, and for 429 its own rate-limit answer. The request
itself has been processed; only its answer changes, as when a real server
fails after doing the work. Statuses outside 400..599 are ignored.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.wrappers import Response

from .adminguard import ADMIN_PREFIX
from .faults import system_error


def preferred_code(header: str) -> int | None:
    """The ``code`` preference of a ``Prefer`` header (RFC 7240), if it is an error status."""
    for part in header.replace(";", ",").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "code":
            value = value.strip().strip('"')
            if value.isdigit() and 400 <= int(value) <= 599:
                return int(value)
    return None


def install_prefer(app: Flask, profile: Any) -> None:
    @app.after_request
    def _prefer(response: Response) -> Response:
        header = request.headers.get("Prefer")
        if not header or not 200 <= response.status_code < 300:
            return response
        code = preferred_code(header)
        if code is None or request.path.startswith(ADMIN_PREFIX):
            return response
        forced = app.handle_user_exception(system_error(profile, code))
        return app.make_response(forced)
