"""A search's result objects from its rows (AL-14..AL-17 shapes).

What each column becomes is decided once per request (its position in the row,
its JSON conversion with the request's deviations, where it goes in the object),
so that the work per row is a few tuple reads and dict stores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from .deviations import deviation_on
from .entities import BY_NAME, children
from .hypermedia import decorate, decorates, extra_columns
from .links import converter, links, metadata_link, record_link
from .resolver import Node
from .schema import Entity

Keys = tuple[str, ...]


@dataclass(frozen=True)
class Output:
    keys: Keys  # where the value goes in the result, e.g. ("Service", "Location", "Name")
    column: ColumnElement[Any]
    data_type: str
    flag: bool = False


@dataclass
class Plan:
    outputs: list[Output]
    nodes: dict[Keys, Node]  # nested objects: the node whose key gives their links


@dataclass(frozen=True)
class _Value:
    position: int
    keys: Keys
    convert: Callable[[Any], Any]


@dataclass(frozen=True)
class _Nested:
    position: int
    prefix: Keys
    context: str
    self_prefix: str  # the record link without its key


class ResultShaper:
    """Turns rows of the query :func:`search._query` builds into result objects.

    ``columns`` are the query's column labels in order: ``__key``, ``__kind<i>``
    (one per child kind), ``__subtype``, ``__x_<name>``, ``c<i>`` (outputs) and
    ``n<i>`` (nested objects' keys).
    """

    def __init__(self, entity: Entity, plan: Plan, columns: Sequence[str]) -> None:
        at = {name: position for position, name in enumerate(columns)}
        self.entity = entity
        self.key = at["__key"]
        self.kinds = [(at[f"__kind{i}"], child.kind[1], child)  # type: ignore[index]
                      for i, child in enumerate(children(entity))]
        self.subtype = at["__subtype"] if entity.subtypes else None
        self.extras = [(name, at[f"__x_{name}"]) for name in extra_columns(entity)]
        self.decorated = decorates(entity)
        self.values = [_Value(at[f"c{i}"], output.keys, converter(output.data_type, output.flag))
                       for i, output in enumerate(plan.outputs)]
        self.nested = [
            _Nested(at[f"n{i}"], prefix, metadata_link(node.entity), record_link(node.entity, ""))
            for i, (prefix, node) in enumerate(plan.nodes.items())
        ]
        self.with_context = not deviation_on("AL-14")
        self.record_links: dict[str, tuple[str, str]] = {}  # per kind: context, self prefix

    def result(self, row: Sequence[Any]) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for value in self.values:
            raw = row[value.position]
            converted = None if raw is None else value.convert(raw)
            if len(value.keys) == 1:
                body[value.keys[0]] = converted
            else:
                _place(body, value.keys, converted)
        for nested in self.nested:
            _link(body, nested, row[nested.position])
        context, self_prefix = self._links_of(self._kind(row))
        if self.with_context:
            body["_context"] = context
        body["_self"] = f"{self_prefix}{row[self.key]}"
        if self.decorated:
            body.update(decorate(self.entity, {name: row[at] for name, at in self.extras}))
        return body

    def _kind(self, row: Sequence[Any]) -> Entity:
        """The most specific entity the row is (see :func:`links.kind_of`)."""
        if self.subtype is not None:
            return BY_NAME.get(row[self.subtype], self.entity)
        for position, value, child in self.kinds:
            if row[position] == value:
                return child
        return self.entity

    def _links_of(self, kind: Entity) -> tuple[str, str]:
        found = self.record_links.get(kind.name)
        if found is None:
            made = links(kind, "")
            found = self.record_links[kind.name] = (made["_context"], made["_self"])
        return found


def _place(body: dict[str, Any], keys: Keys, value: Any) -> None:
    target = body
    for key in keys[:-1]:
        nested = target.get(key)
        if not isinstance(nested, dict):
            nested = target[key] = {}
        target = nested
    target[keys[-1]] = value


def _link(body: dict[str, Any], nested: _Nested, ref: Any) -> None:
    parent = body
    prefix = nested.prefix
    for key in prefix[:-1]:
        parent = parent.get(key) or {}
    if not isinstance(parent, dict) or prefix[-1] not in parent:
        return
    if ref is None:
        parent[prefix[-1]] = None
        return
    target = parent[prefix[-1]]
    if isinstance(target, dict):
        target["_context"] = nested.context
        target["_self"] = f"{nested.self_prefix}{ref}"
