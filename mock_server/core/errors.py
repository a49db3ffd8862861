"""One exception for every error a mock answers, rendered by the system's envelope.

Views raise :class:`ApiError` with a canonical ``code``; the system's envelope
function (see :mod:`.envelopes`) turns it into that system's own body, content
type and headers. Werkzeug's own HTTP errors (unmatched URL, wrong method,
oversized body, ...) and unexpected exceptions are converted here, so no request
ever gets Flask's HTML error page or a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed

log = logging.getLogger("apidouble")

CANONICAL_CODES = {
    400: "invalid_body",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal",
}


class ApiError(Exception):
    """An error response: status, canonical code, human message, extra body fields."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.fields = fields


Envelope = Callable[[ApiError], Response]


def from_http_exception(exc: HTTPException) -> ApiError:
    status = exc.code or 500
    headers = {}
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    message = {
        404: "No such resource.",
        405: "Method not allowed on this resource.",
    }.get(status, exc.description or exc.name)
    return ApiError(status, CANONICAL_CODES.get(status, "error"), message, headers=headers)


def install_error_handlers(app: Flask, envelope: Envelope) -> None:
    """Route every error through ``envelope``: ApiError, HTTP errors, and the unexpected."""

    def render(error: ApiError) -> Response:
        response = envelope(error)
        for name, value in error.headers.items():
            response.headers[name] = value
        return response

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return render(error)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return render(from_http_exception(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        if out_of_range(exc):
            return render(ApiError(400, "invalid_body",
                                   "A value in the request is out of range for storage."))
        log.exception("unexpected error")
        return render(ApiError(500, "internal", "An unexpected error occurred."))


def out_of_range(exc: BaseException) -> bool:
    """A value the database cannot hold (a 30-digit integer, say): the client's mistake.

    SQLite's driver raises OverflowError (or UnicodeEncodeError) while binding;
    PostgreSQL answers SQLSTATE class 22 (data exception: out of range, a NUL
    in text), which SQLAlchemy raises as DataError.
    """
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, OverflowError | UnicodeEncodeError):
            return True
        if type(seen).__name__ in ("DataError", "NumericValueOutOfRange"):
            return True
        seen = getattr(seen, "orig", None) or seen.__cause__ or seen.__context__
    return False

