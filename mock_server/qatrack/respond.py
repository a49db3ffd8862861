"""JSON responses with DRF's headers (``Allow`` of the view, ``Vary: Accept, Cookie``)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request

from ..core.envelopes import json_response

RENDERS = ["application/json", "text/html"]
PARSES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]


def respond(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = json_response(body, status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def metadata(name: str, description: str = "") -> Response:
    """``OPTIONS``: DRF's ``SimpleMetadata`` without the per-field ``actions``."""
    return respond({"name": name, "description": description, "renders": RENDERS,
                    "parses": PARSES})


def install(app: Flask) -> None:
    @app.after_request
    def _drf_headers(response: Response) -> Response:
        if not request.path.startswith("/api"):
            return response
        allow = g.get("qatrack_allow")
        if allow and "Allow" not in response.headers:
            response.headers["Allow"] = ", ".join(allow)
        if response.status_code != 301 and "Vary" not in response.headers:
            response.headers["Vary"] = "Accept, Cookie"
        return response
