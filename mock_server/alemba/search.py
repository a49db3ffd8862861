"""The Search action of every entity (AL-14..AL-21): one parameterised SELECT per request.

Results carry ``_context`` and ``_self`` (the most specific kind: a call that is
an incident links to ``api:v1/incident/...``); ``$select`` adds values, paths
through lookups come back nested with their own links, aliases flat.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, request
from sqlalchemy.sql.elements import ColumnElement

from ..core import ApiError, current_core
from ..core.envelopes import json_response
from .deviations import deviation_on
from .entities import children
from .errors import bad_request
from .hypermedia import extra_columns
from .links import PREFIX
from .params import SearchParams, parse, path_of
from .prepared import PreparedSearch, prepared
from .query import FilterContext, FilterError, UnknownProperty, translate_filter
from .resolver import Node, Resolver
from .results import Keys, Output, Plan, ResultShaper
from .schema import Entity
from .sessions import Session
from .sources import partition_clause
from .visibility import require_reader, visible


def search(
    entity: Entity,
    session: Session,
    extra: ColumnElement[bool] | None = None,
    base: str | None = None,
) -> Response:
    params = parse(request.args)
    require_reader(entity, session)

    def build() -> PreparedSearch:
        return _prepare(entity, session, params, extra)

    search = prepared(entity, session, request.args, build) if extra is None else build()
    core = current_core()
    with core.storage.connect() as connection:
        if params.count:
            return Response(str(search.count(connection, session)), 200,
                            content_type="text/plain")
        total = search.count(connection, session) if params.inline_count else None
        skip = 0 if deviation_on("AL-15") else params.skip
        rows = search.rows(connection, session, params.top, skip) if params.top > 0 else []
    shaper = search.shaper
    body: dict[str, Any] = {
        "results": [shaper.result(row) for row in rows],
        "_self": _hint(base or f"{PREFIX}/{entity.resource}", params),
    }
    if total is not None and not deviation_on("AL-16"):
        body["__count"] = total
    return json_response(body, 200)


def _prepare(
    entity: Entity, session: Session, params: SearchParams, extra: ColumnElement[bool] | None
) -> PreparedSearch:
    """The search's statement and result layout, built from its options."""
    core = current_core()
    resolver = Resolver(entity, core.storage, session, core.clock.naive_now())
    for join in params.joins:
        _guard(
            lambda j=join: resolver.add_join(j.alias, j.entity, j.conditions, j.inner),
            "$innerJoin" if join.inner else "$leftJoin",
        )
    plan = _plan(resolver, params.select)
    where = sa.and_(
        visible(entity, resolver.root, session),
        _filters(resolver, params, session),
        extra if extra is not None else sa.true(),
    )
    query = _query(resolver, plan, where, params)
    return PreparedSearch(query, ResultShaper(entity, plan, list(query.selected_columns.keys())))


def _guard(action: Any, option: str) -> Any:
    try:
        return action()
    except UnknownProperty as error:
        where = f" on {error.entity}" if error.entity else ""
        raise bad_request(f"{option}: unknown property '{'.'.join(error.path)}'{where}.") from None


def _plan(resolver: Resolver, items: list[str]) -> Plan:
    plan = Plan([], {})
    for item in items:
        if item == "*":
            for prop in resolver.entity.props:
                resolved = resolver.scalar(Node(resolver.entity, resolver.root), prop)
                plan.outputs.append(
                    Output(
                        (prop.name,),
                        resolved.column,
                        resolved.data_type,
                        resolved.flag_true_values is not None,
                    )
                )
        elif item.startswith("@"):
            found = resolver.extension(item[1:])
            if found is None:
                raise bad_request(f"$select: unknown augmenter '{item[:60]}'.")
            plan.outputs.append(Output((item[1:],), found[0], found[1]))
        else:
            _plan_path(resolver, plan, item)
    return plan


