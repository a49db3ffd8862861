"""The browsable API (QT-04): any ``/api/`` response asked for as HTML becomes a page."""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Flask, Response, g, request

from ..core.html import browsable_page
from . import session
from .deviations import deviation_on

BODY_METHODS = ("POST", "PUT", "PATCH")


def install(app: Flask) -> None:
    @app.after_request
    def _as_html(response: Response) -> Response:
        if g.get("qatrack_format") != "html" or response.mimetype != "application/json":
            return response
        if deviation_on("QT-04"):
            return response
        return to_page(response)


def to_page(response: Response) -> Response:
    try:
        body = json.loads(response.get_data())
    except ValueError:
        return response
    header = response.headers.get("Allow") or ", ".join(g.get("qatrack_allow") or ())
    allow = [m.strip() for m in header.split(",") if m.strip()]
    try:
        reason = HTTPStatus(response.status_code).phrase
    except ValueError:
        reason = ""
    headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
    page = browsable_page(
        title=_title(), site="QATrack+ API (apidouble)", method=request.method,
        url=request.script_root + request.full_path.rstrip("?"),
        status=response.status_code, reason=reason,
        headers=headers, body=body, forms=[m for m in BODY_METHODS if m in allow],
        home=f"{request.script_root}/api/")
    page = _session_links(page)
    response.set_data(page.encode("utf-8"))
    response.content_type = "text/html; charset=utf-8"
    return response


def _session_links(page: str) -> str:
    """DRF's navbar: "Log in" for an anonymous browser; forms carry the CSRF token."""
    if g.get("qatrack_user") is None:
        link = f'<a class="login" href="{session.login_link()}">Log in</a>'
        return page.replace("</header>", f" {link}</header>", 1)
    return page.replace('<input type="hidden" name="_content_type"',
                        session.csrf_input() + '<input type="hidden" name="_content_type"')


def _title() -> str:
    parts = [p for p in request.path.split("/") if p and p != "api"]
    if not parts:
        return "Api Root"
    return " ".join(part.replace("_", " ").title() for part in parts[-2:])
