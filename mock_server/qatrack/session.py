"""DRF's session login for the browsable API (``/api-auth/login/``), as 3.1.1 offers it.

An anonymous browser sees a "Log in" link on every browsable page; the form
(DRF's ``rest_framework/login.html``: ``csrfmiddlewaretoken``, ``next``,
``username``, ``password``) signs the user in with a ``sessionid`` cookie, and
``SessionAuthentication`` then reads it, token first. As in Django, a write
made with session authentication needs the CSRF token (``csrftoken`` cookie
echoed as ``X-CSRFToken`` or the form's ``csrfmiddlewaretoken``).

The cookie is a signed user id (key derived from the seed), so every worker
reads it without a session table.
"""

from __future__ import annotations

import secrets
from html import escape
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, Response, redirect, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response as BaseResponse

from ..core import ApiError, current_core
from ..core.hashing import derive_secret, password_matches

SESSION, CSRF = "sessionid", "csrftoken"
LOGIN_PATH, LOGOUT_PATH = "/api-auth/login/", "/api-auth/logout/"
BAD_LOGIN = ("Please enter a correct username and password. Note that both fields may be "
             "case-sensitive.")
CSRF_FAILED = "CSRF Failed: CSRF token missing or incorrect."


def _signer() -> URLSafeSerializer:
    secret = derive_secret(current_core().config.seed, "qatrack-session-key", 40)
    return URLSafeSerializer(secret, salt="qatrack-session")


def session_user_id() -> int | None:
    """The signed-in user of this request's ``sessionid`` cookie, if any."""
    cookie = request.cookies.get(SESSION)
    if not cookie:
        return None
    try:
        value = _signer().loads(cookie)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def enforce_csrf() -> None:
    """Django's CSRF check for writes made with session authentication."""
    if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
        return
    expected = request.cookies.get(CSRF, "")
    given = request.headers.get("X-CSRFToken") or request.form.get("csrfmiddlewaretoken", "")
    if not expected or not secrets.compare_digest(expected, given):
        raise ApiError(403, "forbidden", CSRF_FAILED)


def login_link() -> str:
    path = request.script_root + request.path
    return f'{request.script_root}{LOGIN_PATH}?next={escape(path)}'


def csrf_input() -> str:
    return (f'<input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{escape(request.cookies.get(CSRF, ""))}">')


def _page(token: str, next_url: str, error: str = "") -> Response:
    problem = f'<div class="text-error">{escape(error)}</div>' if error else ""
    html = (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Django REST framework"
        "</title></head><body class=\"container\"><div id=\"div_id_login\">"
        f"<h3>QATrack+ API (apidouble)</h3>{problem}"
        f'<form action="{escape(request.script_root + LOGIN_PATH)}" role="form" method="post">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
        f'<input type="hidden" name="next" value="{escape(next_url)}">'
        '<label for="id_username">Username:</label>'
        '<input type="text" name="username" maxlength="100" autocapitalize="off" '
        'autocorrect="off" class="form-control textinput textInput" id="id_username" required>'
        '<label for="id_password">Password:</label>'
        '<input type="password" name="password" maxlength="100" autocapitalize="off" '
        'autocorrect="off" class="form-control textinput textInput" id="id_password" required>'
        '<input type="submit" name="submit" value="Log in" class="btn btn-primary" '
        'id="submit-id-submit"></form></div></body></html>\n')
    response = Response(html, content_type="text/html; charset=utf-8")
    response.set_cookie(CSRF, token, samesite="Lax", path="/")
    return response


def _safe_next(value: str) -> str:
    parts = urlsplit(value)
    if value.startswith("/") and not value.startswith("//") and not parts.netloc:
        return value
    return f"{request.script_root}/api/"


def login() -> BaseResponse:
    token = request.cookies.get(CSRF) or secrets.token_hex(32)
    next_url = request.values.get("next", f"{request.script_root}/api/")
    if request.method == "GET":
        return _page(token, next_url)
    if not request.cookies.get(CSRF) or request.form.get("csrfmiddlewaretoken") != token:
        return Response("<h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. "
                        "Request aborted.</p>", status=403, content_type="text/html")
    user_id = _check(request.form.get("username", ""), request.form.get("password", ""))
    if user_id is None:
        return _page(token, next_url, BAD_LOGIN)
    response = redirect(_safe_next(next_url), code=302)
    response.set_cookie(SESSION, _signer().dumps(user_id), httponly=True, samesite="Lax",
                        path="/")
    response.set_cookie(CSRF, secrets.token_hex(32), samesite="Lax", path="/")  # rotated
    return response


def _check(username: str, password: str) -> int | None:
    users = current_core().storage["users"]
    with current_core().storage.connect() as connection:
        user = connection.execute(sa.select(users).where(users.c.username == username)).first()
    if (user is None or not user.is_active or not user.password
            or user.password.startswith("!") or not password_matches(password, user.password)):
        return None
    return int(user.id)


def logout() -> BaseResponse:
    response = redirect(_safe_next(request.values.get("next", "")), code=302)
    response.delete_cookie(SESSION, path="/")
    return response


def register(app: Flask) -> None:
    app.add_url_rule(LOGIN_PATH, "qatrack_login", login, methods=["GET", "POST"])
    app.add_url_rule(LOGOUT_PATH, "qatrack_logout", logout, methods=["GET", "POST"])