def _plan_path(resolver: Resolver, plan: Plan, item: str) -> None:
    alias, _, text = item.rpartition(":")
    if deviation_on("AL-17"):
        alias = ""  # the alias is dropped: the value comes back under its path
    path = path_of(text.strip(), "$select")
    resolved = _guard(lambda: resolver.resolve(path), "$select")
    if alias and len(path_of(alias.strip(), "$select alias")) != 1:
        raise bad_request(f"$select: an alias is one name, not '{alias[:40]}'.")
    keys: Keys = (alias.strip(),) if alias else path
    plan.outputs.append(
        Output(keys, resolved.column, resolved.data_type, resolved.flag_true_values is not None)
    )
    if not alias:
        for size in range(1, len(path)):
            plan.nodes.setdefault(path[:size], _target(resolver, path[:size]))


def _target(resolver: Resolver, prefix: Keys) -> Node:
    if len(prefix) == 1 and prefix[0] in resolver.aliases:
        return resolver.node(resolver.aliases[prefix[0]])
    return resolver.node(prefix)


def _filters(resolver: Resolver, params: SearchParams, session: Session) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if params.partition is not None and resolver.entity.partitioned and not deviation_on("AL-21"):
        root = resolver.root
        inside = root.c.partition_ref == params.partition
        clauses.append(partition_clause(resolver.entity, root, inside))
    if params.filter is not None:
        core = current_core()
        context = FilterContext(
            now=core.clock.now(),
            local_tz=_zone(),
            user_id=session.person,
            organization_id=session.organization,
        )
        if deviation_on("AL-20"):  # the filter sees no join aliases
            resolver = copy.copy(resolver)
            resolver.aliases = {}
        try:
            clauses.append(translate_filter(params.filter, resolver, context))
        except FilterError as error:
            if deviation_on("AL-18"):
                raise ApiError(500, "None", "An error has occurred.") from None
            raise bad_request(f"$filter: {error.message}", kind="QueryParseException") from None
    return sa.and_(sa.true(), *clauses)


def _zone() -> Any:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = current_core().config.time_zone or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _query(
    resolver: Resolver, plan: Plan, where: ColumnElement[bool], params: SearchParams
) -> sa.Select:
    entity, root = resolver.entity, resolver.root
    key = root.c[entity.key.column]
    order: list[Any] = []
    for path, descending in params.orderby:
        resolved = _guard(lambda p=path: resolver.resolve(p), "$orderby")
        if resolved.data_type == "Binary":
            raise bad_request(f"$orderby: cannot order by Binary property '{'.'.join(path)}'.")
        order.append(resolved.column.desc() if descending else resolved.column.asc())
    order.append(key.asc())
    columns: list[Any] = [key.label("__key")]
    columns += [
        root.c[child.by_name[child.kind[0]].column].label(f"__kind{i}")  # type: ignore[index]
        for i, child in enumerate(children(entity))
    ]
    if entity.subtypes:
        columns.append(root.c.asset_type.label("__subtype"))
    columns += [root.c[name].label(f"__x_{name}") for name in extra_columns(entity)]
    columns += [output.column.label(f"c{i}") for i, output in enumerate(plan.outputs)]
    columns += [
        node.table.c[node.entity.key.column].label(f"n{i}")
        for i, node in enumerate(plan.nodes.values())
    ]
    return sa.select(*columns).select_from(resolver.from_clause()).where(where).order_by(*order)


def _hint(base: str, params: SearchParams) -> str:
    """The response's ``_self``: the options as sent (never the token) and the ``$top`` applied."""
    pairs = [
        (key, value)
        for key, value in request.args.items(multi=True)
        if key != "Login_Token" and key != "$top"
    ]
    pairs.append(("$top", str(params.top)))
    query = "&".join(f"{key}={quote(value, safe=',:()*@.$!=<>|')}" for key, value in pairs)
    return f"{base}?{query}"
