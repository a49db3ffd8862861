"""``POST /alemba.web/oauth/login``: the four grants (AL-01..AL-06) and logout (AL-08).

Errors of a grant are OAuth's ``{error, error_description}``: ``401
invalid_client`` for an unknown, disabled or unauthenticated client, ``400
invalid_grant`` for credentials, scope, licences; a refresh token that is
unknown, expired, already used, or whose session ended answers ``401
invalid_grant`` ("log in again", as the guide's client code expects).
Logout (no ``grant_type``, a ``token``) answers with the typed envelope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, request
from flask.wrappers import Response

from ..core import ApiError, current_core
from ..core.auth import bearer_token
from ..core.envelopes import json_response
from ..core.hashing import password_matches, secret_matches
from .deviations import deviation_on
from .errors import oauth_error
from .sessions import (
    ACCESS,
    ANONYMOUS,
    CODE,
    REFRESH,
    REFRESH_TTL,
    Session,
    end_session,
    grant_tokens,
    licences,
    person_session,
    token_pair,
)

web = Blueprint("alemba_web", __name__, url_prefix="/alemba.web")
SESSION_TYPES = ("Analyst", "User")
VAGUE = "The user name or password is incorrect, or the user may not log in."

Form = dict[str, str]

ANALYST_SCOPE, USER_SCOPE = "session-type:Analyst", "session-type:User"


@web.post("/oauth/login")
def login() -> Response:
    form = _form()
    grant = form.get("grant_type")
    if not grant:
        return logout(form)
    handler = GRANTS.get(grant)
    if handler is None:
        raise oauth_error(400, "unsupported_grant_type", f"Grant type '{grant}' is not supported.")
    client = authenticated_client(form)
    response = json_response(handler(client, form), 200)
    response.headers["Cache-Control"] = "no-store"
    return response


def _form() -> Form:
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise oauth_error(
            400,
            "invalid_request",
            "Send the parameters form-encoded (application/x-www-form-urlencoded).",
        )
    return {key: value for key, value in request.form.items()}


def find_client(client_id: str | None) -> Any:
    clients = current_core().storage["api_clients"]
    if not client_id:
        return None
    with current_core().storage.connect() as connection:
        return connection.execute(
            sa.select(clients).where(clients.c.client_id == client_id)
        ).first()


def authenticated_client(form: Form) -> Any:
    client = find_client(form.get("client_id"))
    if client is None or not client.enabled:
        if deviation_on("AL-06"):
            raise oauth_error(400, "invalid_grant", "The client is unknown or not enabled.")
        raise oauth_error(401, "invalid_client", "The client is unknown or not enabled.")
    if client.secret_hash is not None and not secret_matches(
        form.get("client_secret", ""), client.secret_hash
    ):
        raise oauth_error(401, "invalid_client", "The client could not be authenticated.")
    return client


def session_type(client: Any, scope: str | None) -> str:
    """AL-05: the scope names the session type, case sensitive; the client may fix it."""
    if not scope:
        if client.session_type in SESSION_TYPES:
            return client.session_type
        raise oauth_error(
            400,
            "invalid_grant",
            "This client needs a scope: session-type:Analyst or session-type:User.",
        )
    if deviation_on("AL-05"):
        scope = {"session-type:analyst": ANALYST_SCOPE, "session-type:user": USER_SCOPE}.get(
            scope.lower(), scope
        )
    wanted = scope[len("session-type:") :] if scope.startswith("session-type:") else None
    if wanted not in SESSION_TYPES:
        raise oauth_error(
            400,
            "invalid_grant",
            "The scope must be session-type:Analyst or session-type:User (case sensitive).",
        )
    if client.session_type in SESSION_TYPES and wanted != client.session_type:
        raise oauth_error(
            400, "invalid_grant", f"This client may only start {client.session_type} sessions."
        )
    return wanted


def find_person(login_id: str) -> Any:
    storage = current_core().storage
    persons, logins = storage["persons"], storage["logins"]
    with storage.connect() as connection:
        return connection.execute(
            sa.select(persons, logins.c.password_hash, logins.c.enabled.label("login_enabled"))
            .join(logins, logins.c.person_ref == persons.c.ref)
            .where(persons.c.login_id == login_id.strip().upper())
        ).first()


def may_log_in(person: Any, kind: str) -> bool:
    flag = person.is_analyst == "Y" if kind == "Analyst" else person.is_user == "YES"
    return bool(person.login_enabled) and person.active == "A" and flag


def password_grant(client: Any, form: Form) -> dict[str, Any]:
    kind = session_type(client, form.get("scope"))
    person = find_person(form.get("username", ""))
    if person is None or not password_matches(form.get("password", ""), person.password_hash):
        raise oauth_error(400, "invalid_grant", VAGUE)
    if not may_log_in(person, kind):
        raise oauth_error(400, "invalid_grant", VAGUE)
    return grant_tokens(person_session(person, kind, client.client_id))


def refresh_grant(client: Any, form: Form) -> dict[str, Any]:
    raw = form.get("refresh_token")
    if not raw:
        raise oauth_error(400, "invalid_request", "refresh_token is required.")
    tokens = current_core().tokens
    found = tokens.lookup(raw, REFRESH)
    if found is None:
        raise oauth_error(
            401,
            "invalid_grant",
            "The refresh token is invalid, expired or already used. Log in again.",
        )
    session = Session.of(found.subject)
    if session.client != client.client_id:
        raise oauth_error(400, "invalid_grant", "The refresh token was issued to another client.")
    scope = form.get("scope")
    if scope and scope != f"session-type:{session.session_type}":
        raise oauth_error(400, "invalid_grant", "The scope differs from the session's.")
    spent = deviation_on("AL-03") or tokens.consume(raw, REFRESH) is not None  # AL-03: not spent
    if not spent:  # lost a race with a concurrent refresh
        raise oauth_error(401, "invalid_grant", "The refresh token has already been used.")
    if not licences().extend(session.session or "", REFRESH_TTL):
        raise oauth_error(401, "invalid_grant", "The session has ended. Log in again.")
    return token_pair(session)


def client_credentials_grant(client: Any, form: Form) -> dict[str, Any]:
    """Anonymous access: an access token without a refresh token or a licence."""
    kind = "Analyst" if deviation_on("AL-01") else ANONYMOUS  # full access: the wrong way
    session = Session(None, kind, None, None, client.client_id, (1,))
    return token_pair(session)


def authorization_code_grant(client: Any, form: Form) -> dict[str, Any]:
    raw = form.get("code")
    if not raw:
        raise oauth_error(400, "invalid_request", "code is required.")
    found = current_core().tokens.consume(raw, CODE)
    if found is None:
        raise oauth_error(400, "invalid_grant", "The code is invalid, expired or already used.")
    subject = found.subject
    if subject["client"] != client.client_id or subject["redirect_uri"] != form.get(
        "redirect_uri", subject["redirect_uri"]
    ):
        raise oauth_error(400, "invalid_grant", "The code was issued for another client.")
    person = find_person(subject["login"])
    if person is None or not may_log_in(person, subject["type"]):
        raise oauth_error(400, "invalid_grant", VAGUE)
    return grant_tokens(person_session(person, subject["type"], client.client_id))


GRANTS: dict[str, Callable[[Any, Form], dict[str, Any]]] = {
    "password": password_grant,
    "refresh_token": refresh_grant,
    "client_credentials": client_credentials_grant,
    "authorization_code": authorization_code_grant,
}


def logout(form: Form) -> Response:
    """AL-08: 200 done, 400 token invalid or missing, 401 ownership not proven,
    403 someone else's token, 404 valid but its session already removed."""
    core = current_core()
    raw = form.get("token")
    found = core.tokens.lookup(raw, REFRESH) if raw else None
    if found is None:
        raise ApiError(400, "None", "Token invalid or missing.")
    bearer = bearer_token()
    access = core.tokens.lookup(bearer, ACCESS) if bearer else None
    if access is None:
        raise ApiError(401, "None", "Not authorized: refresh the access token and try again.")
    session = found.subject["session"]
    if access.subject.get("session") != session and not deviation_on("AL-08"):
        raise ApiError(403, "NotAllowed", "That refresh token does not belong to you.")
    if licences(core).live(session) is None:
        raise ApiError(
            404, "RecordNotFound", "The refresh token's session has already been removed."
        )
    end_session(session, revoke=True)
    return json_response({"Message": "Logged out successfully."}, 200)
