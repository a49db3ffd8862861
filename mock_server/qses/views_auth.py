"""``POST token`` (the OWIN password grant, QS-04/05) and the diagnostics endpoints (QS-06)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, request

from ..core import ApiError, current_core
from ..core.hashing import password_matches
from .access import TOKEN_KIND
from .blueprint import route
from .deviations import deviation_on
from .errors import body_response

TOKEN_SECONDS = 14399  # "currently 4 hours": the vendor's example answers 14399
API_VERSION = "2.9.0"
BAD_GRANT = "The user name, password or account is invalid."
FORM = "application/x-www-form-urlencoded"


def oauth_error(error: str, description: str) -> ApiError:
    return ApiError(400, "oauth", description, error=error)


@route("POST", "token")
def token() -> Response:
    if request.mimetype != FORM:
        raise oauth_error("invalid_request", "The request must be form-encoded "
                          "(Content-Type: application/x-www-form-urlencoded).")
    grant = request.form.get("grant_type")
    if grant is None:
        raise oauth_error("invalid_request", "grant_type is required.")
    if grant != "password":  # no refresh tokens are ever issued (QS-05)
        raise oauth_error("unsupported_grant_type", f"grant_type '{grant}' is not supported.")
    account_id = _account(request.form.get("username", ""), request.form.get("password", ""))
    core = current_core()
    raw = core.tokens.issue(TOKEN_KIND, {"account": account_id}, TOKEN_SECONDS,
                            family=f"account-{account_id}")
    response = body_response({"access_token": raw, "token_type": "bearer",
                              "expires_in": TOKEN_SECONDS}, 200)
    response.headers.update({"Cache-Control": "no-cache", "Pragma": "no-cache",
                             "Expires": "-1"})
    return response


def _account(username: str, password: str) -> int:
    accounts = current_core().storage["accounts"]
    match = (accounts.c.username == username.strip() if deviation_on("QS-04")
             else accounts.c.username_key == username.strip().lower())
    with current_core().storage.connect() as connection:
        row = connection.execute(sa.select(accounts.c.id, accounts.c.password_hash)
                                 .where(match)).first()
    if row is None or not password or not password_matches(password, row.password_hash):
        raise oauth_error("invalid_grant", BAD_GRANT)
    return int(row.id)


@route("GET", "diagnostics/ping")
def ping() -> Response:
    now = current_core().clock.now()
    return body_response({"Status": "OK",
                          "ServerTimeUtc": now.isoformat(timespec="seconds")
                          .replace("+00:00", "Z")}, 200)


@route("GET", "diagnostics/version")
def version() -> Response:
    return body_response({"Product": "QS Enrolment Solutions CRMS API",
                          "Version": API_VERSION}, 200)
