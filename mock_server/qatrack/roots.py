"""``/api/``, the app roots, ``/api/get-token/`` and ``/api/schema/``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Response, g, request

from ..core import ApiError, current_core
from ..core.hashing import password_matches
from . import access, bodies, drf_fields, links, real311, tokens
from .deviations import deviation_on
from .errors import field_errors, method_not_allowed, non_field, unauthorized
from .registry import RESOURCES, ROOT_APPS, URL_APPS, of_app
from .respond import metadata, respond
from .schema_doc import document

APP_ROOTS = set(URL_APPS)
ROOT_METHODS = ("GET", "HEAD", "OPTIONS")
#: ``/api/`` is a function view (``@api_view(["GET"])``): HEAD is 405 there
API_ROOT_METHODS = ("GET", "OPTIONS")
TOKEN_METHODS = ("POST", "OPTIONS")
#: the views anyone may call, which DRF's generator therefore shows anonymous callers
ANONYMOUS_PATHS = ("/get-token/", "/composite/", "/upload/")
LOGIN_FAILED = "Unable to log in with provided credentials."


def _read_only(allowed: tuple[str, ...] = ROOT_METHODS) -> None:
    g.qatrack_allow = allowed
    access.authenticate()
    if request.method not in allowed:
        raise method_not_allowed(allowed)


def _signed_in(allowed: tuple[str, ...]) -> None:
    """The roots need a signed-in user (3.1.1: anonymous ``GET /api/`` is 401)."""
    g.qatrack_allow = allowed
    if access.authenticate() is None:
        raise unauthorized()
    if request.method not in allowed:
        raise method_not_allowed(allowed)


def api_root() -> Response:
    _signed_in(API_ROOT_METHODS)
    if request.method == "OPTIONS":
        return metadata("Api Root")
    return respond({app: f"{links.base()}/api/{'qc' if app == 'qa' else app}"
                    for app in ROOT_APPS})


def app_root(app: str) -> Response:
    """DRF's ``DefaultRouter`` root: each endpoint's list URL (qa links at ``/api/qc/``)."""
    _signed_in(ROOT_METHODS)
    if request.method == "OPTIONS":
        return metadata("Api Root")
    return respond({r.name: links.list_link(r.key) for r in of_app(URL_APPS[app])})


def get_token() -> Response:
    _read_only(TOKEN_METHODS)
    if request.method == "OPTIONS":
        return metadata("Obtain Auth Token")
    data, _form = bodies.parse()
    if not isinstance(data, dict):
        raise non_field(f"Invalid data. Expected a dictionary, but got {type(data).__name__}.")
    values, errors = {}, {}
    for name, parse in (("username", drf_fields.char()),
                        ("password", drf_fields.char(trim=False))):
        try:
            values[name] = drf_fields.run(data, name, parse, required=True)
        except drf_fields.Invalid as exc:
            errors[name] = [exc.message]
    if errors:
        raise field_errors(errors)
    return respond({"token": _login(values["username"], values["password"])},
                   headers={"Vary": "Cookie"})


def _login(username: str, password: str) -> str:
    core = current_core()
    users = core.storage["users"]
    with core.storage.begin() as connection:
        user = connection.execute(sa.select(users).where(users.c.username == username)).first()
        if (user is None or not user.is_active or not user.password
                or user.password.startswith("!") or not password_matches(password, user.password)):
            if deviation_on("QT-01"):
                raise ApiError(401, "unauthorized", "Invalid credentials.")
            raise non_field(LOGIN_FAILED)
        return tokens.get_or_create(core, connection, user)


def schema() -> Response:
    """Our OpenAPI document; anonymous callers see only the views anyone may call
    (get-token, composite, upload), as DRF's generator shows them."""
    _read_only()
    if request.method == "OPTIONS":
        return metadata("Schema")
    full: dict[str, Any] = document(sorted(RESOURCES))
    if access.authenticate() is None or deviation_on("QT-05"):
        full = {**full, "paths": {path: item for path, item in full.get("paths", {}).items()
                                  if path.endswith(ANONYMOUS_PATHS)}}
    if real311.mode():
        return real311.schema(full)
    return respond(full)
