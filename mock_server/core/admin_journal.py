"""Admin routes of the request journal: ``GET <base>/__admin/requests`` and ``.../count``.

Both take the same matcher: ``method``, ``path`` (a glob on the path as sent),
``status``, ``since`` (ISO 8601, on the mock's clock); the listing adds
``limit`` (1..1000, default 100). The listing reads them from the query
string, the count from a JSON body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, current_app, request
from flask.wrappers import Response

from .bodies import json_object
from .envelopes import admin_json
from .errors import ApiError
from .requestlog import Matcher
from .timefmt import iso_ms, parse_iso, to_naive_utc


def register_journal(admin: Blueprint) -> None:
    @admin.get("/requests")
    def list_requests() -> Response:
        limit = _int(request.args.get("limit", "100"), "limit")
        if not 1 <= limit <= 1000:
            raise ApiError(400, "invalid_body", "'limit' must be between 1 and 1000.")
        rows = _log().find(matcher(request.args), limit)
        return admin_json({"requests": [_shown(row) for row in rows]}, 200)

    @admin.post("/requests/count")
    def count_requests() -> Response:
        body = json_object(allow_empty=True)
        fields = {k: v if isinstance(v, str) else str(v) for k, v in body.items()
                  if v is not None and not isinstance(v, dict | list)}
        return admin_json({"count": _log().count(matcher(fields))}, 200)


def _log() -> Any:
    return current_app.extensions["apidouble"].requests


def matcher(fields: Mapping[str, str]) -> Matcher:
    status = fields.get("status")
    since = fields.get("since")
    try:
        moment = to_naive_utc(parse_iso(since)) if since else None
    except ValueError:
        raise ApiError(400, "invalid_body", "'since' must be an ISO 8601 date-time.") from None
    return Matcher(
        method=fields.get("method") or None,
        path=fields.get("path") or None,
        status=_int(status, "status") if status else None,
        since=moment,
    )


def _int(raw: str, name: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ApiError(400, "invalid_body", f"'{name}' must be an integer.") from None


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "at": iso_ms(row["at"]),
        "method": row["method"],
        "path": row["path"],
        "query": row["query"],
        "status": row["status"],
        "durationMs": row["duration_ms"],
        "remoteAddr": row["remote_addr"],
        "request": {"headers": row["request_headers"], "body": row["request_body"]},
        "response": {"headers": row["response_headers"], "body": row["response_body"]},
    }
