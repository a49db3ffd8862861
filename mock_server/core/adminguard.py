"""The admin interface's guard: no cross-site browser requests, and a token when configured.

The admin interface resets data and moves the clock, so a web page the
developer happens to visit must not be able to drive it. A browser can send
a cross-site request without a CORS preflight only as a form or as
``text/plain``; such bodies are refused, as is any state-changing request that
a browser marks as cross-site (``Sec-Fetch-Site``) or whose ``Origin`` is
another site. When the mock is served beyond loopback, ``serve`` configures a
token that every admin request must carry in ``X-Apidouble-Admin-Token``.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import request

from .errors import ApiError

#: where every system serves the admin interface
ADMIN_PREFIX = "/__admin"
TOKEN_HEADER = "X-Apidouble-Admin-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: what a browser may send across sites without a preflight
SIMPLE_BODY_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


def check_admin_request(token: str | None) -> None:
    """Raise the admin's ApiError when this request must not reach the admin interface."""
    if token is not None:
        given = request.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise ApiError(401, "unauthorized",
                           f"The admin interface needs the {TOKEN_HEADER} header "
                           "printed by `apidouble serve`.")
    if request.method in SAFE_METHODS:
        return
    if _cross_site():
        raise ApiError(403, "forbidden",
                       "Cross-site requests to the admin interface are refused.")
    if (request.mimetype or "") in SIMPLE_BODY_TYPES:
        raise ApiError(415, "unsupported_media_type",
                       "The admin interface takes JSON bodies (application/json) only.")


def _cross_site() -> bool:
    if request.headers.get("Sec-Fetch-Site", "").strip().lower() == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # not sent by a browser, or a same-origin GET-like navigation
    parts = urlsplit(origin.strip())
    if not parts.scheme or not parts.netloc:
        return True  # "null" (sandboxed frames, file:// pages) or garbage
    return parts.netloc.lower() != request.host.lower()
