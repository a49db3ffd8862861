"""Rows to JSON the way QATrack+'s hyperlinked serializers write them.

Field order follows the resource description (``url`` first); relations are
absolute links; many-to-many links of a whole page are read in one query per
field. Computed fields are looked up in ``COMPUTED``, filled by ``computed.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from . import dates, links
from .deviations import deviation_on
from .model import Field, Resource
from .tables import through

Computed = Callable[["Serializer", Any], Any]
COMPUTED: dict[tuple[str, str], Computed] = {}


def computed_field(key: str, name: str) -> Callable[[Computed], Computed]:
    def register(function: Computed) -> Computed:
        COMPUTED[(key, name)] = function
        return function

    return register


class Serializer:
    def __init__(self, connection: Connection, resource: Resource, *,
                 detail: bool = False) -> None:
        self.connection = connection
        self.resource = resource
        self.detail = detail
        self.storage = current_core().storage
        self._many: dict[str, dict[int, list[int]]] = {}
        self._batch: list[int] = []
        self._in_batch: frozenset[int] = frozenset()
        self._batched: dict[str, dict[int, list[Any]]] = {}

    def many(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        ids = [row.id for row in rows]
        self._batch, self._in_batch = ids, frozenset(ids)
        for field in self.resource.fields:
            if field.kind == "links" and (self.detail or not field.detail_only):
                self._many[field.name] = self._prefetch(field, ids)
        return [self.one(row) for row in rows]

    def one(self, row: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"url": links.link(self.resource.key, row.id)}
        for field in self.resource.shown():
            if self.detail or not field.detail_only:
                out[field.name] = self.value(field, row)
        return out

    def value(self, field: Field, row: Any) -> Any:
        if field.kind == "computed":
            return COMPUTED[(self.resource.key, field.name)](self, row)
        if field.kind == "links":
            cached = self._many.get(field.name)
            targets = (cached.get(row.id, []) if cached is not None
                       else self._prefetch(field, [row.id]).get(row.id, []))
            return [links.link(field.target, pk) for pk in targets]
        value = row._mapping[field.column]
        if field.kind == "link" and self.resource.key == "units/units" and deviation_on("QT-06"):
            return value  # the id, not a hyperlink
        return plain(field, value)

    def batched(self, name: str, row_id: int,
                fetch: Callable[[list[int]], dict[int, list[Any]]]) -> list[Any]:
        """A computed field's per-row lookup, made once for the whole page of :meth:`many`
        (one query instead of one per row); a row outside the page is fetched alone."""
        if row_id not in self._in_batch:
            return fetch([row_id]).get(row_id, [])
        found = self._batched.get(name)
        if found is None:
            found = self._batched[name] = fetch(self._batch)
        return found.get(row_id, [])

    def _prefetch(self, field: Field, ids: list[int]) -> dict[int, list[int]]:
        name, source, target = through(self.resource, field)
        table = self.storage[name]
        order = [table.c.order] if "order" in table.c else []
        query = (sa.select(table.c[source], table.c[target])
                 .where(table.c[source].in_(ids)).order_by(*order, table.c.id))
        found: dict[int, list[int]] = defaultdict(list)
        for source_id, target_id in self.connection.execute(query):
            found[source_id].append(target_id)
        return found

    def nested(self, key: str, rows: Sequence[Any]) -> list[dict[str, Any]]:
        from .registry import RESOURCES

        return Serializer(self.connection, RESOURCES[key]).many(rows)


def plain(field: Field, value: Any) -> Any:
    if value is None:
        return None
    if field.kind == "link":
        return links.link(field.target, value)
    if field.kind == "datetime":
        return dates.render(value)
    if field.kind == "date":
        return dates.render_date(value)
    if field.kind == "float":
        return float(value)
    if field.kind == "bytes":
        return None
    return value
