"""The admin interface at ``<base>/__admin/``: credentials, reset, clock, request log.

It is the mock's own side door (documented in ``spec/admin.yaml``): errors are
always ``{"error", "message"}`` whatever the system's own style. It refuses
cross-site browser requests and, when ``Config.admin_token`` is set (``serve``
sets one beyond loopback), every request without that token (see
:mod:`.adminguard`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from flask.wrappers import Response

from . import admin_data
from .admin_docs import register_docs
from .admin_standin import register_standin
from .adminguard import ADMIN_PREFIX, check_admin_request
from .bodies import int_arg, json_object
from .envelopes import admin_json
from .errors import ApiError
from .timefmt import iso_ms


def _core() -> Any:
    return current_app.extensions["apidouble"]


def admin_blueprint(profile: Any) -> Blueprint:
    admin = Blueprint("apidouble_admin", __name__, url_prefix=ADMIN_PREFIX)

    @admin.before_request
    def guard() -> None:
        check_admin_request(_core().config.admin_token)

    @admin.get("/")
    def index() -> Response:
        endpoints = sorted(
            {rule.rule for rule in current_app.url_map.iter_rules()
             if rule.rule.startswith(f"{ADMIN_PREFIX}/")}
        )
        return admin_json({"system": profile.name, "endpoints": endpoints}, 200)

    @admin.get("/credentials")
    def credentials() -> Response:
        core = _core()
        return admin_json(
            {"system": profile.name, "credentials": profile.credentials(core)}, 200
        )

    @admin.post("/reset")
    def reset() -> Response:
        core = _core()
        core.reset()
        core.requests.clear()
        return admin_json({"ok": True, "now": iso_ms(core.clock.now())}, 200)

    @admin.get("/clock")
    def clock() -> Response:
        return _clock_body()

    @admin.post("/clock")
    def advance_clock() -> Response:
        body = json_object()
        advance = body.get("advance")
        if isinstance(advance, bool) or not isinstance(advance, int | float) or advance < 0:
            raise ApiError(400, "invalid_body", "'advance' must be a number of seconds >= 0.")
        _core().clock.advance(float(advance))
        return _clock_body()

    register_docs(admin)
    register_standin(admin, profile)
    @admin.get("/requests")
    def requests_log() -> Response:
        limit = int_arg("limit", code="invalid_body", default=100) or 100
        if not 1 <= limit <= 1000:
            raise ApiError(400, "invalid_body", "'limit' must be between 1 and 1000.")
        rows = _core().requests.recent(limit)
        for row in rows:
            row["durationMs"] = row.pop("duration_ms")
            row["remoteAddr"] = row.pop("remote_addr")
            row["at"] = iso_ms(row["at"])
        return admin_json({"requests": rows}, 200)

    admin_data.register(admin)
    if profile.register_admin is not None:
        profile.register_admin(admin)
    return admin


def _clock_body() -> Response:
    core = _core()
    return admin_json(
        {"now": iso_ms(core.clock.now()), "offsetSeconds": core.clock.offset()}, 200
    )

