"""Reading one record: the lowest layer under reads, writes and performing.

``views_read`` dispatches to ``writes`` and ``perform_views``; all three read
records through this module, so no view module imports another's helpers.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.driver_sql import row_by_id
from . import links
from .drf_fields import Invalid
from .errors import not_found
from .model import Resource
from .registry import RESOURCES
from .respond import respond
from .serialize import Serializer


def fetch(resource: Resource, row_id: int) -> Any:
    storage = current_core().storage
    with storage.connect() as connection:
        return _row(connection, resource, row_id)


def detail_response(resource: Resource, row_id: int, status: int = 200) -> Response:
    storage = current_core().storage
    with storage.connect() as connection:
        row = _row(connection, resource, row_id)
        return respond(Serializer(connection, resource, detail=True).one(row), status)


def _row(connection: Connection, resource: Resource, row_id: int) -> Any:
    """The resource's row of ``row_id`` (404 when there is none), on the driver: every
    detail, and every write's answer, reads one."""
    storage = current_core().storage
    row = storage.driver(row_by_id, storage[resource.table]).first(connection, {"id": row_id})
    if row is None:
        raise not_found()
    return row


def existing(key: str, value: Any) -> int:
    """The primary key a hyperlink names, when that object exists."""
    try:
        pk = links.resolve_pk(value, key)
    except links.HyperlinkError as exc:
        raise Invalid(str(exc)) from None
    storage = current_core().storage
    with storage.connect() as connection:
        found = storage.driver(row_by_id, storage[RESOURCES[key].table]).first(
            connection, {"id": pk})
    if found is None:
        raise Invalid(links.DOES_NOT_EXIST)
    return pk
