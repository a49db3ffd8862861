"""``<base>/__admin/data``: apply a data file (POST, JSON or YAML) or export the world (GET).

The same documents as ``apidouble serve --data FILE``; errors are the admin's
``{"error", "message"}`` with the message ``request:LINE: <json path>: <why>``
and the place also given as ``line`` and ``path``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.wrappers import Response

from .datafile import DataFileError, apply_document, dump, export_document, read_document
from .envelopes import admin_json
from .errors import ApiError

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
JSON_TYPES = ("application/json",)
SOURCE = "request"


def register(admin: Blueprint) -> None:
    admin.add_url_rule("/data", "data_import", import_data, methods=["POST"])
    admin.add_url_rule("/data", "data_export", export_data, methods=["GET"])


def import_data() -> Response:
    core = current_app.extensions["apidouble"]
    mimetype = request.mimetype or ""
    if mimetype not in YAML_TYPES + JSON_TYPES and not mimetype.endswith(("+json", "+yaml")):
        raise ApiError(415, "unsupported_media_type",
                       "Send the data file as application/json or application/yaml.")
    try:
        text = request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_data", "The body is not UTF-8 text.") from None
    try:
        document = read_document(text, SOURCE)
        apply_document(core, document)
    except DataFileError as error:
        raise ApiError(400, "invalid_data", str(error), line=error.line,
                       path=error.path) from None
    return admin_json({"system": document.system, "mode": document.mode,
                          "applied": True}, 200)


def export_data() -> Response:
    core = current_app.extensions["apidouble"]
    if core.profile.export_data is None:
        raise ApiError(404, "not_found", f"{core.profile.name!r} does not export data yet.")
    fmt = request.args.get("format") or _format_from_accept()
    if fmt not in ("json", "yaml"):
        raise ApiError(400, "invalid_body", "'format' must be json or yaml.")
    body = dump(export_document(core), fmt)
    content_type = "application/yaml" if fmt == "yaml" else "application/json"
    return Response(body, status=200, content_type=f"{content_type}; charset=utf-8")


def _format_from_accept() -> str:
    best = request.accept_mimetypes.best_match([*JSON_TYPES, *YAML_TYPES], default="")
    return "yaml" if best in YAML_TYPES else "json"
