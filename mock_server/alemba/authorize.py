"""A demo single sign-on page for the ``authorization_code`` grant.

``GET /alemba.web/oauth/authorize?client_id=&redirect_uri=&state=&scope=``
shows the people who may log in and a button; ``POST`` to the same URL (form
field ``username``, the query string kept) issues a one-time code (5 minutes)
and redirects to ``redirect_uri?code=...&state=...``. A client with an allowed
redirect URI accepts only URIs under it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from flask import redirect, request
from flask.wrappers import Response
from markupsafe import escape

from ..core import current_core
from .errors import oauth_error
from .oauth import find_client, find_person, may_log_in, session_type, web
from .sessions import CODE, CODE_TTL

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Alemba single sign-on (demo)</title></head>
<body><h1>Sign in to {client}</h1>
<p>This mock simulates single sign-on: pick a person and continue.</p>
<form method="post" action="{action}">
<select name="username">{options}</select>
<button type="submit">Continue</button></form></body></html>"""


def _checked() -> tuple[Any, str, str]:
    client = find_client(request.args.get("client_id"))
    if client is None or not client.enabled:
        raise oauth_error(401, "invalid_client", "The client is unknown or not enabled.")
    redirect_uri = request.args.get("redirect_uri", "")
    parts = urlsplit(redirect_uri)
    allowed = client.redirect_uri
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or (allowed and not redirect_uri.startswith(allowed))
    ):
        raise oauth_error(400, "invalid_request", "redirect_uri is missing or not allowed.")
    return client, redirect_uri, session_type(client, request.args.get("scope"))


@web.get("/oauth/authorize")
def authorize_page() -> Response:
    client, _uri, kind = _checked()
    options = "".join(
        f'<option value="{escape(login)}">{escape(name)} ({escape(login)})</option>'
        for login, name in _people(kind)
    )
    action = escape(request.full_path)
    html = PAGE.format(client=escape(client.name), action=action, options=options)
    return Response(html, 200, content_type="text/html; charset=utf-8")


@web.post("/oauth/authorize")
def authorize() -> Response:
    client, redirect_uri, kind = _checked()
    login = request.form.get("username") or request.args.get("username") or ""
    person = find_person(login)
    if person is None or not may_log_in(person, kind):
        raise oauth_error(400, "invalid_grant", "That person may not sign in here.")
    code = current_core().tokens.issue(
        CODE,
        {
            "client": client.client_id,
            "redirect_uri": redirect_uri,
            "type": kind,
            "login": person.login_id,
        },
        CODE_TTL,
    )
    query = {"code": code}
    if request.args.get("state") is not None:
        query["state"] = request.args["state"]
    separator = "&" if "?" in redirect_uri else "?"
    return redirect(f"{redirect_uri}{separator}{urlencode(query)}", 302)


def _people(kind: str) -> list[tuple[str, str]]:
    storage = current_core().storage
    persons, logins = storage["persons"], storage["logins"]
    flag = persons.c.is_analyst == "Y" if kind == "Analyst" else persons.c.is_user == "YES"
    with storage.connect() as connection:
        rows = connection.execute(
            sa.select(persons.c.login_id, persons.c.name)
            .join(logins, logins.c.person_ref == persons.c.ref)
            .where(flag, logins.c.enabled.is_(True), persons.c.active == "A")
            .order_by(persons.c.name)
        ).all()
    return [(row.login_id, row.name) for row in rows]
