"""The Integration hub (AS-13): HTML pages under ``<base>/integration-hub/``.

Per-set API documentation generated from the set's definition, the API log
(a view over the core request log: token name, operation, status, duration)
and the token list (masked).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, request

from ..core import current_core
from ..core.requestlog import Matcher
from .model import load_set, set_ids

FIELD_HEADINGS = ["Name", "Label", "Type", "Required", "Options"]
hub = Blueprint("alisqi_hub", __name__, url_prefix="/integration-hub")
STYLE = ("body{font-family:system-ui,sans-serif;margin:0;color:#222}header{background:#0b5"
         "394;color:#fff;padding:12px 24px}header a{color:#fff;margin-right:16px}main{padding"
         ":16px 24px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
         "text-align:left}pre{background:#f4f4f4;padding:8px;overflow:auto}")


def page(title: str, body: str) -> Response:
    base = request.script_root + "/integration-hub"
    html = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(title)} - "
            f"AlisQI Integration hub</title><style>{STYLE}</style></head><body><header>"
            f"<a href=\"{base}/\">Integration hub</a><a href=\"{base}/log\">API log</a>"
            f"<a href=\"{base}/tokens\">Tokens</a></header><main><h1>{escape(title)}</h1>"
            f"{body}</main></body></html>")
    return Response(html, content_type="text/html; charset=utf-8")


def table(headings: list[str], rows: list[list[Any]], css: str) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


@hub.get("/")
def index() -> Response:
    core = current_core()
    with core.storage.connect() as connection:
        sets = [load_set(core, connection, i) for i in set_ids(core, connection)]
    items = "".join(f'<li><a href="sets/{s.id}">{escape(s.name)}</a> '
                    f'({"analysis set" if s.transactional else "selection list"})</li>'
                    for s in sets if s is not None)
    return page("Integration hub", f"<h2>API documentation</h2><ul class=\"sets\">{items}"
                "</ul><p>Rate limit: see the X-RateLimit-* headers of every response.</p>")


def _example(definition: Any) -> dict[str, Any]:
    samples = {"number": 1.23, "text": "ABC-123", "memo": "Free text", "checkbox": True,
               "date": "2026-01-31", "datetime": "2026-01-31 14:00:00",
               "attachment": "report.pdf"}
    out: dict[str, Any] = {"date": "2026-01-31 14:00:00"}
    for f in definition.fields.values():
        if f.type in ("selection", "multiselection"):
            first = next(iter(f.options.values()), "")
            out[f.name] = [first] if f.type == "multiselection" else first
        else:
            out[f.name] = samples[f.type]
    return out


@hub.get("/sets/<int:set_id>")
def set_page(set_id: int) -> Response:
    core = current_core()
    with core.storage.connect() as connection:
        definition = load_set(core, connection, set_id)
    if definition is None:
        return Response(page("Not found", "<p>No such set.</p>").get_data(), status=404,
                        content_type="text/html; charset=utf-8")
    rows = [[f.name, f.label, f.type, "yes" if f.required else "no",
             ", ".join(f.options.values())] for f in definition.fields.values()]
    base = request.host_url.rstrip("/") + request.script_root + "/api"
    results = json.dumps([_example(definition)])
    get_call = f'curl -H "Authorization: Bearer $TOKEN" "{base}/getResults?setId={set_id}&limit=10"'
    store_call = (f'curl -H "Authorization: Bearer $TOKEN" -d setId={set_id} '
                  f"--data-urlencode 'results={results}' \"{base}/storeResults\"")
    body = (f"<p>Set id <b class=\"set-id\">{set_id}</b>, "
            f"{'analysis set' if definition.transactional else 'selection list'}.</p>"
            f"<h2>Fields</h2>{table(FIELD_HEADINGS, rows, 'fields')}"
            f"<h2>Example getResults call</h2><pre class=\"get\">{escape(get_call)}</pre>"
            f"<h2>Example storeResults call</h2><pre class=\"store\">{escape(store_call)}</pre>")
    return page(f"API documentation: {definition.name}", body)


@hub.get("/log")
def log() -> Response:
    core = current_core()
    rows = []
    for entry in core.requests.find(Matcher(), 200):
        if "/api/" not in entry["path"]:  # the path as sent: a mount prefix may stand before
            continue
        rows.append([entry["at"].strftime("%Y-%m-%d %H:%M:%S"), entry.get("subject") or "-",
                     entry["path"].rsplit("/api/", 1)[1], entry["status"],
                     f"{entry['duration_ms']:.1f} ms"])
    return page("API log", table(["Time (UTC)", "Token", "Operation", "Status", "Duration"],
                                 rows, "log"))


@hub.get("/tokens")
def tokens() -> Response:
    core = current_core()
    t, users = core.storage["tokens"], core.storage["users"]
    query = (sa.select(t, users.c.name.label("user_name")).join(users, users.c.id == t.c.user_id)
             .order_by(t.c.id))
    with core.storage.connect() as connection:
        rows = [[r.name, r.user_name, r.token_prefix, ", ".join(json.loads(r.ip_whitelist)) or
                 "-", "revoked" if r.revoked_at else "active"]
                for r in connection.execute(query)]
    return page("Authentication tokens",
                table(["Name", "User", "Token", "IP whitelist", "Status"], rows, "tokens"))
