"""AlisQI: the system's profile, composed from the shared core.

The installation (sets, lists, fields, users, groups, tokens, specifications,
results) is data: the seed is an installation document applied with
:func:`.installation.apply_data`, the same function a data file goes through.
"""

from __future__ import annotations

from flask import Flask, Response

from ..core import ApiError, Core, SystemProfile
from ..core.envelopes import json_response
from ..core.wirejson import php
from . import api_read, api_specs, api_store  # noqa: F401  (routes)
from .access import authenticate, metered, rate_headers, rate_limited
from .admin_tokens import register_admin
from .blueprint import api
from .deviations import DEVIATIONS
from .hub import hub
from .install_schema import data_schema
from .installation import apply_data, export_data
from .seed import credentials, seed
from .spec_gen import current_spec, installation_spec
from .tables import define_tables

__all__ = ["DEVIATIONS", "apply_data", "data_schema", "export_data", "installation_spec",
           "profile", "rate_limit_error"]

MESSAGES = {404: "Unknown API endpoint", 405: "Method not allowed for this endpoint"}


def envelope(error: ApiError) -> Response:
    """``{"error": "..."}``; a 429 is the plain string the vendor sends (AS-12)."""
    if error.status == 429:
        return Response(error.message, status=429, content_type="text/plain; charset=utf-8")
    message = MESSAGES.get(error.status, error.message) if error.code in (
        "not_found", "method_not_allowed") else error.message
    return json_response({"error": message}, error.status)


def rate_limit_error(seconds: int) -> ApiError:
    """What a 429 fault answers: our own limit's error (contract ``rate_limit_error``)."""
    return rate_limited(seconds)


def register_routes(app: Flask) -> None:
    @app.before_request
    def _authenticate() -> None:
        if metered():
            authenticate()

    app.after_request(rate_headers)
    app.register_blueprint(api)
    app.register_blueprint(hub)


def docs_authorization(core: Core) -> dict[str, str]:
    """The docs page signs in with the demo token that may write the most sets."""
    found = credentials(core)
    best = max(found, key=lambda c: sum(v == "write" for v in c["permissions"].values()),
               default=None)
    return {"bearerAuth": best["token"]} if best else {}


def banner(core: Core) -> list[str]:
    return [f"  {c['tokenName']} ({c['userName']}): {c['token']}" for c in credentials(core)]


profile = SystemProfile(
    name="alisqi",
    title="AlisQI",
    envelope=envelope,
    define_tables=define_tables,
    seed=seed,
    credentials=credentials,
    register_routes=register_routes,
    wire_json=php,
    register_admin=register_admin,
    banner=banner,
    openapi_document=current_spec,
    docs_authorization=docs_authorization,
    deviations=DEVIATIONS,
    rate_limit_error=rate_limit_error,
    data_schema=data_schema,
    apply_data=apply_data,
    export_data=export_data,
)
