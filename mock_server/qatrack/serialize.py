"""Rows to JSON the way QATrack+'s hyperlinked serializers write them.

Field order follows the resource description (``url`` first); relations are
absolute links; many-to-many links of a whole page are read in one query per
field. Computed fields are looked up in ``COMPUTED``, filled by ``computed.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.driver_sql import in_list, in_list_size, in_list_values
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


#: how one shown field of a row is written: (name, kind, column position, field)
Step = tuple[str, str, int, Field]
_PLANS: dict[tuple[str, bool, tuple[str, ...]], tuple[Step, ...]] = {}


def plan(resource: Resource, detail: bool, columns: tuple[str, ...]) -> tuple[Step, ...]:
    """The fields a row of ``columns`` shows, each with its position in the row; worked
    out once per resource and row shape, so writing a row is a loop over tuples."""
    key = (resource.key, detail, columns)
    found = _PLANS.get(key)
    if found is None:
        position = {name: index for index, name in enumerate(columns)}
        found = _PLANS[key] = tuple(
            (field.name, field.kind, position.get(field.column, -1), field)
            for field in resource.shown() if detail or not field.detail_only)
    return found


class Serializer:
    def __init__(self, connection: Connection, resource: Resource, *,
                 detail: bool = False) -> None:
        self.connection = connection
        self.resource = resource
        self.detail = detail
        self.storage = current_core().storage
        self.base = links.base()
        self.zone = dates.zone()
        self._ids_not_links = resource.key == "units/units" and deviation_on("QT-06")
        self._many: dict[str, dict[int, list[int]]] = {}
        self._batch: list[int] = []
        self._in_batch: frozenset[int] = frozenset()
        self._batched: dict[str, Mapping[int, Sequence[Any]]] = {}
        self._dates: dict[datetime, str] = {}

    def link(self, key: str, pk: int | None) -> str | None:
        """:func:`links.link` with this request's base read once."""
        return None if pk is None else self.base + links.path_for(key, pk)

    def render(self, moment: datetime) -> str:
        """:func:`dates.render_in` remembered per moment: the test instances of one
        performed list share their four date-times, so most of a page's are repeats."""
        text = self._dates.get(moment)
        if text is None:
            text = self._dates[moment] = dates.render_in(moment, self.zone)
        return text

    def many(self, rows: Sequence[Any]) -> list[dict[str, Any]]:
        ids = [row.id for row in rows]
        self._batch, self._in_batch = ids, frozenset(ids)
        for field in self.resource.fields:
            if field.kind == "links" and (self.detail or not field.detail_only):
                self._many[field.name] = self._prefetch(field, ids)
        if not rows:
            return []
        steps = plan(self.resource, self.detail, rows[0]._fields)
        return [self.one(row, steps) for row in rows]

    def one(self, row: Any, steps: tuple[Step, ...] | None = None) -> dict[str, Any]:
        resource = self.resource
        prefixes = _link_prefixes(self.base)
        out: dict[str, Any] = {"url": f"{prefixes[resource.key]}{row.id}/"}
        for name, kind, position, field in steps or plan(resource, self.detail, row._fields):
            if kind == "computed":
                out[name] = COMPUTED[(resource.key, name)](self, row)
            elif kind == "links":
                cached = self._many.get(name)
                targets = (cached.get(row.id, []) if cached is not None
                           else self._prefetch(field, [row.id]).get(row.id, []))
                prefix = prefixes[field.target]
                out[name] = [f"{prefix}{pk}/" for pk in targets]
            else:
                value = row[position]
                if value is None:
                    out[name] = None
                elif kind == "link":
                    out[name] = (value if self._ids_not_links
                                 else f"{prefixes[field.target]}{value}/")
                elif kind == "datetime":
                    out[name] = self.render(value)
                else:
                    out[name] = _scalar(kind, value)
        return out

    def batched(self, name: str, row_id: int,
                fetch: Callable[[list[int]], Mapping[int, Sequence[Any]]]) -> Sequence[Any]:
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
        return self.grouped(self.storage[name], source, target, ids)

    def grouped(self, table: sa.Table, source: str, target: str,
                ids: Sequence[int]) -> dict[int, list[int]]:
        """``{source id: [target ids]}`` of ``table``'s rows whose ``source`` is in ``ids``,
        in the table's order: a page's links in one statement on the driver."""
        return by_owner(self.for_ids(_pairs, table, source, target, ids=ids))

    def for_ids(self, build: Callable[..., sa.Select], *args: Any,
                ids: Sequence[Any]) -> list[Any]:
        """The records of ``build(*args, size)``, a statement whose ``in_list`` named
        ``owner`` takes ``size`` ids, run on the driver for each :data:`GROUPED_CHUNK` of
        ``ids``: a page's nested records in one statement. An owner's records are all
        in one chunk, so they keep the statement's order."""
        found: list[Any] = []
        for start in range(0, len(ids), GROUPED_CHUNK):
            chunk = ids[start:start + GROUPED_CHUNK]
            statement = self.storage.driver(build, *args, in_list_size(len(chunk)))
            found += statement.records(self.connection, in_list_values("owner", chunk))
        return found

    def nested(self, key: str, rows: Sequence[Any]) -> list[dict[str, Any]]:
        from .registry import RESOURCES

        return Serializer(self.connection, RESOURCES[key]).many(rows)


#: ids per statement of :meth:`Serializer.for_ids` (a page may be far longer; SQLite takes
#: at most 32766 bound values)
GROUPED_CHUNK = 1024


def by_owner(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, list[Any]]:
    """``{owner: [items]}`` of (owner, item) pairs, each owner's items in the order given."""
    found: dict[Any, list[Any]] = {}
    for owner, item in pairs:
        found.setdefault(owner, []).append(item)
    return found


def owned_rows(table: sa.Table, owner: str, order: tuple[str, ...], size: int) -> sa.Select:
    """``table``'s rows whose ``owner`` is one of ``size`` bound ids, in ``order``."""
    return (sa.select(table).where(in_list(table.c[owner], "owner", size))
            .order_by(*(table.c[name] for name in order)))


def _pairs(table: sa.Table, source: str, target: str, size: int) -> sa.Select:
    """(source, target) of the rows whose ``source`` is one of ``size`` bound ids."""
    order = [table.c.order] if "order" in table.c else []
    return (sa.select(table.c[source], table.c[target])
            .where(in_list(table.c[source], "owner", size)).order_by(*order, table.c.id))


def plain(field: Field, value: Any) -> Any:
    if value is None:
        return None
    if field.kind == "link":
        return links.link(field.target, value)
    if field.kind == "datetime":
        return dates.render(value)
    return _scalar(field.kind, value)


def _scalar(kind: str, value: Any) -> Any:
    """A stored value that is not None, a link or a date-time, as DRF writes it."""
    if kind == "date":
        return value.isoformat()
    if kind == "float":
        return float(value)
    if kind == "bytes":
        return None
    return value


_PREFIXES: dict[str, dict[str, str]] = {}


def _link_prefixes(base: str) -> dict[str, str]:
    """``{resource key: base + "/api/<app>/<name>/"}`` for one request base (few exist)."""
    found = _PREFIXES.get(base)
    if found is None:
        from .registry import RESOURCES

        found = {key: base + links.path_for(key) for key in RESOURCES}
        if len(_PREFIXES) < 64:
            _PREFIXES[base] = found
    return found
