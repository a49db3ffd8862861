"""The qa app's non-router endpoints (composite calculation, searcher) and the
attachment files themselves under ``/media/``."""

from __future__ import annotations

import mimetypes
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, g, request

from ..core import current_core
from . import access, bodies, calculation, real311
from . import evaluation as ev
from .errors import method_not_allowed, not_found
from .respond import metadata, respond

COMPOSITE_METHODS = ("POST", "OPTIONS")
SEARCH = {  # kind -> (table, label column)
    "test": ("tests", "name"), "test_list": ("testlists", "name"),
    "test_list_cycle": ("testlistcycles", "name"),
    "test_instance": ("testinstances", "comment"),
    "test_list_instance": ("testlistinstances", "user_key"),
}


def composite(app: str) -> Response:
    """Composite values without saving; always 200, ``success: false`` for a bad body."""
    g.qatrack_allow = COMPOSITE_METHODS
    if request.method not in COMPOSITE_METHODS:
        raise method_not_allowed(COMPOSITE_METHODS)
    if request.method == "OPTIONS":
        return metadata("Composite Calculation")
    try:
        data, _form = bodies.parse()
    except Exception:  # noqa: BLE001 - the real view answers 200 for any bad body
        data = None
    values = data.get("qavalues", data.get("tests")) if isinstance(data, dict) else None
    if not isinstance(values, dict):
        return respond({"success": False, "errors": ["Invalid QA Values"], "results": {},
                        "skips": {}})
    plain = {str(k): (v.get("value") if isinstance(v, dict) else v) for k, v in values.items()}
    results = {slug: _result(slug, result)
               for slug, result in calculation.evaluate_all(_procedures(data, plain),
                                                            plain).items()}
    return respond({"success": True, "errors": [], "results": results, "skips": {}})


def _procedures(data: dict[str, Any], values: dict[str, Any]) -> dict[str, str]:
    storage = current_core().storage
    tests = storage["tests"]
    query = sa.select(tests.c.id, tests.c.slug, tests.c.calculation_procedure).where(
        tests.c.type.in_(sorted(ev.CALCULATED_TYPES)))
    ids = data.get("composite_ids")
    with storage.connect() as connection:
        rows = connection.execute(query).all()
    chosen = {}
    for row in rows:
        procedure = row.calculation_procedure or ""
        needs = calculation.dependencies(procedure)
        wanted = (row.id in ids) if isinstance(ids, list) else (needs and needs <= values.keys())
        if wanted and row.slug not in values:
            chosen[row.slug] = procedure
    return chosen


def _result(slug: str, result: calculation.CompositeResult) -> dict[str, Any]:
    value = result.value
    formatted = ev.format_value(value) if isinstance(value, float) else (value or "")
    return {"value": value, "formatted": formatted, "error": result.error,
            "user_attached": [], "comment": ""}


def searcher(app: str, kind: str) -> Response:
    allowed = ("GET", "HEAD", "OPTIONS")
    g.qatrack_allow = allowed
    access.authenticate()  # anonymous callers may search (3.1.1); a bad token is still 401
    if kind not in SEARCH:
        raise not_found()
    if request.method not in allowed:
        raise method_not_allowed(allowed)
    if "q" not in request.args and real311.mode():
        return real311.server_error()
    name, column = SEARCH[kind]
    storage = current_core().storage
    table = storage[name]
    query = sa.select(table.c.id, table.c[column]).order_by(table.c.id).limit(50)
    term = request.args.get("q", "")
    if term:
        query = query.where(table.c[column].icontains(term, autoescape=True))
    with storage.connect() as connection:
        items = [{"id": row[0], "name": row[1]} for row in connection.execute(query)]
    return respond({"items": items})


def media(attachment_id: int, filename: str) -> Response:
    storage = current_core().storage
    table = storage["attachments"]
    with storage.connect() as connection:
        row = connection.execute(sa.select(table.c.filename, table.c.content).where(
            table.c.id == attachment_id)).first()
    if row is None or row.filename != filename:
        raise not_found()
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Response(row.content or b"", content_type=kind)


def register(app: Flask) -> None:
    app.add_url_rule("/media/uploads/attachments/<int:attachment_id>/<path:filename>",
                     "qatrack_media", media, methods=["GET"])
