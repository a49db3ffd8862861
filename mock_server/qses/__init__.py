"""QS Enrolment Solutions (the "CRMS" API): the system's profile, composed from the core."""

from __future__ import annotations

from flask import Flask, request
from flask.wrappers import Response

from ..core import ApiError, Core, SystemProfile
from ..core.wirejson import dotnet
from . import views_auth, views_contacts, views_other, views_processes  # noqa: F401 (routes)
from .access import refuse_preflight
from .admin import register_admin
from .blueprint import API_PREFIX, api
from .data import apply_data, data_schema, export_data
from .deviations import DEVIATIONS, deviation_on
from .errors import JSON_UTF8, envelope, throttled
from .seed import credentials, seed
from .tables import define_tables
from .wsgi import NormalisePath

__all__ = ["DEVIATIONS", "profile", "rate_limit_error"]


def rate_limit_error(seconds: int) -> ApiError:
    """The 429 QS Enrolment answers when a throttle trips (for the core's 429 fault)."""
    return throttled(10, "Second", max(1, seconds))


def _headers(response: Response) -> Response:
    """JSON with charset whatever Accept says (QS-02); never a CORS header (QS-01)."""
    if not request.path.lower().startswith(API_PREFIX):
        return response
    if deviation_on("QS-01"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        response.headers.pop("Access-Control-Allow-Origin", None)
    if response.status_code != 429 and response.status_code != 204:
        response.headers["Content-Type"] = ("application/json" if deviation_on("QS-02")
                                            else JSON_UTF8)
    return response


def register_routes(app: Flask) -> None:
    app.before_request(refuse_preflight)
    app.after_request(_headers)
    app.register_blueprint(api)
    app.wsgi_app = NormalisePath(app.wsgi_app)  # type: ignore[method-assign]


def banner(core: Core) -> list[str]:
    return [f"  {c['username']} / {c['password']} ({len(c['endpoints'])} endpoints)"
            for c in credentials(core) if c["password"]]


#: what the shared core takes once its contracts land (deviations, faults, data files);
profile = SystemProfile(
    name="qses",
    title="QS Enrolment Solutions (CRMS)",
    envelope=envelope,
    define_tables=define_tables,
    seed=seed,
    credentials=credentials,
    register_routes=register_routes,
    wire_json=dotnet,
    register_admin=register_admin,
    banner=banner,
    deviations=DEVIATIONS,
    rate_limit_error=rate_limit_error,
    data_schema=data_schema,
    apply_data=apply_data,
    export_data=export_data,
)
