"""List and detail endpoints of every resource, and the method dispatch to writes.

DRF's order holds: authenticate, check model permissions (403 before 405 for
a user who may not write the model), throttle, then the handler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, g, request

from ..core import current_core
from ..core.deviations import active_deviations
from ..core.listing import KeptListing, Listing, QueryListing, from_second_sight
from ..core.pagination import limit_offset_page, offset_arg
from . import access, dates, filters, perform_views, writes
from .deviations import deviation_on
from .errors import field_errors, method_not_allowed, not_found
from .model import Resource
from .records import detail_response, fetch
from .registry import find
from .respond import metadata, respond
from .serialize import Serializer

PERFORM = "qa/testlistinstances"
#: ``Storage.keep``'s group of list statements kept by shape, and how many it holds
LISTS = "qatrack.lists"
MAX_LISTS = 256
#: parameters that choose a page of a list, not its statement
PAGE = frozenset(("limit", "offset"))


def collection(app: str, name: str) -> Response:
    resource: Resource = find(app, name)  # type: ignore[assignment]
    allowed = resource.allowed_list
    g.qatrack_allow = allowed
    access.require(resource.model, allowed)
    method = request.method
    if method not in allowed:
        raise method_not_allowed(allowed)
    if method == "OPTIONS":
        return metadata(f"{resource.title} List")
    if method == "POST":
        if resource.key == PERFORM:
            return perform_views.create()
        return writes.create(resource)
    return list_response(resource)


def item(app: str, name: str, pk: str) -> Response:
    resource: Resource = find(app, name)  # type: ignore[assignment]
    allowed = resource.allowed_detail
    g.qatrack_allow = allowed
    access.require(resource.model, allowed)
    method = request.method
    if method not in allowed:
        raise method_not_allowed(allowed)
    row_id = _pk(pk)
    if resource.app == "qa" and deviation_on("QT-07"):
        raise not_found()
    if method == "OPTIONS":
        fetch(resource, row_id)
        return metadata(f"{resource.title} Instance")
    if method in ("PUT", "PATCH"):
        if resource.key == PERFORM:
            return perform_views.update(row_id)
        return writes.update(resource, row_id, partial=method == "PATCH")
    if method == "DELETE":
        return writes.delete(resource, row_id)
    return detail_response(resource, row_id)


def _pk(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise not_found() from None
    if not 0 < value < 2**63:
        raise not_found()
    return value


def list_response(resource: Resource) -> Response:
    storage = current_core().storage
    limit = offset_arg(_last("limit"), resource.page_size, strict=True)
    offset = offset_arg(_last("offset"), 0, strict=False)
    keyed = not active_deviations()  # they change how filters are read: nothing is kept
    kept = _kept_list(resource) if keyed else None
    listing: Listing
    if kept is not None and kept.listing is not None:
        listing, choices = kept.listing, kept.choices
    else:  # built for this request, its filters' targets checked as it was built; a shape
        # seen for the first time leaves no compiled form in the engine's cache
        listing, choices = QueryListing(_query(resource), once=keyed and kept is None), ()
    with storage.connect() as connection:
        gone = filters.choice_errors(connection, choices)
        if gone:  # deleted since the list was kept: the 400 of a list built afresh
            raise field_errors(gone)
        page = limit_offset_page(connection, listing, limit=limit, offset=offset,
                                 url=request_url())
        results = Serializer(connection, resource).many(page.rows)
    next_url = page.next_url
    if next_url and offset and deviation_on("QT-08"):
        next_url = re.sub(r"offset=\d+", "offset=0", next_url)  # back to the start
    return respond({"count": page.count, "next": next_url, "previous": page.previous_url,
                    "results": results})


@dataclass(frozen=True)
class KeptList:
    """A list's statement kept for a shape of request: on the driver (None where it cannot
    run there: an ``__in`` list compiles per request), and the targets its filters name
    by primary key, which must still exist whenever it runs."""

    listing: KeptListing | None
    choices: tuple[filters.Choice, ...]


def _query(resource: Resource, choices: list[filters.Choice] | None = None) -> sa.Select:
    table = current_core().storage[resource.table]
    return (sa.select(table).where(*filters.conditions(resource, request.args, choices))
            .order_by(*filters.ordering(resource, request.args)))


def _kept_list(resource: Resource) -> KeptList | None:
    """The statement kept for this request's filters and ordering from their second sight
    (``core.listing``), or None: this request builds its own.

    The key holds the resource, every parameter as sent but the page's, and the server's
    zone (dates in filters are local). The caller asks only while no deviation is on."""
    args = request.args
    key = ("qatrack.list", resource.key, dates.zone_name(),
           tuple((name, tuple(args.getlist(name))) for name in args if name not in PAGE))
    return from_second_sight(current_core().storage, key, lambda: _keep(resource),
                             group=LISTS, limit=MAX_LISTS)


def _keep(resource: Resource) -> KeptList:
    choices: list[filters.Choice] = []
    query = _query(resource, choices)
    try:
        listing = KeptListing(query, current_core().storage.engine.dialect)
    except ValueError:
        listing = None
    return KeptList(listing, tuple(choices))


def request_url() -> str:
    """Django's ``build_absolute_uri()``: host, escaped path, the query as sent."""
    path = quote(request.script_root + request.path, safe="/:@&+$,-_.!~*'()")
    query = request.query_string.decode("latin-1")
    return f"{request.host_url.rstrip('/')}{path}" + (f"?{query}" if query else "")


def _last(name: str) -> str | None:
    """A query parameter as Django's ``QueryDict`` gives it: the last of its values."""
    values = request.args.getlist(name)
    return values[-1] if values else None
