"""The Alemba ASM profile: tables, seed, credentials, routes and admin extras."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask.wrappers import Response

from ..core import ApiError, Core, SystemProfile, current_core
from ..core.envelopes import admin_json
from ..core.timefmt import iso_ms
from ..core.wirejson import dotnet
from . import authorize  # noqa: F401  (registers the SSO page on the web blueprint)
from .api import api
from .data_section import apply_data, data_schema, export_data
from .deviations import CATALOGUE
from .errors import envelope
from .oauth import web
from .seed import credentials, seed
from .sessions import end_session, licences
from .tables import define_tables
from .urls import AlembaPaths


def register_routes(app: Flask) -> None:
    app.register_blueprint(web)
    app.register_blueprint(api)
    app.wsgi_app = AlembaPaths(app.wsgi_app)  # type: ignore[method-assign]


def register_admin(admin: Blueprint) -> None:
    """``/__admin/sessions`` (logon control) and ``/__admin/licences``."""
    admin.add_url_rule("/sessions", "alemba_sessions", list_sessions, methods=["GET"])
    admin.add_url_rule(
        "/sessions/<session>", "alemba_remove_session", remove_session, methods=["DELETE"]
    )
    admin.add_url_rule("/licences", "alemba_licences", licence_usage, methods=["GET"])


def list_sessions() -> Response:
    return admin_json(
        {
            "sessions": [
                {
                    "session": seat.session,
                    "sessionType": seat.pool,
                    "seat": seat.seat,
                    "personRef": seat.subject.get("person"),
                    "clientId": seat.subject.get("client"),
                    "startedAt": iso_ms(seat.started_at),
                    "expiresAt": iso_ms(seat.expires_at),
                }
                for seat in licences().sessions()
            ]
        },
        200,
    )


def remove_session(session: str) -> Response:
    """End a session as an administrator would: its licence is freed and its refresh token
    stops working, but stays recognisable (a logout with it answers 404, AL-08)."""
    if not end_session(session, revoke=False):
        raise ApiError(404, "not_found", f"No live session {session}.")
    return admin_json({"ok": True, "licences": licences().usage()}, 200)


def licence_usage() -> Response:
    return admin_json({"licences": licences(current_core()).usage()}, 200)


def banner(core: Core) -> list[str]:
    return [
        f"  {c['name']}: client_id={c['client_id']} username={c['username']} "
        f"password={c['password']} ({c['sessionType']})"
        for c in credentials(core)
        if not c["name"].endswith("-extra")
    ]


profile = SystemProfile(
    name="alemba",
    title="Alemba ASM",
    envelope=envelope,
    define_tables=define_tables,
    seed=seed,
    credentials=credentials,
    register_routes=register_routes,
    wire_json=dotnet,
    register_admin=register_admin,
    banner=banner,
    deviations=CATALOGUE,
    data_schema=data_schema,
    apply_data=apply_data,
    export_data=export_data,
)
