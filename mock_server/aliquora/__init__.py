"""Aliquora LIMS (REST v1): the system's profile, composed from the shared core."""

from __future__ import annotations

from flask import Flask
from flask.wrappers import Response

from ..core import ApiError, Core, SystemProfile
from ..core.envelopes import json_response, slug_json
from ..core.shapes import Shape
from ..core.wirejson import javascript
from . import api_reference, api_results, api_samples, api_uploads  # noqa: F401  (routes)
from .access import rate_limit_error
from .admin_keys import register_admin
from .blueprint import api, make_validator
from .data_section import apply_data, data_schema, export_data
from .deviations import DEVIATIONS
from .seed import credentials, seed
from .serializers import SAMPLE
from .tables import define_tables

#: canonical core codes that Aliquora spells with its own slugs (AQ-29)
RENAMED = {"payload_too_large": "invalid_body", "unsupported_media_type": "invalid_body"}

def envelope(error: ApiError) -> Response:
    """``{error, message}``; plan limits carry ``code`` instead of ``error`` (AQ-14)."""
    if error.code == "plan_limit":
        return json_response({"code": error.fields["limit_code"], "message": error.message},
                             error.status)
    if error.code in RENAMED:
        error = ApiError(error.status, RENAMED[error.code], error.message,
                         headers=error.headers, **error.fields)
    return slug_json(error)

def register_routes(app: Flask) -> None:
    app.extensions["aliquora_validator"] = make_validator()
    samples = app.extensions["apidouble"].storage["samples"]
    app.extensions["aliquora_shapes"] = {"samples": Shape(samples, SAMPLE)}
    app.register_blueprint(api)

def docs_authorization(core: Core) -> dict[str, str]:
    """The docs page signs in with the first key whose plan includes the API."""
    keys = [c["apiKey"] for c in credentials(core) if c["plan"] == "api"]
    return {"bearerAuth": keys[0]} if keys else {}

def banner(core: Core) -> list[str]:
    return [f"  {c['organizationName']} ({c['role']}, plan {c['plan']}): {c['apiKey']}"
            for c in credentials(core)]

profile = SystemProfile(
    name="aliquora",
    title="Aliquora LIMS",
    envelope=envelope,
    define_tables=define_tables,
    seed=seed,
    credentials=credentials,
    register_routes=register_routes,
    wire_json=javascript,
    register_admin=register_admin,
    banner=banner,
    docs_authorization=docs_authorization,
    deviations=DEVIATIONS,
    rate_limit_error=rate_limit_error,
    data_schema=data_schema,
    apply_data=apply_data,
    export_data=export_data,
)
