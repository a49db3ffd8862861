"""getAllSets, getSetDefinition and getResults (AS-03, AS-04, AS-11)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

import sqlalchemy as sa
from flask import Response, request

from ..core import current_core
from ..core.storage import utc_datetime
from ..core.wirejson import encoded
from .access import caller
from .blueprint import api, first_matching, ok, rows_of, the_set
from .deviations import deviation_on
from .model import DATE_FIELD, SetDef, load_set
from .query import field_list, flag, integer, ordering, param, parse_filter, sort_key
from .values import result_renderer

RESULT_CAP = 10_000
FLAGS = ("includeId", "includeAttachments", "includeLastModificationDate")


def definition_json(definition: SetDef, group: Any, only_active: bool = True) -> dict[str, Any]:
    """Our documented shape of a set definition (spec: SetDefinition)."""
    fields: list[dict[str, Any]] = [{"name": DATE_FIELD, "label": "Date", "type": "datetime",
                                     "required": False, "active": True}]
    for f in definition.fields.values():
        if only_active and not f.active:
            continue
        doc: dict[str, Any] = {"name": f.name, "label": f.label, "type": f.type,
                               "required": f.required, "active": f.active}
        if f.type == "number":
            doc["decimals"], doc["unit"] = f.decimals, f.unit
        if f.type in ("selection", "multiselection"):
            doc["listId"] = f.list_id
            doc["options"] = [{"id": i, "label": label} for i, label in f.options.items()]
        fields.append(doc)
    return {"id": definition.id, "name": definition.name,
            "type": "analysis" if definition.transactional else "list",
            "groupId": definition.group_id, "groupName": group.name if group else None,
            "topLevelMenu": group.top_level_menu if group else None,
            "indexField": definition.index_field,
            "fields": [] if deviation_on("AS-03") else fields}


def _groups() -> dict[int, Any]:
    core = current_core()
    table = core.storage["menu_groups"]
    with core.storage.connect() as connection:
        return {g.id: g for g in connection.execute(sa.select(table))}


@api.get("/getSetDefinition")
def get_set_definition() -> Response:
    definition = the_set("read")
    only_active = (param("onlyActiveFields") or "true").strip().lower() not in ("0", "false")
    return ok(definition_json(definition, _groups().get(definition.group_id), only_active))


def _wanted_groups(groups: dict[int, Any]) -> set[int]:
    raw = param("groups") or "1,2"
    wanted = set()
    for item in (part.strip() for part in raw.split(",")):
        if item.isdigit():
            wanted.add(int(item))
        wanted.update(g.id for g in groups.values() if g.name.lower() == item.lower())
    return wanted


@api.get("/getAllSets")
def get_all_sets() -> Response:
    groups = _groups()
    wanted = _wanted_groups(groups)
    names = {n.strip() for n in (param("names") or "").split(",") if n.strip()}
    core = current_core()
    readable = caller().permissions
    out = []
    with core.storage.connect() as connection:
        for set_id in sorted(readable):
            definition = load_set(core, connection, set_id)
            if definition is None or definition.group_id not in wanted:
                continue
            if names and definition.name not in names:
                continue
            out.append(definition_json(definition, groups.get(definition.group_id)))
    return ok(out)


def _validators(definition: SetDef) -> tuple[str, str]:
    etag = hashlib.sha256(f"{definition.id}:{definition.revision}:{request.query_string!r}"
                          .encode()).hexdigest()[:32]
    modified = utc_datetime(definition.modified_at)
    return f'"{etag}"', format_datetime(modified.replace(microsecond=0), usegmt=True) \
        if modified else ""


def _not_modified(etag: str, last_modified: str) -> bool:
    match = request.headers.get("If-None-Match")
    if match:
        return etag in [m.strip().removeprefix("W/") for m in match.split(",")] or match == "*"
    since = request.headers.get("If-Modified-Since")
    if since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


@api.get("/getResults")
def get_results() -> Response:
    definition = the_set("read")
    etag, last_modified = _validators(definition)
    headers = {"ETag": etag, "Last-Modified": last_modified, "Cache-Control": "no-cache"}
    if _not_modified(etag, last_modified):
        return Response(status=304, headers=headers)
    body = current_core().pages.fetch(("getResults", definition.id, request.full_path),
                                      lambda: _page(definition))
    return Response(body, status=200, content_type="application/json", headers=headers)


def _page(definition: SetDef) -> bytes:
    names = field_list(definition, param("fields"))
    by, descending = sort_key(definition, param("sort"))
    test = parse_filter(definition, param("filter"))
    limit = integer("limit", 100, RESULT_CAP)
    offset = integer("offset", 0, 10**9)
    flags = {name: flag(name) for name in FLAGS}
    if by == DATE_FIELD and test is None:
        page = rows_of(definition, oldest_first=not descending, limit=limit, offset=offset)
    elif by == DATE_FIELD and test is not None:
        page = first_matching(definition, test, offset + limit,
                              oldest_first=not descending)[offset:]
    else:
        rows = rows_of(definition)
        if test is not None:
            rows = [row for row in rows if test(row[2], row[1])]
        rows.sort(key=ordering(definition, by), reverse=descending)
        page = rows[offset:offset + limit]
    shift = timedelta(hours=1) if deviation_on("AS-11") else None
    render = result_renderer(definition, names, flags)
    return encoded([render(row[0], row[1] + shift if shift else row[1], row[2], row[3])
                    for row in page])
