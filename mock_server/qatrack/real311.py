"""Answers only an unmodified QATrack+ 3.1.1 server gives, behind ``Config.extra``.

``qatrack_real_311: True`` makes the mock a stand-in of a real 3.1.1 install as
``reference/qatrack.md`` ("Seen on a running QATrack+ 3.1.1") records it: the
schema endpoint fails with Django's HTML 500 (pyyaml is missing), the searcher
without ``q`` fails the same way, and unmatched URLs get Django's HTML 404.
``qatrack_real_311: "pyyaml"`` is the same install with pyyaml: the schema is
YAML with Python tags, and ``Accept: application/json`` is 406. Our mock's own
answers (JSON everywhere, never a 500) are the default. The conformance suite
must pass on both (tests/qatrack/test_real_311.py).
"""

from __future__ import annotations

from typing import Any

import yaml
from flask import Response, request

from ..core import ApiError, current_core

SERVER_ERROR = "<h1>Server Error (500)</h1>"
NOT_FOUND = ("<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n"
             "<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this "
             "server.</p>\n</body>\n</html>\n")
#: DRF's OpenAPI generator writes Decimal values (e.g. a field's maximum) with this tag
DECIMAL = "!!python/object/apply:decimal.Decimal\n  - '1E+1'"


def mode() -> Any:
    """None for our mock; True (no pyyaml) or "pyyaml" for the 3.1.1 stand-in."""
    return current_core().config.extra.get("qatrack_real_311") or None


def server_error() -> Response:
    """Django's page for an unhandled exception with ``DEBUG`` off."""
    return Response(SERVER_ERROR, status=500, content_type="text/html")


def not_found_page() -> Response:
    return Response(NOT_FOUND, status=404, content_type="text/html")


def schema(document: dict[str, Any]) -> Response:
    """3.1.1's ``/api/schema/``: 500 without pyyaml; with it YAML, JSON refused."""
    if mode() != "pyyaml":
        return server_error()
    accept = request.headers.get("Accept", "")
    if "application/json" in accept and "*/*" not in accept and "yaml" not in accept:
        raise ApiError(406, "not_acceptable", "Could not satisfy the request Accept header.")
    text = yaml.safe_dump(document, sort_keys=False)
    text = text.replace("openapi: ", f"x-maximum: {DECIMAL}\nopenapi: ", 1)
    return Response(text, status=200, content_type="application/vnd.oai.openapi; charset=utf-8")
